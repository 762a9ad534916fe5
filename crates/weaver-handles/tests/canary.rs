//! Egress: no planted secret of the shared workloads survives expansion, whatever is
//! asked for (every field, every row, every page, text pages cut anywhere).

use serde_json::Value;
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleStore, HandleStoreConfig,
};
use weaver_testkit::{Workloads, leaked};

fn workloads() -> Workloads {
    weaver_testkit::workloads(0.1).expect("workloads")
}

fn wide() -> ExpandBudget {
    ExpandBudget {
        max_rows: 1000,
        max_fields: 100,
        max_chars: 1 << 20,
        max_depth: 3,
    }
}

/// Pages through everything `query` selects and returns all page JSON.
fn page_all(store: &HandleStore, id: &str, query: &ExpandQuery, budget: &ExpandBudget) -> String {
    let mut out = String::new();
    let mut offset = Some(query.offset);
    let mut pages = 0;
    while let Some(o) = offset {
        let q = ExpandQuery {
            offset: o,
            ..query.clone()
        };
        let page = store.expand(id, &q, Some("p"), budget).unwrap();
        out.push_str(&serde_json::to_string(&page).unwrap());
        out.push('\n');
        offset = page.next_offset;
        pages += 1;
        assert!(pages < 100_000);
    }
    out
}

fn assert_no_leaks(w: &Workloads, name: &str, text: &str) {
    let canaries = w.canaries(name).unwrap();
    let leaks = leaked(&canaries, text);
    assert!(
        leaks.is_empty(),
        "{name}: {} of {} canaries leaked, e.g. {:?}",
        leaks.len(),
        canaries.len(),
        leaks
            .iter()
            .take(5)
            .map(|c| (&c.kind, &c.variant, &c.placement))
            .collect::<Vec<_>>()
    );
}

#[test]
fn rows_every_field_every_row() {
    let w = workloads();
    let data = w.json("rows_50k").unwrap();
    let n = data.as_array().unwrap().len() as u64;
    let store = HandleStore::new(HandleStoreConfig::default()).unwrap();
    let h = store
        .store("bench.cap", data, Binding::principal("p"), Grant::new())
        .unwrap();
    let all = page_all(&store, h.id.as_str(), &ExpandQuery::new(), &wide());
    assert_no_leaks(&w, "rows_50k", &all);
    // And the pages covered every row.
    let page = store
        .expand(h.id.as_str(), &ExpandQuery::new(), Some("p"), &wide())
        .unwrap();
    assert_eq!(page.matched_rows, Some(n));
}

#[test]
fn small_calls_store_and_expand_each() {
    let w = workloads();
    let Value::Array(calls) = w.json("small_calls").unwrap() else {
        panic!("small_calls is a list");
    };
    let store = HandleStore::new(HandleStoreConfig::default()).unwrap();
    let mut all = String::new();
    for call in calls {
        let h = store
            .store("bench.cap", call, Binding::principal("p"), Grant::new())
            .unwrap();
        all.push_str(&page_all(
            &store,
            h.id.as_str(),
            &ExpandQuery::new(),
            &wide(),
        ));
    }
    assert_no_leaks(&w, "small_calls", &all);
}

#[test]
fn nested_document_whole_and_deep() {
    let w = workloads();
    let data = w.json("nested_deep").unwrap();
    let store = HandleStore::new(HandleStoreConfig::default()).unwrap();
    let h = store
        .store("bench.cap", data, Binding::principal("p"), Grant::new())
        .unwrap();
    for depth in [3, 300] {
        let budget = ExpandBudget {
            max_depth: depth,
            ..wide()
        };
        let all = page_all(&store, h.id.as_str(), &ExpandQuery::new(), &budget);
        assert_no_leaks(&w, "nested_deep", &all);
    }
}

#[test]
fn text_pages_never_leak_at_their_edges() {
    let w = workloads();
    let text = w.text().unwrap();
    let store = HandleStore::new(HandleStoreConfig::default()).unwrap();
    let h = store
        .store(
            "bench.cap",
            Value::String(text),
            Binding::principal("p"),
            Grant::new(),
        )
        .unwrap();
    // Several page sizes, so page edges fall in many different places.
    for chars in [4_000u64, 65_537, 250_000] {
        let budget = ExpandBudget {
            max_chars: chars,
            ..wide()
        };
        let all = page_all(&store, h.id.as_str(), &ExpandQuery::new(), &budget);
        assert_no_leaks(&w, "text_20mb", &all);
    }
}
