//! The budget bound with markers and warnings counted, the zero budgets, and where cut
//! markers say the full data is.

mod common;

use common::{both, carried, ctx, fw_with};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use weaver_kernel::firewall::NO_HANDLE_NOTE;
use weaver_kernel::{
    Budgets, Constraints, Firewall, FirewallError, ResponseMode, TransformContext,
};

const MODES: [ResponseMode; 3] = [
    ResponseMode::Summary,
    ResponseMode::Table,
    ResponseMode::HandleOnly,
];

fn projected(mode: ResponseMode) -> TransformContext {
    ctx(mode).with_constraints(Constraints {
        max_rows: None,
        allowed_fields: Some(vec!["id".to_owned()]),
    })
}

/// Field names made of control characters: each escapes to six bytes of JSON.
fn control_keys(n: usize) -> Map<String, Value> {
    (0..n)
        .map(|i| {
            let c = char::from(u8::try_from(i % 31 + 1).unwrap());
            (c.to_string().repeat(24 + i), json!(i))
        })
        .collect()
}

#[test]
fn hostile_field_names_do_not_break_the_bound() {
    // 24 control-character names projected out: the warning was 595 bytes against 512.
    let row = Value::Object(control_keys(24));
    let doc = json!([row.clone(), row]);
    for mode in MODES {
        for max_chars in [512, 600, 1000] {
            let fw = fw_with(Budgets::default().with_max_chars(max_chars));
            let f = both(&fw, &doc, &projected(mode));
            assert!(
                carried(&f) <= max_chars as u64,
                "{mode:?} {max_chars}: {}",
                carried(&f)
            );
            if mode != ResponseMode::HandleOnly {
                let w = f
                    .warnings
                    .iter()
                    .find(|w| w.starts_with("fields outside allowed_fields omitted"));
                assert!(w.is_some(), "{mode:?}: {:?}", f.warnings);
            }
        }
    }
}

#[test]
fn a_long_warning_is_cut_with_an_ellipsis() {
    let fw = fw_with(Budgets::default().with_max_chars(512).with_max_rows(1));
    let note = "x".repeat(2_000);
    let row = Value::Object(control_keys(24));
    let doc = json!([row.clone(), row.clone(), row]);
    let c = projected(ResponseMode::Table).with_full_data_note(note);
    let f = both(&fw, &doc, &c);
    assert!(carried(&f) <= 512, "{}", carried(&f));
    assert!(
        f.warnings.iter().any(|w| w.ends_with('…')),
        "{:?}",
        f.warnings
    );
    assert!(
        f.warnings.iter().any(|w| w.contains("rows")),
        "{:?}",
        f.warnings
    );
}

#[test]
fn zero_fields_is_a_typed_error() {
    let e = Firewall::new(Budgets::default().with_max_fields(0)).unwrap_err();
    assert!(matches!(
        e,
        FirewallError::InvalidBudget {
            name: "max_fields",
            ..
        }
    ));
}

#[test]
fn zero_rows_shows_no_row_and_says_so_for_every_shape() {
    let cases = [
        (json!([{"a": 1}, {"a": 2}]), 2),
        (json!({"a": 1, "deep": {"b": {"c": {"d": 1}}}}), 1),
        (json!("just text"), 1),
        (json!(42), 1),
        (json!([]), 0),
    ];
    let by_budget = fw_with(Budgets::default().with_max_rows(0));
    let by_grant = fw_with(Budgets::default());
    let grant = ctx(ResponseMode::Table).with_constraints(Constraints {
        max_rows: Some(0),
        allowed_fields: None,
    });
    for (doc, total) in cases {
        for (fw, c) in [
            (&by_budget, ctx(ResponseMode::Table)),
            (&by_grant, grant.clone()),
        ] {
            let f = both(fw, &doc, &c);
            assert!(f.table_preview.is_empty(), "{doc}");
            if total == 0 {
                assert!(f.warnings.is_empty(), "{doc}: {:?}", f.warnings);
            } else {
                let want = format!("table_preview shows 0 of {total} rows; {NO_HANDLE_NOTE}");
                assert_eq!(f.warnings, [want], "{doc}");
            }
        }
    }
}

