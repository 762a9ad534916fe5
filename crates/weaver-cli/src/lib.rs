//! The definition of the `weaver` command line, for tools that need it without running it:
//! `cargo xtask dist` generates the shell completions and the man pages from [`command`], so
//! they always match what the binary accepts.
//!
//! ```
//! let cmd = weaver_cli::command();
//! assert_eq!(cmd.get_name(), "weaver");
//! assert!(cmd.get_subcommands().any(|s| s.get_name() == "redact"));
//! ```
//!
//! The binary (`src/main.rs`) compiles the same `args.rs` itself; this library adds nothing
//! to it. Use the `weaver` binary to run the commands; use this only to describe them.
#![deny(missing_docs)]

// The same files the binary parses with: one definition, two consumers. Fields and `run`
// functions are only used by the binary's commands, hence the allow. `args.rs` reaches into
// `mcp.rs` for the `mcp` subcommand's arguments; a module `args.rs` starts to use must be
// listed here too (the build fails until it is).
#[allow(dead_code, unreachable_pub)]
#[path = "args.rs"]
mod args;
#[allow(dead_code, unreachable_pub)]
#[path = "mcp.rs"]
mod mcp;

/// The clap [`Command`](clap::Command) of the `weaver` binary: its name, version, every
/// subcommand with its arguments, help and examples.
pub fn command() -> clap::Command {
    <args::Cli as clap::CommandFactory>::command()
}
