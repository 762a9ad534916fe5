//! What a store is configured with, and what each entry is stored with.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::HandleError;

/// The limits a grant puts on expansion, stored with the record and enforced from there
/// (never taken from the caller).
///
/// * `max_rows` caps the rows of one page (`min` with the caller's limit and budget).
/// * `allowed_fields`, when set, is the only fields a query may name (in `fields` or in
///   `filter`) and the default projection when it names none; it also applies to records
///   nested in list rows. `Some(vec![])` allows no field at all (fail closed); `None`
///   means no restriction.
/// * `scope` is AND-ed into every filter: `{"region": "eu"}` means only rows whose
///   `region` equals `"eu"` are ever visible; a query filter cannot widen it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// Most rows one expansion may return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u64>,
    /// The fields a caller may see and ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_fields: Option<Vec<String>>,
    /// Top-level field equalities every visible row must satisfy.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub scope: Map<String, Value>,
}

/// The same type under the name the kernel's policy uses.
pub type Constraints = Grant;

impl Grant {
    /// No limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `max_rows`.
    pub fn max_rows(mut self, n: u64) -> Self {
        self.max_rows = Some(n);
        self
    }

    /// Sets `allowed_fields`.
    pub fn allowed_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.allowed_fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a scope equality.
    pub fn scope(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.scope.insert(field.into(), value.into());
        self
    }
}

/// Who may expand a stored handle.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// Only this principal (the normal case).
    Principal(String),
    /// Anyone holding the id. Must be asked for explicitly; ids are then bearer secrets.
    Unbound,
}

impl Binding {
    /// Bound to `principal_id`.
    pub fn principal(principal_id: impl Into<String>) -> Self {
        Binding::Principal(principal_id.into())
    }

    /// The principal id a stored entry records: `None` when unbound. An empty id is an
    /// error, so that an unbound entry is always asked for explicitly. Every backend
    /// checks a binding this way before storing.
    pub fn into_principal_id(self) -> Result<Option<String>, crate::HandleError> {
        match self {
            Binding::Principal(p) if p.is_empty() => Err(crate::HandleError::InvalidRequest(
                "principal id must not be empty; use Binding::Unbound explicitly".into(),
            )),
            Binding::Principal(p) => Ok(Some(p)),
            Binding::Unbound => Ok(None),
        }
    }
}

/// Limits of a [`HandleStore`](crate::HandleStore).
///
/// Byte sizes are exact bytes of the compact JSON serialization (as `serde_json::to_vec`
/// would write it), computed without serializing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandleStoreConfig {
    /// Time to live of an entry stored without an explicit one. Default one hour.
    pub default_ttl: Duration,
    /// Most entries held at once; the oldest go first. Default 10 000.
    pub max_entries: usize,
    /// Most bytes held at once (sum of entry sizes); the oldest go first. `None` = no cap.
    pub max_total_bytes: Option<u64>,
    /// Largest single entry; a larger one is refused, not truncated. `None` = no cap.
    pub max_entry_bytes: Option<u64>,
    /// Independent lock shards (1..=1024). Default 16.
    pub shards: usize,
    /// Every this many stores, expired entries are swept. Default 128.
    pub sweep_every: u64,
}

impl Default for HandleStoreConfig {
    fn default() -> Self {
        HandleStoreConfig {
            default_ttl: Duration::from_secs(3600),
            max_entries: 10_000,
            max_total_bytes: None,
            max_entry_bytes: None,
            shards: 16,
            sweep_every: 128,
        }
    }
}

impl HandleStoreConfig {
    /// Checks every limit; zero budgets are errors (a zero byte cap or entry cap would
    /// make every store evict or refuse what it just accepted).
    pub fn validate(&self) -> Result<(), HandleError> {
        let bad = |m: &str| Err(HandleError::InvalidConfig(m.to_owned()));
        if self.default_ttl.is_zero() {
            return bad("default_ttl must be positive");
        }
        if self.max_entries == 0 {
            return bad("max_entries must be positive");
        }
        if self.max_total_bytes == Some(0) {
            return bad("max_total_bytes must be positive when set");
        }
        if self.max_entry_bytes == Some(0) {
            return bad("max_entry_bytes must be positive when set");
        }
        if self.shards == 0 || self.shards > 1024 {
            return bad("shards must be in 1..=1024");
        }
        if self.sweep_every == 0 {
            return bad("sweep_every must be positive");
        }
        Ok(())
    }

    /// The ceiling one entry must fit under, and the name of the cap that sets it.
    pub(crate) fn entry_ceiling(&self) -> Option<(u64, &'static str)> {
        match (self.max_entry_bytes, self.max_total_bytes) {
            (Some(e), Some(t)) if t < e => Some((t, "max_total_bytes")),
            (Some(e), _) => Some((e, "max_entry_bytes")),
            (None, Some(t)) => Some((t, "max_total_bytes")),
            (None, None) => None,
        }
    }
}
