//! Measures redaction throughput on adversarial generators (by hand, release build):
//! `cargo run --release -p weaver-redact --example adversarial -- [MB ...] [NAME ...]
//! [--text FILE]`.
//!
//! Each generator builds one pathological run of 60 000 bytes (below the 64 KiB hold cap,
//! where the exact rules really run), and the input is that run repeated, one per line, up
//! to the size asked. Prints MB/s per generator and size: a linear scanner keeps MB/s flat
//! as the size grows (a quadratic one loses 10x per 10x). `--text FILE` times `redact_str`
//! on a text workload (a JSON string file such as text_20mb.json).

use std::fmt::Write as _;
use std::time::Instant;

use weaver_redact::Redactor;

/// A named generator: builds one pathological run of about `n` bytes.
type Generator = (&'static str, fn(usize) -> String);

/// The length of one run: below the hold cap, so every rule's exact search runs on it.
const RUN: usize = 60_000;

fn repeat_to(unit: &str, n: usize) -> String {
    let mut s = String::with_capacity(n + unit.len());
    while s.len() < n {
        s.push_str(unit);
    }
    s
}

/// The pathological shapes, each built to `n` bytes.
fn generators() -> Vec<Generator> {
    vec![
        ("a*n+@b-.cc", |n| {
            let mut s = "a".repeat(n.saturating_sub(6));
            s.push_str("@b-.cc");
            s
        }),
        ("sk-*", |n| repeat_to("sk-", n)),
        ("0token=*", |n| repeat_to("0token=", n)),
        ("digits 1-2-3", |n| repeat_to("1-2", n)),
        ("digits 12 34", |n| repeat_to("12 34 ", n)),
        ("word chars", |n| "x".repeat(n)),
        ("=:= chain", |n| repeat_to("=:", n)),
        ("base64ish", |n| repeat_to("QUJDRGVm+/9z", n)),
        ("x@y lines", |n| repeat_to("x@y\n", n)),
        ("a@b.io spaced", |n| repeat_to("a@b.io ", n)),
        ("emails lines", |n| repeat_to("user.name@example.com\n", n)),
        ("timestamps", |n| repeat_to("1700000000123\n", n)),
        ("@ chain", |n| repeat_to("a@", n)),
        ("dots@", |n| repeat_to("a.", n) + "@"),
        ("password=*", |n| repeat_to("password=", n)),
        ("bearer *", |n| repeat_to("bearer ", n)),
        ("eyJ.*", |n| repeat_to("eyJa.", n)),
        ("+1 digits", |n| repeat_to("+1 2", n)),
        ("url ://:@", |n| repeat_to("a://b:c", n)),
        ("\\n escapes", |n| repeat_to("\\nab", n)),
        ("\\u escapes", |n| repeat_to("\\u0040a", n)),
        ("-----BEGIN", |n| {
            repeat_to("-----BEGIN RSA PRIVATE KEY-----", n)
        }),
        ("ghp_ short", |n| repeat_to("ghp_", n)),
        ("AKIA", |n| repeat_to("AKIA", n)),
        ("digit ctx phone", |n| repeat_to("phone 2125550 ", n)),
    ]
}

/// CPU time this thread has run, from `/proc/thread-self/schedstat` (Linux; 0 elsewhere):
/// steadier than wall time on a shared machine.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = Redactor::new();
    if let Some(i) = args.iter().position(|a| a == "--text") {
        let raw = std::fs::read_to_string(&args[i + 1]).expect("text file");
        let text: String = serde_json::from_str(&raw).unwrap_or(raw);
        let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
        let mut len = 0;
        for _ in 0..7 {
            let (t, c) = (Instant::now(), cpu_seconds());
            len = r.redact_str(&text).len();
            best = best.min(t.elapsed().as_secs_f64());
            best_cpu = best_cpu.min(cpu_seconds() - c);
        }
        let mb = text.len() as f64 / 1e6;
        println!(
            "text: {} bytes -> {len}: {:.0} MB/s wall, {:.0} MB/s CPU time (best of 7)",
            text.len(),
            mb / best,
            mb / best_cpu
        );
        return;
    }
    let sizes: Vec<usize> = args
        .iter()
        .filter_map(|a| a.parse::<f64>().ok())
        .map(|mb| (mb * 1e6) as usize)
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000]
    } else {
        sizes
    };
    let only: Vec<&String> = args.iter().filter(|a| a.parse::<f64>().is_err()).collect();
    for (name, g) in generators() {
        if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
            continue;
        }
        let mut line = format!("{name:>16}");
        for &n in &sizes {
            let run = g(RUN);
            let mut s = String::with_capacity(n + RUN);
            while s.len() < n {
                s.push_str(&run);
                s.push('\n');
            }
            let (t, c) = (Instant::now(), cpu_seconds());
            let out = r.redact_str(&s);
            let (dt, dc) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
            let mb = s.len() as f64 / 1e6;
            let _ = write!(
                line,
                "  {mb:>5.1} MB: {:>7.1} MB/s wall {:>7.1} CPU (out {} B)",
                mb / dt,
                mb / dc,
                out.len()
            );
        }
        println!("{line}");
    }
}
