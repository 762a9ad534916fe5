//! A byte-budgeted, principal-bound store of full tool results, expandable page by page.
//!
//! ```
//! use serde_json::json;
//! use weaver_handles::{
//!     Binding, ExpandBudget, ExpandQuery, Grant, HandleBackend, HandleStore, HandleStoreConfig,
//! };
//!
//! let store = HandleStore::new(HandleStoreConfig {
//!     max_total_bytes: Some(64 << 20),
//!     ..HandleStoreConfig::default()
//! })?;
//! let rows = json!([
//!     {"id": 1, "status": "paid", "email": "ann@example.com"},
//!     {"id": 2, "status": "refunded", "email": "bob@example.com"},
//!     {"id": 3, "status": "refunded", "email": "cy@example.com"},
//! ]);
//! let handle = store.store("orders.list", rows, Binding::principal("agent-7"), Grant::new())?;
//! assert_eq!(handle.total_rows, 3);
//!
//! // Later, the model asks for more. The principal is checked against the stored record.
//! let query = ExpandQuery::from_json(&json!({"filter": {"status": "refunded"}, "limit": 1}))?;
//! let page = store.expand(handle.id.as_str(), &query, Some("agent-7"), &ExpandBudget::default())?;
//! assert_eq!(page.rows.len(), 1);
//! assert_eq!(page.rows[0]["id"], 2);
//! assert_eq!(page.next_offset, Some(1)); // there is more: ask again with offset 1
//!
//! // Anyone else gets a typed error, whatever handle object they present.
//! assert!(store.expand(handle.id.as_str(), &query, Some("mallory"), &ExpandBudget::default()).is_err());
//! # Ok::<(), weaver_handles::HandleError>(())
//! ```
//!
//! # When to use this crate
//!
//! When a tool result is too large to hand to a language model, the firewall shows a
//! bounded frame and keeps the full result here, behind a [`Handle`]. The model (or the
//! user) can then page through it with [`ExpandQuery`]s: offset/limit, a field projection
//! and a small filter language. Every page is bounded by an [`ExpandBudget`] (rows, fields,
//! chars, depth) and passes the redactor (`weaver-redact`) on the way out; it carries an
//! explicit `next_offset`. `weaver-kernel` uses it for `expand`; use it directly if you
//! build your own gateway.
//!
//! # Guarantees
//!
//! * **Looked up, never trusted.** `expand` takes an id; principal, grant ([`Grant`]:
//!   `max_rows`, `allowed_fields`, `scope`) and expiry come from the stored record. Ids are
//!   128 bits from the OS CSPRNG. Binding to a principal is the default; an unbound handle
//!   needs [`Binding::Unbound`].
//! * **Exact bytes.** Sizes are exact compact-JSON bytes (`weaver-estimate`), measured with
//!   an early exit so an oversized payload is refused ([`HandleError::TooLarge`]) without
//!   walking all of it. `current_bytes() <= max_total_bytes` holds at every instant, also
//!   under concurrent stores: bytes are reserved (compare-and-swap on one counter) before
//!   an entry is inserted, evicting first expired entries and then the oldest by insertion
//!   sequence, across shards.
//! * **Filters are not oracles.** A caller's filter compares against the value as the
//!   caller could see it (after redaction), and may only name granted fields; the grant's
//!   `scope` is AND-ed in and cannot be widened.
//!
//! # Check order of `expand`
//!
//! Not found → expired (the entry is removed) → principal mismatch → budget and query
//! validity → grant (fields, filter fields, scope). The query's JSON types are checked
//! before that, when it is parsed ([`ExpandQuery::from_json`]).
//!
//! # Text payloads
//!
//! A stored string (a log, a page of text) is one row. `expand` returns a window of it as
//! the single row: `offset` and `next_offset` are UTF-8 byte offsets, the window holds at
//! most `max_chars` bytes of JSON, and it is redacted with context on both sides so a
//! secret cut by the window edge is masked whole (and skipped by `next_offset`).
//!
//! # Storage form
//!
//! An entry holds either a parsed `serde_json::Value` behind an `Arc`
//! ([`HandleBackend::store_shared`] lets a caller that still needs the value avoid a clone)
//! or a JSON document as text ([`HandleBackend::store_json`] with a checked [`JsonText`]).
//! Storing a value is a size walk and nothing else; storing a text is nothing at all (the
//! check that made the `JsonText` measured it). Expansion reads rows directly and copies
//! only what a page shows (down to the elision depth). Dropping evicted entries is
//! iterative, so deeply nested values cannot overflow the stack.
//!
//! Which to use: a parsed `Value` (insertion-ordered maps) takes about 7× its JSON size on
//! the heap (measured: 17.3 MB for a 2.5 MB result), so a caller that *receives* JSON text
//! and does not otherwise need the value (a gateway, the MCP proxy) should store the text:
//! it is parsed once, on the first expansion, and the parsed value is then kept beside
//! it. A caller that already holds the parsed value (the firewall of a driver that
//! returned one) shares it: serializing it would cost more than the size walk, and every
//! expansion would re-parse. Both forms are counted at the same size, the document's
//! compact-JSON length, so the byte caps mean the same whichever form an entry takes.
//!
//! # Early exit
//!
//! A filtered query stops scanning at the first match past its page: that match proves a
//! next page exists (`next_offset`), and `matched_rows` is then `None` (unknown). Without a
//! filter, `matched_rows` is always known.
//!
//! # Ids
//!
//! 128 bits from the operating system's CSPRNG (`getrandom`), drawn from a small per-thread
//! buffer (one system call per 32 ids). A failing random source is
//! [`HandleError::Random`], never a panic.
#![deny(missing_docs)]

mod backend;
mod clock;
mod config;
mod error;
mod expand;
mod id;
mod json_text;
mod query;
mod store;

pub use backend::HandleBackend;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Binding, Constraints, Grant, HandleStoreConfig};
pub use error::HandleError;
pub use expand::{ExpandBudget, Expansion, MIN_EXPAND_CHARS, TextPage, authorize, expand_value};
pub use json_text::{JsonText, JsonTextError, MAX_JSON_TEXT_DEPTH};
pub use query::{
    Condition, ExpandQuery, Filter, MAX_FILTER_CLAUSES, MAX_IN_VALUES, MAX_OPERAND_BYTES,
    MAX_QUERY_FIELDS, is_plain_name,
};
pub use store::HandleStore;

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

impl std::fmt::Display for HandleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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
    /// The grant stored with the data (informational here; enforced from the store).
    #[serde(default)]
    pub constraints: Grant,
}
