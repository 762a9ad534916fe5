//! weaver's context firewall in front of any MCP server.
//!
//! A [`Proxy`] sits between an MCP client (Claude Desktop, an agent framework, the Python
//! SDK…) and an MCP server over the stdio transport (newline-delimited JSON-RPC 2.0). It is
//! a server to the client and a client to the server, and relays every message unchanged —
//! requests, responses, notifications, progress, cancellation, pings, server-to-client
//! requests, unknown methods and fields — except:
//!
//! * `tools/list` results gain one tool, `weaver_expand`;
//! * `tools/call` and `resources/read` results are firewalled: each text content that
//!   fits `max_chars` after redaction passes through redacted; a larger one becomes a
//!   weaver Frame (JSON) through [`Kernel::invoke`](weaver_kernel::Kernel::invoke), with
//!   the full result kept behind a handle bound to the session's principal.
//!   `structuredContent` and error results are handled the same way;
//! * `weaver_expand` calls are answered by weaver itself, one bounded page at a time;
//! * a session token budget escalates the frames' mode as it drains and refuses tool
//!   results once it is spent.
//!
//! ```no_run
//! use weaver_mcp::{Proxy, ProxyConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), weaver_mcp::ProxyError> {
//! let proxy = Proxy::new(ProxyConfig::default())?;
//! let mut server = tokio::process::Command::new("npx");
//! server.args(["-y", "@modelcontextprotocol/server-filesystem", "/data"]);
//! // The client is this process's stdin/stdout; the server is a child process.
//! let report = proxy
//!     .run_child(tokio::io::stdin(), tokio::io::stdout(), server)
//!     .await?;
//! std::process::exit(report.exit_code());
//! # }
//! ```
//!
//! # When to use this crate
//!
//! Use it to put weaver in front of an MCP server you cannot change (the `weaver mcp`
//! command is a thin layer over [`Proxy::run_child`]), or embed [`Proxy::serve`] over any
//! pair of async streams (an in-process server, a socket, a test harness).
//!
//! # Design
//!
//! The relay works on JSON-RPC values, never on MCP types, so messages it does not know
//! pass byte for byte. Request ids are tracked per direction, so several calls may be in
//! flight at once and each result is matched to its method; transforming one result never
//! holds up the others. One kernel capability per result kind (`mcp.tool_result`,
//! `mcp.resource`) and one driver that hands the kernel the result the proxy already
//! received keep the registry fixed before the server has listed its tools; the tool's
//! name is the invocation's argument, so it shows in every trace.
#![deny(missing_docs)]

mod child;
mod config;
mod expand;
mod jsonrpc;
mod relay;
mod results;
mod text;

use std::hash::BuildHasher;
use std::sync::Arc;

use weaver_kernel::{ActionTrace, Kernel, KernelError, Principal};
use weaver_redact::Redactor;

pub use child::{Ended, ExitReport, run_stdio};
pub use config::{CAP_RESOURCE, CAP_TOOL_RESULT, PAYLOAD_DRIVER, ProxyConfig};
pub use expand::{EXPAND_TOOL, expand_tool};
pub use jsonrpc::{INTERNAL_ERROR, INVALID_REQUEST};

/// Why a proxy could not start or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// A setting is unusable.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The kernel refused its configuration.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// The server could not be started.
    #[error("cannot start the MCP server `{command}`: {source}")]
    Spawn {
        /// The command.
        command: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// Reading from or writing to a peer failed.
    #[error("I/O error ({what}): {source}")]
    Io {
        /// Which stream.
        what: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Where the proxy writes what it has to say (warnings, and traces with `verbose`).
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The firewall between an MCP client and an MCP server. Cheap to clone; one proxy serves
/// one session (one principal, one budget, one handle store).
#[derive(Clone)]
pub struct Proxy {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) config: ProxyConfig,
    pub(crate) session: config::Session,
    pub(crate) redactor: Redactor,
    pub(crate) hasher: std::collections::hash_map::RandomState,
    pub(crate) log: LogSink,
}

impl Proxy {
    /// A proxy with this configuration, logging to stderr.
    pub fn new(config: ProxyConfig) -> Result<Proxy, ProxyError> {
        Proxy::with_log(config, Arc::new(|line: &str| eprintln!("{line}")))
    }

    /// A proxy that sends its warnings and traces to `log` instead of stderr.
    pub fn with_log(config: ProxyConfig, log: LogSink) -> Result<Proxy, ProxyError> {
        let session = config::session(&config)?;
        Ok(Proxy {
            inner: Arc::new(Inner {
                config,
                session,
                redactor: Redactor::new(),
                hasher: std::collections::hash_map::RandomState::new(),
                log,
            }),
        })
    }

    /// The session's kernel (its handle store, budget and traces).
    pub fn kernel(&self) -> &Kernel {
        &self.inner.session.kernel
    }

    /// The principal every handle of this session is bound to.
    pub fn principal(&self) -> &Principal {
        &self.inner.session.principal
    }

    /// The configuration.
    pub fn config(&self) -> &ProxyConfig {
        &self.inner.config
    }
}

impl Inner {
    pub(crate) fn log(&self, line: &str) {
        (self.log)(line);
    }

    /// Logs a trace when verbose.
    pub(crate) fn log_trace(&self, trace: &ActionTrace) {
        if self.config.verbose
            && let Ok(json) = serde_json::to_string(trace)
        {
            self.log(&format!("weaver mcp: trace {json}"));
        }
    }

    pub(crate) fn log_action(&self, action_id: &str) {
        if self.config.verbose
            && let Ok(t) = self.session.kernel.explain(action_id)
        {
            self.log_trace(&t);
        }
    }

    pub(crate) fn text_hash(&self, text: &str) -> u64 {
        self.hasher.hash_one(text)
    }
}
