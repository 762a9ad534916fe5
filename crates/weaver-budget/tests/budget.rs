//! BudgetManager: the reference's scenarios (reference-behaviour.md §20 J 145–164, inverted
//! where weaver differs), reservation settlement on every exit path, and the concurrency
//! invariant.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};

use serde_json::{Value, json};
use weaver_budget::{
    BudgetBackend, BudgetConfig, BudgetConfigError, BudgetExhausted, BudgetManager, BudgetSnapshot,
    CharCounter, LocalBudget, ResponseMode, TokenCounter, escalate,
};

use ResponseMode::{HandleOnly, Raw, Summary, Table};

const MODES: [ResponseMode; 4] = [Raw, Table, Summary, HandleOnly];

fn manager(total: u64) -> BudgetManager {
    BudgetManager::new(total, BudgetConfig::default()).unwrap()
}

fn with_default(total: u64, default_request: u64) -> Result<BudgetManager, BudgetConfigError> {
    BudgetManager::new(
        total,
        BudgetConfig {
            default_request,
            ..BudgetConfig::default()
        },
    )
}

/// A manager of `total` with `used` tokens already charged.
fn used(total: u64, used: u64) -> BudgetManager {
    let m = manager(total);
    if used > 0 {
        let c = m.reserve(Some(used)).unwrap().commit(used);
        assert_eq!(c.charged, used);
    }
    m
}

// ── J 145: configuration ────────────────────────────────────────────────────────────────

#[test]
fn zero_numbers_are_config_errors() {
    assert_eq!(
        with_default(0, 10).unwrap_err(),
        BudgetConfigError::ZeroTotal
    );
    assert_eq!(
        with_default(10, 0).unwrap_err(),
        BudgetConfigError::ZeroDefaultRequest
    );
    assert_eq!(
        BudgetConfigError::ZeroTotal.to_string(),
        "total budget must be positive (got 0 tokens)"
    );
    assert_eq!(
        BudgetConfigError::ZeroDefaultRequest.to_string(),
        "default request must be positive (got 0 tokens)"
    );
    let zero_backend: Arc<dyn BudgetBackend> = Arc::new(LocalBudget::new(0));
    assert_eq!(
        BudgetManager::with_backend(zero_backend, BudgetConfig::default()).unwrap_err(),
        BudgetConfigError::ZeroTotal
    );
    // Negative totals, requests and usages (J 149, 153) cannot be written: they are u64.
}

#[test]
fn defaults_match_the_reference() {
    let c = BudgetConfig::default();
    assert_eq!(c.default_request, 4_000);
    assert_eq!(c.counter.name(), "chars");
    assert_eq!(BudgetManager::DEFAULT_TOTAL, 100_000);
    assert_eq!(manager(12_345).total(), 12_345); // J 155, second half
}

// ── J 146–149: reserving ────────────────────────────────────────────────────────────────

#[test]
fn reserve_grants_what_was_asked_while_it_fits() {
    let m = manager(1000);
    let r = m.reserve(Some(200)).unwrap();
    assert_eq!(r.amount(), 200);
    assert_eq!((m.remaining(), m.used(), m.reserved()), (800, 0, 200));
    drop(r);
}

#[test]
fn reserve_grants_at_most_the_remainder() {
    let m = manager(1000);
    let a = m.reserve(Some(700)).unwrap();
    let b = m.reserve(Some(500)).unwrap();
    assert_eq!((a.amount(), b.amount()), (700, 300));
    assert_eq!(m.remaining(), 0);
    drop((a, b));
}

#[test]
fn reserve_none_uses_the_default_request() {
    let m = with_default(1000, 250).unwrap();
    let r = m.reserve(None).unwrap();
    assert_eq!(r.amount(), 250);
    drop(r);

    let m = with_default(1000, 4000).unwrap();
    let all = m.reserve(None).unwrap();
    assert_eq!(all.amount(), 1000);
    let err = m.reserve(None).unwrap_err();
    assert_eq!(
        err,
        BudgetExhausted {
            used: 0,
            reserved: 1000,
            total: 1000
        }
    );
    drop(all);
}

