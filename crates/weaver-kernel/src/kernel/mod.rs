//! The Kernel: grants, invocations, expansions, dry runs and their audit trail.

mod builder;
mod dry_run;
mod expand;
mod invoke;
mod stream;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use weaver_budget::BudgetManager;
use weaver_handles::{Clock, ExpandBudget, HandleBackend, HandleId};
use weaver_redact::{Policy, Redactor};

use crate::driver::Driver;
use crate::error::{KernelError, short};
use crate::firewall::Firewall;
use crate::policy::{GrantRequest, PolicyDecision, PolicyEngine, Principal};
use crate::registry::{CapabilityRequest, Registry, Sensitivity};
use crate::token::{CapabilityToken, TokenSigner};
use crate::trace::{ActionTrace, TraceEvent, TraceStore};

pub use builder::{DEFAULT_STORE_BYTES, KernelBuilder};
pub use dry_run::{DryRun, EstimatedCost};
pub use expand::ExpansionFrame;
pub use stream::{CANCELLED_BY_CONSUMER, FrameStream, MAX_STREAM_STORE_BYTES};

/// Arguments (and expand queries) larger than this, in bytes of compact JSON after
/// redaction, are not copied into a trace; a note with their size is.
pub const MAX_TRACE_ARGS_BYTES: u64 = 4096;
/// Depth at which trace arguments are elided.
const TRACE_ARGS_DEPTH: usize = 4;

/// The context firewall's kernel: one instance serves every call of a process.
///
/// Cheap to clone (an `Arc`), `Send + Sync`; every method takes `&self`. See the
/// [crate documentation](crate) for the whole flow.
#[derive(Clone)]
pub struct Kernel {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut drivers: Vec<&String> = self.inner.drivers.keys().collect();
        drivers.sort();
        f.debug_struct("Kernel")
            .field("capabilities", &self.inner.registry.len())
            .field("drivers", &drivers)
            .field("policy", &self.inner.policy.name())
            .field("budget", &self.inner.budget)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) registry: Registry,
    pub(crate) drivers: HashMap<String, Arc<dyn Driver>>,
    pub(crate) stream_drivers: HashMap<String, Arc<dyn crate::StreamingDriver>>,
    pub(crate) default_route: Vec<String>,
    pub(crate) policy: Arc<dyn PolicyEngine>,
    pub(crate) signer: TokenSigner,
    pub(crate) firewall: Firewall,
    pub(crate) store: Arc<dyn HandleBackend>,
    pub(crate) budget: Option<BudgetManager>,
    pub(crate) traces: Arc<dyn TraceStore>,
    pub(crate) redactor: Redactor,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) token_ttl: Duration,
    pub(crate) default_timeout: Duration,
    pub(crate) expand_budget: ExpandBudget,
    pub(crate) stats: Counters,
    pub(crate) metrics: crate::metrics::Metrics,
}

/// What a successful grant returns.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IssuedGrant {
    /// The signed token to present to `invoke`.
    pub token: CapabilityToken,
    /// Why it was allowed and with which constraints.
    pub decision: PolicyDecision,
    /// The grant's trace id (also the token's `audit_id`).
    pub audit_id: String,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) grants: AtomicU64,
    pub(crate) denials: AtomicU64,
    pub(crate) invocations: AtomicU64,
    pub(crate) invocation_failures: AtomicU64,
    pub(crate) fallbacks: AtomicU64,
    pub(crate) redaction_events: AtomicU64,
    pub(crate) downgrades: AtomicU64,
    pub(crate) handle_stores: AtomicU64,
    pub(crate) expansions: AtomicU64,
    pub(crate) expansion_failures: AtomicU64,
    pub(crate) dry_runs: AtomicU64,
}

pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// Counters since the kernel was built (a snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct KernelStats {
    /// Grants allowed.
    pub grants: u64,
    /// Grants refused.
    pub denials: u64,
    /// `invoke` calls (successful or not).
    pub invocations: u64,
    /// `invoke` calls that failed (any error, cancellation included).
    pub invocation_failures: u64,
    /// Calls answered by a fallback driver after an earlier one failed.
    pub fallback_activations: u64,
    /// Frames in which the redactor masked something.
    pub redaction_events: u64,
    /// Frames given a stricter mode than asked for (admin gate or budget).
    pub budget_downgrades: u64,
    /// Results stored behind a handle.
    pub handle_stores: u64,
    /// Successful expansions.
    pub expansions: u64,
    /// Refused or failed expansions.
    pub expansion_failures: u64,
    /// Dry runs.
    pub dry_runs: u64,
}

/// An action being audited: recorded exactly once — when the action finishes, or when
/// this guard is dropped first (a cancelled future, a panic), as cancelled.
pub(crate) struct Audit<'k> {
    inner: &'k Inner,
    started: Instant,
    done: bool,
    pub(crate) trace: ActionTrace,
    /// The action's span; its telemetry fields are recorded when the action finishes.
    pub(crate) span: tracing::Span,
}

