//! The proxy against the fake MCP server: pass-through, framing, expand, budget, ends.

mod common;

use std::sync::Arc;

use common::{Harness, frame, text};
use serde_json::{Value, json};
use weaver_handles::{Binding, Grant, ManualClock};
use weaver_mcp::{Ended, ProxyConfig};

fn config() -> ProxyConfig {
    ProxyConfig::default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_kind_passes_through() {
    let mut h = Harness::start(config());
    h.initialize().await;
    let init = h
        .request(1, "initialize", json!({"protocolVersion": "2025-06-18"}))
        .await;
    assert_eq!(init["result"]["x-unknown"], json!({"kept": true}));
    assert_eq!(h.request(2, "ping", json!({})).await["result"], json!({}));

    // Unknown method and unknown fields: unchanged both ways.
    let params = json!({"a": [1, {"b": null}], "x-field": "kept", "z": 1.5});
    let echoed = h.request(3, "echo/raw", params.clone()).await;
    assert_eq!(echoed["result"], params);
    assert_eq!(
        serde_json::to_string(&echoed["result"]).unwrap(),
        serde_json::to_string(&params).unwrap(),
        "key order kept"
    );
    let missing = h.request(4, "no/such", json!({})).await;
    assert_eq!(missing["error"]["code"], -32601);

    // Notifications reach the server unchanged (cancellation and custom ones).
    h.send(
        &json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": 99, "reason": "user"}}),
    )
    .await;
    h.send(&json!({"jsonrpc": "2.0", "method": "x/custom", "params": {"x-extra": 7}}))
        .await;
    let seen: Value =
        serde_json::from_str(text(&h.call(5, "notifications", json!({})).await)).unwrap();
    let methods: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "notifications/initialized",
            "notifications/cancelled",
            "x/custom"
        ]
    );
    assert_eq!(seen[2]["params"]["x-extra"], 7);

    // Progress: the server's notification reaches the client before the result.
    h.send(&json!({"jsonrpc": "2.0", "id": 6, "method": "tools/call",
        "params": {"name": "progress", "arguments": {}, "_meta": {"progressToken": "tok-1"}}}))
        .await;
    let progress = h.next().await.unwrap();
    assert_eq!(progress["method"], "notifications/progress");
    assert_eq!(progress["params"]["progressToken"], "tok-1");
    assert_eq!(text(&h.response(&json!(6)).await["result"]), "done");

    // A server-to-client request and the client's answer.
    h.send(&json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "ask_client", "arguments": {}}}))
        .await;
    let ask = h.next().await.unwrap();
    assert_eq!(ask["method"], "sampling/createMessage");
    assert_eq!(ask["id"], "srv-1");
    assert_eq!(ask["params"]["x-extra"], json!([1, 2]));
    h.send(
        &json!({"jsonrpc": "2.0", "id": "srv-1", "result": {"role": "assistant",
        "content": {"type": "text", "text": "hi"}, "model": "m-1"}}),
    )
    .await;
    let answered = h.response(&json!(7)).await;
    assert!(text(&answered["result"]).contains("\"model\":\"m-1\""));
    h.assert_no_canaries();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_list_gains_weaver_expand_once() {
    let mut h = Harness::start(config());
    h.initialize().await;
    let first = h.request(1, "tools/list", json!({})).await;
    let tools = first["result"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 12);
    assert_eq!(tools[0]["x-vendor"], 1, "unknown tool fields kept");
    let expand = &tools[11];
    assert_eq!(expand["name"], "weaver_expand");
    assert_eq!(expand["inputSchema"]["required"], json!(["handle"]));
    for arg in ["handle", "offset", "limit", "fields", "filter"] {
        assert!(
            expand["inputSchema"]["properties"].get(arg).is_some(),
            "{arg}"
        );
    }
    assert_eq!(first["result"]["nextCursor"], "p2");
    let second = h.request(2, "tools/list", json!({"cursor": "p2"})).await;
    let names: Vec<&str> = second["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["page2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_json_becomes_a_frame_and_expands_to_the_right_rows() {
    let mut cfg = config();
    cfg.verbose = true;
    let mut h = Harness::start(cfg);
    h.initialize().await;
    let result = h.call(1, "rows", json!({"n": 2000, "pretty": true})).await;
    assert_eq!(result["content"].as_array().unwrap().len(), 1);
    let f = frame(&result);
    let size = text(&result).len();
    assert!(size < 8000, "frame of {size} bytes");
    assert_eq!(f["capability_id"], "mcp.tool_result");
    assert!(
        f["facts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "Total rows: 2000"),
        "{f}"
    );
    let handle = f["handle"]["id"].as_str().unwrap().to_owned();

    let page = h
        .call(
            2,
            "weaver_expand",
            json!({"handle": handle, "offset": 10, "limit": 5}),
        )
        .await;
    assert_ne!(page["isError"], true, "{page}");
    let p: Value = serde_json::from_str(text(&page)).unwrap();
    let ids: Vec<u64> = p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [10, 11, 12, 13, 14]);
    assert_eq!(p["next_offset"], 15);
    assert_eq!(p["total_rows"], 2000);
    assert_eq!(p["rows"][0]["status"], "paid");
    assert_eq!(p["rows"][0]["amount"], 100);

    let filtered = h
        .call(
            3,
            "weaver_expand",
            json!({"handle": handle, "fields": ["id", "status"],
            "filter": {"status": "open", "amount": {"gte": 19000}}, "limit": 3}),
        )
        .await;
    let p: Value = serde_json::from_str(text(&filtered)).unwrap();
    assert_eq!(
        p["rows"],
        json!([{"id": 1901, "status": "open"}, {"id": 1903, "status": "open"},
        {"id": 1905, "status": "open"}])
    );

    let logs = h.logs();
    assert!(
        logs.iter()
            .any(|l| l.starts_with("weaver mcp: trace") && l.contains("\"event\":\"invoke\""))
    );
    assert!(
        logs.iter()
            .any(|l| l.starts_with("weaver mcp: trace") && l.contains("\"event\":\"expand\""))
    );
    h.assert_no_canaries();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_text_becomes_a_text_frame_paged_by_offset() {
    let mut h = Harness::start(config());
    h.initialize().await;
    let result = h.call(1, "log", json!({"lines": 2000})).await;
    let f = frame(&result);
    let facts: Vec<&str> = f["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(facts[0].starts_with("Text: 2000 lines"), "{facts:?}");
    assert!(
        facts
            .iter()
            .any(|x| x.starts_with("line 1: 2026-11-30T10:00:00Z INFO request 0 "))
    );
    assert!(
        facts
            .iter()
            .any(|x| x.starts_with("line 2000: 2026-11-30T10:00:00Z INFO request 1999 "))
    );
    let handle = f["handle"]["id"].as_str().unwrap().to_owned();
    let page = h.call(2, "weaver_expand", json!({"handle": handle})).await;
    let p: Value = serde_json::from_str(text(&page)).unwrap();
    let chunk = p["rows"][0].as_str().unwrap();
    assert!(
        chunk.starts_with("2026-11-30T10:00:00Z INFO request 0 served to "),
        "{chunk}"
    );
    let next = p["next_offset"].as_u64().unwrap();
    // One page of at most max_chars (4000) bytes, and the next starts where it ended.
    assert!(next > 1000 && next <= 4000, "{next}");
    let page2 = h
        .call(
            3,
            "weaver_expand",
            json!({"handle": handle, "offset": next}),
        )
        .await;
    let p2: Value = serde_json::from_str(text(&page2)).unwrap();
    assert_eq!(p2["offset"], next);
    let line = p2["rows"][0].as_str().unwrap().lines().nth(1).unwrap();
    assert!(
        line.starts_with("2026-11-30T10:00:00Z INFO request "),
        "{line}"
    );
    h.assert_no_canaries();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_results_pass_redacted_and_errors_are_redacted() {
    let mut h = Harness::start(config());
    h.initialize().await;
    let small = h.call(1, "small", json!({})).await;
    let t = text(&small);
    assert!(t.starts_with("hello; contact "), "{t}");
    assert!(!t.contains("ann@example.com"));
    let err = h.call(2, "error", json!({})).await;
    assert_eq!(err["isError"], true);
    assert!(text(&err).starts_with("lookup failed for "));
    let small_rows = h.call(3, "rows", json!({"n": 2})).await;
    let rows: Value = serde_json::from_str(text(&small_rows)).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        2,
        "small JSON passes as rows: {rows}"
    );
    assert_eq!(rows[1]["amount"], 10);
    // A pass-through call leaves a trace too.
    let traces = h.proxy.kernel().traces().recent(10);
    assert!(
        traces
            .iter()
            .any(|t| t.driver_id.as_deref() == Some("mcp-passthrough"))
    );
    h.assert_no_canaries();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_content_and_resources_are_firewalled() {
    let mut h = Harness::start(config());
    h.initialize().await;
    let r = h.call(1, "structured", json!({"n": 300})).await;
    let f = frame(&r);
    let handle = f["handle"]["id"].as_str().unwrap();
    let sc = &r["structuredContent"];
    assert!(sc.is_object(), "{sc}");
    assert!(sc.to_string().len() < 8000);
    assert_eq!(
        sc["handle"]["id"].as_str(),
        Some(handle),
        "text and structured content share a frame"
    );

    let big = h
        .request(2, "resources/read", json!({"uri": "mem://big"}))
        .await;
    let contents = &big["result"]["contents"][0];
    assert_eq!(contents["uri"], "mem://big");
    let rf: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
    assert_eq!(rf["capability_id"], "mcp.resource");
    assert!(
        rf["facts"][0]
            .as_str()
            .unwrap()
            .starts_with("Text: 500 lines")
    );
    let small = h
        .request(3, "resources/read", json!({"uri": "mem://small"}))
        .await;
    assert_eq!(small["result"]["contents"][0]["text"], "small resource");
    h.assert_no_canaries();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_foreign_and_missing_handles_are_tool_errors() {
    let mut h = Harness::start(config());
    h.initialize().await;
    let forged = h
        .call(
            1,
            "weaver_expand",
            json!({"handle": "h_00000000000000000000000000000000"}),
        )
        .await;
    assert_eq!(forged["isError"], true);
    assert!(text(&forged).contains("handle_not_found"), "{forged}");

    let store = h.proxy.kernel().handle_store();
    let foreign = store
        .store_shared(
            "mcp.tool_result",
            Arc::new(json!([{"id": 1}])),
            Binding::principal("mallory"),
            Grant::new(),
            None,
        )
        .unwrap();
    let r = h
        .call(2, "weaver_expand", json!({"handle": foreign.id.as_str()}))
        .await;
    assert_eq!(r["isError"], true);
    assert!(text(&r).contains("handle_principal_mismatch"), "{r}");

    let r = h.call(3, "weaver_expand", json!({"offset": 1})).await;
    assert_eq!(r["isError"], true);
    assert!(text(&r).contains("needs a `handle`"));
    let r = h
        .call(4, "weaver_expand", json!({"handle": "x", "offsett": 1}))
        .await;
    assert_eq!(r["isError"], true);
    assert!(text(&r).contains("unknown argument `offsett`"));
    // A name that could carry data is not repeated, redacted or not.
    let r = h
        .call(
            5,
            "weaver_expand",
            json!({"handle": "x", "card 4111111111111111it": 1}),
        )
        .await;
    assert_eq!(r["isError"], true);
    assert!(
        text(&r).contains("unknown argument (a name not shown)"),
        "{r}"
    );
    assert!(!r.to_string().contains("4111111111111111"), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_escalates_then_refuses_naming_itself() {
    let mut cfg = config();
    cfg.budget_tokens = 6000;
    let mut h = Harness::start(cfg);
    h.initialize().await;
    let mut modes = Vec::new();
    let mut refusal = None;
    for id in 1..60 {
        let r = h.call(id, "rows", json!({"n": 500})).await;
        if r["isError"] == true {
            refusal = Some(text(&r).to_owned());
            break;
        }
        modes.push(frame(&r)["response_mode"].as_str().unwrap().to_owned());
    }
    let refusal = refusal.expect("the budget never ran out");
    assert!(refusal.contains("--budget-tokens 6000"), "{refusal}");
    assert!(refusal.contains("exhausted"));
    assert!(modes.len() >= 2, "{modes:?}");
    assert_eq!(modes[0], "summary");
    assert_eq!(modes.last().unwrap(), "handle_only", "{modes:?}");
    // Once spent, small results are refused too.
    let r = h.call(100, "small", json!({})).await;
    assert_eq!(r["isError"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_flight_are_matched_to_their_results() {
    let mut h = Harness::start(config());
    h.initialize().await;
    h.send(
        &json!({"jsonrpc": "2.0", "id": "slow", "method": "tools/call",
        "params": {"name": "rows", "arguments": {"n": 1000, "delay_ms": 200}}}),
    )
    .await;
    h.send(
        &json!({"jsonrpc": "2.0", "id": "fast", "method": "tools/call",
        "params": {"name": "small", "arguments": {}}}),
    )
    .await;
    h.send(&json!({"jsonrpc": "2.0", "id": 3, "method": "ping"}))
        .await;
    let fast = h.response(&json!("fast")).await;
    assert!(text(&fast["result"]).starts_with("hello"));
    assert_eq!(h.response(&json!(3)).await["result"], json!({}));
    let slow = h.response(&json!("slow")).await;
    assert!(frame(&slow["result"])["handle"]["id"].is_string());
    h.assert_no_canaries();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_messages_get_errors_or_are_dropped() {
    let mut h = Harness::start(config());
    h.initialize().await;
    h.send_raw("this is not json").await;
    h.send_raw("[1, 2]").await;
    h.send(&json!({"jsonrpc": "2.0", "id": 41})).await;
    let e = h.response(&json!(41)).await;
    assert_eq!(e["error"]["code"], -32600);
    h.send(&json!({"jsonrpc": "2.0", "id": 42, "method": 5}))
        .await;
    assert_eq!(h.response(&json!(42)).await["error"]["code"], -32600);
    // The server's garbage is dropped; its result still arrives.
    let r = h.call(43, "garbage", json!({})).await;
    assert_eq!(text(&r), "after garbage");
    assert_eq!(h.request(44, "ping", json!({})).await["result"], json!({}));
    let logs = h.logs();
    assert!(
        logs.iter()
            .any(|l| l.contains("client line that is not JSON"))
    );
    assert!(
        logs.iter()
            .any(|l| l.contains("server line that is not JSON"))
    );
    assert!(logs.iter().any(|l| l.contains("batch")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_crash_answers_pending_calls_and_ends_non_zero() {
    let mut h = Harness::start(config());
    h.initialize().await;
    let r = h
        .request(1, "tools/call", json!({"name": "crash", "arguments": {}}))
        .await;
    assert_eq!(r["error"]["code"], -32603);
    assert!(r["error"]["message"].as_str().unwrap().contains("exited"));
    let report = h.finish().await;
    assert_eq!(report.ended, Ended::ServerClosed);
    assert_eq!(report.exit_code(), 3);
    assert!(h.logs().iter().any(|l| l.contains("the MCP server exited")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_hang_up_ends_the_server_and_exits_zero() {
    let mut h = Harness::start(config());
    h.initialize().await;
    h.hang_up();
    let report = h.finish().await;
    assert_eq!(report.ended, Ended::ClientClosed);
    assert_eq!(report.exit_code(), 0);
    assert!(
        !report.killed,
        "the fake server exits when its stdin closes"
    );
    assert!(h.next().await.is_none(), "the client's stream ends");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_frame_in_handle_only_mode_shows_no_lines() {
    let mut cfg = config();
    cfg.budget_tokens = 5000;
    let mut h = Harness::start(cfg);
    h.initialize().await;
    let mut last = None;
    for id in 1..60 {
        let r = h.call(id, "log", json!({"lines": 300})).await;
        if r["isError"] == true {
            break;
        }
        last = Some(frame(&r));
    }
    let last = last.expect("at least one frame");
    assert_eq!(last["response_mode"], "handle_only", "{last}");
    assert_eq!(last["facts"], json!([]));
    assert!(last["handle"]["id"].is_string());
    h.assert_no_canaries();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_handle_is_a_tool_error() {
    let clock = Arc::new(ManualClock::new(1_000_000));
    let mut cfg = config();
    cfg.clock = clock.clone();
    let mut h = Harness::start(cfg);
    h.initialize().await;
    let f = frame(&h.call(1, "rows", json!({"n": 500})).await);
    let handle = f["handle"]["id"].as_str().unwrap().to_owned();
    let ok = h
        .call(2, "weaver_expand", json!({"handle": handle, "limit": 1}))
        .await;
    assert_ne!(ok["isError"], true);
    clock.advance_ms(3_600_000);
    let r = h.call(3, "weaver_expand", json!({"handle": handle})).await;
    assert_eq!(r["isError"], true);
    // The store drops an expired record when it is looked up, so it reports it as gone.
    assert!(
        text(&r).contains("handle_expired") || text(&r).contains("handle_not_found"),
        "{r}"
    );
    assert!(text(&r).contains("expired"));
    assert!(text(&r).contains("call the original tool again"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_ignores_the_hang_up_is_killed_after_the_grace() {
    let cfg = ProxyConfig {
        shutdown_grace: std::time::Duration::from_millis(200),
        ..config()
    };
    let proxy = weaver_mcp::Proxy::with_log(cfg, Arc::new(|_: &str| {})).unwrap();
    let (client_w, proxy_r) = tokio::io::duplex(1024);
    let (proxy_w, _client_r) = tokio::io::duplex(1024);
    // A "server" that never reads its input and never exits on its own.
    let mut server = tokio::process::Command::new("sleep");
    server.arg("600");
    drop(client_w);
    let report = proxy.run_child(proxy_r, proxy_w, server).await.unwrap();
    assert_eq!(report.ended, Ended::ClientClosed);
    assert!(report.killed);
    assert_eq!(report.exit_code(), 0);
}
