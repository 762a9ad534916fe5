//! The one error type of the Redis backends.

use weaver_budget::BudgetExhausted;
use weaver_handles::HandleError;

/// Why a Redis-backed operation failed.
///
/// Every failure is closed: when Redis cannot be reached nothing is stored, expanded,
/// reserved or charged, and no local fallback is used — a caller must not show a frame
/// whose handle has no store behind it, nor run a call that no budget has granted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedisError {
    /// Redis could not be reached (refused, timed out, connection dropped). Retry later;
    /// the connection manager reconnects by itself.
    #[error(
        "redis unavailable during {op}: {detail} (failed closed: nothing stored, expanded or charged)"
    )]
    Unavailable {
        /// The operation that failed (`store`, `expand`, `reserve`, ...).
        op: &'static str,
        /// What the client reported.
        detail: String,
    },
    /// Redis answered with an error (a script error, a wrong-type key under the prefix).
    #[error("redis refused {op}: {detail}")]
    Backend {
        /// The operation that failed.
        op: &'static str,
        /// What Redis reported.
        detail: String,
    },
    /// A handle-store error: not found, expired, principal mismatch, too large, a bad
    /// query. Same meaning and reason codes as the embedded store's.
    #[error(transparent)]
    Handle(#[from] HandleError),
    /// The shared budget has nothing left to reserve.
    #[error(transparent)]
    Exhausted(#[from] BudgetExhausted),
    /// A backend option is out of range.
    #[error("invalid redis backend config: {0}")]
    InvalidConfig(String),
    /// Redis holds something under the prefix that this crate did not write.
    #[error("unreadable record in redis: {0}")]
    Corrupt(String),
}

impl RedisError {
    /// A stable, machine-readable code (the handle store's codes for handle errors).
    pub fn reason_code(&self) -> &'static str {
        match self {
            RedisError::Unavailable { .. } => "store_unavailable",
            RedisError::Backend { .. } => "store_error",
            RedisError::Handle(e) => e.reason_code(),
            RedisError::Exhausted(_) => "budget_exhausted",
            RedisError::InvalidConfig(_) => "invalid_config",
            RedisError::Corrupt(_) => "store_corrupt",
        }
    }

    /// Whether this is Redis being unreachable (as opposed to an answer).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, RedisError::Unavailable { .. })
    }

    pub(crate) fn from_redis(op: &'static str, e: &redis::RedisError) -> Self {
        let detail = e.to_string();
        if e.is_io_error()
            || e.is_timeout()
            || e.is_connection_dropped()
            || e.is_connection_refusal()
            || e.is_unrecoverable_error()
        {
            RedisError::Unavailable { op, detail }
        } else {
            RedisError::Backend { op, detail }
        }
    }
}
