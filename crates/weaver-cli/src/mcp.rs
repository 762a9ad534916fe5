//! `weaver mcp`: the firewall in front of any MCP server (a thin layer over weaver-mcp).

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use weaver_kernel::{Budgets, DEFAULT_STORE_BYTES, ResponseMode};
use weaver_mcp::{ProxyConfig, run_stdio};
use weaver_redis::{
    BudgetOptions, RedisBudgetBackend, RedisError, RedisHandleBackend, RedisOptions,
};

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
    /// The principal handles are bound to (default `mcp`; required with --redis, where it
    /// also names the shared budget `principal:NAME`).
    #[arg(long, value_name = "NAME")]
    pub(crate) principal: Option<String>,
    /// Keep handles and the token budget in this Redis (`redis://host:port/db`), so
    /// that separate `weaver mcp` processes with the same --principal share them: a
    /// handle framed by one expands on another, and all draw on one --budget-tokens.
    /// Unreachable at start-up is an error (no local fallback).
    #[arg(long, value_name = "URL", requires = "principal")]
    pub(crate) redis: Option<String>,
    /// Prefix of every key weaver writes in Redis (default `weaver:`); proxies share
    /// state only under the same prefix.
    #[arg(long, value_name = "PREFIX", requires = "redis")]
    pub(crate) redis_prefix: Option<String>,
    /// The MCP server to run, after `--`.
    #[arg(last = true, required = true, num_args = 1.., value_name = "SERVER_COMMAND")]
    pub(crate) server: Vec<String>,
}

/// Runs the proxy on this process's stdin/stdout; the exit code is 0 when the client hung
/// up, the server's (non-zero) code when it died, 2 on a bad option, 1 on other failures.
/// `verbose` (the global `-v`) also prints every action's trace (JSON) on stderr.
pub(crate) fn run(args: &McpArgs, verbose: bool) -> ExitCode {
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
        principal: args
            .principal
            .clone()
            .unwrap_or_else(|| ProxyConfig::default().principal),
        verbose,
        ..ProxyConfig::default()
    };
    let config = match &args.redis {
        None => config,
        Some(_) if config.principal.trim().is_empty() => {
            eprintln!("weaver mcp: --principal must not be empty with --redis");
            return ExitCode::from(2);
        }
        Some(url) => match on_redis(config, url, args.redis_prefix.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("weaver mcp: --redis: {e}");
                return ExitCode::from(1);
            }
        },
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

/// Puts the proxy's handles and budget on Redis: connects both now, so that an
/// unreachable server or a budget whose stored total disagrees fails before the MCP server
/// starts.
fn on_redis(
    mut config: ProxyConfig,
    url: &str,
    prefix: Option<&str>,
) -> Result<ProxyConfig, RedisError> {
    let mut options = RedisOptions::default();
    if let Some(p) = prefix {
        p.clone_into(&mut options.prefix);
    }
    let store = RedisHandleBackend::connect(
        url,
        options.clone(),
        weaver_handles::HandleStoreConfig {
            max_total_bytes: Some(DEFAULT_STORE_BYTES),
            ..weaver_handles::HandleStoreConfig::default()
        },
    )?;
    let budget = RedisBudgetBackend::connect(
        url,
        options,
        &format!("principal:{}", config.principal),
        config.budget_tokens,
        BudgetOptions::default(),
    )?;
    config.handle_store = Some(Arc::new(store));
    config.budget_backend = Some(Arc::new(budget));
    Ok(config)
}
