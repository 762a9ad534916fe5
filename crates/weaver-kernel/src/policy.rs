//! Principals, grant constraints and the policy that turns a request into a grant.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::KernelError;
use crate::firewall::{self, ROLE_ADMIN, ROLE_PII_READER};
use crate::registry::{Capability, SafetyClass, Sensitivity};

/// The role that may use WRITE capabilities (with a justification).
pub const ROLE_WRITER: &str = "writer";
/// The role whose grants allow 500 rows instead of 50.
pub const ROLE_SERVICE: &str = "service";
/// The role that may use SECRETS capabilities (with a justification).
pub const ROLE_SECRETS_READER: &str = "secrets_reader";
/// The attribute PII and PCI capabilities require.
pub const ATTR_TENANT: &str = "tenant";
/// Shortest accepted justification for WRITE, DESTRUCTIVE and SECRETS grants, in
/// characters after trimming.
pub const MIN_JUSTIFICATION_CHARS: usize = 15;
/// The row cap of a grant without the `service` role.
pub const DEFAULT_ROW_CAP: u64 = 50;
/// The row cap of a grant with the `service` role.
pub const SERVICE_ROW_CAP: u64 = 500;
/// The longest accepted per-call timeout (one day).
pub const MAX_TIMEOUT_MS: u64 = 86_400_000;

/// Who is calling: an id, roles and attributes (`tenant`, …).
///
/// ```
/// use weaver_kernel::Principal;
/// let p = Principal::new("alice").with_role("reader").with_attribute("tenant", "acme");
/// assert!(p.has_role("reader"));
/// assert_eq!(p.attribute("tenant"), Some("acme"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Principal {
    /// The id handles and tokens are bound to.
    pub id: String,
    /// Roles (`reader`, `writer`, `admin`, `pii_reader`, `service`, `secrets_reader`, …).
    pub roles: Vec<String>,
    /// Attributes (`tenant` is the one the default policy reads).
    pub attributes: BTreeMap<String, String>,
}

impl Principal {
    /// A principal with no roles or attributes.
    pub fn new(id: impl Into<String>) -> Self {
        Principal {
            id: id.into(),
            ..Principal::default()
        }
    }

    /// Adds a role.
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Sets an attribute.
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// Whether the principal has `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// An attribute's value.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// The limits a grant puts on a capability's use; signed into the token.
///
/// * `max_rows`: most rows a frame or an expansion page shows (`min` with the budgets).
/// * `allowed_fields`: the projection (`None`: none; `Some([])` shows no field).
/// * `scope`: field equalities every row must satisfy: rows outside it are dropped from
///   the result before it is stored or shown, and an expansion cannot widen it.
/// * `timeout_ms`: the drivers' deadline for one call (`None`: the kernel's default).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantConstraints {
    /// Most rows shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u64>,
    /// The only fields shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_fields: Option<Vec<String>>,
    /// Field equalities every visible row satisfies.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub scope: Map<String, Value>,
    /// The drivers' deadline, in milliseconds (1..=[`MAX_TIMEOUT_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

impl GrantConstraints {
    /// What the firewall enforces.
    pub fn firewall(&self) -> firewall::Constraints {
        firewall::Constraints {
            max_rows: self.max_rows,
            allowed_fields: self.allowed_fields.clone(),
        }
    }

    /// What the handle store enforces on expansion.
    pub fn handle_grant(&self) -> weaver_handles::Grant {
        weaver_handles::Grant {
            max_rows: self.max_rows,
            allowed_fields: self.allowed_fields.clone(),
            scope: self.scope.clone(),
        }
    }

