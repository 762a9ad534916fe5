//! Property tests: the store against a simple sequential model of the specification
//! (expired first, then oldest by insertion sequence; exact byte accounting), and paging
//! against a direct filter of the rows.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Filter, Grant, Handle, HandleBackend, HandleError,
    HandleStore, HandleStoreConfig, ManualClock,
};

#[derive(Debug, Clone)]
enum Op {
    Store { len: usize, ttl_ms: u64 },
    Touch(usize),
    Remove(usize),
    Advance(u64),
    Sweep,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..400, 0u64..50).prop_map(|(len, ttl_ms)| Op::Store { len, ttl_ms }),
        2 => any::<usize>().prop_map(Op::Touch),
        1 => any::<usize>().prop_map(Op::Remove),
        1 => (0u64..30).prop_map(Op::Advance),
        1 => Just(Op::Sweep),
    ]
}

struct Model {
    /// (id, bytes, expires_at) in insertion order.
    live: VecDeque<(String, u64, u64)>,
    max_bytes: u64,
    max_entries: usize,
    stores: u64,
    sweep_every: u64,
}

impl Model {
    fn bytes(&self) -> u64 {
        self.live.iter().map(|e| e.1).sum()
    }

    fn sweep(&mut self, now: u64) {
        self.live.retain(|e| now < e.2);
    }

