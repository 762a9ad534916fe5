//! Expansion: reference-behaviour.md §20 I, ported, with L8 (forged handles), L9
//! (budgets ignored) and L10 (`max_rows` replacing instead of capping) inverted.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use weaver_handles::{
    Binding, Condition, ExpandBudget, ExpandQuery, Expansion, Filter, Grant, Handle, HandleBackend,
    HandleError, HandleStore, HandleStoreConfig, ManualClock,
};

fn rows20() -> Value {
    Value::Array(
        (0..20)
            .map(|i| {
                json!({"id": i, "email": format!("u{i}@example.com"), "status": "ok",
                       "region": if i < 10 { "eu" } else { "us" }})
            })
            .collect(),
    )
}

fn new_store() -> HandleStore {
    HandleStore::new(HandleStoreConfig::default()).unwrap()
}

fn put(store: &HandleStore, grant: Grant) -> Handle {
    store
        .store("crm.contacts", rows20(), Binding::principal("p-1"), grant)
        .unwrap()
}

fn big() -> ExpandBudget {
    ExpandBudget {
        max_rows: 1000,
        max_fields: 100,
        max_chars: 1 << 20,
        max_depth: 3,
    }
}

fn q(j: Value) -> ExpandQuery {
    ExpandQuery::from_json(&j).unwrap()
}

fn ex(store: &HandleStore, h: &Handle, query: &ExpandQuery) -> Result<Expansion, HandleError> {
    store.expand(h.id.as_str(), query, Some("p-1"), &big())
}

fn ids(page: &Expansion) -> Vec<i64> {
    page.rows
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

fn code(r: Result<Expansion, HandleError>) -> &'static str {
    r.unwrap_err().reason_code()
}

// 123
#[test]
fn handle_carries_the_stored_grant() {
    let store = new_store();
    let grant = Grant::new().max_rows(5).allowed_fields(["id", "status"]);
    let h = put(&store, grant.clone());
    assert_eq!(h.principal_id.as_deref(), Some("p-1"));
    assert_eq!(h.constraints, grant);
    assert_eq!(store.meta(h.id.as_str()).unwrap().constraints, grant);
}

// 124 (L10 inverted: the grant caps the limit instead of failing), 125, 139
#[test]
fn grant_max_rows_caps_the_limit() {
    let store = new_store();
    let h = put(&store, Grant::new().max_rows(3));
    let page = ex(&store, &h, &q(json!({"limit": 50}))).unwrap();
    assert_eq!(ids(&page), [0, 1, 2]);
    assert_eq!(page.next_offset, Some(3));
    assert!(page.notes.iter().any(|n| n.contains("grant's max_rows")));
    let page = ex(&store, &h, &ExpandQuery::new()).unwrap();
    assert_eq!(ids(&page), [0, 1, 2]);
    let page = ex(&store, &h, &q(json!({"limit": 3}))).unwrap();
    assert_eq!(ids(&page), [0, 1, 2]);
    assert!(!page.notes.iter().any(|n| n.contains("grant's max_rows")));
    let page = ex(&store, &h, &q(json!({"limit": 0}))).unwrap();
    assert!(page.rows.is_empty());
    assert_eq!(page.next_offset, None);
    let page = ex(&store, &h, &q(json!({"offset": 25}))).unwrap();
    assert!(page.rows.is_empty());
    assert_eq!(page.next_offset, None);
    assert_eq!(page.matched_rows, Some(20));
}

// 126, 127
#[test]
fn allowed_fields_bound_projection() {
    let store = new_store();
    let h = put(&store, Grant::new().allowed_fields(["id", "status"]));
    let err = ex(&store, &h, &q(json!({"fields": ["id", "email"]}))).unwrap_err();
    assert_eq!(err.reason_code(), "handle_constraint_violation");
    assert!(err.to_string().contains("email"));
    let page = ex(&store, &h, &ExpandQuery::new()).unwrap();
    assert_eq!(page.rows.len(), 20);
    for r in &page.rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "status"]);
    }
    // Filtering on a field outside the grant would be an oracle for it.
    let err = ex(&store, &h, &q(json!({"filter": {"region": "eu"}}))).unwrap_err();
    assert_eq!(err.reason_code(), "handle_constraint_violation");
}