#[test]
fn reserve_zero_grants_zero_and_holds_nothing() {
    let m = manager(1000);
    let r = m.reserve(Some(0)).unwrap();
    assert_eq!(r.amount(), 0);
    assert_eq!((m.remaining(), m.reserved()), (1000, 0));
    drop(r);
    assert_eq!(m.remaining(), 1000);
    // Once nothing remains, even a zero request is refused (the budget is exhausted).
    let _all = m.reserve(Some(1000)).unwrap();
    assert!(m.reserve(Some(0)).is_err());
}

// ── J 150–154: committing and releasing ─────────────────────────────────────────────────

#[test]
fn exhausted_after_the_budget_is_spent() {
    let m = used(100, 100);
    let err = m.reserve(Some(10)).unwrap_err();
    assert_eq!(
        err,
        BudgetExhausted {
            used: 100,
            reserved: 0,
            total: 100
        }
    );
    // Reference: "Session budget exhausted: used 100 of 100 tokens (no budget remaining)."
    // weaver follows Rust's convention (lower case, no final period).
    assert_eq!(
        err.to_string(),
        "session budget exhausted: used 100 of 100 tokens (no budget remaining)"
    );
}

#[test]
fn exhausted_message_names_tokens_held_by_calls_in_flight() {
    let m = used(100, 40);
    let _r = m.reserve(Some(60)).unwrap();
    let err = m.reserve(Some(1)).unwrap_err();
    assert_eq!((err.used, err.reserved, err.total), (40, 60, 100));
    assert_eq!(
        err.to_string(),
        "session budget exhausted: used 40 of 100 tokens, 60 more reserved by calls in flight \
         (no budget remaining)"
    );
}

#[test]
fn commit_below_the_reservation_returns_the_rest() {
    let m = manager(1000);
    let c = m.reserve(Some(400)).unwrap().commit(150);
    assert_eq!((c.reserved, c.actual, c.charged), (400, 150, 150));
    assert_eq!((c.refunded(), c.overrun(), c.unbilled()), (250, 0, 0));
    assert_eq!((m.used(), m.reserved(), m.remaining()), (150, 0, 850));
}

#[test]
fn commit_never_charges_past_the_total() {
    // Reference: record_usage(999) on total 100 → used 100. Here the overrun is reported.
    let m = manager(100);
    let c = m.reserve(Some(10)).unwrap().commit(999);
    assert_eq!(c.charged, 100);
    assert_eq!((c.overrun(), c.unbilled()), (90, 899));
    assert_eq!((m.used(), m.remaining()), (100, 0));
}

#[test]
fn an_overrun_never_takes_other_live_reservations() {
    let m = manager(100);
    let a = m.reserve(Some(50)).unwrap();
    let b = m.reserve(Some(30)).unwrap();
    let ca = a.commit(999);
    assert_eq!(ca.charged, 70, "its own 50 plus the 20 nobody holds");
    assert_eq!((m.used(), m.reserved(), m.remaining()), (70, 30, 0));
    let cb = b.commit(30);
    assert_eq!(cb.charged, 30);
    assert_eq!((m.used(), m.reserved()), (100, 0));
}

#[test]
fn drop_and_release_give_everything_back() {
    let m = manager(1000);
    let r = m.reserve(Some(400)).unwrap();
    drop(r);
    assert_eq!((m.remaining(), m.used(), m.reserved()), (1000, 0, 0));
    m.reserve(Some(400)).unwrap().release();
    assert_eq!((m.remaining(), m.used(), m.reserved()), (1000, 0, 0));
}

