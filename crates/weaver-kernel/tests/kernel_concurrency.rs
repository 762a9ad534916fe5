//! One kernel, one budget, many concurrent calls: the budget never over-commits at any
//! observed instant, and an abandoned call (aborted task, dropped future, timeout) gives
//! its reservation back and still leaves a trace (reference K178; flaws L5, L6, T11).

mod kernel_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use kernel_support::*;
use serde_json::json;
use tokio::sync::mpsc;
use weaver_budget::ResponseMode;
use weaver_kernel::{
    BudgetManager, Capability, GrantConstraints, GrantRequest, InMemoryDriver, Kernel, Registry,
    TraceEvent,
};

/// A kernel whose `x.rows` driver yields a few times (so calls interleave) and returns
/// `rows` small records, and whose `x.hang` driver reports that it started, then never
/// finishes.
fn kernel(b: &BudgetManager, started: mpsc::UnboundedSender<()>) -> Kernel {
    let mut reg = Registry::new();
    reg.register_many([Capability::new("x.rows"), Capability::new("x.hang")])
        .unwrap();
    let d = InMemoryDriver::new("memory")
        .with_async_handler("x.rows", |ctx| async move {
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
            let n = ctx.args["rows"].as_u64().unwrap_or(10);
            Ok(json!(
                (0..n)
                    .map(|i| json!({"id": i, "note": "ok"}))
                    .collect::<Vec<_>>()
            ))
        })
        .with_async_handler("x.hang", move |_| {
            let started = started.clone();
            async move {
                let _ = started.send(());
                std::future::pending::<()>().await;
                Ok(json!(null))
            }
        });
    Kernel::builder(reg)
        .driver(d)
        .budget(b.clone())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_invokes_never_over_commit() {
    let total = 60_000;
    let b = budget_with_request(total, 1_500);
    let (tx, _rx) = mpsc::unbounded_channel();
    let k = kernel(&b, tx);
    let p = reader();
    let token = k.grant_capability("x.rows", &p, "").unwrap().token;

    let stop = Arc::new(AtomicBool::new(false));
    let observations = Arc::new(AtomicU64::new(0));
    let observer = {
        let (b, stop, observations) = (b.clone(), Arc::clone(&stop), Arc::clone(&observations));
        tokio::spawn(async move {
            let mut violations = Vec::new();
            while !stop.load(Ordering::Acquire) {
                let s = b.snapshot();
                if s.used + s.reserved > s.total {
                    violations.push(s);
                }
                observations.fetch_add(1, Ordering::Relaxed);
                tokio::task::yield_now().await;
            }
            violations
        })
    };

    let mut tasks = Vec::new();
    for t in 0..48u64 {
        let (k, p, token) = (k.clone(), p.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcomes = (0u64, 0u64);
            for i in 0..12u64 {
                let mode = [ResponseMode::Table, ResponseMode::Summary][(i % 2) as usize];
                let args = json!({"rows": 5 + (t * 7 + i) % 60});
                match k.invoke(&token, &p, "x.rows", args, mode).await {
                    Ok(f) => {
                        assert!(f.is_final);
                        outcomes.0 += 1;
                    }
                    Err(e) => {
                        assert_eq!(e.code(), "budget_exhausted", "{e}");
                        outcomes.1 += 1;
                    }
                }
            }
            outcomes
        }));
    }
    let (mut ok, mut exhausted) = (0, 0);
    for t in tasks {
        let (o, e) = t.await.unwrap();
        ok += o;
        exhausted += e;
    }
    stop.store(true, Ordering::Release);
    let violations = observer.await.unwrap();
    assert!(violations.is_empty(), "over-committed: {violations:?}");
    assert!(observations.load(Ordering::Relaxed) > 0);
    assert_eq!(ok + exhausted, 48 * 12);
    assert!(ok > 0);
    // Everything settled: nothing is left reserved, and the budget charged exactly what the
    // successful calls' traces say they cost.
    assert_eq!(b.reserved(), 0);
    assert!(b.used() <= total);
    let charged: u64 = k
        .traces()
        .recent(usize::MAX)
        .iter()
        .filter(|t| t.event == TraceEvent::Invoke && t.ok())
        .map(|t| t.tokens.unwrap().charged)
        .sum();
    assert_eq!(charged, b.used());
    assert_eq!(k.stats().invocations, 48 * 12);
    assert_eq!(k.stats().invocation_failures, exhausted);
}

#[tokio::test]
async fn k178_l5_dropped_invoke_releases_and_traces() {
    let b = budget(10_000);
    let (tx, mut started) = mpsc::unbounded_channel();
    let k = kernel(&b, tx);
    let p = reader();
    let token = k.grant_capability("x.hang", &p, "").unwrap().token;

    // 1. The future itself is dropped while the driver runs.
    let call = k.invoke(
        &token,
        &p,
        "x.hang",
        json!({"api_key": "sk_live_51HqLyjWDarjtT1zdp7dcXYZ"}),
        ResponseMode::Summary,
    );
    let mut call = Box::pin(call);
    tokio::select! {
        _ = &mut call => unreachable!("the driver never finishes"),
        _ = started.recv() => {}
    }
    assert_eq!(b.reserved(), 4_000, "reserved while the driver runs");
    drop(call);
    assert_eq!((b.reserved(), b.used(), b.remaining()), (0, 0, 10_000));
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.event, TraceEvent::Invoke);
    assert_eq!(t.error_code.as_deref(), Some("cancelled"));
    assert!(t.error.unwrap().contains("cancelled"));
    assert_eq!(t.driver_id.as_deref(), Some("memory"));
    assert!(!serde_json::to_string(&t.args).unwrap().contains("sk_live_"));

    // 2. The task running it is aborted.
    let task = {
        let (k, p, token) = (k.clone(), p.clone(), token.clone());
        tokio::spawn(async move {
            k.invoke(&token, &p, "x.hang", json!({}), ResponseMode::Table)
                .await
        })
    };
    started.recv().await.unwrap();
    assert_eq!(b.reserved(), 4_000);
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!((b.reserved(), b.used()), (0, 0));
    assert_eq!(k.stats().invocation_failures, 2);
    let cancelled = k
        .traces()
        .recent(10)
        .iter()
        .filter(|t| t.error_code.as_deref() == Some("cancelled"))
        .count();
    assert_eq!(cancelled, 2);
}

#[tokio::test(start_paused = true)]
async fn timeout_releases_reservation() {
    let b = budget(10_000);
    let (tx, _started) = mpsc::unbounded_channel();
    let k = kernel(&b, tx);
    let p = reader();
    let c = GrantConstraints {
        timeout_ms: Some(250),
        ..GrantConstraints::default()
    };
    let token = k
        .grant(GrantRequest::new("x.hang", "").constraints(c), &p)
        .unwrap()
        .token;
    let e = k
        .invoke(&token, &p, "x.hang", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "driver_timeout");
    assert_eq!((b.reserved(), b.used()), (0, 0));
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.error_code.as_deref(), Some("driver_timeout"));
    // The same kernel goes on serving.
    let token = k.grant_capability("x.rows", &p, "").unwrap().token;
    k.invoke(&token, &p, "x.rows", json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert!(b.used() > 0);
}
