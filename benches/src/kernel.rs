//! Benchmarks for the kernel: a full `Kernel::invoke` per small call — token
//! verification, policy constraints, budget reservation and commit (chars counter), the
//! driver (an in-memory one handing out the parsed call, no copy), the handle store and
//! the firewall — beside the reference's `Firewall.transform` alone (≈ 140 µs/call).

use std::sync::Arc;

use serde_json::{Value, json};
use weaver_kernel::{
    BudgetConfig, BudgetManager, Capability, Driver, DriverError, DriverFuture, DriverOutput,
    ExecutionContext, Kernel, Principal, Registry, ResponseMode,
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
            .map(DriverOutput::Value)
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
    run_stream(b);
}

/// `Kernel::invoke_stream` over stream_chunks: each chunk `{"text": <chunk>}` from a
/// streaming driver, one table frame per chunk, exact cross-chunk redaction, the merged
/// text stored behind the final frame's handle; beside the reference's
/// `Firewall.apply_stream` table (firewall alone, no cross-chunk exactness).
fn run_stream(b: &mut Bench) {
    use futures_util::StreamExt as _;

    let w = b.workloads().clone();
    let Ok(chunks) = w.chunks() else {
        return;
    };
    let total: u64 = chunks.iter().map(|c| c.len() as u64).sum();
    let n = chunks.len() as u64;
    let chunks = Arc::new(chunks);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let p = Principal::new("agent").with_role("admin");
    let make = || {
        let mut reg = Registry::new();
        reg.register(Capability::new("bench.stream").route(["chunks"]))
            .expect("one capability");
        let chunks = Arc::clone(&chunks);
        let driver = weaver_kernel::StreamDriver::new("chunks", move |_| {
            let chunks = Arc::clone(&chunks);
            futures_util::stream::iter(0..chunks.len())
                .map(move |i| Ok::<_, DriverError>(json!({ "text": chunks[i] })))
        });
        Kernel::builder(reg)
            .streaming_driver(driver)
            .budget(BudgetManager::new(u64::MAX / 2, BudgetConfig::default()).expect("budget"))
            .build()
            .expect("valid kernel")
    };
    let stream_once = |mode: ResponseMode| {
        let k = make();
        let token = k
            .grant_capability("bench.stream", &p, "")
            .expect("grant")
            .token;
        rt.block_on(async {
            let s = k
                .invoke_stream(&token, &p, "bench.stream", json!({}), mode)
                .await
                .expect("invoke_stream");
            s.map(|f| f.expect("frame")).collect::<Vec<_>>().await
        })
    };
    b.measure(
        "stream_chunks",
        "Kernel.invoke_stream table (exact redaction + store + budget + trace)",
        Some("Firewall.apply_stream table"),
        Some(total),
        Some(n),
        || stream_once(ResponseMode::Table).len(),
    );
    // Notes attach to the last row: the leak check comes after its measurement.
    // Leak check on the raw frames' text (what the frames show is what could leak).
    if let Ok(canaries) = w.canaries("stream_chunks") {
        let frames = stream_once(ResponseMode::Raw);
        let text: String = frames
            .iter()
            .filter_map(|f| {
                f.raw_data
                    .as_ref()?
                    .get("text")?
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        let leaked = weaver_testkit::leaked(&canaries, &text).len();
        let same = text == weaver_redact::Redactor::new().redact_str(&chunks.concat());
        b.note(format!(
            "invoke_stream raw: {leaked} of {} canaries leaked; joined text == one-shot: {same}",
            canaries.len()
        ));
    }
}
