//! The handle store: reference-behaviour.md §20 H, ported, with L21 inverted (a zero
//! entry cap is a config error; eviction follows insertion sequence, not the clock).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, Handle, HandleBackend, HandleError, HandleStore,
    HandleStoreConfig, ManualClock,
};

const T0: u64 = 1_700_000_000_000;

fn store_with(config: HandleStoreConfig) -> (HandleStore, ManualClock) {
    let clock = ManualClock::new(T0);
    let store = HandleStore::new(config)
        .unwrap()
        .with_clock(Arc::new(clock.clone()));
    (store, clock)
}

fn default_store() -> (HandleStore, ManualClock) {
    store_with(HandleStoreConfig::default())
}

fn p1() -> Binding {
    Binding::principal("p-1")
}

fn put(store: &HandleStore, data: Value) -> Handle {
    store.store("cap.test", data, p1(), Grant::new()).unwrap()
}

fn put_ttl(store: &HandleStore, data: Value, ttl: Duration) -> Handle {
    store
        .store_shared("cap.test", Arc::new(data), p1(), Grant::new(), Some(ttl))
        .unwrap()
}

fn payload(c: char, n: usize) -> Value {
    json!({ "v": c.to_string().repeat(n) })
}

fn json_len(v: &Value) -> u64 {
    serde_json::to_vec(v).unwrap().len() as u64
}

fn is_not_found<T: std::fmt::Debug>(r: Result<T, HandleError>) -> bool {
    matches!(r, Err(HandleError::NotFound { .. }))
}

fn readable(store: &HandleStore, h: &Handle) -> bool {
    store.data(h.id.as_str(), Some("p-1")).is_ok()
}

// 107
#[test]
fn stores_rows_and_reads_them_back() {
    let (store, _) = default_store();
    let rows: Vec<Value> = (0..10).map(|i| json!({"id": i})).collect();
    let h = put(&store, Value::Array(rows.clone()));
    assert_eq!(h.total_rows, 10);
    assert_eq!(h.capability_id, "cap.test");
    assert_eq!(h.principal_id.as_deref(), Some("p-1"));
    assert_eq!(
        *store.data(h.id.as_str(), Some("p-1")).unwrap(),
        Value::Array(rows)
    );
    let meta = store.meta(h.id.as_str()).unwrap();
    assert_eq!(meta, h);
    let scalar = put(&store, json!({"a": 1}));
    assert_eq!(scalar.total_rows, 1);
}

// 108
#[test]
fn unknown_and_malformed_ids_are_not_found() {
    let (store, _) = default_store();
    let other = HandleStore::new(HandleStoreConfig::default()).unwrap();
    let foreign = put(&other, json!(1));
    for id in [foreign.id.as_str(), "nope", "", &"f".repeat(10_000)] {
        assert!(is_not_found(store.meta(id)), "{id:.40}");
        let q = ExpandQuery::new();
        assert!(is_not_found(store.expand(
            id,
            &q,
            Some("p-1"),
            &ExpandBudget::default()
        )));
    }
    // A hostile id is not echoed at length.
    let err = store.meta(&"f".repeat(10_000)).unwrap_err().to_string();
    assert!(err.len() < 200, "{err}");
}

// 109, with a zero TTL standing in for the reference's negative one.
#[test]
fn expired_entries_are_removed_on_access() {
    let (store, clock) = default_store();
    let h = put_ttl(&store, json!([1]), Duration::ZERO);
    assert!(matches!(
        store.data(h.id.as_str(), Some("p-1")),
        Err(HandleError::Expired { .. })
    ));
    assert!(is_not_found(store.data(h.id.as_str(), Some("p-1"))));
    assert_eq!(store.current_bytes(), 0);

    // Default TTL: alive one millisecond before, expired exactly at expires_at.
    let h = put(&store, json!([1]));
    assert_eq!(h.expires_at_ms, T0 + 3_600_000);
    clock.set_ms(h.expires_at_ms - 1);
    assert!(readable(&store, &h));
    clock.set_ms(h.expires_at_ms);
    assert!(matches!(
        store.meta(h.id.as_str()),
        Err(HandleError::Expired { .. })
    ));
}

// 110
#[test]
fn evict_expired_counts_what_it_removed() {
    let (store, _) = default_store();
    put_ttl(&store, json!(1), Duration::ZERO);
    put_ttl(&store, json!(2), Duration::ZERO);
    let live = put(&store, json!(3));
    assert_eq!(store.evict_expired(), 2);
    assert_eq!(store.len(), 1);
    assert_eq!(store.current_bytes(), 1);
    assert!(readable(&store, &live));
    assert_eq!(store.evict_expired(), 0);
}

