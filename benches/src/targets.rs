//! The targets of DESIGN.md §7, each judged against the rows of this run: met, missed, or
//! not measured (its area was not run, or the row needs the reference at this scale).
//!
//! Speed targets are judged on wall-clock medians (the CPU column of the report shows how
//! much of a slow row was waiting for a core on a loaded machine).

use std::fmt::Write as _;

use crate::{Bench, Row, fmt_duration};

/// One target and what this run says about it.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The target as DESIGN.md §7 states it.
    pub target: &'static str,
    /// What was measured (empty when nothing was).
    pub measured: String,
    /// `Some(true)` met, `Some(false)` missed, `None` not measured in this run.
    pub met: Option<bool>,
}

fn find<'b>(b: &'b [Row], workload: &str, operation: &str) -> Option<&'b Row> {
    b.iter()
        .find(|r| r.workload == workload && r.operation == operation)
}

fn mbs(r: &Row) -> Option<f64> {
    r.bytes.map(|n| n as f64 / 1e6 / r.median_s)
}

fn not_measured(target: &'static str, why: &str) -> Verdict {
    Verdict {
        target,
        measured: why.to_owned(),
        met: None,
    }
}

/// `≥ factor×` the reference's speed on `(workload, operation)`.
fn speedup(
    b: &[Row],
    target: &'static str,
    workload: &str,
    operation: &str,
    factor: f64,
) -> Verdict {
    let Some(r) = find(b, workload, operation) else {
        return not_measured(target, "area not run");
    };
    let Some(reference) = r.reference_s else {
        return not_measured(
            target,
            &format!("{} (no reference at this scale)", fmt_duration(r.median_s)),
        );
    };
    let x = reference / r.median_s;
    let cpu = r
        .cpu_s
        .filter(|&c| c > 0.0)
        .map(|c| format!(" (on CPU time {:.0}×)", reference / c))
        .unwrap_or_default();
    Verdict {
        target,
        measured: format!(
            "{} vs reference {} = {x:.0}×{cpu}",
            fmt_duration(r.median_s),
            fmt_duration(reference)
        ),
        met: Some(x >= factor),
    }
}

/// A throughput of at least `min` MB/s on `(workload, operation)`, and `extra` on its row.
fn throughput(
    b: &[Row],
    target: &'static str,
    workload: &str,
    operation: &str,
    min: f64,
    extra: impl Fn(&Row) -> Option<String>,
) -> Verdict {
    let Some(r) = find(b, workload, operation) else {
        return not_measured(target, "area not run");
    };
    let rate = mbs(r).unwrap_or(0.0);
    let problem = extra(r);
    let mut measured = format!("{rate:.0} MB/s");
    if let (Some(n), Some(c)) = (r.bytes, r.cpu_s.filter(|&c| c > 0.0)) {
        let _ = write!(measured, " (on CPU time {:.0} MB/s)", n as f64 / 1e6 / c);
    }
    if let Some(p) = &problem {
        let _ = write!(measured, "; {p}");
    }
    Verdict {
        target,
        measured,
        met: Some(rate >= min && problem.is_none()),
    }
}

/// At most `max` seconds per run of `(workload, operation)`, or per item when `per_item`.
fn at_most(
    b: &[Row],
    target: &'static str,
    workload: &str,
    operation: &str,
    max: f64,
    per_item: bool,
) -> Verdict {
    let Some(r) = find(b, workload, operation) else {
        return not_measured(target, "area not run");
    };
    let t = match (per_item, r.items) {
        (true, Some(n)) if n > 0 => r.median_s / n as f64,
        _ => r.median_s,
    };
    let cpu = r
        .cpu_s
        .map(|c| {
            let c = match (per_item, r.items) {
                (true, Some(n)) if n > 0 => c / n as f64,
                _ => c,
            };
            format!(" (CPU {})", fmt_duration(c))
        })
        .unwrap_or_default();
    Verdict {
        target,
        measured: format!("{}{cpu}", fmt_duration(t)),
        met: Some(t <= max),
    }
}

/// Whether a note says that nothing leaked (`0 of N canaries leaked`).
fn leaked(note: &str) -> Option<String> {
    (!note.starts_with("0 of ")).then(|| {
        let head = note.split(';').next().unwrap_or(note);
        head.to_owned()
    })
}

