//! `BudgetManager` on the shared Redis budget through the synchronous seam.

mod support;

use std::sync::Arc;

use support::TestRedis;
use weaver_budget::{BudgetConfig, BudgetManager, ResponseMode};
use weaver_redis::{BudgetOptions, RedisBudgetBackend};

fn manager(redis: &TestRedis, name: &str, total: u64) -> (BudgetManager, Arc<RedisBudgetBackend>) {
    let backend = Arc::new(
        RedisBudgetBackend::connect(
            &redis.url,
            redis.options(),
            name,
            total,
            BudgetOptions::default(),
        )
        .expect("connect the blocking backend"),
    );
    let m = BudgetManager::with_backend(backend.clone(), BudgetConfig::default()).unwrap();
    (m, backend)
}

#[test]
fn two_managers_share_one_budget_from_plain_threads() {
    let redis = TestRedis::start();
    let (a, _) = manager(&redis, "sync", 10_000);
    let (b, _) = manager(&redis, "sync", 10_000);
    let r = a.reserve(Some(6_000)).unwrap();
    assert_eq!(r.amount(), 6_000);
    assert_eq!(b.reserved(), 6_000);
    assert_eq!(b.suggested_mode(ResponseMode::Raw), ResponseMode::Table);
    let done = r.commit(2_500);
    assert_eq!(done.charged, 2_500);
    assert_eq!((b.used(), b.reserved()), (2_500, 0));
    // Equal grants are interchangeable: settle them in any order.
    let r1 = b.reserve(Some(100)).unwrap();
    let r2 = b.reserve(Some(100)).unwrap();
    drop(r1);
    assert_eq!(r2.commit(40).charged, 40);
    assert_eq!((a.used(), a.reserved()), (2_540, 0));
    let big = a.reserve(Some(1 << 40)).unwrap();
    assert_eq!(big.amount(), 10_000 - 2_540);
    assert!(b.reserve(Some(1)).is_err());
    drop(big);
    assert_eq!(b.remaining(), 10_000 - 2_540);
    // Threads drawing on it concurrently never over-commit.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let m = a.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    if let Ok(r) = m.reserve(Some(300)) {
                        let s = m.snapshot();
                        assert!(s.used + s.reserved <= s.total);
                        r.commit(50);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let s = b.snapshot();
    assert_eq!(s.reserved, 0);
    assert!(s.used <= s.total);
}

#[tokio::test]
async fn works_inside_async_code_and_fails_closed_when_redis_is_gone() {
    let mut redis = TestRedis::spawned();
    let (m, backend) = manager(&redis, "async", 1_000);
    let r = m.reserve(Some(300)).unwrap();
    assert_eq!(r.commit(120).charged, 120);
    assert!(backend.last_error().is_none());
    redis.stop();
    assert!(m.reserve(Some(10)).is_err(), "no budget without its store");
    assert!(backend.last_error().is_some_and(|e| e.is_unavailable()));
    assert_eq!(m.remaining(), 0);
    assert_eq!(
        m.suggested_mode(ResponseMode::Raw),
        ResponseMode::HandleOnly
    );
    // Dropping the manager (and its runtime) inside async code must not panic.
    drop(m);
    drop(backend);
}

#[test]
fn an_unreachable_or_mismatched_budget_fails_at_connect() {
    let redis = TestRedis::start();
    let (_m, _b) = manager(&redis, "fixed", 500);
    let e = RedisBudgetBackend::connect(
        &redis.url,
        redis.options(),
        "fixed",
        501,
        BudgetOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("total mismatch"), "{e}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = RedisBudgetBackend::connect(
        &format!("redis://127.0.0.1:{port}/"),
        redis.options(),
        "x",
        1,
        BudgetOptions::default(),
    )
    .unwrap_err();
    assert!(e.is_unavailable(), "{e:?}");
}
