//! A test client for the proxy: in-memory pipes on the client side, the fake server
//! (`weaver-mcp-fake-server`) as the child.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines};
use tokio::process::Command;
use tokio::task::JoinHandle;
use weaver_mcp::{ExitReport, Proxy, ProxyConfig, ProxyError};

/// Strings planted by the fake server that must never reach the client.
pub const CANARIES: [&str; 4] = [
    "@leak.example",
    "AKIAZ7QW",
    "4111 1111 1111 1111",
    "ann@example.com",
];

/// Generous: only there so that a bug fails the test instead of hanging it.
const SAFETY: Duration = Duration::from_secs(60);

pub struct Harness {
    pub proxy: Proxy,
    writer: Option<DuplexStream>,
    lines: Lines<BufReader<DuplexStream>>,
    pub task: Option<JoinHandle<Result<ExitReport, ProxyError>>>,
    pub logs: Arc<Mutex<Vec<String>>>,
    /// Every line the client received.
    pub seen: Vec<String>,
    /// Messages received while waiting for another id.
    pub queued: Vec<Value>,
}

impl Harness {
    pub fn start(config: ProxyConfig) -> Harness {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&logs);
        let proxy = Proxy::with_log(
            config,
            Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_owned())),
        )
        .expect("proxy");
        let (client_w, proxy_r) = tokio::io::duplex(1 << 16);
        let (proxy_w, client_r) = tokio::io::duplex(1 << 16);
        let server = Command::new(env!("CARGO_BIN_EXE_weaver-mcp-fake-server"));
        let p = proxy.clone();
        let task = tokio::spawn(async move { p.run_child(proxy_r, proxy_w, server).await });
        Harness {
            proxy,
            writer: Some(client_w),
            lines: BufReader::new(client_r).lines(),
            task: Some(task),
            logs,
            seen: Vec::new(),
            queued: Vec::new(),
        }
    }

    pub async fn send_raw(&mut self, line: &str) {
        let w = self.writer.as_mut().expect("client open");
        w.write_all(line.as_bytes()).await.unwrap();
        w.write_all(b"\n").await.unwrap();
        w.flush().await.unwrap();
    }

    pub async fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string()).await;
    }

    /// The next message the client receives (`None` at end of stream).
    pub async fn next(&mut self) -> Option<Value> {
        if !self.queued.is_empty() {
            return Some(self.queued.remove(0));
        }
        self.read().await
    }

    async fn read(&mut self) -> Option<Value> {
        let line = tokio::time::timeout(SAFETY, self.lines.next_line())
            .await
            .expect("the proxy answered nothing for a minute")
            .expect("read")?;
        let v = serde_json::from_str(&line).expect("the proxy wrote invalid JSON");
        self.seen.push(line);
        Some(v)
    }

    /// Waits for the response to `id`, queueing whatever comes first.
    pub async fn response(&mut self, id: &Value) -> Value {
        if let Some(i) = self
            .queued
            .iter()
            .position(|m| m.get("id") == Some(id) && m.get("method").is_none())
        {
            return self.queued.remove(i);
        }
        loop {
            let m = self.read().await.expect("stream ended before the response");
            if m.get("id") == Some(id) && m.get("method").is_none() {
                return m;
            }
            self.queued.push(m);
        }
    }

    pub async fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        self.response(&json!(id)).await
    }

    pub async fn call(&mut self, id: i64, tool: &str, args: Value) -> Value {
        let r = self
            .request(id, "tools/call", json!({"name": tool, "arguments": args}))
            .await;
        r["result"].clone()
    }

    pub async fn initialize(&mut self) {
        let r = self
            .request(
                0,
                "initialize",
                json!({"protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "test", "version": "1"}}),
            )
            .await;
        assert_eq!(r["result"]["serverInfo"]["name"], "fake");
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
    }

    /// Closes the client's side of the pipe (the client hangs up).
    pub fn hang_up(&mut self) {
        self.writer.take();
    }

    pub async fn finish(&mut self) -> ExitReport {
        let task = self.task.take().expect("running");
        tokio::time::timeout(SAFETY, task)
            .await
            .expect("the proxy did not end")
            .expect("join")
            .expect("proxy error")
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    pub fn assert_no_canaries(&self) {
        for line in &self.seen {
            for c in CANARIES {
                assert!(!line.contains(c), "canary {c} leaked in {line:.300}");
            }
        }
    }
}

/// The text of a tool result's first content.
pub fn text(result: &Value) -> &str {
    result["content"][0]["text"]
        .as_str()
        .expect("a text content")
}

/// The frame in a tool result's first text content.
pub fn frame(result: &Value) -> Value {
    serde_json::from_str(text(result)).expect("a frame (JSON)")
}
