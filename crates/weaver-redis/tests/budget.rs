//! The Redis budget against a real redis-server, step for step against `LocalBudget`.

mod support;

use std::time::Duration;

use support::TestRedis;
use weaver_budget::{BudgetBackend, LocalBudget, ResponseMode, escalate};
use weaver_redis::{BudgetOptions, RedisBudget, RedisError};

fn opts(expiry_ms: u64) -> BudgetOptions {
    BudgetOptions {
        reservation_expiry: Duration::from_millis(expiry_ms),
    }
}

/// A small deterministic generator (xorshift), so a failing sequence replays.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test]
async fn every_step_matches_the_in_process_accounts() {
    let redis = TestRedis::start();
    let conn = redis.connect().await;
    for seed in 1..=4u64 {
        let total = 500 + seed * 37;
        let shared =
            RedisBudget::new(conn.clone(), &format!("diff{seed}"), total, opts(60_000)).unwrap();
        let local = LocalBudget::new(total);
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut held = Vec::new();
        for step in 0..150 {
            match rng.below(3) {
                0 => {
                    let want = rng.below(120);
                    let l = local.reserve(want);
                    match (shared.reserve(want).await, l) {
                        (Ok(r), Ok(g)) => {
                            assert_eq!(r.amount(), g, "seed {seed} step {step}");
                            held.push(r);
                        }
                        (Err(RedisError::Exhausted(e)), Err(le)) => assert_eq!(e, le),
                        (s, l) => panic!("seed {seed} step {step}: {s:?} vs {l:?}"),
                    }
                }
                1 if !held.is_empty() => {
                    let r = held.swap_remove(rng.below(held.len() as u64) as usize);
                    let actual = rng.below(200);
                    let amount = r.amount();
                    let c = shared.commit(r, actual).await.unwrap();
                    assert_eq!(
                        c.charged,
                        local.commit(amount, actual),
                        "seed {seed} step {step}"
                    );
                }
                _ if !held.is_empty() => {
                    let r = held.swap_remove(rng.below(held.len() as u64) as usize);
                    let amount = r.amount();
                    assert_eq!(shared.release(r).await.unwrap(), amount);
                    local.release(amount);
                }
                _ => {}
            }
            let s = shared.snapshot().await.unwrap();
            assert_eq!(s, local.snapshot(), "seed {seed} step {step}");
            assert!(s.used + s.reserved <= s.total);
        }
        for r in held {
            shared.release(r).await.unwrap();
        }
    }
}

#[tokio::test]
async fn expired_reservations_are_reclaimed_and_late_commits_pay_from_the_rest() {
    let redis = TestRedis::start();
    let b = RedisBudget::new(redis.connect().await, "exp", 100, opts(150)).unwrap();
    let r = b.reserve(100).await.unwrap();
    assert_eq!(r.amount(), 100);
    assert!(matches!(b.reserve(1).await, Err(RedisError::Exhausted(_))));
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The deadline has passed: the next step reclaims the 100 tokens.
    let s = b.snapshot().await.unwrap();
    assert_eq!((s.used, s.reserved), (0, 0));
    let other = b.reserve(70).await.unwrap();
    // The late commit is charged only from what nobody holds: 30 of its 50.
    let c = b.commit(r, 50).await.unwrap();
    assert_eq!((c.reserved, c.charged, c.unbilled()), (100, 30, 20));
    let s = b.snapshot().await.unwrap();
    assert_eq!((s.used, s.reserved), (30, 70));
    b.release(other).await.unwrap();
}

#[tokio::test]
async fn totals_must_agree_and_escalation_reads_the_shared_remainder() {
    let redis = TestRedis::start();
    let conn = redis.connect().await;
    let a = RedisBudget::new(conn.clone(), "user", 1000, opts(60_000)).unwrap();
    let b = RedisBudget::new(conn.clone(), "user", 1000, opts(60_000)).unwrap();
    let r = a.reserve(900).await.unwrap();
    // The other worker's view includes the first one's reservation.
    let s = b.snapshot().await.unwrap();
    assert_eq!(s.remaining(), 100);
    assert_eq!(
        b.suggested_mode(ResponseMode::Raw).await.unwrap(),
        escalate(ResponseMode::Raw, 100, 1000)
    );
    assert_ne!(
        b.suggested_mode(ResponseMode::Raw).await.unwrap(),
        ResponseMode::Raw
    );
    a.commit(r, 10).await.unwrap();
    assert_eq!(
        b.suggested_mode(ResponseMode::Raw).await.unwrap(),
        ResponseMode::Raw
    );
    let wrong = RedisBudget::new(conn.clone(), "user", 999, opts(60_000)).unwrap();
    let e = wrong.reserve(1).await.unwrap_err();
    assert!(matches!(e, RedisError::Backend { .. }), "{e:?}");
    assert!(e.to_string().contains("total mismatch"), "{e}");
    for bad in [0, weaver_redis::MAX_TOTAL + 1] {
        assert!(RedisBudget::new(conn.clone(), "x", bad, opts(1)).is_err());
    }
    assert!(RedisBudget::new(conn.clone(), "x", 1, opts(0)).is_err());
    assert!(RedisBudget::new(conn, "", 1, opts(1)).is_err());
}

#[tokio::test]
async fn a_dropped_reservation_is_released() {
    let redis = TestRedis::start();
    let b = RedisBudget::new(redis.connect().await, "drop", 100, opts(60_000)).unwrap();
    let r = b.reserve(60).await.unwrap();
    assert_eq!(b.snapshot().await.unwrap().reserved, 60);
    drop(r);
    // The release is a spawned task: wait for it (bounded), not for the expiry.
    let mut reserved = 60;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        reserved = b.snapshot().await.unwrap().reserved;
        if reserved == 0 {
            break;
        }
    }
    assert_eq!(reserved, 0);
}
