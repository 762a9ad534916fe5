//! `expand`: one bounded, redacted page of a stored result, for the principal it is
//! bound to.

use serde_json::Value;
use weaver_budget::ResponseMode;
use weaver_handles::{ExpandQuery, Expansion, HandleError};

use super::{Audit, Kernel, bump, new_id};
use crate::error::KernelError;
use crate::firewall::Provenance;
use crate::policy::Principal;
use crate::trace::{ResultSummary, TraceEvent};

/// The deepest expand query accepted (`{"filter": {"f": {"in": [..]}}}` is 4 levels).
const MAX_QUERY_DEPTH: usize = 8;

/// Whether `v` has containers nested more than `max` levels deep (iterative).
fn deeper_than(v: &Value, max: usize) -> bool {
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(m) => Box::new(m.values()),
            _ => continue,
        };
        if d >= max {
            return true;
        }
        stack.extend(children.map(|c| (c, d + 1)));
    }
    false
}

/// A page of a stored result as the model sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExpansionFrame {
    /// The expansion's own action id (its trace).
    pub action_id: String,
    /// Who expanded what, when.
    pub provenance: Provenance,
    /// The page: rows (bounded, projected, redacted), `next_offset`, notes, findings.
    #[serde(flatten)]
    pub page: Expansion,
}

impl Kernel {
    /// One page of the result behind `handle_id`, for `principal`.
    ///
    /// `query` is the JSON an agent sends: `{"offset", "limit", "fields", "filter"}` (see
    /// `weaver_handles::ExpandQuery`). Principal binding, the grant's `max_rows`,
    /// `allowed_fields` and `scope` and the expiry all come from the stored record — the
    /// caller only names the id, so a forged or foreign handle is refused
    /// (`handle_principal_mismatch`, `handle_not_found`). The page is bounded by the
    /// firewall's budgets and redacted. Traced either way.
    // Async so that a remote handle store can be awaited without an API change.
    #[allow(clippy::unused_async)]
    pub async fn expand(
        &self,
        handle_id: &str,
        query: &Value,
        principal: &Principal,
    ) -> Result<ExpansionFrame, KernelError> {
        let inner = &*self.inner;
        let action_id = new_id()?;
        let span = crate::telemetry::action_span!("weaver.expand", action_id);
        let _entered = span.enter();
        let mut audit = Audit::new(
            inner,
            action_id.clone(),
            TraceEvent::Expand,
            "",
            &principal.id,
            query,
        );
        audit.span = span.clone();
        audit.trace.handle_id = Some(crate::error::short(handle_id));
        audit.trace.requested_mode = Some(ResponseMode::Table);
        // For the audit record only: which capability the id belongs to (even when the
        // caller may not expand it).
        if let Ok(meta) = inner.store.meta(handle_id) {
            audit.trace.sensitivity = inner.sensitivity(&meta.capability_id);
            audit.trace.capability_id = meta.capability_id;
        }
        let result = if deeper_than(query, MAX_QUERY_DEPTH) {
            // weaver-handles deserializes a query through serde, which recurses once per
            // level: refuse absurd nesting before it gets there.
            Err(HandleError::InvalidQuery(format!(
                "an expand query nests at most {MAX_QUERY_DEPTH} levels deep"
            )))
        } else {
            ExpandQuery::from_json(query)
        };
        let result = result.and_then(|q| {
            inner
                .store
                .expand(handle_id, &q, Some(&principal.id), &inner.expand_budget)
        });
        match result {
            Ok(page) => {
                bump(&inner.stats.expansions);
                inner.metrics.record_redactions(&page.findings);
                if !span.is_disabled() {
                    span.record("redactions", page.findings.total());
                    let out = weaver_estimate::estimate_serialize(&page.rows).unwrap_or(0);
                    span.record("bytes_out", out);
                }
                audit.trace.response_mode = Some(ResponseMode::Table);
                audit.trace.result_summary = Some(ResultSummary {
                    fact_count: 0,
                    row_count: page.rows.len(),
                    warning_count: page.notes.len(),
                    has_handle: true,
                });
                audit.trace.capability_id.clone_from(&page.capability_id);
                audit.finish();
                let mut provenance = Provenance::default();
                provenance.capability_id.clone_from(&page.capability_id);
                provenance.principal_id.clone_from(&principal.id);
                provenance.action_id.clone_from(&action_id);
                provenance.invoked_at_ms = Some(inner.clock.now_ms());
                Ok(ExpansionFrame {
                    action_id,
                    provenance,
                    page,
                })
            }
            Err(e) => {
                bump(&inner.stats.expansion_failures);
                Err(audit.fail(e.into()))
            }
        }
    }
}
