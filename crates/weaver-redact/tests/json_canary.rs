//! Egress canaries: no planted secret of the shared workloads survives `redact_value`,
//! with no depth limit and with max_depth 3. (The reference leaks 124, 10 and 22 of them at
//! full scale: e-mails as dict keys, bare phones and SSNs, `"api_key": "…"` pairs.)
#![cfg(feature = "json")]

use serde_json::{Map, Value};
use weaver_redact::{Kind, Policy, Redactor};
use weaver_testkit::{Workloads, leaked};

fn workloads() -> Workloads {
    weaver_testkit::workloads(0.1).expect("workloads generate")
}

/// Loads a workload. serde_json refuses nesting deeper than 128 (nested_deep has 203
/// levels and the workspace does not enable `unbounded_depth`), so such files are parsed
/// by [`parse_deep`] instead.
fn load(w: &Workloads, name: &str) -> Value {
    match w.json(name) {
        Ok(v) => v,
        Err(e) if e.to_string().contains("recursion limit") => {
            parse_deep(&w.bytes(name).expect("workload readable"))
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

/// A JSON parser without a depth limit, for trusted test input: the structure is walked
/// with an explicit stack and every leaf (string, number, literal) is parsed by serde_json.
fn parse_deep(bytes: &[u8]) -> Value {
    enum Frame {
        Array(Vec<Value>),
        Object(Map<String, Value>, Option<String>),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    loop {
        while bytes[i].is_ascii_whitespace() || bytes[i] == b',' || bytes[i] == b':' {
            i += 1;
        }
        let value = match bytes[i] {
            b'{' => {
                stack.push(Frame::Object(Map::new(), None));
                i += 1;
                continue;
            }
            b'[' => {
                stack.push(Frame::Array(Vec::new()));
                i += 1;
                continue;
            }
            b'}' | b']' => {
                i += 1;
                match stack.pop().expect("balanced") {
                    Frame::Array(items) => Value::Array(items),
                    Frame::Object(map, _) => Value::Object(map),
                }
            }
            b'"' => {
                let mut end = i + 1;
                while bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let s: String = serde_json::from_slice(&bytes[i..=end]).expect("string");
                i = end + 1;
                if let Some(Frame::Object(_, key @ None)) = stack.last_mut() {
                    *key = Some(s);
                    continue;
                }
                Value::String(s)
            }
            _ => {
                let end = i + bytes[i..]
                    .iter()
                    .position(|b| b",]} \t\r\n".contains(b))
                    .unwrap_or(bytes.len() - i);
                let v = serde_json::from_slice(&bytes[i..end]).expect("scalar");
                i = end;
                v
            }
        };
        match stack.last_mut() {
            None => return value,
            Some(Frame::Array(items)) => items.push(value),
            Some(Frame::Object(map, key)) => {
                map.insert(key.take().expect("a key before each value"), value);
            }
        }
    }
}

#[test]
fn parse_deep_agrees_with_serde_json() {
    let w = workloads();
    for name in ["small_calls", "rows_50k"] {
        let bytes = w.bytes(name).expect("readable");
        let ours = parse_deep(&bytes);
        let theirs: Value = serde_json::from_slice(&bytes).expect("parses");
        assert!(ours == theirs, "{name}");
        assert_eq!(
            serde_json::to_string(&ours).ok(),
            serde_json::to_string(&theirs).ok()
        );
    }
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
    let leaks = leaks_of(&workloads(), "rows_50k");
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[test]
fn nested_deep_leaks_nothing() {
    let leaks = leaks_of(&workloads(), "nested_deep");
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
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
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
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
