//! `weaver` — the context firewall from the shell.
//!
//! A thin layer over the weaver libraries (ripgrep's split between the binary and its
//! crates): argument parsing in [`args`], input handling in [`input`] and [`json`], one module per
//! subcommand in `cmd/`, and one error type that maps to exit codes: 0 success, 2 usage
//! error (clap), 1 bad input or I/O failure — always one clear line on stderr, never a panic.

mod args;
mod cmd;
mod error;
mod input;
mod json;
mod mcp;

use std::process::ExitCode;

use clap::Parser;

/// `tracing` to stderr: `RUST_LOG` when set, else the level `-v` asks for; nothing
/// without either (stdout stays the output, stderr one line on error). Spans (the
/// kernel's `weaver.*`) are logged as they close, with their fields and timing.
fn logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    let level = match verbose {
        0 => "off",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(s) if !s.trim().is_empty() => {
            EnvFilter::try_new(s).unwrap_or_else(|_| EnvFilter::new("warn"))
        }
        _ => EnvFilter::new(level),
    };
    // Fails only if a subscriber is already set: then that one logs.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_span_events(FmtSpan::CLOSE)
        .try_init();
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    logging(cli.verbose);
    let result = match cli.command {
        args::Command::Firewall(a) => cmd::firewall::run(&a),
        args::Command::Redact(a) => cmd::redact::run(&a),
        args::Command::Estimate(a) => cmd::estimate::run(&a),
        args::Command::Tokens(a) => cmd::tokens::run(&a),
        args::Command::Mcp(a) => return mcp::run(&a, cli.verbose > 0),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("weaver: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
