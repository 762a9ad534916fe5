//! Per-frame budgets.

use super::FirewallError;

/// The limits every frame respects (see [`Firewall`](super::Firewall)).
///
/// ```
/// use weaver_kernel::Budgets;
/// let b = Budgets::default().with_max_rows(10).with_max_chars(2000);
/// assert_eq!((b.max_rows, b.max_fields, b.max_chars, b.max_depth), (10, 20, 2000, 3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Budgets {
    /// Most rows in `table_preview` (a grant's `max_rows` can only lower it). 0 shows no
    /// row, and the frame's warning still says how many there were.
    pub max_rows: usize,
    /// Most fields per table row; at least 1.
    pub max_fields: usize,
    /// Most bytes of compact JSON that `facts`, `table_preview` and `warnings` take
    /// together (raw mode excepted). At least [`Budgets::MIN_MAX_CHARS`].
    pub max_chars: usize,
    /// Containers at this depth or deeper (the result itself is depth 0) are replaced by
    /// a marker naming how many items they held. At most [`Budgets::MAX_DEPTH`].
    pub max_depth: usize,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            max_rows: 50,
            max_fields: 20,
            max_chars: 4000,
            max_depth: 3,
        }
    }
}

impl Budgets {
    /// The smallest accepted `max_chars`: room for the cut markers and warnings a frame
    /// must always carry, so that the bound holds in every case.
    pub const MIN_MAX_CHARS: usize = 512;
    /// The largest accepted `max_depth` (a frame is a preview, and the walks recurse up
    /// to this depth).
    pub const MAX_DEPTH: usize = 64;

    /// Sets `max_rows`.
    pub fn with_max_rows(mut self, n: usize) -> Self {
        self.max_rows = n;
        self
    }

    /// Sets `max_fields`.
    pub fn with_max_fields(mut self, n: usize) -> Self {
        self.max_fields = n;
        self
    }

    /// Sets `max_chars`.
    pub fn with_max_chars(mut self, n: usize) -> Self {
        self.max_chars = n;
        self
    }

    /// Sets `max_depth`.
    pub fn with_max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }

    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), FirewallError> {
        if self.max_chars < Self::MIN_MAX_CHARS {
            return Err(FirewallError::InvalidBudget {
                name: "max_chars",
                reason: format!(
                    "must be at least {}, got {}",
                    Self::MIN_MAX_CHARS,
                    self.max_chars
                ),
            });
        }
        if self.max_fields == 0 {
            // A row with no field shows nothing yet takes a row's place; "no rows" is
            // max_rows 0 (an empty table whose warning still counts them).
            return Err(FirewallError::InvalidBudget {
                name: "max_fields",
                reason: "must be at least 1 (a row with no field shows nothing; use max_rows 0 or handle_only mode)".into(),
            });
        }
        if self.max_depth == 0 {
            // Depth 0 would elide the root itself: the frame could show nothing, which is
            // what `handle_only` is for. (Allowing it let table mode show scalar rows that
            // eager redaction elides — found by the lazy-vs-eager property test.)
            return Err(FirewallError::InvalidBudget {
                name: "max_depth",
                reason: "must be at least 1 (depth 0 would elide the whole result; use handle_only mode)".into(),
            });
        }
        if self.max_depth > Self::MAX_DEPTH {
            return Err(FirewallError::InvalidBudget {
                name: "max_depth",
                reason: format!(
                    "must be at most {}, got {}",
                    Self::MAX_DEPTH,
                    self.max_depth
                ),
            });
        }
        Ok(())
    }
}
