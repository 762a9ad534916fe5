//! The kernel's metrics: counters and duration histograms kept in process (read them with
//! [`Kernel::metrics`](crate::Kernel::metrics)) and, with the `otel` feature and after
//! `otel::install` (feature `otel`), forwarded to an OpenTelemetry meter.
//!
//! Labels are stable codes only — operation, outcome, error code, reason code, redaction
//! kind, mode. Never a principal id, a capability argument or any value.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use weaver_budget::BudgetManager;
use weaver_redact::Report;

use crate::telemetry::{operation, outcome};
use crate::trace::{ActionTrace, TraceEvent};

/// Upper bounds (ms) of the duration histogram buckets; a last bucket counts the rest.
pub const DURATION_BUCKETS_MS: [f64; 14] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 1000.0, 5000.0, 30_000.0,
];

/// Durations of one operation, in milliseconds.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct DurationHistogram {
    /// Actions measured.
    pub count: u64,
    /// Their total duration.
    pub sum_ms: f64,
    /// Per bucket of [`DURATION_BUCKETS_MS`] (same index), then one overflow bucket.
    pub buckets: Vec<u64>,
}

/// A copy of the kernel's metrics since it was built. Use it in tests, health endpoints
/// or logs; with the `otel` feature the same numbers also go to OpenTelemetry.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct MetricsSnapshot {
    /// Grants allowed.
    pub grants: u64,
    /// Grants refused, by reason code (or error code when the policy was not reached).
    pub denials: BTreeMap<String, u64>,
    /// `invoke` calls, successful or not.
    pub invocations: u64,
    /// Failed `invoke` calls, by error code (`cancelled` included).
    pub invocation_failures: BTreeMap<String, u64>,
    /// Values masked in frames and expansion pages, by redaction kind.
    pub redactions: BTreeMap<String, u64>,
    /// Frames given a stricter mode than asked for, by `requested->effective`.
    pub downgrades: BTreeMap<String, u64>,
    /// Results stored behind a handle.
    pub handle_stores: u64,
    /// Entries the handle store holds now.
    pub handle_entries: u64,
    /// Bytes the handle store holds now.
    pub handle_bytes: u64,
    /// Entries the handle store dropped on its own (evicted for a cap, or expired), when
    /// its backend can tell ([`HandleBackend::evictions`](weaver_handles::HandleBackend::evictions)).
    pub handle_evictions: Option<u64>,
    /// Successful expansions.
    pub expansions: u64,
    /// Refused or failed expansions, by error code.
    pub expansion_failures: BTreeMap<String, u64>,
    /// Dry runs.
    pub dry_runs: u64,
    /// Tokens charged to the session budget by frames.
    pub budget_charged: u64,
    /// Tokens the session budget has left now (`None` without a budget).
    pub budget_remaining: Option<u64>,
    /// Duration histograms by operation (`grant`, `invoke`, `expand`, `dry_run`).
    pub durations: BTreeMap<String, DurationHistogram>,
}

#[derive(Debug, Default)]
struct Labeled {
    denials: BTreeMap<String, u64>,
    invocation_failures: BTreeMap<String, u64>,
    redactions: BTreeMap<String, u64>,
    downgrades: BTreeMap<String, u64>,
    expansion_failures: BTreeMap<String, u64>,
    durations: BTreeMap<&'static str, DurationHistogram>,
}

/// The in-process recorder (one per kernel).
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    grants: AtomicU64,
    invocations: AtomicU64,
    handle_stores: AtomicU64,
    expansions: AtomicU64,
    dry_runs: AtomicU64,
    budget_charged: AtomicU64,
    labeled: Mutex<Labeled>,
}

fn add(map: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else {
        map.insert(key.to_owned(), 1);
    }
}

