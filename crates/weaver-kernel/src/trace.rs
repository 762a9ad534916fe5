//! Audit: one [`ActionTrace`] per kernel action, on every path, in a bounded store.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::Value;
use weaver_budget::ResponseMode;

use crate::registry::Sensitivity;

/// What kind of action a trace records.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TraceEvent {
    /// A grant that was allowed.
    Grant,
    /// A grant the policy (or the registry) refused.
    Deny,
    /// An `invoke`, successful or not.
    #[default]
    Invoke,
    /// An `expand`, successful or not.
    Expand,
    /// A `dry_run`.
    DryRun,
}

/// What a successful frame carried (taken from the frame after the firewall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResultSummary {
    /// Facts in the frame.
    pub fact_count: usize,
    /// Rows in the frame's table preview (or the expansion page).
    pub row_count: usize,
    /// Warnings (or expansion notes).
    pub warning_count: usize,
    /// Whether the frame carries a handle.
    pub has_handle: bool,
}

/// What an invocation cost the session budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenUsage {
    /// Tokens reserved before the driver ran.
    pub reserved: u64,
    /// Tokens the frame's payload counted.
    pub actual: u64,
    /// Tokens charged.
    pub charged: u64,
}

/// The audit record of one action. Arguments and error text are redacted before the
/// record is made, so a trace store never holds a secret the redactor knows.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ActionTrace {
    /// Random id; `explain` looks it up. Equals the frame's `action_id`.
    pub action_id: String,
    /// What kind of action.
    pub event: TraceEvent,
    /// The capability asked for.
    pub capability_id: String,
    /// The caller.
    pub principal_id: String,
    /// The token presented (as claimed; a forged token's id is recorded as given).
    pub token_id: Option<String>,
    /// When the action started, ms since the Unix epoch.
    pub started_at_ms: u64,
    /// How long it took, in microseconds.
    pub duration_us: u64,
    /// The arguments (or the expand query), redacted and depth-bounded.
    pub args: Value,
    /// The mode the caller asked for.
    pub requested_mode: Option<ResponseMode>,
    /// The mode used (after the admin gate and budget escalation).
    pub response_mode: Option<ResponseMode>,
    /// The driver that produced the result, or the last one tried.
    pub driver_id: Option<String>,
    /// Drivers that failed before it (the fallback chain in action).
    pub failed_drivers: Vec<String>,
    /// The stored handle.
    pub handle_id: Option<String>,
    /// The capability's sensitivity.
    pub sensitivity: Sensitivity,
    /// The policy reason code (grants and denials).
    pub reason_code: Option<String>,
    /// The error's stable code, when the action failed.
    pub error_code: Option<String>,
    /// The error text, redacted.
    pub error: Option<String>,
    /// What the frame carried, when it succeeded.
    pub result_summary: Option<ResultSummary>,
    /// What it cost the session budget.
    pub tokens: Option<TokenUsage>,
}

impl ActionTrace {
    /// Whether the action succeeded.
    pub fn ok(&self) -> bool {
        self.error_code.is_none()
    }
}

/// Where traces go. Implement it to send them to a database or a log pipeline;
/// [`InMemoryTraceStore`] is the default.
///
/// `record` is called on every path, including from a drop guard when a caller abandons
/// an `invoke` future, so it must not block for long and must not panic.
pub trait TraceStore: Send + Sync + std::fmt::Debug {
    /// Stores a trace (a trace with an id already present replaces it).
    fn record(&self, trace: ActionTrace);

    /// The trace with this action id, if still held.
    fn get(&self, action_id: &str) -> Option<ActionTrace>;

    /// Up to `limit` most recent traces, oldest first.
    fn recent(&self, limit: usize) -> Vec<ActionTrace>;

    /// Traces held.
    fn len(&self) -> usize;

    /// Whether none is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A bounded in-process trace store: at most `capacity` traces, the oldest evicted first.
#[derive(Debug)]
pub struct InMemoryTraceStore {
    capacity: usize,
    inner: Mutex<Traces>,
    evicted: AtomicU64,
}

/// Traces oldest first in a ring, and an index from action id to insertion number.
#[derive(Debug, Default)]
struct Traces {
    ring: VecDeque<ActionTrace>,
    /// Insertion number of `ring[0]`.
    first_seq: u64,
    by_id: HashMap<String, u64>,
}

impl Traces {
    fn slot(&self, action_id: &str) -> Option<usize> {
        let seq = *self.by_id.get(action_id)?;
        usize::try_from(seq.checked_sub(self.first_seq)?).ok()
    }
}

impl InMemoryTraceStore {
    /// The default capacity (10 000 traces).
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// A store of at most `capacity` traces (at least 1).
    pub fn new(capacity: usize) -> Self {
        InMemoryTraceStore {
            capacity: capacity.max(1),
            inner: Mutex::new(Traces::default()),
            evicted: AtomicU64::new(0),
        }
    }

    /// How many traces were evicted to honour the capacity.
    pub fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> MutexGuard<'_, Traces> {
        // Each mutation keeps the map and the queue consistent before it can panic.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for InMemoryTraceStore {
    fn default() -> Self {
        InMemoryTraceStore::new(Self::DEFAULT_CAPACITY)
    }
}

impl TraceStore for InMemoryTraceStore {
    fn record(&self, trace: ActionTrace) {
        let mut evicted = Vec::new();
        {
            let mut t = self.lock();
            if let Some(i) = t.slot(&trace.action_id)
                && let Some(slot) = t.ring.get_mut(i)
            {
                // Replaced in place, order unchanged; the old record is dropped below.
                evicted.push(std::mem::replace(slot, trace));
            } else {
                let seq = t.first_seq + t.ring.len() as u64;
                t.by_id.insert(trace.action_id.clone(), seq);
                t.ring.push_back(trace);
                while t.ring.len() > self.capacity {
                    let Some(old) = t.ring.pop_front() else { break };
                    t.first_seq += 1;
                    t.by_id.remove(&old.action_id);
                    self.evicted.fetch_add(1, Ordering::Relaxed);
                    evicted.push(old);
                }
            }
        }
        // Freed outside the lock: concurrent callers do not wait for the deallocation.
        drop(evicted);
    }

    fn get(&self, action_id: &str) -> Option<ActionTrace> {
        let t = self.lock();
        t.slot(action_id).and_then(|i| t.ring.get(i)).cloned()
    }

    fn recent(&self, limit: usize) -> Vec<ActionTrace> {
        let t = self.lock();
        let skip = t.ring.len().saturating_sub(limit);
        t.ring.iter().skip(skip).cloned().collect()
    }

    fn len(&self) -> usize {
        self.lock().ring.len()
    }
}
