//! `cargo xtask fuzz` (runs by hand) and the fuzz smoke of `cargo xtask ci`.
//!
//! Both build the cargo-fuzz targets of `fuzz/` with `-s none` (no sanitizer: works on
//! stable Rust, dependency-notes.md §6), seed each target's corpus (`fuzz/corpus/<target>`,
//! git-ignored) from `testdata/`, small generated workloads and a few hand-written
//! messages when it is empty, and pass the target's dictionary (`fuzz/dict/`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cargo, install_if_missing, root, run, take_opt};

/// Every target with its dictionary and what its input looks like.
const TARGETS: &[(&str, &str, Seed)] = &[
    ("redact_text", "redact", Seed::Text),
    ("stream_equivalence", "redact", Seed::Prefixed(&Seed::Text)),
    ("fast_path", "redact", Seed::Prefixed(&Seed::Text)),
    ("redact_json", "json", Seed::Json),
    ("estimate_json", "json", Seed::Json),
    ("estimate_bytes", "json", Seed::Json),
    ("firewall_json", "json", Seed::Prefixed(&Seed::Json)),
    ("expand_query", "json", Seed::Query),
    ("kernel_invoke", "json", Seed::Prefixed(&Seed::Query)),
    ("mcp_message", "json", Seed::Rpc),
];

/// The environment variable that turns the CI smoke on (`.ci/run` sets it).
pub(crate) const SMOKE_ENV: &str = "WEAVER_FUZZ_SMOKE";

/// Seconds per target in the smoke (`WEAVER_FUZZ_SMOKE_SECONDS` overrides).
const SMOKE_SECONDS: u64 = 10;

