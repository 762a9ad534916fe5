//! The server as a child process: spawn, relay, and end it.

use std::process::{ExitStatus, Stdio};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::process::Command;

use crate::{Proxy, ProxyError};

/// Which side ended a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The client closed its output (weaver's input): a normal end.
    ClientClosed,
    /// The server closed its output (it exited or crashed) while the client was still there.
    ServerClosed,
}

/// How a session with a child server ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitReport {
    /// Which side ended it.
    pub ended: Ended,
    /// The server's exit status, when it could be collected (`None`: killed by weaver
    /// after the grace period, or not reaped).
    pub server_status: Option<ExitStatus>,
    /// Whether weaver had to kill the server.
    pub killed: bool,
}

impl ExitReport {
    /// The exit code `weaver mcp` uses: 0 when the client ended the session and the server
    /// then exited cleanly (or had to be killed); the server's non-zero code when it failed
    /// (1 when it ended the session without a code or with 0).
    pub fn exit_code(&self) -> i32 {
        match self.ended {
            Ended::ClientClosed => match self.server_status.and_then(|s| s.code()) {
                Some(c) if c != 0 && !self.killed => c,
                _ => 0,
            },
            Ended::ServerClosed => match self.server_status.and_then(|s| s.code()) {
                Some(c) if c != 0 => c,
                _ => 1,
            },
        }
    }
}

impl Proxy {
    /// Spawns `server` (its stdin and stdout piped to the relay, its stderr inherited: the
    /// server's diagnostics go to weaver's stderr) and relays between it and the client
    /// until one side ends (see [`Proxy::serve`]).
    ///
    /// When the client hangs up, the server's stdin is closed and it gets
    /// [`shutdown_grace`](crate::ProxyConfig::shutdown_grace) to exit before it is killed.
    /// When the server exits first, that is said on the log (stderr) with its status.
    pub async fn run_child<CR, CW>(
        &self,
        client_in: CR,
        client_out: CW,
        mut server: Command,
    ) -> Result<ExitReport, ProxyError>
    where
        CR: AsyncRead + Unpin + Send + 'static,
        CW: AsyncWrite + Unpin + Send + 'static,
    {
        let command = server.as_std().get_program().display().to_string();
        server
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = server
            .spawn()
            .map_err(|source| ProxyError::Spawn { command, source })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(ProxyError::Config(
                "the server's stdio was not piped".into(),
            ));
        };
        let ended = self.serve(client_in, client_out, stdout, stdin).await?;
        let grace = self.inner.config.shutdown_grace;
        let (server_status, killed) = match tokio::time::timeout(grace, child.wait()).await {
            Ok(Ok(status)) => (Some(status), false),
            Ok(Err(e)) => {
                self.inner.log(&format!(
                    "weaver mcp: cannot collect the server's status: {e}"
                ));
                (None, false)
            }
            Err(_) => {
                let _ = child.kill().await;
                (None, true)
            }
        };
        let report = ExitReport {
            ended,
            server_status,
            killed,
        };
        match ended {
            Ended::ServerClosed => self.inner.log(&format!(
                "weaver mcp: the MCP server exited ({}) while the client was connected",
                server_status.map_or_else(|| "status unknown".to_owned(), |s| s.to_string())
            )),
            Ended::ClientClosed if killed => self.inner.log(&format!(
                "weaver mcp: the client hung up; the server did not exit within {} ms and was killed",
                grace.as_millis()
            )),
            Ended::ClientClosed => {
                if let Some(s) = server_status.filter(|s| !s.success()) {
                    self.inner.log(&format!(
                        "weaver mcp: the MCP server exited ({s}) after the client hung up"
                    ));
                }
            }
        }
        Ok(report)
    }
}

/// Runs a proxy between this process's stdin/stdout and `program args…` on a runtime of
/// its own, and returns the exit code for the process (see [`ExitReport::exit_code`]).
/// For command-line front ends: `weaver mcp` is this function plus argument parsing.
///
/// The runtime is shut down without waiting for the blocking read of stdin, so a server
/// that dies while the client is idle ends the process at once.
pub fn run_stdio(
    config: crate::ProxyConfig,
    program: &str,
    args: &[String],
) -> Result<i32, ProxyError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| ProxyError::Io {
            what: "starting the async runtime",
            source,
        })?;
    let proxy = Proxy::new(config)?;
    let mut server = Command::new(program);
    server.args(args);
    let report = runtime.block_on(proxy.run_child(tokio::io::stdin(), tokio::io::stdout(), server));
    runtime.shutdown_background();
    report.map(|r| r.exit_code())
}
