//! The firewall's typed errors.

/// Why a transform (or a firewall configuration) was refused. Its `Display` is one line,
/// fit for a command line's stderr, and never quotes input data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FirewallError {
    /// The input bytes are not one valid JSON document.
    #[error("invalid JSON at line {line} column {column}: {message}")]
    InvalidJson {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser expected or found (never input text).
        message: String,
    },
    /// The input nests deeper than the parser's limit.
    #[error("nesting deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The input is empty or only whitespace.
    #[error("empty input: expected one JSON document")]
    EmptyInput,
    /// A grant constraint is malformed (`max_rows` negative, fractional or not a number,
    /// `allowed_fields` not a list of strings, …).
    #[error("invalid constraint {name}: {reason}")]
    InvalidConstraint {
        /// The constraint's name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A budget is out of range.
    #[error("invalid budget {name}: {reason}")]
    InvalidBudget {
        /// The budget's name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A stream sent a chunk after its final one.
    #[error("stream protocol error: a chunk arrived after the final chunk")]
    ChunkAfterFinal,
}

/// serde_json's nesting limit (it refuses deeper input with "recursion limit exceeded").
pub(crate) const PARSER_DEPTH_LIMIT: usize = 128;

impl FirewallError {
    pub(crate) fn from_json(e: &serde_json::Error) -> FirewallError {
        let text = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = text.strip_suffix(&suffix).unwrap_or(&text);
        if message.starts_with("recursion limit exceeded") {
            return FirewallError::TooDeep {
                limit: PARSER_DEPTH_LIMIT,
            };
        }
        FirewallError::InvalidJson {
            line: e.line(),
            column: e.column(),
            message: message.to_owned(),
        }
    }
}
