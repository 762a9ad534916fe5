//! The weaver benchmark suite: times weaver on the workloads of `weaver-testkit` and prints
//! each number beside the reference's (weaver-kernel 0.12.0): the committed baseline
//! `benches/reference/baseline.md` (scale 1.0), or the table a `--with-reference` run has
//! just measured on the same workloads (`WEAVER_REFERENCE_MD`).
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
pub mod kernel;
pub mod mcp;
pub mod memory;
pub mod redact;
pub mod stream;
pub mod targets;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

pub use weaver_testkit::Workloads;

/// A reference measurement parsed from a reference table (`benches/reference/baseline.md` or a
/// fresh `--with-reference` run).
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
    /// Median CPU seconds of the measuring thread over the same runs (on a loaded machine
    /// wall time includes waiting for a core; this does not). Rows that run several
    /// threads count only the calling one.
    pub cpu_s: Option<f64>,
    /// The result of a row that is not a timing, with its unit (peak memory over input
    /// `"×"`, a count `" allocations"`); such rows print it instead of a duration.
    pub figure: Option<(f64, &'static str)>,
}

/// The benchmark context: workloads, reference numbers, collected rows.
pub struct Bench {
    workloads: Workloads,
    reference: HashMap<(String, String), RefRow>,
    /// The workload scale the reference table was measured at.
    reference_scale: Option<f64>,
    rows: Vec<Row>,
    runs: usize,
    scale: f64,
}

impl Bench {
    /// Generates (or reuses) the workloads at `scale` and loads the reference table.
    pub fn new(scale: f64) -> std::io::Result<Bench> {
        let workloads = weaver_testkit::workloads(scale)?;
        let (reference, reference_scale) = load_reference();
        let runs = std::env::var("WEAVER_BENCH_RUNS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5);
        Ok(Bench {
            workloads,
            reference,
            reference_scale,
            rows: Vec::new(),
            runs,
            scale,
        })
    }

    /// The workload scale (1.0 = the reference's).
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// How many timed runs [`measure`](Self::measure) makes after its warm-up.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// The workloads.
    pub fn workloads(&self) -> &Workloads {
        &self.workloads
    }

    /// Whether the reference table was measured at this run's scale (only then are its
    /// numbers attached to rows: a ratio against another scale would be meaningless).
    pub fn reference_comparable(&self) -> bool {
        self.reference_scale
            .is_some_and(|s| (s - self.scale).abs() <= 1e-9 * s.abs().max(1.0))
    }

    /// The reference's median for (workload, operation) as written in the reference table.
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
        let mut cpu = Vec::with_capacity(self.runs);
        for _ in 0..self.runs {
            let c = CpuTimer::start();
            let t = Instant::now();
            std::hint::black_box(f());
            times.push(t.elapsed());
            cpu.push(c.elapsed_s());
        }
        times.sort();
        cpu.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let cpu_s = Some(cpu[cpu.len() / 2]).filter(|c| c.is_finite());
        let reference_s = reference_op
            .filter(|_| self.reference_comparable())
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
            cpu_s,
            figure: None,
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
        s.push_str("| workload | operation | median | CPU | MB/s | per item | peak RSS MB | reference | speed-up | note |\n");
        s.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for r in &self.rows {
            if let Some((x, unit)) = r.figure {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} |  |  |  |  |  |  | {} |",
                    r.workload,
                    r.operation,
                    fmt_figure(x, unit),
                    r.note
                );
                continue;
            }
            let cpu = r.cpu_s.map(fmt_duration).unwrap_or_default();
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
                "| {} | {} | {} | {cpu} | {mbs} | {per} | {rss} | {reference} | {ratio} | {} |",
                r.workload,
                r.operation,
                fmt_duration(r.median_s),
                r.note
            );
        }
        s
    }
}

/// CPU time of the calling thread, from `/proc/thread-self/schedstat` (nanoseconds on the
/// CPU): on a loaded machine wall time includes waiting for a core, this does not.
#[derive(Debug, Clone, Copy)]
pub struct CpuTimer(Option<u64>);

impl CpuTimer {
    /// Starts counting (a timer that cannot read the counter reports `NaN`).
    pub fn start() -> CpuTimer {
        CpuTimer(thread_cpu_ns())
    }

    /// CPU seconds this thread spent since [`CpuTimer::start`].
    pub fn elapsed_s(&self) -> f64 {
        match (self.0, thread_cpu_ns()) {
            (Some(a), Some(b)) => b.saturating_sub(a) as f64 / 1e9,
            _ => f64::NAN,
        }
    }
}

/// Nanoseconds the calling thread has run on a CPU (Linux), if readable.
pub fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// A figure with its unit: ratios with three decimals, counts whole.
pub fn fmt_figure(x: f64, unit: &str) -> String {
    if unit == "×" {
        format!("{x:.3}{unit}")
    } else {
        format!("{x:.0}{unit}")
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

/// Reads the reference table: (workload, operation) → row, and the workloads' scale.
fn load_reference() -> (HashMap<(String, String), RefRow>, Option<f64>) {
    // `cargo xtask bench --with-reference` re-runs the reference in the same session and
    // points here at its fresh table; otherwise the committed baseline is used.
    let path = std::env::var_os("WEAVER_REFERENCE_MD").map_or_else(
        || {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("reference")
                .join("baseline.md")
        },
        std::path::PathBuf::from,
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return (HashMap::new(), None);
    };
    parse_reference(&text)
}

/// Parses a reference table (`| workload | operation | median | min | max | MB/s | rate |
/// …`) and its `- scale: F` line.
pub fn parse_reference(text: &str) -> (HashMap<(String, String), RefRow>, Option<f64>) {
    let mut map = HashMap::new();
    let mut scale = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("- scale:") {
            scale = v.trim().parse::<f64>().ok();
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
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
    (map, scale)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_baseline_parses_at_scale_one() {
        let text = include_str!("../reference/baseline.md");
        let (rows, scale) = parse_reference(text);
        assert_eq!(scale, Some(1.0));
        let est = &rows[&("rows_50k".to_owned(), "estimated_size".to_owned())];
        assert!((est.median_s - 0.3208).abs() < 1e-9);
        let per = &rows[&(
            "small_calls".to_owned(),
            "redact per call (default)".to_owned(),
        )];
        assert_eq!(per.rate.as_deref(), Some("133.0 µs/call"));
        assert!(rows.len() > 40);
    }

    #[test]
    fn durations_parse_in_every_unit() {
        assert_eq!(parse_duration("2.53 s"), Some(2.53));
        assert!((parse_duration("320.8 ms").unwrap() - 0.3208).abs() < 1e-12);
        assert!((parse_duration("4.7 µs").unwrap() - 4.7e-6).abs() < 1e-15);
        assert_eq!(parse_duration("12 parsecs"), None);
    }
}
