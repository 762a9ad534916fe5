//! Ports of reference-behaviour.md §20 F (85–100) and the firewall cases of C (36–40,
//! 45, 48–50), inverted where DESIGN.md fixes a flaw of the reference. Every case runs
//! through both entry points (`transform` and `transform_json`), which must agree.

mod common;

use common::{allowed, both, carried, ctx, fw, fw_with, text};
use serde_json::{Value, json};
use weaver_kernel::{Budgets, Constraints, FirewallError, ResponseMode, TransformContext};

const BEARER: &str = "Bearer canary-zzz-9999-do-not-leak-token";
const APIKEY: &str = "ZZZZ_CANARYKEY_ABCDEF12345";

fn rows(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"id": i, "name": format!("n{i}")}))
            .collect(),
    )
}

fn record() -> Value {
    json!({
        "id": 7,
        "name": "Alice",
        "email": "alice.fake-victim@example.invalid",
        "ssn": "123-45-6789",
        "card_number": "4111 1111 1111 1234",
        "authorization": "Bearer fake-bearer-zzz-9999-do-not-use",
        "secret_handshake": "api_key=ZZZZ_FAKEKEY_ABCDEF12345",
        "internal_notes": "call me",
        "public_status": "active",
    })
}

#[test]
fn f85_table_respects_max_rows_budget() {
    let f = both(
        &fw_with(Budgets::default().with_max_rows(10)),
        &rows(200),
        &ctx(ResponseMode::Table),
    );
    assert_eq!(f.table_preview.len(), 10);
    assert!(
        f.warnings.contains(
            &"table_preview shows 10 of 200 rows; no handle: full data not kept".to_owned()
        )
    );
}

#[test]
fn f86_max_fields_keeps_the_first_fields_and_says_so() {
    let row: serde_json::Map<String, Value> =
        (0..50).map(|i| (format!("f{i}"), json!(i))).collect();
    let f = both(
        &fw_with(Budgets::default().with_max_fields(5)),
        &json!([row]),
        &ctx(ResponseMode::Table),
    );
    let keys: Vec<&String> = f.table_preview[0].keys().collect();
    assert_eq!(keys, ["f0", "f1", "f2", "f3", "f4"]);
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("5 of their fields (widest row: 50)")),
        "{:?}",
        f.warnings
    );
}

#[test]
fn f87_grant_max_rows_is_min_with_budget() {
    let c = |n| {
        ctx(ResponseMode::Table).with_constraints(Constraints {
            max_rows: Some(n),
            allowed_fields: None,
        })
    };
    assert_eq!(both(&fw(), &rows(100), &c(3)).table_preview.len(), 3);
    // Inverted (L10): the reference lets a 500-row grant override the 50-row budget.
    assert_eq!(both(&fw(), &rows(200), &c(500)).table_preview.len(), 50);
}

#[test]
fn f88_handle_only_carries_nothing() {
    let f = both(&fw(), &json!([1, 2, 3]), &ctx(ResponseMode::HandleOnly));
    assert_eq!(f.response_mode, ResponseMode::HandleOnly);
    assert!(f.facts.is_empty() && f.table_preview.is_empty() && f.raw_data.is_none());
}

#[test]
fn f89_raw_for_admin_is_redacted() {
    let f = both(
        &fw(),
        &json!({"secret": "data"}),
        &ctx(ResponseMode::Raw).with_role("admin"),
    );
    assert_eq!(f.response_mode, ResponseMode::Raw);
    assert_eq!(f.raw_data, Some(json!({"secret": "[REDACTED]"})));
}

#[test]
fn f90_raw_without_admin_falls_back_to_summary() {
    let f = both(
        &fw(),
        &json!({"secret": "data"}),
        &ctx(ResponseMode::Raw).with_role("reader"),
    );
    assert_eq!(f.response_mode, ResponseMode::Summary);
    assert!(f.raw_data.is_none());
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("raw mode requires the admin role"))
    );
    assert_eq!(f.facts, ["Keys: secret", "secret: [REDACTED]"]);
}