// 111
#[test]
fn entry_cap_evicts_oldest() {
    let (store, _) = store_with(HandleStoreConfig {
        max_entries: 5,
        ..HandleStoreConfig::default()
    });
    let hs: Vec<Handle> = (0..7).map(|i| put(&store, json!([i]))).collect();
    assert_eq!(store.len(), 5);
    assert!(is_not_found(store.meta(hs[0].id.as_str())));
    assert!(is_not_found(store.meta(hs[1].id.as_str())));
    for h in &hs[2..] {
        assert!(readable(&store, h));
    }
    assert_eq!(
        *store.data(hs[6].id.as_str(), Some("p-1")).unwrap(),
        json!([6])
    );
}

// 112
#[test]
fn entry_cap_evicts_expired_before_oldest() {
    let (store, _) = store_with(HandleStoreConfig {
        max_entries: 3,
        ..HandleStoreConfig::default()
    });
    let e1 = put_ttl(&store, json!(1), Duration::ZERO);
    let e2 = put_ttl(&store, json!(2), Duration::ZERO);
    let live = put(&store, json!(3));
    let new = put(&store, json!(4));
    assert_eq!(store.len(), 2);
    assert!(readable(&store, &live));
    assert!(readable(&store, &new));
    assert!(is_not_found(store.meta(e1.id.as_str())));
    assert!(is_not_found(store.meta(e2.id.as_str())));
}

// 113
#[test]
fn periodic_sweep_every_128_stores() {
    let (store, _) = default_store();
    for i in 0..127 {
        put_ttl(&store, json!(i), Duration::ZERO);
    }
    assert_eq!(store.len(), 127);
    put_ttl(&store, json!(127), Duration::ZERO);
    assert_eq!(store.len(), 0);
    assert_eq!(store.current_bytes(), 0);
}

// 114
#[test]
fn current_bytes_is_the_exact_compact_json_size() {
    let (store, _) = default_store();
    assert_eq!(store.current_bytes(), 0);
    let data = json!({"v": "x".repeat(100), "é": [1.5, null, "a\"\n"]});
    let h = put(&store, data.clone());
    assert_eq!(h.bytes, json_len(&data));
    assert_eq!(store.current_bytes(), json_len(&data));
}

// 115, 116
#[test]
fn entry_cap_refuses_oversized_payloads() {
    let (store, _) = store_with(HandleStoreConfig {
        max_entry_bytes: Some(100),
        ..HandleStoreConfig::default()
    });
    let err = store
        .store("cap.big", payload('x', 1000), p1(), Grant::new())
        .unwrap_err();
    assert_eq!(
        err,
        HandleError::TooLarge {
            capability_id: "cap.big".into(),
            limit: 100,
            cap: "max_entry_bytes"
        }
    );
    assert_eq!(store.current_bytes(), 0);
    assert_eq!(store.len(), 0);

    let (roomy, _) = store_with(HandleStoreConfig {
        max_entry_bytes: Some(10_000),
        ..HandleStoreConfig::default()
    });
    let h = put(&roomy, payload('x', 1000));
    assert_eq!(
        *roomy.data(h.id.as_str(), Some("p-1")).unwrap(),
        payload('x', 1000)
    );
}

// 117
#[test]
fn byte_cap_evicts_oldest_first() {
    let (store, _) = store_with(HandleStoreConfig {
        max_total_bytes: Some(2500),
        ..HandleStoreConfig::default()
    });
    let a = put(&store, payload('a', 1000));
    let b = put(&store, payload('b', 1000));
    let c = put(&store, payload('c', 1000));
    assert!(store.current_bytes() <= 2500);
    assert_eq!(store.current_bytes(), 2 * 1008);
    assert!(is_not_found(store.meta(a.id.as_str())));
    assert!(readable(&store, &b));
    assert!(readable(&store, &c));
}

// 118
#[test]
fn evicted_handle_is_not_found_on_expand() {
    let (store, _) = store_with(HandleStoreConfig {
        max_total_bytes: Some(2500),
        ..HandleStoreConfig::default()
    });
    let rows: Vec<Value> = (0..50).map(|i| json!({"id": i})).collect();
    let first = put(&store, Value::Array(rows));
    put(&store, payload('y', 1500));
    put(&store, payload('z', 1500));
    let r = store.expand(
        first.id.as_str(),
        &ExpandQuery::new(),
        Some("p-1"),
        &ExpandBudget::default(),
    );
    assert!(is_not_found(r));
}

// 119
#[test]
fn evicting_expired_releases_bytes() {
    let (store, _) = default_store();
    put_ttl(&store, payload('x', 500), Duration::ZERO);
    assert_eq!(store.current_bytes(), 508);
    assert_eq!(store.evict_expired(), 1);
    assert_eq!(store.current_bytes(), 0);
}