#[test]
fn usage_fraction_ignores_reservations() {
    let m = manager(200);
    assert_eq!(m.usage_fraction(), 0.0);
    let held = m.reserve(Some(50)).unwrap();
    assert_eq!(m.usage_fraction(), 0.0);
    m.reserve(Some(100)).unwrap().commit(100);
    assert_eq!(m.usage_fraction(), 0.5);
    drop(held);
    m.reserve(Some(100)).unwrap().commit(100);
    assert_eq!(m.usage_fraction(), 1.0);
}

// ── J 156: the configured counter ───────────────────────────────────────────────────────

#[derive(Debug, Default)]
struct Fixed {
    seen: std::sync::Mutex<Vec<Value>>,
}

impl TokenCounter for Fixed {
    fn name(&self) -> &'static str {
        "fixed"
    }
    fn count_str(&self, _: &str) -> u64 {
        42
    }
    fn count_value(&self, value: &Value) -> u64 {
        self.seen.lock().unwrap().push(value.clone());
        42
    }
}

#[test]
fn count_uses_the_configured_counter() {
    let counter = Arc::new(Fixed::default());
    let m = BudgetManager::new(
        1000,
        BudgetConfig {
            counter: counter.clone(),
            ..BudgetConfig::default()
        },
    )
    .unwrap();
    assert_eq!(m.count(&json!({"x": 1})), 42);
    assert_eq!(*counter.seen.lock().unwrap(), vec![json!({"x": 1})]);
    // The default bounded count falls back to a full count, classified.
    assert!(m.count_up_to(&json!(1), 41).exact().is_none());
    assert_eq!(m.count_up_to(&json!(1), 42).exact(), Some(42));
    // And the default manager counts with CharCounter.
    let v = json!({"id": 1, "name": "alice"});
    assert_eq!(manager(10).count(&v), CharCounter.count_value(&v));
}

// ── J 157–164: escalation ───────────────────────────────────────────────────────────────

/// (used of 1000, requested, expected) — the reference's probes, boundaries included.
const ESCALATION: &[(u64, ResponseMode, ResponseMode)] = &[
    // 100 % remaining: unchanged.
    (0, Raw, Raw),
    (0, Table, Table),
    (0, Summary, Summary),
    (0, HandleOnly, HandleOnly),
    // 50.1 %: still unchanged.
    (499, Raw, Raw),
    // exactly 50 %: raw → table.
    (500, Raw, Table),
    (500, Table, Table),
    (500, Summary, Summary),
    // 40 %.
    (600, Raw, Table),
    (600, Table, Table),
    (600, Summary, Summary),
    (600, HandleOnly, HandleOnly),
    // 20.1 %: still the table tier.
    (799, Raw, Table),
    (799, Table, Table),
    // exactly 20 %: floor at summary.
    (800, Raw, Summary),
    (800, Table, Summary),
    (800, Summary, Summary),
    (800, HandleOnly, HandleOnly),
    // 15 %.
    (850, Raw, Summary),
    (850, Table, Summary),
    (850, Summary, Summary),
    (850, HandleOnly, HandleOnly),
    // exactly 5 %: still summary.
    (950, Raw, Summary),
    (950, Table, Summary),
    (950, Summary, Summary),
    (950, HandleOnly, HandleOnly),
    // 4.9 %: everything handle_only.
    (951, Raw, HandleOnly),
    (951, Table, HandleOnly),
    (951, Summary, HandleOnly),
    (951, HandleOnly, HandleOnly),
    // 2 %.
    (980, Raw, HandleOnly),
    (980, Summary, HandleOnly),
    // 0 %.
    (1000, Table, HandleOnly),
];

#[test]
fn escalation_table_of_the_seed() {
    for &(u, requested, want) in ESCALATION {
        let m = used(1000, u);
        assert_eq!(
            m.suggested_mode(requested),
            want,
            "used {u} of 1000, requested {requested}"
        );
        assert_eq!(escalate(requested, 1000 - u, 1000), want);
    }
}