#[test]
fn f91_raw_over_budget_warns_with_size() {
    let v = json!({"payload": "x".repeat(10_000)});
    let f = both(
        &fw_with(Budgets::default().with_max_chars(512)),
        &v,
        &ctx(ResponseMode::Raw).with_role("admin"),
    );
    assert_eq!(f.raw_data, Some(v));
    assert_eq!(
        f.warnings,
        ["raw_data is 10014 bytes of JSON, over max_chars 512: raw mode is never cut"]
    );
}

#[test]
fn f92_summary_char_cap_keeps_the_marker() {
    let v = Value::Array(
        (0..10)
            .map(|_| json!({"description": "d".repeat(3000)}))
            .collect(),
    );
    let f = both(
        &fw_with(Budgets::default().with_max_chars(512)),
        &v,
        &ctx(ResponseMode::Summary),
    );
    assert!(carried(&f) <= 512, "{}", carried(&f));
    assert_eq!(f.facts[0], "Total rows: 10");
}

#[test]
fn f93_small_map_cut_keeps_the_marker() {
    // Reference: max_chars 20 gives ["Keys: key1, key2"] with no marker (L11). Budgets
    // below 512 are refused; at 512 the long values are dropped and counted.
    assert!(matches!(
        weaver_kernel::Firewall::new(Budgets::default().with_max_chars(20)),
        Err(FirewallError::InvalidBudget {
            name: "max_chars",
            ..
        })
    ));
    let v: serde_json::Map<String, Value> = (1..=8)
        .map(|i| (format!("key{i}"), json!("v".repeat(400))))
        .collect();
    let f = both(
        &fw_with(Budgets::default().with_max_chars(512)),
        &Value::Object(v),
        &ctx(ResponseMode::Summary),
    );
    assert!(carried(&f) <= 512, "{}", carried(&f));
    let kept = f.facts.len() - 1;
    assert!((1..9).contains(&kept), "{:?}", f.facts);
    assert_eq!(
        f.facts[0],
        "Keys: key1, key2, key3, key4, key5, key6, key7, key8"
    );
    assert_eq!(
        f.facts[kept],
        format!(
            "… ({} more facts omitted; no handle: full data not kept)",
            9 - kept
        )
    );
}

#[test]
fn f94_roomy_budget_keeps_facts() {
    let f = both(
        &fw_with(Budgets::default().with_max_chars(10_000)),
        &json!({"a": 1, "b": 2}),
        &ctx(ResponseMode::Summary),
    );
    assert_eq!(f.facts, ["Keys: a, b", "a: 1", "b: 2"]);
}

#[test]
fn f95_projection_in_table_mode() {
    let v = json!([{"id": 1, "email": "user@example.com", "amount": 100.0}]);
    let f = both(&fw(), &v, &allowed(ResponseMode::Table, &["id", "amount"]));
    assert_eq!(
        f.table_preview[0].keys().collect::<Vec<_>>(),
        ["id", "amount"]
    );
    assert!(
        f.warnings
            .iter()
            .any(|w| w == "fields outside allowed_fields omitted: email"),
        "{:?}",
        f.warnings
    );
    assert!(!text(&f).contains("user@example.com"));
}

#[test]
fn f96_table_shapes() {
    let f = both(&fw(), &json!({"a": 1, "b": 2}), &ctx(ResponseMode::Table));
    assert_eq!(
        Value::Object(f.table_preview[0].clone()),
        json!({"a": 1, "b": 2})
    );
    let f = both(&fw(), &json!([1, 2, 3]), &ctx(ResponseMode::Table));
    assert_eq!(
        Value::Object(f.table_preview[0].clone()),
        json!({"value": 1})
    );
    let f = both(&fw(), &json!(42), &ctx(ResponseMode::Table));
    assert_eq!(
        serde_json::to_value(&f.table_preview).unwrap(),
        json!([{"value": 42}])
    );
    let f = both(&fw(), &json!([1, {"a": 1}, "s"]), &ctx(ResponseMode::Table));
    assert_eq!(
        serde_json::to_value(&f.table_preview).unwrap(),
        json!([{"value": 1}, {"a": 1}, {"value": "s"}])
    );
}

