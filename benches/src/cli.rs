//! Whole-process benchmarks of the `weaver` binary: parse, work and output included, as a
//! user of the command line sees them. Needs `target/release/weaver` (`cargo xtask bench`
//! builds it first); skipped with a message otherwise.
//!
//! Peak RSS of the child is sampled from `/proc/<pid>/status` (VmHWM) while it runs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Bench, Row};

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let exe = weaver_testkit::target_dir().join("release").join("weaver");
    if !exe.is_file() {
        eprintln!(
            "  cli: {} not found; build it with `cargo build --release -p weaver-cli`",
            exe.display()
        );
        return;
    }
    let text_path = b.workloads().dir().join("text_20mb.txt");
    if !text_path.is_file() {
        match b.workloads().text() {
            Ok(t) => {
                if let Err(e) = std::fs::write(&text_path, t) {
                    eprintln!("  cli: cannot write {}: {e}", text_path.display());
                    return;
                }
            }
            Err(e) => {
                eprintln!("  cli: cannot read text_20mb: {e}");
                return;
            }
        }
    }
    let text_bytes = file_len(&text_path);
    let rows = b.workloads().path("rows_50k");
    let rows_bytes = file_len(&rows);

    process_row(
        b,
        &exe,
        "text_20mb",
        "weaver redact FILE (whole process)",
        &["redact"],
        &text_path,
        text_bytes,
        Some("redact (string)"),
    );
    process_row(
        b,
        &exe,
        "rows_50k",
        "weaver firewall --mode table (whole process)",
        &["firewall", "--mode", "table"],
        &rows,
        rows_bytes,
        Some("Firewall.transform table"),
    );
    process_row(
        b,
        &exe,
        "rows_50k",
        "weaver firewall summary (whole process)",
        &["firewall"],
        &rows,
        rows_bytes,
        Some("Firewall.transform summary"),
    );
    process_row(
        b,
        &exe,
        "rows_50k",
        "weaver estimate (whole process)",
        &["estimate"],
        &rows,
        rows_bytes,
        Some("estimated_size"),
    );
    let deep = b.workloads().path("nested_deep");
    process_row(
        b,
        &exe,
        "nested_deep",
        "weaver estimate (whole process)",
        &["estimate"],
        &deep,
        file_len(&deep),
        Some("estimated_size"),
    );
    stream_gigabyte(b, &exe);
}

fn file_len(p: &Path) -> Option<u64> {
    std::fs::metadata(p).ok().map(|m| m.len())
}

/// Median of 5 whole-process runs (after one warm-up), output discarded.
#[allow(clippy::too_many_arguments)]
fn process_row(
    b: &mut Bench,
    exe: &Path,
    workload: &str,
    operation: &str,
    args: &[&str],
    input: &Path,
    bytes: Option<u64>,
    reference_op: Option<&str>,
) {
    let mut times = Vec::new();
    let mut peak = 0u64;
    for i in 0..6 {
        let Some((t, rss)) = time_process(exe, args, input) else {
            eprintln!("  cli: {operation} failed");
            return;
        };
        if i > 0 {
            times.push(t);
        }
        peak = peak.max(rss);
    }
    times.sort();
    let median = times[times.len() / 2].as_secs_f64();
    let reference_s = reference_op
        .filter(|_| b.reference_comparable())
        .and_then(|op| b.reference(workload, op));
    eprintln!(
        "  {workload:<14} {operation:<48} {}",
        crate::fmt_duration(median)
    );
    b.push_row(Row {
        workload: workload.to_owned(),
        operation: operation.to_owned(),
        median_s: median,
        bytes,
        items: None,
        peak_rss_mb: Some(peak as f64 / 1024.0),
        reference_s,
        note: "child process; reference is in-process".into(),
        cpu_s: None,
        figure: None,
    });
}

fn time_process(exe: &Path, args: &[&str], input: &Path) -> Option<(Duration, u64)> {
    let start = Instant::now();
    let child = Command::new(exe)
        .args(args)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let (status, peak_kb) = wait_sampling_rss(child);
    let elapsed = start.elapsed();
    status.then_some((elapsed, peak_kb))
}

/// Waits for the child while sampling its VmHWM (kB); returns (success, peak kB).
fn wait_sampling_rss(mut child: std::process::Child) -> (bool, u64) {
    let status_path = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak = 0u64;
    loop {
        if let Some(kb) = vm_hwm_kb(&status_path) {
            peak = peak.max(kb);
        }
        match child.try_wait() {
            Ok(Some(s)) => return (s.success(), peak),
            Ok(None) => std::thread::sleep(Duration::from_millis(1)),
            Err(_) => return (false, peak),
        }
    }
}

fn vm_hwm_kb(status: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(status).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Pipes 1 GB of log-like text (a repeated slice of text_20mb) through `weaver redact` and
/// records its peak RSS: it must stay flat (DESIGN.md §7: ≤ 32 MB).
fn stream_gigabyte(b: &mut Bench, exe: &Path) {
    const TOTAL: usize = 1 << 30;
    let Ok(text) = b.workloads().text() else {
        return;
    };
    let slice: Vec<u8> = text.as_bytes()[..text.len().min(8 << 20)].to_vec();
    let Ok(mut child) = Command::new(exe)
        .arg("redact")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return;
    };
    let Some(mut stdin) = child.stdin.take() else {
        return;
    };
    let start = Instant::now();
    let writer = std::thread::spawn(move || {
        let mut sent = 0;
        while sent < TOTAL {
            let n = slice.len().min(TOTAL - sent);
            if stdin.write_all(&slice[..n]).is_err() {
                break;
            }
            sent += n;
        }
    });
    let (ok, peak_kb) = wait_sampling_rss(child);
    let elapsed = start.elapsed().as_secs_f64();
    let _ = writer.join();
    if !ok {
        eprintln!("  cli: weaver redact on 1 GB failed");
        return;
    }
    eprintln!(
        "  {:<14} {:<48} {} (peak RSS {:.1} MB)",
        "1 GB stream",
        "weaver redact < 1 GB pipe",
        crate::fmt_duration(elapsed),
        peak_kb as f64 / 1024.0
    );
    b.push_row(Row {
        workload: "1 GB stream".into(),
        operation: "weaver redact < 1 GB pipe (whole process)".into(),
        median_s: elapsed,
        bytes: Some(TOTAL as u64),
        items: None,
        peak_rss_mb: Some(peak_kb as f64 / 1024.0),
        reference_s: None,
        note: "one run; text_20mb head repeated; target RSS ≤ 32 MB".into(),
        cpu_s: None,
        figure: None,
    });
}
