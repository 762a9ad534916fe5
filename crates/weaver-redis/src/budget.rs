//! A token budget kept in Redis: one atomic script per step, crashed workers reclaimed.

use std::sync::Arc;
use std::time::Duration;

use redis::Script;
use weaver_budget::{BudgetExhausted, BudgetSnapshot, Committed, ResponseMode, escalate};
use weaver_handles::HandleId;

use crate::{RedisConnection, RedisError};

/// Totals and amounts are Lua numbers (doubles) inside Redis: exact below 2^53.
pub const MAX_TOTAL: u64 = 1 << 53;

/// Shared by every budget script. Keys: `{p}b:{name}` hash (total, used, reserved),
/// `{p}b:{name}:a` reservation id → amount, `{p}b:{name}:x` reservation id by deadline.
/// Every script first reclaims reservations past their deadline (a crashed worker's).
const PRELUDE: &str = r"
local h = ARGV[1]
local ra, rx = h .. ':a', h .. ':x'
local total = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cur = redis.call('HGET', h, 'total')
if not cur then
  redis.call('HSET', h, 'total', total, 'used', 0, 'reserved', 0)
elseif tonumber(cur) ~= total then
  return redis.error_reply('weaver: budget total mismatch: stored ' .. cur .. ', asked ' .. ARGV[2])
end
local dead = redis.call('ZRANGEBYSCORE', rx, '-inf', now)
for _, rid in ipairs(dead) do
  local a = redis.call('HGET', ra, rid)
  if a then
    redis.call('HINCRBY', h, 'reserved', -tonumber(a))
    redis.call('HDEL', ra, rid)
  end
  redis.call('ZREM', rx, rid)
end
local used = tonumber(redis.call('HGET', h, 'used'))
local reserved = tonumber(redis.call('HGET', h, 'reserved'))
";

/// ARGV: key, total, want, expiry_ms, rid. Returns {granted?1:0, grant, used, reserved}.
const RESERVE: &str = r"
local want, ttl, rid = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local rem = total - used - reserved
if rem <= 0 then return {0, 0, used, reserved} end
local grant = math.min(want, rem)
if grant > 0 then
  redis.call('HINCRBY', h, 'reserved', grant)
  redis.call('HSET', ra, rid, grant)
  redis.call('ZADD', rx, now + ttl, rid)
end
return {1, grant, used, reserved + grant}
";

/// ARGV: key, total, actual, rid. Charges min(actual, held + remaining), where held is
/// what the reservation still holds (0 once reclaimed). Returns {charge, held}.
const COMMIT: &str = r"
local actual, rid = tonumber(ARGV[3]), ARGV[4]
local held = tonumber(redis.call('HGET', ra, rid) or '0')
if held > 0 then
  redis.call('HDEL', ra, rid)
  redis.call('ZREM', rx, rid)
  reserved = reserved - held
  redis.call('HINCRBY', h, 'reserved', -held)
end
local charge = math.min(actual, total - used - reserved)
if charge < 0 then charge = 0 end
if charge > 0 then redis.call('HINCRBY', h, 'used', charge) end
return {charge, held}
";

/// ARGV: key, total, rid. Returns what the reservation still held.
const RELEASE: &str = r"
local rid = ARGV[3]
local held = tonumber(redis.call('HGET', ra, rid) or '0')
if held > 0 then
  redis.call('HDEL', ra, rid)
  redis.call('ZREM', rx, rid)
  redis.call('HINCRBY', h, 'reserved', -held)
end
return held
";

/// ARGV: key, total. Returns {used, reserved}.
const SNAPSHOT: &str = "return {used, reserved}";

/// Options of a [`RedisBudget`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetOptions {
    /// How long a reservation holds its tokens before any worker may reclaim them
    /// (default 5 minutes). Longer than the slowest tool call: a call that commits after
    /// its reservation was reclaimed is still charged, but only from what is unreserved.
    pub reservation_expiry: Duration,
}

