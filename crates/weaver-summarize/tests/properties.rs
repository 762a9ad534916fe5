//! Invariants of the summarizer over generated values.

use proptest::prelude::*;
use serde_json::{Map, Value};
use weaver_summarize::{ListSummarizer, NoGuard, SummaryOptions, summarize};

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-c é😀\"\\\n]{0,8}".prop_map(Value::String),
        (0usize..1200).prop_map(|n| Value::String("ü".repeat(n))),
    ];
    leaf.prop_recursive(6, 128, 12, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..12).prop_map(Value::Array),
            prop::collection::vec(("[a-e]{1,3}", inner), 0..12)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

const MARKER_TAIL: &str = " more facts omitted; full data via handle)";

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn facts_are_bounded_and_the_marker_is_last(v in value(), max in 0usize..25, depth in prop::option::of(0usize..5)) {
        let opts = SummaryOptions { max_depth: depth, ..SummaryOptions::default().max_facts(max) };
        let s = summarize(&v, &opts);
        let omitted = s.omitted();
        let facts = s.into_facts();
        prop_assert!(facts.len() <= max);
        for (i, f) in facts.iter().enumerate() {
            let is_marker = f.starts_with("… (") && f.ends_with(MARKER_TAIL);
            prop_assert_eq!(is_marker, omitted > 0 && i == facts.len() - 1, "{:?}", facts);
            // Every fact is bounded whatever the input: the longest are 10 distribution
            // values or 20 keys; a text head is 500 characters plus its note.
            prop_assert!(f.chars().count() <= 600, "{}", f);
        }
        if omitted > 0 {
            prop_assert_eq!(facts.last().unwrap(), &format!("… ({omitted}{MARKER_TAIL}"));
        }
    }

    #[test]
    fn deterministic(v in value()) {
        let opts = SummaryOptions::default();
        prop_assert_eq!(summarize(&v, &opts), summarize(&v, &opts));
    }

    #[test]
    fn incremental_equals_whole(items in prop::collection::vec(value(), 0..20)) {
        let opts = SummaryOptions::default().max_depth(3);
        let whole = summarize(&Value::Array(items.clone()), &opts);
        let mut inc = ListSummarizer::new(&opts, &NoGuard);
        for item in &items {
            inc.push(item);
        }
        prop_assert_eq!(inc.finish(), whole);
    }
}
