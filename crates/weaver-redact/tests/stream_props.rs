//! Streaming invariants, by property: for random texts built from secret fragments and
//! noise, and random chunkings (empty pieces and splits inside code points included), the
//! streamed output equals the one-shot output; no planted secret survives; redaction is
//! idempotent; the held run never exceeds the cap.

use proptest::prelude::*;
use weaver_redact::{Kind, Redactor};

const SECRETS: [&str; 14] = [
    "bob.smith42@example.com",
    "555-867-5309",
    "(415) 555-0123",
    "+44 20 7946 0958",
    "4111 1111 1111 1111",
    "5500000000000004",
    "219-09-9999",
    "Bearer tok_zzzCANARY123456",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Qk9HVVNfQ0FOQVJZX1NJRw",
    "api_key=ZZZZ_CANARYKEY_ABCDEF12345",
    "postgresql://canary:zzz-secret-pw@db.invalid/main",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_1234567890abcdefghijklmnopqrstuvwxyz",
    "phone 4155550123",
];

/// The part of each secret that must never appear in the output.
fn core(secret: &str) -> &str {
    match secret {
        s if s.starts_with("Bearer ") => &s[7..],
        s if s.starts_with("api_key=") => &s[8..],
        s if s.starts_with("postgresql://") => "zzz-secret-pw",
        s if s.starts_with("phone ") => &s[6..],
        s => s,
    }
}

const NOISE: [&str; 16] = [
    " ",
    "\n",
    ", ",
    "é",
    "日本",
    "x",
    "42",
    "0.5",
    "2024-05-01T00:00:00Z",
    " ts=1714500000 ",
    "[REDACTED]",
    "a",
    "-",
    "@",
    ":",
    "\"",
];

fn piece() -> impl Strategy<Value = (bool, usize)> {
    prop_oneof![3 => (Just(false), 0..NOISE.len()), 1 => (Just(true), 0..SECRETS.len())]
}

fn build(parts: &[(bool, usize)]) -> (String, Vec<&'static str>) {
    let mut s = String::new();
    let mut planted = Vec::new();
    for &(secret, i) in parts {
        if secret {
            // Separate secrets from neighbours so each is a well-formed match on its own.
            s.push(' ');
            s.push_str(SECRETS[i]);
            s.push(' ');
            planted.push(core(SECRETS[i]));
        } else {
            s.push_str(NOISE[i]);
        }
    }
    (s, planted)
}

