//! `dry_run`: every check of a real call, without running the driver or touching the
//! budget.

use serde_json::Value;
use weaver_budget::{BudgetExhausted, ResponseMode};

use super::invoke::operation;
use super::{Audit, Kernel, bump, new_id};
use crate::error::KernelError;
use crate::policy::{GrantConstraints, Principal, ReasonCode};
use crate::registry::SafetyClass;
use crate::token::CapabilityToken;
use crate::trace::TraceEvent;

/// A rough cost class, from the capability's safety class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimatedCost {
    /// READ.
    Low,
    /// WRITE.
    Medium,
    /// DESTRUCTIVE.
    High,
}

/// What a real `invoke` with the same inputs would do now.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DryRun {
    /// The dry run's own action id (its trace).
    pub action_id: String,
    /// The capability.
    pub capability_id: String,
    /// The caller.
    pub principal_id: String,
    /// `token_verified`: the policy ran at grant time; the token still holds.
    pub reason_code: ReasonCode,
    /// The mode asked for.
    pub requested_mode: ResponseMode,
    /// The mode the frame would have (admin gate, then budget escalation).
    pub effective_mode: ResponseMode,
    /// The driver that would run first.
    pub driver_id: String,
    /// The registered drivers after it, in fallback order.
    pub fallback_drivers: Vec<String>,
    /// The operation the driver would be asked for.
    pub operation: String,
    /// The drivers' deadline, in milliseconds.
    pub timeout_ms: u64,
    /// Tokens left in the session budget (`None` without a budget).
    pub budget_remaining: Option<u64>,
    /// Tokens the call would reserve (`None` without a budget).
    pub would_reserve: Option<u64>,
    /// Low, medium or high, from the safety class.
    pub estimated_cost: EstimatedCost,
    /// The grant's constraints.
    pub constraints: GrantConstraints,
    /// The checks that passed, in the order a real call makes them.
    pub checks: Vec<&'static str>,
}

impl Kernel {
    /// Runs every check [`invoke`](Kernel::invoke) makes before its driver — token
    /// (signature, revocation, expiry, principal, capability), capability, timeout and
    /// scope constraints, a registered driver on the route, the mode decision and whether
    /// the budget has anything left to reserve — and reports what the call would do.
    /// The driver does not run and the budget does not change; the dry run is traced
    /// (event `dry_run`). A check that fails returns the error the real call would.
    // Async so that a remote budget or trace backend can be awaited without an API change.
    #[allow(clippy::unused_async)]
    pub async fn dry_run(
        &self,
        token: &CapabilityToken,
        principal: &Principal,
        capability_id: &str,
        args: &Value,
        mode: ResponseMode,
    ) -> Result<DryRun, KernelError> {
        let inner = &*self.inner;
        let action_id = new_id()?;
        bump(&inner.stats.dry_runs);
        let mut audit = Audit::new(
            inner,
            action_id.clone(),
            TraceEvent::DryRun,
            capability_id,
            &principal.id,
            args,
        );
        audit.trace.token_id = Some(crate::error::short(&token.token_id));
        audit.trace.requested_mode = Some(mode);
        let checked = match inner.check(token, principal, capability_id, mode, &mut audit) {
            Ok(c) => c,
            Err(e) => return Err(audit.fail(e)),
        };
        let mut checks = vec![
            "token_signature",
            "token_not_revoked",
            "token_not_expired",
            "token_principal",
            "token_capability",
            "capability_registered",
            "timeout_constraint",
            "scope_constraint",
            "driver_registered",
            "mode",
        ];
        let (budget_remaining, would_reserve) = match &inner.budget {
            Some(b) => {
                let s = b.snapshot();
                if s.remaining() == 0 {
                    let e = BudgetExhausted {
                        used: s.used,
                        reserved: s.reserved,
                        total: s.total,
                    };
                    return Err(audit.fail(e.into()));
                }
                checks.push("budget_available");
                (
                    Some(s.remaining()),
                    Some(b.default_request().min(s.remaining())),
                )
            }
            None => (None, None),
        };
        let driver_id = checked.drivers[0].id().to_owned();
        audit.trace.driver_id = Some(driver_id.clone());
        audit.trace.response_mode = Some(checked.effective);
        audit.trace.reason_code = Some(ReasonCode::TOKEN_VERIFIED.as_str().to_owned());
        audit.finish();
        Ok(DryRun {
            action_id,
            capability_id: checked.capability.id.clone(),
            principal_id: principal.id.clone(),
            reason_code: ReasonCode::TOKEN_VERIFIED,
            requested_mode: mode,
            effective_mode: checked.effective,
            driver_id,
            fallback_drivers: checked.drivers[1..]
                .iter()
                .map(|d| d.id().to_owned())
                .collect(),
            operation: operation(checked.capability, args),
            timeout_ms: u64::try_from(checked.timeout.as_millis()).unwrap_or(u64::MAX),
            budget_remaining,
            would_reserve,
            estimated_cost: match checked.capability.safety {
                SafetyClass::Read => EstimatedCost::Low,
                SafetyClass::Write => EstimatedCost::Medium,
                SafetyClass::Destructive => EstimatedCost::High,
            },
            constraints: token.constraints.clone(),
            checks,
        })
    }
}
