//! Per-call cost of the Redis backends beside the in-process ones. Run by hand:
//!
//! ```text
//! redis-server --port 6399 --save '' --appendonly no &
//! cargo run --release -p weaver-redis --example bench -- redis://127.0.0.1:6399/ [ITERS]
//! ```
//!
//! Round trips per operation: store 1, expand 1, reserve 1, commit 1. The key prefix is
//! fresh per run; the keys are left behind (throwaway server).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use weaver_budget::{BudgetConfig, BudgetManager};
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleId, HandleStore,
    HandleStoreConfig,
};
use weaver_redis::{BudgetOptions, RedisBudget, RedisConnection, RedisHandleStore, RedisOptions};

fn rows(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"id": i, "status": if i % 3 == 0 { "refunded" } else { "paid" }, "amount": i * 7}))
            .collect(),
    )
}

fn per_call(label: &str, iters: u32, d: Duration) {
    println!(
        "{label:<44} {:>9.2} µs/call  ({iters} calls)",
        d.as_secs_f64() * 1e6 / f64::from(iters)
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .or_else(|| std::env::var("WEAVER_REDIS_URL").ok())
        .ok_or("usage: bench REDIS_URL [ITERS] (or set WEAVER_REDIS_URL)")?;
    let iters: u32 = args.get(2).map_or(Ok(2000), |s| s.parse())?;
    let prefix = format!("wb:{}:", &HandleId::random()?.as_str()[..8]);
    let conn = RedisConnection::connect(
        &url,
        RedisOptions {
            prefix,
            ..RedisOptions::default()
        },
    )
    .await?;
    let config = HandleStoreConfig {
        max_total_bytes: Some(64 << 20),
        ..HandleStoreConfig::default()
    };
    let query = ExpandQuery::from_json(&json!({"filter": {"status": "refunded"}, "limit": 5}))?;
    let budget = ExpandBudget::default();

    for n in [10usize, 200] {
        let data = rows(n);
        let bytes = serde_json::to_vec(&data)?.len();
        let redis = RedisHandleStore::new(conn.clone(), config.clone())?;
        let t = Instant::now();
        for _ in 0..iters {
            let h = redis
                .store("bench", &data, Binding::principal("p"), Grant::new(), None)
                .await?;
            black_box(
                redis
                    .expand(h.id.as_str(), &query, Some("p"), &budget)
                    .await?,
            );
        }
        per_call(
            &format!("redis    store+expand ({n} rows, {bytes} B)"),
            iters,
            t.elapsed(),
        );
        let local = HandleStore::new(config.clone())?;
        let shared = Arc::new(data.clone());
        let t = Instant::now();
        for _ in 0..iters {
            let h = local.store_shared(
                "bench",
                Arc::clone(&shared),
                Binding::principal("p"),
                Grant::new(),
                None,
            )?;
            black_box(local.expand(h.id.as_str(), &query, Some("p"), &budget)?);
        }
        per_call(
            &format!("embedded store+expand ({n} rows, {bytes} B)"),
            iters,
            t.elapsed(),
        );
    }

    let rb = RedisBudget::new(conn.clone(), "bench", 1 << 50, BudgetOptions::default())?;
    let t = Instant::now();
    for _ in 0..iters {
        let r = rb.reserve(4000).await?;
        black_box(rb.commit(r, 1200).await?);
    }
    per_call("redis    reserve+commit", iters, t.elapsed());
    let lb = BudgetManager::new(1 << 50, BudgetConfig::default())?;
    let t = Instant::now();
    for _ in 0..iters {
        black_box(lb.reserve(Some(4000))?.commit(1200));
    }
    per_call("embedded reserve+commit", iters, t.elapsed());
    let backend = weaver_redis::RedisBudgetBackend::connect(
        &url,
        RedisOptions {
            prefix: format!("{}s:", conn.prefix()),
            ..RedisOptions::default()
        },
        "bench",
        1 << 50,
        BudgetOptions::default(),
    )?;
    let sb = BudgetManager::with_backend(Arc::new(backend), BudgetConfig::default())?;
    let t = Instant::now();
    for _ in 0..iters {
        black_box(sb.reserve(Some(4000))?.commit(1200));
    }
    per_call("BudgetManager on RedisBudgetBackend", iters, t.elapsed());

    // Many calls in flight on one connection (one worker serving concurrent requests).
    let tasks = 16u32;
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let rb = rb.clone();
        set.spawn(async move {
            for _ in 0..iters / tasks {
                let r = rb.reserve(4000).await?;
                rb.commit(r, 1200).await?;
            }
            Ok::<_, weaver_redis::RedisError>(())
        });
    }
    while let Some(r) = set.join_next().await {
        r??;
    }
    per_call(
        "redis    reserve+commit, 16 in flight",
        iters / tasks * tasks,
        t.elapsed(),
    );
    Ok(())
}
