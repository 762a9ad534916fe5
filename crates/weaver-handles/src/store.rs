//! The embedded, sharded, byte-budgeted store.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use serde_json::Value;
use weaver_redact::Redactor;

use crate::backend::HandleBackend;
use crate::clock::{Clock, SystemClock};
use crate::config::{Binding, Grant, HandleStoreConfig};
use crate::expand::{ExpandBudget, Expansion, authorize, expand_value};
use crate::id::random_u128;
use crate::json_text::JsonText;
use crate::query::ExpandQuery;
use crate::{Handle, HandleError, HandleId};

/// Hashes the (already random) 128-bit ids by folding them: no SipHash per lookup.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u128(&mut self, n: u128) {
        self.0 = (n as u64) ^ ((n >> 64) as u64);
    }
}

struct Record {
    handle: Handle,
    data: Payload,
}

/// What an entry holds.
enum Payload {
    Value(Arc<Value>),
    /// Parsed on the first read; the text stays (readers may hold the parsed value).
    Json {
        text: JsonText,
        parsed: OnceLock<Arc<Value>>,
    },
}

impl Record {
    /// The stored value, parsing a JSON text on first use. Two first readers racing may
    /// both parse; one result is kept.
    fn value(&self) -> Arc<Value> {
        match &self.data {
            Payload::Value(v) => Arc::clone(v),
            Payload::Json { text, parsed } => {
                Arc::clone(parsed.get_or_init(|| Arc::new(text.parse())))
            }
        }
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        let v = match &mut self.data {
            Payload::Value(v) => Some(v),
            Payload::Json { parsed, .. } => parsed.get_mut(),
        };
        if let Some(v) = v.and_then(Arc::get_mut) {
            drop_deep(v);
        }
    }
}

/// Empties `v` without recursion: dropping a deeply nested `Value` the normal way recurses
/// once per level and can overflow the stack.
fn drop_deep(v: &mut Value) {
    let mut stack = vec![std::mem::take(v)];
    while let Some(mut x) = stack.pop() {
        match &mut x {
            Value::Array(a) => stack.extend(a.drain(..).filter(is_container)),
            Value::Object(m) => {
                stack.extend(
                    std::mem::take(m)
                        .into_iter()
                        .map(|(_, c)| c)
                        .filter(is_container),
                );
            }
            _ => {}
        }
    }
}

fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

struct Slot {
    seq: u64,
    record: Arc<Record>,
}

#[derive(Default)]
struct ShardInner {
    map: HashMap<u128, Slot, BuildHasherDefault<IdHasher>>,
    /// (seq, id) in insertion order; entries removed out of order stay until popped or
    /// compacted (a slot whose seq differs or is gone is stale).
    order: VecDeque<(u64, u128)>,
}

struct Shard {
    inner: Mutex<ShardInner>,
    /// At most the seq of this shard's oldest live entry; `u64::MAX` when empty. Lets an
    /// evictor pick the globally oldest shard without taking every lock.
    front_seq: AtomicU64,
    /// At most the earliest expiry in this shard; `u64::MAX` when empty.
    min_expiry: AtomicU64,
}

impl Shard {
    fn lock(&self) -> MutexGuard<'_, ShardInner> {
        // A panic elsewhere while holding the lock leaves the maps consistent (every
        // mutation is a single insert/remove), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The embedded handle store: sharded, exact in bytes, principal-bound.
///
/// See the [crate documentation](crate) for an example. `Send + Sync`; share it behind an
/// `Arc`. Lookups and expansions take one shard lock for a hash lookup and an `Arc`
/// clone, then run without any lock.
pub struct HandleStore {
    config: HandleStoreConfig,
    shards: Box<[Shard]>,
    clock: Arc<dyn Clock>,
    /// Built on first expansion: a store that is only written to never pays for the
    /// redactor's automaton.
    redactor: OnceLock<Redactor>,
    /// Bytes reserved: committed entries plus stores in flight. Never above the cap.
    bytes: AtomicU64,
    /// Entries reserved, likewise.
    count: AtomicUsize,
    /// Insertion sequence; also counts stores for the periodic sweep.
    seq: AtomicU64,
    /// Entries evicted for a cap or removed as expired (see [`HandleBackend::evictions`]).
    evicted: AtomicU64,
}

impl std::fmt::Debug for HandleStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandleStore")
            .field("config", &self.config)
            .field("entries", &self.len())
            .field("current_bytes", &self.current_bytes())
            .finish_non_exhaustive()
    }
}

