//! Developer workflows for the weaver workspace, in Rust instead of shell scripts
//! (rust-analyzer style). Run through the cargo alias in `.cargo/config.toml`:
//!
//! ```text
//! cargo xtask ci                      # everything CI checks: fmt, clippy, tests, docs, deny
//! cargo xtask test                    # just the tests (nextest when installed)
//! cargo xtask bench [AREA]... [--scale F] [--with-reference]
//! cargo xtask fuzz [TARGET] [--seconds N]
//! cargo xtask gen-workloads [--scale F] [--out DIR]
//! cargo xtask layering                # check the crate layering of DESIGN.md §1
//! cargo xtask self-contained          # nothing in crates/ benches/ xtask/ reaches outside
//! cargo xtask package                 # cargo package + verify every publishable crate
//! cargo xtask features                # each library without defaults / with all features
//! cargo xtask dist [--out DIR]        # completions + man pages into target/dist/
//! ```

mod disk;
mod dist;
mod fuzz;
mod layering;
mod release;
mod selfcontained;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match cmd.as_str() {
        "ci" => ci(),
        "test" => test(),
        "bench" => bench(rest),
        "fuzz" => fuzz::run_by_hand(rest),
        "gen-workloads" => gen_workloads(rest),
        "layering" => layering::check(&root()).map_err(|e| e.join("\n")),
        "self-contained" => selfcontained::check(&root()).map_err(|e| e.join("\n")),
        "package" => release::package(&root()),
        "features" => release::features(&root()),
        "dist" => dist::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str =
    "usage: cargo xtask <ci|test|bench|fuzz|gen-workloads|layering|self-contained|package|
                     features|dist> [options]
  ci                       fmt check, layering, self-containment, clippy -D warnings, tests,
                           docs -D warnings, cargo-deny, package, features, fuzz smoke
                           (opt-in: WEAVER_FUZZ_SMOKE=1)
  test                     the workspace tests (cargo nextest when installed, else cargo test)
  bench [AREA]... [--scale F] [--with-reference]
                           benchmarks on the generated workloads (areas: estimate redact
                           adversarial stream firewall handles budget kernel cli mcp memory),
                           then every DESIGN.md §7 target: met / missed / not measured;
                           --with-reference also times the Python reference on the same
                           workloads in this run (python3 + PyPI for weaver-kernel==0.12.0,
                           venv under target/)
  fuzz [TARGET]... [--seconds N] | fuzz --smoke
                           run cargo-fuzz targets (installs cargo-fuzz when missing);
                           `ci` runs the smoke (10 s each) when WEAVER_FUZZ_SMOKE=1
  gen-workloads [--scale F] [--out DIR]
                           write the benchmark workloads (weaver-testkit's generator)
  layering                 check the crate layering rules of DESIGN.md §1
  self-contained           check that crates/, benches/, xtask/ reach nothing outside the
                           repository
  package                  cargo package (with verify: each crate builds from its .crate) for
                           every crate with publish != false in cargo metadata
  features                 each publishable library alone: clippy + tests with
                           --no-default-features, and --all-features when that differs
  dist [--out DIR]         shell completions and man pages of `weaver` (default target/dist/)";

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(mut cmd: Command) -> Result<(), String> {
    eprintln!("$ {}", display(&cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {}: {e}", display(&cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", display(&cmd)))
    }
}

fn display(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn has_cargo_subcommand(name: &str) -> bool {
    cargo()
        .args([name, "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn install_if_missing(subcommand: &str, krate: &str) -> Result<(), String> {
    if has_cargo_subcommand(subcommand) {
        return Ok(());
    }
    let mut c = cargo();
    c.args(["install", "--locked", krate]);
    run(c)
}

fn ci() -> Result<(), String> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    run(fmt)?;
    layering::check(&root()).map_err(|e| e.join("\n"))?;
    selfcontained::check(&root()).map_err(|e| e.join("\n"))?;
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run(clippy)?;
    test()?;
    // Each stage that links executables no later stage runs deletes them (see disk.rs).
    disk::after_stage("the tests", true);
    // weaver-kernel's OpenTelemetry export is behind a feature the workspace runs skip. Its
    // unit and integration tests run in the features stage (`--all-features` is `otel`),
    // which runs no doctests: only the examples run here.
    let mut otel = cargo();
    otel.args(["test", "-p", "weaver-kernel", "--features", "otel", "--doc"]);
    run(otel)?;
    disk::after_stage("the otel doctests", true);
    let mut doc = cargo();
    doc.args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    run(doc)?;
    deny()?;
    release::package(&root())?;
    disk::after_stage("package", true);
    release::features(&root())?;
    fuzz::smoke()
}

fn test() -> Result<(), String> {
    if has_cargo_subcommand("nextest") {
        let mut t = cargo();
        t.args([
            "nextest",
            "run",
            "--workspace",
            "--no-fail-fast",
            "--failure-output",
            "final",
        ]);
        run(t)?;
        // nextest does not run doctests.
        let mut d = cargo();
        d.args(["test", "--workspace", "--doc"]);
        run(d)
    } else {
        let mut t = cargo();
        t.args(["test", "--workspace", "--no-fail-fast"]);
        run(t)
    }
}

fn deny() -> Result<(), String> {
    install_if_missing("deny", "cargo-deny")?;
    // The advisory database cannot be fetched here (no GitHub); licenses, bans and
    // sources are checked fully offline (dependency-notes.md §6).
    let mut d = cargo();
    d.args(["deny", "--offline", "check", "licenses", "bans", "sources"]);
    run(d)
}

/// Pulls `--flag VALUE` out of `args`.
fn take_opt(args: &mut Vec<String>, flag: &str) -> Option<String> {
    let i = args.iter().position(|a| a == flag)?;
    args.remove(i);
    (i < args.len()).then(|| args.remove(i))
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

fn bench(rest: &[String]) -> Result<(), String> {
    let mut args = rest.to_vec();
    let scale = take_scale(&mut args)?;
    let with_reference = take_flag(&mut args, "--with-reference");
    let mut envs: Vec<(String, String)> = vec![("WEAVER_BENCH_SCALE".into(), scale.to_string())];
    if with_reference {
        let md = reference_run(scale)?;
        envs.push((
            "WEAVER_REFERENCE_MD".into(),
            md.to_string_lossy().into_owned(),
        ));
    }
    // The cli area times the release binary as a whole process; the memory area runs the
    // counting-allocator example as a child process.
    let mut build = cargo();
    build.args(["build", "--release", "-p", "weaver-cli"]);
    run(build)?;
    // The mcp area puts `weaver mcp` in front of weaver-mcp's stdio test server.
    let mut build = cargo();
    build.args([
        "build",
        "--release",
        "-p",
        "weaver-mcp",
        "--bin",
        "weaver-mcp-fake-server",
    ]);
    run(build)?;
    let mut build = cargo();
    build.args([
        "build",
        "--release",
        "-p",
        "weaver-benches",
        "--example",
        "peak_memory",
    ]);
    run(build)?;
    let mut c = cargo();
    c.args(["bench", "-p", "weaver-benches", "--bench", "weaver", "--"]);
    c.args(&args);
    c.envs(envs);
    run(c)?;
    eprintln!(
        "report written to {}",
        target().join("weaver-bench").join("report.md").display()
    );
    Ok(())
}

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The reference release the benchmarks compare with, and the tokenizer its token rows use.
const REFERENCE_PACKAGES: [&str; 2] = ["weaver-kernel==0.12.0", "tiktoken==0.14.0"];

/// Sets up a venv with the reference (once) and times it on the same workloads, in this
/// run, with the project's own driver script (`benches/reference/ref_driver.py`).
fn reference_run(scale: f64) -> Result<PathBuf, String> {
    let venv = target().join("ref-venv");
    let python = venv.join("bin").join("python");
    // Written only after pip succeeded, so a half-made venv is completed next time.
    let ready = venv.join(".weaver-ready");
    if !ready.is_file() {
        if !python.is_file() {
            let mut c = Command::new("python3");
            c.args(["-m", "venv"]).arg(&venv);
            run(c).map_err(|e| format!("{e} (--with-reference needs python3 with venv)"))?;
        }
        let mut pip = Command::new(&python);
        pip.args(["-m", "pip", "install", "--quiet"])
            .args(REFERENCE_PACKAGES);
        run(pip)?;
        std::fs::write(&ready, REFERENCE_PACKAGES.join("\n")).map_err(|e| e.to_string())?;
    }
    let workloads = workloads_dir(scale)?;
    let out = target().join("weaver-bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let md = out.join("reference.md");
    let mut c = Command::new(&python);
    c.arg(
        root()
            .join("benches")
            .join("reference")
            .join("ref_driver.py"),
    )
    .arg("--workloads")
    .arg(&workloads)
    .arg("--out-md")
    .arg(&md)
    .arg("--out-json")
    .arg(out.join("reference.json"))
    .arg("--tiktoken-cache")
    .arg(target().join("ref-tiktoken"));
    if let Ok(runs) = std::env::var("WEAVER_BENCH_RUNS") {
        c.args(["--runs", &runs]);
    }
    run(c)?;
    Ok(md)
}

/// `--scale F` (default 1): a positive, finite number.
fn take_scale(args: &mut Vec<String>) -> Result<f64, String> {
    let raw = take_opt(args, "--scale").unwrap_or_else(|| "1".into());
    match raw.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!("--scale takes a positive number, got {raw:?}")),
    }
}

/// The workloads of `scale` (seed [`weaver_testkit::SEED`]), generated into the test kit's
/// cache unless already there: xtask, the tests and the benches share one copy.
fn workloads_dir(scale: f64) -> Result<PathBuf, String> {
    weaver_testkit::workloads(scale)
        .map(|w| w.dir().to_path_buf())
        .map_err(|e| format!("generating the workloads (scale {scale}): {e}"))
}

fn gen_workloads(rest: &[String]) -> Result<(), String> {
    let mut args = rest.to_vec();
    let scale = take_scale(&mut args)?;
    let start = std::time::Instant::now();
    let dir = match take_opt(&mut args, "--out") {
        Some(out) => {
            let out = PathBuf::from(out);
            weaver_testkit::generate(&out, weaver_testkit::SEED, scale)
                .map_err(|e| format!("generating the workloads into {}: {e}", out.display()))?;
            out
        }
        None => workloads_dir(scale)?,
    };
    eprintln!(
        "workloads (seed {}, scale {scale}) in {} ({:.2} s)",
        weaver_testkit::SEED,
        dir.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
