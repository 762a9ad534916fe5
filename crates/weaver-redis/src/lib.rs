//! Handles and token budgets shared by many weaver workers, kept in Redis.
//!
//! ```no_run
//! use serde_json::json;
//! use weaver_handles::{Binding, ExpandBudget, ExpandQuery, Grant, HandleStoreConfig};
//! use weaver_redis::{BudgetOptions, RedisBudget, RedisConnection, RedisHandleStore, RedisOptions};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = RedisConnection::connect("redis://127.0.0.1:6379", RedisOptions::default()).await?;
//!
//! // Worker A stores a large result for agent-7 ...
//! let store = RedisHandleStore::new(conn.clone(), HandleStoreConfig {
//!     max_total_bytes: Some(256 << 20),
//!     ..HandleStoreConfig::default()
//! })?;
//! let rows = json!([{"id": 1, "status": "paid"}, {"id": 2, "status": "refunded"}]);
//! let handle = store.store("orders.list", &rows, Binding::principal("agent-7"), Grant::new(), None).await?;
//!
//! // ... and worker B, another process, pages through it for the same principal.
//! let query = ExpandQuery::from_json(&json!({"filter": {"status": "refunded"}}))?;
//! let page = store.expand(handle.id.as_str(), &query, Some("agent-7"), &ExpandBudget::default()).await?;
//! assert_eq!(page.rows[0]["id"], 2);
//!
//! // One user's budget, drawn on by every worker.
//! let budget = RedisBudget::new(conn, "user:ann", 100_000, BudgetOptions::default())?;
//! let r = budget.reserve(4_000).await?;
//! let done = budget.commit(r, 1_250).await?;
//! assert_eq!(done.charged, 1_250);
//! # Ok(()) }
//! ```
//!
//! # When to use it
//!
//! When one gateway runs several workers (processes, machines) and an agent's call can
//! land on one while its `expand` lands on another, or one user's token budget spans
//! sessions served by different workers. A single process needs none of this: the
//! embedded `weaver_handles::HandleStore` and `weaver_budget::BudgetManager` are faster
//! by two orders of magnitude (no network round trip).
//!
//! # Guarantees
//!
//! * **Exact caps across workers.** A store is one Lua script: it sweeps expired entries,
//!   evicts the oldest by insertion sequence until the new entry fits `max_total_bytes`
//!   and `max_entries`, then writes it — so `current_bytes <= max_total_bytes` at every
//!   instant, whatever the number of workers. Sizes are exact compact-JSON bytes; an
//!   entry over `max_entry_bytes` is refused before anything is sent.
//! * **Looked up, never trusted.** Principal, grant and expiry are stored with the
//!   payload under a 128-bit random id (weaver-handles' generator) and checked on every
//!   read; the page itself is built by `weaver_handles::expand_value`, so it is exactly
//!   what the embedded store would return.
//! * **No over-commit.** reserve, commit and release are one script each;
//!   `used + reserved <= total` at every instant across workers. A reservation carries a
//!   deadline; any later step reclaims reservations past theirs, so a crashed worker's
//!   tokens come back.
//! * **Fail closed.** Redis unreachable is [`RedisError::Unavailable`]: nothing is stored
//!   or charged and there is no local fallback. The connection manager reconnects by
//!   itself; once Redis is back the next call succeeds (a call refused while connecting
//!   never left the process and is sent once more; one cut off mid-flight may have run and
//!   is not resent: it fails `Unavailable`).
//! * **The synchronous seam.** [`RedisBudgetBackend`] puts a `weaver_budget::BudgetManager`
//!   (reservation guards, `suggested_mode`) on the shared budget unchanged;
//!   [`RedisHandleBackend`] does the same for handles (`HandleBackend`, e.g. a
//!   `weaver_kernel::Kernel`'s store): store and expand fail with
//!   `HandleError::Unavailable`, and the seam's infallible counters read 0 with the
//!   error kept in `last_error()` when Redis is unreachable.
//! * **Server time.** Expiry and reservation deadlines use Redis's clock (`TIME`), so
//!   workers with skewed clocks agree.
//!
//! # Layout and limits
//!
//! Every key starts with [`RedisOptions::prefix`]. Handles: `{p}h:{id}` (a hash: metadata
//! JSON, compact JSON payload, size, times), `{p}hz` (ids by insertion sequence), `{p}hx`
//! (ids by expiry), `{p}hs` (bytes, entries, sequence). Budgets: `{p}b:{name}` (total,
//! used, reserved) with `:a` (reservation amounts) and `:x` (deadlines). Scripts build
//! keys from the prefix, so this works on a single Redis (or a replicated primary), not
//! on Redis Cluster. Amounts are exact up to 2^53. Expired handles are swept by the next
//! store (or [`RedisHandleStore::evict_expired`]); Redis key expiry is not used, so the
//! byte count never disagrees with what is held.
#![deny(missing_docs)]

mod blocking;
mod budget;
mod conn;
mod error;
mod handles;
mod sync_handles;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use blocking::RedisBudgetBackend;
pub use budget::{BudgetOptions, MAX_TOTAL, RedisBudget, RedisReservation};
pub use conn::{RedisConnection, RedisOptions};
pub use error::RedisError;
pub use handles::RedisHandleStore;
pub use sync_handles::RedisHandleBackend;
