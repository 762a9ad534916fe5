//! Entries stored as JSON text (`store_json`) behave as the parsed value stored with
//! `store_shared` would: same size, same rows, same pages, same errors.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleError, HandleStore,
    HandleStoreConfig, JsonText,
};

fn store() -> HandleStore {
    HandleStore::new(HandleStoreConfig::default()).unwrap()
}

fn p1() -> Binding {
    Binding::principal("p-1")
}

/// Stores `text` both ways and checks that metadata and a set of pages agree.
fn same_both_ways(text: &str) {
    let st = store();
    let value: Value = serde_json::from_str(text).unwrap();
    let json = JsonText::new(text).unwrap();
    let a = st
        .store_shared("cap", Arc::new(value.clone()), p1(), Grant::new(), None)
        .unwrap();
    let b = st
        .store_json("cap", json, p1(), Grant::new(), None)
        .unwrap();
    assert_eq!(a.bytes, b.bytes, "bytes of {text}");
    assert_eq!(a.total_rows, b.total_rows, "rows of {text}");
    for q in [
        json!({}),
        json!({"offset": 1, "limit": 2}),
        json!({"fields": ["id", "email"]}),
        json!({"filter": {"status": "open"}}),
    ] {
        let q = ExpandQuery::from_json(&q).unwrap();
        let budget = ExpandBudget::default();
        let pa = st.expand(a.id.as_str(), &q, Some("p-1"), &budget);
        let pb = st.expand(b.id.as_str(), &q, Some("p-1"), &budget);
        assert_eq!(
            format!("{pa:?}").replace(a.id.as_str(), "ID"),
            format!("{pb:?}").replace(b.id.as_str(), "ID"),
            "page {q:?} of {text}"
        );
    }
    assert_eq!(*st.data(b.id.as_str(), Some("p-1")).unwrap(), value);
}

#[test]
fn rows_with_secrets_expand_as_the_parsed_value_does() {
    same_both_ways(
        r#"[ {"id": 1, "email": "ann@example.com", "status": "open", "card": "4111 1111 1111 1111"},
             {"id": 2, "email": "bob@example.com", "status": "paid", "password": "hunter2"},
             {"id": 3, "email": "cy@example.com", "status": "open", "note": "call +1 212 555 0100"} ]"#,
    );
    same_both_ways(r#"{"rows": [1, 2, 3], "token": "ghp_0123456789abcdefghijABCDEFGHIJ012345"}"#);
    same_both_ways(r#""a plain string with ann@example.com""#);
    same_both_ways("[]");
    // A repeated key: the parsed value keeps the last value at the first position.
    same_both_ways(r#"[{"id": 1, "id": 2, "status": "open"}]"#);
}

#[test]
fn a_planted_canary_never_reaches_a_page() {
    let st = store();
    let text = r#"[{"id": 1, "api_key": "sk_live_CANARY0123456789abcdefghij"}]"#;
    let h = st
        .store_json(
            "cap",
            JsonText::new(text).unwrap(),
            p1(),
            Grant::new(),
            None,
        )
        .unwrap();
    let q = ExpandQuery::from_json(&json!({})).unwrap();
    let page = st
        .expand(h.id.as_str(), &q, Some("p-1"), &ExpandBudget::default())
        .unwrap();
    assert!(!format!("{page:?}").contains("CANARY"), "{page:?}");
}

#[test]
fn caps_principals_and_expiry_apply_to_text_entries() {
    let text = format!(r#"{{"v": "{}"}}"#, "x".repeat(1000));
    let st = HandleStore::new(HandleStoreConfig {
        max_entry_bytes: Some(500),
        ..HandleStoreConfig::default()
    })
    .unwrap();
    let r = st.store_json(
        "cap",
        JsonText::new(text).unwrap(),
        p1(),
        Grant::new(),
        None,
    );
    assert!(
        matches!(r, Err(HandleError::TooLarge { limit: 500, .. })),
        "{r:?}"
    );
    assert_eq!(st.current_bytes(), 0);

    let st = store();
    let json = JsonText::new("[1, 2]").unwrap();
    let r = st.store_json(
        "cap",
        json.clone(),
        Binding::principal(""),
        Grant::new(),
        None,
    );
    assert!(matches!(r, Err(HandleError::InvalidRequest(_))), "{r:?}");
    let h = st
        .store_json("cap", json, p1(), Grant::new(), None)
        .unwrap();
    assert_eq!(st.current_bytes(), 5);
    let q = ExpandQuery::from_json(&json!({})).unwrap();
    let other = st.expand(h.id.as_str(), &q, Some("p-2"), &ExpandBudget::default());
    assert!(
        matches!(other, Err(HandleError::PrincipalMismatch { .. })),
        "{other:?}"
    );
    let gone = st
        .store_json(
            "cap",
            JsonText::new("[3]").unwrap(),
            p1(),
            Grant::new(),
            Some(std::time::Duration::ZERO),
        )
        .unwrap();
    assert!(matches!(
        st.data(gone.id.as_str(), Some("p-1")),
        Err(HandleError::Expired { .. })
    ));
    assert!(st.remove(h.id.as_str()));
    assert_eq!(st.current_bytes(), 0);
}

#[test]
fn concurrent_first_reads_agree() {
    let st = Arc::new(store());
    let rows: Vec<Value> = (0..2000)
        .map(|i| json!({"id": i, "status": "open"}))
        .collect();
    let text = serde_json::to_string(&rows).unwrap();
    let h = st
        .store_json(
            "cap",
            JsonText::new(text).unwrap(),
            p1(),
            Grant::new(),
            None,
        )
        .unwrap();
    let pages: Vec<String> = std::thread::scope(|s| {
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let st = Arc::clone(&st);
                let id = h.id.clone();
                s.spawn(move || {
                    let q = ExpandQuery::from_json(&json!({"offset": 1990})).unwrap();
                    let page = st
                        .expand(id.as_str(), &q, Some("p-1"), &ExpandBudget::default())
                        .unwrap();
                    format!("{page:?}")
                })
            })
            .collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert!(pages.windows(2).all(|w| w[0] == w[1]));
    assert!(pages[0].contains("1999"));
}

/// Small documents of rows, nested values and scalars, printed with random spacing.
fn doc() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        "[a-z@. 0-9]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("(id|status|email|k[0-9])", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_document_stores_and_pages_as_its_value(v in doc(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            serde_json::to_string(&v).unwrap()
        };
        same_both_ways(&text);
    }
}
