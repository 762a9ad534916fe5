//! The latency `weaver mcp` adds to a `tools/call`, as an MCP client sees it: the same
//! calls are sent to weaver-mcp's stdio test server directly and through `weaver mcp --
//! SERVER`, one at a time, and the difference of the median round trips is what the proxy
//! adds (DESIGN.md §7: ≤ 1 ms for a small result, ≤ 20 ms for a 2 MB one).
//!
//! Needs `target/release/weaver` and `target/release/weaver-mcp-fake-server` (`cargo xtask
//! bench` builds both); skipped with a message otherwise. On a 2-core machine the client,
//! the proxy and the server compete for the cores, so each row also notes the CPU time the
//! proxy process used per call (from `/proc`, 10 ms ticks averaged over the calls).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Bench, Row};

/// The workload name of the small-result rows.
pub const SMALL: &str = "mcp small result";
/// The workload name of the 2 MB-result rows.
pub const LARGE: &str = "mcp 2 MB result";
/// The operation of the direct rows.
pub const DIRECT: &str = "tools/call round trip, server alone";
/// The operation of the proxied rows.
pub const PROXIED: &str = "tools/call round trip through weaver mcp";

/// Calls that warm up (page cache, allocator, the redactor's lazy parts) before timing.
const WARM_UP: usize = 3;

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let release = weaver_testkit::target_dir().join("release");
    let weaver = release.join("weaver");
    let server = release.join("weaver-mcp-fake-server");
    for exe in [&weaver, &server] {
        if !exe.is_file() {
            eprintln!(
                "  mcp: {} not found; build it with `cargo build --release -p weaver-cli -p weaver-mcp --bins`",
                exe.display()
            );
            return;
        }
    }
    // 14 000 rows of the test server's planted records: about 2.5 MB of JSON text.
    for (workload, tool, args, calls) in [
        (SMALL, "small", "{}", 200),
        (LARGE, "rows", r#"{"n": 14000}"#, 20),
    ] {
        let direct = round_trips(&mut Command::new(&server), tool, args, calls);
        let proxied = round_trips(
            Command::new(&weaver).arg("mcp").arg("--").arg(&server),
            tool,
            args,
            calls,
        );
        let (Some(direct), Some(proxied)) = (direct, proxied) else {
            eprintln!("  mcp: {workload}: a round trip failed");
            return;
        };
        let added = proxied.median.saturating_sub(direct.median);
        for (m, operation, who) in [(&direct, DIRECT, "server"), (&proxied, PROXIED, "weaver")] {
            eprintln!(
                "  {workload:<14} {operation:<48} {}",
                crate::fmt_duration(m.median.as_secs_f64())
            );
            let cpu = m.cpu_per_call.map_or_else(
                || "CPU not readable".to_owned(),
                |c| crate::fmt_duration(c.as_secs_f64()),
            );
            let mut note = format!(
                "{calls} sequential calls, p90 {}; {} B answer; {who} process CPU per call {cpu}",
                crate::fmt_duration(m.p90.as_secs_f64()),
                m.answer_bytes,
            );
            if operation == PROXIED {
                let _ = write!(
                    note,
                    "; added over the server alone: {}",
                    crate::fmt_duration(added.as_secs_f64())
                );
            }
            b.push_row(Row {
                workload: workload.to_owned(),
                operation: operation.to_owned(),
                median_s: m.median.as_secs_f64(),
                bytes: None,
                items: None,
                peak_rss_mb: None,
                reference_s: None,
                note,
                cpu_s: None,
                figure: None,
            });
        }
    }
}

/// The round trips of one process, answering `calls` sequential requests.
struct RoundTrips {
    median: Duration,
    p90: Duration,
    answer_bytes: usize,
    cpu_per_call: Option<Duration>,
}

/// Starts `cmd`, sends `calls` `tools/call` requests for `tool` one after the other (each
/// after the previous answer) and times each; `None` when the process cannot be started or
/// answers with anything but one line per request.
fn round_trips(cmd: &mut Command, tool: &str, args: &str, calls: usize) -> Option<RoundTrips> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let pid = child.id();
    let mut stdin = child.stdin.take()?;
    let mut stdout = BufReader::new(child.stdout.take()?);
    let mut times = Vec::with_capacity(calls);
    let mut answer_bytes = 0;
    let mut line = String::new();
    let mut ok = true;
    for i in 0..calls + WARM_UP {
        let request = format!(
            r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"{tool}","arguments":{args}}}}}"#
        );
        let t = Instant::now();
        line.clear();
        let answered = writeln!(stdin, "{request}").is_ok()
            && stdin.flush().is_ok()
            && stdout.read_line(&mut line).is_ok_and(|n| n > 0);
        if !answered || !line.contains("\"result\"") {
            ok = false;
            break;
        }
        if i >= WARM_UP {
            times.push(t.elapsed());
        }
        answer_bytes = line.len();
    }
    let cpu_per_call = cpu_time(pid).map(|t| t / u32::try_from(calls + WARM_UP).unwrap_or(1));
    drop(stdin);
    let _ = child.wait();
    if !ok || times.is_empty() {
        return None;
    }
    times.sort();
    Some(RoundTrips {
        median: times[times.len() / 2],
        p90: times[(times.len() * 9 / 10).min(times.len() - 1)],
        answer_bytes,
        cpu_per_call,
    })
}

/// CPU time (user + system) process `pid` has used so far, from `/proc/PID/stat` (Linux;
/// `USER_HZ` is 100 there).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat =
        std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at state (field 3);
    // utime and stime are fields 14 and 15.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}
