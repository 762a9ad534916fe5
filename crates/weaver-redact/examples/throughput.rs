//! Measures `redact_str` on text_20mb, the StreamRedactor on stream_chunks and the
//! anchor-dense worst cases, in CPU seconds of this process (user + system, from
//! `/proc/self/stat`), so a busy machine skews the numbers less than wall time:
//! `cargo run --release -p weaver-redact --example throughput [-- SCALE]` (default 1.0,
//! the benchmark workloads of weaver-testkit).

use std::fmt::Write as _;
use std::time::Instant;

use weaver_redact::Redactor;

/// CPU seconds used by this process so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the `(comm)`: state is field 3; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// Runs `f` until at least 2 CPU seconds have passed; returns (MB/s by CPU, MB/s by wall).
fn rate(bytes: usize, mut f: impl FnMut() -> usize) -> (f64, f64) {
    std::hint::black_box(f());
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let mut n = 0u32;
    while cpu_seconds() - c0 < 2.0 || n < 3 {
        std::hint::black_box(f());
        n += 1;
    }
    let cpu = cpu_seconds() - c0;
    let wall = t0.elapsed().as_secs_f64();
    let mb = bytes as f64 * f64::from(n) / 1e6;
    (mb / cpu, mb / wall)
}

fn worst_cases() -> Vec<(&'static str, String)> {
    let mut emails = String::new();
    let mut i = 0;
    while emails.len() < 1_000_000 {
        let _ = writeln!(emails, "user{i}.name@example{}.com", i % 97);
        i += 1;
    }
    let mut pairs = String::new();
    while pairs.len() < 1_000_000 {
        let _ = write!(pairs, "api_key=k{i:08x} ");
        i += 1;
        if i % 40 == 0 {
            pairs.push('\n');
        }
    }
    let mut digits = String::new();
    while digits.len() < 1_000_000 {
        let _ = write!(
            digits,
            "{:03}-{:03}-{:04} ",
            i % 1000,
            (i * 7) % 1000,
            (i * 13) % 10_000
        );
        i += 1;
        if i % 8 == 0 {
            digits.push('\n');
        }
    }
    vec![
        ("e-mail list, one per line (1 MB)", emails),
        ("api_key= pairs (1 MB)", pairs),
        ("digits with separators (1 MB)", digits),
    ]
}

fn main() {
    let scale: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let w = weaver_testkit::workloads(scale).expect("workloads");
    let r = Redactor::new();
    let text = w.text().expect("text_20mb");
    if let Some(n) = std::env::var("THROUGHPUT_STREAM_PROFILE")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
    {
        // For a profiler: only the stream over stream_chunks, n times.
        let chunks = w.chunks().expect("stream_chunks");
        for _ in 0..n {
            let mut s = r.stream();
            let mut out = Vec::with_capacity(text.len() + 4096);
            for c in &chunks {
                s.push(c.as_bytes(), &mut out);
            }
            s.finish(&mut out);
            std::hint::black_box(out.len());
        }
        return;
    }
    if let Some(i) = std::env::var("THROUGHPUT_WORST_PROFILE")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    {
        // For a profiler: only worst case `i` (0: e-mails, 1: pairs, 2: digits), once.
        let cases = worst_cases();
        let (_, t) = &cases[i.min(cases.len() - 1)];
        std::hint::black_box(r.redact_str(t).len());
        return;
    }
    if let Some(n) = std::env::var("THROUGHPUT_PROFILE")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
    {
        // For a profiler: only the one-shot call, n times.
        for _ in 0..n {
            std::hint::black_box(r.redact_str(&text).len());
        }
        return;
    }
    let t = Instant::now();
    let built = Redactor::builder().build().expect("default rules");
    println!(
        "build: {:.1} ms; two-stage scanner: {}",
        t.elapsed().as_secs_f64() * 1e3,
        built.uses_fast_path()
    );
    println!("{}", built.fast_path_summary().unwrap_or_default());
    let exact = r.redact_bytes_exact_with(text.as_bytes(), &mut |_| {});
    assert!(
        exact == r.redact_str(&text).as_bytes(),
        "two-stage output differs from the exact scanner on text_20mb"
    );
    let (cpu, wall) = rate(text.len(), || {
        r.redact_bytes_exact_with(text.as_bytes(), &mut |_| {})
            .len()
    });
    println!("exact scanner text_20mb: {cpu:.0} MB/s CPU, {wall:.0} MB/s wall");
    let (cpu, wall) = rate(text.len(), || r.redact_str(&text).len());
    println!(
        "redact_str text_20mb ({} B): {cpu:.0} MB/s CPU, {wall:.0} MB/s wall",
        text.len()
    );

    let chunks = w.chunks().expect("stream_chunks");
    let total: usize = chunks.iter().map(String::len).sum();
    let (cpu, wall) = rate(total, || {
        let mut s = r.stream();
        let mut out = Vec::with_capacity(total + 4096);
        for c in &chunks {
            s.push(c.as_bytes(), &mut out);
        }
        s.finish(&mut out);
        out.len()
    });
    println!(
        "StreamRedactor stream_chunks ({} chunks): {cpu:.0} MB/s CPU, {wall:.0} MB/s wall",
        chunks.len()
    );

    for (name, t) in worst_cases() {
        let exact = r.redact_bytes_exact_with(t.as_bytes(), &mut |_| {});
        assert!(
            exact == r.redact_str(&t).as_bytes(),
            "{name}: outputs differ"
        );
        let (cpu, wall) = rate(t.len(), || r.redact_str(&t).len());
        println!("redact_str {name}: {cpu:.0} MB/s CPU, {wall:.0} MB/s wall");
    }
}
