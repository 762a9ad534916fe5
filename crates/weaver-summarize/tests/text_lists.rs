//! Lists of strings: the vectors of `testdata/summarize/text_lists.toml`, the guard on the
//! items shown, and the bounds.

use std::borrow::Cow;
use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value;
use weaver_summarize::{
    Guard, ListSummarizer, NoGuard, SummaryOptions, summarize, summarize_guarded,
};

#[derive(serde::Deserialize)]
struct Vectors {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    #[serde(rename = "in")]
    input: String,
    facts: Vec<String>,
}

#[test]
fn vectors() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/summarize/text_lists.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let v: Vectors = toml::from_str(&text).unwrap();
    assert!(v.case.len() >= 8);
    for case in v.case {
        let doc: Value = serde_json::from_str(&case.input).unwrap();
        let got = summarize(&doc, &SummaryOptions::default()).into_facts();
        assert_eq!(got, case.facts, "{}", case.name);
    }
}

/// Masks the planted secret wherever it appears in a text it is given.
struct Masking;

const SECRET: &str = "sk-CANARY-0123456789abcdef";

impl Guard for Masking {
    fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if text.contains(SECRET) {
            Cow::Owned(text.replace(SECRET, "[X]"))
        } else {
            Cow::Borrowed(text)
        }
    }
}

#[test]
fn edge_items_pass_the_guard_whole() {
    // The secret straddles the 100-character cut: the guard sees the whole line first.
    let line = format!("{} {SECRET} tail", "x".repeat(90));
    let doc = serde_json::json!([line.clone(), "INFO ok", line]);
    let facts = summarize_guarded(&doc, &SummaryOptions::default(), &Masking).into_facts();
    let all = facts.join("\n");
    assert!(!all.contains("sk-CANARY"), "{all}");
    assert!(
        facts[2].starts_with(&format!("#1: {} [X] tail", "x".repeat(90))),
        "{facts:?}"
    );
}

#[test]
fn distinct_count_is_dropped_past_its_cap() {
    let items: Vec<Value> = (0..1500).map(|i| Value::String(format!("m{i}"))).collect();
    let facts = summarize(&Value::Array(items), &SummaryOptions::default()).into_facts();
    assert_eq!(facts[0], "List of 1500 strings (2–5 chars, avg 4.3)");
    let idx: Vec<&str> = facts[1..]
        .iter()
        .map(|f| f.split(':').next().unwrap())
        .collect();
    assert_eq!(idx, ["#1", "#2", "#3", "#1498", "#1499", "#1500"]);
}

#[test]
fn max_facts_cuts_text_lists_with_the_marker() {
    let doc = serde_json::json!(["ERROR a", "b", "c", "d", "e", "f", "g"]);
    let facts = summarize(&doc, &SummaryOptions::default().max_facts(3)).into_facts();
    assert_eq!(
        facts,
        [
            "List of 7 strings (1–7 chars, avg 1.9; 7 distinct)",
            "Levels: ERROR=1, none=6",
            "… (6 more facts omitted; full data via handle)"
        ]
    );
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => ("[A-Z]{0,6}", "[a-z 0-9=:\\[\\]\"]{0,40}").prop_map(|(a, b)| format!("{a} {b}")),
        1 => Just(format!("INFO token {SECRET}")),
        1 => (0usize..300).prop_map(|n| format!("{}{SECRET}", "é".repeat(n))),
        1 => "[é😀\\x00-\\x1f]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn bounded_deterministic_and_never_shows_the_secret(
        lines in prop::collection::vec(line(), 1..40),
        max in 0usize..12,
        in_map in any::<bool>(),
    ) {
        let list = Value::Array(lines.iter().cloned().map(Value::String).collect());
        let doc = if in_map { serde_json::json!({"lines": list}) } else { list };
        let opts = SummaryOptions::default().max_facts(max);
        let a = summarize_guarded(&doc, &opts, &Masking);
        prop_assert_eq!(&a, &summarize_guarded(&doc, &opts, &Masking));
        let facts = a.into_facts();
        prop_assert!(facts.len() <= max);
        for f in &facts {
            prop_assert!(!f.contains("sk-CANARY"), "{}", f);
            // An item fact: a prefix, 100 characters, the cut note.
            prop_assert!(f.chars().count() <= 150, "{}", f);
        }
    }

    #[test]
    fn strings_fed_one_by_one_equal_the_whole(lines in prop::collection::vec(line(), 0..30)) {
        let opts = SummaryOptions::default();
        let whole = summarize(&Value::Array(lines.iter().cloned().map(Value::String).collect()), &opts);
        let mut inc = ListSummarizer::new(&opts, &NoGuard);
        for l in &lines {
            inc.push_str(l);
        }
        prop_assert_eq!(inc.finish(), whole);
    }
}
