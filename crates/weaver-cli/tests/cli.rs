//! Runs the built `weaver` binary: every subcommand on the shipped examples, the exit-code
//! and stderr contract on bad input, and pipe-split invariance of `weaver redact`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn weaver() -> Command {
    Command::new(env!("CARGO_BIN_EXE_weaver"))
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

mod support;

use support::run_with_stdin;

fn stdout_str(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr_str(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit status 1 and exactly one line on stderr containing `needle`.
fn assert_bad_input(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr_str(o));
    let err = stderr_str(o);
    assert_eq!(err.lines().count(), 1, "one line on stderr, got {err:?}");
    assert!(err.contains(needle), "{err:?} should contain {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "nothing on stdout on error");
}

/// Secrets planted in the example files: none may come out of any subcommand.
const EXAMPLE_SECRETS: &[&str] = &[
    "Tr0ub4dor-3",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "ada.lovelace@example.com",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzQyIn0",
    "4111 1111 1111 1111",
    "(212) 555-0187",
    "123-45-6789",
    "AKIAIOSFODNN7EXAMPLE",
    "grace.hopper@example.com",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "xoxb-123456789012",
    "DE89370400440532013000",
    "alan@example.com",
];

fn assert_no_secrets(out: &str) {
    for s in EXAMPLE_SECRETS {
        assert!(!out.contains(s), "secret {s:?} leaked in:\n{out}");
    }
}

#[test]
fn estimate_matches_serde_json_on_every_example() {
    for name in ["invoices.json", "app-log.json", "api-response.json"] {
        let o = weaver()
            .arg("estimate")
            .arg(example(name))
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", stderr_str(&o));
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(example(name)).unwrap()).unwrap();
        let expected = serde_json::to_vec(&v).unwrap().len();
        assert_eq!(stdout_str(&o).trim(), expected.to_string(), "{name}");
    }
}

#[test]
fn estimate_reads_stdin_with_dash_and_without_file() {
    let doc = br#"{"a": [1, 2.5, "\u00e9"]}"#;
    let v: serde_json::Value = serde_json::from_slice(doc).unwrap();
    let expected = serde_json::to_vec(&v).unwrap().len().to_string();
    for args in [&["estimate", "-"][..], &["estimate"][..]] {
        let o = run_with_stdin(args, doc);
        assert!(o.status.success(), "{}", stderr_str(&o));
        assert_eq!(stdout_str(&o).trim(), expected);
    }
}

#[test]
fn bad_json_is_one_line_with_position_and_exit_1() {
    let o = run_with_stdin(&["estimate"], b"{\n  \"a\": [1,\n  2,,\n]}");
    assert_bad_input(&o, "invalid JSON at line 3 column");
    let o = run_with_stdin(&["firewall"], b"[{\"a\": 1}, {\"b\": ");
    assert_bad_input(&o, "invalid JSON at line 1 column");
}

#[test]
fn binary_garbage_is_rejected_cleanly() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for cmd in ["estimate", "firewall", "tokens"] {
        let o = run_with_stdin(&[cmd], &garbage);
        assert_bad_input(&o, "invalid JSON");
    }
    let o = run_with_stdin(&["redact", "--json"], &garbage);
    assert_bad_input(&o, "invalid JSON");
}

