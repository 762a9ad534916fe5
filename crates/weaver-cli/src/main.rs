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

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Firewall(a) => cmd::firewall::run(&a),
        args::Command::Redact(a) => cmd::redact::run(&a),
        args::Command::Estimate(a) => cmd::estimate::run(&a),
        args::Command::Tokens(a) => cmd::tokens::run(&a),
        args::Command::Mcp(a) => return mcp::run(&a),
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
