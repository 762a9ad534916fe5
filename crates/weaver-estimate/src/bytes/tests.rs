//! The fast path against the exact scanner, with every block classifier this machine runs
//! (the `u64` reference always, AVX2 where present): on adversarial documents the fast
//! path must either give up or give exactly the exact scanner's answer, and the public
//! function must answer exactly as the exact scanner does, errors included.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use proptest::prelude::*;

use super::simd::Impl;
use super::testgen::{scalar, string};
use super::{BytesEstimate, estimate_json_bytes_limited, exact, fast};

/// Checks `doc` with every implementation; returns whether the fast path accepted it
/// with all of them (they must agree on that too).
#[track_caller]
fn check(doc: &[u8], limit: usize) -> bool {
    let want = exact(doc, limit);
    assert_eq!(
        estimate_json_bytes_limited(doc, limit),
        want,
        "public vs exact on {:?}",
        String::from_utf8_lossy(doc)
    );
    let mut accepted = None;
    for imp in Impl::all() {
        let got: Option<BytesEstimate> = fast::estimate(doc, limit, imp);
        if let Some(e) = got {
            assert_eq!(
                Ok(e),
                want,
                "{imp:?} accepted {:?}",
                String::from_utf8_lossy(doc)
            );
        }
        let now = got.is_some();
        assert_eq!(*accepted.get_or_insert(now), now, "{imp:?} on {doc:?}");
    }
    accepted.unwrap_or(false)
}

/// Whitespace between tokens, every kind, sometimes long enough to shift what follows
/// across a block.
fn ws() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(String::new()),
        3 => prop::sample::select(&[" ", "\n", "\t", "\r", "\r\n", " \t\n\r "][..]).prop_map(str::to_string),
        1 => (0usize..70).prop_map(|n| " ".repeat(n)),
    ]
}

