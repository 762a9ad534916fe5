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
