//! Span fields and metrics of kernel actions: recorded once per action, from its audit
//! record, so every path (success, denial, error, cancellation) is counted the same way.
//!
//! Spans carry: `capability` (registered ids only), `principal` (an opaque per-process
//! hash, never the id), requested and effective mode, driver, rows, bytes in and out,
//! redaction count, tokens charged, outcome, error and reason codes. Failures set
//! `otel.status_code = "ERROR"` with the stable error code as description — never the
//! error text, the arguments or any value.

use std::fmt::Write as _;
use std::sync::OnceLock;

use sha2::{Digest as _, Sha256};
use tracing::Span;
use weaver_budget::BudgetManager;

use crate::metrics::Metrics;
use crate::trace::{ActionTrace, TraceEvent};

/// Opens a kernel action span with every telemetry field declared (and empty until the
/// action finishes). `$name` is the span name, `$action_id` the action's random id.
macro_rules! action_span {
    ($name:literal, $action_id:expr) => {
        tracing::info_span!(
            $name,
            action_id = %$action_id,
            capability = tracing::field::Empty,
            principal = tracing::field::Empty,
            requested_mode = tracing::field::Empty,
            effective_mode = tracing::field::Empty,
            driver = tracing::field::Empty,
            rows = tracing::field::Empty,
            bytes_in = tracing::field::Empty,
            bytes_out = tracing::field::Empty,
            redactions = tracing::field::Empty,
            tokens_charged = tracing::field::Empty,
            outcome = tracing::field::Empty,
            error_code = tracing::field::Empty,
            reason_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            otel.status_description = tracing::field::Empty,
        )
    };
}
pub(crate) use action_span;

/// What an action's outcome is called in spans and metric labels.
pub(crate) fn outcome(trace: &ActionTrace) -> &'static str {
    match (trace.event, trace.error_code.as_deref()) {
        (_, Some("cancelled")) => "cancelled",
        (TraceEvent::Deny, _) => "denied",
        (_, Some(_)) => "error",
        (_, None) => "ok",
    }
}

/// The metric label of an operation.
pub(crate) fn operation(event: TraceEvent) -> &'static str {
    match event {
        TraceEvent::Grant | TraceEvent::Deny => "grant",
        TraceEvent::Invoke => "invoke",
        TraceEvent::Expand => "expand",
        TraceEvent::DryRun => "dry_run",
    }
}

/// An opaque stand-in for a principal id: the first 8 bytes of SHA-256 over a random
/// per-process salt and the id, in hex. Stable within a process (spans of one caller
/// correlate), meaningless outside it (a dictionary of likely ids does not invert it).
pub(crate) fn principal_hash(id: &str) -> String {
    static SALT: OnceLock<[u8; 16]> = OnceLock::new();
    let salt = SALT.get_or_init(|| {
        let mut s = [0u8; 16];
        // Without OS randomness the salt stays fixed: still no id in the clear.
        let _ = getrandom::fill(&mut s);
        s
    });
    let mut h = Sha256::new();
    h.update(salt);
    h.update(id.as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(16);
    for b in &digest[..8] {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Records a finished action: its span's fields (when the span is enabled) and its
/// metrics. `capability_known` says whether the trace's capability id is registered (an
/// unregistered one is caller text and is not exported).
pub(crate) fn record(
    span: &Span,
    trace: &ActionTrace,
    capability_known: bool,
    metrics: &Metrics,
    budget: Option<&BudgetManager>,
) {
    metrics.record_action(trace, budget);
    if span.is_disabled() {
        return;
    }
    if capability_known {
        span.record("capability", trace.capability_id.as_str());
    }
    span.record("principal", principal_hash(&trace.principal_id).as_str());
    if let Some(m) = trace.requested_mode {
        span.record("requested_mode", m.as_str());
    }
    if let Some(m) = trace.response_mode {
        span.record("effective_mode", m.as_str());
    }
    if let Some(d) = &trace.driver_id {
        span.record("driver", d.as_str());
    }
    if let Some(s) = &trace.result_summary {
        span.record("rows", s.row_count as u64);
    }
    if let Some(t) = &trace.tokens {
        span.record("tokens_charged", t.charged);
    }
    span.record("outcome", outcome(trace));
    if let Some(code) = &trace.reason_code {
        span.record("reason_code", code.as_str());
    }
    if let Some(code) = &trace.error_code {
        span.record("error_code", code.as_str());
        span.record("otel.status_code", "ERROR");
        span.record("otel.status_description", code.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_hash_is_stable_opaque_and_distinct() {
        let a = principal_hash("alice");
        assert_eq!(a, principal_hash("alice"));
        assert_ne!(a, principal_hash("bob"));
        assert_eq!(a.len(), 16);
        assert!(!a.contains("alice"));
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn outcomes_name_each_path() {
        let mut t = ActionTrace {
            event: TraceEvent::Invoke,
            ..ActionTrace::default()
        };
        assert_eq!(outcome(&t), "ok");
        t.error_code = Some("driver_failed".into());
        assert_eq!(outcome(&t), "error");
        t.error_code = Some("cancelled".into());
        assert_eq!(outcome(&t), "cancelled");
        t.event = TraceEvent::Deny;
        t.error_code = Some("policy_denied".into());
        assert_eq!(outcome(&t), "denied");
    }
}
