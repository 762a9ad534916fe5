//! Benchmarks for the estimate area: the exact compact-JSON size of parsed workloads,
//! beside the reference's `estimated_size` and beside the obvious alternative,
//! `serde_json::to_vec(..).len()`.
//!
//! MB/s here is over the *compact JSON the value is equivalent to* (the estimate itself),
//! which is what the walk accounts for; the reference column compares median times only.
//! Allocation counts are proven by `crates/weaver-estimate/tests/alloc_free.rs` (0 for these
//! workloads), not measured here.

use serde_json::Value;
use weaver_estimate::{estimate, estimate_serialize, estimate_with_limit, str_len};

use crate::Bench;

/// Times `serde_json::to_vec(v).len()` and `estimate(v)` on one value and records both,
/// with the speed-up of the estimate over serializing in the estimate row's note.
fn value_rows(b: &mut Bench, workload: &str, reference_op: Option<&str>, v: &Value) {
    let size = estimate(v);
    let serialized = serde_json::to_vec(v).map(|s| s.len() as u64).ok();
    assert_eq!(
        Some(size),
        serialized,
        "estimate must be exact on {workload}"
    );
    let to_vec = b.measure(
        workload,
        "serde_json::to_vec(..).len() (comparison)",
        None,
        Some(size),
        None,
        || serde_json::to_vec(v).map_or(0, |s| s.len()),
    );
    let est = b.measure(
        workload,
        "estimate(&Value)",
        reference_op,
        Some(size),
        None,
        || estimate(v),
    );
    b.note(format!(
        "exact: {size} bytes; {:.1}× faster than to_vec(..).len()",
        to_vec.as_secs_f64() / est.as_secs_f64()
    ));
}

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let w = b.workloads().clone();

    let rows = w.json("rows_50k").expect("rows_50k");
    value_rows(b, "rows_50k", Some("estimated_size"), &rows);
    let size = estimate(&rows);
    b.measure(
        "rows_50k",
        "estimate_serialize(&Value) (Serialize path)",
        Some("estimated_size"),
        Some(size),
        None,
        || estimate_serialize(&rows).unwrap_or(0),
    );
    // The "is it over budget?" question the firewall and the handle store ask.
    // No reference column: the reference has no early exit, so a ratio would mislead.
    b.measure(
        "rows_50k",
        "estimate_with_limit(4000) (over budget?)",
        None,
        None,
        None,
        || estimate_with_limit(&rows, 4000).exceeds(),
    );
    b.note("stops at the first byte past the limit");
    drop(rows);

    // serde_json refuses to parse 200 levels with its default recursion limit (128), so
    // nested_deep may be unavailable through the test kit; skip it rather than fail.
    match w.json("nested_deep") {
        Ok(deep) => value_rows(b, "nested_deep", Some("estimated_size"), &deep),
        Err(e) => eprintln!("  nested_deep skipped: {e}"),
    }

    let calls = w.json("small_calls").expect("small_calls");
    let calls = calls.as_array().map_or(&[][..], Vec::as_slice);
    let total: u64 = calls.iter().map(estimate).sum();
    b.measure(
        "small_calls",
        "estimate(&Value) per call",
        Some("estimated_size per call"),
        Some(total),
        Some(calls.len() as u64),
        || calls.iter().map(estimate).sum::<u64>(),
    );

    // One 20 MB string: the reference answers in O(1) because it ignores escaping; the
    // exact answer has to look at every byte for characters that need an escape.
    let text = w.text().expect("text_20mb");
    b.measure(
        "text_20mb",
        "str_len (exact, escape scan)",
        None,
        Some(text.len() as u64),
        None,
        || str_len(&text),
    );
    b.note("reference estimated_size: 0 µs, O(1) because it ignores escapes (inexact)");
}
