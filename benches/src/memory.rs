//! The memory area: peak heap of `Firewall::transform` on rows_50k over the heap of the
//! parsed input, and the allocations of `estimate(&Value)`, both counted by the global
//! allocator of the `peak_memory` example. A counting allocator would slow every other
//! area, so the example runs as a child process (`cargo xtask bench` builds it).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use crate::{Bench, Row};

/// Where `cargo build --release -p weaver-benches --example peak_memory` puts the example.
fn example() -> PathBuf {
    weaver_testkit::target_dir()
        .join("release")
        .join("examples")
        .join(format!("peak_memory{}", std::env::consts::EXE_SUFFIX))
}

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let exe = example();
    if !exe.is_file() {
        eprintln!(
            "  memory: {} not found; build it with `cargo build --release -p weaver-benches --example peak_memory`",
            exe.display()
        );
        return;
    }
    let out = match Command::new(&exe).arg(b.scale().to_string()).output() {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            eprintln!(
                "  memory: peak_memory failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("  memory: cannot run {}: {e}", exe.display());
            return;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let kv: HashMap<&str, f64> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter_map(|(k, v)| Some((k, v.trim().parse().ok()?)))
        .collect();
    let Some(&input) = kv.get("parsed_input_heap_bytes") else {
        eprintln!("  memory: unexpected output from peak_memory: {text}");
        return;
    };
    for mode in ["summary", "table"] {
        let (Some(&ratio), Some(&extra)) = (
            kv.get(format!("transform_{mode}_peak_ratio").as_str()),
            kv.get(format!("transform_{mode}_peak_extra_bytes").as_str()),
        ) else {
            continue;
        };
        eprintln!(
            "  rows_50k       peak heap of Firewall.transform {mode}: {ratio:.3}× the parsed input"
        );
        b.push_row(Row {
            workload: "rows_50k".into(),
            operation: format!("peak heap, Firewall.transform {mode} (counting allocator)"),
            median_s: 0.0,
            bytes: None,
            items: None,
            peak_rss_mb: None,
            reference_s: None,
            note: format!(
                "(parsed input + peak extra) / parsed input; parsed input {:.1} MB of heap, peak extra {:.1} KB",
                input / 1e6,
                extra / 1e3
            ),
            cpu_s: None,
            figure: Some((ratio, "×")),
        });
    }
    if let Some(&allocs) = kv.get("estimate_allocations") {
        b.push_row(Row {
            workload: "rows_50k".into(),
            operation: "allocations of estimate(&Value) (counting allocator)".into(),
            median_s: 0.0,
            bytes: None,
            items: None,
            peak_rss_mb: None,
            reference_s: None,
            note: "one call on the parsed rows_50k".into(),
            cpu_s: None,
            figure: Some((allocs, " allocations")),
        });
    }
}
