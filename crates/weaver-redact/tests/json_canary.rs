//! Egress canaries: no planted secret of the shared workloads survives `redact_value`,
//! with no depth limit and with max_depth 3. (The reference leaks 124, 10 and 22 of them at
//! full scale: e-mails as dict keys, bare phones and SSNs, `"api_key": "…"` pairs.)
#![cfg(feature = "json")]

use serde_json::Value;
use weaver_redact::{Kind, Policy, Redactor};
use weaver_testkit::{Workloads, leaked};

fn workloads() -> Workloads {
    weaver_testkit::workloads(0.1).expect("workloads generate")
}

/// Loads a workload (the test kit lifts serde_json's 128-level limit: nested_deep is ~200
/// levels deep).
fn load(w: &Workloads, name: &str) -> Value {
    w.json(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_no_leaks(leaks: &[String]) {
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

fn policies() -> [(&'static str, Policy); 2] {
    [
        ("no depth limit", Policy::new()),
        ("max_depth 3", Policy::new().max_depth(3)),
    ]
}

/// Redacts `name` whole under both policies; returns a line per leak.
fn leaks_of(w: &Workloads, name: &str) -> Vec<String> {
    let input = load(w, name);
    let canaries = w.canaries(name).expect("canaries load");
    assert!(!canaries.is_empty(), "{name} has planted canaries");
    // The test can fail: unredacted, every canary is in the text.
    let raw = serde_json::to_string(&input).expect("serializes");
    assert_eq!(
        leaked(&canaries, &raw).len(),
        canaries.len(),
        "{name}: canaries are planted"
    );

    let r = Redactor::new();
    let mut lines = Vec::new();
    for (label, policy) in policies() {
        let (out, report) = r.redact_value(&input, &policy);
        let text = serde_json::to_string(&out).expect("serializes");
        for c in leaked(&canaries, &text) {
            lines.push(format!(
                "{name} / {label}: {} {}/{} ({}) survived",
                c.value, c.kind, c.variant, c.placement
            ));
        }
        assert!(report.total() > 0, "{name} / {label}: something was masked");
        let listed: u64 = report.entries().iter().map(|e| e.count).sum();
        assert_eq!(listed + report.omitted(), report.total());
        assert!(report.entries().len() <= weaver_redact::Report::MAX_ENTRIES);
    }
    lines
}

#[test]
fn rows_50k_leaks_nothing() {
    assert_no_leaks(&leaks_of(&workloads(), "rows_50k"));
}

#[test]
fn nested_deep_leaks_nothing() {
    assert_no_leaks(&leaks_of(&workloads(), "nested_deep"));
}

#[test]
fn small_calls_leak_nothing_whole_or_per_call() {
    let w = workloads();
    let mut leaks = leaks_of(&w, "small_calls");
    // The firewall redacts one call at a time: same guarantee per call.
    let input = w.json("small_calls").expect("parses");
    let canaries = w.canaries("small_calls").expect("loads");
    let r = Redactor::new();
    let Value::Array(calls) = &input else {
        panic!("small_calls is a list of calls");
    };
    for (label, policy) in policies() {
        let mut text = String::new();
        for call in calls {
            let (out, _) = r.redact_value(call, &policy);
            text.push_str(&serde_json::to_string(&out).expect("serializes"));
            text.push('\n');
        }
        for c in leaked(&canaries, &text) {
            leaks.push(format!(
                "per call / {label}: {} {}/{} survived",
                c.value, c.kind, c.variant
            ));
        }
    }
    assert_no_leaks(&leaks);
}

#[test]
fn nested_deep_keys_are_redacted_and_depth_is_reported() {
    let w = workloads();
    let input = load(&w, "nested_deep");
    let r = Redactor::new();
    let (out, report) = r.redact_value(&input, &Policy::new().max_depth(3));
    // usage_by_user is keyed by e-mails: ten keys, each redacted, none overwritten.
    let users = out["usage_by_user"].as_object().expect("still an object");
    assert_eq!(
        users.len(),
        input["usage_by_user"].as_object().expect("object").len()
    );
    assert!(
        users.keys().all(|k| k.starts_with("[REDACTED]")),
        "{:?}",
        users.keys()
    );
    assert!(
        report
            .entries()
            .iter()
            .any(|e| e.kind == Kind::Email && e.pointer.starts_with("/usage_by_user/[REDACTED]"))
    );
    // The 200-level chain is cut at depth 3 with a marker that counts what it elided.
    let entries = input["chain"]["child"]["child"]
        .as_object()
        .expect("object")
        .len();
    assert_eq!(
        out["chain"]["child"]["child"],
        Value::String(weaver_redact::elision_marker(true, entries, 3)),
        "{}",
        out["chain"]["child"]["child"]
    );
    assert!(report.count(Kind::DepthLimit) > 0);
}
