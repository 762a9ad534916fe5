//! End to end with real third-party software: the official MCP Python SDK (PyPI `mcp`)
//! as the client, `@modelcontextprotocol/server-filesystem` (npm) as the server, and the
//! `weaver mcp` command between them.
//!
//! The pinned packages are installed under `target/mcp-e2e/` on first run (needs network
//! once). Needs `node`, `npm` and `python3` (with venv) on PATH: without them this test
//! FAILS with a message saying what to install — unless `WEAVER_MCP_E2E=skip` is set, in
//! which case it says loudly that it skipped (ignored under `CI=true`: CI must run it).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const MCP_PY: &str = "mcp==2.3.0";
const FS_SERVER: &str = "@modelcontextprotocol/server-filesystem@2026.8.31";
const ROWS: u64 = 2000;
const LOG_LINES: u64 = 3000;

fn found(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn target_dir() -> PathBuf {
    // target/<profile>/deps/e2e-… → target/
    let exe = std::env::current_exe().expect("test exe");
    exe.ancestors().nth(3).expect("target dir").to_path_buf()
}

fn plan(i: u64) -> &'static str {
    ["gold", "silver", "bronze"][(i % 3) as usize]
}

fn write_data(dir: &Path) {
    let rows: Vec<Value> = (0..ROWS)
        .map(|i| {
            json!({
                "id": i,
                "name": format!("Customer {i}"),
                "email": format!("cust{i}.canary@leak.example"),
                "card": "4111 1111 1111 1111",
                "api_key": format!("AKIAZ7QW{:04}LMXR3VTE", i % 10_000),
                "plan": plan(i),
                "balance": i * 7,
            })
        })
        .collect();
    std::fs::write(
        dir.join("customers.json"),
        serde_json::to_string_pretty(&rows).unwrap(),
    )
    .unwrap();
    let mut log = String::new();
    for i in 0..LOG_LINES {
        let _ = writeln!(
            log,
            "2026-11-30T12:00:00Z INFO line {i} checkout ok for cust{i}.canary@leak.example key=AKIAZ7QW{:04}LMXR3VTE",
            i % 10_000
        );
    }
    std::fs::write(dir.join("app.log"), log).unwrap();
    std::fs::write(
        dir.join("note.txt"),
        "Note: call ann.canary@leak.example tomorrow.\n",
    )
    .unwrap();
}

fn text(call: &Value) -> &str {
    call["content"][0]["text"].as_str().expect("text content")
}

fn parsed(call: &Value) -> Value {
    serde_json::from_str(text(call)).expect("JSON text")
}

#[test]
fn python_sdk_and_filesystem_server_through_weaver() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let missing: Vec<&str> = ["node", "npm", "python3"]
        .into_iter()
        .filter(|p| !found(p))
        .collect();
    if !missing.is_empty() {
        if !ci && std::env::var("WEAVER_MCP_E2E").is_ok_and(|v| v == "skip") {
            eprintln!(
                "\n!!! SKIPPED weaver-mcp e2e (WEAVER_MCP_E2E=skip): missing {missing:?}. Install node 20+, npm and python3 with venv to run it.\n"
            );
            return;
        }
        panic!(
            "weaver-mcp e2e needs {missing:?} on PATH (node 20+, npm, python3 with venv). \
             Install them, or set WEAVER_MCP_E2E=skip to skip this test outside CI."
        );
    }
    let target = target_dir();
    let root = target.join("mcp-e2e");
    std::fs::create_dir_all(&root).unwrap();
    let venv = root.join("venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv (install python3-venv)",
        );
    }
    run(
        Command::new(&python).args(["-m", "pip", "install", "-q", MCP_PY]),
        "pip install mcp",
    );
    let node_dir = root.join("node");
    let server_js =
        node_dir.join("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
    if !server_js.exists() {
        run(
            Command::new("npm")
                .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
                .arg(&node_dir)
                .arg(FS_SERVER),
            "npm install server-filesystem",
        );
    }
    // The `weaver` binary, built with the same profile as this test.
    let profile = if target.join("release").exists()
        && std::env::current_exe()
            .unwrap()
            .starts_with(target.join("release"))
    {
        "release"
    } else {
        "debug"
    };
    let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    build.args(["build", "-q", "-p", "weaver-cli", "--bin", "weaver"]);
    if profile == "release" {
        build.arg("--release");
    }
    run(&mut build, "cargo build -p weaver-cli");
    let weaver = target.join(profile).join("weaver");

    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().canonicalize().unwrap();
    write_data(&data_dir);
    let report_path = root.join("report.json");
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/client.py");
    run(
        Command::new(&python)
            .arg(&client)
            .arg(&weaver)
            .arg("node")
            .arg(&server_js)
            .arg(&data_dir)
            .arg(&report_path),
        "the Python MCP client",
    );
    let report_text = std::fs::read_to_string(&report_path).unwrap();
    for canary in ["@leak.example", "AKIAZ7QW", "4111 1111 1111 1111"] {
        assert!(
            !report_text.contains(canary),
            "canary {canary} reached the client"
        );
    }
    let report: Value = serde_json::from_str(&report_text).unwrap();
    let calls = &report["calls"];

    let names: Vec<&str> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"read_text_file") && names.contains(&"weaver_expand"));

    // The 2000-row JSON file: one bounded frame, the same in structuredContent.
    let customers = &calls["customers"];
    assert!(
        text(customers).len() < 8000,
        "frame of {} bytes",
        text(customers).len()
    );
    let frame = parsed(customers);
    assert!(
        frame["facts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "Total rows: 2000"),
        "{frame}"
    );
    assert_eq!(customers["structuredContent"]["content"], text(customers));
    std::fs::write(
        root.join("sample-frame.json"),
        serde_json::to_string_pretty(&frame).unwrap(),
    )
    .unwrap();

    let page = parsed(&calls["customers_page"]);
    let ids: Vec<u64> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [10, 11, 12, 13, 14]);
    assert_eq!(page["rows"][0]["plan"], plan(10));
    assert_eq!(page["rows"][4]["balance"], 14 * 7);
    assert_eq!(page["next_offset"], 15);
    assert_eq!(page["total_rows"], ROWS);
    let filtered = parsed(&calls["customers_filtered"]);
    assert_eq!(
        filtered["rows"],
        json!([{"id": 0, "plan": "gold"}, {"id": 3, "plan": "gold"}, {"id": 6, "plan": "gold"}])
    );

    // The log: a text frame, paged by byte offset.
    let log = parsed(&calls["log"]);
    assert!(text(&calls["log"]).len() < 8000);
    assert!(
        log["facts"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!("Text: {LOG_LINES} lines"))
    );
    let p1 = parsed(&calls["log_page_1"]);
    assert!(
        p1["rows"][0]
            .as_str()
            .unwrap()
            .starts_with("2026-11-30T12:00:00Z INFO line 0 checkout ok for ")
    );
    let p2 = parsed(&calls["log_page_2"]);
    assert_eq!(p2["offset"], p1["next_offset"]);

    // A small file passes through, redacted.
    let small = text(&calls["small"]);
    assert!(
        small.starts_with("Note: call ") && small.ends_with("tomorrow.\n"),
        "{small}"
    );

    let forged = &calls["forged"];
    assert_eq!(forged["isError"], true);
    assert!(text(forged).contains("handle_not_found"));
}