#[derive(Clone, Copy)]
enum Seed {
    /// Lines of text with secrets (the redactor's vectors).
    Text,
    /// JSON documents (the workloads' rows).
    Json,
    /// Expansion queries / tool arguments.
    Query,
    /// JSON-RPC lines of an MCP session.
    Rpc,
    /// The inner kind behind a control byte.
    Prefixed(&'static Seed),
}

fn fuzz_dir() -> PathBuf {
    root().join("fuzz")
}

/// `cargo xtask fuzz [TARGET]... [--seconds N]`: each target for N seconds (default 30);
/// `cargo xtask fuzz --smoke`: the CI smoke, whatever the environment says.
pub(crate) fn run_by_hand(rest: &[String]) -> Result<(), String> {
    let mut args = rest.to_vec();
    if super::take_flag(&mut args, "--smoke") {
        return smoke_run();
    }
    let seconds: u64 = take_opt(&mut args, "--seconds")
        .unwrap_or_else(|| "30".into())
        .parse()
        .map_err(|e| format!("--seconds: {e}"))?;
    install_if_missing("fuzz", "cargo-fuzz")?;
    let names: Vec<&str> = if args.is_empty() {
        TARGETS.iter().map(|t| t.0).collect()
    } else {
        args.iter().map(String::as_str).collect()
    };
    for name in names {
        fuzz_one(name, seconds)?;
    }
    Ok(())
}

/// The CI smoke: every target for a few seconds, only when [`SMOKE_ENV`] is `1` (the
/// fuzz build takes minutes: measured 9 min on the loaded 2-core machine), and never
/// silently skipped.
pub(crate) fn smoke() -> Result<(), String> {
    if std::env::var(SMOKE_ENV).as_deref() != Ok("1") {
        eprintln!(
            "xtask: FUZZ SMOKE SKIPPED: set {SMOKE_ENV}=1 to build the fuzz targets and run \
             each for {SMOKE_SECONDS} s (.ci/run sets it). Saved crash inputs \
             (fuzz/regressions/) are still replayed by the tests."
        );
        return Ok(());
    }
    smoke_run()
}

fn smoke_run() -> Result<(), String> {
    if !has_cxx() {
        eprintln!(
            "xtask: FUZZ SMOKE SKIPPED: no C++ compiler (c++/g++/clang++ or $CXX), which \
             libfuzzer-sys needs to build libFuzzer."
        );
        return Ok(());
    }
    install_if_missing("fuzz", "cargo-fuzz")?;
    let seconds = std::env::var("WEAVER_FUZZ_SMOKE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SMOKE_SECONDS);
    let start = std::time::Instant::now();
    let mut build = cargo();
    build
        .current_dir(fuzz_dir())
        .args(["fuzz", "build", "-s", "none"]);
    run(build)?;
    eprintln!(
        "xtask: fuzz build took {:.0} s",
        start.elapsed().as_secs_f64()
    );
    for (name, ..) in TARGETS {
        if let Err(e) = fuzz_one(name, seconds) {
            let known = fuzz_dir().join("regressions").join(name).join("known");
            let open = std::fs::read_dir(&known).map_or(0, Iterator::count);
            if open == 0 {
                return Err(e);
            }
            // A target with open bugs finds them again within seconds; the replay test
            // checks those inputs, so a crash here does not fail CI, but it is said.
            eprintln!(
                "xtask: FUZZ SMOKE: {name} crashed and has {open} known open bug(s) in \
                 {}: not failing CI for it; check the new artifact is one of them",
                known.display()
            );
        }
    }
    eprintln!(
        "xtask: fuzz smoke ({} targets x {seconds} s) took {:.0} s in all",
        TARGETS.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn has_cxx() -> bool {
    let candidates = std::env::var("CXX")
        .ok()
        .into_iter()
        .chain(["c++", "g++", "clang++"].map(String::from));
    candidates.into_iter().any(|c| {
        Command::new(c)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

fn fuzz_one(name: &str, seconds: u64) -> Result<(), String> {
    let (_, dict, seed) = TARGETS
        .iter()
        .find(|t| t.0 == name)
        .ok_or_else(|| format!("unknown fuzz target {name:?}"))?;
    let corpus = fuzz_dir().join("corpus").join(name);
    seed_corpus(&corpus, *seed)?;
    let mut c = cargo();
    c.current_dir(fuzz_dir());
    // `-s none`: no sanitizer, so stable rustc works without RUSTC_BOOTSTRAP
    // (dependency-notes.md §6); value profiling helps on table-driven DFAs.
    c.args(["fuzz", "run", "-s", "none", name])
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-dict=dict/{dict}.dict"))
        .arg("-use_value_profile=1")
        .arg("-print_final_stats=1")
        .arg("-rss_limit_mb=2048");
    run(c).map_err(|e| {
        format!(
            "{e}\nfuzz target {name} failed: minimise the input libFuzzer saved under \
             fuzz/artifacts/{name}/ (cargo fuzz tmin -s none {name} FILE) and keep it in \
             fuzz/regressions/{name}/"
        )
    })
}

/// Fills an empty corpus folder with seeds of the target's kind.
fn seed_corpus(dir: &Path, seed: Seed) -> Result<(), String> {
    let empty = std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
    if !empty {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    for (i, s) in seeds(seed)?.iter().enumerate() {
        let path = dir.join(format!("seed-{i:04}"));
        std::fs::write(&path, s).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(())
}

fn seeds(seed: Seed) -> Result<Vec<Vec<u8>>, String> {
    Ok(match seed {
        Seed::Text => text_seeds()?,
        Seed::Json => json_seeds()?,
        Seed::Query => QUERIES.iter().map(|q| q.as_bytes().to_vec()).collect(),
        Seed::Rpc => vec![RPC.join("\n").into_bytes()],
        Seed::Prefixed(inner) => seeds(*inner)?
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let mut v = vec![u8::try_from(i % 64).unwrap_or(0)];
                v.extend(s);
                v
            })
            .collect(),
    })
}

/// Each line of the redactor's and summarizer's TOML vectors (quoted strings carry the
/// interesting bytes; TOML escapes are left as they are, which is fine for a fuzzer).
fn text_seeds() -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    for sub in [
        "testdata/redact",
        "testdata/redact/negatives",
        "testdata/summarize",
    ] {
        let dir = root().join(sub);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "toml") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("reading {}: {e}", path.display()))?;
                out.extend(
                    text.lines()
                        .filter(|l| l.contains('"') && !l.trim_start().starts_with('#'))
                        .map(|l| l.as_bytes().to_vec()),
                );
            }
        }
    }
    Ok(out)
}

/// A few rows of every generated workload (scale 0.01, in a scratch folder under target/).
fn json_seeds() -> Result<Vec<Vec<u8>>, String> {
    let dir = root().join("target").join("fuzz-seed-workloads");
    if !dir.exists() {
        weaver_testkit::generate(&dir, weaver_testkit::SEED, 0.01)
            .map_err(|e| format!("generating seed workloads into {}: {e}", dir.display()))?;
    }
    let mut out: Vec<Vec<u8>> = QUERIES.iter().map(|q| q.as_bytes().to_vec()).collect();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries.filter_map(Result::ok) {
        let Ok(bytes) = std::fs::read(e.path()) else {
            continue;
        };
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Array(rows)) => {
                for n in [1, 3] {
                    let head: Vec<_> = rows.iter().take(n).cloned().collect();
                    out.push(serde_json::to_vec(&head).map_err(|e| e.to_string())?);
                }
            }
            Ok(v) => {
                let text = serde_json::to_vec(&v).map_err(|e| e.to_string())?;
                if text.len() <= 4096 {
                    out.push(text);
                }
            }
            Err(_) => out.push(bytes.into_iter().take(2048).collect()),
        }
    }
    Ok(out)
}