#[test]
fn reservations_count_as_spent_for_escalation() {
    let m = manager(1000);
    let _r = m.reserve(Some(600)).unwrap();
    assert_eq!(m.suggested_mode(Raw), Table);
    assert_eq!(m.usage_fraction(), 0.0);
}

/// The tier thresholds written independently of the implementation: more than half left
/// means `r >= t/2 + 1` (integer division), more than a fifth `r >= t/5 + 1`, at least a
/// twentieth `r >= ceil(t/20)`.
fn floor_by_thresholds(r: u64, t: u64) -> ResponseMode {
    if r > t / 2 {
        Raw
    } else if r > t / 5 {
        Table
    } else if r >= t.div_ceil(20) {
        Summary
    } else {
        HandleOnly
    }
}

#[test]
fn escalation_boundaries_are_exact_for_any_total() {
    // Every remaining value for small totals (where a float `r / t` would round)...
    for t in 1..=400u64 {
        for r in 0..=t {
            for requested in MODES {
                let got = escalate(requested, r, t);
                assert_eq!(got, requested.max(floor_by_thresholds(r, t)), "{r} of {t}");
            }
        }
    }
    // ... and the values around each threshold for large totals, up to u64::MAX.
    for t in [
        999_983,
        1 << 40,
        u64::MAX / 100,
        u64::MAX / 3,
        u64::MAX - 1,
        u64::MAX,
    ] {
        let mut probes = vec![0, 1, t - 1, t];
        for b in [t / 2, t / 5, t.div_ceil(20)] {
            probes.extend([b - 1, b, b + 1]);
        }
        for r in probes {
            for requested in MODES {
                let got = escalate(requested, r, t);
                assert_eq!(got, requested.max(floor_by_thresholds(r, t)), "{r} of {t}");
                assert!(got >= requested, "never relaxes");
            }
        }
    }
}

proptest::proptest! {
    #[test]
    fn escalation_is_monotone(total in 1u64.., a in 0u64.., b in 0u64..) {
        let (lo, hi) = (a.min(b).min(total), a.max(b).min(total));
        for requested in MODES {
            // Less remaining never yields a laxer mode.
            proptest::prop_assert!(escalate(requested, lo, total) >= escalate(requested, hi, total));
        }
    }
}

// ── Settlement exactly once, on every exit ──────────────────────────────────────────────

/// A backend that counts how its grants are settled.
#[derive(Debug)]
struct Counting {
    inner: LocalBudget,
    commits: AtomicU64,
    releases: AtomicU64,
}

impl Counting {
    fn new(total: u64) -> Arc<Counting> {
        Arc::new(Counting {
            inner: LocalBudget::new(total),
            commits: AtomicU64::new(0),
            releases: AtomicU64::new(0),
        })
    }
    fn settled(&self) -> (u64, u64) {
        (
            self.commits.load(Ordering::SeqCst),
            self.releases.load(Ordering::SeqCst),
        )
    }
}

impl BudgetBackend for Counting {
    fn total(&self) -> u64 {
        self.inner.total()
    }
    fn reserve(&self, want: u64) -> Result<u64, BudgetExhausted> {
        self.inner.reserve(want)
    }
    fn commit(&self, reserved: u64, actual: u64) -> u64 {
        self.commits.fetch_add(1, Ordering::SeqCst);
        self.inner.commit(reserved, actual)
    }
    fn release(&self, reserved: u64) {
        self.releases.fetch_add(1, Ordering::SeqCst);
        self.inner.release(reserved);
    }
    fn snapshot(&self) -> BudgetSnapshot {
        self.inner.snapshot()
    }
}

fn counted(total: u64) -> (Arc<Counting>, BudgetManager) {
    let b = Counting::new(total);
    let m = BudgetManager::with_backend(b.clone(), BudgetConfig::default()).unwrap();
    (b, m)
}

