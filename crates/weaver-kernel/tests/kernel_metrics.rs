//! The in-process metrics (`Kernel::metrics`): every path is counted, labels are stable
//! codes, and no label carries a principal id or a value.

mod telemetry_support;

use telemetry_support::{CANARIES, every_path, kernel};

#[tokio::test]
async fn every_path_is_counted() {
    let k = kernel();
    let before = k.metrics();
    assert_eq!(before.invocations, 0);
    assert_eq!(before.budget_remaining, Some(50_000));
    every_path(&k).await;
    let m = k.metrics();
    assert_eq!(m.grants, 2);
    assert_eq!(m.denials.get("capability_not_found"), Some(&1), "{m:?}");
    assert_eq!(m.invocations, 3);
    assert_eq!(m.invocation_failures.get("driver_failed"), Some(&1));
    assert_eq!(m.invocation_failures.values().sum::<u64>(), 1);
    assert_eq!(m.downgrades.get("raw->summary"), Some(&1), "{m:?}");
    assert_eq!(m.downgrades.values().sum::<u64>(), 1);
    assert_eq!(m.handle_stores, 2);
    assert_eq!(m.handle_entries, 2);
    assert!(m.handle_bytes > 0);
    assert_eq!(m.handle_evictions, Some(0), "nothing evicted in this run");
    assert_eq!(m.expansions, 1);
    assert_eq!(
        m.expansion_failures.get("handle_principal_mismatch"),
        Some(&1),
        "{m:?}"
    );
    assert_eq!(m.dry_runs, 1);
    // The reader lacks the PII role: the page of two rows masks two `email` keys.
    assert!(
        m.redactions.get("sensitive_key").copied().unwrap_or(0) >= 2,
        "{m:?}"
    );
    assert!(m.budget_charged > 0);
    assert_eq!(m.budget_remaining, Some(50_000 - m.budget_charged));
    let count = |op: &str| m.durations.get(op).map_or(0, |h| h.count);
    assert_eq!(count("grant"), 3);
    assert_eq!(count("invoke"), 3);
    assert_eq!(count("expand"), 2);
    assert_eq!(count("dry_run"), 1);
    for h in m.durations.values() {
        assert_eq!(h.buckets.iter().sum::<u64>(), h.count);
        assert!(h.sum_ms >= 0.0);
    }
    // The old counters agree with the new ones.
    let s = k.stats();
    assert_eq!(s.invocations, m.invocations);
    assert_eq!(s.handle_stores, m.handle_stores);
    assert_eq!(s.budget_downgrades, 1);
    let text = serde_json::to_string(&m).unwrap();
    for c in CANARIES {
        assert!(!text.contains(c), "{c} in {text}");
    }
}

/// A driver that never answers.
struct Never;

impl weaver_kernel::Driver for Never {
    fn id(&self) -> &'static str {
        "never"
    }
    fn execute<'a>(
        &'a self,
        _: &'a weaver_kernel::ExecutionContext,
    ) -> weaver_kernel::DriverFuture<'a> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_dropped_invoke_counts_as_cancelled() {
    use std::task::Context;
    let mut reg = weaver_kernel::Registry::new();
    reg.register(weaver_kernel::Capability::new("slow.op").route(["never"]))
        .unwrap();
    let k = weaver_kernel::Kernel::builder(reg)
        .driver(Never)
        .build()
        .unwrap();
    let p = telemetry_support::principal();
    let g = k.grant_capability("slow.op", &p, "").unwrap();
    let mut fut = Box::pin(k.invoke(
        &g.token,
        &p,
        "slow.op",
        serde_json::json!({}),
        weaver_kernel::ResponseMode::Summary,
    ));
    let waker = futures_util::task::noop_waker();
    assert!(
        fut.as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    drop(fut);
    let m = k.metrics();
    assert_eq!(m.invocations, 1);
    assert_eq!(m.invocation_failures.get("cancelled"), Some(&1), "{m:?}");
    assert_eq!(m.durations["invoke"].count, 1);
}