impl Default for BudgetOptions {
    fn default() -> Self {
        BudgetOptions {
            reservation_expiry: Duration::from_secs(300),
        }
    }
}

pub(crate) struct Inner {
    conn: RedisConnection,
    key: String,
    total: u64,
    expiry_ms: u64,
    reserve: Script,
    commit: Script,
    release: Script,
    snapshot: Script,
}

/// One token budget shared by every worker that opens it with the same name (and
/// prefix): `used + reserved <= total` at every instant across all of them.
///
/// Each step — [`reserve`](RedisBudget::reserve), [`commit`](RedisBudget::commit),
/// [`release`](RedisBudget::release), [`snapshot`](RedisBudget::snapshot) — is one Lua
/// script, one round trip, with the same semantics as `weaver_budget::BudgetBackend`.
/// Cheap to clone.
#[derive(Clone)]
pub struct RedisBudget {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for RedisBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBudget")
            .field("key", &self.inner.key)
            .field("total", &self.inner.total)
            .field("expiry_ms", &self.inner.expiry_ms)
            .finish_non_exhaustive()
    }
}

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}\n{body}"))
}

impl RedisBudget {
    /// The budget `name` (a user, a session) of `total` tokens. The first worker to touch
    /// it sets the total; a worker asking for a different total gets
    /// [`RedisError::Backend`] on every step rather than a silently different budget.
    /// Nothing is sent to Redis here.
    pub fn new(
        conn: RedisConnection,
        name: &str,
        total: u64,
        options: BudgetOptions,
    ) -> Result<Self, RedisError> {
        if total == 0 || total > MAX_TOTAL {
            return Err(RedisError::InvalidConfig(format!(
                "budget total must be in 1..=2^53 (got {total})"
            )));
        }
        let expiry_ms = u64::try_from(options.reservation_expiry.as_millis()).unwrap_or(u64::MAX);
        if expiry_ms == 0 || expiry_ms > MAX_TOTAL {
            return Err(RedisError::InvalidConfig(
                "reservation_expiry must be at least 1 ms (and below 2^53 ms)".into(),
            ));
        }
        if name.is_empty() {
            return Err(RedisError::InvalidConfig(
                "budget name must not be empty".into(),
            ));
        }
        let key = format!("{}b:{name}", conn.prefix);
        Ok(RedisBudget {
            inner: Arc::new(Inner {
                conn,
                key,
                total,
                expiry_ms,
                reserve: script(RESERVE),
                commit: script(COMMIT),
                release: script(RELEASE),
                snapshot: script(SNAPSHOT),
            }),
        })
    }

    /// The total budget.
    pub fn total(&self) -> u64 {
        self.inner.total
    }

    pub(crate) fn inner(&self) -> &Arc<Inner> {
        &self.inner
    }

    /// Reserves `min(want, remaining)` tokens for one call, or fails with
    /// [`RedisError::Exhausted`] when nothing remains. The grant expires after
    /// [`BudgetOptions::reservation_expiry`] unless committed or released first.
    pub async fn reserve(&self, want: u64) -> Result<RedisReservation, RedisError> {
        let id = HandleId::random().map_err(|e| RedisError::Backend {
            op: "reserve",
            detail: e.to_string(),
        })?;
        let grant = self.inner.reserve_raw(want, id.as_str()).await?;
        Ok(RedisReservation {
            budget: self.clone(),
            id: id.as_str().to_owned(),
            amount: grant,
            settled: false,
        })
    }

    /// Ends `reservation` by charging `min(actual, held + remaining)`, where `held` is
    /// what it still holds (0 if it expired and was reclaimed).
    pub async fn commit(
        &self,
        mut reservation: RedisReservation,
        actual: u64,
    ) -> Result<Committed, RedisError> {
        let charged = self.inner.commit_raw(&reservation.id, actual).await?;
        reservation.settled = true;
        Ok(Committed {
            reserved: reservation.amount,
            actual,
            charged,
        })
    }

    /// Returns `reservation` unused; what it still held.
    pub async fn release(&self, mut reservation: RedisReservation) -> Result<u64, RedisError> {
        let held = self.inner.release_raw(&reservation.id).await?;
        reservation.settled = true;
        Ok(held)
    }