    /// The validated timeout: `None` when unset; zero or above [`MAX_TIMEOUT_MS`] is a
    /// typed error.
    pub fn timeout(&self) -> Result<Option<Duration>, KernelError> {
        match self.timeout_ms {
            None => Ok(None),
            Some(0) => Err(KernelError::InvalidConstraint {
                name: "timeout_ms",
                reason: "must be positive, got 0".into(),
            }),
            Some(ms) if ms > MAX_TIMEOUT_MS => Err(KernelError::InvalidConstraint {
                name: "timeout_ms",
                reason: format!("must be at most {MAX_TIMEOUT_MS} (one day), got {ms}"),
            }),
            Some(ms) => Ok(Some(Duration::from_millis(ms))),
        }
    }
}

/// A stable, machine-readable reason for a policy decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ReasonCode(&'static str);

impl ReasonCode {
    /// A required role is missing.
    pub const MISSING_ROLE: ReasonCode = ReasonCode("missing_role");
    /// PII/PCI without a `tenant` attribute.
    pub const MISSING_TENANT_ATTRIBUTE: ReasonCode = ReasonCode("missing_tenant_attribute");
    /// A justification is required and shorter than [`MIN_JUSTIFICATION_CHARS`].
    pub const INSUFFICIENT_JUSTIFICATION: ReasonCode = ReasonCode("insufficient_justification");
    /// A requested constraint is unusable.
    pub const INVALID_CONSTRAINT: ReasonCode = ReasonCode("invalid_constraint");
    /// The default policy allowed the grant.
    pub const DEFAULT_POLICY_ALLOW: ReasonCode = ReasonCode("default_policy_allow");
    /// A dry run found the token valid (policy was evaluated at grant time).
    pub const TOKEN_VERIFIED: ReasonCode = ReasonCode("token_verified");

    /// A code of a custom policy engine (use snake_case).
    pub const fn custom(code: &'static str) -> ReasonCode {
        ReasonCode(code)
    }

    /// The code.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// What a caller asks for when requesting a grant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GrantRequest {
    /// The capability.
    pub capability_id: String,
    /// Why (required for WRITE, DESTRUCTIVE and SECRETS).
    pub justification: String,
    /// What for, free text (recorded in the decision).
    pub intent: Option<String>,
    /// Narrower limits the caller asks for (a policy can only narrow them further).
    pub constraints: GrantConstraints,
    /// Token lifetime; `None`: the kernel's default.
    pub ttl: Option<Duration>,
}

impl GrantRequest {
    /// A request for `capability_id` with a justification.
    pub fn new(capability_id: impl Into<String>, justification: impl Into<String>) -> Self {
        GrantRequest {
            capability_id: capability_id.into(),
            justification: justification.into(),
            ..GrantRequest::default()
        }
    }

    /// Sets the intent.
    pub fn intent(mut self, intent: impl Into<String>) -> Self {
        self.intent = Some(intent.into());
        self
    }

    /// Sets the requested constraints.
    pub fn constraints(mut self, constraints: GrantConstraints) -> Self {
        self.constraints = constraints;
        self
    }

    /// Sets the token lifetime.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }
}

/// One step of a policy evaluation, for explanations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyStep {
    /// The rule (`write_role`, `row_cap`, …).
    pub name: &'static str,
    /// `allowed`, `denied`, `skipped` or `constraint_applied`.
    pub outcome: &'static str,
    /// What it found.
    pub detail: String,
}

/// A positive policy decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PolicyDecision {
    /// Why it was allowed.
    pub reason_code: ReasonCode,
    /// The same in words.
    pub reason: String,
    /// The constraints the token will carry.
    pub constraints: GrantConstraints,
    /// The rules evaluated, in order.
    pub steps: Vec<PolicyStep>,
}

/// A refusal: a stable code and a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDenial {
    /// The code.
    pub reason_code: ReasonCode,
    /// Why, in words.
    pub message: String,
}

impl From<PolicyDenial> for KernelError {
    fn from(d: PolicyDenial) -> KernelError {
        KernelError::PolicyDenied {
            reason_code: d.reason_code,
            message: d.message,
        }
    }
}

/// Decides whether a principal may use a capability, and with which constraints.
/// Implement it to replace the [`DefaultPolicy`]; it runs once per grant (never per call:
/// the token carries the decision).
pub trait PolicyEngine: Send + Sync + std::fmt::Debug {
    /// A name for explanations.
    fn name(&self) -> &str;

    /// Allows with constraints, or denies with a reason code.
    fn evaluate(
        &self,
        request: &GrantRequest,
        capability: &Capability,
        principal: &Principal,
    ) -> Result<PolicyDecision, PolicyDenial>;
}

/// The default policy:
///
/// 1. WRITE needs `writer` or `admin`, then a justification of at least
///    [`MIN_JUSTIFICATION_CHARS`] characters (`missing_role`, `insufficient_justification`).
/// 2. DESTRUCTIVE needs `admin`, then the justification.
/// 3. PII and PCI need a non-empty `tenant` attribute (`missing_tenant_attribute`); unless
///    the principal is a `pii_reader`, a capability's `allowed_fields` become the grant's
///    projection (intersected with any narrower projection the request asked for).
/// 4. SECRETS needs `admin` or `secrets_reader`, then the justification.
/// 5. Rows: at most 500 with `service`, else 50 (`min` with the request's `max_rows`).
/// 6. A requested `timeout_ms` must be in `1..=MAX_TIMEOUT_MS` (`invalid_constraint`).
///
/// Allowed grants carry `default_policy_allow`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultPolicy;

