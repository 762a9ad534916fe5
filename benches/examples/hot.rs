//! `cargo run --release -p weaver-benches --example hot -- OP [ITERS]` — runs one hot path
//! in a loop on the scale-1 workloads, for a profiler (`perf record`) or `perf stat -e
//! task-clock`: OP is `store_expand` (small_calls), `invoke` (`Kernel::invoke` summary per
//! small call, as the kernel bench; `invoke_table` the same in table mode), `redact_value`
//! (rows_50k), `redact_in_place` (rows_50k, the copies made before timing) or `summary`
//! (Firewall summary of rows_50k). Prints the CPU time per iteration (this thread).

use std::sync::Arc;

use serde_json::{Value, json};
use weaver_handles::{Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleStore};
use weaver_kernel::{Budgets, Firewall, ResponseMode, TransformContext};
use weaver_redact::{Policy, Redactor};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let op = args.first().map_or("store_expand", String::as_str);
    let iters: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let w = weaver_testkit::workloads(1.0).expect("workloads");
    let t = weaver_benches::CpuTimer::start();
    match op {
        "store_expand" => {
            let Ok(Value::Array(calls)) = w.json("small_calls") else {
                panic!("small_calls")
            };
            let calls: Vec<Arc<Value>> = calls.into_iter().map(Arc::new).collect();
            let q = ExpandQuery::from_json(&json!({"offset": 0, "limit": 5})).expect("query");
            let budget = ExpandBudget::default();
            let t = weaver_benches::CpuTimer::start();
            let mut rows = 0;
            for _ in 0..iters {
                let st =
                    HandleStore::new(weaver_handles::HandleStoreConfig::default()).expect("store");
                for c in &calls {
                    let h = st
                        .store_shared(
                            "bench.cap",
                            Arc::clone(c),
                            Binding::principal("agent"),
                            Grant::new(),
                            None,
                        )
                        .expect("store");
                    rows += st
                        .expand(h.id.as_str(), &q, Some("agent"), &budget)
                        .expect("expand")
                        .rows
                        .len();
                }
            }
            let per = t.elapsed_s() / (iters * calls.len()) as f64;
            println!(
                "store+expand: {:.2} µs CPU per call ({rows} rows)",
                per * 1e6
            );
        }
        "invoke" => invoke(&w, iters, ResponseMode::Summary),
        "invoke_table" => invoke(&w, iters, ResponseMode::Table),
        "redact_value" => {
            let rows = w.json("rows_50k").expect("rows_50k");
            let bytes = w.bytes("rows_50k").expect("bytes").len();
            let r = Redactor::new();
            let p = Policy::new().max_depth(3);
            let t = weaver_benches::CpuTimer::start();
            let mut n = 0;
            for _ in 0..iters {
                n += r.redact_value(&rows, &p).1.total();
            }
            let per = t.elapsed_s() / iters as f64;
            println!(
                "redact_value: {:.2} ms CPU, {:.1} MB/s ({n} findings)",
                per * 1e3,
                bytes as f64 / 1e6 / per
            );
        }
        "redact_in_place" => {
            let rows = w.json("rows_50k").expect("rows_50k");
            let bytes = w.bytes("rows_50k").expect("bytes").len();
            let r = Redactor::new();
            let p = Policy::new().max_depth(3);
            let mut copies: Vec<Value> = (0..iters).map(|_| rows.clone()).collect();
            let t = weaver_benches::CpuTimer::start();
            let mut n = 0;
            for v in &mut copies {
                n += r.redact_value_in_place(v, &p).total();
            }
            let per = t.elapsed_s() / iters as f64;
            println!(
                "redact_value_in_place: {:.2} ms CPU, {:.1} MB/s ({n} findings)",
                per * 1e3,
                bytes as f64 / 1e6 / per
            );
        }
        "summary" => {
            let rows = w.json("rows_50k").expect("rows_50k");
            let fw = Firewall::new(Budgets::default()).expect("fw");
            let mut c = TransformContext::new(ResponseMode::Summary).with_role("analyst");
            "bench.cap".clone_into(&mut c.capability_id);
            let t = weaver_benches::CpuTimer::start();
            let mut n = 0;
            for _ in 0..iters {
                n += fw.transform(&rows, &c).map_or(0, |f| f.facts.len());
            }
            let per = t.elapsed_s() / iters as f64;
            println!("summary: {:.2} ms CPU ({n} facts)", per * 1e3);
        }
        "clone" => {
            let rows = w.json("rows_50k").expect("rows_50k");
            let t = weaver_benches::CpuTimer::start();
            let mut n = 0;
            for _ in 0..iters {
                n += rows.clone().as_array().map_or(0, Vec::len);
            }
            let per = t.elapsed_s() / iters as f64;
            println!("clone+drop: {:.2} ms CPU ({n})", per * 1e3);
        }
        other => panic!("unknown op {other}"),
    }
    eprintln!("total CPU {:.2} s", t.elapsed_s());
}

/// `Kernel::invoke` in `mode` over every small call, a fresh kernel per iteration
/// (as `benches/src/kernel.rs`): token check, reservation, driver, store, frame, commit.
fn invoke(w: &weaver_testkit::Workloads, iters: usize, mode: ResponseMode) {
    use weaver_kernel::{
        BudgetConfig, BudgetManager, Capability, Driver, DriverError, DriverFuture, DriverOutput,
        ExecutionContext, Kernel, Principal, Registry,
    };
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
    let Ok(Value::Array(calls)) = w.json("small_calls") else {
        panic!("small_calls")
    };
    let calls: Vec<Arc<Value>> = calls.into_iter().map(Arc::new).collect();
    let args: Vec<Value> = (0..calls.len()).map(|i| json!({ "i": i })).collect();
    let p = Principal::new("agent")
        .with_role("reader")
        .with_attribute("tenant", "acme");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let t = weaver_benches::CpuTimer::start();
    let mut facts = 0;
    for _ in 0..iters {
        let mut reg = Registry::new();
        reg.register(Capability::new("bench.call"))
            .expect("capability");
        let k = Kernel::builder(reg)
            .driver(Calls(calls.clone()))
            .budget(BudgetManager::new(u64::MAX / 2, BudgetConfig::default()).expect("budget"))
            .build()
            .expect("kernel");
        let token = k
            .grant_capability("bench.call", &p, "")
            .expect("grant")
            .token;
        rt.block_on(async {
            for a in &args {
                let f = k
                    .invoke(&token, &p, "bench.call", a.clone(), mode)
                    .await
                    .expect("invoke");
                facts += f.facts.len() + f.table_preview.len();
            }
        });
    }
    let per = t.elapsed_s() / (iters * calls.len()) as f64;
    println!(
        "invoke {mode}: {:.2} µs CPU per call ({facts} facts and rows)",
        per * 1e6
    );
}
