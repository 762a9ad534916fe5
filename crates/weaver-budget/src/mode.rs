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

/// The seed's escalation table: the mode a call asking for `requested` gets when
/// `remaining` of `total` tokens are left (reserved tokens are not left).
///
/// | remaining / total | mode |
/// |---|---|
/// | > 50 % | `requested` |
/// | > 20 % and ≤ 50 % | `table` if `raw` was requested, else `requested` |
/// | ≥ 5 % and ≤ 20 % | at least `summary` |
/// | < 5 % | `handle_only` |
///
/// Boundaries land in the stricter tier (exactly 50 % turns `raw` into `table`, exactly
/// 20 % floors at `summary`, exactly 5 % is still `summary`), and a stricter request is
/// never relaxed. The comparisons are exact integer arithmetic (`remaining * 100` against
/// `total * 50`, …), so no float rounding moves a boundary. `total == 0` counts as
/// nothing left.
///
/// ```
/// use weaver_budget::{escalate, ResponseMode::*};
/// assert_eq!(escalate(Raw, 501, 1000), Raw);
/// assert_eq!(escalate(Raw, 500, 1000), Table);
/// assert_eq!(escalate(Table, 200, 1000), Summary);
/// assert_eq!(escalate(Raw, 50, 1000), Summary);
/// assert_eq!(escalate(Summary, 49, 1000), HandleOnly);
/// ```
pub fn escalate(requested: ResponseMode, remaining: u64, total: u64) -> ResponseMode {
    // u128: `u64::MAX * 100` must not wrap.
    let r = u128::from(remaining.min(total)) * 100;
    let t = u128::from(total);
    let floor = if r < t * 5 {
        ResponseMode::HandleOnly
    } else if r <= t * 20 {
        ResponseMode::Summary
    } else if r <= t * 50 {
        ResponseMode::Table
    } else {
        ResponseMode::Raw
    };
    requested.stricter(floor)
}
