//! Counting the shared benchmark workloads: the piecewise counts must equal tiktoken-rs's
//! plain whole-text `encode_ordinary`, and the default counter the compact JSON size.
#![cfg(feature = "tiktoken")]

use weaver_budget::{CharCounter, TiktokenCounter, TokenCount, TokenCounter};

fn whole(bpe: &tiktoken_rs::CoreBPE, text: &str) -> u64 {
    bpe.encode_ordinary(text).len() as u64
}

#[test]
fn text_workload_counts_equal_whole_text_encoding() {
    let w = weaver_testkit::workloads(0.1).unwrap();
    let text = w.text().unwrap();
    assert!(text.len() > 1_000_000);
    for (c, bpe) in [
        (
            TiktokenCounter::cl100k(),
            tiktoken_rs::cl100k_base_singleton(),
        ),
        (
            TiktokenCounter::o200k(),
            tiktoken_rs::o200k_base_singleton(),
        ),
    ] {
        let want = whole(bpe, &text);
        assert_eq!(c.count_str(&text), want, "{}", c.name());
        assert_eq!(c.count_str_up_to(&text, want), TokenCount::Exact(want));
        assert!(!c.count_str_up_to(&text, want - 1).fits());
        // As a JSON string value the text is counted with its quotes and escapes.
        let v = serde_json::Value::String(text.clone());
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(c.count_value(&v), whole(bpe, &json), "{}", c.name());
    }
}

#[test]
fn rows_workload_counts_equal_whole_text_encoding() {
    let w = weaver_testkit::workloads(0.1).unwrap();
    let rows = w.json("rows_50k").unwrap();
    let json = serde_json::to_string(&rows).unwrap();
    let c = TiktokenCounter::cl100k();
    let want = whole(tiktoken_rs::cl100k_base_singleton(), &json);
    assert_eq!(c.count_value(&rows), want);
    assert_eq!(c.count_up_to(&rows, want), TokenCount::Exact(want));
    let TokenCount::Exceeds { at_least } = c.count_up_to(&rows, 4_000) else {
        panic!("rows fitted in 4 000 tokens");
    };
    assert!(at_least > 4_000 && at_least < want);
    assert_eq!(
        CharCounter.count_value(&rows),
        (json.len() as u64).div_ceil(4)
    );
}

/// OpenAI's tiktoken 0.14.0 (Python, cl100k_base read from the vocabulary file tiktoken-rs
/// ships) counts 8 056 405 tokens in text_20mb at full scale with the standard seed, as the
/// Rust test kit generates it. Generates the 20 MB workload: run with `--ignored`.
#[test]
#[ignore = "generates the full-scale workloads (about 45 s in the test profile)"]
fn text_20mb_full_scale_matches_openai_tiktoken() {
    let w = weaver_testkit::workloads(1.0).unwrap();
    let text = w.text().unwrap();
    assert_eq!(TiktokenCounter::cl100k().count_str(&text), 8_056_405);
}