// 120 and L21 inverted.
#[test]
fn zero_budgets_are_config_errors() {
    let base = HandleStoreConfig::default;
    for cfg in [
        HandleStoreConfig {
            max_total_bytes: Some(0),
            ..base()
        },
        HandleStoreConfig {
            max_entry_bytes: Some(0),
            ..base()
        },
        HandleStoreConfig {
            max_entries: 0,
            ..base()
        },
        HandleStoreConfig {
            default_ttl: Duration::ZERO,
            ..base()
        },
        HandleStoreConfig {
            shards: 0,
            ..base()
        },
        HandleStoreConfig {
            shards: 4096,
            ..base()
        },
        HandleStoreConfig {
            sweep_every: 0,
            ..base()
        },
    ] {
        let err = HandleStore::new(cfg.clone()).unwrap_err();
        assert!(matches!(err, HandleError::InvalidConfig(_)), "{cfg:?}");
    }
}

// 121
#[test]
fn exactly_at_the_ceiling_is_accepted() {
    let (store, _) = store_with(HandleStoreConfig {
        max_entry_bytes: Some(100),
        ..HandleStoreConfig::default()
    });
    let at = payload('x', 92);
    assert_eq!(json_len(&at), 100);
    put(&store, at);
    let over = payload('x', 93);
    assert!(matches!(
        store.store("c", over, p1(), Grant::new()),
        Err(HandleError::TooLarge {
            limit: 100,
            cap: "max_entry_bytes",
            ..
        })
    ));

    let (total_only, _) = store_with(HandleStoreConfig {
        max_total_bytes: Some(50),
        ..HandleStoreConfig::default()
    });
    assert!(matches!(
        total_only.store("c", payload('x', 61), p1(), Grant::new()),
        Err(HandleError::TooLarge {
            limit: 50,
            cap: "max_total_bytes",
            ..
        })
    ));

    // A tie names the entry cap; the smaller cap wins otherwise.
    for (entry, total, want_limit, want_cap) in [
        (100, 100, 100, "max_entry_bytes"),
        (100, 80, 80, "max_total_bytes"),
        (80, 100, 80, "max_entry_bytes"),
    ] {
        let (s, _) = store_with(HandleStoreConfig {
            max_entry_bytes: Some(entry),
            max_total_bytes: Some(total),
            ..HandleStoreConfig::default()
        });
        match s.store("c", payload('x', 200), p1(), Grant::new()) {
            Err(HandleError::TooLarge { limit, cap, .. }) => {
                assert_eq!((limit, cap), (want_limit, want_cap));
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }
}

// 122
#[test]
fn a_large_entry_evicts_every_older_small_one() {
    let (store, _) = store_with(HandleStoreConfig {
        max_total_bytes: Some(1000),
        ..HandleStoreConfig::default()
    });
    let small: Vec<Handle> = (0..5).map(|_| put(&store, payload('s', 92))).collect();
    assert_eq!(store.current_bytes(), 500);
    let big = put(&store, payload('b', 894));
    assert_eq!(big.bytes, 902);
    for h in &small {
        assert!(is_not_found(store.meta(h.id.as_str())));
    }
    assert!(readable(&store, &big));
    assert_eq!(store.current_bytes(), 902);
    assert_eq!(store.len(), 1);
}

// L21: eviction order is the insertion sequence, whatever the clock says.
#[test]
fn eviction_follows_insertion_sequence_not_the_clock() {
    let (store, clock) = store_with(HandleStoreConfig {
        max_entries: 2,
        ..HandleStoreConfig::default()
    });
    let a = put(&store, json!("a"));
    clock.set_ms(T0 - 60_000); // the clock steps back: b looks older than a
    let b = put(&store, json!("b"));
    let c = put(&store, json!("c"));
    assert!(is_not_found(store.meta(a.id.as_str())));
    assert!(readable(&store, &b));
    assert!(readable(&store, &c));
}

#[test]
fn the_entry_just_stored_is_never_evicted() {
    let (store, _) = store_with(HandleStoreConfig {
        max_total_bytes: Some(1000),
        max_entries: 1,
        ..HandleStoreConfig::default()
    });
    for i in 0..20 {
        let h = put(&store, payload('x', 900 + i));
        assert!(readable(&store, &h));
        assert_eq!(store.len(), 1);
        assert_eq!(store.current_bytes(), h.bytes);
    }
}

#[test]
fn binding_is_explicit() {
    let (store, _) = default_store();
    let err = store
        .store("c", json!(1), Binding::principal(""), Grant::new())
        .unwrap_err();
    assert!(matches!(err, HandleError::InvalidRequest(_)));
    let h = store
        .store("c", json!(1), Binding::Unbound, Grant::new())
        .unwrap();
    assert_eq!(h.principal_id, None);
    assert!(store.data(h.id.as_str(), None).is_ok());
    assert!(store.data(h.id.as_str(), Some("anyone")).is_ok());
}

#[test]
fn remove_releases_accounting() {
    let (store, _) = default_store();
    let h = put(&store, payload('x', 10));
    assert!(store.remove(h.id.as_str()));
    assert!(!store.remove(h.id.as_str()));
    assert!(!store.remove("garbage"));
    assert_eq!(store.current_bytes(), 0);
    assert!(store.is_empty());
}

#[test]
fn many_removals_do_not_grow_the_order_queue_without_bound() {
    // Store and remove in a loop (no expiry, no eviction): accounting stays exact and the
    // store keeps working; the queue is compacted internally.
    let (store, _) = store_with(HandleStoreConfig {
        max_entries: 4,
        shards: 1,
        ..HandleStoreConfig::default()
    });
    let keep: Vec<Handle> = (0..3).map(|i| put(&store, json!(i))).collect();
    for i in 0..10_000 {
        let h = put(&store, json!(i));
        assert!(store.remove(h.id.as_str()));
    }
    assert_eq!(store.len(), 3);
    let newest = put(&store, json!("n"));
    let newer = put(&store, json!("m"));
    // The oldest kept entry went first when the cap was reached.
    assert!(is_not_found(store.meta(keep[0].id.as_str())));
    assert!(readable(&store, &keep[1]));
    assert!(readable(&store, &newest));
    assert!(readable(&store, &newer));
}

#[test]
fn ids_are_fixed_length_and_distinct() {
    let (store, _) = default_store();
    let mut seen = std::collections::HashSet::new();
    for i in 0..2000 {
        let h = put(&store, json!(i));
        assert_eq!(h.id.as_str().len(), 32);
        assert!(
            h.id.as_str()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert!(seen.insert(h.id.clone()));
    }
}

#[test]
fn handle_round_trips_through_json() {
    let (store, _) = default_store();
    let h = store
        .store(
            "c",
            json!([1, 2]),
            p1(),
            Grant::new()
                .max_rows(5)
                .allowed_fields(["id"])
                .scope("region", "eu"),
        )
        .unwrap();
    let text = serde_json::to_string(&h).unwrap();
    let back: Handle = serde_json::from_str(&text).unwrap();
    assert_eq!(back, h);
}

#[test]
fn store_and_handles_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<HandleStore>();
    check::<Arc<dyn HandleBackend>>();
}

#[test]
fn deep_values_are_stored_and_dropped_without_overflow() {
    let (store, _) = store_with(HandleStoreConfig {
        max_entries: 1,
        ..HandleStoreConfig::default()
    });
    let mut v = json!(0);
    for _ in 0..100_000 {
        v = Value::Array(vec![v]);
    }
    let h = put(&store, v);
    assert_eq!(h.bytes, 200_001);
    // Evicting it drops the deep value; iteratively, or this test would overflow.
    put(&store, json!(1));
    assert!(is_not_found(store.meta(h.id.as_str())));
}

/// `evictions` counts what the store dropped on its own — for the entry cap, on expiry
/// (swept or found on access) — and not what a caller removed.
#[test]
fn evictions_count_cap_and_expiry_not_removals() {
    let (store, _) = store_with(HandleStoreConfig {
        max_entries: 2,
        ..HandleStoreConfig::default()
    });
    assert_eq!(store.evictions(), Some(0));
    let a = put(&store, json!([1]));
    let b = put(&store, json!([2]));
    put(&store, json!([3]));
    put(&store, json!([4]));
    assert!(is_not_found(store.meta(a.id.as_str())));
    assert!(is_not_found(store.meta(b.id.as_str())));
    assert_eq!(store.evictions(), Some(2), "two evicted for the cap");

    let (store, clock) = default_store();
    let gone = put(&store, json!([1]));
    assert!(store.remove(gone.id.as_str()));
    assert_eq!(store.evictions(), Some(0), "a removal is not an eviction");
    let short = put_ttl(&store, json!([1]), Duration::from_secs(1));
    let also = put_ttl(&store, json!([2]), Duration::from_secs(1));
    clock.set_ms(short.expires_at_ms);
    assert!(matches!(
        store.data(short.id.as_str(), Some("p-1")),
        Err(HandleError::Expired { .. })
    ));
    assert_eq!(store.evictions(), Some(1), "expired on access");
    assert_eq!(store.evict_expired(), 1);
    assert!(is_not_found(store.meta(also.id.as_str())));
    assert_eq!(store.evictions(), Some(2), "expired in a sweep");
}
