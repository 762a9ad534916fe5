//! `weaver redact --json` prints exactly what the library's whole-document redaction
//! prints, although it redacts a top-level array one element at a time.

use std::process::Command;

use weaver_redact::{Policy, Redactor};

fn cli(args: &[&str], path: &std::path::Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_weaver"))
        .args(args)
        .arg(path)
        .output()
        .expect("run weaver");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[track_caller]
fn same_as_the_library(path: &std::path::Path, v: &serde_json::Value) {
    let (out, _) = Redactor::new().redact_value(v, &Policy::new());
    let compact = serde_json::to_string(&out).unwrap() + "\n";
    let pretty = serde_json::to_string_pretty(&out).unwrap() + "\n";
    assert_eq!(
        cli(&["redact", "--json"], path),
        compact,
        "{}",
        path.display()
    );
    assert_eq!(
        cli(&["redact", "--json", "--pretty"], path),
        pretty,
        "{}",
        path.display()
    );
}

#[test]
fn element_wise_equals_whole_on_workloads_and_examples() {
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    // Top-level arrays (the element-wise path) and objects (the whole-tree path).
    for name in ["rows_50k", "small_calls", "stream_chunks", "nested_deep"] {
        // (The test kit parses nested_deep past serde_json's default depth limit.)
        same_as_the_library(&w.path(name), &w.json(name).unwrap());
    }
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for name in ["invoices.json", "app-log.json", "api-response.json"] {
        let path = examples.join(name);
        let v = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        same_as_the_library(&path, &v);
    }
}

#[test]
fn an_envelope_around_a_workload_too() {
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let rows = std::fs::read_to_string(w.path("rows_50k")).unwrap();
    let doc = format!(
        r#"{{"meta": {{"count": 5000, "owner": "ops@example.com"}}, "rows": {rows}, "api_key": [1], "rows_again": {rows}}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("envelope.json");
    std::fs::write(&path, &doc).unwrap();
    same_as_the_library(&path, &serde_json::from_str(&doc).unwrap());
}

#[test]
fn small_arrays_too() {
    let dir = tempfile::tempdir().unwrap();
    for (i, doc) in [
        "[]",
        " [ ] ",
        r#"[{"password": "hunter2", "x": [1, {"email": "a@b.co"}]}, "call 555-867-5309", 4111111111111111, null]"#,
        r#"[[{"token": {"deep": ["x"]}}], [], {}]"#,
        // Top-level objects: array values are streamed behind placeholders.
        r#"{"rows": [{"email": "a@b.co"}], "password": ["x", "y"], "meta": {"n": 1}, "rows": [1, "bob@example.com"]}"#,
        r#"{"token": [], "list": [], "e": "555-867-5309", "n": [[["a@b.co"]]]}"#,
        r#"{"a@b.co": [1], "a@c.co": [2], "[REDACTED]": [3]}"#,
        r#"{"name": "password", "value": ["hunter2"], "x": {"name": "api_key", "value": ["k"]}}"#,
        r#"{"rows": 1, "rows": [2]}"#,
        r#"{"rows": [2], "rows": 1}"#,
        "{}",
        r#""just a string with bob@example.com""#,
    ]
    .iter()
    .enumerate()
    {
        let path = dir.path().join(format!("{i}.json"));
        std::fs::write(&path, doc).unwrap();
        same_as_the_library(&path, &serde_json::from_str(doc).unwrap());
    }
}
