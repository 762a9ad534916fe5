//! The Redis handle store against a real redis-server, and against the embedded store.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::TestRedis;
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleError, HandleStore,
    HandleStoreConfig, JsonText,
};
use weaver_redis::{RedisConnection, RedisError, RedisHandleStore, RedisOptions};

fn rows(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| {
                json!({
                    "id": i,
                    "status": if i % 3 == 0 { "refunded" } else { "paid" },
                    "email": format!("user{i}@example.com"),
                    "note": "x".repeat(i % 7),
                })
            })
            .collect(),
    )
}

fn config(max_total: Option<u64>) -> HandleStoreConfig {
    HandleStoreConfig {
        max_total_bytes: max_total,
        ..HandleStoreConfig::default()
    }
}

fn handle_err(r: Result<impl std::fmt::Debug, RedisError>) -> HandleError {
    match r {
        Err(RedisError::Handle(e)) => e,
        other => panic!("expected a handle error, got {other:?}"),
    }
}

#[tokio::test]
async fn pages_equal_the_embedded_store_pages() {
    let redis = TestRedis::start();
    let store = RedisHandleStore::new(redis.connect().await, config(None)).unwrap();
    let local = HandleStore::new(config(None)).unwrap();
    let data = rows(40);
    let grant = Grant::new().allowed_fields(["id", "status", "email"]);
    let h = store
        .store(
            "orders",
            &data,
            Binding::principal("ann"),
            grant.clone(),
            None,
        )
        .await
        .unwrap();
    let lh = local
        .store("orders", data.clone(), Binding::principal("ann"), grant)
        .unwrap();
    assert_eq!(h.bytes, serde_json::to_vec(&data).unwrap().len() as u64);
    assert_eq!((h.bytes, h.total_rows), (lh.bytes, lh.total_rows));
    assert!(h.expires_at_ms > h.created_at_ms);
    for q in [
        json!({}),
        json!({"limit": 5, "offset": 3}),
        json!({"filter": {"status": "refunded"}, "fields": ["id", "email"]}),
        json!({"filter": {"id": {"gte": 30}}, "limit": 4}),
    ] {
        let query = ExpandQuery::from_json(&q).unwrap();
        let budget = ExpandBudget::default();
        let got = store
            .expand(h.id.as_str(), &query, Some("ann"), &budget)
            .await
            .unwrap();
        let want = local
            .expand(lh.id.as_str(), &query, Some("ann"), &budget)
            .unwrap();
        assert_eq!(got.rows, want.rows, "query {q}");
        assert_eq!(got.next_offset, want.next_offset, "query {q}");
        assert_eq!(got.matched_rows, want.matched_rows, "query {q}");
    }
    // The stored grant is enforced: `note` is not granted.
    let q = ExpandQuery::from_json(&json!({"fields": ["note"]})).unwrap();
    let e = handle_err(
        store
            .expand(h.id.as_str(), &q, Some("ann"), &ExpandBudget::default())
            .await,
    );
    assert_eq!(e.reason_code(), "handle_constraint_violation");
    // Redaction runs on the way out, as in the embedded store.
    let page = store
        .expand(
            h.id.as_str(),
            &ExpandQuery::default(),
            Some("ann"),
            &ExpandBudget::default(),
        )
        .await
        .unwrap();
    assert!(!page.rows[0].to_string().contains("user0@example.com"));
}

#[tokio::test]
async fn json_text_stores_as_its_value_does() {
    let redis = TestRedis::start();
    let store = RedisHandleStore::new(redis.connect().await, config(None)).unwrap();
    let local = HandleStore::new(config(None)).unwrap();
    let data = rows(30);
    // Compact text is stored as it is; pretty text is stored compact. Both count and page
    // as the value does, in Redis and in the embedded store.
    for text in [
        serde_json::to_string(&data).unwrap(),
        serde_json::to_string_pretty(&data).unwrap(),
    ] {
        let json = JsonText::new(text).unwrap();
        let h = store
            .store_json(
                "orders",
                &json,
                Binding::principal("ann"),
                Grant::new(),
                None,
            )
            .await
            .unwrap();
        let lh = local
            .store_json(
                "orders",
                json,
                Binding::principal("ann"),
                Grant::new(),
                None,
            )
            .unwrap();
        let want_bytes = serde_json::to_vec(&data).unwrap().len() as u64;
        assert_eq!((h.bytes, h.total_rows), (want_bytes, 30));
        assert_eq!((lh.bytes, lh.total_rows), (want_bytes, 30));
        let query = ExpandQuery::from_json(&json!({"filter": {"status": "refunded"}})).unwrap();
        let budget = ExpandBudget::default();
        let got = store
            .expand(h.id.as_str(), &query, Some("ann"), &budget)
            .await
            .unwrap();
        let want = local
            .expand(lh.id.as_str(), &query, Some("ann"), &budget)
            .unwrap();
        assert_eq!(got.rows, want.rows);
        assert!(!got.rows[0].to_string().contains("@example.com"));
        let (_, value) = store.data(h.id.as_str(), Some("ann")).await.unwrap();
        assert_eq!(*value, data);
    }
    let (bytes, entries) = store.usage().await.unwrap();
    assert_eq!((bytes, entries), (local.current_bytes(), 2));
}