#[test]
fn f97_depth_limit_in_summary() {
    let v = json!({"a": {"b": {"c": {"d": {"e": "deep"}}}}});
    let f = both(
        &fw_with(Budgets::default().with_max_depth(2)),
        &v,
        &ctx(ResponseMode::Summary),
    );
    assert_eq!(f.response_mode, ResponseMode::Summary);
    assert_eq!(f.facts, ["Keys: a", "a: dict with keys [b]"]);
    // Table and raw modes show deeper data, so they elide it with a counted marker.
    let f = both(
        &fw_with(Budgets::default().with_max_depth(2)),
        &v,
        &ctx(ResponseMode::Table),
    );
    assert_eq!(
        serde_json::to_value(&f.table_preview).unwrap(),
        json!([{"a": {"b": "[ELIDED: object with 1 entry beyond max_depth 2]"}}])
    );
    assert!(f.warnings.contains(
        &"1 nested container beyond max_depth 2 elided; no handle: full data not kept".to_owned()
    ));
}

#[test]
fn f98_long_string_summary_keeps_marker() {
    // Reference: "a"×600 with max_chars 100 gives [] (L11).
    let f = both(
        &fw_with(Budgets::default().with_max_chars(512)),
        &Value::String("a".repeat(600)),
        &ctx(ResponseMode::Summary),
    );
    assert_eq!(
        f.facts,
        ["… (1 more facts omitted; no handle: full data not kept)"]
    );
    let f = both(
        &fw(),
        &Value::String("a".repeat(600)),
        &ctx(ResponseMode::Summary),
    );
    assert!(f.facts[0].ends_with("… (600 chars total)"));
}

#[test]
fn f99_negative_or_fractional_max_rows_is_a_typed_error() {
    // Reference: -1 slices from the end (4 of 5 rows); non-numeric raises a raw ValueError.
    for (c, msg) in [
        (
            json!({"max_rows": -1}),
            "invalid constraint max_rows: must not be negative, got -1",
        ),
        (
            json!({"max_rows": 2.9}),
            "invalid constraint max_rows: must be an integer, got 2.9",
        ),
        (
            json!({"max_rows": "ten"}),
            "invalid constraint max_rows: must be a non-negative integer, got a string",
        ),
        (
            json!({"max_rows": true}),
            "invalid constraint max_rows: must be a non-negative integer, got a boolean",
        ),
        (
            json!({"allowed_fields": "id"}),
            "invalid constraint allowed_fields: must be a list of strings, got a string",
        ),
        (
            json!({"allowed_fields": ["id", 3]}),
            "invalid constraint allowed_fields: must be a list of strings, found a number",
        ),
    ] {
        assert_eq!(Constraints::from_json(&c).unwrap_err().to_string(), msg);
    }
    assert_eq!(
        Constraints::from_json(&json!({"max_rows": 0}))
            .unwrap()
            .max_rows,
        Some(0)
    );
}

#[test]
fn f100_mode_names() {
    // The mode is a typed enum: an unknown name is refused when parsed, never guessed.
    assert!("bogus".parse::<ResponseMode>().is_err());
    assert_eq!(TransformContext::default().mode, ResponseMode::Summary);
}

#[test]
fn c36_egress_record_in_summary_and_table() {
    for mode in [ResponseMode::Summary, ResponseMode::Table] {
        for v in [record(), json!([record()])] {
            let t = text(&both(&fw(), &v, &ctx(mode).with_role("reader")));
            for secret in [
                "fake-bearer-zzz-9999-do-not-use",
                "ZZZZ_FAKEKEY_ABCDEF12345",
                "123-45-6789",
                "4111 1111 1111 1234",
                "alice.fake-victim@example.invalid",
            ] {
                assert!(!t.contains(secret), "{mode}: {secret} leaked in {t}");
            }
        }
    }
}

#[test]
fn c37_projection_hides_fields() {
    let f = both(
        &fw(),
        &json!([record()]),
        &allowed(ResponseMode::Table, &["id", "public_status"]),
    );
    assert_eq!(
        Value::Object(f.table_preview[0].clone()),
        json!({"id": 7, "public_status": "active"})
    );
    let t = text(&f);
    assert!(!t.contains("call me") && !t.contains("example.invalid"));
    // pii_reader skips the projection, never the redaction.
    let f = both(
        &fw(),
        &json!([record()]),
        &allowed(ResponseMode::Table, &["id"]).with_role("pii_reader"),
    );
    assert_eq!(f.table_preview[0]["internal_notes"], "call me");
    assert_eq!(f.table_preview[0]["email"], "[REDACTED]");
}