fn stream(r: &Redactor, bytes: &[u8], cuts: &[usize]) -> (Vec<u8>, usize) {
    let mut s = r.stream();
    let mut out = Vec::new();
    let mut max_held = 0;
    let mut at = 0;
    for &c in cuts {
        let end = (at + c).min(bytes.len());
        s.push(&bytes[at..end], &mut out);
        max_held = max_held.max(s.held());
        at = end;
    }
    s.push(&bytes[at..], &mut out);
    s.finish(&mut out);
    (out, max_held)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn stream_equals_one_shot_and_nothing_leaks(
        parts in prop::collection::vec(piece(), 0..24),
        cuts in prop::collection::vec(0usize..12, 0..40),
    ) {
        let r = Redactor::new();
        let (text, planted) = build(&parts);
        let one = r.redact_bytes(text.as_bytes()).into_owned();
        let (streamed, held) = stream(&r, text.as_bytes(), &cuts);
        prop_assert_eq!(&streamed, &one);
        prop_assert!(held <= r.max_hold());
        let out = String::from_utf8(one).expect("valid UTF-8 in, valid UTF-8 out");
        prop_assert_eq!(&*r.redact_str(&text), out.as_str());
        for p in planted {
            prop_assert!(!out.contains(p), "{p:?} survived in {out:?}");
        }
        prop_assert_eq!(&*r.redact_str(&out), out.as_str(), "not idempotent");
    }

    #[test]
    fn segmentation_loses_nothing(parts in prop::collection::vec(piece(), 0..24), glue in any::<bool>()) {
        let r = Redactor::new();
        let (mut text, _) = build(&parts);
        if glue {
            // Also without the spaces around secrets: neighbours glued to them.
            text = text.replace(' ', "");
        }
        let mut got = Vec::new();
        let _ = r.redact_bytes_with(text.as_bytes(), &mut |f| got.push((f.start, f.end, f.kind)));
        prop_assert_eq!(got, r.unsegmented_spans(text.as_bytes()), "in {:?}", text);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_stream_exactly(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        cuts in prop::collection::vec(0usize..20, 0..30),
    ) {
        let r = Redactor::new();
        let one = r.redact_bytes(&bytes).into_owned();
        let (streamed, _) = stream(&r, &bytes, &cuts);
        prop_assert_eq!(streamed, one);
    }

    #[test]
    fn findings_are_identical_in_both_paths(
        parts in prop::collection::vec(piece(), 0..16),
        cuts in prop::collection::vec(1usize..9, 0..30),
    ) {
        let r = Redactor::new();
        let (text, _) = build(&parts);
        let mut one = Vec::new();
        let _ = r.redact_bytes_with(text.as_bytes(), &mut |f| one.push(f));
        let mut s = r.stream();
        let mut out = Vec::new();
        let mut streamed = Vec::new();
        let mut at = 0;
        for c in cuts {
            let end = (at + c).min(text.len());
            s.push_with(&text.as_bytes()[at..end], &mut out, &mut |f| streamed.push(f));
            at = end;
        }
        s.push_with(&text.as_bytes()[at..], &mut out, &mut |f| streamed.push(f));
        s.finish_with(&mut out, &mut |f| streamed.push(f));
        prop_assert_eq!(one, streamed);
    }
}

#[test]
fn hold_cap_fails_closed_identically() {
    let r = Redactor::builder().max_hold(1024).build().unwrap();
    // 5000 bytes of one token: the automaton never returns to a start state inside it.
    let secretish = format!("pre {} post", "a".repeat(5000));
    let one = r.redact_str(&secretish);
    // The marker says what was dropped and how much.
    assert_eq!(one, "pre [REDACTED:hold_limit 5000 bytes] post");
    let mut kinds = Vec::new();
    let mut s = String::new();
    r.redact_str_into(&secretish, &mut s, &mut |f| {
        kinds.push((f.kind, f.start, f.end));
    });
    assert_eq!(kinds, vec![(Kind::HoldLimit, 4, 5004)]);
    for size in [1, 3, 100, 1023, 1024, 1025, 4096] {
        let mut st = r.stream();
        let mut out = Vec::new();
        for c in secretish.as_bytes().chunks(size) {
            st.push(c, &mut out);
            assert!(st.held() <= 1024);
        }
        st.finish(&mut out);
        assert_eq!(out, one.as_bytes(), "chunk size {size}");
    }
}

#[test]
fn secret_split_at_the_reference_cut_is_masked() {
    // reference-behaviour.md §18 L1 and L2: keyword and value in different chunks.
    let r = Redactor::new();
    for chunks in [
        vec![
            "Authorization: Bearer sk_live_abcdefghijklmnop".to_owned(),
            format!(" {}", "q".repeat(240)),
        ],
        vec![format!("call 555 123 4567 {}", "q".repeat(251))],
        vec![format!("SSN 123 45 6789 {}", "q".repeat(250))],
        vec![
            "host postgresql://canary:zzz-secret".to_owned(),
            "-pw@db.invalid/main tail".to_owned(),
        ],
    ] {
        let mut s = r.stream();
        let mut out = Vec::new();
        for c in &chunks {
            for b in c.as_bytes().chunks(1) {
                s.push(b, &mut out);
            }
        }
        s.finish(&mut out);
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out, r.redact_str(&chunks.concat()));
        for needle in ["abcdefghijklmnop", "4567", "6789", "zzz-secret-pw"] {
            assert!(!out.contains(needle), "{needle} in {out}");
        }
    }
}

#[test]
fn large_stream_holds_no_more_than_the_cap() {
    use std::io::Write;
    let total: usize = if cfg!(debug_assertions) {
        32 << 20
    } else {
        1 << 30
    };
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let text = w.text().expect("text");
    let r = Redactor::new();
    let mut max_held = 0;
    let mut written = 0;
    let mut sink = std::io::sink();
    let mut writer = weaver_redact::RedactWriter::new(r.clone(), &mut sink);
    let bytes = text.as_bytes();
    let mut rng = 12345u64;
    while written < total {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1);
        let start = (rng >> 33) as usize % bytes.len();
        let len = ((rng >> 13) as usize % 65536).min(bytes.len() - start);
        writer.write_all(&bytes[start..start + len]).unwrap();
        max_held = max_held.max(writer.stream().held());
        written += len;
    }
    writer.finish().unwrap();
    assert!(max_held <= r.max_hold(), "held {max_held}");
    assert!(max_held > 0, "the stream held something back at least once");
}