fn justified(request: &GrantRequest) -> Result<(), PolicyDenial> {
    let n = request.justification.trim().chars().count();
    if n < MIN_JUSTIFICATION_CHARS {
        return Err(PolicyDenial {
            reason_code: ReasonCode::INSUFFICIENT_JUSTIFICATION,
            message: format!(
                "a justification of at least {MIN_JUSTIFICATION_CHARS} characters is required, got {n}"
            ),
        });
    }
    Ok(())
}

fn need_role(principal: &Principal, roles: &[&str], what: &str) -> Result<(), PolicyDenial> {
    if roles.iter().any(|r| principal.has_role(r)) {
        return Ok(());
    }
    Err(PolicyDenial {
        reason_code: ReasonCode::MISSING_ROLE,
        message: format!(
            "{what} capabilities need one of the roles: {}",
            roles.join(", ")
        ),
    })
}

impl PolicyEngine for DefaultPolicy {
    fn name(&self) -> &'static str {
        "DefaultPolicy"
    }

    fn evaluate(
        &self,
        request: &GrantRequest,
        capability: &Capability,
        principal: &Principal,
    ) -> Result<PolicyDecision, PolicyDenial> {
        let mut steps = Vec::new();
        let mut step = |name, outcome, detail: String| {
            steps.push(PolicyStep {
                name,
                outcome,
                detail,
            });
        };
        match capability.safety {
            SafetyClass::Read => step("safety", "allowed", "read".into()),
            SafetyClass::Write => {
                need_role(principal, &[ROLE_WRITER, ROLE_ADMIN], "WRITE")?;
                justified(request)?;
                step("safety", "allowed", "write: role and justification".into());
            }
            SafetyClass::Destructive => {
                need_role(principal, &[ROLE_ADMIN], "DESTRUCTIVE")?;
                justified(request)?;
                step(
                    "safety",
                    "allowed",
                    "destructive: admin and justification".into(),
                );
            }
        }
        let mut constraints = request.constraints.clone();
        match capability.sensitivity {
            Sensitivity::Pii | Sensitivity::Pci => {
                if principal.attribute(ATTR_TENANT).is_none_or(str::is_empty) {
                    return Err(PolicyDenial {
                        reason_code: ReasonCode::MISSING_TENANT_ATTRIBUTE,
                        message: "PII and PCI capabilities need a tenant attribute".into(),
                    });
                }
                if !capability.allowed_fields.is_empty() && !principal.has_role(ROLE_PII_READER) {
                    let projection = match constraints.allowed_fields.take() {
                        Some(asked) => asked
                            .into_iter()
                            .filter(|f| capability.allowed_fields.contains(f))
                            .collect(),
                        None => capability.allowed_fields.clone(),
                    };
                    step(
                        "sensitivity",
                        "constraint_applied",
                        format!("allowed_fields: {}", projection.join(", ")),
                    );
                    constraints.allowed_fields = Some(projection);
                } else {
                    step("sensitivity", "allowed", "tenant present".into());
                }
            }
            Sensitivity::Secrets => {
                need_role(principal, &[ROLE_ADMIN, ROLE_SECRETS_READER], "SECRETS")?;
                justified(request)?;
                step(
                    "sensitivity",
                    "allowed",
                    "secrets: role and justification".into(),
                );
            }
            Sensitivity::None => {}
        }
        let cap = if principal.has_role(ROLE_SERVICE) {
            SERVICE_ROW_CAP
        } else {
            DEFAULT_ROW_CAP
        };
        let rows = constraints.max_rows.map_or(cap, |n| n.min(cap));
        constraints.max_rows = Some(rows);
        step("row_cap", "constraint_applied", format!("max_rows: {rows}"));
        if let Err(e) = constraints.timeout() {
            return Err(PolicyDenial {
                reason_code: ReasonCode::INVALID_CONSTRAINT,
                message: e.to_string(),
            });
        }
        Ok(PolicyDecision {
            reason_code: ReasonCode::DEFAULT_POLICY_ALLOW,
            reason: "allowed by the default policy".into(),
            constraints,
            steps,
        })
    }
}