#[test]
fn commit_settles_once_and_drop_after_commit_does_nothing() {
    let (b, m) = counted(1000);
    let r = m.reserve(Some(100)).unwrap();
    assert_eq!(b.settled(), (0, 0));
    let c = r.commit(60);
    assert_eq!(c.charged, 60);
    assert_eq!(b.settled(), (1, 0));
    assert_eq!((m.used(), m.reserved()), (60, 0));
}

#[test]
fn drop_settles_once() {
    let (b, m) = counted(1000);
    drop(m.reserve(Some(100)).unwrap());
    assert_eq!(b.settled(), (0, 1));
    assert_eq!(m.remaining(), 1000);
}

#[test]
fn an_error_path_releases() {
    fn call(m: &BudgetManager) -> Result<u64, String> {
        let r = m.reserve(Some(100)).map_err(|e| e.to_string())?;
        let n: u64 = "not a number"
            .parse()
            .map_err(|_| "driver failed".to_owned())?;
        Ok(r.commit(n).charged)
    }
    let (b, m) = counted(1000);
    assert_eq!(call(&m).unwrap_err(), "driver failed");
    assert_eq!(b.settled(), (0, 1));
    assert_eq!(m.remaining(), 1000);
}

#[test]
fn a_panic_unwinding_releases() {
    let (b, m) = counted(1000);
    let m2 = m.clone();
    let out = std::panic::catch_unwind(move || {
        let _r = m2.reserve(Some(100)).unwrap();
        assert_eq!(m2.reserved(), 100);
        panic!("driver crashed");
    });
    assert!(out.is_err());
    assert_eq!(b.settled(), (0, 1));
    assert_eq!((m.remaining(), m.reserved()), (1000, 0));
}

#[test]
fn a_reservation_moves_to_another_thread() {
    let (b, m) = counted(1000);
    let r = m.reserve(Some(100)).unwrap();
    let charged = std::thread::spawn(move || r.commit(70).charged)
        .join()
        .unwrap();
    assert_eq!(charged, 70);
    assert_eq!(b.settled(), (1, 0));
    assert_eq!(m.used(), 70);
}

#[test]
fn a_cancelled_task_releases() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let (b, m) = counted(1000);
    rt.block_on(async {
        // Aborting a spawned task drops its future, and the reservation inside it.
        let m2 = m.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let r = m2.reserve(Some(100)).unwrap();
            let _ = tx.send(());
            std::future::pending::<()>().await;
            r.commit(1)
        });
        rx.await.unwrap();
        assert_eq!(m.reserved(), 100);
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(b.settled(), (0, 1));

        // A timeout drops the future it gave up on.
        let m3 = m.clone();
        let slow = async move {
            let r = m3.reserve(Some(100)).unwrap();
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            r.commit(1)
        };
        let out = tokio::time::timeout(std::time::Duration::from_millis(10), slow).await;
        assert!(out.is_err());
        assert_eq!(b.settled(), (0, 2));
    });
    assert_eq!((m.remaining(), m.used(), m.reserved()), (1000, 0, 0));
}

#[test]
fn manager_and_reservation_are_send_sync_static() {
    fn check<T: Send + Sync + 'static>() {}
    check::<BudgetManager>();
    check::<weaver_budget::Reservation>();
    check::<LocalBudget>();
}

// ── The invariant under contention ──────────────────────────────────────────────────────

