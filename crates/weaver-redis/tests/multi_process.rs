//! Several OS processes (the `weaver-redis-worker` binary) sharing one Redis.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::TestRedis;
use weaver_handles::HandleStoreConfig;
use weaver_redis::{BudgetOptions, RedisBudget, RedisError, RedisHandleStore};

const WORKER: &str = env!("CARGO_BIN_EXE_weaver-redis-worker");

fn spawn(redis: &TestRedis, args: &[&str]) -> Child {
    Command::new(WORKER)
        .arg(args[0])
        .arg(&redis.url)
        .arg(&redis.prefix)
        .args(&args[1..])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn weaver-redis-worker")
}

fn finish(child: Child) -> String {
    let out = child.wait_with_output().expect("wait for worker");
    assert!(
        out.status.success(),
        "worker failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn run(redis: &TestRedis, args: &[&str]) -> String {
    finish(spawn(redis, args))
}

fn all_exited(children: &mut [Child]) -> bool {
    children.iter_mut().all(|c| c.try_wait().unwrap().is_some())
}

#[tokio::test]
async fn workers_never_over_commit_one_budget() {
    let redis = TestRedis::start();
    let total = 3000u64;
    let observer = RedisBudget::new(
        redis.connect().await,
        "shared",
        total,
        BudgetOptions::default(),
    )
    .unwrap();
    let mut children: Vec<Child> = (1..=4)
        .map(|seed| {
            spawn(
                &redis,
                &["budget", "shared", "3000", "300", &seed.to_string()],
            )
        })
        .collect();
    let mut polls = 0;
    let mut saw_reserved = false;
    while !all_exited(&mut children) {
        let s = observer.snapshot().await.unwrap();
        assert!(s.used + s.reserved <= s.total, "over-committed: {s:?}");
        saw_reserved |= s.reserved > 0;
        polls += 1;
    }
    let mut exhausted = 0;
    for c in children {
        let line = finish(c);
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f[0], "ok", "{line}");
        exhausted += f[2].parse::<u64>().unwrap();
    }
    let s = observer.snapshot().await.unwrap();
    assert_eq!(s.reserved, 0, "every grant was settled");
    assert!(s.used <= total);
    // The workers drew the budget down to nothing and were refused: the bound was hit.
    assert!(exhausted > 0, "budget never ran out: {s:?}");
    assert!(polls > 0 && (saw_reserved || s.used == total));
}

#[tokio::test]
async fn workers_never_exceed_one_store_cap() {
    let redis = TestRedis::start();
    let cap = 40_000u64;
    let conn = redis.connect().await;
    let observer = RedisHandleStore::new(
        conn.clone(),
        HandleStoreConfig {
            max_total_bytes: Some(cap),
            ..HandleStoreConfig::default()
        },
    )
    .unwrap();
    let mut children: Vec<Child> = (1..=4)
        .map(|seed| spawn(&redis, &["store", "40000", "150", &seed.to_string()]))
        .collect();
    let mut peak = 0;
    while !all_exited(&mut children) {
        let (bytes, _) = observer.usage().await.unwrap();
        assert!(bytes <= cap, "cap exceeded: {bytes} > {cap}");
        peak = peak.max(bytes);
    }
    for c in children {
        assert_eq!(finish(c), "ok 150");
    }
    let (bytes, n) = observer.usage().await.unwrap();
    assert!(bytes <= cap);
    // 600 stores of 60..2060 bytes into 40 000: eviction ran, and the store is near full.
    assert!(bytes > cap / 2, "{bytes}");
    assert!(n < 600);
    // The counter is exact: it equals the sum of the sizes of the entries held.
    let mut c = conn_manager(&redis).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}h:*", redis.prefix))
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(keys.len() as u64, n);
    let mut sum = 0u64;
    for k in keys {
        let b: u64 = redis::cmd("HGET")
            .arg(&k)
            .arg("b")
            .query_async(&mut c)
            .await
            .unwrap();
        let d: Vec<u8> = redis::cmd("HGET")
            .arg(&k)
            .arg("d")
            .query_async(&mut c)
            .await
            .unwrap();
        assert_eq!(b, d.len() as u64);
        sum += b;
    }
    assert_eq!(sum, bytes);
    assert!(peak <= cap);
}