impl HandleStore {
    /// A store with the system clock and the default redactor. Invalid limits are errors.
    pub fn new(config: HandleStoreConfig) -> Result<Self, HandleError> {
        config.validate()?;
        let shards = (0..config.shards)
            .map(|_| Shard {
                inner: Mutex::new(ShardInner::default()),
                front_seq: AtomicU64::new(u64::MAX),
                min_expiry: AtomicU64::new(u64::MAX),
            })
            .collect();
        Ok(HandleStore {
            config,
            shards,
            clock: Arc::new(SystemClock),
            redactor: OnceLock::new(),
            bytes: AtomicU64::new(0),
            count: AtomicUsize::new(0),
            seq: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
        })
    }

    /// Uses `clock` for creation and expiry times (tests use [`ManualClock`](crate::ManualClock)).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Redacts expansions with `redactor` instead of the default one.
    pub fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = OnceLock::from(redactor);
        self
    }

    fn redactor(&self) -> &Redactor {
        self.redactor.get_or_init(Redactor::new)
    }

    /// The limits this store was built with.
    pub fn config(&self) -> &HandleStoreConfig {
        &self.config
    }

    fn shard_of(&self, id: u128) -> &Shard {
        &self.shards[((id >> 64) as u64 % self.shards.len() as u64) as usize]
    }

    /// Exact compact-JSON size, walking no further than the ceiling.
    fn measure(&self, capability_id: &str, data: &Value) -> Result<u64, HandleError> {
        let Some((limit, cap)) = self.config.entry_ceiling() else {
            return Ok(weaver_estimate::estimate(data));
        };
        let too_large = || HandleError::TooLarge {
            capability_id: capability_id.to_owned(),
            limit,
            cap,
        };
        match weaver_estimate::estimate_with_limit(data, limit) {
            weaver_estimate::Size::Exact(n) if n <= limit => Ok(n),
            _ => Err(too_large()),
        }
    }

    /// Reserves one entry slot and `size` bytes, evicting (expired first, then oldest)
    /// until both fit. Neither reservation is held while waiting for the other, so two
    /// stores can never wait on each other.
    fn reserve(&self, size: u64) {
        let max_bytes = self.config.max_total_bytes.unwrap_or(u64::MAX);
        let max_count = self.config.max_entries;
        let mut idle_rounds = 0u32;
        loop {
            let slot = self
                .count
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    (n < max_count).then_some(n + 1)
                })
                .is_ok();
            if slot {
                let fits = self
                    .bytes
                    .fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| {
                        b.checked_add(size).filter(|&t| t <= max_bytes)
                    })
                    .is_ok();
                if fits {
                    return;
                }
                self.count.fetch_sub(1, Ordering::AcqRel);
            }
            if !self.evict_one() {
                // Everything held is reserved by stores still in flight; they finish
                // without waiting on anyone, after which their entries can be evicted.
                idle_rounds += 1;
                if idle_rounds < 64 {
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
            }
        }
    }

    fn release(&self, bytes: u64) {
        self.bytes.fetch_sub(bytes, Ordering::AcqRel);
        self.count.fetch_sub(1, Ordering::AcqRel);
    }

    /// Removes `id` from a locked shard, releasing its reservation. The record is returned
    /// so that it is dropped after the lock is released.
    fn remove_locked(&self, g: &mut ShardInner, id: u128) -> Option<Arc<Record>> {
        let slot = g.map.remove(&id)?;
        self.release(slot.record.handle.bytes);
        if g.order.len() > 2 * g.map.len() + 64 {
            let ShardInner { map, order } = g;
            order.retain(|(seq, id)| map.get(id).is_some_and(|s| s.seq == *seq));
        }
        Some(slot.record)
    }

    /// Evicts one entry: an expired one if any shard may hold one, else the oldest.
    /// False when nothing committed is left to evict.
    fn evict_one(&self) -> bool {
        let now = self.clock.now_ms();
        if self
            .shards
            .iter()
            .any(|s| s.min_expiry.load(Ordering::Acquire) <= now)
            && self.evict_expired_at(now) > 0
        {
            return true;
        }
        // front_seq is a lower bound (entries removed out of order leave stale queue
        // heads), so a shard's real head is only known under its lock: clean it, and
        // evict only if it is still no newer than every other shard's head. Each retry
        // raises a stale bound to a real one, so this ends; the cap only guards against
        // endless concurrent inserts.
        for attempt in 0..4 * self.shards.len() + 4 {
            let Some(shard) = self
                .shards
                .iter()
                .filter(|s| s.front_seq.load(Ordering::Acquire) != u64::MAX)
                .min_by_key(|s| s.front_seq.load(Ordering::Acquire))
            else {
                return false;
            };
            let victim = {
                let mut g = shard.lock();
                while let Some(&(seq, id)) = g.order.front() {
                    if g.map.get(&id).is_some_and(|s| s.seq == seq) {
                        break;
                    }
                    g.order.pop_front();
                }
                let head = g.order.front().copied();
                shard
                    .front_seq
                    .store(head.map_or(u64::MAX, |f| f.0), Ordering::Release);
                if g.map.is_empty() {
                    shard.min_expiry.store(u64::MAX, Ordering::Release);
                }
                let Some((seq, id)) = head else {
                    continue;
                };
                let oldest = self
                    .shards
                    .iter()
                    .filter(|s| !std::ptr::eq(*s, shard))
                    .all(|s| s.front_seq.load(Ordering::Acquire) >= seq);
                if !oldest && attempt < 4 * self.shards.len() + 3 {
                    continue;
                }
                g.order.pop_front();
                let victim = self.remove_locked(&mut g, id);
                shard
                    .front_seq
                    .store(g.order.front().map_or(u64::MAX, |f| f.0), Ordering::Release);
                victim
            };
            if victim.is_some() {
                self.evicted.fetch_add(1, Ordering::Relaxed);
                return true;
            }
        }
        false
    }

    fn evict_expired_at(&self, now: u64) -> usize {
        let mut removed = 0;
        for shard in &*self.shards {
            if shard.min_expiry.load(Ordering::Acquire) > now {
                continue;
            }
            let dead: Vec<Arc<Record>> = {
                let mut g = shard.lock();
                let expired: Vec<u128> = g
                    .map
                    .iter()
                    .filter(|(_, s)| now >= s.record.handle.expires_at_ms)
                    .map(|(id, _)| *id)
                    .collect();
                let dead = expired
                    .into_iter()
                    .filter_map(|id| self.remove_locked(&mut g, id))
                    .collect();
                let ShardInner { map, order } = &mut *g;
                order.retain(|(seq, id)| map.get(id).is_some_and(|s| s.seq == *seq));
                let min = map
                    .values()
                    .map(|s| s.record.handle.expires_at_ms)
                    .min()
                    .unwrap_or(u64::MAX);
                shard.min_expiry.store(min, Ordering::Release);
                shard
                    .front_seq
                    .store(order.front().map_or(u64::MAX, |f| f.0), Ordering::Release);
                dead
            };
            removed += dead.len();
            self.evicted.fetch_add(dead.len() as u64, Ordering::Relaxed);
        }
        removed
    }

    /// Inserts a measured entry: `(bytes, total_rows)`.
    fn insert(
        &self,
        capability_id: &str,
        data: Payload,
        (bytes, total_rows): (u64, u64),
        principal_id: Option<String>,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, HandleError> {
        let n = random_u128()?;
        let now = self.clock.now_ms();
        let ttl_ms =
            u64::try_from(ttl.unwrap_or(self.config.default_ttl).as_millis()).unwrap_or(u64::MAX);
        let handle = Handle {
            id: HandleId::from_u128(n),
            capability_id: capability_id.to_owned(),
            created_at_ms: now,
            expires_at_ms: now.saturating_add(ttl_ms),
            total_rows,
            principal_id,
            bytes,
            constraints,
        };
        self.reserve(bytes);
        let record = Arc::new(Record {
            handle: handle.clone(),
            data,
        });
        let shard = self.shard_of(n);
        let seq = {
            let mut g = shard.lock();
            if g.map.contains_key(&n) {
                // Two equal 128-bit random ids: practically impossible, but never let one
                // entry silently replace another.
                drop(g);
                self.release(bytes);
                return Err(HandleError::Random("duplicate id drawn".into()));
            }
            // Taking the seq under the shard lock keeps each shard's order queue sorted.
            let seq = self.seq.fetch_add(1, Ordering::AcqRel);
            g.order.push_back((seq, n));
            g.map.insert(n, Slot { seq, record });
            shard.front_seq.fetch_min(seq, Ordering::AcqRel);
            shard
                .min_expiry
                .fetch_min(handle.expires_at_ms, Ordering::AcqRel);
            seq
        };
        if (seq + 1).is_multiple_of(self.config.sweep_every) {
            self.evict_expired();
        }
        Ok(handle)
    }

    /// Finds a live record, removing it if it has expired.
    fn lookup(&self, id: &str) -> Result<(Arc<Record>, u64), HandleError> {
        let n = HandleId::parse(id).ok_or_else(|| HandleError::not_found(id))?;
        let shard = self.shard_of(n);
        let now = self.clock.now_ms();
        let mut g = shard.lock();
        let record = match g.map.get(&n) {
            Some(s) => Arc::clone(&s.record),
            None => return Err(HandleError::not_found(id)),
        };
        if now >= record.handle.expires_at_ms {
            let gone = self.remove_locked(&mut g, n);
            drop(g);
            if gone.is_some() {
                self.evicted.fetch_add(1, Ordering::Relaxed);
            }
            drop(gone);
            return Err(HandleError::Expired {
                id: record.handle.id.clone(),
                expired_at_ms: record.handle.expires_at_ms,
            });
        }
        Ok((record, now))
    }
}