#[test]
fn allowed_fields_reach_records_inside_list_rows() {
    let store = new_store();
    let data = json!([[{"id": 1, "internal": "x"}], {"id": 2, "internal": "y"}, 7]);
    let h = store
        .store(
            "c",
            data,
            Binding::principal("p-1"),
            Grant::new().allowed_fields(["id"]),
        )
        .unwrap();
    let page = ex(&store, &h, &ExpandQuery::new()).unwrap();
    assert_eq!(
        page.rows,
        vec![json!([{"id": 1}]), json!({"id": 2}), json!(7)]
    );
    // An empty allow-list allows nothing.
    let h = store
        .store(
            "c",
            rows20(),
            Binding::principal("p-1"),
            Grant::new().allowed_fields(Vec::<String>::new()),
        )
        .unwrap();
    let page = ex(&store, &h, &q(json!({"limit": 2}))).unwrap();
    assert_eq!(page.rows, vec![json!({}), json!({})]);
    assert_eq!(
        code(ex(&store, &h, &q(json!({"fields": ["id"]})))),
        "handle_constraint_violation"
    );
}

// 128, 129
#[test]
fn scope_is_anded_and_cannot_be_widened() {
    let store = new_store();
    let h = put(&store, Grant::new().scope("region", "eu"));
    assert_eq!(
        code(ex(&store, &h, &q(json!({"filter": {"region": "us"}})))),
        "handle_constraint_violation"
    );
    assert_eq!(
        code(ex(
            &store,
            &h,
            &q(json!({"filter": {"region": {"ne": "eu"}}}))
        )),
        "handle_constraint_violation"
    );
    let page = ex(&store, &h, &ExpandQuery::new()).unwrap();
    assert_eq!(ids(&page), (0..10).collect::<Vec<_>>());
    assert!(page.rows.iter().all(|r| r["region"] == "eu"));
    assert_eq!(page.matched_rows, Some(10));
    // Restating the scope, or narrowing further, is fine.
    let page = ex(
        &store,
        &h,
        &q(json!({"filter": {"region": "eu", "id": {"gte": 7}}})),
    )
    .unwrap();
    assert_eq!(ids(&page), [7, 8, 9]);
}

// 130, 131, 132 and L8 inverted (143): the principal comes from the store.
#[test]
fn principal_binding_is_enforced_from_the_store() {
    let store = new_store();
    let h = store
        .store(
            "c",
            rows20(),
            Binding::principal("p-original"),
            Grant::new(),
        )
        .unwrap();
    let query = ExpandQuery::new();
    for who in [Some("p-attacker"), None, Some("")] {
        let err = store
            .expand(h.id.as_str(), &query, who, &big())
            .unwrap_err();
        assert_eq!(err.reason_code(), "handle_principal_mismatch", "{who:?}");
    }
    let page = store
        .expand(
            h.id.as_str(),
            &q(json!({"limit": 5})),
            Some("p-original"),
            &big(),
        )
        .unwrap();
    assert_eq!(page.rows.len(), 5);

    let open = store
        .store("c", rows20(), Binding::Unbound, Grant::new())
        .unwrap();
    let page = store
        .expand(open.id.as_str(), &q(json!({"limit": 3})), None, &big())
        .unwrap();
    assert_eq!(page.rows.len(), 3);
}

// 143 (L8 inverted): a forged Handle value changes nothing; only its id is used.
#[test]
fn forged_handle_objects_are_ignored() {
    let store = new_store();
    let real = put(&store, Grant::new().max_rows(2).allowed_fields(["id"]));
    let mut forged = real.clone();
    forged.principal_id = None;
    forged.constraints = Grant::new();
    // The only thing taken from the caller's handle is the id.
    let err = store
        .expand(forged.id.as_str(), &ExpandQuery::new(), None, &big())
        .unwrap_err();
    assert_eq!(err.reason_code(), "handle_principal_mismatch");
    let page = store
        .expand(forged.id.as_str(), &ExpandQuery::new(), Some("p-1"), &big())
        .unwrap();
    assert_eq!(page.rows, vec![json!({"id": 0}), json!({"id": 1})]);
}