async fn conn_manager(redis: &TestRedis) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

#[test]
fn a_handle_stored_by_one_worker_expands_on_another_for_its_principal_only() {
    let redis = TestRedis::start();
    let id = run(&redis, &["store-one", "ann"]);
    assert_eq!(id.len(), 32, "{id}");
    let page = run(&redis, &["expand", &id, "ann"]);
    assert_eq!(
        page,
        r#"ok [{"id":1,"status":"paid"},{"id":2,"status":"refunded"},{"id":3,"status":"paid"}]"#
    );
    assert_eq!(
        run(&redis, &["expand", &id, "bob"]),
        "err handle_principal_mismatch"
    );
    assert_eq!(
        run(&redis, &["expand", &"f".repeat(32), "ann"]),
        "err handle_not_found"
    );
}

#[tokio::test]
async fn a_killed_workers_reservation_is_reclaimed_after_expiry() {
    let redis = TestRedis::start();
    let b = RedisBudget::new(
        redis.connect().await,
        "crash",
        100,
        BudgetOptions::default(),
    )
    .unwrap();
    let mut child = spawn(&redis, &["hold", "crash", "100", "100", "400"]);
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "held 100");
    child.kill().unwrap();
    child.wait().unwrap();
    // The dead worker still holds everything until its deadline.
    assert!(matches!(b.reserve(1).await, Err(RedisError::Exhausted(_))));
    let mut reclaimed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if b.snapshot().await.unwrap().reserved == 0 {
            reclaimed = true;
            break;
        }
    }
    assert!(reclaimed, "reservation of a killed worker never reclaimed");
    let r = b.reserve(100).await.unwrap();
    assert_eq!(r.amount(), 100);
    b.release(r).await.unwrap();
}

#[tokio::test]
async fn a_redis_restart_gives_typed_errors_then_recovers() {
    // A server of its own even with WEAVER_REDIS_URL set: this one is stopped.
    let mut redis = TestRedis::spawned();
    let conn = redis.connect().await;
    let store = RedisHandleStore::new(conn.clone(), HandleStoreConfig::default()).unwrap();
    let budget = RedisBudget::new(conn, "restart", 100, BudgetOptions::default()).unwrap();
    let v = serde_json::json!([1, 2, 3]);
    let bind = || weaver_handles::Binding::principal("ann");
    let h = store
        .store("t", &v, bind(), weaver_handles::Grant::new(), None)
        .await
        .unwrap();
    redis.stop();
    let e = store
        .store("t", &v, bind(), weaver_handles::Grant::new(), None)
        .await
        .unwrap_err();
    assert!(e.is_unavailable(), "{e:?}");
    let e = budget.reserve(10).await.unwrap_err();
    assert!(e.is_unavailable(), "{e:?}");
    assert!(
        store
            .meta(h.id.as_str())
            .await
            .unwrap_err()
            .is_unavailable()
    );
    // Let the reconnects those failures started run out while Redis is down: the manager
    // keeps that last refusal and hands it to the next caller.
    tokio::time::sleep(Duration::from_millis(400)).await;
    redis.restart();
    // The first call after the server is back succeeds: a refusal means nothing was sent,
    // so the call is sent again on the fresh connection instead of failing on the stale one.
    let r = budget
        .reserve(10)
        .await
        .expect("the first call after the restart");
    assert_eq!(r.amount(), 10);
    budget.commit(r, 4).await.unwrap();
    // The restarted server kept nothing (no persistence): the old handle is gone, new
    // stores work.
    assert!(matches!(
        store.meta(h.id.as_str()).await,
        Err(RedisError::Handle(
            weaver_handles::HandleError::NotFound { .. }
        ))
    ));
    let h2 = store
        .store("t", &v, bind(), weaver_handles::Grant::new(), None)
        .await
        .unwrap();
    assert_eq!(store.meta(h2.id.as_str()).await.unwrap(), h2);
}