#[test]
fn empty_input_is_an_error() {
    for args in [
        &["estimate"][..],
        &["firewall"][..],
        &["redact", "--json"][..],
    ] {
        let o = run_with_stdin(args, b"  \n");
        assert_bad_input(&o, "empty input");
    }
    // Text redaction of nothing is nothing, successfully.
    let o = run_with_stdin(&["redact"], b"");
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let o = weaver()
        .args(["firewall", "--mode", "everything"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = weaver().args(["frobnicate"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = weaver().args(["redact", "--pretty"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "--pretty needs --json");
}

#[test]
fn missing_file_is_exit_1_naming_the_file() {
    let o = weaver()
        .args(["estimate", "/nonexistent/weaver-test.json"])
        .output()
        .unwrap();
    assert_bad_input(&o, "/nonexistent/weaver-test.json");
}

#[test]
fn help_has_examples_for_every_subcommand() {
    let o = weaver().arg("--help").output().unwrap();
    assert!(o.status.success());
    assert!(stdout_str(&o).contains("Examples:"));
    for cmd in ["firewall", "redact", "estimate", "tokens"] {
        let o = weaver().args([cmd, "--help"]).output().unwrap();
        assert!(o.status.success(), "{cmd}");
        let text = stdout_str(&o);
        assert!(text.contains("Example"), "{cmd} --help lacks an example");
        assert!(text.contains(&format!("weaver {cmd}")), "{cmd}");
    }
}

#[test]
fn firewall_summary_on_invoices_is_a_redacted_frame() {
    let o = weaver()
        .arg("firewall")
        .arg(example("invoices.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_str(&o));
    let out = stdout_str(&o);
    let frame: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "response_mode",
        "facts",
        "table_preview",
        "handle",
        "warnings",
        "findings",
    ] {
        assert!(frame.get(key).is_some(), "frame lacks {key}: {out}");
    }
    assert_eq!(frame["response_mode"], "summary");
    let facts = frame["facts"].as_array().unwrap();
    assert!(!facts.is_empty() && facts.len() <= 20);
    assert!(
        out.contains("40"),
        "the row count appears in the facts: {out}"
    );
    assert!(!out.contains("@example.com"), "{out}");
    assert!(!out.contains("@example.org"), "{out}");
}

#[test]
fn firewall_table_respects_row_and_field_budgets() {
    let o = weaver()
        .args([
            "firewall",
            "--mode",
            "table",
            "--max-rows",
            "3",
            "--max-fields",
            "4",
        ])
        .arg(example("invoices.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_str(&o));
    let frame: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(frame["response_mode"], "table");
    let rows = frame["table_preview"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for r in rows {
        assert!(r.as_object().unwrap().len() <= 4, "{r}");
    }
    let out = stdout_str(&o);
    assert_no_secrets(&out);
    assert!(!out.contains("@example.com"), "{out}");
    // The CLI keeps no handle, so its cut markers must not promise one.
    assert!(frame["handle"].is_null(), "{frame}");
    let warnings = frame["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty(), "{frame}");
    for w in warnings {
        let w = w.as_str().unwrap();
        assert!(!w.contains("via handle"), "{w}");
        assert!(w.contains("full data in the input"), "{w}");
    }
}

#[test]
fn firewall_raw_needs_admin() {
    let o = weaver()
        .args(["firewall", "--mode", "raw"])
        .arg(example("api-response.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_str(&o));
    let frame: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(frame["response_mode"], "summary");
    assert!(frame["warnings"].to_string().contains("admin"), "{frame}");

    let o = weaver()
        .args(["firewall", "--mode", "raw", "--role", "admin"])
        .arg(example("api-response.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_str(&o));
    let out = stdout_str(&o);
    let frame: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(frame["response_mode"], "raw");
    assert!(
        out.contains("Example Corp"),
        "raw keeps harmless data: {out}"
    );
    assert_no_secrets(&out);
}

#[test]
fn firewall_every_mode_on_every_example_leaks_nothing() {
    for name in ["invoices.json", "app-log.json", "api-response.json"] {
        for mode in ["summary", "table", "handle_only", "raw"] {
            let o = weaver()
                .args(["firewall", "--mode", mode, "--role", "admin"])
                .arg(example(name))
                .output()
                .unwrap();
            assert!(o.status.success(), "{name} {mode}: {}", stderr_str(&o));
            assert_no_secrets(&stdout_str(&o));
        }
    }
}

#[test]
fn redact_json_scrubs_keys_values_and_strings() {
    let o = weaver()
        .args(["redact", "--json"])
        .arg(example("api-response.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_str(&o));
    let out = stdout_str(&o);
    assert_no_secrets(&out);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["data"]["organization"]["name"], "Example Corp");
    assert_eq!(v["meta"]["took_ms"], 41);
}

#[test]
fn redact_text_masks_the_log_and_keeps_the_rest() {
    let text = std::fs::read_to_string(example("app-log.json")).unwrap();
    let o = run_with_stdin(&["redact"], text.as_bytes());
    assert!(o.status.success(), "{}", stderr_str(&o));
    let out = stdout_str(&o);
    assert_no_secrets(&out);
    assert!(out.contains("starting payments-api v2.14.3"));
    assert!(
        out.contains("ts=1763712850250"),
        "ms timestamps are not cards"
    );
    assert!(out.contains("[REDACTED]"));
}

#[test]
fn redact_typed_markers_name_the_kind() {
    let o = run_with_stdin(&["redact", "--typed"], b"write to bob@example.com\n");
    assert!(o.status.success(), "{}", stderr_str(&o));
    assert_eq!(stdout_str(&o), "write to [REDACTED:email]\n");
}

/// A deterministic xorshift for chunk sizes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn redact_output_does_not_depend_on_how_the_pipe_is_written() {
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let text = w.text().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("text.log");
    std::fs::write(&file, &text).unwrap();
    let from_file = weaver().arg("redact").arg(&file).output().unwrap();
    assert!(from_file.status.success(), "{}", stderr_str(&from_file));

    let canaries = w.canaries("text_20mb").unwrap();
    let out = String::from_utf8_lossy(&from_file.stdout);
    let leaked = weaver_testkit::leaked(&canaries, &out);
    assert!(leaked.is_empty(), "leaked: {leaked:?}");

    for seed in [1u64, 0x9E37_79B9_7F4A_7C15] {
        let mut child = weaver()
            .arg("redact")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        let bytes = text.clone().into_bytes();
        let writer = std::thread::spawn(move || {
            let mut rng = Rng(seed);
            let mut at = 0;
            while at < bytes.len() {
                let n = (1 + rng.next() % 9000) as usize;
                let end = (at + n).min(bytes.len());
                pipe.write_all(&bytes[at..end]).unwrap();
                pipe.flush().unwrap();
                at = end;
            }
        });
        let piped = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(piped.status.success());
        assert!(
            piped.stdout == from_file.stdout,
            "pipe-split output differs from file output (seed {seed})"
        );
    }
}

#[test]
fn tokens_counts_text_and_json() {
    let o = run_with_stdin(&["tokens", "--text"], b"hello world");
    assert!(o.status.success(), "{}", stderr_str(&o));
    assert_eq!(stdout_str(&o).trim(), "2");
    let o = run_with_stdin(
        &["tokens", "--encoding", "o200k_base", "--text"],
        b"hello world",
    );
    assert!(o.status.success(), "{}", stderr_str(&o));
    assert_eq!(stdout_str(&o).trim(), "2");
    let o = run_with_stdin(
        &["tokens", "--encoding", "chars"],
        br#"{"id": 1, "name": "alice"}"#,
    );
    assert!(o.status.success(), "{}", stderr_str(&o));
    // compact JSON {"id":1,"name":"alice"} is 23 bytes; CharCounter rounds up.
    assert_eq!(stdout_str(&o).trim(), 23_u64.div_ceil(4).to_string());
}

#[test]
fn stdout_closed_early_is_not_an_error() {
    let big = "call me at bob@example.com please\n".repeat(200_000);
    let mut child = weaver()
        .arg("redact")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(big.as_bytes());
    });
    // Read a little, then close our end of stdout.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(!stderr_str(&o).contains("panicked"), "{}", stderr_str(&o));
    assert!(o.status.code().is_some_and(|c| c == 0), "{:?}", o.status);
}

/// A file of 1 MiB or more is mapped, stdin is read: both give the same answers.
#[test]
fn a_mapped_file_and_the_same_bytes_on_stdin_give_the_same_answers() {
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let rows = w.bytes("rows_50k").unwrap();
    assert!(
        rows.len() >= 1 << 20,
        "the file must be large enough to be mapped"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rows.json");
    std::fs::write(&file, &rows).unwrap();
    for args in [&["estimate"][..], &["tokens", "--encoding", "chars"]] {
        let mapped = weaver().args(args).arg(&file).output().unwrap();
        let piped = run_with_stdin(args, &rows);
        assert!(mapped.status.success(), "{}", stderr_str(&mapped));
        assert_eq!(stdout_str(&mapped), stdout_str(&piped), "{args:?}");
    }
    // The frame differs only in its random action id and its time (top level and
    // provenance).
    let stable = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a frame");
        let p = v["provenance"].as_object_mut().expect("provenance");
        p.remove("action_id");
        p.remove("invoked_at_ms");
        let m = v.as_object_mut().expect("an object");
        m.remove("action_id");
        m.remove("invoked_at_ms");
        v
    };
    let args = ["firewall", "--mode", "table"];
    let mapped = weaver().args(args).arg(&file).output().unwrap();
    assert!(mapped.status.success(), "{}", stderr_str(&mapped));
    assert_eq!(stable(&mapped), stable(&run_with_stdin(&args, &rows)));
}
