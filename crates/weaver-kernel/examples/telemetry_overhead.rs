//! Per-call cost of `Kernel::invoke` with telemetry off (in-process metrics only, no
//! subscriber), metrics only exported (`metrics`), or everything exported to OpenTelemetry (SDK tracer with a batch processor, SDK meter,
//! spans to a discarding batch exporter, metrics to an in-memory one). Prints CPU microseconds per call of this process, so
//! runs of the two modes can be alternated on a loaded machine:
//!
//! ```text
//! cargo run --release -p weaver-kernel --features otel --example telemetry_overhead -- off 20000
//! cargo run --release -p weaver-kernel --features otel --example telemetry_overhead -- otel 20000
//! ```

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use serde_json::{Value, json};
use weaver_kernel::{
    BudgetConfig, BudgetManager, Capability, InMemoryDriver, Kernel, Principal, Registry,
    ResponseMode,
};

/// Drops every batch: the cost measured is the kernel's and the SDK's, not an exporter's.
#[derive(Debug)]
struct Discard;

impl opentelemetry_sdk::trace::SpanExporter for Discard {
    async fn export(
        &self,
        batch: Vec<opentelemetry_sdk::trace::SpanData>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        drop(batch);
        Ok(())
    }
}

/// User plus system CPU time of this process, in microseconds (Linux `/proc`).
fn cpu_us() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name; ticks of 10 ms.
    (f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)) * 10_000
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "off".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let rows: Value = (0..20)
        .map(|i| json!({"id": i, "status": "paid", "email": format!("u{i}@example.com"), "amount": i * 7}))
        .collect();
    let mut reg = Registry::new();
    reg.register(Capability::new("bench.call")).unwrap();
    let k = Kernel::builder(reg)
        .driver(InMemoryDriver::new("memory").with_data("bench.call", rows))
        .budget(BudgetManager::new(u64::MAX / 2, BudgetConfig::default()).unwrap())
        .build()
        .unwrap();
    let _providers = if mode == "metrics" {
        let mp = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(InMemoryMetricExporter::default()).build())
            .build();
        assert!(weaver_kernel::otel::install_metrics(&mp));
        Some((SdkTracerProvider::builder().build(), mp))
    } else if mode == "otel" {
        let tp = SdkTracerProvider::builder()
            .with_batch_exporter(Discard)
            .build();
        let mp = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(InMemoryMetricExporter::default()).build())
            .build();
        let installed = weaver_kernel::otel::install(tp.tracer("bench"), &mp);
        assert!(installed.metrics && installed.spans);
        Some((tp, mp))
    } else {
        None
    };
    let p = Principal::new("agent").with_role("reader");
    let token = k.grant_capability("bench.call", &p, "").unwrap().token;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let run = |count: usize| {
        rt.block_on(async {
            for _ in 0..count {
                let f = k
                    .invoke(&token, &p, "bench.call", json!({}), ResponseMode::Summary)
                    .await
                    .unwrap();
                std::hint::black_box(f);
            }
        });
    };
    run(n / 10); // warm-up
    let c0 = cpu_us();
    let t0 = std::time::Instant::now();
    run(n);
    let cpu = cpu_us() - c0;
    let wall = t0.elapsed().as_micros() as u64;
    println!(
        "{mode}: {n} invokes, cpu {:.2} us/call, wall {:.2} us/call",
        cpu as f64 / n as f64,
        wall as f64 / n as f64
    );
}
