//! The Redis handle store behind `weaver_handles`' synchronous `HandleBackend` seam.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Expansion, Grant, Handle, HandleBackend, HandleError,
    HandleStoreConfig, JsonText,
};

use crate::blocking::Worker;
use crate::{RedisConnection, RedisError, RedisHandleStore, RedisOptions};

/// A [`RedisHandleStore`] as a [`HandleBackend`], so that a `weaver_kernel::Kernel` (and
/// the `weaver mcp` proxy built on it) keeps its handles in Redis:
/// `Kernel::builder(registry).handle_store(Arc::new(backend))`. Use it when several
/// processes must expand each other's handles; one process alone is better served by the
/// embedded `weaver_handles::HandleStore`.
///
/// Built like [`RedisBudgetBackend`](crate::RedisBudgetBackend): it owns a one-thread
/// Tokio runtime holding its own Redis connection, and each call runs there while the
/// calling thread waits (one round trip). It never touches the caller's runtime, so it is
/// safe from plain threads and from inside async code (where it blocks that worker thread
/// for the round trip).
///
/// Fail closed. `store_shared`, `expand`, `meta` and `data` return the store's own
/// errors (not found, expired, principal mismatch, too large, …) unchanged, and
/// [`HandleError::Unavailable`] (reason code `store_unavailable`) when Redis cannot be
/// reached or refuses: nothing is stored locally instead. The methods the seam makes
/// infallible report what Redis says when it answers and otherwise a neutral value with
/// the error kept for [`last_error`](RedisHandleBackend::last_error): `remove` → `false`,
/// `evict_expired` → 0, `current_bytes` and `len` → 0.
pub struct RedisHandleBackend {
    store: Arc<RedisHandleStore>,
    worker: Worker,
}

impl std::fmt::Debug for RedisHandleBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisHandleBackend")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl RedisHandleBackend {
    /// Connects (on its own runtime) and opens a store with these limits under
    /// `options.prefix`. Fails with [`RedisError::Unavailable`] when Redis cannot be
    /// reached now (one `PING`), and with [`RedisError::Handle`] on invalid limits.
    pub fn connect(
        url: &str,
        options: RedisOptions,
        config: HandleStoreConfig,
    ) -> Result<Self, RedisError> {
        let worker = Worker::start("weaver-redis-handles")?;
        let url = url.to_owned();
        let store = worker.run("connect", async move {
            let conn = RedisConnection::connect(&url, options).await?;
            conn.ping().await?;
            RedisHandleStore::new(conn, config)
        })?;
        Ok(RedisHandleBackend {
            store: Arc::new(store),
            worker,
        })
    }

    /// The async store underneath (same entries).
    pub fn async_store(&self) -> &RedisHandleStore {
        &self.store
    }

    /// The last Redis error an infallible method swallowed, taken (`None` afterwards).
    pub fn last_error(&self) -> Option<RedisError> {
        self.worker.take_error()
    }

    fn note(&self, e: RedisError) {
        self.worker.note(e);
    }

    fn call<T, F, Fut>(&self, op: &'static str, f: F) -> Result<T, RedisError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<RedisHandleStore>) -> Fut,
        Fut: Future<Output = Result<T, RedisError>> + Send + 'static,
    {
        self.worker.run(op, f(Arc::clone(&self.store)))
    }

    /// The usage counters, or zeros with the error kept.
    fn usage(&self) -> (u64, u64) {
        match self.call("usage", |s| async move { s.usage().await }) {
            Ok(u) => u,
            Err(e) => {
                self.note(e);
                (0, 0)
            }
        }
    }
}

/// The handle-store error for a Redis failure: the store's own errors as they are, every
/// other failure (unreachable, refused, unreadable) as [`HandleError::Unavailable`].
fn to_handle_error(e: RedisError) -> HandleError {
    match e {
        RedisError::Handle(h) => h,
        other => HandleError::Unavailable(other.to_string()),
    }
}

impl HandleBackend for RedisHandleBackend {
    fn store_shared(
        &self,
        capability_id: &str,
        data: Arc<Value>,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, HandleError> {
        let cap = capability_id.to_owned();
        self.call("store", move |s| async move {
            s.store(&cap, &data, binding, constraints, ttl).await
        })
        .map_err(to_handle_error)
    }

    fn store_json(
        &self,
        capability_id: &str,
        json: JsonText,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, HandleError> {
        let cap = capability_id.to_owned();
        self.call("store", move |s| async move {
            s.store_json(&cap, &json, binding, constraints, ttl).await
        })
        .map_err(to_handle_error)
    }

    fn expand(
        &self,
        id: &str,
        query: &ExpandQuery,
        principal: Option<&str>,
        budget: &ExpandBudget,
    ) -> Result<Expansion, HandleError> {
        let (id, query, principal, budget) = (
            id.to_owned(),
            query.clone(),
            principal.map(str::to_owned),
            *budget,
        );
        self.call("expand", move |s| async move {
            s.expand(&id, &query, principal.as_deref(), &budget).await
        })
        .map_err(to_handle_error)
    }

    fn meta(&self, id: &str) -> Result<Handle, HandleError> {
        let id = id.to_owned();
        self.call("meta", move |s| async move { s.meta(&id).await })
            .map_err(to_handle_error)
    }

    fn data(&self, id: &str, principal: Option<&str>) -> Result<Arc<Value>, HandleError> {
        let (id, principal) = (id.to_owned(), principal.map(str::to_owned));
        self.call("data", move |s| async move {
            s.data(&id, principal.as_deref()).await.map(|(_, v)| v)
        })
        .map_err(to_handle_error)
    }

    fn remove(&self, id: &str) -> bool {
        let id = id.to_owned();
        match self.call("remove", move |s| async move { s.remove(&id).await }) {
            Ok(b) => b,
            Err(e) => {
                self.note(e);
                false
            }
        }
    }

    fn evict_expired(&self) -> usize {
        match self.call("evict_expired", |s| async move { s.evict_expired().await }) {
            Ok(n) => n,
            Err(e) => {
                self.note(e);
                0
            }
        }
    }

    fn current_bytes(&self) -> u64 {
        self.usage().0
    }

    fn len(&self) -> usize {
        usize::try_from(self.usage().1).unwrap_or(usize::MAX)
    }
}