#[test]
fn c38_c50_handle_only_carries_no_data() {
    let v = json!([{"id": 1, "secret": "INVARIANT-SENTINEL-DO-NOT-LEAK"}]);
    let f = both(&fw(), &v, &ctx(ResponseMode::HandleOnly));
    assert!(f.facts.is_empty() && f.table_preview.is_empty() && f.raw_data.is_none());
    assert!(!text(&f).contains("SENTINEL"));
}

#[test]
fn c39_c48_raw_by_reader_is_a_redacted_summary() {
    let v = json!([{"id": 1, "authorization": "Bearer INVARIANT-SENTINEL-DO-NOT-LEAK"}]);
    let f = both(&fw(), &v, &ctx(ResponseMode::Raw).with_role("reader"));
    assert_eq!(f.response_mode, ResponseMode::Summary);
    assert!(f.raw_data.is_none());
    assert!(!text(&f).contains("SENTINEL"));
}

#[test]
fn c40_c45_raw_by_admin_is_redacted() {
    let v =
        json!([{"id": 1, "note": format!("token {BEARER}"), "cfg": format!("api_key={APIKEY}")}]);
    let f = both(&fw(), &v, &ctx(ResponseMode::Raw).with_role("admin"));
    assert_eq!(f.response_mode, ResponseMode::Raw);
    assert!(f.raw_data.is_some());
    let t = text(&f);
    assert!(!t.contains("canary-zzz-9999") && !t.contains(APIKEY), "{t}");
}

#[test]
fn c49_projection_to_one_field() {
    let v = json!([{"id": 1, "internal": "must-not-cross-boundary"}]);
    let f = both(&fw(), &v, &allowed(ResponseMode::Table, &["id"]));
    assert_eq!(
        serde_json::to_value(&f.table_preview).unwrap(),
        json!([{"id": 1}])
    );
    let f = both(&fw(), &v, &allowed(ResponseMode::Summary, &["id"]));
    assert!(!text(&f).contains("must-not-cross"));
}

#[test]
fn table_mode_respects_max_chars() {
    // Inverted (L12): the reference's table mode has no char cap.
    let v = Value::Array(
        (0..50)
            .map(|i| json!({"id": i, "text": "t".repeat(300)}))
            .collect(),
    );
    let f = both(
        &fw_with(Budgets::default().with_max_chars(2000)),
        &v,
        &ctx(ResponseMode::Table),
    );
    assert!(carried(&f) <= 2000, "{}", carried(&f));
    let k = f.table_preview.len();
    assert!(k > 0 && k < 50);
    assert!(f.warnings.contains(&format!(
        "table_preview shows {k} of 50 rows; no handle: full data not kept"
    )));
}

#[test]
fn long_cells_are_cut_with_a_marker() {
    let v = json!([{"text": "é".repeat(2000)}]);
    let f = both(&fw(), &v, &ctx(ResponseMode::Table));
    let cell = f.table_preview[0]["text"].as_str().unwrap();
    assert_eq!(cell, format!("{}… (2000 chars total)", "é".repeat(500)));
}

#[test]
fn sensitive_keys_and_card_integers_never_leave() {
    let v =
        json!({"password": {"nested": "p"}, "api_key": "sk-live-zzz", "n": 4111111111111111_u64});
    for mode in [ResponseMode::Summary, ResponseMode::Table] {
        let t = text(&both(&fw(), &v, &ctx(mode)));
        assert!(
            !t.contains("sk-live-zzz") && !t.contains("nested") && !t.contains("4111111111111111"),
            "{t}"
        );
    }
    let f = both(&fw(), &v, &ctx(ResponseMode::Raw).with_role("admin"));
    assert_eq!(
        f.raw_data,
        Some(json!({"password": "[REDACTED]", "api_key": "[REDACTED]", "n": "[REDACTED]"}))
    );
    assert!(f.findings.total() >= 3);
}

#[test]
fn frames_are_deterministic() {
    let v = json!([record(), record()]);
    let c = ctx(ResponseMode::Summary);
    assert_eq!(text(&both(&fw(), &v, &c)), text(&both(&fw(), &v, &c)));
}
