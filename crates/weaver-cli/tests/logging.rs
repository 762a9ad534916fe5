//! `-v` / `RUST_LOG`: accepted anywhere on the command line, never change stdout, and
//! leave stderr empty when neither is given.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn run(args: &[&str], rust_log: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_weaver"));
    c.args(args).env_remove("RUST_LOG");
    if let Some(v) = rust_log {
        c.env("RUST_LOG", v);
    }
    c.output().expect("spawn weaver")
}

/// The frame without its per-run fields (random action id, timestamp).
fn stable(stdout: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(stdout).expect("a JSON frame");
    v["action_id"].take();
    v["provenance"]["action_id"].take();
    v["provenance"]["invoked_at_ms"].take();
    v
}

#[test]
fn verbosity_never_changes_stdout_and_default_is_quiet() {
    let file = example("invoices.json");
    let file = file.to_str().unwrap();
    let quiet = run(&["firewall", file], None);
    assert!(quiet.status.success());
    assert!(!quiet.stdout.is_empty());
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    for (args, log) in [
        (vec!["-v", "firewall", file], None),
        (vec!["firewall", "-vvv", file], None),
        (vec!["--verbose", "estimate", file], None),
        (vec!["firewall", file], Some("trace")),
        (vec!["firewall", file], Some("not a [valid filter")),
    ] {
        let out = run(&args, log);
        assert!(out.status.success(), "{args:?} {log:?}");
        if args.contains(&"firewall") {
            assert_eq!(
                stable(&out.stdout),
                stable(&quiet.stdout),
                "{args:?} {log:?}"
            );
        }
    }
}

#[test]
fn errors_stay_one_line_when_quiet() {
    let out = run(&["firewall", "/nonexistent/weaver-input.json"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `weaver mcp` takes the same global `-v` (before or after the subcommand): it parses, runs
/// the proxy and reports the server's death — it must never panic over the flag's type.
#[test]
fn mcp_takes_the_global_verbose_flag() {
    for args in [
        &["mcp", "-v", "--", "false"][..],
        &["-vv", "mcp", "--", "false"][..],
    ] {
        let out = run(args, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert_ne!(
            out.status.code(),
            Some(2),
            "{args:?} is a usage error: {stderr}"
        );
        assert!(
            !out.status.success(),
            "{args:?}: the server died, weaver must say so"
        );
    }
}
