//! Invariants of `redact_value` on arbitrary values and policies (proptest).
#![cfg(feature = "json")]

use proptest::prelude::*;
use serde_json::{Map, Value};
use weaver_redact::{Policy, Redactor, Report};

/// Secrets planted in generated values; none may appear in any output.
const SECRETS: [&str; 4] = [
    "alice.victim@example.com",
    "canary-zzz-9999-do-not-leak-token",
    "123-45-6789",
    "ZZZZ_CANARYKEY_ABCDEF12345",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "id", "name", "rows", "items", "note", "meta", "email", "password", "api_key",
            "token", "max_tokens", "[REDACTED]", "[REDACTED]#2", "a/b~c", "",
            // Pair fields, mentions, personal identifiers with typed exceptions.
            "value", "key", "val", "email_verified", "password_min_length", "pan", "tel",
        ])
        .prop_map(str::to_owned),
        1 => Just("alice.victim@example.com".to_owned()),
        1 => "[a-zA-Z_@.#\\[\\]-]{0,12}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(Value::from(4111111111111111_u64)),
        // The same card written as a float: `4111111111111111.0` must not survive either.
        Just(Value::from(4111111111111111.0_f64)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(vec![
            "mail alice.victim@example.com now",
            "Authorization: Bearer canary-zzz-9999-do-not-leak-token",
            "SSN 123-45-6789",
            "api_key=ZZZZ_CANARYKEY_ABCDEF12345",
            "[REDACTED]",
            "[ELIDED: object with 2 entries beyond max_depth 3]",
            // Pair names: sensitive, a mention, plain.
            "DB_PASSWORD",
            "Authorization",
            "password_min_length",
            "LOG_LEVEL",
        ])
        .prop_map(Value::from),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn policy() -> impl Strategy<Value = (Option<Vec<String>>, Option<usize>)> {
    (
        prop::option::of(prop::collection::vec(
            prop::sample::select(vec!["id", "name", "email", "note", "rows", "[REDACTED]"])
                .prop_map(str::to_owned),
            0..4,
        )),
        prop::option::of(0usize..6),
    )
}

fn build(fields: Option<&Vec<String>>, depth: Option<usize>) -> Policy {
    let mut p = Policy::new();
    if let Some(f) = fields {
        p = p.allowed_fields(f.iter().cloned());
    }
    if let Some(d) = depth {
        p = p.max_depth(d);
    }
    p
}

/// Checks the output's shape: no container at depth ≥ max_depth, every value the typed key
/// rule masks is the marker (masking is idempotent, so the rule holds on the output too:
/// a string under a sensitive key is always the marker).
fn check_shape(r: &Redactor, v: &Value, max_depth: Option<usize>) -> Result<(), TestCaseError> {
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        let is_container = v.is_array() || v.is_object();
        if let Some(m) = max_depth {
            prop_assert!(!(is_container && d >= m), "container at depth {d} >= {m}");
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, d + 1))),
            Value::Object(o) => {
                let pair = r.pair_rule(o);
                for (k, c) in o {
                    if r.masks_value(k, c) || (r.is_sensitive_key(k) && c.is_string()) {
                        prop_assert_eq!(c.as_str(), Some("[REDACTED]"), "value of {}", k);
                    }
                    if r.pair_masks(pair, k, c) {
                        prop_assert_eq!(c.as_str(), Some("[REDACTED]"), "pair value {}", k);
                    }
                    stack.push((c, d + 1));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_report(report: &Report) -> Result<(), TestCaseError> {
    let listed: u64 = report.entries().iter().map(|e| e.count).sum();
    prop_assert_eq!(listed + report.omitted(), report.total());
    prop_assert!(report.entries().len() <= Report::MAX_ENTRIES);
    let dropped: u64 = report.dropped_fields().map(|(_, n)| n).sum();
    prop_assert_eq!(dropped + report.dropped_omitted(), report.dropped_total());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn no_secret_survives_and_shape_holds(v in value(), (fields, depth) in policy()) {
        let r = Redactor::new();
        let policy = build(fields.as_ref(), depth);
        let (out, report) = r.redact_value(&v, &policy);
        let text = serde_json::to_string(&out).expect("serializes");
        for s in SECRETS {
            prop_assert!(!text.contains(s), "{} survived in {}", s, text);
        }
        prop_assert!(!text.contains("4111111111111111"), "card survived in {}", text);
        check_shape(&r, &out, depth)?;
        check_report(&report)?;
        // The in-place form agrees.
        let mut w = v.clone();
        let report2 = r.redact_value_in_place(&mut w, &policy);
        // Compared as text: `Value`'s equality ignores key order.
        prop_assert_eq!(serde_json::to_string(&w).expect("ser"), text);
        prop_assert_eq!(report2, report);
    }

    #[test]
    fn redaction_is_idempotent(v in value(), (fields, depth) in policy()) {
        // With both a projection and a depth budget, a wrapper list whose records were
        // elided is no longer a list of records, so a second pass drops it: that case is
        // excluded on purpose (documented on `Policy`).
        let (fields, depth) = if fields.is_some() { (fields, None) } else { (None, depth) };
        let r = Redactor::new();
        let policy = build(fields.as_ref(), depth);
        let (once, _) = r.redact_value(&v, &policy);
        let (twice, again) = r.redact_value(&once, &policy);
        prop_assert_eq!(
            serde_json::to_string(&twice).expect("ser"),
            serde_json::to_string(&once).expect("ser")
        );
        if fields.is_none() {
            // Nothing new to mask; only values under sensitive keys are re-counted.
            prop_assert!(again.entries().iter().all(|e| e.kind == weaver_redact::Kind::SensitiveKey));
        }
    }

    #[test]
    fn bytes_path_equals_redact_value(v in value(), top in prop::collection::vec(value(), 0..5), list in any::<bool>(), (fields, depth) in policy()) {
        // Lists go element by element; anything else whole.
        let v = if list { Value::Array(top) } else { v };
        let r = Redactor::new();
        let policy = build(fields.as_ref(), depth);
        let bytes = serde_json::to_vec(&v).expect("ser");
        let parsed: Value = serde_json::from_slice(&bytes).expect("parse");
        let (want, want_report) = r.redact_value(&parsed, &policy);
        let mut out = Vec::new();
        let report = r.redact_json_bytes(&bytes, &policy, &mut out).expect("valid JSON");
        prop_assert_eq!(String::from_utf8(out).expect("utf8"), serde_json::to_string(&want).expect("ser"));
        prop_assert_eq!(report.total(), want_report.total());
        prop_assert_eq!(report.dropped_total(), want_report.dropped_total());
        let key = |e: &weaver_redact::ReportEntry| (e.kind, e.pointer.clone(), e.count);
        let mut a: Vec<_> = report.entries().iter().map(key).collect();
        let mut b: Vec<_> = want_report.entries().iter().map(key).collect();
        a.sort();
        b.sort();
        // Past 64 distinct entries, which are listed depends on the order found.
        if report.omitted() == 0 && want_report.omitted() == 0 {
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn clone_deep_copies_exactly(v in value()) {
        let c = weaver_redact::clone_deep(&v);
        prop_assert_eq!(serde_json::to_string(&c).expect("ser"), serde_json::to_string(&v).expect("ser"));
    }

    #[test]
    fn no_panic_on_any_key_or_string(k in "\\PC{0,40}", s in "\\PC{0,80}", n in any::<u64>()) {
        let r = Redactor::new();
        let mut m = Map::new();
        m.insert(k.clone(), Value::String(s.clone()));
        m.insert(s, Value::from(n));
        let v = Value::Array(vec![Value::Object(m), Value::String(k)]);
        for policy in [Policy::new(), Policy::new().max_depth(1), Policy::new().allowed_fields(["x"])] {
            let (_, report) = r.redact_value(&v, &policy);
            check_report(&report)?;
        }
    }
}
