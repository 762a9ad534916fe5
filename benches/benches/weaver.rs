//! `cargo bench -p weaver-benches --bench weaver -- [AREA]...` — runs the selected areas
//! (all by default) on the workloads at `WEAVER_BENCH_SCALE` (default 1.0) and prints a
//! markdown report beside the reference's numbers, then every DESIGN.md §7 target with what
//! this run measured and met / missed / not measured; also written to
//! `target/weaver-bench/report.md`.

use weaver_benches::Bench;

type Area = (&'static str, fn(&mut Bench));

const AREAS: &[Area] = &[
    ("estimate", weaver_benches::estimate::run),
    ("redact", weaver_benches::redact::run),
    ("adversarial", weaver_benches::adversarial::run),
    ("stream", weaver_benches::stream::run),
    ("firewall", weaver_benches::firewall::run),
    ("handles", weaver_benches::handles::run),
    ("budget", weaver_benches::budget::run),
    ("kernel", weaver_benches::kernel::run),
    ("cli", weaver_benches::cli::run),
    ("mcp", weaver_benches::mcp::run),
    ("memory", weaver_benches::memory::run),
];

fn main() {
    // libtest-style flags cargo may pass (--bench) are ignored.
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let scale: f64 = std::env::var("WEAVER_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    eprintln!("weaver bench: generating/reusing workloads at scale {scale}");
    let mut bench = match Bench::new(scale) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot prepare workloads: {e}");
            std::process::exit(1);
        }
    };
    for &(name, run) in AREAS {
        if wanted.is_empty() || wanted.iter().any(|w| w == name) {
            eprintln!("== {name}");
            run(&mut bench);
        }
    }
    let report = format!(
        "{}\n## Against the targets of DESIGN.md §7\n\n{}",
        bench.markdown(),
        weaver_benches::targets::markdown(&bench)
    );
    println!("{report}");
    let dir = weaver_testkit::target_dir().join("weaver-bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("report.md"), &report);
}