/// Keys: distinct ones (so the fast path has something to accept), a small pool that
/// repeats, and spellings with escapes that decode to another key.
fn key(i: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(format!("\"k{i}\"")),
        1 => prop::sample::select(&[r#""a""#, r#""\u0061""#, r#""""#, r#""\/""#, r#""/""#][..])
            .prop_map(str::to_string),
        1 => string(),
    ]
}

fn doc() -> impl Strategy<Value = String> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        let item = (ws(), inner.clone(), ws()).prop_map(|(a, v, b)| format!("{a}{v}{b}"));
        let entries = prop::collection::vec((ws(), ws(), inner, ws()), 0..6).prop_flat_map(|es| {
            let n = es.len();
            (Just(es), (0..n).map(key).collect::<Vec<_>>())
        });
        prop_oneof![
            prop::collection::vec(item, 0..6).prop_map(|items| format!("[{}]", items.join(","))),
            entries.prop_map(|(es, keys)| {
                let body: Vec<String> = es
                    .into_iter()
                    .zip(keys)
                    .map(|((a, b, v, c), k)| format!("{a}{k}{b}:{v}{c}"))
                    .collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
}

/// Rows sharing a shape (the shape check's fast case), with now and then a row that
/// differs: a key more or less, another order, a repeated key, an escaped spelling.
fn rows() -> impl Strategy<Value = String> {
    let row = (0usize..8, scalar(), scalar()).prop_map(|(variant, v, w)| {
        let inner = format!(r#"{{"x": {v}, "y": [{w}]}}"#);
        match variant {
            0 => format!(r#"{{"id": 1, "name": {v}, "meta": {inner}, "extra": {w}}}"#),
            1 => format!(r#"{{"id": 1, "meta": {inner}, "name": {v}}}"#),
            2 => format!(r#"{{"id": 1, "name": {v}, "id": {w}}}"#),
            3 => format!(r#"{{"id": 1, "name": {v}, "meta": {{"x": 1, "x": {w}}}}}"#),
            4 => format!(r#"{{"\u0069d": 1, "name": {v}, "meta": {inner}}}"#),
            5 => format!(r#"{{"id": 1, "name": {v}}}"#),
            _ => format!(r#"{{"id": 1, "name": {v}, "meta": {inner}}}"#),
        }
    });
    (prop::collection::vec((row, ws()), 1..12), 0usize..4).prop_map(|(rows, nest)| {
        let body: Vec<String> = rows.into_iter().map(|(r, w)| format!("{w}{r}")).collect();
        format!(
            "{}[{}]{}",
            "[".repeat(nest),
            body.join(","),
            "]".repeat(nest)
        )
    })
}

/// Bytes that matter to the grammar, UTF-8 or the block logic, for mutations.
const INTERESTING: &[u8] =
    b",:[]{}\"\\/ \t\n\r0123456789-+.eEtfnulu\x00\x08\x1f\x7f\x80\xbf\xc3\xa9\xe4\xed\xf0\xff";

fn mutate(doc: &str, muts: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut b = doc.as_bytes().to_vec();
    for &(op, at, byte) in muts {
        let n = b.len();
        match op % 4 {
            0 if n > 0 => {
                b.remove(at % n);
            }
            1 => b.insert(at % (n + 1), byte),
            2 if n > 0 => b[at % n] = byte,
            3 => b.truncate(at % (n + 1)),
            _ => {}
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn fast_path_agrees_on_documents(doc in doc(), lead in 0usize..130, trail in ws()) {
        // Leading spaces put every byte of the document at every offset in its block.
        let text = format!("{}{doc}{trail}", " ".repeat(lead));
        check(text.as_bytes(), usize::MAX);
    }

    #[test]
    fn fast_path_agrees_on_rows(rows in rows(), lead in 0usize..64) {
        let text = format!("{}{rows}", " ".repeat(lead));
        check(text.as_bytes(), usize::MAX);
    }

    #[test]
    fn fast_path_agrees_on_mutated_documents(
        doc in doc(),
        muts in prop::collection::vec((any::<u8>(), any::<usize>(), prop::sample::select(INTERESTING)), 1..4),
    ) {
        check(&mutate(&doc, &muts), usize::MAX);
    }

    #[test]
    fn fast_path_agrees_under_depth_limits(doc in doc(), limit in 0usize..8) {
        check(doc.as_bytes(), limit);
    }
}

/// Valid documents without repeated keys are taken by the fast path (the properties above
/// would also pass if it gave up on everything).
#[test]
fn fast_path_takes_plain_documents() {
    let docs: [&[u8]; 9] = [
        br#"{"a": [1, 2.5, -0, 1E2, "x\"y\\\/\u00e9\ud83d\ude00"], "b": {"c": null}}"#,
        b"  [true, false, null, 0, -1, 1.0, 12345678901234567890123]  ",
        b"\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\"",
        b"0",
        b"[]",
        b"{}",
        br#"[{"id":1,"n":"a"},{"id":2,"n":"b"},{"id":3,"n":"c","x":{}}]"#,
        br#"{"k":"\u0000\u001f\n\t"}"#,
        b"[1e400]",
    ];
    for (i, doc) in docs.iter().enumerate() {
        let taken = check(doc, usize::MAX);
        // `1e400` is out of range: an error, which only the exact scanner reports.
        assert_eq!(
            taken,
            i != docs.len() - 1,
            "{:?}",
            String::from_utf8_lossy(doc)
        );
    }
}

/// A string whose backslash runs and multi-byte characters end at every offset of a
/// block and across block boundaries, in every length class.
#[test]
fn escapes_and_utf8_at_every_offset() {
    let inner = [
        r"\\",
        r#"\""#,
        r"\\\\",
        r#"\\\""#,
        r"\/",
        r"\u00e9",
        r"\ud83d\ude00",
        "é",
        "中",
        "😀",
        r"\n",
    ];
    for lead in 0..140 {
        for s in inner {
            for doc in [
                format!(r#"["{}{s}", 1]"#, "a".repeat(lead)),
                format!(
                    r#"{{"{}{s}": "{s}{}"}}"#,
                    "b".repeat(lead),
                    "c".repeat(lead % 7)
                ),
                format!(r#"{}"{s}{}""#, " ".repeat(lead), "d".repeat(lead % 70)),
            ] {
                assert!(check(doc.as_bytes(), usize::MAX), "{doc}");
            }
        }
        // Invalid: a lone escape or truncated UTF-8 at this offset.
        for bad in [
            &b"\\"[..],
            b"\\x",
            b"\xc3",
            b"\xed\xa0\x80",
            b"\x01",
            b"\\u12",
            b"\\ud800",
        ] {
            let mut doc = b"[\"".to_vec();
            doc.extend(core::iter::repeat_n(b'a', lead));
            doc.extend_from_slice(bad);
            doc.extend_from_slice(b"\"]");
            assert!(!check(&doc, usize::MAX), "{doc:?}");
        }
    }
}

/// Objects nested past the depths that keep a shape, wide objects (sorted at their end),
/// and repeated keys deep inside repeated shapes.
#[test]
fn deep_wide_and_repeated() {
    for depth in [1, 15, 16, 17, 70, 300] {
        let doc = format!(
            "{}1{}",
            r#"{"k": [{"a": 0}, "#.repeat(depth),
            "]}".repeat(depth)
        );
        assert!(check(doc.as_bytes(), usize::MAX));
        check(doc.as_bytes(), depth);
    }
    let wide: Vec<String> = (0..100).map(|i| format!(r#""w{i}": {i}"#)).collect();
    let doc = format!("[{{{}}}, {{{}}}]", wide.join(","), wide.join(","));
    assert!(check(doc.as_bytes(), usize::MAX));
    let doc = format!("{{{}, \"w7\": 0}}", wide.join(","));
    assert!(!check(doc.as_bytes(), usize::MAX));
    let row = r#"{"a": 1, "b": {"c": 2, "d": 3}}"#;
    let dup = r#"{"a": 1, "b": {"c": 2, "c": 3}}"#;
    let doc = format!("[{row}, {row}, {dup}, {row}]");
    assert!(!check(doc.as_bytes(), usize::MAX));
    let doc = format!(r#"[{row}, {row}, {{"a": 1, "\u0061": 2}}]"#);
    assert!(!check(doc.as_bytes(), usize::MAX));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    /// Plain decimals (the ones measured from their text alone, and their neighbours past
    /// each bound) against serde_json's own parse and print.
    #[test]
    fn plain_decimals_print_as_serde_json_prints_them(
        neg in any::<bool>(),
        int in prop_oneof!["0", "[1-9][0-9]{0,15}"],
        frac in "[0-9]{1,18}",
    ) {
        let text = format!("{}{int}.{frac}", if neg { "-" } else { "" });
        let n: serde_json::Number = serde_json::from_str(&text).unwrap();
        let printed = serde_json::to_string(&n).unwrap().len() as u64;
        let (len, end) = super::token::number(text.as_bytes(), 0).unwrap();
        prop_assert_eq!(end, text.len());
        prop_assert_eq!(len, printed, "{}", text);
    }
}

/// The bounds of the plain-decimal rule: small values (leading zeros), 14 to 16
/// significant digits, a trailing zero.
#[test]
fn plain_decimal_bounds() {
    let mut texts = Vec::new();
    for zeros in 0..8 {
        for digits in 1..17 {
            let sig: String = (0..digits)
                .map(|k| char::from(b'1' + (k * 7 % 9) as u8))
                .collect();
            texts.push(format!("0.{}{sig}", "0".repeat(zeros)));
            texts.push(format!("-0.{}{sig}0", "0".repeat(zeros)));
            texts.push(format!("{sig}.{}5", "0".repeat(zeros)));
        }
    }
    for text in texts {
        let n: serde_json::Number = serde_json::from_str(&text).unwrap();
        let printed = serde_json::to_string(&n).unwrap().len() as u64;
        assert_eq!(
            super::token::number(text.as_bytes(), 0).unwrap().0,
            printed,
            "{text}"
        );
    }
}