/// Every target of DESIGN.md §7, in its order, judged on the rows `b` of a run.
#[allow(clippy::too_many_lines)]
pub fn verdicts(b: &[Row]) -> Vec<Verdict> {
    let mut v = vec![
        throughput(
            b,
            "redact one string, text_20mb ≥ 1 GB/s",
            "text_20mb",
            "redact_str",
            1000.0,
            |r| leaked(&r.note),
        ),
        throughput(
            b,
            "stream redaction, stream_chunks ≥ 500 MB/s, 0 leaks, output == one-shot",
            "stream_chunks",
            "StreamRedactor push+finish",
            500.0,
            |r| {
                leaked(&r.note).or_else(|| {
                    (!r.note.contains("output == one-shot: true"))
                        .then(|| "output differs from one-shot".to_owned())
                })
            },
        ),
        speedup(
            b,
            "transform summary, rows_50k ≥ 100× the reference",
            "rows_50k",
            "Firewall.transform summary",
            100.0,
        ),
    ];
    // Table mode: ≤ 1 ms on rows_50k and flat as rows grow (the synthetic curve within 2×).
    let table = "transform table, rows_50k ≤ 1 ms, flat in input size";
    v.push(match find(b, "rows_50k", "Firewall.transform table") {
        None => not_measured(table, "area not run"),
        Some(r) => {
            let curve: Vec<f64> = b
                .iter()
                .filter(|c| c.operation == "Firewall.transform table (rows curve)")
                .map(|c| c.median_s)
                .collect();
            let (lo, hi) = curve.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &t| {
                (lo.min(t), hi.max(t))
            });
            let flat = curve.len() >= 2 && hi <= 2.0 * lo;
            Verdict {
                target: table,
                measured: format!(
                    "{}; 1k…1M rows {}…{}",
                    fmt_duration(r.median_s),
                    fmt_duration(lo),
                    fmt_duration(hi)
                ),
                met: Some(r.median_s <= 1e-3 && flat),
            }
        }
    });
    let est = speedup(b, "", "rows_50k", "estimate(&Value)", 50.0);
    let allocs = find(
        b,
        "rows_50k",
        "allocations of estimate(&Value) (counting allocator)",
    )
    .and_then(|r| r.figure)
    .map(|(n, _)| n);
    v.push(Verdict {
        target: "estimate, rows_50k ≥ 50× the reference, 0 heap allocations",
        measured: format!(
            "{}; {}",
            est.measured,
            allocs.map_or("allocations not counted (memory area)".to_owned(), |n| {
                format!("{n:.0} allocations")
            })
        ),
        met: match (est.met, allocs) {
            (Some(fast), Some(n)) => Some(fast && n == 0.0),
            (Some(false), None) => Some(false),
            _ => None,
        },
    });
    v.push(at_most(
        b,
        "store+expand per small call ≤ 3 µs",
        "small_calls",
        "HandleStore store+expand per call",
        3e-6,
        true,
    ));
    let budget = "budget allocate+record ≥ 20 M/s, one thread";
    v.push(
        match find(b, "budget_manager", "BudgetManager reserve+commit") {
            None => not_measured(budget, "area not run"),
            Some(r) => {
                let rate = r.items.map_or(0.0, |n| n as f64 / r.median_s);
                Verdict {
                    target: budget,
                    measured: format!("{:.1} M/s", rate / 1e6),
                    met: Some(rate >= 20e6),
                }
            }
        },
    );
    let peak = "peak memory, transform rows_50k ≤ 1.3× the parsed input";
    let ratios: Vec<(String, f64)> = b
        .iter()
        .filter(|r| r.operation.starts_with("peak heap, Firewall.transform"))
        .filter_map(|r| r.figure.map(|(x, _)| (r.operation.clone(), x)))
        .collect();
    v.push(if ratios.is_empty() {
        not_measured(peak, "memory area not run")
    } else {
        let worst = ratios.iter().map(|(_, x)| *x).fold(0.0f64, f64::max);
        Verdict {
            target: peak,
            measured: ratios
                .iter()
                .map(|(op, x)| {
                    let mode = op
                        .trim_start_matches("peak heap, Firewall.transform ")
                        .split(' ')
                        .next()
                        .unwrap_or("");
                    format!("{mode} {x:.3}×")
                })
                .collect::<Vec<_>>()
                .join(", "),
            met: Some(worst <= 1.3),
        }
    });
    let flat = "`weaver redact` on a 1 GB stream: flat RSS ≤ 32 MB";
    v.push(
        match find(
            b,
            "1 GB stream",
            "weaver redact < 1 GB pipe (whole process)",
        ) {
            None => not_measured(flat, "cli area not run"),
            Some(r) => {
                let rss = r.peak_rss_mb.unwrap_or(f64::INFINITY);
                Verdict {
                    target: flat,
                    measured: format!("peak RSS {rss:.1} MB, {:.0} MB/s", mbs(r).unwrap_or(0.0)),
                    met: Some(rss <= 32.0),
                }
            }
        },
    );
    v.push(at_most(
        b,
        "`weaver firewall --mode table` on rows_50k, whole process ≤ 50 ms",
        "rows_50k",
        "weaver firewall --mode table (whole process)",
        0.050,
        false,
    ));
    v.push(at_most(
        b,
        "`weaver firewall` summary on rows_50k, whole process ≤ 150 ms",
        "rows_50k",
        "weaver firewall summary (whole process)",
        0.150,
        false,
    ));
    v.push(speedup(
        b,
        "`weaver estimate` on rows_50k, whole process ≥ 20× the reference's estimated_size",
        "rows_50k",
        "weaver estimate (whole process)",
        20.0,
    ));
    let invoke = "`Kernel::invoke` per small call (store + budget + frame) ≤ 15 µs";
    v.push(
        match [
            "Kernel.invoke summary per call (store + budget + frame)",
            "Kernel.invoke table per call (store + budget + frame)",
        ]
        .iter()
        .filter_map(|op| find(b, "small_calls", op))
        .filter_map(|r| r.items.filter(|&n| n > 0).map(|n| r.median_s / n as f64))
        .reduce(f64::max)
        {
            None => not_measured(invoke, "kernel area not run"),
            Some(worst) => Verdict {
                target: invoke,
                measured: format!("{} (slower mode)", fmt_duration(worst)),
                met: Some(worst <= 15e-6),
            },
        },
    );
    v.push(mcp_added(b));
    v.push(linearity(b));
    v
}

