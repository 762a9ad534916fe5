//! Lists, holds and JSON text: benign lists survive byte for byte at any length (the hold cap
//! fires only for one unbounded run, with a marker saying how much it dropped), every token
//! of a long list is masked on its own, and redacting serialized JSON as text keeps it JSON.

use std::fmt::Write as _;

use proptest::prelude::*;
use weaver_redact::{Kind, Redactor};

/// One-shot, then streamed at several fixed chunkings and one pseudo-random one; all must
/// agree. Returns the one-shot output.
fn all_paths(r: &Redactor, text: &str, seed: u64) -> String {
    let one = r.redact_str(text).into_owned();
    let mut rng = seed | 1;
    let mut sizes: Vec<Box<dyn FnMut() -> usize>> = vec![
        Box::new(|| 1),
        Box::new(|| 7),
        Box::new(|| 4096),
        Box::new(move || {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1);
            1 + (rng >> 33) as usize % 9000
        }),
    ];
    for size in &mut sizes {
        let mut s = r.stream();
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let n = size().min(bytes.len() - at);
            s.push(&bytes[at..at + n], &mut out);
            assert!(s.held() <= r.max_hold());
            at += n;
        }
        s.finish(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), one, "stream differs");
    }
    one
}

#[test]
fn seventy_kilobytes_of_timestamps_survive() {
    let r = Redactor::new();
    let mut text = String::new();
    for i in 0..5400u64 {
        let _ = writeln!(text, "{}", 1_700_000_000_000 + i * 7919);
    }
    assert!(text.len() > 70_000);
    assert_eq!(all_paths(&r, &text, 1), text);
}

#[test]
fn five_thousand_emails_are_masked_one_by_one() {
    let r = Redactor::new();
    let mut text = String::new();
    for i in 0..5000 {
        let _ = writeln!(text, "user{i}@example.com");
    }
    let out = all_paths(&r, &text, 2);
    assert_eq!(out, "[REDACTED]\n".repeat(5000));
    let mut kinds = Vec::new();
    let _ = r.redact_bytes_with(text.as_bytes(), &mut |f| kinds.push(f.kind));
    assert_eq!(kinds.len(), 5000);
    assert!(kinds.iter().all(|k| *k == Kind::Email));
}

#[test]
fn space_separated_addresses_keep_their_spaces() {
    let r = Redactor::new();
    let text = "a@b.io ".repeat(10_000);
    assert_eq!(all_paths(&r, &text, 3), "[REDACTED] ".repeat(10_000));
    // A comma-separated list (a CSV column) is cut after every address too.
    let text = "a@b.io,".repeat(10_000);
    assert_eq!(all_paths(&r, &text, 6), "[REDACTED],".repeat(10_000));
    // `x@y` has no dot: not an address, so nothing at all changes.
    let text = "x@y\n".repeat(20_000);
    assert_eq!(all_paths(&r, &text, 4), text);
}

#[test]
fn the_hold_limit_marks_one_unbounded_run_with_its_size() {
    let r = Redactor::new();
    let run = "Q".repeat(70_000);
    let text = format!("before {run} after\nnext line");
    let out = all_paths(&r, &text, 5);
    assert_eq!(
        out,
        "before [REDACTED:hold_limit 70000 bytes] after\nnext line"
    );
    // The marker is recognized: redacting again changes nothing.
    assert_eq!(r.redact_str(&out), out);
}

/// A benign word: letters, short numbers, common punctuation; never an address, key,
/// keyword or digit run a rule could take.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,12}",
        "[A-Z][a-z]{0,10}",
        // Numbers stay short or glued to a word: adjacent standalone numbers would form a
        // digit run a phone or card rule may rightly take.
        "[0-9]{1,2}",
        "[a-z]{1,3}[0-9]{1,6}",
        "[a-z]{1,8}[.,:;!?)]",
        "\\([a-z]{1,8}",
        "[a-z]{1,6}-[a-z]{1,6}",
        "[0-9]{1,2}\\.[0-9]{1,2}",
        Just("—".to_owned()),
        Just("é".to_owned()),
    ]
    .prop_filter("no rule keyword", |w| {
        let l = w.to_ascii_lowercase();
        ![
            "key", "token", "secret", "pass", "pwd", "cred", "auth", "bearer", "basic", "sk",
            "tel", "tin", "ssn", "call", "cell", "sms", "fax", "phone", "mobile",
        ]
        .iter()
        .any(|k| l.contains(k))
    })
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 0..40).prop_map(|w| w.join(" "))
}

proptest! {
    // Each case is up to ~1 MB through five paths: fewer cases in debug builds.
    #![proptest_config(ProptestConfig {
        cases: if cfg!(debug_assertions) { 24 } else { 64 },
        ..ProptestConfig::default()
    })]

    /// Lists of benign lines of any length survive byte for byte, one-shot and streamed.
    #[test]
    fn benign_lines_survive_byte_for_byte(
        lines in prop::collection::vec(line(), 0..60),
        repeat in 1usize..400,
        seed in any::<u64>(),
    ) {
        let r = Redactor::new();
        let block = lines.join("\n");
        let text = vec![block; repeat].join("\n");
        prop_assert_eq!(all_paths(&r, &text, seed), text);
    }
}

/// JSON values whose strings hold secrets, escapes (line breaks, quotes, backslashes,
/// control and non-ASCII characters) and keyword assignments.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let fragment = prop_oneof![
        "[a-z ]{0,10}",
        Just("bob@example.com".to_owned()),
        Just("creds:\nAKIAZX3Q7P2LMN4TUV8W".to_owned()),
        Just("card\t4111 1111 1111 1111".to_owned()),
        Just("password=\"a b\\c\"".to_owned()),
        Just("mysql://root:hunter2@db/x".to_owned()),
        Just("-----BEGIN PRIVATE KEY-----\nMIIEvQ==\n-----END PRIVATE KEY-----\n".to_owned()),
        Just("\"quoted\" \\ back\\slash \u{1} ctl \u{e9}\u{1F600}".to_owned()),
        Just("token: \"x y z w v\"".to_owned()),
        Just("\\u0040 \\n literal".to_owned()),
    ];
    let string = prop::collection::vec(fragment, 0..6).prop_map(|f| f.join(" "));
    let leaf = prop_oneof![
        string.clone().prop_map(serde_json::Value::String),
        any::<i64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((string.clone(), inner), 0..4)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(debug_assertions) { 96 } else { 256 },
        ..ProptestConfig::default()
    })]

    /// Redacting serialized JSON as text yields valid JSON (masks never cut an escape).
    #[test]
    fn serialized_json_stays_json(v in json_value(), seed in any::<u64>()) {
        let r = Redactor::new();
        for text in [serde_json::to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap()] {
            let out = all_paths(&r, &text, seed);
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&out);
            prop_assert!(parsed.is_ok(), "not JSON: {out}");
            for secret in ["AKIAZX3Q7P2LMN4TUV8W", "4111 1111", "bob@example", "hunter2", "MIIEvQ"] {
                prop_assert!(!out.contains(secret), "{secret} leaked: {out}");
            }
        }
    }
}
