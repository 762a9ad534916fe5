//! The error of the bytes path: what is wrong and where.

use core::fmt;

/// What makes a byte slice not one JSON document that serde_json would accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BytesErrorKind {
    /// The input ended inside a value (or held no value at all).
    UnexpectedEof,
    /// A value was expected here (e.g. `[1,?]`, `{"a":}`), or an unknown literal.
    ExpectedValue,
    /// `{"a" 1}`: the colon after an object key is missing.
    ExpectedColon,
    /// `[1 2]`: neither `,` nor `]` after an array element.
    ExpectedCommaOrEndOfArray,
    /// `{"a":1 "b":2}`: neither `,` nor `}` after an object entry.
    ExpectedCommaOrEndOfObject,
    /// `[1,]` or `{"a":1,}`.
    TrailingComma,
    /// An object key that is not a string (`{1:2}`).
    KeyMustBeAString,
    /// A malformed number (`01`, `1.`, `-`, `1e`, `.5`).
    InvalidNumber,
    /// A well-formed number serde_json refuses as out of range (`1e400`).
    NumberOutOfRange,
    /// A backslash escape serde_json does not know (`\x`, `\u12G4`).
    InvalidEscape,
    /// A `\u` surrogate escape without its partner (`"\ud800"`, `"\udc00"`).
    LoneSurrogate,
    /// A raw control character (U+0000–U+001F) inside a string.
    ControlCharacterInString,
    /// A string holding bytes that are not UTF-8.
    InvalidUtf8,
    /// Something other than whitespace after the document (`{} x`, `1 2`).
    TrailingCharacters,
    /// Containers nested deeper than the configured limit.
    DepthLimitExceeded {
        /// The limit that was passed.
        limit: usize,
    },
}

impl fmt::Display for BytesErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            BytesErrorKind::UnexpectedEof => "unexpected end of input",
            BytesErrorKind::ExpectedValue => "expected value",
            BytesErrorKind::ExpectedColon => "expected `:`",
            BytesErrorKind::ExpectedCommaOrEndOfArray => "expected `,` or `]`",
            BytesErrorKind::ExpectedCommaOrEndOfObject => "expected `,` or `}`",
            BytesErrorKind::TrailingComma => "trailing comma",
            BytesErrorKind::KeyMustBeAString => "key must be a string",
            BytesErrorKind::InvalidNumber => "invalid number",
            BytesErrorKind::NumberOutOfRange => "number out of range",
            BytesErrorKind::InvalidEscape => "invalid escape",
            BytesErrorKind::LoneSurrogate => "lone surrogate in \\u escape",
            BytesErrorKind::ControlCharacterInString => {
                "control character (\\u0000-\\u001F) in string"
            }
            BytesErrorKind::InvalidUtf8 => "invalid UTF-8 in string",
            BytesErrorKind::TrailingCharacters => "trailing characters",
            BytesErrorKind::DepthLimitExceeded { limit } => {
                return write!(f, "nesting deeper than {limit} levels");
            }
        };
        f.write_str(s)
    }
}

/// Why [`estimate_json_bytes`](crate::estimate_json_bytes) refused its input, and where.
///
/// `line` and `column` are 1-based; the column counts bytes. They point at the offending
/// byte (for an early end of input: one past the last byte), which is the same place
/// serde_json reports or one byte before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BytesError {
    /// What is wrong.
    pub kind: BytesErrorKind,
    /// Byte offset of the problem in the input.
    pub offset: usize,
    /// 1-based line of `offset`.
    pub line: usize,
    /// 1-based column (in bytes) of `offset`.
    pub column: usize,
}

impl BytesError {
    /// Builds the error for `offset` in `input`, computing line and column (only on the
    /// error path: the scan itself does not track lines).
    pub(crate) fn at(kind: BytesErrorKind, input: &[u8], offset: usize) -> BytesError {
        let offset = offset.min(input.len());
        let before = &input[..offset];
        #[allow(clippy::naive_bytecount)] // the error path only
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        BytesError {
            kind,
            offset,
            line,
            column: offset - line_start + 1,
        }
    }
}

impl fmt::Display for BytesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.kind, self.line, self.column
        )
    }
}

impl core::error::Error for BytesError {}
