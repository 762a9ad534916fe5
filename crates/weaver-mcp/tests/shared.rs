//! Two proxies on one external handle store and one budget backend (what `weaver mcp
//! --redis` does across processes, here with the in-process backends).

mod common;

use std::sync::Arc;

use common::{Harness, frame, text};
use serde_json::{Value, json};
use weaver_budget::{BudgetBackend, LocalBudget};
use weaver_handles::{HandleBackend, HandleStore, HandleStoreConfig};
use weaver_mcp::ProxyConfig;

fn shared(principal: &str, store: &Arc<HandleStore>, budget: &Arc<LocalBudget>) -> ProxyConfig {
    ProxyConfig {
        principal: principal.to_owned(),
        budget_tokens: budget.total(),
        handle_store: Some(Arc::clone(store) as Arc<dyn HandleBackend>),
        budget_backend: Some(Arc::clone(budget) as Arc<dyn BudgetBackend>),
        ..ProxyConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handle_made_by_one_proxy_expands_on_another_for_its_principal_only() {
    let store = Arc::new(HandleStore::new(HandleStoreConfig::default()).unwrap());
    let budget = Arc::new(LocalBudget::new(100_000));
    let mut a = Harness::start(shared("alice", &store, &budget));
    let mut b = Harness::start(shared("alice", &store, &budget));
    let mut c = Harness::start(shared("bob", &store, &budget));
    for h in [&mut a, &mut b, &mut c] {
        h.initialize().await;
    }
    let f = frame(&a.call(1, "rows", json!({"n": 500})).await);
    let handle = f["handle"]["id"].as_str().unwrap().to_owned();
    assert_eq!(store.len(), 1, "the frame's handle is in the shared store");

    let page = b
        .call(
            1,
            "weaver_expand",
            json!({"handle": handle, "offset": 3, "limit": 2}),
        )
        .await;
    assert_ne!(page["isError"], true, "{page}");
    let p: Value = serde_json::from_str(text(&page)).unwrap();
    assert_eq!(p["rows"][0]["id"], 3);
    assert_eq!(p["total_rows"], 500);

    let refused = c.call(1, "weaver_expand", json!({"handle": handle})).await;
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(
        text(&refused).contains("handle_principal_mismatch"),
        "{refused}"
    );
    for h in [&mut a, &mut b, &mut c] {
        h.assert_no_canaries();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_proxy_spends_the_other_cannot() {
    let store = Arc::new(HandleStore::new(HandleStoreConfig::default()).unwrap());
    let budget = Arc::new(LocalBudget::new(6_000));
    let mut a = Harness::start(shared("alice", &store, &budget));
    let mut b = Harness::start(shared("alice", &store, &budget));
    a.initialize().await;
    b.initialize().await;
    let mut spent_by_a = false;
    for id in 1..60 {
        let r = a.call(id, "rows", json!({"n": 500})).await;
        if r["isError"] == true {
            spent_by_a = true;
            break;
        }
    }
    assert!(spent_by_a, "a 6000-token budget never ran out");
    assert!(budget.snapshot().used > 0);
    // B has spent nothing itself, yet the shared budget is gone.
    let r = b.call(1, "small", json!({})).await;
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(&r).contains("exhausted"), "{r}");
}
