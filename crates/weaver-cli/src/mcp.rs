//! `weaver mcp`: the firewall in front of any MCP server (a thin layer over weaver-mcp).

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use weaver_kernel::{Budgets, ResponseMode};
use weaver_mcp::{ProxyConfig, run_stdio};

/// The modes a frame can be asked for (raw is not offered: it would defeat the proxy).
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum McpMode {
    /// Up to 20 facts (default).
    Summary,
    /// A table preview of up to --max-rows rows × --max-fields fields.
    Table,
    /// Only the handle.
    HandleOnly,
}

#[derive(Debug, Args)]
pub(crate) struct McpArgs {
    /// The mode frames are asked for (the session budget may make it stricter).
    #[arg(long, value_enum, default_value_t = McpMode::Summary)]
    pub(crate) mode: McpMode,
    /// Maximum rows in a table preview and in a weaver_expand page.
    #[arg(long, value_name = "N")]
    pub(crate) max_rows: Option<usize>,
    /// Maximum fields per row.
    #[arg(long, value_name = "N")]
    pub(crate) max_fields: Option<usize>,
    /// Texts longer than this (bytes, after redaction) become frames; frames and pages
    /// stay within it.
    #[arg(long, value_name = "N")]
    pub(crate) max_chars: Option<usize>,
    /// Containers nested deeper than this are elided.
    #[arg(long, value_name = "N")]
    pub(crate) max_depth: Option<usize>,
    /// The session's token budget: modes escalate as it drains; once spent, tool results
    /// are refused with an error that names it.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub(crate) budget_tokens: u64,
    /// The principal handles are bound to.
    #[arg(long, value_name = "NAME", default_value = "mcp")]
    pub(crate) principal: String,
    /// Print every action's trace (JSON) on stderr.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    /// The MCP server to run, after `--`.
    #[arg(last = true, required = true, num_args = 1.., value_name = "SERVER_COMMAND")]
    pub(crate) server: Vec<String>,
}

/// Runs the proxy on this process's stdin/stdout; the exit code is 0 when the client hung
/// up, the server's (non-zero) code when it died, 2 on a bad option, 1 on other failures.
pub(crate) fn run(args: &McpArgs) -> ExitCode {
    let mut budgets = Budgets::default();
    if let Some(n) = args.max_rows {
        budgets = budgets.with_max_rows(n);
    }
    if let Some(n) = args.max_fields {
        budgets = budgets.with_max_fields(n);
    }
    if let Some(n) = args.max_chars {
        budgets = budgets.with_max_chars(n);
    }
    if let Some(n) = args.max_depth {
        budgets = budgets.with_max_depth(n);
    }
    let config = ProxyConfig {
        mode: match args.mode {
            McpMode::Summary => ResponseMode::Summary,
            McpMode::Table => ResponseMode::Table,
            McpMode::HandleOnly => ResponseMode::HandleOnly,
        },
        budgets,
        budget_tokens: args.budget_tokens,
        principal: args.principal.clone(),
        verbose: args.verbose,
        ..ProxyConfig::default()
    };
    let Some((program, rest)) = args.server.split_first() else {
        eprintln!("weaver mcp: give the server command after `--`");
        return ExitCode::from(2);
    };
    match run_stdio(config, program, rest) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e @ (weaver_mcp::ProxyError::Config(_) | weaver_mcp::ProxyError::Kernel(_))) => {
            eprintln!("weaver mcp: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("weaver mcp: {e}");
            ExitCode::from(1)
        }
    }
}
