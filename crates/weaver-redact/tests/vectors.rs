//! Drives every text vector of `testdata/redact/` (except the JSON helper's `json*.toml` and
//! `keys.toml`) through every engine path: `redact_str`, `redact_str_into`, `redact_bytes`,
//! and the streaming redactor under 1-, 2- and 7-byte and pseudo-random chunkings. Also
//! checks idempotence and that typed markers differ from plain ones only in the marker text.

use std::path::{Path, PathBuf};

use weaver_redact::{MarkerStyle, Redactor};

mod support;

use support::{Case, File};

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/redact");
    let mut files = Vec::new();
    for sub in [dir.clone(), dir.join("negatives")] {
        for e in std::fs::read_dir(&sub).expect("testdata/redact") {
            let p = e.expect("entry").path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            let is_text = p.extension().is_some_and(|x| x == "toml")
                && !name.starts_with("json")
                && name != "keys.toml";
            if is_text {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// A small deterministic generator for the random chunkings.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn stream_with(r: &Redactor, bytes: &[u8], mut size: impl FnMut() -> usize) -> Vec<u8> {
    let mut s = r.stream();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let n = size().min(bytes.len() - i);
        s.push(&bytes[i..i + n], &mut out);
        i += n;
    }
    s.finish(&mut out);
    out
}

fn check_case(r: &Redactor, typed: &Redactor, file: &str, c: &Case) -> Result<(), String> {
    let want = c.out.as_deref().unwrap_or(&c.input);
    let ctx = format!("{file}: {:?}", c.input);
    let got = r.redact_str(&c.input);
    if got != want {
        return Err(format!(
            "{ctx}\n  redact_str: {got:?}\n  expected:   {want:?}"
        ));
    }
    let mut into = String::from("prefix:");
    let mut findings = Vec::new();
    let n = r.redact_str_into(&c.input, &mut into, &mut |f| findings.push(f));
    if into != format!("prefix:{want}") || n != findings.len() {
        return Err(format!("{ctx}\n  redact_str_into: {into:?}"));
    }
    if (n == 0) != (want == c.input) {
        return Err(format!(
            "{ctx}\n  {n} findings for a {} case",
            if want == c.input {
                "negative"
            } else {
                "positive"
            }
        ));
    }
    for f in &findings {
        if f.start >= f.end || f.end > c.input.len() as u64 {
            return Err(format!("{ctx}\n  bad finding span {f:?}"));
        }
    }
    let bytes = r.redact_bytes(c.input.as_bytes());
    if &*bytes != want.as_bytes() {
        return Err(format!("{ctx}\n  redact_bytes differs"));
    }
    let mut rng = Lcg(c.input.len() as u64 + 17);
    for (name, out) in [
        ("1-byte", stream_with(r, c.input.as_bytes(), || 1)),
        ("2-byte", stream_with(r, c.input.as_bytes(), || 2)),
        ("7-byte", stream_with(r, c.input.as_bytes(), || 7)),
        ("random", stream_with(r, c.input.as_bytes(), || rng.next(9))),
    ] {
        if out != want.as_bytes() {
            return Err(format!(
                "{ctx}\n  stream {name}: {:?}",
                String::from_utf8_lossy(&out)
            ));
        }
    }
    let again = r.redact_str(want);
    if again != want {
        return Err(format!("{ctx}\n  not idempotent: {again:?}"));
    }
    let t = typed.redact_str(&c.input);
    let t_again = typed.redact_str(&t);
    if t_again != t {
        return Err(format!(
            "{ctx}\n  typed not idempotent: {t:?} -> {t_again:?}"
        ));
    }
    let normalize = |s: &str| {
        let mut plain = s.to_owned();
        for k in KINDS {
            plain = plain.replace(&format!("[REDACTED:{k}]"), "[REDACTED]");
        }
        plain
    };
    if normalize(&t) != normalize(want) {
        return Err(format!("{ctx}\n  typed markers: {t:?}"));
    }
    Ok(())
}

const KINDS: [&str; 21] = [
    "email",
    "phone",
    "card",
    "ssn",
    "iban",
    "national_id",
    "bearer",
    "basic_auth",
    "jwt",
    "api_key",
    "aws_key",
    "github_token",
    "slack_token",
    "openai_key",
    "anthropic_key",
    "stripe_key",
    "google_api_key",
    "private_key",
    "url_credentials",
    "vendor_token",
    "hold_limit",
];

#[test]
fn every_vector_through_every_path() {
    let r = Redactor::new();
    let typed = Redactor::builder()
        .marker(MarkerStyle::Typed)
        .build()
        .expect("builds");
    let mut failures = Vec::new();
    let mut total = 0;
    for path in vector_files() {
        let text = std::fs::read_to_string(&path).expect("read");
        let file: File =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!file.case.is_empty(), "{name} has no cases");
        for c in &file.case {
            total += 1;
            if let Err(e) = check_case(&r, &typed, &name, c) {
                failures.push(e);
            }
        }
    }
    assert!(total >= 300, "only {total} vectors");
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn families_have_enough_vectors() {
    for (file, min) in [
        ("phone.toml", 40),
        ("card.toml", 40),
        ("ssn.toml", 40),
        ("email.toml", 40),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/redact")
            .join(file);
        let f: File = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let pos = f.case.iter().filter(|c| c.out.is_some()).count();
        let neg = f.case.len() - pos;
        assert!(
            f.case.len() >= min && pos >= 10 && neg >= 10,
            "{file}: {pos} positive, {neg} negative"
        );
    }
}
