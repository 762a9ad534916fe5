//! The accounting contract and the in-process, lock-free accounts.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::BudgetExhausted;

/// A point-in-time view of a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BudgetSnapshot {
    /// The session's total budget in tokens.
    pub total: u64,
    /// Tokens charged by committed reservations.
    pub used: u64,
    /// Tokens held by live reservations (plus, for an instant, charges being committed).
    pub reserved: u64,
}

impl BudgetSnapshot {
    /// `total - used - reserved` (never negative).
    pub const fn remaining(&self) -> u64 {
        self.total
            .saturating_sub(self.used.saturating_add(self.reserved))
    }
}

/// The atomic accounting behind a [`BudgetManager`](crate::BudgetManager).
///
/// The in-process [`LocalBudget`] is the default; a shared store (Redis, a database) can
/// implement this trait so several workers draw on one session budget. Every method is one
/// atomic step of the store, and together they keep **`used + reserved <= total` at every
/// instant**:
///
/// * [`reserve`](BudgetBackend::reserve) grants `min(want, remaining)` or, when nothing
///   remains, fails with [`BudgetExhausted`] — checking and taking in one step, so two
///   workers can never both take the last tokens;
/// * [`commit`](BudgetBackend::commit) turns a grant of `reserved` into a charge of
///   `min(actual, reserved + remaining)` in one step: an overrun is paid from what nobody
///   has reserved, never from other live reservations, and never past `total`;
/// * [`release`](BudgetBackend::release) returns a grant unused.
///
/// Callers ([`Reservation`](crate::Reservation)) pass each grant to exactly one of
/// `commit` or `release`, exactly once. The methods are synchronous because a reservation is
/// released from `Drop`, which cannot await; a networked backend blocks or queues there.
/// They must not panic.
pub trait BudgetBackend: Send + Sync + fmt::Debug {
    /// The total budget; constant and greater than zero.
    fn total(&self) -> u64;

    /// Atomically reserves `min(want, remaining)` tokens and returns the amount granted
    /// (`want == 0` grants 0). Fails only when `remaining == 0`.
    fn reserve(&self, want: u64) -> Result<u64, BudgetExhausted>;

    /// Atomically ends a grant of `reserved` tokens by charging
    /// `min(actual, reserved + remaining)`; returns the amount charged.
    fn commit(&self, reserved: u64, actual: u64) -> u64;

    /// Atomically returns a grant of `reserved` tokens unused.
    fn release(&self, reserved: u64);

    /// The current state. With concurrent use this is a view, not a lock: see the
    /// implementation for how consistent its fields are with each other.
    fn snapshot(&self) -> BudgetSnapshot;
}

/// In-process accounts: lock-free, two atomic words, any `u64` total.
///
/// One word holds `in_use = used + reserved` and is only changed by compare-and-swap
/// against `total`, so **`in_use <= total` holds at every instant**, for every observer;
/// `remaining = total - in_use` is read from that one word and is therefore exact. A second
/// word holds `used`; a commit first moves its charge into `in_use` (the CAS that enforces
/// the bound) and then adds it to `used`, so an observer that reads `used` and then
/// `in_use` always sees `used <= in_use`: `reserved`, derived as `in_use - used`, never
/// goes negative, and for an instant may still include a charge that is being committed.
/// When no commit is in flight the snapshot is exact.
#[derive(Debug)]
pub struct LocalBudget {
    total: u64,
    in_use: AtomicU64,
    used: AtomicU64,
}

impl LocalBudget {
    /// Empty accounts for a budget of `total` tokens.
    pub const fn new(total: u64) -> LocalBudget {
        LocalBudget {
            total,
            in_use: AtomicU64::new(0),
            used: AtomicU64::new(0),
        }
    }

    /// Tokens neither used nor reserved: exact at every instant.
    pub fn remaining(&self) -> u64 {
        self.total - self.in_use.load(Ordering::Acquire).min(self.total)
    }

    /// Tokens charged so far (monotone).
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Acquire)
    }

    fn exhausted(&self) -> BudgetExhausted {
        let s = self.snapshot();
        BudgetExhausted {
            used: s.used,
            reserved: s.reserved,
            total: s.total,
        }
    }
}

impl BudgetBackend for LocalBudget {
    fn total(&self) -> u64 {
        self.total
    }

    #[inline]
    fn reserve(&self, want: u64) -> Result<u64, BudgetExhausted> {
        let mut cur = self.in_use.load(Ordering::Acquire);
        loop {
            let remaining = self.total.saturating_sub(cur);
            if remaining == 0 {
                return Err(self.exhausted());
            }
            let grant = want.min(remaining);
            if grant == 0 {
                return Ok(0);
            }
            match self.in_use.compare_exchange_weak(
                cur,
                cur + grant,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(grant),
                Err(now) => cur = now,
            }
        }
    }

    #[inline]
    fn commit(&self, reserved: u64, actual: u64) -> u64 {
        let mut cur = self.in_use.load(Ordering::Acquire);
        let charge = loop {
            // `reserved` is part of `cur` (it is a live grant); saturate anyway so a
            // misbehaving caller cannot wrap the counter.
            let base = cur.saturating_sub(reserved);
            let charge = actual.min(self.total.saturating_sub(base));
            let new = base + charge;
            if new == cur {
                break charge;
            }
            match self
                .in_use
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break charge,
                Err(now) => cur = now,
            }
        };
        if charge > 0 {
            // After the CAS above, so `used <= in_use` for anyone reading `used` first.
            self.used.fetch_add(charge, Ordering::Release);
        }
        charge
    }

    #[inline]
    fn release(&self, reserved: u64) {
        if reserved == 0 {
            return;
        }
        let _ = self
            .in_use
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |cur| {
                Some(cur.saturating_sub(reserved))
            });
    }

    fn snapshot(&self) -> BudgetSnapshot {
        // `used` first: every charge it includes is already in the `in_use` read after it.
        let used = self.used.load(Ordering::Acquire);
        let in_use = self.in_use.load(Ordering::Acquire);
        BudgetSnapshot {
            total: self.total,
            used,
            reserved: in_use.saturating_sub(used),
        }
    }
}
