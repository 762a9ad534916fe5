//! Token counters: the default chars/4 counter (reference-behaviour.md §20 J 165, inverted
//! where weaver counts differently) and the tiktoken counters (J 166).

use proptest::prelude::*;
use serde_json::{Value, json};
use weaver_budget::{CharCounter, TokenCount, TokenCounter, counter_for};

/// (value, its compact JSON length in bytes, CharCounter tokens = ceil(len / 4),
/// the reference's count and why weaver differs).
fn char_vectors() -> Vec<(Value, u64, u64)> {
    vec![
        // ref 0: `null` is 4 characters of JSON and costs a token in a real frame.
        (Value::Null, 4, 1),
        // ref 3 (13 // 4): rounding up.
        (json!("hello world"), 13, 4),
        // ref 6 (26 chars with ", " separators // 4): compact is 23 bytes.
        (json!({"id": 1, "name": "alice"}), 23, 6),
        // ref 0: `""` is a token in every real encoding.
        (json!(""), 2, 1),
        (json!("abc"), 5, 2),
        (json!(0), 1, 1),
        (json!(false), 5, 2),
        (json!(true), 4, 1),
        // ref 6 (Python escapes each é as \u00e9: 26 chars): raw UTF-8 is 10 bytes.
        (json!("éééé"), 10, 3),
        (json!("a\nb"), 6, 2),
        (json!([]), 2, 1),
        (json!({"k": [1, 2.5, null]}), 18, 5),
    ]
}

#[test]
fn char_counter_vectors() {
    for (v, len, tokens) in char_vectors() {
        assert_eq!(serde_json::to_string(&v).unwrap().len() as u64, len, "{v}");
        assert_eq!(CharCounter.count_value(&v), tokens, "{v}");
    }
    // A hundred-byte value costs 25 tokens (ref: an object rendering as 100 chars → 25).
    let v = json!("x".repeat(98));
    assert_eq!(CharCounter.count_value(&v), 25);
}

#[test]
fn char_counter_counts_text_as_given() {
    for (text, tokens) in [
        ("", 0),
        ("abcd", 1),
        ("abcde", 2),
        ("hello world", 3),
        ("é", 1),
    ] {
        assert_eq!(CharCounter.count_str(text), tokens, "{text:?}");
    }
    assert_eq!(
        CharCounter.count_str_up_to("abcde", 1),
        TokenCount::Exceeds { at_least: 2 }
    );
    assert_eq!(
        CharCounter.count_str_up_to("abcde", 2),
        TokenCount::Exact(2)
    );
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
        "[\\x00-\\x1f\"\\\\ é]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z\"]{0,5}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn char_counter_is_ceil_of_compact_json_bytes(v in arb_value(), limit in 0u64..64) {
        let len = serde_json::to_vec(&v).unwrap().len() as u64;
        let want = len.div_ceil(4);
        prop_assert_eq!(CharCounter.count_value(&v), want);
        let bounded = CharCounter.count_up_to(&v, limit);
        if want <= limit {
            prop_assert_eq!(bounded, TokenCount::Exact(want));
        } else {
            let TokenCount::Exceeds { at_least } = bounded else {
                return Err(TestCaseError::fail("fitted"));
            };
            prop_assert!(at_least > limit && at_least <= want);
        }
    }
}

#[test]
fn counter_for_names() {
    assert_eq!(counter_for("chars").unwrap().name(), "chars");
    let err = counter_for("gpt2").unwrap_err();
    assert_eq!(err.name, "gpt2");
    assert!(
        err.to_string()
            .starts_with("unknown token encoding \"gpt2\" (expected one of: chars")
    );
}

#[cfg(feature = "tiktoken")]
mod tiktoken {
    use super::*;
    use weaver_budget::{Encoding, TiktokenCounter};

    /// Known splits (decoded token by token), so the counts are not just "what the code
    /// says": `tiktoken is great!` is OpenAI's own cookbook example for cl100k_base.
    const CL100K: &[(&str, &[&str])] = &[
        ("hello world", &["hello", " world"]),
        (
            "tiktoken is great!",
            &["t", "ik", "token", " is", " great", "!"],
        ),
        ("{\"id\":1}", &["{\"", "id", "\":", "1", "}"]),
        ("\"\"", &["\"\""]),
        ("null", &["null"]),
        ("", &[]),
    ];