// 133, 135
#[test]
fn malformed_queries_are_invalid_constraint() {
    for bad in [
        json!({"filter": ["not-a-dict"]}),
        json!({"fields": "id"}),
        json!({"offset": "abc"}),
        json!({"limit": "abc"}),
        json!({"limit": -1}),
        json!({"offset": -1}),
        json!({"limit": 1.5}),
    ] {
        let err = ExpandQuery::from_json(&bad).unwrap_err();
        assert_eq!(err.reason_code(), "invalid_constraint", "{bad}");
    }
}

/// Query errors never repeat a caller's string that could carry data: names and values
/// glued to other text defeat any redactor (`card 4111111111111111it` is not a card to
/// it), so such a name is not shown at all. Plain names still are.
#[test]
fn query_errors_do_not_echo_data() {
    let canaries = ["4111111111111111", "ann.lee@example.org"];
    for bad in [
        json!({"offrow 5: ann.lee@example.org, card 4111111111111111it": 2}),
        json!({"offset": "4111111111111111it"}),
        json!({"limit": "ann.lee@example.org"}),
        json!({"fields": [1, "4111111111111111"]}),
        json!({"filter": {"card 4111111111111111it": [1]}}),
        json!({"filter": {"ann.lee@example.org": {"in": 3}}}),
        json!({"filter": {"x4111111111111111": {"eq": [1]}}}),
    ] {
        let err = ExpandQuery::from_json(&bad).unwrap_err();
        assert_eq!(err.reason_code(), "invalid_constraint", "{bad}");
        let text = err.to_string();
        for c in canaries {
            assert!(!text.contains(c), "{c} in {text}");
        }
    }
    let err = ExpandQuery::from_json(&json!({"ofset": 1})).unwrap_err();
    assert!(err.to_string().contains("unknown field 'ofset'"), "{err}");
    let err = ExpandQuery::from_json(&json!({"filter": {"status": [1]}})).unwrap_err();
    assert!(err.to_string().contains("filter on 'status'"), "{err}");
}

/// Errors about the grant (fields or filters outside `allowed_fields`, a filter against
/// the scope) repeat the caller's field names only when they are short plain identifiers,
/// as query errors do: a card glued to letters in a field name is no card to a redactor.
#[test]
fn grant_errors_do_not_echo_data() {
    let canaries = ["4111111111111111", "ann.lee@example.org"];
    let store = new_store();
    let fields = put(&store, Grant::new().allowed_fields(["id", "status"]));
    let scoped = put(
        &store,
        Grant::new().scope("card 4111111111111111mail", "eu"),
    );
    for (h, bad) in [
        (
            &fields,
            json!({"fields": ["erow 4: ann.lee@example.org, card 4111111111111111mail"]}),
        ),
        (&fields, json!({"fields": ["id", "x4111111111111111"]})),
        (
            &fields,
            json!({"filter": {"card 4111111111111111mail": "eu"}}),
        ),
        (
            &scoped,
            json!({"filter": {"card 4111111111111111mail": "us"}}),
        ),
    ] {
        let err = ex(&store, h, &q(bad.clone())).unwrap_err();
        assert_eq!(err.reason_code(), "handle_constraint_violation", "{bad}");
        let text = err.to_string();
        for c in canaries {
            assert!(!text.contains(c), "{c} in {text}");
        }
    }
    let err = ex(&store, &fields, &q(json!({"fields": ["id", "email"]}))).unwrap_err();
    assert!(
        err.to_string().contains("fields ['email'] are not in"),
        "{err}"
    );
}

