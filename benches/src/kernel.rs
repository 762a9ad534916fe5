//! Benchmarks for the kernel: a full `Kernel::invoke` per small call — token
//! verification, policy constraints, budget reservation and commit (chars counter), the
//! driver (an in-memory one handing out the parsed call, no copy), the handle store and
//! the firewall — beside the reference's `Firewall.transform` alone (≈ 140 µs/call).

use std::sync::Arc;

use serde_json::{Value, json};
use weaver_kernel::{
    BudgetConfig, BudgetManager, Capability, Driver, DriverError, DriverFuture, ExecutionContext,
    Kernel, Principal, Registry, ResponseMode,
};

use crate::Bench;

/// Hands out call number `args.i` of the workload (shared, never copied).
struct Calls(Vec<Arc<Value>>);

impl Driver for Calls {
    fn id(&self) -> &'static str {
        "memory"
    }

    fn execute<'a>(&'a self, ctx: &'a ExecutionContext) -> DriverFuture<'a> {
        let i = ctx.args["i"].as_u64().unwrap_or(0) as usize;
        let out = self
            .0
            .get(i)
            .cloned()
            .ok_or_else(|| DriverError::new("no such call"));
        Box::pin(async move { out })
    }
}

fn kernel(calls: &[Arc<Value>]) -> Kernel {
    let mut reg = Registry::new();
    reg.register(Capability::new("bench.call"))
        .expect("one capability");
    let budget = BudgetManager::new(u64::MAX / 2, BudgetConfig::default()).expect("valid budget");
    Kernel::builder(reg)
        .driver(Calls(calls.to_vec()))
        .budget(budget)
        .build()
        .expect("valid kernel")
}

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let w = b.workloads().clone();
    let Ok(Value::Array(calls)) = w.json("small_calls") else {
        return;
    };
    let calls: Vec<Arc<Value>> = calls.into_iter().map(Arc::new).collect();
    let bytes = w.bytes("small_calls").map(|v| v.len() as u64).ok();
    let n = calls.len() as u64;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let p = Principal::new("agent")
        .with_role("reader")
        .with_attribute("tenant", "acme");
    let args: Vec<Value> = (0..calls.len()).map(|i| json!({ "i": i })).collect();
    for (mode, reference) in [
        (ResponseMode::Summary, "Firewall.transform summary per call"),
        (ResponseMode::Table, "Firewall.transform table per call"),
    ] {
        b.measure(
            "small_calls",
            &format!("Kernel.invoke {mode} per call (store + budget + frame)"),
            Some(reference),
            bytes,
            Some(n),
            || {
                // A fresh kernel per run: the store starts empty, as in the handles bench.
                let k = kernel(&calls);
                let token = k
                    .grant_capability("bench.call", &p, "")
                    .expect("grant")
                    .token;
                rt.block_on(async {
                    let mut facts = 0usize;
                    for a in &args {
                        let f = k
                            .invoke(&token, &p, "bench.call", a.clone(), mode)
                            .await
                            .expect("invoke");
                        facts += f.facts.len() + f.table_preview.len();
                    }
                    facts
                })
            },
        );
        b.note("reference: transform alone; here token verify, reserve, driver, store, transform, count, commit, trace");
    }
}
