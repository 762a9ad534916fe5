//! Response modes and their strictness order.

/// How much of a tool result a Frame carries. Ordered by strictness:
/// `Raw < Table < Summary < HandleOnly` (a stricter mode carries less).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    /// The full (redacted) data; admin only, never meant for model context.
    Raw,
    /// Up to `max_rows` × `max_fields` of the data as a table preview.
    Table,
    /// Up to 20 deterministic facts (the default).
    #[default]
    Summary,
    /// Only the handle; the data stays server-side.
    HandleOnly,
}

impl ResponseMode {
    /// The snake_case name (`"handle_only"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseMode::Raw => "raw",
            ResponseMode::Table => "table",
            ResponseMode::Summary => "summary",
            ResponseMode::HandleOnly => "handle_only",
        }
    }

    /// The stricter of two modes (never relaxes a stricter request).
    pub fn stricter(self, other: ResponseMode) -> ResponseMode {
        self.max(other)
    }
}

impl std::fmt::Display for ResponseMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ResponseMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "raw" => Ok(ResponseMode::Raw),
            "table" => Ok(ResponseMode::Table),
            "summary" => Ok(ResponseMode::Summary),
            "handle_only" => Ok(ResponseMode::HandleOnly),
            other => Err(format!(
                "unknown response mode {other:?} (expected summary, table, handle_only or raw)"
            )),
        }
    }
}