/// A hostile query nested far deeper than any valid one is refused without recursing into
/// it (serde reads a `Value` recursively: 100 000 levels would overflow the stack).
#[test]
fn deeply_nested_queries_are_refused_without_recursion() {
    let mut operand = json!("x");
    for _ in 0..100_000 {
        operand = Value::Array(vec![operand]);
    }
    let mut query = json!({"filter": {"status": {"in": []}}});
    query["filter"]["status"]["in"] = operand;
    let err = ExpandQuery::from_json(&query).unwrap_err();
    assert_eq!(err.reason_code(), "invalid_constraint");
    assert!(err.to_string().contains("deeper than 8 levels"), "{err}");
    // The deepest valid shape still parses.
    let ok = json!({"filter": {"status": {"in": ["a", 1, null]}}, "fields": ["id"]});
    assert!(ExpandQuery::from_json(&ok).is_ok());
    // Take the deep value apart level by level: dropping it whole would recurse too.
    let mut rest = query["filter"]["status"]["in"].take();
    while let Value::Array(mut items) = rest {
        rest = items.pop().unwrap_or(Value::Null);
    }
}

// 134, 137
#[test]
fn offset_limit_fields_filter() {
    let store = new_store();
    let data = Value::Array(
        (0..20)
            .map(|i| json!({"id": i, "status": if i % 3 == 0 { "paid" } else { "unpaid" }, "amount": i * 10}))
            .collect(),
    );
    let h = store
        .store(
            "billing.invoices",
            data,
            Binding::principal("p-1"),
            Grant::new(),
        )
        .unwrap();
    assert_eq!(
        ex(&store, &h, &q(json!({"limit": 2}))).unwrap().rows.len(),
        2
    );
    let page = ex(&store, &h, &q(json!({"offset": 5, "limit": 3}))).unwrap();
    assert_eq!(ids(&page), [5, 6, 7]);
    assert_eq!(page.next_offset, Some(8));
    let page = ex(&store, &h, &q(json!({"fields": ["id", "status"]}))).unwrap();
    for r in &page.rows {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "status"]);
    }
    let page = ex(&store, &h, &q(json!({"filter": {"status": "paid"}}))).unwrap();
    assert_eq!(ids(&page), [0, 3, 6, 9, 12, 15, 18]);
    assert_eq!(page.matched_rows, Some(7));
    let page = ex(
        &store,
        &h,
        &q(json!({"filter": {"status": "unpaid"}, "offset": 0, "limit": 2, "fields": ["id"]})),
    )
    .unwrap();
    assert_eq!(page.rows, vec![json!({"id": 1}), json!({"id": 2})]);
    assert_eq!(page.next_offset, Some(2));
    assert_eq!(page.matched_rows, None, "not scanned past the page");
}

#[test]
fn filter_operators() {
    let store = new_store();
    let data = Value::Array(
        (0..10)
            .map(|i| json!({"id": i, "amount": f64::from(i) * 1.5, "tag": format!("t{i}"), "n": i}))
            .collect(),
    );
    let h = store
        .store("c", data, Binding::principal("p-1"), Grant::new())
        .unwrap();
    let cases: Vec<(Value, Vec<i64>)> = vec![
        (json!({"n": 3.0}), vec![3]),
        (json!({"amount": 3}), vec![2]),
        (json!({"n": {"in": [1, 4.0, "5"]}}), vec![1, 4]),
        (json!({"n": {"ne": 0}}), (1..10).collect()),
        (json!({"amount": {"gt": 6, "lte": 9}}), vec![5, 6]),
        (json!({"tag": {"lt": "t3"}}), vec![0, 1, 2]),
        (json!({"tag": {"gte": "t8"}}), vec![8, 9]),
        (json!({"tag": {"contains": "7"}}), vec![7]),
        (json!({"missing": {"ne": 1}}), vec![]),
        (json!({"n": true}), vec![]),
    ];
    for (filter, want) in cases {
        let page = ex(&store, &h, &q(json!({"filter": filter}))).unwrap();
        assert_eq!(ids(&page), want, "{filter}");
        assert_eq!(page.matched_rows, Some(want.len() as u64));
    }
    // The same through the Rust builders.
    let f = Filter::new()
        .eq("n", 2)
        .with("amount", Condition::Lt(json!(100)));
    let page = ex(&store, &h, &ExpandQuery::new().with_filter(f)).unwrap();
    assert_eq!(ids(&page), [2]);
}