#[test]
fn markers_never_promise_a_handle_that_is_not_there() {
    let fw = fw_with(
        Budgets::default()
            .with_max_rows(1)
            .with_max_fields(1)
            .with_max_depth(1),
    );
    let rows = json!([{"a": 1, "b": {"c": 1}}, {"a": 2}]);
    let long_map: Map<String, Value> = (0..40).map(|i| (format!("k{i}"), json!(i))).collect();
    let long_map = Value::Object(long_map);
    // Each case cuts something: rows, fields, depth; facts; fields.
    let cases = [
        (&rows, ResponseMode::Table),
        (&long_map, ResponseMode::Summary),
        (&long_map, ResponseMode::Table),
    ];
    for (doc, mode) in cases {
        {
            let plain = both(&fw, doc, &ctx(mode));
            let noted = both(
                &fw,
                doc,
                &ctx(mode).with_full_data_note("full data in the input; the CLI keeps no handle"),
            );
            let text = serde_json::to_string(&plain).unwrap();
            assert!(!text.contains("via handle"), "{text}");
            assert!(text.contains(NO_HANDLE_NOTE), "{text}");
            let text = serde_json::to_string(&noted).unwrap();
            assert!(!text.contains("via handle"), "{text}");
            assert!(
                text.contains("full data in the input; the CLI keeps no handle"),
                "{text}"
            );
        }
    }
}

fn a_handle() -> weaver_handles::Handle {
    serde_json::from_value(json!({
        "id": "h_0123456789abcdef",
        "capability_id": "cap",
        "created_at_ms": 1,
        "expires_at_ms": 2,
        "total_rows": 2,
        "principal_id": "p",
        "bytes": 10,
    }))
    .unwrap()
}

#[test]
fn with_a_handle_markers_name_it() {
    let fw = fw_with(Budgets::default().with_max_rows(1));
    let c = ctx(ResponseMode::Table)
        .with_handle(a_handle())
        .with_full_data_note("ignored when a handle is attached");
    let f = both(&fw, &json!([{"a": 1}, {"a": 2}]), &c);
    assert_eq!(
        f.warnings,
        ["table_preview shows 1 of 2 rows; full data via handle h_0123456789abcdef"]
    );
}

#[test]
fn an_empty_principal_is_null() {
    let fw = fw_with(Budgets::default());
    let mut c = ctx(ResponseMode::Summary);
    let f = both(&fw, &json!(1), &c);
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["provenance"]["principal_id"], Value::Null);
    c.principal_id = "alice".to_owned();
    let v = serde_json::to_value(fw.transform(&json!(1), &c).unwrap()).unwrap();
    assert_eq!(v["provenance"]["principal_id"], "alice");
}

fn hostile_key() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[a-z]{1,4}",
        2 => "[\\x00-\\x1f]{1,40}",
        1 => "[\"\\\\]{1,40}",
        1 => "[é😀\\x01]{1,30}",
        1 => Just("id".to_owned()),
        1 => Just("password".to_owned()),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        "[a-z \\x00-\\x1f\"]{0,80}".prop_map(Value::String),
        Just(Value::Null),
    ]
}

fn doc() -> impl Strategy<Value = Value> {
    let inner = leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((hostile_key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    });
    let record = prop::collection::vec((hostile_key(), inner.clone()), 0..30)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()))
        .boxed();
    prop_oneof![
        inner,
        record.clone(),
        prop::collection::vec(record, 0..12).prop_map(Value::Array),
    ]
}

fn context() -> impl Strategy<Value = TransformContext> {
    (
        prop_oneof![
            Just(ResponseMode::Summary),
            Just(ResponseMode::Table),
            Just(ResponseMode::Raw),
        ],
        prop::option::of(prop::collection::vec(hostile_key(), 0..3)),
        prop::option::of(0u64..4),
        prop::option::of("[a-z ]{0,300}"),
        any::<bool>(),
    )
        .prop_map(|(mode, allowed_fields, max_rows, note, handle)| {
            let mut c = ctx(mode).with_constraints(Constraints {
                max_rows,
                allowed_fields,
            });
            if let Some(n) = note {
                c = c.with_full_data_note(n);
            }
            if handle {
                c = c.with_handle(a_handle());
            }
            c
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_bound_holds_for_hostile_names_and_tiny_budgets(
        v in doc(),
        c in context(),
        max_chars in 512usize..700,
        max_rows in 0usize..6,
        max_fields in 1usize..4,
        max_depth in 1usize..4,
    ) {
        let b = Budgets { max_rows, max_fields, max_chars, max_depth };
        let fw = fw_with(b);
        let bytes = serde_json::to_vec(&v).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let a = fw.transform(&v, &c).unwrap();
        let z = fw.transform_json(&bytes, &c).unwrap();
        prop_assert_eq!(&a, &z);
        // Raw mode never cuts raw_data, but its facts, table and warnings still fit.
        prop_assert!(carried(&a) <= max_chars as u64, "{} > {}", carried(&a), max_chars);
        let text = serde_json::to_string(&a).unwrap();
        if c.handle.is_none() {
            prop_assert!(!text.contains("via handle"), "{}", text);
        }
    }
}