/// Linear time, judged on the redactor's worst-case shapes: per byte, runs four times
/// longer must not cost more than [`LINEARITY`](crate::adversarial::LINEARITY) times as
/// much (a quadratic scanner would take four times as long).
fn linearity(b: &[Row]) -> Verdict {
    use crate::adversarial::{LINEARITY, SHORT_RUNS};
    let target = "any input, any subcommand: time linear in input size";
    let worst = b
        .iter()
        .filter(|r| r.workload == "adversarial" && !r.operation.ends_with(SHORT_RUNS))
        .filter_map(|long| {
            let short = find(b, "adversarial", &format!("{}{SHORT_RUNS}", long.operation))?;
            Some((per_byte(long)? / per_byte(short)?, long.operation.as_str()))
        })
        .max_by(|x, y| x.0.total_cmp(&y.0));
    match worst {
        None => not_measured(target, "adversarial area not run"),
        Some((ratio, operation)) => Verdict {
            target,
            measured: format!(
                "the redactor on 12 worst-case shapes: 4× longer runs cost at most {ratio:.2}× \
                 per byte (linear 1×, quadratic 4×; worst: {operation}); the other \
                 subcommands are not judged here"
            ),
            met: Some(ratio <= LINEARITY),
        },
    }
}

/// Seconds per input byte of a row: its wall median, or its CPU median when that is
/// smaller and long enough to be more than a few clock ticks (the wall median of a short
/// row on a busy machine includes waiting for a core).
fn per_byte(r: &Row) -> Option<f64> {
    let bytes = r.bytes.filter(|&n| n > 0)? as f64;
    let s = match r.cpu_s {
        Some(c) if c >= 0.010 => r.median_s.min(c),
        _ => r.median_s,
    };
    Some(s / bytes)
}

/// `weaver mcp`'s added latency: the proxied median round trip minus the direct one, for
/// the small and the 2 MB result.
fn mcp_added(b: &[Row]) -> Verdict {
    use crate::mcp::{DIRECT, LARGE, PROXIED, SMALL};
    let target = "`weaver mcp` added latency per tools/call ≤ 1 ms small, ≤ 20 ms for 2 MB";
    let added = |workload: &str| {
        let direct = find(b, workload, DIRECT)?;
        let proxied = find(b, workload, PROXIED)?;
        Some((proxied.median_s - direct.median_s).max(0.0))
    };
    let (Some(small), Some(large)) = (added(SMALL), added(LARGE)) else {
        return not_measured(target, "mcp area not run");
    };
    Verdict {
        target,
        measured: format!(
            "small {}, 2 MB {} (median through weaver minus the server alone)",
            fmt_duration(small),
            fmt_duration(large)
        ),
        met: Some(small <= 1e-3 && large <= 20e-3),
    }
}