    fn store(&mut self, id: String, bytes: u64, expires: u64, now: u64) {
        while self.live.len() + 1 > self.max_entries || self.bytes() + bytes > self.max_bytes {
            if self.live.iter().any(|e| now >= e.2) {
                self.sweep(now);
            } else {
                self.live.pop_front();
            }
        }
        self.live.push_back((id, bytes, expires));
        self.stores += 1;
        if self.stores.is_multiple_of(self.sweep_every) {
            self.sweep(now);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn store_matches_the_model(
        ops in proptest::collection::vec(op(), 1..120),
        max_bytes in 300u64..3000,
        max_entries in 1usize..12,
        shards in 1usize..6,
    ) {
        let clock = ManualClock::new(10_000);
        let store = HandleStore::new(HandleStoreConfig {
            max_total_bytes: Some(max_bytes),
            max_entries,
            shards,
            sweep_every: 7,
            ..HandleStoreConfig::default()
        })
        .unwrap()
        .with_clock(Arc::new(clock.clone()));
        let mut model = Model {
            live: VecDeque::new(),
            max_bytes,
            max_entries,
            stores: 0,
            sweep_every: 7,
        };
        let mut all: Vec<Handle> = Vec::new();
        for op in ops {
            let now = store_now(&clock);
            match op {
                Op::Store { len, ttl_ms } => {
                    let data = json!({"v": "x".repeat(len)});
                    let r = store.store_shared(
                        "m",
                        Arc::new(data),
                        Binding::principal("p"),
                        Grant::new(),
                        Some(Duration::from_millis(ttl_ms)),
                    );
                    let size = len as u64 + 8;
                    if size > max_bytes {
                        prop_assert!(
                            matches!(r, Err(HandleError::TooLarge { .. })),
                            "oversized payload was stored"
                        );
                    } else {
                        let h = r.unwrap();
                        prop_assert_eq!(h.bytes, size);
                        model.store(h.id.as_str().to_owned(), size, now + ttl_ms, now);
                        all.push(h);
                    }
                }
                Op::Touch(i) if !all.is_empty() => {
                    let h = &all[i % all.len()];
                    let r = store.data(h.id.as_str(), Some("p"));
                    let pos = model.live.iter().position(|e| e.0 == h.id.as_str());
                    match (pos, r) {
                        (Some(p), Ok(_)) => prop_assert!(now < model.live[p].2),
                        (Some(p), Err(HandleError::Expired { .. })) => {
                            prop_assert!(now >= model.live[p].2);
                            model.live.remove(p);
                        }
                        (None, Err(HandleError::NotFound { .. })) => {}
                        (pos, r) => prop_assert!(false, "model {:?} vs store {:?}", pos, r.map(|_| ())),
                    }
                }
                Op::Remove(i) if !all.is_empty() => {
                    let h = &all[i % all.len()];
                    let pos = model.live.iter().position(|e| e.0 == h.id.as_str());
                    prop_assert_eq!(store.remove(h.id.as_str()), pos.is_some());
                    if let Some(p) = pos {
                        model.live.remove(p);
                    }
                }
                Op::Advance(ms) => clock.advance_ms(ms),
                Op::Sweep => {
                    let before = model.live.len();
                    model.sweep(now);
                    prop_assert_eq!(store.evict_expired(), before - model.live.len());
                }
                _ => {}
            }
            prop_assert_eq!(store.current_bytes(), model.bytes());
            prop_assert_eq!(store.len(), model.live.len());
            prop_assert!(store.current_bytes() <= max_bytes);
        }
        // Every handle the model holds is in the store (meta checks expiry too).
        let now = store_now(&clock);
        for (id, _, exp) in model.live.clone() {
            let r = store.meta(&id);
            if now < exp {
                prop_assert!(r.is_ok());
            } else {
                prop_assert!(matches!(r, Err(HandleError::Expired { .. })), "{:?}", r.map(|_| ()));
            }
        }
    }

    #[test]
    fn paging_visits_exactly_the_matching_rows(
        statuses in proptest::collection::vec(0u8..3, 0..150),
        want in 0u8..3,
        max_rows in 1u64..20,
        limit in proptest::option::of(0u64..30),
        min_amount in 0i64..150,
    ) {
        let names = ["paid", "unpaid", "refunded"];
        let rows: Vec<Value> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| json!({"id": i, "status": names[*s as usize], "amount": i as f64 + 0.5}))
            .collect();
        let expected: Vec<u64> = rows
            .iter()
            .filter(|r| r["status"] == names[want as usize] && r["amount"].as_f64().unwrap() >= min_amount as f64)
            .map(|r| r["id"].as_u64().unwrap())
            .collect();
        let store = HandleStore::new(HandleStoreConfig::default()).unwrap();
        let h = store.store("c", Value::Array(rows), Binding::principal("p"), Grant::new()).unwrap();
        let budget = ExpandBudget { max_rows, ..ExpandBudget::default() };
        let filter = Filter::new()
            .eq("status", names[want as usize])
            .with("amount", weaver_handles::Condition::Gte(json!(min_amount)));
        let mut seen = Vec::new();
        let mut offset = Some(0);
        let mut pages = 0;
        while let Some(o) = offset {
            let mut q = ExpandQuery::new().with_offset(o).with_filter(filter.clone());
            q.limit = limit;
            let page = store.expand(h.id.as_str(), &q, Some("p"), &budget).unwrap();
            let cap = limit.unwrap_or(u64::MAX).min(max_rows);
            prop_assert!(page.rows.len() as u64 <= cap);
            seen.extend(page.rows.iter().map(|r| r["id"].as_u64().unwrap()));
            if cap == 0 {
                prop_assert!(page.next_offset.is_none());
                break;
            }
            if let Some(n) = page.next_offset {
                prop_assert_eq!(n, o + page.rows.len() as u64);
                prop_assert!(!page.rows.is_empty());
            } else {
                prop_assert_eq!(page.matched_rows, Some(expected.len() as u64));
            }
            offset = page.next_offset;
            pages += 1;
            prop_assert!(pages <= 200);
        }
        if limit != Some(0) {
            prop_assert_eq!(seen, expected);
        }
    }
}

fn store_now(clock: &ManualClock) -> u64 {
    use weaver_handles::Clock;
    clock.now_ms()
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e9f64..1e9).prop_map(|f| json!(f)),
        "[a-z0-9 @.\"\\\\é\n]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("offset"),
            Just("limit"),
            Just("fields"),
            Just("filter"),
            Just("in"),
            Just("lt"),
            Just("contains"),
            Just("id"),
            Just("ne")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("offset".to_owned()),
                        Just("limit".to_owned()),
                        Just("fields".to_owned()),
                        Just("filter".to_owned()),
                        Just("id".to_owned()),
                        Just("in".to_owned()),
                        Just("gte".to_owned()),
                        Just("contains".to_owned()),
                        "[a-z]{1,6}"
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Hostile queries, grants and data: a typed answer every time, never a panic, and
    /// every successful page within its budget.
    #[test]
    fn any_query_gets_a_typed_answer_within_budget(
        data in arb_json(),
        raw_query in arb_json(),
        raw_grant in arb_json(),
        max_rows in 1u64..8,
        max_fields in 1usize..6,
        max_chars in 256u64..2000,
        max_depth in 1usize..5,
    ) {
        let store = HandleStore::new(HandleStoreConfig::default()).unwrap();
        let grant: Grant = serde_json::from_value(raw_grant).unwrap_or_default();
        let h = store.store("c", data, Binding::principal("p"), grant).unwrap();
        let budget = ExpandBudget { max_rows, max_fields, max_chars, max_depth };
        let query = match ExpandQuery::from_json(&raw_query) {
            Ok(q) => q,
            Err(e) => {
                prop_assert_eq!(e.reason_code(), "invalid_constraint");
                ExpandQuery::new()
            }
        };
        let mut offset = Some(query.offset);
        let mut pages = 0;
        while let Some(o) = offset {
            let q = ExpandQuery { offset: o, ..query.clone() };
            match store.expand(h.id.as_str(), &q, Some("p"), &budget) {
                Ok(page) => {
                    prop_assert!(page.rows.len() as u64 <= max_rows);
                    let size = serde_json::to_vec(&page.rows).unwrap().len() as u64;
                    prop_assert!(size <= max_chars, "{} > {}", size, max_chars);
                    for r in &page.rows {
                        if let Value::Object(m) = r {
                            prop_assert!(m.len() <= max_fields);
                        }
                    }
                    if let Some(n) = page.next_offset {
                        prop_assert!(n > o, "no progress at offset {}", o);
                    }
                    offset = page.next_offset;
                }
                Err(e) => {
                    prop_assert!(
                        matches!(e, HandleError::ConstraintViolation(_) | HandleError::InvalidQuery(_)),
                        "{:?}", e
                    );
                    offset = None;
                }
            }
            pages += 1;
            prop_assert!(pages < 500);
        }
    }
}
