//! Typed errors of the store and of expansion.

use crate::HandleId;

/// Why a store, lookup or expansion failed.
///
/// Error texts never contain stored data or principal ids, so they can be returned to a
/// caller (and a model) as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandleError {
    /// No entry with this id: never stored, removed, or evicted to honour a budget.
    #[error("handle '{id}' not found (never stored, removed, or evicted)")]
    NotFound {
        /// The id asked for, as given (truncated to 64 characters).
        id: String,
    },
    /// The entry's time to live has passed; it has been removed.
    #[error("handle '{id}' expired at {expired_at_ms} ms since the Unix epoch")]
    Expired {
        /// The handle.
        id: HandleId,
        /// When it expired, milliseconds since the Unix epoch.
        expired_at_ms: u64,
    },
    /// The handle is bound to a principal and the caller is not that principal (or gave
    /// none). Reason code `handle_principal_mismatch`.
    #[error("handle '{id}' is bound to another principal")]
    PrincipalMismatch {
        /// The handle.
        id: HandleId,
    },
    /// The query asks for more than the stored grant allows (a field outside
    /// `allowed_fields`, a filter contradicting `scope`). Reason code
    /// `handle_constraint_violation`.
    #[error("constraint violation: {0}")]
    ConstraintViolation(String),
    /// The query itself is malformed (wrong types, negative numbers, unknown keys, too
    /// many clauses). Reason code `invalid_constraint`.
    #[error("invalid expand query: {0}")]
    InvalidQuery(String),
    /// The expansion budget is unusable (zero rows, zero fields, too few chars).
    #[error("invalid expand budget: {0}")]
    InvalidBudget(String),
    /// The data is larger than a byte cap; nothing was stored.
    #[error("data for '{capability_id}' exceeds the {limit}-byte {cap} ceiling; not stored")]
    TooLarge {
        /// The capability whose result was refused.
        capability_id: String,
        /// The ceiling in bytes of compact JSON.
        limit: u64,
        /// Which cap: `max_entry_bytes` or `max_total_bytes` (a tie names the entry cap).
        cap: &'static str,
    },
    /// A store configuration value is out of range.
    #[error("invalid handle store config: {0}")]
    InvalidConfig(String),
    /// A store argument is unusable (an empty principal id, for one).
    #[error("invalid store request: {0}")]
    InvalidRequest(String),
    /// The operating system's random source failed; no id could be made.
    #[error("random source failed: {0}")]
    Random(String),
    /// The store behind the handles (a shared backend such as Redis) could not be
    /// reached or answered with an error. Failed closed: nothing was stored or read.
    /// Reason code `store_unavailable`.
    #[error("handle store unavailable: {0}")]
    Unavailable(String),
}

impl HandleError {
    /// A stable, machine-readable code for the error (the reference's reason codes where
    /// it had one).
    pub fn reason_code(&self) -> &'static str {
        match self {
            HandleError::NotFound { .. } => "handle_not_found",
            HandleError::Expired { .. } => "handle_expired",
            HandleError::PrincipalMismatch { .. } => "handle_principal_mismatch",
            HandleError::ConstraintViolation(_) => "handle_constraint_violation",
            HandleError::InvalidQuery(_) => "invalid_constraint",
            HandleError::InvalidBudget(_) => "invalid_budget",
            HandleError::TooLarge { .. } => "handle_too_large",
            HandleError::InvalidConfig(_) => "invalid_config",
            HandleError::InvalidRequest(_) => "invalid_request",
            HandleError::Random(_) => "random_source_failed",
            HandleError::Unavailable(_) => "store_unavailable",
        }
    }

    pub(crate) fn not_found(id: &str) -> Self {
        // The id comes from the caller: keep the echo short so a hostile id cannot
        // inflate an error message that is shown to a model.
        let id = match id.char_indices().nth(64) {
            Some((cut, _)) => format!("{}…", &id[..cut]),
            None => id.to_owned(),
        };
        HandleError::NotFound { id }
    }
}
