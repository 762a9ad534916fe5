//! Added latency per `tools/call` through the proxy, by hand (release build):
//!
//! ```text
//! cargo build --release -p weaver-cli -p weaver-mcp --bins --examples
//! target/release/examples/latency target/release/weaver target/release/weaver-mcp-fake-server
//! ```
//!
//! Runs the fake server directly and behind `weaver mcp`, calls a small tool and a ~2 MB
//! one sequentially, and prints the median and p90 round trip of each; the difference is
//! what the proxy adds.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn measure(cmd: &mut Command, tool: &str, args: &str, n: usize) -> (Duration, Duration, usize) {
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
    drop(stdin);
    let _ = child.wait();
    times.sort();
    (times[times.len() / 2], times[times.len() * 9 / 10], size)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (weaver, server) = (&args[1], &args[2]);
    for (label, tool, targs, n) in [
        ("small result", "small", "{}", 200),
        ("2 MB result", "rows", r#"{"n": 14000}"#, 20),
    ] {
        let (direct, direct90, dsize) = measure(&mut Command::new(server), tool, targs, n);
        let (proxied, proxied90, psize) = measure(
            Command::new(weaver).args(["mcp", "--", server]),
            tool,
            targs,
            n,
        );
        println!(
            "{label}: direct median {direct:?} (p90 {direct90:?}, {dsize} B) | through weaver median {proxied:?} (p90 {proxied90:?}, {psize} B) | added {:?}",
            proxied.saturating_sub(direct)
        );
    }
}
