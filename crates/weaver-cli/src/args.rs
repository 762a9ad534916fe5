//! Command-line arguments (clap derive). The contract is DESIGN.md §6.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// weaver — a context firewall for AI agents, from the shell.
///
/// Turns raw tool output into bounded, redacted Frames; scrubs secrets and personal data
/// from text streams and JSON; measures JSON size and tokens exactly.
#[derive(Debug, Parser)]
#[command(name = "weaver", version, propagate_version = true)]
#[command(after_help = "Examples:
  weaver firewall examples/invoices.json
  weaver firewall --mode table --max-rows 5 examples/invoices.json
  kubectl logs deploy/api | weaver redact
  weaver redact --json examples/api-response.json
  weaver estimate examples/invoices.json
  weaver tokens --encoding o200k_base examples/app-log.json

JSON input: one document; a leading UTF-8 byte-order mark is skipped. Nesting depth:
estimate and firewall take any depth; redact --json and tokens take up to 100000 levels.

Exit status: 0 success, 1 bad input (one line on stderr), 2 usage error.")]
pub(crate) struct Cli {
    /// Log to stderr: -v info, -vv debug, -vvv trace. RUST_LOG, when set, wins. Quiet
    /// without either.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// One JSON document in, one Frame (JSON) out: facts, a table preview or just a handle,
    /// redacted and bounded by the budgets.
    #[command(after_help = "Examples:
  weaver firewall examples/invoices.json
  weaver firewall --mode table --max-rows 3 --max-fields 4 examples/invoices.json
  cat result.json | weaver firewall --mode raw --role admin -")]
    Firewall(FirewallArgs),
    /// Text in, redacted text out. Streams in constant memory; output is identical however
    /// the input is split. With --json: one JSON document in, structurally redacted JSON out.
    #[command(after_help = "Examples:
  kubectl logs deploy/api | weaver redact
  weaver redact server.log > server.redacted.log
  weaver redact --kind ip --kind url access.log
  weaver redact --all-kinds --typed dump.txt
  weaver redact --json --pretty examples/api-response.json

Environment:
  WEAVER_CACHE_DIR  where the automaton for --kind/--all-kinds is kept between runs (building
                    it takes seconds, loading it milliseconds); empty: no cache. Default:
                    $XDG_CACHE_HOME/weaver, else ~/.cache/weaver")]
    Redact(RedactArgs),
    /// The exact size in bytes of the document's compact JSON serialization (what
    /// serde_json re-prints), measured on the bytes in one pass: any depth, memory ≈ the input.
    #[command(after_help = "Example:
  weaver estimate examples/invoices.json")]
    Estimate(EstimateArgs),
    /// Token count of a JSON document (its compact JSON) or, with --text, of raw text.
    #[command(after_help = "Examples:
  weaver tokens examples/invoices.json
  weaver tokens --encoding o200k_base --text prompt.txt
  weaver tokens --encoding chars examples/app-log.json")]
    Tokens(TokensArgs),
    /// Put the firewall in front of an MCP server (stdio): large tool results become
    /// frames, `weaver_expand` pages them, a session budget bounds the context.
    #[command(
        after_help = "Example (in an mcpServers config, prefix the server's command):
  weaver mcp -- npx -y @modelcontextprotocol/server-filesystem /data"
    )]
    Mcp(crate::mcp::McpArgs),
}

/// The response modes of a Frame.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum Mode {
    /// Up to 20 facts (default).
    Summary,
    /// A table preview of up to --max-rows rows × --max-fields fields.
    Table,
    /// Only the handle and warnings.
    HandleOnly,
    /// The whole (redacted) document; needs --role admin, otherwise summary with a warning.
    Raw,
}

#[derive(Debug, Args)]
pub(crate) struct FirewallArgs {
    /// JSON file to read; `-` or nothing reads stdin.
    pub(crate) file: Option<PathBuf>,
    /// Response mode.
    #[arg(long, value_enum, default_value_t = Mode::Summary)]
    pub(crate) mode: Mode,
    /// Maximum rows in a table preview.
    #[arg(long, value_name = "N")]
    pub(crate) max_rows: Option<u64>,
    /// Maximum fields per table row.
    #[arg(long, value_name = "N")]
    pub(crate) max_fields: Option<u64>,
    /// Maximum size (bytes of compact JSON) of what the Frame carries.
    #[arg(long, value_name = "N")]
    pub(crate) max_chars: Option<u64>,
    /// Containers nested deeper than this are elided with a counted marker.
    #[arg(long, value_name = "N")]
    pub(crate) max_depth: Option<u64>,
    /// A role of the caller (repeatable): `admin` allows raw mode, `pii_reader` skips the
    /// allowed-fields projection (never redaction).
    #[arg(long = "role", value_name = "ROLE")]
    pub(crate) roles: Vec<String>,
    /// Keep only these fields in table rows (repeatable), like a grant's allowed_fields.
    #[arg(long = "allowed-field", value_name = "FIELD")]
    pub(crate) allowed_fields: Vec<String>,
    /// Indent the Frame JSON.
    #[arg(long)]
    pub(crate) pretty: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RedactArgs {
    /// File to read; `-` or nothing reads stdin.
    pub(crate) file: Option<PathBuf>,
    /// Read one JSON document and redact it structurally (keys, strings, numbers). Arrays
    /// at the top level, and array values of a top-level object, are redacted item by item.
    /// At most 100000 levels of nesting.
    #[arg(long)]
    pub(crate) json: bool,
    /// With --json: indent the output.
    #[arg(long, requires = "json")]
    pub(crate) pretty: bool,
    /// Write typed markers (`[REDACTED:email]`) instead of `[REDACTED]`.
    #[arg(long)]
    pub(crate) typed: bool,
    /// Turn on every built-in kind, the opt-in ones included (ip, mac, url, crypto, iban,
    /// national_id, passport, driver_license, vehicle_plate, postcode, health_id,
    /// business_id, bank_account).
    #[arg(long)]
    pub(crate) all_kinds: bool,
    /// Turn on one more built-in kind (repeatable), such as `ip`, `iban` or `national_id`,
    /// which are off by default.
    #[arg(long = "kind", value_name = "KIND")]
    pub(crate) kinds: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EstimateArgs {
    /// JSON file to read; `-` or nothing reads stdin.
    pub(crate) file: Option<PathBuf>,
}

/// Token encodings.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Encoding {
    /// OpenAI cl100k_base (GPT-4, GPT-3.5).
    #[value(name = "cl100k_base")]
    Cl100kBase,
    /// OpenAI o200k_base (GPT-4o, o-series).
    #[value(name = "o200k_base")]
    O200kBase,
    /// Compact JSON length / 4 (no tokenizer; weaver's default budget counter).
    Chars,
}

#[derive(Debug, Args)]
pub(crate) struct TokensArgs {
    /// File to read; `-` or nothing reads stdin.
    pub(crate) file: Option<PathBuf>,
    /// Which tokenizer to count with.
    #[arg(long, value_enum, default_value_t = Encoding::Cl100kBase)]
    pub(crate) encoding: Encoding,
    /// Count the input as raw text instead of parsing it as one JSON document.
    #[arg(long)]
    pub(crate) text: bool,
}
