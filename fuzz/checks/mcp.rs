//! The MCP proxy: arbitrary lines from the client, a scripted server, all in process.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use weaver_mcp::{Proxy, ProxyConfig};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

/// What the scripted server answers to a request: a tool result (a log of 200 lines with
/// secrets) for `tools/call`, a resource for `resources/read`, an empty list otherwise.
fn answer(request: &Value) -> Option<Value> {
    let id = request.get("id")?.clone();
    let method = request.get("method")?.as_str()?;
    let log = (0..200).fold(String::new(), |mut acc, i| {
        let _ = writeln!(
            acc,
            "line {i}: user ann.lee@example.org paid with 4111111111111111"
        );
        acc
    });
    let result = match method {
        "tools/list" => json!({"tools": [{"name": "logs", "inputSchema": {"type": "object"}}]}),
        "tools/call" => json!({
            "content": [{"type": "text", "text": log}],
            "structuredContent": {"rows": [{"email": "ann.lee@example.org", "n": 1}]},
        }),
        "resources/read" => json!({"contents": [{"uri": "file:///log", "text": log}]}),
        _ => json!({}),
    };
    Some(json!({"jsonrpc": "2.0", "id": id, "result": result}))
}

/// Reads the proxy's requests until its input ends, answering each.
async fn scripted_server(from_proxy: DuplexStream, mut to_proxy: DuplexStream) {
    let mut lines = BufReader::new(from_proxy).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(request) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if let Some(reply) = answer(&request) {
            let mut out = reply.to_string().into_bytes();
            out.push(b'\n');
            if to_proxy.write_all(&out).await.is_err() {
                return;
            }
        }
    }
    let _ = to_proxy.shutdown().await;
}

/// Any bytes as the client's side of a session (lines; one `tools/call` is appended so
/// every run reaches the firewall): the session ends, every line the client gets is JSON,
/// and no canary reaches the client.
pub fn mcp_message(data: &[u8]) {
    if data.len() > 1 << 16 {
        return;
    }
    let mut input = data.to_vec();
    input.extend_from_slice(
        b"\n{\"jsonrpc\":\"2.0\",\"id\":\"z1\",\"method\":\"tools/call\",\"params\":{\"name\":\"logs\"}}\n",
    );
    let out = runtime().block_on(async move {
        let config = ProxyConfig {
            shutdown_grace: Duration::from_millis(200),
            ..ProxyConfig::default()
        };
        let proxy = Proxy::with_log(config, Arc::new(|_: &str| {})).expect("a proxy");
        let (mut client_w, proxy_cr) = tokio::io::duplex(1 << 16);
        let (proxy_cw, mut client_r) = tokio::io::duplex(1 << 16);
        let (server_w, proxy_sr) = tokio::io::duplex(1 << 16);
        let (proxy_sw, server_r) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(scripted_server(server_r, server_w));
        let session =
            tokio::spawn(async move { proxy.serve(proxy_cr, proxy_cw, proxy_sr, proxy_sw).await });
        let reader = tokio::spawn(async move {
            let mut out = Vec::new();
            let _ = client_r.read_to_end(&mut out).await;
            out
        });
        // The proxy may stop reading (a broken pipe is not a failure of the property).
        let _ = client_w.write_all(&input).await;
        let _ = client_w.shutdown().await;
        drop(client_w);
        let ended = tokio::time::timeout(Duration::from_secs(20), session)
            .await
            .expect("the session ends within 20 s")
            .expect("the session task does not panic");
        assert!(ended.is_ok(), "serve failed: {ended:?}");
        let _ = server.await;
        reader.await.expect("the reader does not panic")
    });
    let text = String::from_utf8_lossy(&out);
    for line in text.lines() {
        assert!(
            serde_json::from_str::<Value>(line).is_ok(),
            "the client got a line that is not JSON: {line}"
        );
        super::assert_no_canary("a message to the client", line);
    }
}
