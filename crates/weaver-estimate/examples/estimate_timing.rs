//! Timing harness for the rows_50k estimate (issue #19): best-of-N wall-clock time of
//! `estimate(&Value)` and `estimate_json_bytes` on the benchmark workload, and of
//! `estimate(&Value)` on nested_deep and small_calls. (Wall clock: this VM's thread CPU
//! clock ticks in 4 ms steps.) `… estimate_timing N bytes-only` runs only the bytes path,
//! N times, for a profiler.
//!
//! `CARGO_TARGET_DIR=… cargo run --release -p weaver-estimate --example estimate_timing [runs]`

use std::hint::black_box;
use std::time::Duration;

/// The shortest of `runs` timed calls of `f`.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = std::time::Instant::now();
        black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

fn main() {
    let runs = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let w = weaver_testkit::workloads(1.0).expect("workloads");
    let bytes = w.bytes("rows_50k").expect("rows_50k bytes");
    if std::env::args().nth(2).as_deref() == Some("bytes-only") {
        for _ in 0..runs {
            black_box(weaver_estimate::estimate_json_bytes(black_box(&bytes)).ok());
        }
        return;
    }
    let v: serde_json::Value = w.json("rows_50k").expect("rows_50k");
    let size = weaver_estimate::estimate(&v);
    assert_eq!(size, serde_json::to_vec(&v).expect("to_vec").len() as u64);
    assert_eq!(
        weaver_estimate::estimate_json_bytes(&bytes).expect("bytes"),
        size
    );
    let deep: serde_json::Value = w.json("nested_deep").expect("nested_deep");
    let calls: serde_json::Value = w.json("small_calls").expect("small_calls");
    for x in [&deep, &calls] {
        assert_eq!(
            weaver_estimate::estimate(x),
            serde_json::to_vec(x).expect("to_vec").len() as u64
        );
    }
    for round in 0..3 {
        let d = best(runs, || weaver_estimate::estimate(black_box(&deep)));
        let c = best(runs, || {
            calls
                .as_array()
                .map_or(0, |a| a.iter().map(weaver_estimate::estimate).sum::<u64>())
        });
        println!(
            "round {round}: nested_deep estimate {:>8.3} ms   small_calls estimate {:>8.3} ms",
            d.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3
        );
    }
    for round in 0..3 {
        let value = best(runs, || weaver_estimate::estimate(black_box(&v)));
        let from_bytes = best(runs, || {
            weaver_estimate::estimate_json_bytes(black_box(&bytes)).ok()
        });
        println!(
            "round {round}: estimate(&Value) {:>8.3} ms   estimate_json_bytes {:>8.3} ms   ({} bytes in, {size} out)",
            value.as_secs_f64() * 1e3,
            from_bytes.as_secs_f64() * 1e3,
            bytes.len()
        );
    }
}
