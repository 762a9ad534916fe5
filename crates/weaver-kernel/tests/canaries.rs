//! The canary suite: the shared workloads (scale 0.1) with their planted secrets, through
//! every mode and both entry points. The whole serialized frame is searched; 0 leaks.

mod common;

use common::fw;
use serde_json::Value;
use weaver_kernel::{Firewall, Frame, ResponseMode, TransformContext};
use weaver_testkit::{Canary, leaked};

fn contexts() -> Vec<(&'static str, TransformContext)> {
    vec![
        ("summary", TransformContext::new(ResponseMode::Summary)),
        ("table", TransformContext::new(ResponseMode::Table)),
        (
            "handle_only",
            TransformContext::new(ResponseMode::HandleOnly),
        ),
        (
            "raw/admin",
            TransformContext::new(ResponseMode::Raw).with_role("admin"),
        ),
        (
            "raw/reader",
            TransformContext::new(ResponseMode::Raw).with_role("reader"),
        ),
        (
            "table/pii_reader",
            TransformContext::new(ResponseMode::Table).with_role("pii_reader"),
        ),
    ]
}

/// Canaries found in the frame, searched both as plain text and JSON-escaped.
fn leaks<'c>(canaries: &'c [Canary], frame: &Frame) -> Vec<&'c Canary> {
    let text = serde_json::to_string(frame).unwrap();
    let mut found = leaked(canaries, &text);
    for c in canaries {
        let escaped = serde_json::to_string(&c.value).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        if text.contains(escaped) && !found.iter().any(|f| f.value == c.value) {
            found.push(c);
        }
    }
    found
}

fn check(name: &str, fw: &Firewall) {
    let w = weaver_testkit::workloads(0.1).unwrap();
    let canaries = w.canaries(name).unwrap();
    assert!(!canaries.is_empty(), "{name} has no canaries");
    let bytes = w.bytes(name).unwrap();
    // Both entry points on every workload (the test kit parses nested_deep past serde_json's
    // default 128-level limit).
    let parsed: Value = w.json(name).unwrap();
    for (label, ctx) in contexts() {
        let from_bytes = fw.transform_json(&bytes, &ctx).unwrap();
        let l = leaks(&canaries, &from_bytes);
        assert!(
            l.is_empty(),
            "{name} {label} (bytes) leaked {} canaries: {:?}",
            l.len(),
            l.iter()
                .map(|c| (&c.kind, &c.variant, &c.placement))
                .collect::<Vec<_>>()
        );
        let from_value = fw.transform(&parsed, &ctx).unwrap();
        assert_eq!(
            from_value, from_bytes,
            "{name} {label}: entry points disagree"
        );
    }
    if name == "small_calls" {
        // Per call, as the reference benchmark does.
        let calls = parsed;
        for call in calls.as_array().unwrap() {
            for (label, ctx) in contexts() {
                let f = fw.transform(call, &ctx).unwrap();
                let l = leaks(&canaries, &f);
                assert!(
                    l.is_empty(),
                    "small_calls per-call {label} leaked {:?}",
                    l.iter().map(|c| (&c.kind, &c.variant)).collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn rows_50k_no_leaks() {
    check("rows_50k", &fw());
}

#[test]
fn nested_deep_no_leaks() {
    check("nested_deep", &fw());
}

#[test]
fn small_calls_no_leaks() {
    check("small_calls", &fw());
}

#[test]
fn text_20mb_no_leaks() {
    check("text_20mb", &fw());
}
