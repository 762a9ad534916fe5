//! The session budget manager and its RAII reservations.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::backend::{BudgetBackend, BudgetSnapshot, LocalBudget};
use crate::counter::{CharCounter, TokenCount, TokenCounter};
use crate::{BudgetConfigError, BudgetExhausted, ResponseMode};

/// How a [`BudgetManager`] reserves and counts.
#[derive(Debug, Clone)]
pub struct BudgetConfig {
    /// Tokens reserved by `reserve(None)`; must be positive. Default
    /// [`BudgetManager::DEFAULT_REQUEST`] (4 000).
    pub default_request: u64,
    /// The counter used by [`BudgetManager::count`]. Default [`CharCounter`].
    pub counter: Arc<dyn TokenCounter>,
}

impl Default for BudgetConfig {
    fn default() -> BudgetConfig {
        BudgetConfig {
            default_request: BudgetManager::DEFAULT_REQUEST,
            counter: Arc::new(CharCounter),
        }
    }
}

/// A session's token budget, shared by every call of the session.
///
/// Cloning is cheap and every clone draws on the same budget. All methods take `&self`,
/// never block, and are lock-free with the default in-process accounts ([`LocalBudget`]);
/// the manager is `Send + Sync` and needs no async runtime.
///
/// A call [`reserve`](BudgetManager::reserve)s a slice of the remaining budget before it
/// runs and gets a [`Reservation`]; once it knows what its result costs it
/// [`commit`](Reservation::commit)s the actual count. A reservation that is dropped instead
/// — an error returned with `?`, a panic unwinding, a future cancelled by a timeout — gives
/// its tokens back, exactly once.
///
/// Invariant, under any concurrency: `used + reserved <= total` (see [`LocalBudget`] for
/// exactly what an observer can see).
#[derive(Clone)]
pub struct BudgetManager {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: Accounts,
    default_request: u64,
    counter: Arc<dyn TokenCounter>,
}

/// The default accounts are matched on, not called through a vtable, so the hot path
/// inlines.
enum Accounts {
    Local(LocalBudget),
    Custom(Arc<dyn BudgetBackend>),
}

impl Accounts {
    fn backend(&self) -> &dyn BudgetBackend {
        match self {
            Accounts::Local(l) => l,
            Accounts::Custom(b) => &**b,
        }
    }
}

impl BudgetManager {
    /// The reference's default total budget (100 000 tokens).
    pub const DEFAULT_TOTAL: u64 = 100_000;
    /// The default reservation per call (4 000 tokens).
    pub const DEFAULT_REQUEST: u64 = 4_000;

    /// A budget of `total` tokens with in-process accounts.
    pub fn new(total: u64, config: BudgetConfig) -> Result<BudgetManager, BudgetConfigError> {
        if total == 0 {
            return Err(BudgetConfigError::ZeroTotal);
        }
        BudgetManager::build(Accounts::Local(LocalBudget::new(total)), config)
    }

    /// A budget kept by `backend` (e.g. shared between workers). Its
    /// [`total`](BudgetBackend::total) must be positive.
    pub fn with_backend(
        backend: Arc<dyn BudgetBackend>,
        config: BudgetConfig,
    ) -> Result<BudgetManager, BudgetConfigError> {
        if backend.total() == 0 {
            return Err(BudgetConfigError::ZeroTotal);
        }
        BudgetManager::build(Accounts::Custom(backend), config)
    }

    fn build(accounts: Accounts, config: BudgetConfig) -> Result<BudgetManager, BudgetConfigError> {
        if config.default_request == 0 {
            return Err(BudgetConfigError::ZeroDefaultRequest);
        }
        Ok(BudgetManager {
            inner: Arc::new(Inner {
                accounts,
                default_request: config.default_request,
                counter: config.counter,
            }),
        })
    }

    /// Reserves `min(requested, remaining)` tokens (`None` asks for the
    /// [default request](BudgetConfig::default_request)) in one atomic step.
    ///
    /// Fails with [`BudgetExhausted`] only when nothing remains; a request of 0 is granted
    /// 0 tokens while anything remains. The grant may be smaller than asked for: see
    /// [`Reservation::amount`].
    #[inline]
    pub fn reserve(&self, requested: Option<u64>) -> Result<Reservation, BudgetExhausted> {
        let want = requested.unwrap_or(self.inner.default_request);
        let amount = match &self.inner.accounts {
            Accounts::Local(l) => l.reserve(want)?,
            Accounts::Custom(b) => b.reserve(want)?,
        };
        Ok(Reservation {
            manager: self.clone(),
            amount,
            settled: false,
        })
    }

    /// The total budget.
    pub fn total(&self) -> u64 {
        self.inner.accounts.backend().total()
    }

    /// Tokens neither used nor reserved.
    pub fn remaining(&self) -> u64 {
        match &self.inner.accounts {
            Accounts::Local(l) => l.remaining(),
            Accounts::Custom(b) => b.snapshot().remaining(),
        }
    }

    /// Tokens charged by commits.
    pub fn used(&self) -> u64 {
        match &self.inner.accounts {
            Accounts::Local(l) => l.used(),
            Accounts::Custom(b) => b.snapshot().used,
        }
    }

    /// Tokens held by live reservations.
    pub fn reserved(&self) -> u64 {
        self.snapshot().reserved
    }

    /// Total, used and reserved, read together.
    pub fn snapshot(&self) -> BudgetSnapshot {
        self.inner.accounts.backend().snapshot()
    }

