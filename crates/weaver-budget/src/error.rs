//! Typed errors.

/// A budget was configured with a number it cannot work with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BudgetConfigError {
    /// The total budget was zero.
    #[error("total budget must be positive (got 0 tokens)")]
    ZeroTotal,
    /// The default reservation was zero.
    #[error("default request must be positive (got 0 tokens)")]
    ZeroDefaultRequest,
}

/// Nothing of the session budget is left to reserve.
///
/// `used + reserved == total`: everything is either spent or held by live reservations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "session budget exhausted: used {used} of {total} tokens{} (no budget remaining)",
    held(*.reserved)
)]
pub struct BudgetExhausted {
    /// Tokens already charged.
    pub used: u64,
    /// Tokens held by live reservations at the time.
    pub reserved: u64,
    /// The total budget.
    pub total: u64,
}

fn held(reserved: u64) -> String {
    if reserved == 0 {
        String::new()
    } else {
        format!(", {reserved} more reserved by calls in flight")
    }
}

/// A token encoding name that this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("unknown token encoding {name:?} (expected one of: {})", expected.join(", "))]
pub struct UnknownEncoding {
    /// The name that was asked for.
    pub name: String,
    /// The names that would have been accepted.
    pub expected: &'static [&'static str],
}

impl UnknownEncoding {
    pub(crate) fn new(name: &str, expected: &'static [&'static str]) -> UnknownEncoding {
        UnknownEncoding {
            name: name.to_owned(),
            expected,
        }
    }
}
