//! `weaver mcp --redis`: separate proxy processes share handles and one budget through a
//! real `redis-server` (weaver-redis' `test_support`: spawned on a free port, or
//! `WEAVER_REDIS_URL`; without either these tests fail and say what to install).
//!
//! The MCP server behind each proxy is weaver-mcp's `weaver-mcp-fake-server`, found next
//! to this test's binary (a workspace build, or the nextest run over weaver-mcp and
//! weaver-cli, builds it).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};
use weaver_redis::test_support::TestRedis;

/// Generous: only there so that a bug fails the test instead of hanging it.
const SAFETY: Duration = Duration::from_secs(60);

fn fake_server() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join(format!(
        "weaver-mcp-fake-server{}",
        std::env::consts::EXE_SUFFIX
    ));
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p weaver-mcp --bin weaver-mcp-fake-server` \
         (or run the tests of weaver-mcp and weaver-cli together)",
        path.display()
    );
    path
}

/// One `weaver mcp` process with a line-based JSON-RPC client on its stdio.
struct Proxy {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Proxy {
    fn start(redis: &TestRedis, principal: &str, extra: &[&str]) -> Proxy {
        let mut child = Command::new(env!("CARGO_BIN_EXE_weaver"))
            .args([
                "mcp",
                "--redis",
                &redis.url,
                "--redis-prefix",
                &redis.prefix,
            ])
            .args(["--principal", principal])
            .args(extra)
            .arg("--")
            .arg(fake_server())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn weaver mcp");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut p = Proxy {
            stdin: child.stdin.take(),
            child,
            lines,
        };
        let init = p.request(
            0,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "test", "version": "1"}}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "fake", "{init}");
        p.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        p
    }

    fn send(&mut self, v: &Value) {
        let stdin = self.stdin.as_mut().expect("open stdin");
        writeln!(stdin, "{v}").expect("write to weaver mcp");
        stdin.flush().expect("flush");
    }

    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let line = self
                .lines
                .recv_timeout(SAFETY)
                .expect("weaver mcp answered (it did not, or it died)");
            let m: Value = serde_json::from_str(&line).expect("a JSON-RPC line");
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
        }
    }

    fn call(&mut self, id: i64, tool: &str, args: Value) -> Value {
        self.request(id, "tools/call", json!({"name": tool, "arguments": args}))["result"].clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // Hang up (the proxy ends its server and exits 0); kill it if it does not.
        self.stdin.take();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"]
        .as_str()
        .expect("a text content")
}

#[test]
fn a_handle_framed_by_one_process_expands_on_another_for_the_same_principal_only() {
    let redis = TestRedis::start();
    let mut a = Proxy::start(&redis, "alice", &[]);
    let mut b = Proxy::start(&redis, "alice", &[]);
    let mut c = Proxy::start(&redis, "bob", &[]);

    let r = a.call(1, "rows", json!({"n": 500}));
    let frame: Value = serde_json::from_str(text(&r)).expect("a frame");
    let handle = frame["handle"]["id"]
        .as_str()
        .expect("handle id")
        .to_owned();

    let page = b.call(
        1,
        "weaver_expand",
        json!({"handle": handle, "offset": 10, "limit": 3}),
    );
    assert_ne!(page["isError"], true, "{page}");
    let p: Value = serde_json::from_str(text(&page)).expect("a page");
    let ids: Vec<u64> = p["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["id"].as_u64().expect("id"))
        .collect();
    assert_eq!(ids, [10, 11, 12]);
    assert_eq!(p["total_rows"], 500);

    let refused = c.call(1, "weaver_expand", json!({"handle": handle}));
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(
        text(&refused).contains("handle_principal_mismatch"),
        "{refused}"
    );
    // Unknown to Redis is unknown everywhere.
    let unknown = b.call(2, "weaver_expand", json!({"handle": "0".repeat(32)}));
    assert_eq!(unknown["isError"], true, "{unknown}");
    assert!(text(&unknown).contains("handle_not_found"), "{unknown}");
}

#[test]
fn calls_through_one_process_drain_the_budget_the_other_sees() {
    let redis = TestRedis::start();
    let budget = ["--budget-tokens", "6000"];
    let mut a = Proxy::start(&redis, "alice", &budget);
    let mut b = Proxy::start(&redis, "alice", &budget);
    // A principal of its own has a budget of its own.
    let mut c = Proxy::start(&redis, "bob", &budget);

    let first = b.call(1, "small", json!({}));
    assert_ne!(first["isError"], true, "B can spend before A has: {first}");
    let mut modes = Vec::new();
    let mut refused = false;
    for id in 1..60 {
        let r = a.call(id, "rows", json!({"n": 500}));
        if r["isError"] == true {
            assert!(text(&r).contains("exhausted"), "{r}");
            refused = true;
            break;
        }
        let f: Value = serde_json::from_str(text(&r)).expect("a frame");
        modes.push(f["response_mode"].as_str().expect("mode").to_owned());
    }
    assert!(refused, "a 6000-token budget never ran out: {modes:?}");
    assert_eq!(modes[0], "summary", "{modes:?}");

    let r = b.call(2, "small", json!({}));
    assert_eq!(
        r["isError"], true,
        "A spent alice's budget, B must refuse: {r}"
    );
    assert!(text(&r).contains("--budget-tokens 6000"), "{r}");
    let r = c.call(1, "small", json!({}));
    assert_ne!(r["isError"], true, "bob's budget is untouched: {r}");
}

#[test]
fn unreachable_redis_exits_1_and_redis_without_principal_is_a_usage_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("redis://127.0.0.1:{port}/");
    let out = Command::new(env!("CARGO_BIN_EXE_weaver"))
        .args(["mcp", "--redis", &url, "--principal", "alice", "--", "true"])
        .output()
        .expect("run weaver mcp");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("weaver mcp: --redis: redis unavailable"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing reaches the client");

    let out = Command::new(env!("CARGO_BIN_EXE_weaver"))
        .args(["mcp", "--redis", &url, "--", "true"])
        .output()
        .expect("run weaver mcp");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--principal"));
}

#[test]
fn redis_gone_mid_session_fails_closed_then_recovers() {
    let mut redis = TestRedis::spawned();
    let mut a = Proxy::start(&redis, "alice", &[]);
    let r = a.call(1, "rows", json!({"n": 500}));
    assert_ne!(r["isError"], true, "{r}");
    redis.stop();
    // No frame without the store behind its handle, no result without a budget grant.
    let r = a.call(2, "rows", json!({"n": 500}));
    assert_eq!(r["isError"], true, "{r}");
    assert!(!text(&r).contains("\"handle\""), "{r}");
    let r = a.call(3, "small", json!({}));
    assert_eq!(r["isError"], true, "{r}");
    // Back (empty: the test server has no persistence): once the connections are
    // re-established, calls succeed; until then they are refused, never served locally.
    redis.restart();
    let mut served = None;
    for id in 4..104 {
        let r = a.call(id, "rows", json!({"n": 500}));
        if r["isError"] != true {
            served = Some(r);
            break;
        }
        let t = text(&r);
        assert!(
            t.contains("store_unavailable") || t.contains("exhausted"),
            "only unavailability while reconnecting: {r}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = served.expect("the proxy recovered once Redis was back");
    let frame: Value = serde_json::from_str(text(&r)).expect("a frame");
    let handle = frame["handle"]["id"]
        .as_str()
        .expect("handle id")
        .to_owned();
    let page = a.call(200, "weaver_expand", json!({"handle": handle, "limit": 2}));
    assert_ne!(page["isError"], true, "{page}");
}