    /// `used / total`, at most 1.0 (reservations are not usage).
    pub fn usage_fraction(&self) -> f64 {
        let s = self.snapshot();
        (s.used as f64 / s.total as f64).min(1.0)
    }

    /// The response mode a call asking for `requested` should get now: the seed's
    /// escalation table applied to the remaining budget (reservations count as spent).
    /// See [`escalate`](crate::escalate).
    pub fn suggested_mode(&self, requested: ResponseMode) -> ResponseMode {
        let s = self.snapshot();
        crate::escalate(requested, s.remaining(), s.total)
    }

    /// The default reservation.
    pub fn default_request(&self) -> u64 {
        self.inner.default_request
    }

    /// The configured token counter.
    pub fn counter(&self) -> &Arc<dyn TokenCounter> {
        &self.inner.counter
    }

    /// Tokens in `value` by the configured counter (its compact JSON).
    pub fn count(&self, value: &Value) -> u64 {
        self.inner.counter.count_value(value)
    }

    /// Tokens in `value`, stopping once the count exceeds `limit`.
    pub fn count_up_to(&self, value: &Value, limit: u64) -> TokenCount {
        self.inner.counter.count_up_to(value, limit)
    }
}

// A panic cannot leave the books half-updated: every change is one atomic step of the
// backend, whose methods must not panic. So a manager (and a reservation) may be used
// across `catch_unwind` without `AssertUnwindSafe`, whatever counter or backend it holds.
impl std::panic::UnwindSafe for BudgetManager {}
impl std::panic::RefUnwindSafe for BudgetManager {}
impl std::panic::UnwindSafe for Reservation {}
impl std::panic::RefUnwindSafe for Reservation {}

impl fmt::Debug for BudgetManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.snapshot();
        f.debug_struct("BudgetManager")
            .field("total", &s.total)
            .field("used", &s.used)
            .field("reserved", &s.reserved)
            .field("default_request", &self.inner.default_request)
            .field("counter", &self.inner.counter.name())
            .finish()
    }
}

/// Tokens held for one call; settles exactly once.
///
/// [`commit`](Reservation::commit) records what the call actually cost and consumes the
/// reservation. Dropping it without committing — on any path: an early `return`, `?`, a
/// panic unwinding through it, the future holding it being dropped — releases the tokens.
/// Either happens exactly once (commit takes `self`, so a second settle does not compile).
/// Only leaking it (`std::mem::forget`) keeps the tokens reserved for good.
///
/// The reservation owns a handle to its manager, so it is `Send + 'static`: it can move
/// into a spawned task and outlive the borrow it was created from.
///
/// ```compile_fail
/// # use weaver_budget::{BudgetManager, BudgetConfig};
/// let m = BudgetManager::new(100, BudgetConfig::default()).unwrap();
/// let r = m.reserve(Some(10)).unwrap();
/// r.commit(5);
/// r.commit(5); // error: use of moved value
/// ```
#[must_use = "dropping a reservation releases it at once; commit(actual) records usage"]
pub struct Reservation {
    manager: BudgetManager,
    amount: u64,
    settled: bool,
}

impl Reservation {
    /// Tokens granted: `min(requested, remaining)` at the time of the reservation.
    pub fn amount(&self) -> u64 {
        self.amount
    }

    /// The manager this reservation draws on.
    pub fn manager(&self) -> &BudgetManager {
        &self.manager
    }

    /// Records that the call cost `actual` tokens and ends the reservation.
    ///
    /// Charges `min(actual, amount + remaining)` in one atomic step: a call that cost more
    /// than it reserved pays the overrun from the unreserved budget (never from other live
    /// reservations, never past `total`); what could not be charged is reported as
    /// [`Committed::unbilled`]. A call that cost less returns the difference.
    #[inline]
    pub fn commit(mut self, actual: u64) -> Committed {
        self.settled = true;
        let charged = match &self.manager.inner.accounts {
            Accounts::Local(l) => l.commit(self.amount, actual),
            Accounts::Custom(b) => b.commit(self.amount, actual),
        };
        Committed {
            reserved: self.amount,
            actual,
            charged,
        }
    }

    /// Gives the tokens back without charging anything (what dropping does).
    pub fn release(self) {}
}

impl Drop for Reservation {
    #[inline]
    fn drop(&mut self) {
        if !self.settled {
            self.settled = true;
            match &self.manager.inner.accounts {
                Accounts::Local(l) => l.release(self.amount),
                Accounts::Custom(b) => b.release(self.amount),
            }
        }
    }
}

impl fmt::Debug for Reservation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reservation")
            .field("amount", &self.amount)
            .field("settled", &self.settled)
            .finish_non_exhaustive()
    }
}

/// What a [`Reservation::commit`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Committed {
    /// Tokens the reservation held.
    pub reserved: u64,
    /// Tokens the call reported.
    pub actual: u64,
    /// Tokens charged to the budget: `min(actual, reserved + remaining)`.
    pub charged: u64,
}

impl Committed {
    /// Tokens the call used that the budget could not cover (`actual - charged`).
    pub const fn unbilled(&self) -> u64 {
        self.actual.saturating_sub(self.charged)
    }

    /// Tokens charged beyond the reservation.
    pub const fn overrun(&self) -> u64 {
        self.charged.saturating_sub(self.reserved)
    }

    /// Reserved tokens returned to the budget because the call cost less.
    pub const fn refunded(&self) -> u64 {
        self.reserved.saturating_sub(self.charged)
    }
}