// 136-ish: the page names its handle and capability.
#[test]
fn page_names_handle_and_capability() {
    let store = new_store();
    let h = put(&store, Grant::new());
    let page = ex(&store, &h, &q(json!({"limit": 1}))).unwrap();
    assert_eq!(page.handle_id, h.id);
    assert_eq!(page.capability_id, "crm.contacts");
    assert_eq!(page.total_rows, 20);
}

// 138, 142 (check order: not found, expired, principal, then query against the grant)
#[test]
fn check_order() {
    let clock = ManualClock::new(1_000_000);
    let store = new_store().with_clock(Arc::new(clock.clone()));
    let h = put(&store, Grant::new().allowed_fields(["id"]));
    let bad_fields = q(json!({"fields": ["email"]}));
    assert_eq!(
        store
            .expand(h.id.as_str(), &bad_fields, Some("p-x"), &big())
            .unwrap_err()
            .reason_code(),
        "handle_principal_mismatch"
    );
    assert_eq!(
        code(ex(&store, &h, &bad_fields)),
        "handle_constraint_violation"
    );
    clock.advance_ms(3_600_000);
    assert_eq!(code(ex(&store, &h, &bad_fields)), "handle_expired");
    assert_eq!(code(ex(&store, &h, &bad_fields)), "handle_not_found");
    let short = store
        .store_shared(
            "c",
            Arc::new(rows20()),
            Binding::principal("p-1"),
            Grant::new(),
            Some(Duration::ZERO),
        )
        .unwrap();
    assert_eq!(
        store
            .expand(short.id.as_str(), &ExpandQuery::new(), Some("p-x"), &big())
            .unwrap_err()
            .reason_code(),
        "handle_expired"
    );
}

// 140: sensitive fields never come back, even when asked for by name.
#[test]
fn sensitive_fields_are_masked_even_when_requested() {
    let store = new_store();
    let h = put(&store, Grant::new());
    let page = ex(
        &store,
        &h,
        &q(json!({"fields": ["id", "email"], "limit": 5})),
    )
    .unwrap();
    for (i, r) in page.rows.iter().enumerate() {
        assert_eq!(r["id"], i);
        assert_ne!(r["email"], format!("u{i}@example.com"));
        assert!(!r.to_string().contains("@example.com"), "{r}");
    }
    assert!(page.findings.total() >= 5);
}

// Findings aggregate per column across rows (one entry, not one per row).
#[test]
fn page_findings_aggregate_across_rows() {
    let store = new_store();
    let h = put(&store, Grant::new());
    let page = ex(
        &store,
        &h,
        &q(json!({"fields": ["id", "email"], "limit": 20})),
    )
    .unwrap();
    let n = page.rows.len() as u64;
    assert!(n >= 5, "the page has several rows");
    let email: Vec<_> = page
        .findings
        .entries()
        .iter()
        .filter(|e| e.pointer.ends_with("/email"))
        .collect();
    assert_eq!(email.len(), 1, "{:?}", page.findings.entries());
    assert_eq!(email[0].pointer, "/rows/*/email");
    assert_eq!(email[0].count, n);
}

// A filter is not an oracle for what redaction hides.
#[test]
fn filters_cannot_probe_masked_values() {
    let store = new_store();
    let h = put(&store, Grant::new());
    for filter in [
        json!({"email": "u3@example.com"}),
        json!({"email": {"contains": "u3@"}}),
        json!({"email": {"gte": "u"}}),
    ] {
        let page = ex(&store, &h, &q(json!({"filter": filter}))).unwrap();
        assert!(page.rows.is_empty(), "{filter} matched {:?}", page.rows);
    }
    let notes = Value::Array(vec![
        json!({"id": 1, "note": "call me at bob@corp.example.org"}),
        json!({"id": 2, "note": "nothing here"}),
    ]);
    let h = store
        .store("c", notes, Binding::principal("p-1"), Grant::new())
        .unwrap();
    let page = ex(
        &store,
        &h,
        &q(json!({"filter": {"note": {"contains": "bob@corp"}}})),
    )
    .unwrap();
    assert!(page.rows.is_empty());
    let page = ex(
        &store,
        &h,
        &q(json!({"filter": {"note": {"contains": "call me"}}})),
    )
    .unwrap();
    assert_eq!(ids(&page), [1]);
    assert!(!page.rows[0].to_string().contains("bob@corp"));
}

