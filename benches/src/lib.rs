//! The weaver benchmark suite: times weaver on the shared workloads and prints each number
//! beside the reference's (weaver-kernel 0.12.0) from `../shared/bench/reference-results.md`.
//!
//! Run it with `cargo xtask bench` (full scale, release). Each area has its own module with
//! a `run(&mut Bench)` function; `benches/weaver.rs` calls the ones selected on its command
//! line (`cargo bench -p weaver-benches --bench weaver -- redact stream`).
//!
//! Method, matching the reference harness: one warm-up run, then the median of N timed runs
//! (default 5, `WEAVER_BENCH_RUNS`); MB/s = 10^6 bytes of input / median seconds; peak RSS
//! from `/proc/self/status` (VmHWM), reset through `/proc/self/clear_refs` before each
//! operation where the kernel allows it.

pub mod adversarial;
pub mod budget;
pub mod cli;
pub mod estimate;
pub mod firewall;
pub mod handles;
pub mod redact;
pub mod stream;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

pub use weaver_testkit::Workloads;

/// A reference measurement parsed from reference-results.md.
#[derive(Debug, Clone)]
pub struct RefRow {
    /// Median wall time in seconds.
    pub median_s: f64,
    /// The `rate` column, in seconds per unit when present (µs/call etc.), or items/s.
    pub rate: Option<String>,
}

/// One result row of the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// Workload name (rows_50k, …) or an area (budget_manager).
    pub workload: String,
    /// What was measured.
    pub operation: String,
    /// Median seconds of the timed runs.
    pub median_s: f64,
    /// Input bytes (for MB/s), if meaningful.
    pub bytes: Option<u64>,
    /// Items per run (calls, chunks, pairs), for a per-item rate.
    pub items: Option<u64>,
    /// Peak RSS in MB during the operation, when measurable.
    pub peak_rss_mb: Option<f64>,
    /// The reference's median for the comparable operation.
    pub reference_s: Option<f64>,
    /// Free-form note.
    pub note: String,
}

/// The benchmark context: workloads, reference numbers, collected rows.
pub struct Bench {
    workloads: Workloads,
    reference: HashMap<(String, String), RefRow>,
    rows: Vec<Row>,
    runs: usize,
    scale: f64,
}

impl Bench {
    /// Generates (or reuses) the workloads at `scale` and loads the reference table.
    pub fn new(scale: f64) -> std::io::Result<Bench> {
        let workloads = weaver_testkit::workloads(scale)?;
        let reference = load_reference();
        let runs = std::env::var("WEAVER_BENCH_RUNS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5);
        Ok(Bench {
            workloads,
            reference,
            rows: Vec::new(),
            runs,
            scale,
        })
    }

    /// The workload scale (1.0 = the reference's).
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The workloads.
    pub fn workloads(&self) -> &Workloads {
        &self.workloads
    }

    /// The reference's median for (workload, operation) as written in reference-results.md.
    pub fn reference(&self, workload: &str, operation: &str) -> Option<f64> {
        self.reference
            .get(&(workload.to_owned(), operation.to_owned()))
            .map(|r| r.median_s)
    }

    /// Times `f` (one warm-up, then the median of N runs) and records a row.
    ///
    /// `reference_op` names the reference operation to compare with (same workload).
    pub fn measure<T>(
        &mut self,
        workload: &str,
        operation: &str,
        reference_op: Option<&str>,
        bytes: Option<u64>,
        items: Option<u64>,
        mut f: impl FnMut() -> T,
    ) -> Duration {
        std::hint::black_box(f());
        reset_peak_rss();
        let mut times = Vec::with_capacity(self.runs);
        for _ in 0..self.runs {
            let t = Instant::now();
            std::hint::black_box(f());
            times.push(t.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        // The reference ran at full scale: a ratio against a smaller workload would be
        // inflated, so reference numbers are only attached at scale 1.0.
        let reference_s = reference_op
            .filter(|_| (self.scale - 1.0).abs() < f64::EPSILON)
            .and_then(|op| self.reference(workload, op));
        self.rows.push(Row {
            workload: workload.to_owned(),
            operation: operation.to_owned(),
            median_s: median.as_secs_f64(),
            bytes,
            items,
            peak_rss_mb: peak_rss_mb(),
            reference_s,
            note: String::new(),
        });
        eprintln!(
            "  {workload:<14} {operation:<48} {}",
            fmt_duration(median.as_secs_f64())
        );
        median
    }

    /// Records a row measured some other way (e.g. a whole process run by the CLI bench).
    pub fn push_row(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Adds a note to the last row.
    pub fn note(&mut self, note: impl Into<String>) {
        if let Some(r) = self.rows.last_mut() {
            r.note = note.into();
        }
    }

    /// The collected rows.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The report as a markdown table.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        s.push_str("| workload | operation | median | MB/s | per item | peak RSS MB | reference | speed-up | note |\n");
        s.push_str("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for r in &self.rows {
            let mbs = r
                .bytes
                .map(|b| format!("{:.1}", b as f64 / 1e6 / r.median_s))
                .unwrap_or_default();
            let per = r
                .items
                .map(|n| fmt_duration(r.median_s / n as f64))
                .unwrap_or_default();
            let rss = r.peak_rss_mb.map(|m| format!("{m:.0}")).unwrap_or_default();
            let (reference, ratio) = match r.reference_s {
                Some(x) => (fmt_duration(x), format!("{:.0}×", x / r.median_s)),
                None => (String::new(), String::new()),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {mbs} | {per} | {rss} | {reference} | {ratio} | {} |",
                r.workload,
                r.operation,
                fmt_duration(r.median_s),
                r.note
            );
        }
        s
    }
}

/// Formats seconds with a unit that keeps three significant digits.
pub fn fmt_duration(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.2} µs", s * 1e6)
    } else {
        format!("{:.1} ns", s * 1e9)
    }
}

fn reset_peak_rss() {
    // "5" resets the peak RSS (VmHWM) on Linux; ignored where not permitted.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size of this process in MB (VmHWM), if readable.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Parses the timings table of reference-results.md into (workload, operation) → row.
fn load_reference() -> HashMap<(String, String), RefRow> {
    // `cargo xtask bench --with-reference` re-runs the reference in the same session and
    // points here at its fresh table; otherwise the committed run in shared/ is used.
    let path = std::env::var_os("WEAVER_REFERENCE_MD").map_or_else(
        || {
            weaver_testkit::shared_dir()
                .join("bench")
                .join("reference-results.md")
        },
        std::path::PathBuf::from,
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    let mut map = HashMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | workload | operation | median | min | max | MB/s | rate | ...
        if cells.len() < 8 || cells[1] == "workload" || cells[1].starts_with("---") {
            continue;
        }
        if let Some(median_s) = parse_duration(cells[3]) {
            let rate = (!cells[7].is_empty()).then(|| cells[7].to_owned());
            map.insert(
                (cells[1].to_owned(), cells[2].to_owned()),
                RefRow { median_s, rate },
            );
        }
    }
    map
}

/// Parses "2.53 s", "320.8 ms", "4.7 µs", "0 µs" into seconds.
pub fn parse_duration(s: &str) -> Option<f64> {
    let (num, unit) = s.split_once(' ')?;
    let x: f64 = num.replace(',', "").parse().ok()?;
    let scale = match unit {
        "s" => 1.0,
        "ms" => 1e-3,
        "µs" | "us" => 1e-6,
        "ns" => 1e-9,
        _ => return None,
    };
    Some(x * scale)
}
