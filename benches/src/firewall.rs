//! Benchmarks for the firewall area: `Firewall::transform` on already-parsed workloads
//! (the reference's `Firewall.transform` rows), the table-mode curve as rows grow, and the
//! bytes path (`transform_json`, parse included) beside a plain `serde_json` parse.

use serde_json::{Value, json};
use weaver_kernel::{Budgets, Firewall, ResponseMode, TransformContext};

use crate::{Bench, peak_rss_mb};

fn ctx(mode: ResponseMode) -> TransformContext {
    // As the reference harness: capability bench.cap, principal roles ['analyst'].
    let mut c = TransformContext::new(mode).with_role("analyst");
    "bench.cap".clone_into(&mut c.capability_id);
    c
}

fn current_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let fw = Firewall::new(Budgets::default()).expect("default budgets are valid");
    let summary = ctx(ResponseMode::Summary);
    let table = ctx(ResponseMode::Table);

    // Parsed workloads. nested_deep nests 204 levels, beyond serde_json's 128: it has no
    // Value, so it is measured through the bytes path (parse included) only.
    for name in ["rows_50k", "text_20mb", "small_calls"] {
        let rss_before = current_rss_mb();
        let Ok(value) = b.workloads().json(name) else {
            eprintln!("  {name}: cannot load, skipped");
            continue;
        };
        let rss_input = match (current_rss_mb(), rss_before) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        };
        let bytes = std::fs::metadata(b.workloads().path(name))
            .ok()
            .map(|m| m.len());
        if name == "small_calls" {
            let calls: &[Value] = value.as_array().map_or(&[], Vec::as_slice);
            let n = calls.len() as u64;
            b.measure(
                name,
                "Firewall.transform summary per call",
                Some("Firewall.transform summary per call"),
                bytes,
                Some(n),
                || {
                    calls
                        .iter()
                        .map(|c| fw.transform(c, &summary).map_or(0, |f| f.facts.len()))
                        .sum::<usize>()
                },
            );
            b.measure(
                name,
                "Firewall.transform table per call",
                Some("Firewall.transform table per call"),
                bytes,
                Some(n),
                || {
                    calls
                        .iter()
                        .map(|c| fw.transform(c, &table).map_or(0, |f| f.table_preview.len()))
                        .sum::<usize>()
                },
            );
            continue;
        }
        b.measure(
            name,
            "Firewall.transform summary",
            Some("Firewall.transform summary"),
            bytes,
            None,
            || fw.transform(&value, &summary),
        );
        if let (Some(peak), Some(input)) = (peak_rss_mb(), rss_input) {
            b.note(format!("parsed input ≈ {input:.0} MB RSS; peak RSS {peak:.0} MB while transforming (process total)"));
        }
        b.measure(
            name,
            "Firewall.transform table",
            Some("Firewall.transform table"),
            bytes,
            None,
            || fw.transform(&value, &table),
        );
        drop(value);
    }

    // The bytes path, parse included, beside a full Value parse of the same bytes.
    for name in ["rows_50k", "nested_deep", "text_20mb"] {
        let Ok(raw) = b.workloads().bytes(name) else {
            continue;
        };
        let len = Some(raw.len() as u64);
        if name == "rows_50k" {
            b.measure(
                name,
                "serde_json::from_slice (Value, for comparison)",
                Some("json.loads"),
                len,
                None,
                || serde_json::from_slice::<Value>(&raw).is_ok_and(|v| v.is_array()),
            );
        }
        // The reference numbers for nested_deep are transforms of an already-parsed value;
        // here the parse is included, so the comparison is conservative.
        let reference = |op: &'static str| (name == "nested_deep").then_some(op);
        b.measure(
            name,
            "Firewall.transform_json summary (bytes, parse included)",
            reference("Firewall.transform summary"),
            len,
            None,
            || fw.transform_json(&raw, &summary),
        );
        b.measure(
            name,
            "Firewall.transform_json table (bytes, parse included)",
            reference("Firewall.transform table"),
            len,
            None,
            || fw.transform_json(&raw, &table),
        );
    }

    // Table mode as rows grow: the cost should not move (no reference rows).
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let rows = Value::Array(
            (0..n)
                .map(|i| json!({"id": i, "status": "paid", "amount": 12.5, "email": "x@example.com"}))
                .collect(),
        );
        b.measure(
            &format!("synthetic_{n}"),
            "Firewall.transform table (rows curve)",
            None,
            None,
            None,
            || fw.transform(&rows, &table),
        );
        // Dropping 1M rows takes a while; keep it out of the timings.
        drop(rows);
    }
}