// 141: depth elision counts from the stored value; a deeper budget keeps more.
#[test]
fn depth_elision_relative_to_rows() {
    let store = new_store();
    let data = json!([{"id": 1, "line_items": [{"q": 1}], "meta": {"a": {"b": 1}}}]);
    let h = store
        .store("c", data.clone(), Binding::principal("p-1"), Grant::new())
        .unwrap();
    let page = ex(&store, &h, &ExpandQuery::new()).unwrap();
    let row = &page.rows[0];
    assert!(row["line_items"].is_array());
    assert!(row["line_items"][0].is_string(), "{row}");
    assert!(row["meta"].is_object());
    assert!(row["meta"]["a"].is_string(), "{row}");
    let deep = ExpandBudget {
        max_depth: 5,
        ..big()
    };
    let page = store
        .expand(h.id.as_str(), &ExpandQuery::new(), Some("p-1"), &deep)
        .unwrap();
    assert_eq!(page.rows[0], data[0]);
    // A single (non-list) payload is its own row at depth 0.
    let h = store
        .store(
            "c",
            json!({"a": {"b": {"c": 1}}}),
            Binding::principal("p-1"),
            Grant::new(),
        )
        .unwrap();
    let page = ex(&store, &h, &ExpandQuery::new()).unwrap();
    assert!(page.rows[0]["a"]["b"].is_object());
    assert!(page.rows[0]["a"]["b"]["c"].is_number());
    let shallow = ExpandBudget {
        max_depth: 2,
        ..big()
    };
    let page = store
        .expand(h.id.as_str(), &ExpandQuery::new(), Some("p-1"), &shallow)
        .unwrap();
    assert!(page.rows[0]["a"]["b"].is_string());
}

// 144: non-object rows stay as they are (and are redacted); any filter drops them.
#[test]
fn non_object_rows() {
    let store = new_store();
    let h = store
        .store(
            "c",
            json!([{"a": 1}, 5, {"a": 2}]),
            Binding::principal("p-1"),
            Grant::new(),
        )
        .unwrap();
    assert_eq!(
        ex(&store, &h, &ExpandQuery::new()).unwrap().rows,
        vec![json!({"a": 1}), json!(5), json!({"a": 2})]
    );
    let h = store
        .store(
            "c",
            json!([1, 2, "a@b.co"]),
            Binding::principal("p-1"),
            Grant::new(),
        )
        .unwrap();
    let page = ex(&store, &h, &ExpandQuery::new()).unwrap();
    assert_eq!(page.rows[..2], [json!(1), json!(2)]);
    assert_ne!(page.rows[2], json!("a@b.co"));
    let page = ex(&store, &h, &q(json!({"filter": {"a": 1}}))).unwrap();
    assert!(page.rows.is_empty());
}

