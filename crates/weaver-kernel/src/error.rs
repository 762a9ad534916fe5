//! The kernel's typed errors and their stable codes.

use weaver_budget::BudgetExhausted;
use weaver_handles::HandleError;
use weaver_redact::Redactor;

use crate::firewall::FirewallError;
use crate::policy::ReasonCode;

/// Why a kernel operation was refused or failed.
///
/// Every variant has a stable machine-readable [`code`](KernelError::code). Errors returned
/// by [`Kernel`](crate::Kernel) methods have had their free text passed through the
/// redactor (a driver's error text may quote the data it choked on), so they can be shown
/// to a caller or a model as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KernelError {
    /// A capability with this id is already registered.
    #[error("capability '{id}' is already registered")]
    CapabilityAlreadyRegistered {
        /// The id.
        id: String,
    },
    /// No capability with this id is registered.
    #[error("capability '{id}' is not registered")]
    CapabilityNotFound {
        /// The id asked for (truncated to 64 characters).
        id: String,
    },
    /// A capability definition is unusable (an empty id, …).
    #[error("invalid capability: {0}")]
    InvalidCapability(String),
    /// The policy refused the grant.
    #[error("policy denied ({reason_code}): {message}")]
    PolicyDenied {
        /// The stable reason code (`missing_role`, …).
        reason_code: ReasonCode,
        /// Why, in words.
        message: String,
    },
    /// The token's signature does not match its contents (forged, altered, or signed with
    /// another key), or the token is malformed.
    #[error("capability token is invalid: {0}")]
    TokenInvalid(String),
    /// The token's lifetime has passed.
    #[error("capability token expired at {expires_at_ms} ms since the Unix epoch")]
    TokenExpired {
        /// When it expired.
        expires_at_ms: u64,
    },
    /// The token was revoked.
    #[error("capability token has been revoked")]
    TokenRevoked,
    /// The token is genuine but was issued to another principal or for another capability.
    #[error("capability token does not cover this call: {0}")]
    TokenScope(String),
    /// A grant constraint is unusable (a zero timeout, …).
    #[error("invalid constraint {name}: {reason}")]
    InvalidConstraint {
        /// The constraint.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The session budget has nothing left; the driver did not run.
    #[error(transparent)]
    BudgetExhausted(#[from] BudgetExhausted),
    /// None of the capability's drivers is registered.
    #[error("no registered driver for capability '{capability_id}' (route: {route})")]
    NoDriver {
        /// The capability.
        capability_id: String,
        /// The route that was tried, comma-separated.
        route: String,
    },
    /// Every driver of the route failed.
    #[error(
        "all drivers failed for capability '{capability_id}'; last error ({driver_id}): {message}"
    )]
    DriverFailed {
        /// The capability.
        capability_id: String,
        /// The last driver tried.
        driver_id: String,
        /// Its error text (redacted).
        message: String,
    },
    /// The drivers did not finish within the grant's timeout.
    #[error(
        "driver '{driver_id}' timed out after {timeout_ms} ms for capability '{capability_id}'"
    )]
    DriverTimeout {
        /// The capability.
        capability_id: String,
        /// The driver running when time ran out.
        driver_id: String,
        /// The timeout.
        timeout_ms: u64,
    },
    /// The handle store refused to store or expand.
    #[error(transparent)]
    Handle(#[from] HandleError),
    /// The firewall refused the result (invalid constraint in the grant, …).
    #[error(transparent)]
    Firewall(#[from] FirewallError),
    /// No trace with this action id (never recorded, or evicted from the bounded store).
    #[error("no action trace for action_id '{action_id}'")]
    TraceNotFound {
        /// The id asked for (truncated to 64 characters).
        action_id: String,
    },
    /// The kernel configuration is unusable.
    #[error("invalid kernel configuration: {0}")]
    Config(String),
    /// A component panicked; the call was stopped and its reservation released.
    #[error("internal error: {0} panicked")]
    Panicked(&'static str),
    /// The operating system's random source failed.
    #[error("random source failed: {0}")]
    Random(String),
}

impl KernelError {
    /// A stable, machine-readable code: `capability_not_found`, `policy_denied`,
    /// `token_invalid`, `token_expired`, `token_revoked`, `token_scope`,
    /// `invalid_constraint`, `budget_exhausted`, `no_driver`, `driver_failed`,
    /// `driver_timeout`, the handle store's codes (`handle_not_found`,
    /// `handle_principal_mismatch`, …), `firewall_error`, `trace_not_found`,
    /// `invalid_config`, `internal_panic`, `random_source_failed`,
    /// `capability_already_registered`, `invalid_capability`.
    pub fn code(&self) -> &'static str {
        match self {
            KernelError::CapabilityAlreadyRegistered { .. } => "capability_already_registered",
            KernelError::CapabilityNotFound { .. } => "capability_not_found",
            KernelError::InvalidCapability(_) => "invalid_capability",
            KernelError::PolicyDenied { .. } => "policy_denied",
            KernelError::TokenInvalid(_) => "token_invalid",
            KernelError::TokenExpired { .. } => "token_expired",
            KernelError::TokenRevoked => "token_revoked",
            KernelError::TokenScope(_) => "token_scope",
            KernelError::InvalidConstraint { .. } => "invalid_constraint",
            KernelError::BudgetExhausted(_) => "budget_exhausted",
            KernelError::NoDriver { .. } => "no_driver",
            KernelError::DriverFailed { .. } => "driver_failed",
            KernelError::DriverTimeout { .. } => "driver_timeout",
            KernelError::Handle(e) => e.reason_code(),
            KernelError::Firewall(_) => "firewall_error",
            KernelError::TraceNotFound { .. } => "trace_not_found",
            KernelError::Config(_) => "invalid_config",
            KernelError::Panicked(_) => "internal_panic",
            KernelError::Random(_) => "random_source_failed",
        }
    }

    /// The policy reason code, for denials.
    pub fn reason_code(&self) -> Option<&ReasonCode> {
        match self {
            KernelError::PolicyDenied { reason_code, .. } => Some(reason_code),
            _ => None,
        }
    }

    /// The same error with every free-text field passed through `redactor`.
    pub(crate) fn redacted(self, redactor: &Redactor) -> KernelError {
        let r = |s: String| redactor.redact_str(&s).into_owned();
        match self {
            KernelError::PolicyDenied {
                reason_code,
                message,
            } => KernelError::PolicyDenied {
                reason_code,
                message: r(message),
            },
            KernelError::TokenInvalid(m) => KernelError::TokenInvalid(r(m)),
            KernelError::TokenScope(m) => KernelError::TokenScope(r(m)),
            KernelError::InvalidCapability(m) => KernelError::InvalidCapability(r(m)),
            KernelError::InvalidConstraint { name, reason } => KernelError::InvalidConstraint {
                name,
                reason: r(reason),
            },
            KernelError::CapabilityNotFound { id } => KernelError::CapabilityNotFound { id: r(id) },
            KernelError::DriverFailed {
                capability_id,
                driver_id,
                message,
            } => KernelError::DriverFailed {
                capability_id: r(capability_id),
                driver_id: r(driver_id),
                message: r(message),
            },
            KernelError::TraceNotFound { action_id } => KernelError::TraceNotFound {
                action_id: r(action_id),
            },
            KernelError::Config(m) => KernelError::Config(r(m)),
            KernelError::Handle(e) => KernelError::Handle(match e {
                HandleError::NotFound { id } => HandleError::NotFound { id: r(id) },
                HandleError::ConstraintViolation(m) => HandleError::ConstraintViolation(r(m)),
                HandleError::InvalidQuery(m) => HandleError::InvalidQuery(r(m)),
                HandleError::InvalidRequest(m) => HandleError::InvalidRequest(r(m)),
                other => other,
            }),
            // The remaining variants hold no caller- or driver-supplied free text (ids of
            // registered capabilities and drivers, numbers), or text the handle store and
            // firewall already guarantee free of data.
            other => other,
        }
    }
}

/// Cuts caller-supplied text echoed in an error to 64 characters.
pub(crate) fn short(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
