//! Structural redaction, driven by testdata/redact/json.toml, plus report bounds.
#![cfg(feature = "json")]

use std::path::PathBuf;

use serde_json::{Value, json};
use weaver_redact::{Kind, MarkerStyle, Policy, Redactor, Report, elision_marker};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: String,
    allowed_fields: Option<Vec<String>>,
    max_depth: Option<usize>,
    marker: Option<String>,
    expected: Option<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    report: Option<Vec<Entry>>,
    dropped: Option<Vec<(String, u64)>>,
    total: Option<u64>,
    idempotent: Option<bool>,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Entry {
    kind: String,
    pointer: String,
    count: u64,
}

fn cases() -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/redact/json.toml");
    let text = std::fs::read_to_string(&path).expect("json.toml is readable");
    toml::from_str::<File>(&text)
        .expect("json.toml parses")
        .case
}

fn entries(report: &Report) -> Vec<Entry> {
    report
        .entries()
        .iter()
        .map(|e| Entry {
            kind: e.kind.as_str().to_owned(),
            pointer: e.pointer.clone(),
            count: e.count,
        })
        .collect()
}

/// Runs one case; returns a description of every way it failed.
fn check(case: &Case) -> Vec<String> {
    let mut errors = Vec::new();
    let redactor = match case.marker.as_deref() {
        Some("typed") => Redactor::builder()
            .marker(MarkerStyle::Typed)
            .build()
            .expect("builds"),
        _ => Redactor::new(),
    };
    let mut policy = Policy::new();
    if let Some(f) = &case.allowed_fields {
        policy = policy.allowed_fields(f.iter().cloned());
    }
    if let Some(d) = case.max_depth {
        policy = policy.max_depth(d);
    }
    let input: Value = serde_json::from_str(&case.input).expect("input parses");
    let (out, report) = redactor.redact_value(&input, &policy);
    let text = serde_json::to_string(&out).expect("serializes");
    if let Some(exp) = &case.expected {
        let exp: Value = serde_json::from_str(exp).expect("expected parses");
        let exp = serde_json::to_string(&exp).expect("serializes");
        if text != exp {
            errors.push(format!("output\n  got  {text}\n  want {exp}"));
        }
    }
    for a in &case.absent {
        if text.contains(a.as_str()) {
            errors.push(format!("{a:?} survived in {text}"));
        }
    }
    for p in &case.present {
        if !text.contains(p.as_str()) {
            errors.push(format!("{p:?} missing from {text}"));
        }
    }
    if let Some(want) = &case.report {
        let got = entries(&report);
        if &got != want {
            errors.push(format!("report\n  got  {got:?}\n  want {want:?}"));
        }
    }
    if let Some(want) = &case.dropped {
        let got: Vec<(String, u64)> = report
            .dropped_fields()
            .map(|(p, n)| (p.to_owned(), n))
            .collect();
        if &got != want {
            errors.push(format!("dropped\n  got  {got:?}\n  want {want:?}"));
        }
        let sum: u64 = want.iter().map(|(_, n)| n).sum();
        if report.dropped_total() != sum {
            errors.push(format!("dropped_total {} != {sum}", report.dropped_total()));
        }
    }
    if let Some(t) = case.total
        && report.total() != t
    {
        errors.push(format!("total {} != {t}", report.total()));
    }
    // The report's totals agree with its entries.
    let listed: u64 = report.entries().iter().map(|e| e.count).sum();
    if listed + report.omitted() != report.total() {
        errors.push("entries + omitted != total".to_owned());
    }
    // Idempotence: redacting the output again changes nothing.
    let (again, _) = redactor.redact_value(&out, &policy);
    let again = serde_json::to_string(&again).expect("serializes");
    if case.idempotent.unwrap_or(true) == (again != text) {
        errors.push(format!(
            "idempotence not as declared\n  once  {text}\n  twice {again}"
        ));
    }
    // The in-place form gives the same value.
    let mut in_place = input.clone();
    let report2 = redactor.redact_value_in_place(&mut in_place, &policy);
    // Compared as text: `Value`'s equality ignores key order.
    if serde_json::to_string(&in_place).ok() != Some(text.clone()) || report2 != report {
        errors.push("redact_value_in_place differs from redact_value".to_owned());
    }
    errors
}