const QUERIES: &[&str] = &[
    "{}",
    r#"{"offset": 2, "limit": 2}"#,
    r#"{"fields": ["id", "status"]}"#,
    r#"{"fields": ["email"]}"#,
    r#"{"filter": {"status": "inside-1"}}"#,
    r#"{"filter": {"region": "us"}}"#,
    r#"{"filter": {"id": {"in": [1, 1003, 2]}}, "limit": 50}"#,
    r#"{"filter": {"amount": {"gte": 3, "lt": 10.5}, "note": {"contains": "row"}}}"#,
    r#"{"filter": {"status": {"ne": "inside-2"}}, "offset": 1}"#,
    r#"{"limit": 0, "offset": 18446744073709551615}"#,
];

const RPC: &[&str] = &[
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}"#,
    r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
    r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"logs","arguments":{}}}"#,
    r#"{"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"file:///log"}}"#,
    r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"weaver_expand","arguments":{"handle":"h_0","query":{"limit":2}}}}"#,
    r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#,
    r#"{"jsonrpc":"2.0","id":6,"method":"ping"}"#,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_seeds_come_from_the_redaction_vectors() {
        let seeds = seeds(Seed::Text).unwrap();
        assert!(seeds.len() > 50, "{} seeds", seeds.len());
        assert!(seeds.iter().any(|s| s.windows(1).any(|w| w == b"@")));
    }

    #[test]
    fn prefixed_seeds_carry_a_control_byte_before_the_inner_seed() {
        let inner = seeds(Seed::Query).unwrap();
        let outer = seeds(Seed::Prefixed(&Seed::Query)).unwrap();
        assert_eq!(inner.len(), outer.len());
        for (i, (a, b)) in inner.iter().zip(&outer).enumerate() {
            assert_eq!(usize::from(b[0]), i % 64);
            assert_eq!(&b[1..], &a[..]);
        }
    }

    #[test]
    fn every_target_of_the_fuzz_manifest_is_listed_once() {
        let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
        let bins: Vec<&str> = manifest
            .lines()
            .filter_map(|l| l.strip_prefix("name = \""))
            .filter_map(|l| l.strip_suffix('"'))
            .filter(|n| *n != "weaver-fuzz")
            .collect();
        let mut listed: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
        let mut bins_sorted = bins.clone();
        listed.sort_unstable();
        bins_sorted.sort_unstable();
        assert_eq!(listed, bins_sorted);
        for (_, dict, _) in TARGETS {
            assert!(
                fuzz_dir()
                    .join("dict")
                    .join(format!("{dict}.dict"))
                    .is_file()
            );
        }
    }
}