// L9 inverted: the caller's budget binds expansion (rows, fields, chars).
#[test]
fn budgets_bind_expansion() {
    let store = new_store();
    let wide: Vec<Value> = (0..200)
        .map(|i| {
            let mut m = serde_json::Map::new();
            m.insert("id".into(), json!(i));
            for f in 0..30 {
                m.insert(format!("f{f:02}"), json!(f));
            }
            Value::Object(m)
        })
        .collect();
    let h = store
        .store(
            "c",
            Value::Array(wide),
            Binding::principal("p-1"),
            Grant::new(),
        )
        .unwrap();
    let budget = ExpandBudget::default();
    let page = store
        .expand(h.id.as_str(), &ExpandQuery::new(), Some("p-1"), &budget)
        .unwrap();
    assert!(page.rows.len() <= 50);
    assert!(page.rows.iter().all(|r| r.as_object().unwrap().len() == 20));
    let size = serde_json::to_vec(&page.rows).unwrap().len() as u64;
    assert!(size <= budget.max_chars, "{size}");
    assert_eq!(page.next_offset, Some(page.rows.len() as u64));
    assert!(page.notes.iter().any(|n| n.contains("max_chars")));
    assert!(
        page.notes
            .iter()
            .any(|n| n.contains("20 of up to 31 fields"))
    );

    // Paging with next_offset visits every row exactly once, in order.
    let mut seen = Vec::new();
    let mut offset = Some(0);
    while let Some(o) = offset {
        let page = store
            .expand(
                h.id.as_str(),
                &ExpandQuery::new().with_offset(o).with_fields(["id"]),
                Some("p-1"),
                &budget,
            )
            .unwrap();
        assert!(serde_json::to_vec(&page.rows).unwrap().len() as u64 <= budget.max_chars);
        seen.extend(ids(&page));
        offset = page.next_offset;
    }
    assert_eq!(seen, (0..200).collect::<Vec<_>>());
}

#[test]
fn an_oversized_row_becomes_a_marker_and_paging_moves_on() {
    let store = new_store();
    let data = json!([{"id": 0, "blob": "x".repeat(10_000)}, {"id": 1}]);
    let h = store
        .store("c", data, Binding::principal("p-1"), Grant::new())
        .unwrap();
    let page = store
        .expand(
            h.id.as_str(),
            &ExpandQuery::new(),
            Some("p-1"),
            &ExpandBudget::default(),
        )
        .unwrap();
    assert_eq!(page.rows.len(), 2);
    assert!(page.rows[0].as_str().unwrap().contains("row 0 omitted"));
    assert_eq!(page.rows[1], json!({"id": 1}));
    assert_eq!(page.next_offset, None);
}

#[test]
fn unusable_budgets_are_errors() {
    let store = new_store();
    let h = put(&store, Grant::new());
    for b in [
        ExpandBudget {
            max_rows: 0,
            ..ExpandBudget::default()
        },
        ExpandBudget {
            max_fields: 0,
            ..ExpandBudget::default()
        },
        ExpandBudget {
            max_depth: 0,
            ..ExpandBudget::default()
        },
        ExpandBudget {
            max_chars: 10,
            ..ExpandBudget::default()
        },
    ] {
        let err = store
            .expand(h.id.as_str(), &ExpandQuery::new(), Some("p-1"), &b)
            .unwrap_err();
        assert_eq!(err.reason_code(), "invalid_budget", "{b:?}");
    }
}

#[test]
fn text_payloads_page_by_bytes_within_max_chars() {
    let store = new_store();
    let mut text = String::new();
    for i in 0..400 {
        writeln!(text, "line {i}: ünïcödé \"quoted\" \t tab").unwrap();
    }
    let h = store
        .store(
            "logs.tail",
            Value::String(text.clone()),
            Binding::principal("p-1"),
            Grant::new(),
        )
        .unwrap();
    let budget = ExpandBudget::default();
    let mut rebuilt = String::new();
    let mut offset = Some(0);
    let mut pages = 0;
    while let Some(o) = offset {
        let page = store
            .expand(
                h.id.as_str(),
                &ExpandQuery::new().with_offset(o),
                Some("p-1"),
                &budget,
            )
            .unwrap();
        let t = page.text.unwrap();
        assert_eq!(t.start, o);
        assert_eq!(t.total_bytes, text.len() as u64);
        let chunk = page.rows[0].as_str().unwrap();
        assert!(serde_json::to_vec(&page.rows[0]).unwrap().len() as u64 <= budget.max_chars);
        rebuilt.push_str(chunk);
        offset = page.next_offset;
        pages += 1;
    }
    assert_eq!(rebuilt, text);
    assert!(pages > 3);
    // An offset inside a multi-byte character snaps back to its start.
    let inside = text.find('ü').unwrap() as u64 + 1;
    let page = store
        .expand(
            h.id.as_str(),
            &ExpandQuery::new().with_offset(inside),
            Some("p-1"),
            &budget,
        )
        .unwrap();
    assert_eq!(page.offset, inside - 1);
    assert!(page.rows[0].as_str().unwrap().starts_with('ü'));
}

