//! The contract every handle store implements.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::{Binding, Grant};
use crate::expand::{ExpandBudget, Expansion};
use crate::json_text::JsonText;
use crate::query::ExpandQuery;
use crate::{Handle, HandleError};

/// The contract of a handle store, so that a shared backend (Redis, for multi-worker
/// deployments) can stand in for the embedded [`HandleStore`](crate::HandleStore).
///
/// Every implementation must: look principal and constraints up by id (never trust a
/// caller's copy), refuse an entry over a byte cap with [`HandleError::TooLarge`], keep
/// `current_bytes() <= max_total_bytes` at every instant, evict expired entries first and
/// then the oldest by insertion order (never the entry the same call just stored), and
/// treat `now >= expires_at_ms` as expired. [`expand_value`](crate::expand_value) and [`authorize`](crate::authorize) implement
/// the backend-independent half of `expand`.
pub trait HandleBackend: Send + Sync {
    /// Stores a shared value. `ttl` overrides the default time to live (zero stores an
    /// already-expired entry).
    fn store_shared(
        &self,
        capability_id: &str,
        data: Arc<Value>,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, HandleError>;

    /// Stores a JSON document given as text. A backend that can keep the text keeps it and
    /// parses it on the first read ([`HandleStore`](crate::HandleStore) does); the default parses it now and
    /// stores the value with [`store_shared`](Self::store_shared). Either way the entry is
    /// counted at its compact-JSON size, as the parsed value would be.
    fn store_json(
        &self,
        capability_id: &str,
        json: JsonText,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, HandleError> {
        self.store_shared(
            capability_id,
            Arc::new(json.parse()),
            binding,
            constraints,
            ttl,
        )
    }

    /// Stores `data` with the default time to live.
    fn store(
        &self,
        capability_id: &str,
        data: Value,
        binding: Binding,
        constraints: Grant,
    ) -> Result<Handle, HandleError> {
        self.store_shared(capability_id, Arc::new(data), binding, constraints, None)
    }

    /// One bounded, redacted page of the stored data. The principal and the grant come
    /// from the stored record.
    fn expand(
        &self,
        id: &str,
        query: &ExpandQuery,
        principal: Option<&str>,
        budget: &ExpandBudget,
    ) -> Result<Expansion, HandleError>;

    /// The stored handle (metadata only), if present and not expired.
    fn meta(&self, id: &str) -> Result<Handle, HandleError>;

    /// The raw stored value for server-side use, after the same expiry and principal
    /// checks as `expand`. **Not redacted**: never hand it to a model.
    fn data(&self, id: &str, principal: Option<&str>) -> Result<Arc<Value>, HandleError>;

    /// Removes an entry; whether it was present.
    fn remove(&self, id: &str) -> bool;

    /// Removes every expired entry; how many.
    fn evict_expired(&self) -> usize;

    /// Bytes currently held (including stores in flight).
    fn current_bytes(&self) -> u64;

    /// Entries currently held (including stores in flight).
    fn len(&self) -> usize;

    /// Entries this backend has dropped on its own since it was made — evicted to honour
    /// a cap or removed because they expired, not those removed by [`remove`] — or `None`
    /// when it cannot tell (a shared server that expires keys itself).
    ///
    /// [`remove`]: HandleBackend::remove
    fn evictions(&self) -> Option<u64> {
        None
    }

    /// Whether the store holds nothing.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
