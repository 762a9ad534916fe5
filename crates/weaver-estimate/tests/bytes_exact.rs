//! `estimate_json_bytes` against serde_json on document *texts*: arbitrary documents with
//! whitespace, escapes, unicode, numbers of every shape and duplicate keys, and mutations
//! of them (which must be accepted and refused exactly as serde_json does).

use std::fmt::Write as _;

extern crate alloc;

/// The generators the block pass's unit tests use (string contents with every escape,
/// numbers of every shape).
#[path = "../src/bytes/testgen.rs"]
mod testgen;
use testgen::{number, scalar, string};

use proptest::prelude::*;
use serde_json::Value;
use weaver_estimate::{BytesErrorKind, estimate_json_bytes, estimate_json_bytes_limited};

/// What serde_json makes of `text`: the compact length, or `None` if it refuses it.
fn reference(text: &[u8]) -> Option<u64> {
    let v: Value = serde_json::from_slice(text).ok()?;
    Some(serde_json::to_vec(&v).unwrap().len() as u64)
}

#[track_caller]
fn agrees(text: &[u8]) {
    let ours = estimate_json_bytes(text);
    let theirs = reference(text);
    if let Ok(v) = serde_json::from_slice::<Value>(text) {
        let e = estimate_json_bytes_limited(text, usize::MAX).unwrap();
        let len = v.as_array().map(|a| a.len() as u64);
        assert_eq!(
            e.top_level_len,
            len,
            "top level of {:?}",
            String::from_utf8_lossy(text)
        );
    }
    match (&ours, theirs) {
        (Ok(n), Some(m)) => assert_eq!(*n, m, "size of {:?}", String::from_utf8_lossy(text)),
        (Err(_), None) => {}
        _ => panic!(
            "disagree on {:?}: ours {ours:?}, serde_json {theirs:?}",
            String::from_utf8_lossy(text)
        ),
    }
}

fn ws() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        6 => Just(""),
        2 => Just(" "),
        1 => Just("\n"),
        1 => Just("\t \r\n "),
    ]
}

/// Keys from a small pool (so duplicates are common), some spelled with escapes that
/// decode to the same text as another spelling.
fn key_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(&[r#""a""#, r#""b""#, r#""\u0061""#, r#""id""#, r#""\u0069d""#, r#""""#, r#""\/""#, r#""/""#][..])
            .prop_map(str::to_owned),
        1 => string(),
    ]
}

fn doc_text() -> impl Strategy<Value = String> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        let item = (ws(), inner.clone(), ws()).prop_map(|(a, v, b)| format!("{a}{v}{b}"));
        prop_oneof![
            prop::collection::vec(item, 0..6).prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((ws(), key_text(), ws(), ws(), inner, ws()), 0..6).prop_map(
                |es| {
                    let body: Vec<String> = es
                        .into_iter()
                        .map(|(a, k, b, c, v, d)| format!("{a}{k}{b}:{c}{v}{d}"))
                        .collect();
                    format!("{{{}}}", body.join(","))
                }
            ),
        ]
    })
}

