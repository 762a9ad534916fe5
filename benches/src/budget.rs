//! Benchmarks for the budget area: reserve/commit throughput (one and two threads), token
//! counting with the default and tiktoken counters, and bounded counting latency.
//!
//! Reference numbers are attached only when the reference table was measured at the run's
//! scale (the committed baseline: 1.0; `--with-reference`: the run's own). The
//! budget_manager rows do not depend on the scale (200k pairs always).

use serde_json::Value;
use weaver_budget::{
    BudgetConfig, BudgetManager, CharCounter, ResponseMode, TiktokenCounter, TokenCounter,
};

use crate::Bench;

/// Pairs per run, as in the reference run (`benches/reference/ref_driver.py`, `budget_manager`).
const PAIRS: u64 = 200_000;
/// The reference's total, large enough that 200k calls never exhaust it.
const TOTAL: u64 = 1_000_000_000_000_000;

fn manager() -> BudgetManager {
    BudgetManager::new(TOTAL, BudgetConfig::default()).expect("valid budget")
}

/// The reference loop: reserve the default 4 000, commit 1 000 + (i & 1023).
fn pairs(m: &BudgetManager, n: u64, with_mode: bool) -> u64 {
    let mut modes = 0u64;
    for i in 0..n {
        let Ok(r) = m.reserve(None) else { break };
        if with_mode {
            modes += m.suggested_mode(ResponseMode::Table) as u64;
        }
        r.commit(1_000 + (i & 1023));
    }
    m.used() + modes
}

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    budget_manager(b);
    counters(b);
}

fn budget_manager(b: &mut Bench) {
    b.measure(
        "budget_manager",
        "BudgetManager reserve+commit",
        Some("BudgetManager allocate+record_usage"),
        None,
        Some(PAIRS),
        || pairs(&manager(), PAIRS, false),
    );
    b.note("200k pairs, one thread, default in-process accounts");
    b.measure(
        "budget_manager",
        "BudgetManager reserve+suggested_mode+commit",
        Some("BudgetManager allocate+suggested_mode+record_usage"),
        None,
        Some(PAIRS),
        || pairs(&manager(), PAIRS, true),
    );
    b.measure(
        "budget_manager",
        "BudgetManager reserve+commit, 2 threads",
        None,
        None,
        Some(2 * PAIRS),
        || {
            let m = manager();
            std::thread::scope(|s| {
                let h = s.spawn(|| pairs(&m, PAIRS, false));
                pairs(&m, PAIRS, false);
                let _ = h.join();
            });
            m.used()
        },
    );
    b.note("200k pairs per thread on one shared manager; per item = wall time / 400k");
}

fn counters(b: &mut Bench) {
    let w = b.workloads().clone();
    let cl = TiktokenCounter::cl100k(); // builds the encoder before timing
    let o2 = TiktokenCounter::o200k();

    // Structured workloads: MB/s over the JSON file size, as the reference reports.
    for name in ["rows_50k", "nested_deep"] {
        let Ok(bytes) = w.bytes(name) else { continue };
        let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        let n = bytes.len() as u64;
        b.measure(
            name,
            "CharCounter (chars/4, compact JSON)",
            Some("default_token_counter"),
            Some(n),
            None,
            || CharCounter.count_value(&value),
        );
        b.note("walks the value (weaver-estimate), no serialization");
        b.measure(
            name,
            "tiktoken counter (cl100k)",
            Some("tiktoken counter (cl100k)"),
            Some(n),
            None,
            || cl.count_value(&value),
        );
        b.note("counts compact JSON; the reference counts Python's `, `/ASCII-escaped text");
        drop_deep(value);
    }

    if let Ok(text) = w.text() {
        let n = text.len() as u64;
        b.measure(
            "text_20mb",
            "CharCounter (chars/4) on the text",
            None,
            Some(n),
            None,
            || CharCounter.count_str(&text),
        );
        let v = Value::String(text.clone());
        b.measure(
            "text_20mb",
            "CharCounter (chars/4) as a JSON string value",
            Some("default_token_counter"),
            Some(n),
            None,
            || CharCounter.count_value(&v),
        );
        b.note("escape-aware length of the JSON string");
        let tokens = cl.count_str(&text);
        b.measure(
            "text_20mb",
            "tiktoken counter (cl100k)",
            Some("tiktoken counter (cl100k)"),
            Some(n),
            None,
            || cl.count_str(&text),
        );
        b.note(format!("{tokens} tokens"));
        b.measure(
            "text_20mb",
            "tiktoken counter (o200k)",
            None,
            Some(n),
            None,
            || o2.count_str(&text),
        );
        b.measure(
            "text_20mb",
            "tiktoken count_up_to 4000 tokens (cl100k)",
            None,
            None,
            None,
            || cl.count_str_up_to(&text, 4_000),
        );
        b.note("latency to decide that a 20 MB text does not fit 4 000 tokens");
        b.measure(
            "text_20mb",
            "tiktoken count_up_to 4000 tokens (cl100k), JSON value",
            None,
            None,
            None,
            || cl.count_up_to(&v, 4_000),
        );
        b.measure(
            "text_20mb",
            "CharCounter count_up_to 4000 tokens, JSON value",
            None,
            None,
            None,
            || CharCounter.count_up_to(&v, 4_000),
        );
    }

    if let Ok(bytes) = w.bytes("small_calls")
        && let Ok(Value::Array(calls)) = serde_json::from_slice::<Value>(&bytes)
    {
        let n = bytes.len() as u64;
        let items = calls.len() as u64;
        b.measure(
            "small_calls",
            "CharCounter per call",
            Some("default_token_counter per call"),
            Some(n),
            Some(items),
            || {
                calls
                    .iter()
                    .map(|c| CharCounter.count_value(c))
                    .sum::<u64>()
            },
        );
        b.measure(
            "small_calls",
            "tiktoken counter per call (cl100k)",
            Some("tiktoken counter per call (cl100k)"),
            Some(n),
            Some(items),
            || calls.iter().map(|c| cl.count_value(c)).sum::<u64>(),
        );
    }
}

/// Drops a possibly deep value without recursing (nested_deep is 200 levels deep, harmless,
/// but the benches should not depend on that).
fn drop_deep(value: Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}