impl<'k> Audit<'k> {
    pub(crate) fn new(
        inner: &'k Inner,
        action_id: String,
        event: TraceEvent,
        capability_id: &str,
        principal_id: &str,
        args: &Value,
    ) -> Audit<'k> {
        Audit {
            inner,
            started: Instant::now(),
            done: false,
            trace: inner.new_trace(action_id, event, capability_id, principal_id, args),
            span: tracing::Span::none(),
        }
    }

    /// Records the failure and returns the error as the caller gets it (redacted).
    pub(crate) fn fail(&mut self, err: KernelError) -> KernelError {
        let err = self.inner.note_failure(&mut self.trace, err);
        self.finish();
        err
    }

    /// Records the action.
    pub(crate) fn finish(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        self.inner
            .record_action(&self.span, &mut self.trace, self.started);
    }
}

impl Inner {
    /// The trace of a new action.
    pub(crate) fn new_trace(
        &self,
        action_id: String,
        event: TraceEvent,
        capability_id: &str,
        principal_id: &str,
        args: &Value,
    ) -> ActionTrace {
        ActionTrace {
            action_id,
            event,
            capability_id: short(capability_id),
            principal_id: short(principal_id),
            started_at_ms: self.clock.now_ms(),
            args: self.trace_args(args),
            ..ActionTrace::default()
        }
    }

    /// Writes the failure into `trace`; returns the error as the caller gets it (redacted).
    pub(crate) fn note_failure(&self, trace: &mut ActionTrace, err: KernelError) -> KernelError {
        let err = err.redacted(&self.redactor);
        trace.error_code = Some(err.code().to_owned());
        trace.error = Some(self.redact(&err.to_string()));
        if let Some(code) = err.reason_code() {
            trace.reason_code = Some(code.as_str().to_owned());
        }
        err
    }

    /// Records a finished action — its duration, metrics and span fields, then the trace
    /// itself — taking the trace out of `trace`.
    pub(crate) fn record_action(
        &self,
        span: &tracing::Span,
        trace: &mut ActionTrace,
        started: Instant,
    ) {
        trace.duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let known = self.registry.get(&trace.capability_id).is_ok();
        crate::telemetry::record(span, trace, known, &self.metrics, self.budget.as_ref());
        let trace = std::mem::take(trace);
        let traces = &self.traces;
        // A custom store that panics must not take the caller (or a drop guard) with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| traces.record(trace)));
    }
}

impl Drop for Audit<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.trace.error_code = Some("cancelled".to_owned());
            self.trace.error = Some(if std::thread::panicking() {
                "a panic unwound through the action before it finished".to_owned()
            } else {
                "cancelled: the caller dropped the action before it finished".to_owned()
            });
            if self.trace.event == TraceEvent::Invoke {
                bump(&self.inner.stats.invocation_failures);
            }
            self.finish();
        }
    }
}

impl Inner {
    pub(crate) fn redact(&self, text: &str) -> String {
        self.redactor.redact_str(text).into_owned()
    }

    /// Arguments as a trace keeps them: redacted, depth-bounded, size-bounded.
    fn trace_args(&self, args: &Value) -> Value {
        if matches!(args, Value::Null) {
            return Value::Null;
        }
        if let Value::Object(m) = args
            && m.is_empty()
        {
            return Value::Object(serde_json::Map::new());
        }
        let (v, _) = self
            .redactor
            .redact_value(args, &Policy::new().max_depth(TRACE_ARGS_DEPTH));
        let size = weaver_estimate::estimate(&v);
        if size > MAX_TRACE_ARGS_BYTES {
            weaver_redact::drop_deep(v);
            return Value::String(format!(
                "[arguments not recorded: {size} bytes of JSON after redaction, over {MAX_TRACE_ARGS_BYTES}]"
            ));
        }
        v
    }

    pub(crate) fn sensitivity(&self, capability_id: &str) -> Sensitivity {
        self.registry
            .get(capability_id)
            .map_or(Sensitivity::None, |c| c.sensitivity)
    }
}

/// A fresh 128-bit random id.
pub(crate) fn new_id() -> Result<String, KernelError> {
    HandleId::random()
        .map(|id| id.as_str().to_owned())
        .map_err(|e| KernelError::Random(e.to_string()))
}

impl Kernel {
    /// Starts configuring a kernel over `registry`; see [`KernelBuilder`] for the defaults.
    pub fn builder(registry: Registry) -> KernelBuilder {
        KernelBuilder::new(registry)
    }

