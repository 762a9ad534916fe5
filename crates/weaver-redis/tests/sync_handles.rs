//! The Redis handle store through the synchronous `HandleBackend` seam.

mod support;

use std::sync::Arc;

use serde_json::{Value, json};
use support::TestRedis;
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleError, HandleStoreConfig,
};
use weaver_redis::{RedisHandleBackend, RedisOptions};

fn rows(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"id": i, "status": if i % 2 == 0 { "paid" } else { "refunded" }}))
            .collect(),
    )
}

fn backend(redis: &TestRedis, max_total: Option<u64>) -> RedisHandleBackend {
    RedisHandleBackend::connect(
        &redis.url,
        redis.options(),
        HandleStoreConfig {
            max_total_bytes: max_total,
            ..HandleStoreConfig::default()
        },
    )
    .expect("connect the blocking handle backend")
}

#[test]
fn two_backends_share_handles_from_plain_threads() {
    let redis = TestRedis::start();
    let a: Arc<dyn HandleBackend> = Arc::new(backend(&redis, None));
    let b: Arc<dyn HandleBackend> = Arc::new(backend(&redis, None));
    let data = rows(30);
    let bytes = serde_json::to_vec(&data).unwrap().len() as u64;
    let h = a
        .store(
            "orders.list",
            data,
            Binding::principal("alice"),
            Grant::new(),
        )
        .unwrap();
    assert_eq!((b.current_bytes(), b.len()), (bytes, 1));
    let q = ExpandQuery::from_json(&json!({"filter": {"status": "refunded"}, "limit": 5})).unwrap();
    let id = h.id.clone();
    let page = std::thread::spawn(move || {
        b.expand(id.as_str(), &q, Some("alice"), &ExpandBudget::default())
    })
    .join()
    .unwrap()
    .unwrap();
    assert_eq!(page.rows.len(), 5);
    assert!(page.rows.iter().all(|r| r["status"] == "refunded"));
    let e = a
        .expand(
            h.id.as_str(),
            &ExpandQuery::default(),
            Some("bob"),
            &ExpandBudget::default(),
        )
        .unwrap_err();
    assert!(matches!(e, HandleError::PrincipalMismatch { .. }), "{e:?}");
    assert_eq!(a.meta(h.id.as_str()).unwrap().total_rows, 30);
    assert_eq!(a.data(h.id.as_str(), Some("alice")).unwrap()[0]["id"], 0);
    assert!(a.remove(h.id.as_str()));
    assert!(!a.remove(h.id.as_str()));
    assert_eq!((a.current_bytes(), a.len()), (0, 0));
    let e = a.meta(h.id.as_str()).unwrap_err();
    assert!(matches!(e, HandleError::NotFound { .. }), "{e:?}");
}

#[test]
fn the_byte_cap_holds_and_too_large_is_the_stores_error() {
    let redis = TestRedis::start();
    let one = serde_json::to_vec(&rows(10)).unwrap().len() as u64;
    let s = backend(&redis, Some(one * 2));
    for _ in 0..5 {
        s.store("x", rows(10), Binding::Unbound, Grant::new())
            .unwrap();
        assert!(s.current_bytes() <= one * 2);
    }
    assert_eq!(s.len(), 2);
    let e = s
        .store("x", rows(100), Binding::Unbound, Grant::new())
        .unwrap_err();
    assert!(matches!(e, HandleError::TooLarge { .. }), "{e:?}");
    assert!(s.last_error().is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn works_inside_async_code_and_fails_closed_when_redis_is_gone() {
    // A current-thread runtime: blocking on the caller's runtime would deadlock or panic.
    let mut redis = TestRedis::spawned();
    let s = backend(&redis, None);
    let h = s
        .store("x", rows(3), Binding::principal("alice"), Grant::new())
        .unwrap();
    assert_eq!(s.len(), 1);
    redis.stop();
    let e = s
        .store("x", rows(3), Binding::principal("alice"), Grant::new())
        .unwrap_err();
    assert!(matches!(e, HandleError::Unavailable(_)), "{e:?}");
    assert_eq!(e.reason_code(), "store_unavailable");
    let e = s
        .expand(
            h.id.as_str(),
            &ExpandQuery::default(),
            Some("alice"),
            &ExpandBudget::default(),
        )
        .unwrap_err();
    assert!(matches!(e, HandleError::Unavailable(_)), "{e:?}");
    assert!(
        s.last_error().is_none(),
        "fallible calls return their error"
    );
    assert_eq!(s.current_bytes(), 0);
    let kept = s.last_error().expect("the unreachable store is noted");
    assert!(kept.is_unavailable(), "{kept:?}");
    assert_eq!(s.len(), 0);
    assert!(!s.remove(h.id.as_str()));
    assert_eq!(s.evict_expired(), 0);
    assert!(s.last_error().is_some());
    // Back again (empty: no persistence): the next call succeeds, even after the
    // reconnects started while Redis was down have all failed.
    std::thread::sleep(std::time::Duration::from_millis(400));
    redis.restart();
    let h2 = s
        .store("x", rows(3), Binding::principal("alice"), Grant::new())
        .unwrap();
    let page = s
        .expand(
            h2.id.as_str(),
            &ExpandQuery::default(),
            Some("alice"),
            &ExpandBudget::default(),
        )
        .unwrap();
    assert_eq!(page.rows.len(), 3);
}

#[test]
fn an_unreachable_redis_fails_at_connect() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = RedisHandleBackend::connect(
        &format!("redis://127.0.0.1:{port}/"),
        RedisOptions {
            connect_timeout: std::time::Duration::from_millis(300),
            reconnect_retries: 0,
            ..RedisOptions::default()
        },
        HandleStoreConfig::default(),
    )
    .unwrap_err();
    assert!(e.is_unavailable(), "{e:?}");
}
