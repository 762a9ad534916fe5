//! The opt-in kinds (`Kind::OPT_IN`): the vectors of `testdata/redact/optin/` through a
//! redactor with every kind on — one-shot, streamed in 1-, 3- and 7-byte chunks, and
//! redacted again (a fixed point) — and the selection API: off by default, on by name.

use std::path::Path;

use weaver_redact::{Kind, Redactor};

mod support;

use support::File;

fn stream(r: &Redactor, bytes: &[u8], size: usize) -> Vec<u8> {
    let mut s = r.stream();
    let mut out = Vec::new();
    for chunk in bytes.chunks(size) {
        s.push(chunk, &mut out);
    }
    s.finish(&mut out);
    out
}

#[test]
fn optin_vectors_with_all_kinds() {
    let r = Redactor::builder()
        .all_kinds()
        .automaton_cache(Path::new(env!("CARGO_TARGET_TMPDIR")).join("automata"))
        .build()
        .expect("builds");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/redact/optin");
    let mut n = 0;
    let mut failures = Vec::new();
    for e in std::fs::read_dir(&dir).expect("testdata/redact/optin") {
        let p = e.expect("entry").path();
        if p.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let file: File = toml::from_str(&std::fs::read_to_string(&p).expect("read")).expect("toml");
        for c in file.case {
            n += 1;
            let want = c.out.as_deref().unwrap_or(&c.input);
            let got = r.redact_str(&c.input);
            if got != want {
                failures.push(format!("{:?}: got {got:?}, want {want:?}", c.input));
                continue;
            }
            for size in [1, 3, 7] {
                let s = stream(&r, c.input.as_bytes(), size);
                if s != want.as_bytes() {
                    failures.push(format!(
                        "{:?}: stream {size}: {:?}",
                        c.input,
                        String::from_utf8_lossy(&s)
                    ));
                }
            }
            if r.redact_str(want) != want {
                failures.push(format!("{:?}: not a fixed point", c.input));
            }
        }
    }
    assert!(n >= 20, "too few opt-in vectors: {n}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn optin_kinds_are_off_by_default_and_on_by_name() {
    let text = "host 203.0.113.54 nic 3c:22:fb:9a:10:4e at https://shop.example.com/a";
    assert_eq!(Redactor::new().redact_str(text), text);
    let ip = Redactor::builder()
        .enable(Kind::Ip)
        .build()
        .expect("builds");
    assert_eq!(
        ip.redact_str(text),
        "host [REDACTED] nic 3c:22:fb:9a:10:4e at https://shop.example.com/a"
    );
    for k in Kind::OPT_IN {
        assert_eq!(Kind::from_name(k.as_str()), Some(k));
        assert!(!Kind::TEXT_RULES.contains(&k));
    }
    assert_eq!(Kind::from_name("hold_limit"), None);
    assert_eq!(
        Kind::builtin().count(),
        Kind::TEXT_RULES.len() + Kind::OPT_IN.len()
    );
}

#[test]
fn an_optin_kind_alone_masks_nothing_else() {
    // The e-mail pattern is built to hold tokens whole, but its spans stay off.
    let r = Redactor::builder()
        .kinds([Kind::Mac])
        .build()
        .expect("builds");
    assert_eq!(
        r.redact_str("bob@example.com 3c:22:fb:9a:10:4e"),
        "bob@example.com [REDACTED]"
    );
}