impl HandleBackend for HandleStore {
    fn store_shared(
        &self,
        capability_id: &str,
        data: Arc<Value>,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, HandleError> {
        let principal_id = binding.into_principal_id()?;
        let bytes = self.measure(capability_id, &data)?;
        let total_rows = match &*data {
            Value::Array(a) => a.len() as u64,
            _ => 1,
        };
        self.insert(
            capability_id,
            Payload::Value(data),
            (bytes, total_rows),
            principal_id,
            constraints,
            ttl,
        )
    }

    fn store_json(
        &self,
        capability_id: &str,
        json: JsonText,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, HandleError> {
        let principal_id = binding.into_principal_id()?;
        let bytes = json.compact_len();
        if let Some((limit, cap)) = self.config.entry_ceiling()
            && bytes > limit
        {
            return Err(HandleError::TooLarge {
                capability_id: capability_id.to_owned(),
                limit,
                cap,
            });
        }
        let rows = json.rows();
        let data = Payload::Json {
            text: json,
            parsed: OnceLock::new(),
        };
        self.insert(
            capability_id,
            data,
            (bytes, rows),
            principal_id,
            constraints,
            ttl,
        )
    }

    fn expand(
        &self,
        id: &str,
        query: &ExpandQuery,
        principal: Option<&str>,
        budget: &ExpandBudget,
    ) -> Result<Expansion, HandleError> {
        let (record, now) = self.lookup(id)?;
        authorize(&record.handle, principal, now)?;
        expand_value(
            &record.handle,
            &record.value(),
            query,
            budget,
            self.redactor(),
        )
    }

    fn meta(&self, id: &str) -> Result<Handle, HandleError> {
        self.lookup(id).map(|(r, _)| r.handle.clone())
    }

    fn data(&self, id: &str, principal: Option<&str>) -> Result<Arc<Value>, HandleError> {
        let (record, now) = self.lookup(id)?;
        authorize(&record.handle, principal, now)?;
        Ok(record.value())
    }

    fn remove(&self, id: &str) -> bool {
        let Some(n) = HandleId::parse(id) else {
            return false;
        };
        let gone = self.remove_locked(&mut self.shard_of(n).lock(), n);
        gone.is_some()
    }

    fn evict_expired(&self) -> usize {
        self.evict_expired_at(self.clock.now_ms())
    }

    fn current_bytes(&self) -> u64 {
        self.bytes.load(Ordering::Acquire)
    }

    fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    fn evictions(&self) -> Option<u64> {
        Some(self.evicted.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_deep_survives_deep_nesting() {
        let mut v = Value::Null;
        for _ in 0..200_000 {
            v = Value::Array(vec![v]);
        }
        drop_deep(&mut v);
        assert_eq!(v, Value::Null);
    }
}
