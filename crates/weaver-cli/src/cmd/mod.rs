//! One module per subcommand.

pub(crate) mod estimate;
pub(crate) mod firewall;
pub(crate) mod redact;
mod redact_json;
mod redact_json_split;
pub(crate) mod tokens;

use std::io::Write;

use crate::error::CliError;

/// Writes `bytes` and a newline to stdout.
pub(crate) fn print_line(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io("cannot write to stdout", e))
}