#[tokio::test]
async fn principal_is_checked_from_the_record() {
    let redis = TestRedis::start();
    let store = RedisHandleStore::new(redis.connect().await, config(None)).unwrap();
    let h = store
        .store(
            "t",
            &json!([1, 2]),
            Binding::principal("ann"),
            Grant::new(),
            None,
        )
        .await
        .unwrap();
    let q = ExpandQuery::default();
    let b = ExpandBudget::default();
    for who in [Some("bob"), None] {
        let e = handle_err(store.expand(h.id.as_str(), &q, who, &b).await);
        assert!(matches!(e, HandleError::PrincipalMismatch { .. }), "{e:?}");
        let e = handle_err(store.data(h.id.as_str(), who).await);
        assert!(matches!(e, HandleError::PrincipalMismatch { .. }), "{e:?}");
    }
    assert_eq!(store.meta(h.id.as_str()).await.unwrap(), h);
    let unbound = store
        .store("t", &json!("log"), Binding::Unbound, Grant::new(), None)
        .await
        .unwrap();
    assert!(
        store
            .expand(unbound.id.as_str(), &q, None, &b)
            .await
            .is_ok()
    );
    let e = handle_err(
        store
            .store("t", &json!(1), Binding::principal(""), Grant::new(), None)
            .await,
    );
    assert_eq!(e.reason_code(), "invalid_request");
    for bad in [
        "",
        "nope",
        "0123456789ABCDEF0123456789abcdef",
        &"0".repeat(32),
    ] {
        let e = handle_err(store.meta(bad).await);
        assert!(matches!(e, HandleError::NotFound { .. }), "{bad:?}: {e:?}");
    }
}

#[tokio::test]
async fn caps_refuse_then_evict_oldest_first() {
    let redis = TestRedis::start();
    let store = RedisHandleStore::new(
        redis.connect().await,
        HandleStoreConfig {
            max_total_bytes: Some(1000),
            max_entry_bytes: Some(400),
            max_entries: 5,
            ..HandleStoreConfig::default()
        },
    )
    .unwrap();
    // 302 bytes of compact JSON each: three fit under 1000, a fourth evicts the first.
    let v = json!("y".repeat(300));
    let mut ids = Vec::new();
    for _ in 0..3 {
        let h = store
            .store("t", &v, Binding::Unbound, Grant::new(), None)
            .await
            .unwrap();
        assert_eq!(h.bytes, 302);
        ids.push(h.id);
    }
    assert_eq!(store.usage().await.unwrap(), (906, 3));
    let fourth = store
        .store("t", &v, Binding::Unbound, Grant::new(), None)
        .await
        .unwrap();
    assert_eq!(store.usage().await.unwrap(), (906, 3));
    assert!(matches!(
        handle_err(store.meta(ids[0].as_str()).await),
        HandleError::NotFound { .. }
    ));
    assert!(store.meta(ids[1].as_str()).await.is_ok());
    assert!(store.meta(fourth.id.as_str()).await.is_ok());
    // Over the entry cap: refused before anything is sent.
    let e = handle_err(
        store
            .store(
                "big",
                &json!("z".repeat(399)),
                Binding::Unbound,
                Grant::new(),
                None,
            )
            .await,
    );
    assert!(matches!(
        e,
        HandleError::TooLarge {
            limit: 400,
            cap: "max_entry_bytes",
            ..
        }
    ));
    assert_eq!(store.usage().await.unwrap(), (906, 3));
    // The entry count cap evicts too.
    for _ in 0..6 {
        store
            .store("s", &json!(1), Binding::Unbound, Grant::new(), None)
            .await
            .unwrap();
    }
    assert_eq!(store.usage().await.unwrap(), (5, 5));
    // The six small stores evicted the older entries, the fourth big one among them.
    assert!(!store.remove(fourth.id.as_str()).await.unwrap());
    // Another worker with a bigger cap on the same prefix would break this one's: refused.
    let wider = RedisHandleStore::new(redis.connect().await, config(Some(2000))).unwrap();
    let e = wider
        .store("t", &json!(1), Binding::Unbound, Grant::new(), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("caps mismatch"), "{e}");
    assert_eq!(store.usage().await.unwrap(), (5, 5));
}

#[tokio::test]
async fn expiry_removes_and_releases_bytes() {
    let redis = TestRedis::start();
    let store = RedisHandleStore::new(redis.connect().await, config(Some(10_000))).unwrap();
    let gone = store
        .store(
            "t",
            &json!([1, 2, 3]),
            Binding::Unbound,
            Grant::new(),
            Some(Duration::ZERO),
        )
        .await
        .unwrap();
    assert_eq!(store.usage().await.unwrap(), (7, 1));
    let e = handle_err(store.meta(gone.id.as_str()).await);
    assert!(matches!(e, HandleError::Expired { .. }), "{e:?}");
    assert_eq!(store.usage().await.unwrap(), (0, 0));
    let kept = store
        .store("t", &json!(22), Binding::Unbound, Grant::new(), None)
        .await
        .unwrap();
    for _ in 0..3 {
        store
            .store(
                "t",
                &json!(1),
                Binding::Unbound,
                Grant::new(),
                Some(Duration::ZERO),
            )
            .await
            .unwrap();
    }
    // Each store swept the expired one before it: one expired entry is left.
    assert_eq!(store.evict_expired().await.unwrap(), 1);
    assert_eq!(store.usage().await.unwrap(), (2, 1));
    assert!(store.remove(kept.id.as_str()).await.unwrap());
    assert!(!store.remove(kept.id.as_str()).await.unwrap());
    assert_eq!(store.usage().await.unwrap(), (0, 0));
}

#[tokio::test]
async fn unreachable_redis_is_a_typed_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = RedisConnection::connect(
        &format!("redis://127.0.0.1:{port}/"),
        RedisOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(e.is_unavailable(), "{e:?}");
    assert_eq!(e.reason_code(), "store_unavailable");
    let e = RedisConnection::connect("not a url", RedisOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(e, RedisError::InvalidConfig(_)), "{e:?}");
}
