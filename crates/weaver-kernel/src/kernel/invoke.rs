//! `invoke`: token → capability → mode → reservation → drivers → handle → frame → commit.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use serde_json::{Map, Value};
use tracing::Instrument as _;
use weaver_budget::{ResponseMode, TokenCounter};
use weaver_handles::{Binding, Filter};

use super::{Audit, Inner, Kernel, bump, new_id};
use crate::driver::{Driver, DriverOutput, ExecutionContext};
use crate::error::KernelError;
use crate::firewall::{Frame, ROLE_ADMIN, TransformContext};
use crate::policy::Principal;
use crate::registry::Capability;
use crate::token::CapabilityToken;
use crate::trace::{ResultSummary, TokenUsage, TraceEvent};

/// The checks `invoke` and `dry_run` share, in order, and what they decided.
pub(super) struct Checked<'k> {
    pub(super) capability: &'k Arc<Capability>,
    pub(super) drivers: Vec<&'k Arc<dyn Driver>>,
    pub(super) timeout: Duration,
    pub(super) scope: Option<Filter>,
    pub(super) requested: ResponseMode,
    pub(super) effective: ResponseMode,
    /// The mode the firewall is asked for (raw for a non-admin's raw request, so that the
    /// frame says why it is a summary).
    pub(super) firewall_mode: ResponseMode,
}

impl Inner {
    /// Everything a call checks before it reserves: token (signature, revocation, expiry,
    /// principal, capability), capability, timeout, scope, route, mode.
    pub(super) fn check<'k>(
        &'k self,
        token: &CapabilityToken,
        principal: &Principal,
        capability_id: &str,
        mode: ResponseMode,
        audit: &mut Audit<'_>,
    ) -> Result<Checked<'k>, KernelError> {
        self.signer.verify(token, &principal.id, capability_id)?;
        let capability = self.registry.get_shared(capability_id)?;
        audit.trace.sensitivity = capability.sensitivity;
        let timeout = token.constraints.timeout()?.unwrap_or(self.default_timeout);
        let scope = if token.constraints.scope.is_empty() {
            None
        } else {
            Some(Filter::from_map(&token.constraints.scope).map_err(|e| {
                KernelError::InvalidConstraint {
                    name: "scope",
                    reason: e.to_string(),
                }
            })?)
        };
        let route = if capability.route.is_empty() {
            &self.default_route
        } else {
            &capability.route
        };
        let drivers: Vec<&Arc<dyn Driver>> =
            route.iter().filter_map(|id| self.drivers.get(id)).collect();
        if drivers.is_empty() {
            return Err(KernelError::NoDriver {
                capability_id: capability.id.clone(),
                route: route.join(", "),
            });
        }
        let admin = principal.has_role(ROLE_ADMIN);
        let gated = if mode == ResponseMode::Raw && !admin {
            ResponseMode::Summary
        } else {
            mode
        };
        let effective = self
            .budget
            .as_ref()
            .map_or(gated, |b| b.suggested_mode(gated));
        let firewall_mode = if mode == ResponseMode::Raw && effective == ResponseMode::Summary {
            ResponseMode::Raw
        } else {
            effective
        };
        Ok(Checked {
            capability,
            drivers,
            timeout,
            scope,
            requested: mode,
            effective,
            firewall_mode,
        })
    }
}

/// The operation a driver is asked to run.
/// The error of a call made outside a tokio runtime (drivers and timeouts need one).
pub(super) fn require_runtime(what: &str) -> Result<(), KernelError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(KernelError::Config(format!(
            "{what} must run inside a tokio runtime (with its time driver)"
        )));
    }
    Ok(())
}

/// What a delivered frame carried, for its trace.
pub(super) fn result_summary(frame: &Frame) -> ResultSummary {
    ResultSummary {
        fact_count: frame.facts.len(),
        row_count: frame.table_preview.len(),
        warning_count: frame.warnings.len(),
        has_handle: frame.handle.is_some(),
    }
}