impl Metrics {
    /// Counts a finished action (called once per action, from its audit record).
    pub(crate) fn record_action(&self, trace: &ActionTrace, budget: Option<&BudgetManager>) {
        let ok = trace.error_code.is_none();
        let code = trace.error_code.as_deref().unwrap_or("");
        let ms = trace.duration_us as f64 / 1000.0;
        let op = operation(trace.event);
        let mut downgrade = None;
        match trace.event {
            TraceEvent::Grant => {
                self.grants.fetch_add(1, Ordering::Relaxed);
            }
            TraceEvent::Invoke => {
                self.invocations.fetch_add(1, Ordering::Relaxed);
                if trace.handle_id.is_some() {
                    self.handle_stores.fetch_add(1, Ordering::Relaxed);
                }
                if let Some(t) = &trace.tokens {
                    self.budget_charged.fetch_add(t.charged, Ordering::Relaxed);
                }
                if ok
                    && let (Some(r), Some(e)) = (trace.requested_mode, trace.response_mode)
                    && r != e
                {
                    downgrade = Some((r.as_str(), e.as_str()));
                }
            }
            TraceEvent::Expand if ok => {
                self.expansions.fetch_add(1, Ordering::Relaxed);
            }
            TraceEvent::DryRun => {
                self.dry_runs.fetch_add(1, Ordering::Relaxed);
            }
            TraceEvent::Deny | TraceEvent::Expand => {}
        }
        {
            let mut l = self.labeled.lock().unwrap_or_else(PoisonError::into_inner);
            match trace.event {
                TraceEvent::Deny => {
                    add(&mut l.denials, trace.reason_code.as_deref().unwrap_or(code));
                }
                TraceEvent::Invoke if !ok => add(&mut l.invocation_failures, code),
                TraceEvent::Expand if !ok => add(&mut l.expansion_failures, code),
                _ => {}
            }
            if let Some((r, e)) = downgrade {
                add(&mut l.downgrades, &format!("{r}->{e}"));
            }
            let h = l.durations.entry(op).or_insert_with(|| DurationHistogram {
                buckets: vec![0; DURATION_BUCKETS_MS.len() + 1],
                ..DurationHistogram::default()
            });
            h.count += 1;
            h.sum_ms += ms;
            let i = DURATION_BUCKETS_MS
                .iter()
                .position(|b| ms <= *b)
                .unwrap_or(DURATION_BUCKETS_MS.len());
            h.buckets[i] += 1;
        }
        #[cfg(feature = "otel")]
        crate::otel::record_action(trace, op, outcome(trace), downgrade, ms, budget);
        #[cfg(not(feature = "otel"))]
        let _ = (budget, outcome(trace));
    }

    /// Counts the masks of a frame or an expansion page by kind.
    pub(crate) fn record_redactions(&self, report: &Report) {
        if report.is_empty() {
            return;
        }
        {
            let mut l = self.labeled.lock().unwrap_or_else(PoisonError::into_inner);
            for e in report.entries() {
                let k = e.kind.as_str();
                *l.redactions.entry(k.to_owned()).or_insert(0) += e.count;
            }
        }
        #[cfg(feature = "otel")]
        crate::otel::record_redactions(report);
    }

    /// A copy, with the store and budget gauges read now.
    pub(crate) fn snapshot(
        &self,
        handle_entries: u64,
        handle_bytes: u64,
        handle_evictions: Option<u64>,
        budget: Option<&BudgetManager>,
    ) -> MetricsSnapshot {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let l = self.labeled.lock().unwrap_or_else(PoisonError::into_inner);
        MetricsSnapshot {
            grants: g(&self.grants),
            denials: l.denials.clone(),
            invocations: g(&self.invocations),
            invocation_failures: l.invocation_failures.clone(),
            redactions: l.redactions.clone(),
            downgrades: l.downgrades.clone(),
            handle_stores: g(&self.handle_stores),
            handle_entries,
            handle_bytes,
            handle_evictions,
            expansions: g(&self.expansions),
            expansion_failures: l.expansion_failures.clone(),
            dry_runs: g(&self.dry_runs),
            budget_charged: g(&self.budget_charged),
            budget_remaining: budget.map(BudgetManager::remaining),
            durations: l
                .durations
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }
}
