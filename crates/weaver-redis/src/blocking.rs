//! The Redis budget behind `weaver_budget`'s synchronous `BudgetBackend` seam.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use weaver_budget::{BudgetBackend, BudgetExhausted, BudgetSnapshot};
use weaver_handles::HandleId;

use crate::budget::Inner;
use crate::{BudgetOptions, RedisBudget, RedisConnection, RedisError, RedisOptions};

/// A [`RedisBudget`] as a [`BudgetBackend`], so that `weaver_budget::BudgetManager` —
/// and everything built on it (reservations, `suggested_mode`) — draws on the shared
/// budget unchanged: `BudgetManager::with_backend(Arc::new(backend), config)`.
///
/// The seam is synchronous (a reservation is released from `Drop`), so this owns a
/// one-thread Tokio runtime that holds its own Redis connection; each call runs there and
/// the calling thread waits for it (one round trip). It never needs the caller's runtime,
/// so it works from plain threads and from inside async code alike (where it blocks that
/// worker thread for the round trip; prefer the async [`RedisBudget`] there).
///
/// The seam passes amounts, not reservation ids. Grants of equal size are
/// interchangeable in the accounts, so each grant's Redis id is kept here by amount and a
/// commit or release of `n` tokens settles one of the ids granted `n`.
///
/// Fail closed, as the seam's infallible methods allow: with Redis unreachable `reserve`
/// refuses (a [`BudgetExhausted`] reporting the whole total as held), `commit` charges 0
/// and `release` does nothing — the reservation is reclaimed by Redis at its deadline —
/// and `snapshot` reports nothing remaining, so the escalation table goes to its most
/// compact mode. [`last_error`](RedisBudgetBackend::last_error) tells what happened.
pub struct RedisBudgetBackend {
    budget: RedisBudget,
    worker: Worker,
    held: Mutex<HashMap<u64, Vec<String>>>,
}

impl std::fmt::Debug for RedisBudgetBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBudgetBackend")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl RedisBudgetBackend {
    /// Connects (on its own runtime) and opens the budget `name` of `total` tokens. Fails
    /// with [`RedisError::Unavailable`] when Redis cannot be reached now.
    pub fn connect(
        url: &str,
        options: RedisOptions,
        name: &str,
        total: u64,
        budget: BudgetOptions,
    ) -> Result<Self, RedisError> {
        let worker = Worker::start("weaver-redis-budget")?;
        let url = url.to_owned();
        let name = name.to_owned();
        let budget = worker.run("connect", async move {
            let conn = RedisConnection::connect(&url, options).await?;
            let b = RedisBudget::new(conn, &name, total, budget)?;
            // One round trip now: a wrong total or an unreachable server fails here.
            b.snapshot().await?;
            Ok(b)
        })?;
        Ok(RedisBudgetBackend {
            budget,
            worker,
            held: Mutex::new(HashMap::new()),
        })
    }

    /// The async budget underneath (same accounts).
    pub fn budget(&self) -> &RedisBudget {
        &self.budget
    }

    /// The last Redis error a call swallowed to fail closed, taken (`None` afterwards).
    pub fn last_error(&self) -> Option<RedisError> {
        self.worker.take_error()
    }

    fn note(&self, e: RedisError) {
        self.worker.note(e);
    }

    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(
            Arc<Inner>,
        ) -> std::pin::Pin<Box<dyn Future<Output = Result<T, RedisError>> + Send>>,
    ) -> Result<T, RedisError> {
        self.worker
            .run("budget", f(Arc::clone(self.budget.inner())))
    }

    fn take_id(&self, amount: u64) -> Option<String> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let ids = held.get_mut(&amount)?;
        let id = ids.pop();
        if ids.is_empty() {
            held.remove(&amount);
        }
        id
    }
}

/// What a synchronous seam over async Redis needs: a one-thread Tokio runtime of its own
/// (each call runs there while the caller's thread waits, so it never needs — or blocks on
/// — the caller's runtime) and the last error an infallible seam method swallowed to fail
/// closed.
pub(crate) struct Worker {
    runtime: Option<tokio::runtime::Runtime>,
    last_error: Mutex<Option<RedisError>>,
}

impl Worker {
    /// Starts the runtime, its one thread named `thread_name`.
    pub(crate) fn start(thread_name: &str) -> Result<Self, RedisError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(thread_name)
            .enable_all()
            .build()
            .map_err(|e| RedisError::InvalidConfig(format!("cannot start a runtime: {e}")))?;
        Ok(Worker {
            runtime: Some(runtime),
            last_error: Mutex::new(None),
        })
    }

    /// Runs `fut` on the worker's runtime and waits for it on this thread (safe inside
    /// another runtime).
    pub(crate) fn run<T: Send + 'static>(
        &self,
        op: &'static str,
        fut: impl Future<Output = Result<T, RedisError>> + Send + 'static,
    ) -> Result<T, RedisError> {
        let stopped = || RedisError::Unavailable {
            op,
            detail: "the backend's runtime stopped".into(),
        };
        let Some(rt) = &self.runtime else {
            return Err(stopped());
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv().unwrap_or_else(|_| Err(stopped()))
    }

    /// Keeps `e` for [`take_error`](Self::take_error).
    pub(crate) fn note(&self, e: RedisError) {
        *self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(e);
    }

    /// The last error kept, taken (`None` afterwards).
    pub(crate) fn take_error(&self) -> Option<RedisError> {
        self.last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Allowed inside async code, unlike dropping a runtime the normal way.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl BudgetBackend for RedisBudgetBackend {
    fn total(&self) -> u64 {
        self.budget.total()
    }

    fn reserve(&self, want: u64) -> Result<u64, BudgetExhausted> {
        let total = self.total();
        let refused = BudgetExhausted {
            used: 0,
            reserved: total,
            total,
        };
        let Ok(id) = HandleId::random() else {
            return Err(refused);
        };
        let rid = id.as_str().to_owned();
        let r = rid.clone();
        match self.call(move |i| Box::pin(async move { i.reserve_raw(want, &r).await })) {
            Ok(grant) => {
                if grant > 0 {
                    self.held
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .entry(grant)
                        .or_default()
                        .push(rid);
                }
                Ok(grant)
            }
            Err(RedisError::Exhausted(e)) => Err(e),
            Err(e) => {
                self.note(e);
                Err(refused)
            }
        }
    }

    fn commit(&self, reserved: u64, actual: u64) -> u64 {
        // A zero grant (or one this backend never made) holds nothing: charge from the rest.
        let rid = self.take_id(reserved).unwrap_or_else(|| "-".to_owned());
        match self.call(move |i| Box::pin(async move { i.commit_raw(&rid, actual).await })) {
            Ok(charged) => charged,
            Err(e) => {
                self.note(e);
                0
            }
        }
    }

    fn release(&self, reserved: u64) {
        let Some(rid) = self.take_id(reserved) else {
            return;
        };
        if let Err(e) = self.call(move |i| Box::pin(async move { i.release_raw(&rid).await })) {
            self.note(e);
        }
    }

    fn snapshot(&self) -> BudgetSnapshot {
        match self.call(|i| Box::pin(async move { i.snapshot_raw().await })) {
            Ok(s) => s,
            Err(e) => {
                self.note(e);
                let total = self.total();
                BudgetSnapshot {
                    total,
                    used: 0,
                    reserved: total,
                }
            }
        }
    }
}