    #[test]
    fn cl100k_known_counts() {
        let c = TiktokenCounter::cl100k();
        let bpe = tiktoken_rs::cl100k_base_singleton();
        for &(text, pieces) in CL100K {
            assert_eq!(
                bpe.split_by_token_ordinary(text).unwrap(),
                pieces,
                "{text:?}"
            );
            assert_eq!(c.count_str(text), pieces.len() as u64, "{text:?}");
        }
    }

    #[test]
    fn o200k_differs_where_the_vocabulary_does() {
        let o = TiktokenCounter::o200k();
        let bpe = tiktoken_rs::o200k_base_singleton();
        let text = "tiktoken is great!";
        assert_eq!(
            bpe.split_by_token_ordinary(text).unwrap(),
            ["t", "ikt", "oken", " is", " great", "!"]
        );
        assert_eq!(o.count_str(text), 6);
        assert_eq!(o.count_str("a b c"), 3); // J 166: o200k_base + "a b c"
        assert_eq!(o.name(), "o200k_base");
        assert_eq!(o.encoding(), Encoding::O200kBase);
    }

    #[test]
    fn a_value_is_counted_as_its_compact_json() {
        let c = TiktokenCounter::cl100k();
        // A string value includes its quotes: `"`, `hello`, ` world`, `"`.
        assert_eq!(c.count_value(&json!("hello world")), 4);
        assert_eq!(c.count_str("hello world"), 2);
        // `{"id": 1}` is counted as `{"id":1}` (5 tokens above), not Python's spacing.
        assert_eq!(c.count_value(&json!({"id": 1})), 5);
        assert_eq!(c.count_value(&Value::Null), 1);
        // Non-ASCII stays raw UTF-8: `"`, `é`×4, `"`.
        assert_eq!(c.count_value(&json!("éééé")), 6);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn value_count_equals_encoding_its_compact_json(v in arb_value(), limit in 0u64..80) {
            for c in [TiktokenCounter::cl100k(), TiktokenCounter::o200k()] {
                let text = serde_json::to_string(&v).unwrap();
                let want = c.count_str(&text);
                prop_assert_eq!(c.count_value(&v), want);
                match c.count_up_to(&v, limit) {
                    TokenCount::Exact(n) => prop_assert!(n == want && n <= limit),
                    TokenCount::Exceeds { at_least } => {
                        prop_assert!(want > limit && at_least > limit && at_least <= want);
                    }
                }
            }
        }
    }

    #[test]
    fn names_and_unknown_encodings() {
        for name in ["cl100k_base", "o200k_base"] {
            assert_eq!(TiktokenCounter::from_name(name).unwrap().name(), name);
            assert_eq!(counter_for(name).unwrap().name(), name);
        }
        let err = TiktokenCounter::from_name("p50k_base").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown token encoding \"p50k_base\" (expected one of: cl100k_base, o200k_base)"
        );
        assert!(TiktokenCounter::from_name("CL100K_BASE").is_err());
        assert!(TiktokenCounter::from_name("chars").is_err());
        assert_eq!(
            counter_for("p50k_base").unwrap_err().to_string(),
            "unknown token encoding \"p50k_base\" (expected one of: chars, cl100k_base, o200k_base)"
        );
    }

    #[test]
    fn special_token_text_is_ordinary_text() {
        // Tool output may contain `<|endoftext|>`; it is text, never a control token.
        let c = TiktokenCounter::cl100k();
        assert!(c.count_str("<|endoftext|>") > 1);
    }

    #[test]
    fn bounded_count_stops_early_on_a_huge_string() {
        let c = TiktokenCounter::cl100k();
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(50_000); // 2.25 MB
        let limit = 4_000;
        let TokenCount::Exceeds { at_least } = c.count_str_up_to(&text, limit) else {
            panic!("2 MB of text fitted in 4 000 tokens");
        };
        // Stopped within about one 8 KiB piece of the limit, far below the full count.
        let full = c.count_str(&text);
        assert!(
            at_least > limit && at_least < limit + 8 * 1024,
            "{at_least}"
        );
        assert!(full > 400_000);
        // The same as a Value (a JSON string): the walk stops too.
        let v = json!([text]);
        let TokenCount::Exceeds { at_least } = c.count_up_to(&v, limit) else {
            panic!("fitted");
        };
        assert!(
            at_least > limit && at_least < limit + 8 * 1024,
            "{at_least}"
        );
    }
}
