//! The estimator on the shared benchmark workloads (scale 0.1): exact against serde_json.

use serde_json::Value;
use weaver_estimate::{Size, estimate, estimate_serialize, estimate_with_limit};

fn workloads() -> weaver_testkit::Workloads {
    weaver_testkit::workloads(0.1).expect("generate workloads")
}

#[track_caller]
fn exact(v: &Value) -> u64 {
    let expect = serde_json::to_vec(v).unwrap().len() as u64;
    assert_eq!(estimate(v), expect);
    assert_eq!(estimate_with_limit(v, expect), Size::Exact(expect));
    assert!(estimate_with_limit(v, expect - 1).exceeds());
    assert_eq!(estimate_serialize(v).unwrap(), expect);
    expect
}

#[test]
fn rows_50k_is_exact() {
    let w = workloads();
    let v = w.json("rows_50k").unwrap();
    let n = exact(&v);
    // The generator writes `", "` and `": "` separators, so the compact form is smaller.
    assert!(n < w.bytes("rows_50k").unwrap().len() as u64);
}

#[test]
fn text_and_chunks_are_exact() {
    let w = workloads();
    exact(&w.json("text_20mb").unwrap());
    let chunks = w.json("stream_chunks").unwrap();
    exact(&chunks);
    for c in chunks.as_array().unwrap() {
        exact(c);
    }
}

#[test]
fn small_calls_are_exact_one_by_one() {
    let w = workloads();
    let calls = w.json("small_calls").unwrap();
    exact(&calls);
    for call in calls.as_array().unwrap() {
        exact(call);
    }
}

#[test]
fn nested_deep_is_exact() {
    // 200 levels: the test kit parses past serde_json's default limit (128).
    let v = workloads().json("nested_deep").unwrap();
    exact(&v);
}

/// The bytes path on every workload file: equal to the compact length of the parsed value.
#[test]
fn bytes_path_is_exact_on_every_workload() {
    let w = workloads();
    for name in [
        "rows_50k",
        "text_20mb",
        "stream_chunks",
        "nested_deep",
        "small_calls",
    ] {
        let bytes = w.bytes(name).unwrap();
        let expect = serde_json::to_vec(&w.json(name).unwrap()).unwrap().len() as u64;
        assert_eq!(
            weaver_estimate::estimate_json_bytes(&bytes),
            Ok(expect),
            "{name}"
        );
    }
}