/// Bytes that matter to the grammar, for mutations.
const INTERESTING: &[u8] = b",:[]{}\"\\ 0123456789-+.eEtfnul\x00\x1f\x7f\xc3\xa9\xff";

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop::sample::select(INTERESTING);
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), byte.clone()).prop_map(|(i, c)| Mutation::Insert(i, c)),
        (any::<usize>(), byte).prop_map(|(i, c)| Mutation::Replace(i, c)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    for m in muts {
        let n = b.len();
        match *m {
            Mutation::Delete(i) if n > 0 => {
                b.remove(i % n);
            }
            Mutation::Insert(i, c) => b.insert(i % (n + 1), c),
            Mutation::Replace(i, c) if n > 0 => b[i % n] = c,
            Mutation::Truncate(i) => b.truncate(i % (n + 1)),
            _ => {}
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn documents_measure_as_serde_json_reprints_them(doc in doc_text(), lead in ws(), trail in ws()) {
        let text = format!("{lead}{doc}{trail}");
        // The generator only writes valid JSON, except numbers out of range (`1e400`).
        agrees(text.as_bytes());
    }

    #[test]
    fn mutated_documents_are_accepted_and_refused_like_serde_json(
        doc in doc_text(),
        muts in prop::collection::vec(mutation(), 1..4),
    ) {
        agrees(&apply(&doc, &muts));
    }

    #[test]
    fn numbers_of_every_shape(n in number(), wrap in any::<bool>()) {
        let text = if wrap { format!("[{n}, {n}]") } else { n };
        agrees(text.as_bytes());
    }

    #[test]
    fn every_float_printed_every_way(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        prop_assume!(f.is_finite());
        // Shortest, exponent, fixed with too many digits, and 17 significant digits.
        for text in [format!("{f}"), format!("{f:e}"), format!("{f:E}"), format!("{f:.30}"), format!("{f:.16e}")] {
            agrees(text.as_bytes());
        }
    }

    #[test]
    fn depth_is_reported(depth in 0usize..300, objects in any::<bool>()) {
        let (open, close) = if objects { (r#"{"k":"#, "}") } else { ("[", "]") };
        let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
        let e = estimate_json_bytes_limited(text.as_bytes(), 300).unwrap();
        prop_assert_eq!(e.depth, depth);
        if depth > 0 {
            let err = estimate_json_bytes_limited(text.as_bytes(), depth - 1).unwrap_err();
            prop_assert_eq!(err.kind, BytesErrorKind::DepthLimitExceeded { limit: depth - 1 });
        }
    }
}

/// 100 000 levels: no recursion, exact (the size is known in closed form).
#[test]
fn hundred_thousand_levels() {
    const D: usize = 100_000;
    let arrays = format!("{}null{}", "[0, ".repeat(D), "]".repeat(D));
    // `[0,` and `]` per level, then `null`.
    assert_eq!(
        estimate_json_bytes(arrays.as_bytes()).unwrap(),
        4 * D as u64 + 4
    );
    // A duplicate key at every level: `{"k":1, "k":{…}}` prints as `{"k":{…}}`.
    let objects = format!("{}null{}", r#"{"k": 1, "k": "#.repeat(D), "}".repeat(D));
    assert_eq!(
        estimate_json_bytes(objects.as_bytes()).unwrap(),
        6 * D as u64 + 4
    );
    let e = estimate_json_bytes_limited(objects.as_bytes(), D).unwrap();
    assert_eq!(e.depth, D);
    assert!(estimate_json_bytes_limited(objects.as_bytes(), D - 1).is_err());
}

/// A wide object with many duplicates (the sorted path) and hash-distinct spellings of
/// equal keys (`"k7"` vs `"\u006b7"`).
#[test]
fn wide_objects_with_duplicates() {
    let mut text = String::from("{");
    for i in 0..5000 {
        if i > 0 {
            text.push(',');
        }
        let key = if i % 3 == 0 {
            format!("\\u006b{}", i % 700)
        } else {
            format!("k{}", i % 700)
        };
        write!(text, "\"{key}\": [{i}, \"{}\"]", "x".repeat(i % 13)).unwrap();
    }
    text.push('}');
    agrees(text.as_bytes());
}

#[test]
fn invalid_utf8_and_raw_controls_are_refused() {
    for bad in [
        &b"\"\xff\""[..],
        b"\"\xc3\"",
        b"\"a\xc3\"",
        b"[\"\xe4\xb8\"]",
        b"\"\x00\"",
        b"\"\x1f\"",
        b"\"\xed\xa0\x80\"",
    ] {
        assert!(estimate_json_bytes(bad).is_err(), "{bad:?}");
        assert!(reference(bad).is_none(), "{bad:?}");
    }
    // DEL and valid multi-byte UTF-8 are fine.
    agrees("\"\u{7f}é中😀\"".as_bytes());
}