    /// Total, used and reserved, read together in one atomic step (after reclaiming
    /// expired reservations).
    pub async fn snapshot(&self) -> Result<BudgetSnapshot, RedisError> {
        self.inner.snapshot_raw().await
    }

    /// The response mode a call asking for `requested` should get now: the escalation
    /// table ([`escalate`]) applied to the shared remainder.
    pub async fn suggested_mode(
        &self,
        requested: ResponseMode,
    ) -> Result<ResponseMode, RedisError> {
        let s = self.snapshot().await?;
        Ok(escalate(requested, s.remaining(), s.total))
    }
}

impl Inner {
    /// One reserve step under reservation id `rid`: the grant, or `Exhausted`.
    pub(crate) async fn reserve_raw(&self, want: u64, rid: &str) -> Result<u64, RedisError> {
        let mut inv = self.reserve.prepare_invoke();
        inv.arg(&self.key)
            .arg(self.total)
            .arg(want.min(MAX_TOTAL))
            .arg(self.expiry_ms)
            .arg(rid);
        let (ok, grant, used, reserved): (u8, u64, u64, u64) =
            self.conn.invoke("reserve", &inv).await?;
        if ok == 0 {
            return Err(BudgetExhausted {
                used,
                reserved,
                total: self.total,
            }
            .into());
        }
        Ok(grant)
    }

    /// Ends reservation `rid` (unknown or reclaimed: holds 0) charging at most `actual`.
    pub(crate) async fn commit_raw(&self, rid: &str, actual: u64) -> Result<u64, RedisError> {
        let mut inv = self.commit.prepare_invoke();
        inv.arg(&self.key)
            .arg(self.total)
            .arg(actual.min(MAX_TOTAL))
            .arg(rid);
        let (charged, _held): (u64, u64) = self.conn.invoke("commit", &inv).await?;
        Ok(charged)
    }

    /// Returns reservation `rid` unused; what it still held.
    pub(crate) async fn release_raw(&self, rid: &str) -> Result<u64, RedisError> {
        let mut inv = self.release.prepare_invoke();
        inv.arg(&self.key).arg(self.total).arg(rid);
        self.conn.invoke("release", &inv).await
    }

    pub(crate) async fn snapshot_raw(&self) -> Result<BudgetSnapshot, RedisError> {
        let mut inv = self.snapshot.prepare_invoke();
        inv.arg(&self.key).arg(self.total);
        let (used, reserved): (u64, u64) = self.conn.invoke("snapshot", &inv).await?;
        Ok(BudgetSnapshot {
            total: self.total,
            used,
            reserved,
        })
    }
}

/// Tokens held in a [`RedisBudget`] for one call.
///
/// Settle it with [`RedisBudget::commit`] or [`RedisBudget::release`]. Dropped unsettled
/// inside a Tokio runtime, it is released by a spawned task; otherwise (or if Redis is
/// unreachable then) its tokens come back when it expires.
#[must_use = "commit or release it; a dropped reservation holds tokens until released or expired"]
pub struct RedisReservation {
    budget: RedisBudget,
    id: String,
    amount: u64,
    settled: bool,
}

impl RedisReservation {
    /// Tokens granted.
    pub fn amount(&self) -> u64 {
        self.amount
    }

    /// The reservation's id in Redis.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl std::fmt::Debug for RedisReservation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisReservation")
            .field("id", &self.id)
            .field("amount", &self.amount)
            .field("settled", &self.settled)
            .finish_non_exhaustive()
    }
}

impl Drop for RedisReservation {
    fn drop(&mut self) {
        if self.settled || self.amount == 0 {
            return;
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let inner = Arc::clone(&self.budget.inner);
            let id = std::mem::take(&mut self.id);
            rt.spawn(async move {
                // Unreachable Redis: the expiry reclaims it instead.
                let _ = inner.release_raw(&id).await;
            });
        }
    }
}