impl Checked<'_> {
    /// What the drivers are given for this call.
    pub(super) fn context(
        &self,
        principal: &Principal,
        token: &CapabilityToken,
        args: Value,
        action_id: &str,
    ) -> ExecutionContext {
        ExecutionContext {
            capability_id: self.capability.id.clone(),
            operation: operation(self.capability, &args),
            principal_id: principal.id.clone(),
            args,
            constraints: token.constraints.clone(),
            action_id: action_id.to_owned(),
        }
    }
}

pub(super) fn operation(capability: &Capability, args: &Value) -> String {
    match args.get("operation") {
        Some(Value::String(op)) => op.clone(),
        _ => capability
            .operation
            .clone()
            .unwrap_or_else(|| capability.id.clone()),
    }
}

impl Kernel {
    /// Runs `capability_id` for `principal` with the grant in `token`, and returns the
    /// frame the model sees (`is_final = true`).
    ///
    /// In order: the token is verified (signature, revocation, expiry, bound to this
    /// principal **and** to `capability_id`); the capability is looked up; the grant's
    /// timeout and scope are validated; a registered driver must exist on the route; the
    /// mode is decided (raw needs `admin`, then the session budget may escalate it); the
    /// budget is reserved; the drivers run in route order until one succeeds, within the
    /// timeout; the rows outside the grant's scope are dropped; the raw result is stored
    /// behind a handle bound to the principal with the grant's constraints (not in raw
    /// mode); the firewall makes the frame; its payload is counted with the budget's
    /// counter and committed.
    ///
    /// Every outcome leaves one [`ActionTrace`](crate::ActionTrace), including a future
    /// dropped mid-call (recorded as `cancelled`, its reservation released). Errors are
    /// redacted before they are returned.
    ///
    /// Needs a tokio runtime with its time driver (the driver timeout); without one the
    /// call fails with `invalid_config` (traced, budget released) instead of panicking.
    pub async fn invoke(
        &self,
        token: &CapabilityToken,
        principal: &Principal,
        capability_id: &str,
        args: Value,
        mode: ResponseMode,
    ) -> Result<Frame, KernelError> {
        let inner = &*self.inner;
        let action_id = new_id()?;
        bump(&inner.stats.invocations);
        let mut audit = Audit::new(
            inner,
            action_id.clone(),
            TraceEvent::Invoke,
            capability_id,
            &principal.id,
            &args,
        );
        audit.trace.token_id = Some(crate::error::short(&token.token_id));
        audit.trace.requested_mode = Some(mode);
        let span = crate::telemetry::action_span!("weaver.invoke", action_id);
        audit.span = span.clone();
        match self
            .invoke_audited(
                token,
                principal,
                capability_id,
                args,
                mode,
                action_id,
                &mut audit,
            )
            .instrument(span)
            .await
        {
            Ok(frame) => {
                audit.finish();
                Ok(frame)
            }
            Err(e) => {
                bump(&inner.stats.invocation_failures);
                Err(audit.fail(e))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn invoke_audited(
        &self,
        token: &CapabilityToken,
        principal: &Principal,
        capability_id: &str,
        args: Value,
        mode: ResponseMode,
        action_id: String,
        audit: &mut Audit<'_>,
    ) -> Result<Frame, KernelError> {
        let inner = &*self.inner;
        require_runtime("invoke")?;
        let checked = inner.check(token, principal, capability_id, mode, audit)?;
        audit.trace.response_mode = Some(checked.effective);
        let reservation = match &inner.budget {
            Some(b) => Some(b.reserve(None)?),
            None => None,
        };
        let ctx = DeepSafe(checked.context(principal, token, args, &action_id));
        let ctx = &ctx.0;
        let data = run_drivers(&checked, ctx, audit).await?;
        if !audit.trace.failed_drivers.is_empty() {
            bump(&inner.stats.fallbacks);
        }
        let started_ms = audit.trace.started_at_ms;
        // The rest is synchronous; a panic in it (a bug) becomes a typed error and the
        // reservation is released as the stack unwinds to here.
        let finished = std::panic::catch_unwind(AssertUnwindSafe(|| {
            inner.finish_call(&checked, principal, ctx, data, started_ms, audit)
        }));
        let (mut frame, payload_tokens) = match finished {
            Ok(r) => r?,
            Err(_) => return Err(KernelError::Panicked("the handle store or the firewall")),
        };
        if let (Some(r), Some(actual)) = (reservation, payload_tokens) {
            let done = r.commit(actual);
            audit.trace.tokens = Some(TokenUsage {
                reserved: done.reserved,
                actual: done.actual,
                charged: done.charged,
            });
        }
        if frame.response_mode != checked.requested {
            bump(&inner.stats.downgrades);
        }
        if !frame.findings.is_empty() {
            bump(&inner.stats.redaction_events);
        }
        inner.metrics.record_redactions(&frame.findings);
        if !audit.span.is_disabled() {
            audit.span.record("redactions", frame.findings.total());
            let out = weaver_estimate::estimate_serialize(&payload(&frame)).unwrap_or(0);
            audit.span.record("bytes_out", out);
        }
        audit.trace.response_mode = Some(frame.response_mode);
        audit.trace.result_summary = Some(result_summary(&frame));
        frame.is_final = true;
        Ok(frame)
    }
}

impl Inner {
    /// Scope, store, transform, count. Returns the frame and its payload's token count
    /// (when a budget is attached).
    fn finish_call(
        &self,
        checked: &Checked<'_>,
        principal: &Principal,
        ctx: &ExecutionContext,
        data: DriverOutput,
        started_ms: u64,
        audit: &mut Audit<'_>,
    ) -> Result<(Frame, Option<u64>), KernelError> {
        let data = match &checked.scope {
            Some(filter) => DriverOutput::from(in_scope(&data.into_shared(), filter)),
            None => data,
        };
        let handle = if checked.effective == ResponseMode::Raw {
            None
        } else {
            let (cap, binding) = (&ctx.capability_id, Binding::principal(principal.id.clone()));
            let grant = ctx.constraints.handle_grant();
            let h = match &data {
                DriverOutput::Value(v) => {
                    self.store
                        .store_shared(cap, Arc::clone(v), binding, grant, None)?
                }
                DriverOutput::Json(text) => {
                    self.store
                        .store_json(cap, text.clone(), binding, grant, None)?
                }
            };
            bump(&self.stats.handle_stores);
            audit.trace.handle_id = Some(h.id.as_str().to_owned());
            Some(h)
        };
        // Field by field (not a struct literal), so fields the firewall adds later keep
        // their defaults.
        let mut tctx = TransformContext::new(checked.firewall_mode);
        tctx.roles.clone_from(&principal.roles);
        tctx.constraints = ctx.constraints.firewall();
        tctx.capability_id.clone_from(&ctx.capability_id);
        tctx.action_id.clone_from(&ctx.action_id);
        tctx.principal_id.clone_from(&principal.id);
        tctx.invoked_at_ms = Some(started_ms);
        tctx.handle = handle;
        if !audit.span.is_disabled() {
            let bytes_in = match &data {
                DriverOutput::Value(v) => weaver_estimate::estimate(v),
                DriverOutput::Json(text) => text.compact_len(),
            };
            audit.span.record("bytes_in", bytes_in);
        }
        let frame = {
            let _span =
                tracing::info_span!("weaver.firewall.apply", mode = tctx.mode.as_str()).entered();
            match &data {
                DriverOutput::Value(v) => self.firewall.transform(v, &tctx),
                // One streaming pass over the text; equal to `transform` of the parsed value.
                DriverOutput::Json(text) => self
                    .firewall
                    .transform_json(text.as_str().as_bytes(), &tctx),
            }
        };
        if let DriverOutput::Value(v) = data
            && let Some(v) = Arc::into_inner(v)
        {
            weaver_redact::drop_deep(v);
        }
        let frame = frame?;
        let tokens = self
            .budget
            .as_ref()
            .map(|b| payload_tokens(&frame, b.counter().as_ref()));
        Ok((frame, tokens))
    }
}

/// Owns the call's context and drops its arguments without recursion, however the call
/// ends (a caller may send arguments nested 100 000 deep; dropping those the normal way
/// would overflow the stack).
struct DeepSafe(ExecutionContext);

impl Drop for DeepSafe {
    fn drop(&mut self) {
        weaver_redact::drop_deep(std::mem::take(&mut self.0.args));
    }
}

/// The drivers of the route in order until one succeeds, all within the timeout.
async fn run_drivers(
    checked: &Checked<'_>,
    ctx: &ExecutionContext,
    audit: &mut Audit<'_>,
) -> Result<DriverOutput, KernelError> {
    let deadline = tokio::time::Instant::now()
        .checked_add(checked.timeout)
        .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(86_400));
    let mut last = String::new();
    for driver in &checked.drivers {
        let id = driver.id();
        audit.trace.driver_id = Some(id.to_owned());
        let attempt = AssertUnwindSafe(driver.execute(ctx))
            .catch_unwind()
            .instrument(tracing::info_span!("weaver.driver.execute", driver_id = id));
        // A runtime built without its time driver panics here: make that a typed error.
        let Ok(timed) = std::panic::catch_unwind(AssertUnwindSafe(|| {
            tokio::time::timeout_at(deadline, attempt)
        })) else {
            return Err(KernelError::Config(
                "invoke needs the tokio time driver (build the runtime with enable_time or enable_all)"
                    .into(),
            ));
        };
        match timed.await {
            Err(_) => {
                return Err(KernelError::DriverTimeout {
                    capability_id: ctx.capability_id.clone(),
                    driver_id: id.to_owned(),
                    timeout_ms: u64::try_from(checked.timeout.as_millis()).unwrap_or(u64::MAX),
                });
            }
            Ok(Ok(Ok(data))) => return Ok(data),
            Ok(Ok(Err(e))) => last = e.message,
            Ok(Err(_panic)) => "the driver panicked".clone_into(&mut last),
        }
        audit.trace.failed_drivers.push(id.to_owned());
    }
    Err(KernelError::DriverFailed {
        capability_id: ctx.capability_id.clone(),
        driver_id: audit.trace.driver_id.clone().unwrap_or_default(),
        message: last,
    })
}

/// The rows of `data` inside the grant's scope: a list keeps its matching elements, a
/// map stays if it matches (else the result is an empty list), anything else is dropped.
pub(super) fn in_scope(data: &Value, filter: &Filter) -> Value {
    match data {
        Value::Array(rows) => Value::Array(
            rows.iter()
                .filter(|r| row_holds(filter, r))
                .map(weaver_redact::clone_deep)
                .collect(),
        ),
        Value::Object(_) if row_holds(filter, data) => weaver_redact::clone_deep(data),
        _ => Value::Array(Vec::new()),
    }
}

fn row_holds(filter: &Filter, row: &Value) -> bool {
    filter
        .clauses()
        .iter()
        .all(|(field, cond)| row.get(field).is_some_and(|v| cond.holds(v)))
}

/// What the model reads of a frame: facts, table rows, warnings, raw data.
#[derive(serde::Serialize)]
struct Payload<'a> {
    facts: &'a [String],
    table_preview: &'a [Map<String, Value>],
    warnings: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_data: Option<&'a Value>,
}

fn payload(frame: &Frame) -> Payload<'_> {
    Payload {
        facts: &frame.facts,
        table_preview: &frame.table_preview,
        warnings: &frame.warnings,
        raw_data: frame.raw_data.as_ref(),
    }
}

pub(super) fn payload_tokens(frame: &Frame, counter: &dyn TokenCounter) -> u64 {
    let payload = payload(frame);
    // The default counter is `ceil(compact JSON bytes / 4)`: measure the bytes without
    // writing them.
    if counter.name() == "chars"
        && let Ok(bytes) = weaver_estimate::estimate_serialize(&payload)
    {
        return bytes.div_ceil(weaver_budget::BYTES_PER_TOKEN);
    }
    match serde_json::to_string(&payload) {
        Ok(text) => counter.count_str(&text),
        // Serializing a frame cannot fail (string keys, finite numbers); were it to, charge
        // its size estimate rather than nothing.
        Err(_) => frame.facts.len() as u64 * 16 + frame.table_preview.len() as u64 * 64,
    }
}
