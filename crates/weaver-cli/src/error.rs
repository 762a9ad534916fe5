//! The one error type of the binary and its exit codes.

use std::io;

/// Everything that can make a subcommand fail after its arguments parsed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// The input is not what the subcommand takes (bad JSON, too deep, empty…). Exit 1.
    #[error("{0}")]
    Input(String),
    /// Reading or writing failed. Exit 1.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
    /// A valid-looking option the libraries refuse (e.g. a zero budget). Exit 2.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        CliError::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Input(_) | CliError::Io { .. } => 1,
        }
    }

    /// Writing into a closed pipe (`weaver redact big.log | head`) is not an error.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Turns a serde_json parse error into the one-line message of the CLI contract:
/// `invalid JSON at line 3 column 7: expected value`, `nesting deeper than 128 levels …`.
pub(crate) fn json_error(e: &serde_json::Error) -> CliError {
    let full = e.to_string();
    // serde_json appends " at line L column C"; we put the position first.
    let what = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(head, _)| head);
    if what.contains("recursion limit exceeded") {
        return CliError::Input(format!(
            "nesting deeper than {} levels at line {} column {}",
            crate::input::MAX_DEPTH,
            e.line(),
            e.column()
        ));
    }
    CliError::Input(format!(
        "invalid JSON at line {} column {}: {what}",
        e.line(),
        e.column()
    ))
}