/// Many threads reserve, commit (below, at and above their grant) and drop against a small
/// budget while an observer checks the invariant continuously.
///
/// The workers keep their own ledger of what they hold and what they were charged; they add
/// a grant only after the manager gave it and remove it before giving it back, so the
/// ledger never exceeds the manager's own books. `held + charged <= total` therefore fails
/// if the manager ever grants or charges more than it has (a check-then-act race would).
#[test]
fn used_plus_reserved_never_exceeds_total_under_contention() {
    const THREADS: usize = 4;
    const ROUNDS: u64 = 200_000;
    let total = 400_000;
    let m = manager(total);
    let held = Arc::new(AtomicU64::new(0));
    let charged = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let start = Arc::new(Barrier::new(THREADS + 1));

    let observer = {
        let (m, held, charged, stop) = (m.clone(), held.clone(), charged.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut last_used = 0;
            let mut checks = 0u64;
            while !stop.load(Ordering::Acquire) {
                let ledger = charged.load(Ordering::SeqCst) + held.load(Ordering::SeqCst);
                assert!(ledger <= total, "ledger {ledger} > total {total}");
                // `used` first, then `remaining`: a charge visible in `used` is already
                // counted as not remaining.
                let u = m.used();
                let rem = m.remaining();
                assert!(u + rem <= total, "used {u} + remaining {rem} > {total}");
                assert!(u >= last_used, "used went backwards");
                last_used = u;
                let s = m.snapshot();
                assert!(s.used + s.reserved <= s.total);
                checks += 1;
            }
            checks
        })
    };

    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (m, held, charged, refused, start) = (
                m.clone(),
                held.clone(),
                charged.clone(),
                refused.clone(),
                start.clone(),
            );
            std::thread::spawn(move || {
                start.wait();
                let mut live: Vec<weaver_budget::Reservation> = Vec::new();
                let mut x = t as u64 * 7919 + 1;
                for _ in 0..ROUNDS {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Hold up to 8 reservations at once; settle one when full or refused.
                    if live.len() < 8 && !x.is_multiple_of(3) {
                        let want = x % 4_000;
                        match m.reserve(Some(want)) {
                            Ok(r) => {
                                assert!(r.amount() <= want);
                                held.fetch_add(r.amount(), Ordering::SeqCst);
                                live.push(r);
                                continue;
                            }
                            Err(_) => {
                                refused.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    if live.is_empty() {
                        continue;
                    }
                    let r = live.swap_remove((x >> 20) as usize % live.len());
                    let g = r.amount();
                    held.fetch_sub(g, Ordering::SeqCst);
                    if x.is_multiple_of(2) {
                        drop(r);
                    } else {
                        // Small actual costs: below the grant mostly, above it when the
                        // grant was cut short by a nearly empty budget.
                        let actual = (x >> 8) % 8;
                        let c = r.commit(actual);
                        assert!(c.charged <= actual);
                        charged.fetch_add(c.charged, Ordering::SeqCst);
                    }
                }
                for r in live {
                    held.fetch_sub(r.amount(), Ordering::SeqCst);
                    drop(r);
                }
            })
        })
        .collect();
    start.wait();
    for w in workers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Release);
    let checks = observer.join().unwrap();
    assert!(checks > 0);

    // Quiescent: the books are exact.
    let s = m.snapshot();
    assert_eq!(s.reserved, 0);
    assert_eq!(s.used, charged.load(Ordering::SeqCst));
    assert_eq!(m.remaining(), total - s.used);
    assert!(s.used <= total);
    // The budget did run dry, so the contended path was exercised.
    assert!(refused.load(Ordering::Relaxed) > 0);
}

#[test]
fn concurrent_reservations_grant_exactly_the_total() {
    // 8 threads race for 10 000 tokens in grants of up to 7: every token is granted once.
    let total = 10_000;
    let m = manager(total);
    let start = Arc::new(Barrier::new(8));
    let grants: Vec<_> = (0..8)
        .map(|_| {
            let (m, start) = (m.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut kept = Vec::new();
                while let Ok(r) = m.reserve(Some(7)) {
                    kept.push(r);
                }
                let sum: u64 = kept.iter().map(weaver_budget::Reservation::amount).sum();
                // Commit exactly what was granted so the grants become usage.
                for r in kept {
                    let g = r.amount();
                    assert_eq!(r.commit(g).charged, g);
                }
                sum
            })
        })
        .collect();
    let granted: u64 = grants.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(granted, total);
    assert_eq!((m.used(), m.reserved(), m.remaining()), (total, 0, 0));
}
