//! weaver-handles — skeleton; its issue fills it in.
#![deny(missing_docs)]

/// An opaque, unguessable handle id: 128 random bits as 32 lowercase hex characters.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct HandleId(String);

impl HandleId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a caller (and the model) gets back for a stored result: a reference, not the data.
/// Principal and constraints are **not** trusted from this value on expansion: the store
/// looks them up by id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Handle {
    /// The id to expand.
    pub id: HandleId,
    /// The capability whose result this is.
    pub capability_id: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// Expiry time, milliseconds since the Unix epoch (expired when `now >= expires_at_ms`).
    pub expires_at_ms: u64,
    /// Rows in the stored data (list length, else 1).
    pub total_rows: u64,
    /// The principal the handle is bound to; `None` only when stored explicitly unbound.
    pub principal_id: Option<String>,
    /// Exact compact-JSON size of the stored data in bytes.
    pub bytes: u64,
}
