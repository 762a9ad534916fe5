//! Added latency per `tools/call` through the proxy library, in one process (release
//! build):
//!
//! ```text
//! cargo run --release -p weaver-mcp --example latency
//! ```
//!
//! Relays a small result and a ~2.5 MB one through in-memory pipes, with and without
//! [`weaver_mcp::Proxy`] in between, and prints the minimum and median round trip of each:
//! the minimum is what the proxy adds without waiting for a core — the number to profile
//! (`perf record`). What a client of the `weaver mcp` *process* sees (three processes,
//! pipes included) is the `mcp` area of `cargo xtask bench`.

use std::time::Instant;

/// A server in the same process that answers every request with a canned result.
async fn canned_server(
    reader: tokio::io::DuplexStream,
    mut writer: tokio::io::DuplexStream,
    result: std::sync::Arc<String>,
) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let mut lines = tokio::io::BufReader::new(reader).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let v: serde_json::Value = serde_json::from_str(&line).expect("request");
        let msg = format!(r#"{{"jsonrpc":"2.0","id":{},"result":{result}}}"#, v["id"]);
        writer.write_all(msg.as_bytes()).await.expect("write");
        writer.write_all(b"\n").await.expect("write");
        writer.flush().await.expect("flush");
    }
}

/// Round trips through in-memory pipes, with and without the proxy in between: the
/// minimum over many calls is the latency the proxy adds without waiting for a core.
fn in_process(label: &str, result: String, n: usize) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let result = std::sync::Arc::new(result);
    let run = |proxied: bool| {
        let result = std::sync::Arc::clone(&result);
        rt.block_on(async move {
            let (mut client_w, a) = tokio::io::duplex(1 << 20);
            let (b, client_r) = tokio::io::duplex(1 << 20);
            if proxied {
                let (c, server_r) = tokio::io::duplex(1 << 20);
                let (server_w, d) = tokio::io::duplex(1 << 20);
                tokio::spawn(canned_server(server_r, server_w, result));
                let proxy = weaver_mcp::Proxy::new(weaver_mcp::ProxyConfig {
                    budget_tokens: u64::MAX / 4,
                    ..weaver_mcp::ProxyConfig::default()
                })
                .expect("proxy");
                tokio::spawn(async move { proxy.serve(a, b, d, c).await });
            } else {
                tokio::spawn(canned_server(a, b, result));
            }
            let mut lines = tokio::io::BufReader::new(client_r).lines();
            let mut times = Vec::new();
            for i in 0..n + 3 {
                let req = format!(
                    r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"t","arguments":{{}}}}}}"#
                );
                let t = Instant::now();
                client_w.write_all(req.as_bytes()).await.expect("write");
                client_w.write_all(b"\n").await.expect("write");
                let _ = lines.next_line().await.expect("read").expect("line");
                if i >= 3 {
                    times.push(t.elapsed());
                }
            }
            times.sort();
            (times[0], times[times.len() / 2])
        })
    };
    let (dmin, dmed) = run(false);
    let (pmin, pmed) = run(true);
    println!(
        "in-process {label}: direct min {dmin:?} median {dmed:?} | through the proxy min {pmin:?} median {pmed:?} | added (min) {:?}",
        pmin.saturating_sub(dmin)
    );
}

fn rows_text(n: u64) -> String {
    let rows: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({"id": i, "name": format!("user {i}"), "email": format!("u{i}@example.com"),
                "card": "4111 1111 1111 1111", "status": if i.is_multiple_of(2) { "paid" } else { "open" },
                "amount": i * 10, "note": "lorem ipsum dolor sit amet"})
        })
        .collect();
    serde_json::to_string(&rows).expect("rows")
}

fn main() {
    let small = serde_json::json!({"content": [{"type": "text", "text": "hello"}]}).to_string();
    let text = rows_text(14_000);
    let big = serde_json::json!({"content": [{"type": "text", "text": text}]}).to_string();
    in_process("small result", small, 300);
    in_process(&format!("{} B result", big.len()), big, 30);
}