    /// A kernel with every default (no drivers: add them with [`Kernel::builder`]).
    pub fn new(registry: Registry) -> Result<Kernel, KernelError> {
        KernelBuilder::new(registry).build()
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The capabilities matching a goal, best first (see
    /// [`Registry::request_capabilities`]).
    pub fn request_capabilities(&self, goal: &str) -> Vec<CapabilityRequest> {
        self.inner.registry.request_capabilities(goal)
    }

    /// The session budget, if one is attached.
    pub fn budget(&self) -> Option<&BudgetManager> {
        self.inner.budget.as_ref()
    }

    /// The handle store.
    pub fn handle_store(&self) -> &Arc<dyn HandleBackend> {
        &self.inner.store
    }

    /// The trace store.
    pub fn traces(&self) -> &Arc<dyn TraceStore> {
        &self.inner.traces
    }

    /// The firewall.
    pub fn firewall(&self) -> &Firewall {
        &self.inner.firewall
    }

    /// The token signer (revocation lives there too).
    pub fn tokens(&self) -> &TokenSigner {
        &self.inner.signer
    }

    /// Counters since the kernel was built.
    pub fn stats(&self) -> KernelStats {
        let s = &self.inner.stats;
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        KernelStats {
            grants: g(&s.grants),
            denials: g(&s.denials),
            invocations: g(&s.invocations),
            invocation_failures: g(&s.invocation_failures),
            fallback_activations: g(&s.fallbacks),
            redaction_events: g(&s.redaction_events),
            budget_downgrades: g(&s.downgrades),
            handle_stores: g(&s.handle_stores),
            expansions: g(&s.expansions),
            expansion_failures: g(&s.expansion_failures),
            dry_runs: g(&s.dry_runs),
        }
    }

    /// Metrics since the kernel was built, with labelled breakdowns and duration
    /// histograms; the handle store and budget gauges are read now. With the `otel`
    /// feature the same numbers are also exported (see `weaver_kernel::otel`).
    pub fn metrics(&self) -> crate::metrics::MetricsSnapshot {
        let store = &self.inner.store;
        let entries = store.len() as u64;
        let budget = self.inner.budget.as_ref();
        self.inner
            .metrics
            .snapshot(entries, store.current_bytes(), store.evictions(), budget)
    }

    /// The audit record of an action (a grant's `audit_id` or a frame's `action_id`).
    pub fn explain(&self, action_id: &str) -> Result<ActionTrace, KernelError> {
        self.inner
            .traces
            .get(action_id)
            .ok_or_else(|| KernelError::TraceNotFound {
                action_id: self.inner.redact(&short(action_id)),
            })
    }

    /// Asks the policy for a grant of `capability_id` to `principal` and, if allowed,
    /// issues a signed token. Traced either way (`grant` or `deny`).
    pub fn grant_capability(
        &self,
        capability_id: &str,
        principal: &Principal,
        justification: &str,
    ) -> Result<IssuedGrant, KernelError> {
        self.grant(GrantRequest::new(capability_id, justification), principal)
    }

    /// [`grant_capability`](Kernel::grant_capability) with an intent, narrower
    /// constraints or a token lifetime.
    pub fn grant(
        &self,
        request: GrantRequest,
        principal: &Principal,
    ) -> Result<IssuedGrant, KernelError> {
        let inner = &*self.inner;
        let action_id = new_id()?;
        let span = crate::telemetry::action_span!("weaver.grant", action_id);
        let _entered = span.enter();
        let args = serde_json::json!({
            "justification": request.justification,
            "intent": request.intent,
        });
        let mut audit = Audit::new(
            inner,
            action_id.clone(),
            TraceEvent::Deny,
            &request.capability_id,
            &principal.id,
            &args,
        );
        audit.span = span.clone();
        let cap = match inner.registry.get(&request.capability_id) {
            Ok(c) => c,
            Err(e) => {
                bump(&inner.stats.denials);
                return Err(audit.fail(e));
            }
        };
        audit.trace.sensitivity = cap.sensitivity;
        let evaluated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            inner.policy.evaluate(&request, cap, principal)
        }));
        let decision = match evaluated {
            Ok(Ok(d)) => d,
            Ok(Err(denial)) => {
                bump(&inner.stats.denials);
                return Err(audit.fail(denial.into()));
            }
            Err(_) => {
                bump(&inner.stats.denials);
                return Err(audit.fail(KernelError::Panicked("the policy engine")));
            }
        };
        let ttl = request.ttl.unwrap_or(inner.token_ttl);
        let token = match inner.signer.issue(
            &cap.id,
            &principal.id,
            decision.constraints.clone(),
            ttl,
            &action_id,
        ) {
            Ok(t) => t,
            Err(e) => {
                bump(&inner.stats.denials);
                return Err(audit.fail(e));
            }
        };
        bump(&inner.stats.grants);
        audit.trace.event = TraceEvent::Grant;
        audit.trace.token_id = Some(token.token_id.clone());
        audit.trace.reason_code = Some(decision.reason_code.as_str().to_owned());
        audit.finish();
        Ok(IssuedGrant {
            token,
            decision,
            audit_id: action_id,
        })
    }
}
