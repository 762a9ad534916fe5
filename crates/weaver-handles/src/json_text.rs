//! A JSON document kept as its text: checked once, parsed only when a page of it is read.

use std::sync::Arc;

use serde_json::Value;

/// The deepest nesting serde_json parses with its default recursion limit: documents
/// deeper than this are refused here as they would be by `serde_json::from_str`.
pub const MAX_JSON_TEXT_DEPTH: usize = 127;

/// A JSON document as text, known to parse.
///
/// [`JsonText::new`] checks the text in one pass that allocates nothing per value
/// (`weaver_estimate::estimate_json_bytes_limited`): it accepts exactly the documents
/// `serde_json::from_str::<Value>` accepts, and records the document's compact-JSON size
/// and, for an array, its length. A store keeps the text (a parsed `Value` takes about
/// seven times as many bytes of heap) and parses it when a page is first asked for.
///
/// ```
/// use weaver_handles::JsonText;
///
/// let doc = JsonText::new(r#"[ {"id": 1}, {"id": 2} ]"#)?;
/// assert_eq!(doc.rows(), 2);
/// assert_eq!(doc.compact_len(), 19); // `[{"id":1},{"id":2}]`
/// assert_eq!(doc.parse()[1]["id"], 2);
/// assert!(JsonText::new("[1, 2,]").is_err());
/// # Ok::<(), weaver_handles::JsonTextError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct JsonText {
    text: Arc<str>,
    compact_len: u64,
    rows: u64,
}

impl std::fmt::Debug for JsonText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the text: it is an unredacted tool result.
        f.debug_struct("JsonText")
            .field("bytes", &self.text.len())
            .field("compact_len", &self.compact_len)
            .field("rows", &self.rows)
            .finish()
    }
}

/// Why a text is not a JSON document serde_json would parse. Says where, never what the
/// text holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at line {line} column {column}: {reason}")]
pub struct JsonTextError {
    /// 1-based line of the first offending byte.
    pub line: usize,
    /// 1-based column (in bytes) of the first offending byte.
    pub column: usize,
    /// What is wrong there.
    pub reason: String,
}

impl JsonText {
    /// Checks `text` and keeps it. Errors when `serde_json::from_str::<Value>` would:
    /// invalid JSON, trailing characters, nesting deeper than [`MAX_JSON_TEXT_DEPTH`].
    pub fn new(text: impl Into<Arc<str>>) -> Result<Self, JsonTextError> {
        let text = text.into();
        let e = weaver_estimate::estimate_json_bytes_limited(text.as_bytes(), MAX_JSON_TEXT_DEPTH)
            .map_err(|e| JsonTextError {
                line: e.line,
                column: e.column,
                reason: e.kind.to_string(),
            })?;
        Ok(JsonText {
            text,
            compact_len: e.size,
            rows: e.top_level_len.unwrap_or(1),
        })
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The shared text.
    pub fn shared(&self) -> &Arc<str> {
        &self.text
    }

    /// Bytes of the text as given.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the text is empty (never, for a checked document).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The length of the document printed as compact JSON (`serde_json::to_vec` of the
    /// parsed value): what a store counts, as it counts a stored `Value`.
    pub fn compact_len(&self) -> u64 {
        self.compact_len
    }

    /// Rows as a store counts them: the length of a top-level array, else 1.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The parsed document. Cannot fail on a checked text; if serde_json ever disagreed
    /// with the check, the result is `null` rather than a panic (a debug build asserts).
    pub fn parse(&self) -> Value {
        match serde_json::from_str(&self.text) {
            Ok(v) => v,
            Err(e) => {
                debug_assert!(false, "a checked JSON text failed to parse: {e}");
                Value::Null
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_serde_json_accepts_up_to_its_depth() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [1, 126, 127, 128, 129] {
            let ours = JsonText::new(deep(n)).is_ok();
            let theirs = serde_json::from_str::<Value>(&deep(n)).is_ok();
            assert_eq!(ours, theirs, "depth {n}");
        }
        assert!(JsonText::new(deep(127)).is_ok());
        assert!(JsonText::new(deep(128)).is_err());
    }

    #[test]
    fn rows_and_size() {
        let t = JsonText::new(" {\"a\": [1, 2, 3]} ").unwrap();
        assert_eq!((t.rows(), t.compact_len()), (1, 13));
        let t = JsonText::new("[]").unwrap();
        assert_eq!(t.rows(), 0);
        let t = JsonText::new("\"x\"").unwrap();
        assert_eq!(t.rows(), 1);
    }

    #[test]
    fn errors_and_debug_never_show_the_text() {
        let e = JsonText::new("{\"secret\": \"hunter2\",}").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let t = JsonText::new("{\"secret\": \"hunter2\"}").unwrap();
        assert!(!format!("{t:?}").contains("hunter2"));
    }
}
