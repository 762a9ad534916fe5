//! The Frame: what leaves the firewall.

use serde_json::{Map, Value};
use weaver_budget::ResponseMode;
use weaver_handles::Handle;
use weaver_redact::Report;

/// Where a frame came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// The capability that produced the data.
    pub capability_id: String,
    /// Who invoked it; an empty id (no principal known) serializes as `null`.
    #[serde(serialize_with = "empty_as_null")]
    pub principal_id: String,
    /// The invocation.
    pub action_id: String,
    /// When, if the caller said (ms since the Unix epoch).
    pub invoked_at_ms: Option<u64>,
}

/// A bounded, redacted view of one tool result — the only thing the model sees.
///
/// Its JSON is deterministic: the same input, context and budgets give byte-identical
/// frames (no clock, no random ids inside).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Frame {
    /// The invocation.
    pub action_id: String,
    /// The capability.
    pub capability_id: String,
    /// The mode actually used (raw falls back to summary without the admin role).
    pub response_mode: ResponseMode,
    /// Summary facts (summary mode).
    pub facts: Vec<String>,
    /// Table rows (table mode).
    pub table_preview: Vec<Map<String, Value>>,
    /// Where the full result is.
    pub handle: Option<Handle>,
    /// Cut markers and mode notes; bounded (never one per row).
    pub warnings: Vec<String>,
    /// What redaction masked in this frame: kinds, places and counts, never values.
    pub findings: Report,
    /// Where the frame came from.
    pub provenance: Provenance,
    /// The redacted data (raw mode only).
    pub raw_data: Option<Value>,
    /// Whether this is the last frame of a stream (the kernel sets it).
    pub is_final: bool,
}

/// Writes an empty string as `null`: "no principal" must not read as a principal named "".
fn empty_as_null<S: serde::Serializer>(s: &str, ser: S) -> Result<S::Ok, S::Error> {
    if s.is_empty() {
        ser.serialize_none()
    } else {
        ser.serialize_str(s)
    }
}
