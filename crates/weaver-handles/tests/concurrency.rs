//! Several threads store, expand, remove and sweep against a small byte budget while an
//! observer checks `current_bytes() <= max_total_bytes` on every read. Every expansion
//! either returns exactly the rows that were stored under that id, or reports the handle
//! as not found / expired: nothing silently wrong.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleError, HandleStore,
    HandleStoreConfig, ManualClock,
};

const MAX_BYTES: u64 = 16_000;
const THREADS: u64 = 4;
const ROUNDS: u64 = 3_000;

/// A payload that says who stored it: `rows` rows of `{t, n, j, pad}`.
fn payload(t: u64, n: u64, rows: u64, pad: usize) -> Value {
    Value::Array(
        (0..rows)
            .map(|j| json!({"t": t, "n": n, "j": j, "pad": "p".repeat(pad)}))
            .collect(),
    )
}

/// A tiny deterministic generator (the test must not depend on scheduling for its inputs).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn byte_budget_holds_under_concurrency_and_nothing_is_silently_wrong() {
    let clock = ManualClock::new(1_000_000);
    let store = Arc::new(
        HandleStore::new(HandleStoreConfig {
            max_total_bytes: Some(MAX_BYTES),
            max_entries: 40,
            shards: 8,
            sweep_every: 16,
            ..HandleStoreConfig::default()
        })
        .unwrap()
        .with_clock(Arc::new(clock.clone())),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let observed = Arc::new(AtomicU64::new(0));

    let observer = {
        let (store, stop, observed) = (store.clone(), stop.clone(), observed.clone());
        thread::spawn(move || {
            let mut max_seen = 0;
            while !stop.load(Ordering::Acquire) {
                let b = store.current_bytes();
                assert!(b <= MAX_BYTES, "current_bytes {b} > {MAX_BYTES}");
                assert!(store.len() <= 40);
                max_seen = max_seen.max(b);
                observed.fetch_add(1, Ordering::Relaxed);
            }
            max_seen
        })
    };
    let ticker = {
        let (clock, stop) = (clock.clone(), stop.clone());
        thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                clock.advance_ms(5);
                thread::sleep(Duration::from_micros(200));
            }
        })
    };

    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            thread::spawn(move || {
                let mut rng = 0x9E37_79B9_7F4A_7C15 ^ (t + 1);
                let mut mine = Vec::new();
                let (mut ok, mut gone) = (0u64, 0u64);
                let budget = ExpandBudget {
                    max_rows: 100,
                    max_fields: 10,
                    max_chars: 1 << 20,
                    max_depth: 3,
                };
                for n in 0..ROUNDS {
                    let rows = 1 + next(&mut rng) % 6;
                    let pad = (next(&mut rng) % 700) as usize;
                    let ttl = Duration::from_millis(20 + next(&mut rng) % 400);
                    let data = payload(t, n, rows, pad);
                    let h = store
                        .store_shared(
                            "stress",
                            Arc::new(data),
                            Binding::principal(format!("p{t}")),
                            Grant::new(),
                            Some(ttl),
                        )
                        .unwrap();
                    mine.push((h.id.clone(), n, rows));
                    // Expand one of this thread's handles, old or new.
                    let pick = (next(&mut rng) % mine.len() as u64) as usize;
                    let (id, want_n, want_rows) = mine[pick].clone();
                    let query = ExpandQuery::new().with_fields(["t", "n", "j"]);
                    match store.expand(id.as_str(), &query, Some(&format!("p{t}")), &budget) {
                        Ok(page) => {
                            ok += 1;
                            assert_eq!(page.rows.len() as u64, want_rows);
                            for (j, r) in page.rows.iter().enumerate() {
                                assert_eq!(*r, json!({"t": t, "n": want_n, "j": j}));
                            }
                        }
                        Err(HandleError::NotFound { .. } | HandleError::Expired { .. }) => {
                            gone += 1;
                        }
                        Err(e) => panic!("unexpected error {e}"),
                    }
                    // Another principal never gets the data.
                    if let Ok(p) = store.expand(id.as_str(), &query, Some("intruder"), &budget) {
                        panic!("intruder read {p:?}");
                    }
                    match next(&mut rng) % 10 {
                        0 => {
                            store.remove(mine[pick].0.as_str());
                        }
                        1 => {
                            store.evict_expired();
                        }
                        _ => {}
                    }
                    if mine.len() > 64 {
                        mine.remove(0);
                    }
                }
                (ok, gone)
            })
        })
        .collect();

    let mut ok = 0;
    let mut gone = 0;
    for w in workers {
        let (o, g) = w.join().unwrap();
        ok += o;
        gone += g;
    }
    stop.store(true, Ordering::Release);
    let max_seen = observer.join().unwrap();
    ticker.join().unwrap();
    assert!(observed.load(Ordering::Relaxed) > 0);
    // Both outcomes happened: the budget really was under pressure.
    assert!(ok > 0 && gone > 0, "ok {ok}, gone {gone}");
    assert!(
        max_seen > MAX_BYTES / 2,
        "budget never under pressure: {max_seen}"
    );

    // Quiescent: everything expires, and the counters return to exactly zero.
    let before = store.current_bytes();
    assert!(before <= MAX_BYTES);
    clock.advance_ms(1_000_000);
    let swept = store.evict_expired();
    assert_eq!(
        store.current_bytes(),
        0,
        "{swept} swept, {before} bytes before"
    );
    assert_eq!(store.len(), 0);
}

#[test]
fn exact_accounting_when_quiescent() {
    // Stores from several threads, then compare the byte counter with the handles that
    // are still readable.
    let store = Arc::new(
        HandleStore::new(HandleStoreConfig {
            max_total_bytes: Some(50_000),
            shards: 4,
            ..HandleStoreConfig::default()
        })
        .unwrap(),
    );
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            thread::spawn(move || {
                (0..500)
                    .map(|n| {
                        store
                            .store(
                                "c",
                                payload(t, n, 1 + n % 3, (n % 200) as usize),
                                Binding::principal("p"),
                                Grant::new(),
                            )
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let all: Vec<_> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let live: Vec<_> = all
        .iter()
        .filter(|h| store.meta(h.id.as_str()).is_ok())
        .collect();
    let sum: u64 = live.iter().map(|h| h.bytes).sum();
    assert_eq!(store.current_bytes(), sum);
    assert_eq!(store.len(), live.len());
    assert!(sum <= 50_000);
    // The survivors are the most recent stores of each thread (oldest-first eviction):
    // within a thread, once a handle survives, every later one does too.
    for t in 0..THREADS as usize {
        let mine = &all[t * 500..(t + 1) * 500];
        if let Some(first_live) = mine.iter().position(|h| store.meta(h.id.as_str()).is_ok()) {
            assert!(
                mine[first_live..]
                    .iter()
                    .all(|h| store.meta(h.id.as_str()).is_ok())
            );
        }
    }
}