#[test]
fn vectors() {
    let cases = cases();
    assert!(cases.len() >= 40, "the vector file lost its cases");
    let mut failed = Vec::new();
    for case in &cases {
        let errors = check(case);
        if !errors.is_empty() {
            failed.push(format!("[{}]\n{}", case.name, errors.join("\n")));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n\n")
    );
}

#[test]
fn report_is_bounded_and_counts_the_rest() {
    let r = Redactor::new();
    let mut obj = serde_json::Map::new();
    for i in 0..100 {
        obj.insert(format!("k{i}"), json!(format!("mail u{i}@example.com")));
    }
    let (_, report) = r.redact_value(&Value::Object(obj), &Policy::new());
    assert_eq!(report.entries().len(), Report::MAX_ENTRIES);
    assert_eq!(report.total(), 100);
    assert_eq!(report.omitted(), 100 - Report::MAX_ENTRIES as u64);
    assert_eq!(report.entries()[0].pointer, "/k0", "first-seen order");
    assert!(!report.is_empty());
}

#[test]
fn one_entry_per_column_however_many_rows() {
    let r = Redactor::new();
    let rows: Vec<Value> = (0..5000)
        .map(|i| json!({"id": i, "email": format!("u{i}@x.io"), "note": format!("call u{i}@example.com")}))
        .collect();
    let (out, report) = r.redact_value(
        &Value::Array(rows),
        &Policy::new().allowed_fields(["id", "email", "note"]),
    );
    assert_eq!(report.entries().len(), 2);
    assert_eq!(report.count(Kind::SensitiveKey), 5000);
    assert_eq!(report.count(Kind::Email), 5000);
    assert_eq!(report.entries()[0].pointer, "/*/email");
    assert_eq!(report.entries()[1].pointer, "/*/note");
    assert!(!serde_json::to_string(&out).expect("ser").contains('@'));
    let (_, projected) = r.redact_value(&out, &Policy::new().allowed_fields(["id"]));
    assert_eq!(projected.dropped_fields().len(), 2);
    assert_eq!(projected.dropped_total(), 10_000);
}

#[test]
fn long_and_deep_pointers_are_bounded() {
    let r = Redactor::new();
    let long_key = "k".repeat(10_000);
    let mut v = json!({ long_key.as_str(): "x@y.co" });
    for _ in 0..200 {
        v = json!({ "level": v });
    }
    let (_, report) = r.redact_value(&v, &Policy::new());
    let p = &report.entries()[0].pointer;
    assert!(p.len() < 400, "pointer of {} bytes", p.len());
    assert!(p.starts_with("/level/level/") && p.ends_with("/…"), "{p}");
    let (_, report) = r.redact_value(&json!({ long_key.as_str(): "x@y.co" }), &Policy::new());
    let p = &report.entries()[0].pointer;
    assert_eq!(p, &format!("/{}…", "k".repeat(64)));
}

#[test]
fn merge_prefixed_keeps_totals() {
    let r = Redactor::new();
    let (_, a) = r.redact_value(
        &json!({"email": "x", "n": "a@b.co"}),
        &Policy::new().allowed_fields(["email", "n"]),
    );
    let (_, b) = r.redact_value(
        &json!({"drop": 1, "n": "a@b.co"}),
        &Policy::new().allowed_fields(["n"]),
    );
    let mut total = Report::new();
    total.merge_prefixed("/calls/*", &a);
    total.merge_prefixed("/calls/*", &b);
    assert_eq!(total.total(), a.total() + b.total());
    assert_eq!(total.dropped_total(), 1);
    assert_eq!(total.entries()[0].pointer, "/calls/*/email");
    assert_eq!(total.count(Kind::Email), 2);
    let json = serde_json::to_value(&total).expect("serializes");
    assert_eq!(json["total"], 3);
    assert_eq!(json["entries"][1]["kind"], "email");
    assert_eq!(json["dropped_fields"][0]["pointer"], "/calls/*/drop");
}

#[test]
fn elision_markers_are_clean_text() {
    let r = Redactor::new();
    for n in [0, 1, 2, 12, 999_999, 4_294_967_295, usize::MAX] {
        for obj in [true, false] {
            for d in [0, 3, 1_000_000_007] {
                let m = elision_marker(obj, n, d);
                assert_eq!(r.redact_str(&m), m.as_str(), "{m}");
            }
        }
    }
}

#[test]
fn many_repeated_keys_decide_like_the_first_ones() {
    // Enough records that the walk's key cache is on, and more distinct keys than it has
    // slots, so entries collide and are replaced: every decision must still be the same.
    let r = Redactor::new();
    let words = [
        "id",
        "password",
        "note",
        "email",
        "max_tokens",
        "api_key",
        "x",
        "token",
    ];
    let pool: Vec<String> = (0..600)
        .map(|i| format!("{}_{}", words[i % words.len()], i / words.len()))
        .chain(["me@example.com".to_owned(), "[REDACTED]".to_owned()])
        .collect();
    let rows: Vec<Value> = (0..2000)
        .map(|row| {
            let mut m = serde_json::Map::new();
            for j in 0..7 {
                let k = &pool[(row * 7 + j * 31) % pool.len()];
                m.insert(k.clone(), json!(row));
            }
            Value::Object(m)
        })
        .collect();
    let input = Value::Array(rows);
    for policy in [
        Policy::new(),
        Policy::new().allowed_fields(pool.iter().cloned()),
    ] {
        let (out, _) = r.redact_value(&input, &policy);
        let mut in_place = input.clone();
        r.redact_value_in_place(&mut in_place, &policy);
        assert_eq!(
            serde_json::to_string(&out).ok(),
            serde_json::to_string(&in_place).ok()
        );
        for (before, after) in input
            .as_array()
            .unwrap()
            .iter()
            .zip(out.as_array().unwrap())
        {
            let (before, after) = (before.as_object().unwrap(), after.as_object().unwrap());
            assert_eq!(before.len(), after.len());
            for ((k, v), (k2, v2)) in before.iter().zip(after) {
                if k.contains('@') {
                    assert!(k2.starts_with("[REDACTED]"), "{k} -> {k2}");
                    continue;
                }
                assert_eq!(k, k2);
                if r.is_sensitive_key(k) {
                    assert_eq!(v2, "[REDACTED]", "{k}");
                } else {
                    assert_eq!(v, v2, "{k}");
                }
            }
        }
    }
}
