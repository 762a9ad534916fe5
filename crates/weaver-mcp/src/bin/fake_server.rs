//! A small MCP server over stdio for weaver-mcp's hermetic tests (not a product): every
//! request runs on its own thread, so calls with `delay_ms` answer out of order.
//!
//! Tools: `rows` (JSON rows full of planted secrets), `log` (plain text), `small`,
//! `structured`, `error`, `crash`, `ask_client` (a server-to-client request), `progress`,
//! `notifications` (what it received), `garbage` (invalid lines first). Methods:
//! `initialize`, `ping`, `tools/list` (two pages), `resources/read`, `echo/raw` (echoes its
//! params, unknown fields included); anything else is "method not found".

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

#[derive(Default)]
struct State {
    notifications: Mutex<Vec<Value>>,
    responses: Mutex<HashMap<String, Value>>,
    arrived: Condvar,
    out: Mutex<()>,
}

impl State {
    fn send(&self, v: &Value) {
        let _guard = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{v}");
        let _ = out.flush();
    }

    fn send_raw(&self, line: &str) {
        let _guard = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// The planted row `i`: an e-mail, a card number and an AWS key that must never leave
/// the proxy.
fn row(i: u64) -> Value {
    json!({
        "id": i,
        "name": format!("user {i}"),
        "email": format!("canary.{i}@leak.example"),
        "card": "4111 1111 1111 1111",
        "aws": format!("AKIAZ7QW{:04}LMXR3VTE", i % 10_000),
        "status": if i.is_multiple_of(2) { "paid" } else { "open" },
        "amount": i * 10,
    })
}

fn rows(n: u64) -> Value {
    Value::Array((0..n).map(row).collect())
}

fn log_text(lines: u64) -> String {
    let mut s = String::new();
    for i in 0..lines {
        let _ = writeln!(
            s,
            "2026-11-30T10:00:00Z INFO request {i} served to canary.{i}@leak.example in {} ms",
            i % 97
        );
    }
    s
}

fn text_result(text: String) -> Value {
    json!({"content": [{"type": "text", "text": text}]})
}

fn call_tool(state: &State, params: &Value) -> Result<Value, (i64, String)> {
    let name = params["name"].as_str().unwrap_or("");
    let args = &params["arguments"];
    let n = args["n"].as_u64().unwrap_or(10);
    if let Some(ms) = args["delay_ms"].as_u64() {
        std::thread::sleep(Duration::from_millis(ms));
    }
    Ok(match name {
        "rows" => {
            let data = rows(n);
            let text = if args["pretty"].as_bool() == Some(true) {
                serde_json::to_string_pretty(&data).unwrap_or_default()
            } else {
                data.to_string()
            };
            text_result(text)
        }
        "log" => text_result(log_text(args["lines"].as_u64().unwrap_or(100))),
        "small" => text_result("hello; contact ann@example.com".to_owned()),
        "structured" => {
            let data = json!({"rows": rows(n)});
            json!({"content": [{"type": "text", "text": data.to_string()}], "structuredContent": data})
        }
        "error" => json!({
            "content": [{"type": "text", "text": "lookup failed for canary.0@leak.example"}],
            "isError": true
        }),
        "crash" => std::process::exit(3),
        "ask_client" => {
            state.send(
                &json!({"jsonrpc": "2.0", "id": "srv-1", "method": "sampling/createMessage",
                "params": {"messages": [], "maxTokens": 5, "x-extra": [1, 2]}}),
            );
            let mut responses = state
                .responses
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            loop {
                if let Some(r) = responses.remove("\"srv-1\"") {
                    break text_result(format!("client said: {r}"));
                }
                responses = state
                    .arrived
                    .wait(responses)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        }
        "progress" => {
            let token = params["_meta"]["progressToken"].clone();
            state.send(
                &json!({"jsonrpc": "2.0", "method": "notifications/progress",
                "params": {"progressToken": token, "progress": 1, "total": 2, "message": "half"}}),
            );
            text_result("done".to_owned())
        }
        "notifications" => {
            let seen = state
                .notifications
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            text_result(Value::Array(seen.clone()).to_string())
        }
        "deep" => {
            let mut v = json!([]);
            for _ in 0..200 {
                v = json!([v]);
            }
            json!({"content": [], "structuredContent": {"v": v}})
        }
        "garbage" => {
            state.send_raw("this is not json");
            state.send_raw(r#"{"jsonrpc": "2.0", "id": 424242}"#);
            text_result("after garbage".to_owned())
        }
        other => return Err((-32602, format!("unknown tool {other}"))),
    })
}

fn handle(state: &State, id: &Value, method: &str, params: &Value) {
    let result = match method {
        "initialize" => Ok(json!({
            "protocolVersion": params["protocolVersion"].as_str().unwrap_or("2025-06-18"),
            "capabilities": {"tools": {}, "resources": {}},
            "serverInfo": {"name": "fake", "version": "1.0.0"},
            "x-unknown": {"kept": true}
        })),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(if params["cursor"].as_str() == Some("p2") {
            json!({"tools": [{"name": "page2", "inputSchema": {"type": "object"}}]})
        } else {
            let tools: Vec<Value> = [
                "rows",
                "log",
                "small",
                "structured",
                "error",
                "crash",
                "ask_client",
                "progress",
                "notifications",
                "garbage",
                "deep",
            ]
            .iter()
            .map(|t| {
                json!({"name": t, "description": format!("fake {t}"),
                "inputSchema": {"type": "object"}, "x-vendor": 1})
            })
            .collect();
            json!({"tools": tools, "nextCursor": "p2"})
        }),
        "tools/call" => call_tool(state, params),
        "resources/read" => {
            let uri = params["uri"].as_str().unwrap_or("");
            let text = match uri {
                "mem://big" => log_text(500),
                _ => "small resource".to_owned(),
            };
            Ok(json!({"contents": [{"uri": uri, "mimeType": "text/plain", "text": text}]}))
        }
        "echo/raw" => Ok(params.clone()),
        _ => Err((-32601, format!("method not found: {method}"))),
    };
    let msg = match result {
        Ok(r) => json!({"jsonrpc": "2.0", "id": id, "result": r}),
        Err((code, message)) => {
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
        }
    };
    state.send(&msg);
}

fn main() {
    let state = Arc::new(State::default());
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            eprintln!("fake server: not JSON: {line}");
            continue;
        };
        match (v.get("method").and_then(Value::as_str), v.get("id")) {
            (Some(method), Some(id)) => {
                let (state, id, method) = (Arc::clone(&state), id.clone(), method.to_owned());
                let params = v.get("params").cloned().unwrap_or(Value::Null);
                std::thread::spawn(move || handle(&state, &id, &method, &params));
            }
            (Some(_), None) => state
                .notifications
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(v),
            (None, Some(id)) => {
                state
                    .responses
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(id.to_string(), v.clone());
                state.arrived.notify_all();
            }
            (None, None) => eprintln!("fake server: not a message: {line}"),
        }
    }
    // stdin closed: wait briefly for request threads, as a real server would.
    std::thread::sleep(Duration::from_millis(50));
}