/// The verdicts on a run's rows as a markdown table.
pub fn markdown(bench: &Bench) -> String {
    let mut s = String::from("| target (DESIGN.md §7) | measured | met? |\n|---|---|---|\n");
    for v in verdicts(bench.rows()) {
        let met = match v.met {
            Some(true) => "met",
            Some(false) => "missed",
            None => "not measured",
        };
        let _ = writeln!(s, "| {} | {} | {met} |", v.target, v.measured);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(workload: &str, operation: &str, median_s: f64) -> Row {
        Row {
            workload: workload.into(),
            operation: operation.into(),
            median_s,
            bytes: None,
            items: None,
            peak_rss_mb: None,
            reference_s: None,
            note: String::new(),
            cpu_s: None,
            figure: None,
        }
    }

    fn verdict<'v>(v: &'v [Verdict], starts: &str) -> &'v Verdict {
        v.iter()
            .find(|x| x.target.starts_with(starts))
            .expect("every target is listed")
    }

    #[test]
    fn every_target_is_listed_and_unmeasured_ones_say_so() {
        let v = verdicts(&[]);
        assert_eq!(v.len(), 15, "one verdict per row of DESIGN.md §7");
        assert!(v.iter().all(|x| x.met.is_none()));
    }

    #[test]
    fn speed_leaks_and_ratios_decide() {
        let mut redact = row("text_20mb", "redact_str", 0.010);
        redact.bytes = Some(20_000_000);
        redact.note = "0 of 208 canaries leaked; 208 masks".into();
        let mut stream = row("stream_chunks", "StreamRedactor push+finish", 0.010);
        stream.bytes = Some(20_000_000);
        stream.note = "1 of 208 canaries leaked; output == one-shot: true".into();
        let mut summary = row("rows_50k", "Firewall.transform summary", 0.030);
        summary.reference_s = Some(2.73);
        let mut calls = row("small_calls", "HandleStore store+expand per call", 0.020);
        calls.items = Some(10_000);
        let mut peak = row(
            "rows_50k",
            "peak heap, Firewall.transform summary (counting allocator)",
            0.0,
        );
        peak.figure = Some((1.31, "×"));
        let v = verdicts(&[redact, stream, summary, calls, peak]);
        // 2000 MB/s, nothing leaked.
        assert_eq!(verdict(&v, "redact one string").met, Some(true));
        // Fast enough, but a canary leaked.
        assert_eq!(verdict(&v, "stream redaction").met, Some(false));
        // 2.73 s / 30 ms = 91×.
        assert_eq!(verdict(&v, "transform summary").met, Some(false));
        assert!(verdict(&v, "transform summary").measured.contains("91×"));
        // 2 µs per call.
        assert_eq!(verdict(&v, "store+expand").met, Some(true));
        assert_eq!(verdict(&v, "peak memory").met, Some(false));
        assert_eq!(verdict(&v, "budget").met, None);
    }

    #[test]
    fn mcp_latency_and_linearity_are_judged_on_their_rows() {
        use crate::adversarial::SHORT_RUNS;
        use crate::mcp::{DIRECT, LARGE, PROXIED, SMALL};
        let rows = vec![
            row(SMALL, DIRECT, 0.000_100),
            row(SMALL, PROXIED, 0.000_400),
            row(LARGE, DIRECT, 0.080),
            row(LARGE, PROXIED, 0.095),
        ];
        let v = verdicts(&rows);
        // Added 0.3 ms and 15 ms.
        assert_eq!(verdict(&v, "`weaver mcp`").met, Some(true));
        let slow = [row(LARGE, DIRECT, 0.080), row(LARGE, PROXIED, 0.130)];
        let v = verdicts(&[
            rows[0].clone(),
            rows[1].clone(),
            slow[0].clone(),
            slow[1].clone(),
        ]);
        assert_eq!(verdict(&v, "`weaver mcp`").met, Some(false));
        assert!(verdict(&v, "`weaver mcp`").measured.contains("50.00 ms"));

        let shape = |op: &str, secs: f64| {
            let mut r = row("adversarial", op, secs);
            r.bytes = Some(1_000_000);
            r
        };
        let linear = [
            shape("redact_str x", 0.010),
            shape(&format!("redact_str x{SHORT_RUNS}"), 0.009),
        ];
        assert_eq!(verdict(&verdicts(&linear), "any input").met, Some(true));
        // Four times the cost per byte for runs four times longer: quadratic.
        let quadratic = [
            shape("redact_str x", 0.040),
            shape(&format!("redact_str x{SHORT_RUNS}"), 0.010),
        ];
        let v = verdicts(&quadratic);
        assert_eq!(verdict(&v, "any input").met, Some(false));
        assert!(verdict(&v, "any input").measured.contains("4.00×"));
    }
}