#[test]
fn a_secret_cut_by_a_text_page_edge_is_masked_whole() {
    let store = new_store();
    let budget = ExpandBudget::default();
    let secret = "canary.victim@example.invalid";
    // Put the secret across the first page's end, wherever that falls.
    for shift in [5usize, 12, 20] {
        let text = format!("{}{secret} tail", "a".repeat(3998 - shift));
        let h = store
            .store(
                "c",
                Value::String(text.clone()),
                Binding::principal("p-1"),
                Grant::new(),
            )
            .unwrap();
        let mut all = String::new();
        let mut offset = Some(0);
        while let Some(o) = offset {
            let page = store
                .expand(
                    h.id.as_str(),
                    &ExpandQuery::new().with_offset(o),
                    Some("p-1"),
                    &budget,
                )
                .unwrap();
            let chunk = page.rows[0].as_str().unwrap().to_owned();
            // Not even a piece of it: a page cut without context would end in "canar…".
            let tail = &chunk[chunk.len().saturating_sub(40)..];
            assert!(!chunk.contains("canar"), "shift {shift}: …{tail}");
            assert!(!chunk.contains("invalid"), "shift {shift}");
            all.push_str(&chunk);
            offset = page.next_offset;
        }
        assert!(all.ends_with(" tail"));
        assert!(all.contains("[REDACTED]"));
    }
}

// Issue 12: a name/value pair protects its value in pages and filters, even when only the
// value field is requested; the typed key rule keeps what a mention's type allows.
#[test]
fn pairs_and_typed_keys_in_pages_and_filters() {
    let store = new_store();
    let env = json!([
        {"id": 1, "name": "DB_PASSWORD", "value": "s3cr3t-db"},
        {"id": 2, "name": "LOG_LEVEL", "value": "debug"},
        {"id": 3, "value": 4111111111111111.0_f64, "name": "card_ref"},
        {"id": 4, "name": "x", "value": 4111111111111111.0_f64, "email_verified": true,
         "password_min_length": 12},
    ]);
    let h = store
        .store("k8s.env", env, Binding::principal("p-1"), Grant::new())
        .unwrap();
    for fields in [json!(["id", "value"]), json!(["id", "name", "value"])] {
        let page = ex(&store, &h, &q(json!({"fields": fields}))).unwrap();
        let text = serde_json::to_string(&page.rows).unwrap();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!text.contains("4111111111111111"), "{text}");
        assert!(text.contains("debug"), "{text}");
        assert_eq!(page.rows[0]["value"], "[REDACTED]", "{text}");
        // Counted whether or not the pair's name is on the page.
        let masked: u64 = page
            .findings
            .entries()
            .iter()
            .filter(|e| e.pointer == "/rows/*/value")
            .map(|e| e.count)
            .sum();
        assert_eq!(masked, 3, "{:?}", page.findings.entries());
    }
    let page = ex(
        &store,
        &h,
        &q(json!({"fields": ["email_verified", "password_min_length"], "filter": {"id": 4}})),
    )
    .unwrap();
    assert_eq!(
        page.rows,
        [json!({"email_verified": true, "password_min_length": 12})]
    );
    for filter in [
        json!({"value": "s3cr3t-db"}),
        json!({"value": {"contains": "s3cr"}}),
        json!({"value": 4111111111111111.0_f64}),
    ] {
        let page = ex(&store, &h, &q(json!({"filter": filter}))).unwrap();
        assert!(page.rows.is_empty(), "{filter} matched {:?}", page.rows);
    }
    let page = ex(&store, &h, &q(json!({"filter": {"value": "debug"}}))).unwrap();
    assert_eq!(ids(&page), [2]);
}
