//! Benchmarks for the handles area: storing and expanding through `weaver-handles`'
//! `HandleStore`, beside the reference's `HandleStore`.
//!
//! The reference stores the caller's object by reference; `store_shared` with an `Arc` is
//! the equivalent here (no copy). The reference's expand has no budget and returns every
//! selected row; the rows named after its operations use an unbounded budget so both
//! return the same rows (redacted). Rows marked "default budget" show what a model sees
//! (50 rows / 4000 chars).

use std::sync::Arc;

use serde_json::{Value, json};
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, Handle, HandleBackend, HandleError, HandleStore,
    HandleStoreConfig,
};

use crate::Bench;

fn unbounded() -> ExpandBudget {
    ExpandBudget {
        max_rows: u64::MAX,
        max_fields: usize::MAX,
        max_chars: u64::MAX,
        max_depth: 3,
    }
}

fn store() -> HandleStore {
    HandleStore::new(HandleStoreConfig::default()).expect("default config is valid")
}

/// Stores `data` the way every benchmark here does: bound to "agent", no grant, default TTL.
fn put(st: &HandleStore, data: &Arc<Value>) -> Result<Handle, HandleError> {
    st.store_shared(
        "bench.cap",
        Arc::clone(data),
        Binding::principal("agent"),
        Grant::new(),
        None,
    )
}

fn query(j: &Value) -> ExpandQuery {
    ExpandQuery::from_json(j).expect("benchmark queries are valid")
}

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let w = b.workloads().clone();

    // small_calls: a fresh store per run, store + one expand per call (like the reference).
    if let Ok(Value::Array(calls)) = w.json("small_calls") {
        let calls: Vec<Arc<Value>> = calls.into_iter().map(Arc::new).collect();
        let bytes = w.bytes("small_calls").map(|v| v.len() as u64).ok();
        let q = query(&json!({"offset": 0, "limit": 5}));
        let budget = ExpandBudget::default();
        let n = calls.len() as u64;
        b.measure(
            "small_calls",
            "HandleStore store+expand per call",
            Some("HandleStore store+expand per call"),
            bytes,
            Some(n),
            || {
                let st = store();
                let mut rows = 0usize;
                for c in &calls {
                    let h = put(&st, c).expect("store");
                    let page = st
                        .expand(h.id.as_str(), &q, Some("agent"), &budget)
                        .expect("expand");
                    rows += page.rows.len();
                }
                rows
            },
        );
        b.note(r#"{"offset": 0, "limit": 5}, default budget, redacted"#);
        // The same work split over two threads sharing one store (shards keep them apart).
        b.measure(
            "small_calls",
            "HandleStore store+expand per call, 2 threads, one store",
            None,
            bytes,
            Some(n),
            || {
                let st = store();
                let (left, right) = calls.split_at(calls.len() / 2);
                std::thread::scope(|s| {
                    for part in [left, right] {
                        let (st, q, budget) = (&st, &q, &budget);
                        s.spawn(move || {
                            for c in part {
                                let h = put(st, c).expect("store");
                                st.expand(h.id.as_str(), q, Some("agent"), budget)
                                    .expect("expand");
                            }
                        });
                    }
                });
                st.len()
            },
        );
        b.note("wall time for all calls; compare with the single-thread row");
    }

    let Ok(rows) = w.json("rows_50k") else {
        return;
    };
    let rows = Arc::new(rows);
    let nbytes = w.bytes("rows_50k").map(|v| v.len() as u64).ok();
    b.measure(
        "rows_50k",
        "HandleStore.store",
        Some("HandleStore.store"),
        nbytes,
        None,
        || {
            let st = store();
            put(&st, &rows).map(|h| h.bytes)
        },
    );
    b.note("exact size walk, shared Arc (no copy)");
    b.measure(
        "rows_50k",
        "HandleStore.store, byte caps set (early-exit walk)",
        None,
        nbytes,
        None,
        || {
            let st = HandleStore::new(HandleStoreConfig {
                max_total_bytes: Some(1 << 30),
                max_entry_bytes: Some(1 << 30),
                ..HandleStoreConfig::default()
            })
            .expect("valid config");
            put(&st, &rows).map(|h| h.bytes)
        },
    );
    // What a store that keeps serialized bytes would pay on store when handed a Value.
    b.measure(
        "rows_50k",
        "serde_json::to_vec (bytes-form store, comparison)",
        None,
        nbytes,
        None,
        || serde_json::to_vec(&*rows).map_or(0, |v| v.len()),
    );

    let st = store();
    let h = put(&st, &rows).expect("store");
    let half = rows.as_array().map_or(0, |a| a.len() / 2).min(25_000);
    let cases: [(&str, Value); 5] = [
        // The reference's offset is half of its 50 000 rows; keep it mid-list at any scale.
        ("offset/limit", json!({"offset": half, "limit": 100})),
        (
            "fields+limit",
            json!({"offset": 0, "limit": 1000, "fields": ["id", "customer", "status", "amount", "notes"]}),
        ),
        (
            "filter+limit",
            json!({"filter": {"status": "refunded"}, "limit": 200}),
        ),
        (
            "filter2+fields (no limit)",
            json!({"filter": {"status": "refunded", "currency": "EUR"},
                   "fields": ["id", "customer", "amount", "notes"], "offset": 10}),
        ),
        ("fields only, all rows", json!({"fields": ["id", "notes"]})),
    ];
    let wide = unbounded();
    for (label, j) in &cases {
        let q = query(j);
        let op = format!("HandleStore.expand {label}");
        let mut shown = 0;
        b.measure("rows_50k", &op, Some(&op), None, None, || {
            let page = st
                .expand(h.id.as_str(), &q, Some("agent"), &wide)
                .expect("expand");
            shown = page.rows.len();
            shown
        });
        b.note(format!("{j}; unbounded budget, {shown} rows, redacted"));
    }
    let default = ExpandBudget::default();
    for (label, j) in &cases[..3] {
        let q = query(j);
        let mut shown = 0;
        b.measure(
            "rows_50k",
            &format!("HandleStore.expand {label} (default budget)"),
            None,
            None,
            None,
            || {
                let page = st
                    .expand(h.id.as_str(), &q, Some("agent"), &default)
                    .expect("expand");
                shown = page.rows.len();
                shown
            },
        );
        b.note(format!("{shown} rows within 4000 chars, with next_offset"));
    }
    drop(st);

    if let Ok(text) = w.text() {
        let tbytes = text.len() as u64;
        let text = Arc::new(Value::String(text));
        b.measure(
            "text_20mb",
            "HandleStore.store",
            Some("HandleStore.store"),
            None,
            None,
            || {
                let st = store();
                put(&st, &text).map(|h| h.bytes)
            },
        );
        b.note("exact size = one scan of the string for escapes");
        let st = store();
        let h = put(&st, &text).expect("store");
        let q = ExpandQuery::new().with_offset(tbytes / 2);
        b.measure(
            "text_20mb",
            "HandleStore.expand one text page at mid-text (default budget)",
            None,
            None,
            None,
            || {
                st.expand(h.id.as_str(), &q, Some("agent"), &default)
                    .map(|p| p.next_offset)
            },
        );
        b.note("4000-char page, redacted with 64 KiB context each side; the reference returns all 20 MB");
    }
}
