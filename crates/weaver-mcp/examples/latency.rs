//! Added latency per `tools/call` through the proxy, by hand (release build):
//!
//! ```text
//! cargo build --release -p weaver-cli -p weaver-mcp --bins --examples
//! target/release/examples/latency target/release/weaver target/release/weaver-mcp-fake-server
//! ```
//!
//! Runs the fake server directly and behind `weaver mcp`, calls a small tool and a ~2 MB
//! one sequentially, and prints the median and p90 round trip of each; the difference is
//! what the proxy adds. On a loaded machine wall-clock numbers are inflated by waiting for
//! a core, so it also prints the CPU time the first process (`weaver`, or the server when
//! direct) used per call, from /proc (Linux; 10 ms ticks, averaged over the calls).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// CPU time (user + system) a process has used so far, from /proc/PID/stat.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

struct Measured {
    median: Duration,
    p90: Duration,
    bytes: usize,
    cpu_per_call: Option<Duration>,
}

fn measure(cmd: &mut Command, tool: &str, args: &str, n: usize) -> Measured {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    let mut line = String::new();
    for i in 0..n + 3 {
        let req = format!(
            r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"{tool}","arguments":{args}}}}}"#
        );
        let t = Instant::now();
        writeln!(stdin, "{req}").expect("write");
        stdin.flush().expect("flush");
        line.clear();
        stdout.read_line(&mut line).expect("read");
        // The first calls warm up (page cache, allocator).
        if i >= 3 {
            times.push(t.elapsed());
        }
        size = line.len();
    }
    let cpu = cpu_time(child.id()).map(|t| t / u32::try_from(n + 3).unwrap_or(1));
    drop(stdin);
    let _ = child.wait();
    times.sort();
    Measured {
        median: times[times.len() / 2],
        p90: times[times.len() * 9 / 10],
        bytes: size,
        cpu_per_call: cpu,
    }
}

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
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return;
    }
    let (weaver, server) = (&args[1], &args[2]);
    for (label, tool, targs, n) in [
        ("small result", "small", "{}", 200),
        ("2 MB result", "rows", r#"{"n": 14000}"#, 20),
    ] {
        let d = measure(&mut Command::new(server), tool, targs, n);
        let p = measure(
            Command::new(weaver).args(["mcp", "--", server]),
            tool,
            targs,
            n,
        );
        println!(
            "{label}: direct median {:?} (p90 {:?}, {} B) | through weaver median {:?} (p90 {:?}, {} B) | added {:?} | weaver CPU per call {:?}",
            d.median,
            d.p90,
            d.bytes,
            p.median,
            p.p90,
            p.bytes,
            p.median.saturating_sub(d.median),
            p.cpu_per_call,
        );
    }
}
