//! The handle store on Redis: exact byte caps across workers, principal checked on read.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use redis::Script;
use serde_json::Value;
use weaver_handles::{
    Binding, ExpandBudget, ExpandQuery, Expansion, Grant, Handle, HandleError, HandleId,
    HandleStoreConfig, JsonText, authorize, expand_value,
};
use weaver_redact::Redactor;

use crate::{RedisConnection, RedisError};

fn too_large(capability_id: &str, limit: u64, cap: &'static str) -> RedisError {
    HandleError::TooLarge {
        capability_id: capability_id.to_owned(),
        limit,
        cap,
    }
    .into()
}

/// Largest time to live, in ms: times are Lua numbers (doubles) inside Redis, exact below
/// 2^53; a bigger ttl is clamped (about 142 000 years).
const MAX_TTL_MS: u64 = 1 << 52;

/// Shared by every handle script: server time, and removal of one entry with its bytes.
/// Keys: `{p}h:{id}` entry hash (m meta, d data, b bytes, c created, e expires),
/// `{p}hz` ids by insertion sequence, `{p}hx` ids by expiry, `{p}hs` totals (bytes, n, seq).
const PRELUDE: &str = r"
local p = ARGV[1]
local zs, zx, st = p .. 'hz', p .. 'hx', p .. 'hs'
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function drop(eid)
  local k = p .. 'h:' .. eid
  local b = tonumber(redis.call('HGET', k, 'b') or '0')
  local gone = redis.call('DEL', k)
  if gone == 1 then
    redis.call('HINCRBY', st, 'bytes', -b)
    redis.call('HINCRBY', st, 'n', -1)
  end
  redis.call('ZREM', zs, eid)
  redis.call('ZREM', zx, eid)
  return gone
end
local function sweep(now)
  local dead = redis.call('ZRANGEBYSCORE', zx, '-inf', now)
  for _, eid in ipairs(dead) do drop(eid) end
  return #dead
end
";

/// ARGV: prefix, id, bytes, ttl_ms, max_total_bytes (0 = none), max_entries, meta, data.
/// Refuses caps other than those the first store under this prefix used (a worker with a
/// bigger cap would break a smaller one). Evicts expired entries, then the oldest, until
/// the new one fits; writes it; returns the server time it was stored at. One atomic
/// step: the cap holds at every instant.
const STORE: &str = r"
local id, size, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local maxb, maxn = tonumber(ARGV[5]), tonumber(ARGV[6])
local caps = ARGV[5] .. '/' .. ARGV[6]
local known = redis.call('HGET', st, 'caps')
if not known then
  redis.call('HSET', st, 'caps', caps)
elseif known ~= caps then
  return redis.error_reply('weaver: handle store caps mismatch: stored ' .. known .. ', asked ' .. caps)
end
local now = now_ms()
sweep(now)
local k = p .. 'h:' .. id
if redis.call('EXISTS', k) == 1 then
  return redis.error_reply('weaver: duplicate handle id drawn')
end
while true do
  local bytes = tonumber(redis.call('HGET', st, 'bytes') or '0')
  local n = tonumber(redis.call('HGET', st, 'n') or '0')
  if (maxb == 0 or bytes + size <= maxb) and n + 1 <= maxn then break end
  local old = redis.call('ZRANGE', zs, 0, 0)
  if #old == 0 then
    return redis.error_reply('weaver: entry does not fit in an empty store')
  end
  drop(old[1])
end
local seq = redis.call('HINCRBY', st, 'seq', 1)
redis.call('HSET', k, 'm', ARGV[7], 'd', ARGV[8], 'b', size, 'c', now, 'e', now + ttl)
redis.call('ZADD', zs, seq, id)
redis.call('ZADD', zx, now + ttl, id)
redis.call('HINCRBY', st, 'bytes', size)
redis.call('HINCRBY', st, 'n', 1)
return now
";

/// ARGV: prefix, id, with_data ('1' or '0'). Always six fields: {0, ...} not found,
/// {1, expires, ...} expired (and removed), or {2, now, meta, created, expires, data?}.
const GET: &str = r"
local id = ARGV[2]
local k = p .. 'h:' .. id
local v = redis.call('HMGET', k, 'm', 'c', 'e')
if not v[1] then return {0, false, false, false, false, false} end
local now = now_ms()
if now >= tonumber(v[3]) then
  drop(id)
  return {1, v[3], false, false, false, false}
end
if ARGV[3] == '1' then
  return {2, now, v[1], v[2], v[3], redis.call('HGET', k, 'd')}
end
return {2, now, v[1], v[2], v[3], false}
";

/// ARGV: prefix, id. 1 when removed.
const REMOVE: &str = "return drop(ARGV[2])";

/// ARGV: prefix. How many expired entries were removed.
const SWEEP: &str = "return sweep(now_ms())";

/// What the store script and the get script return, decoded.
type GetReply = (
    u8,
    Option<u64>,
    Option<String>,
    Option<u64>,
    Option<u64>,
    Option<Vec<u8>>,
);

/// The handle store kept in Redis, shared by every worker that connects with the same
/// prefix.
///
/// Same contract as the embedded [`weaver_handles::HandleStore`] — exact compact-JSON
/// bytes, `current_bytes <= max_total_bytes` at every instant (now across all workers),
/// expired-then-oldest eviction, principal and grant looked up from the stored record —
/// with every operation async and fallible with [`RedisError`]. Expansion reuses
/// [`expand_value`] and [`authorize`], so a page is exactly what the embedded store would
/// show. One round trip per operation.
pub struct RedisHandleStore {
    conn: RedisConnection,
    config: HandleStoreConfig,
    redactor: OnceLock<Redactor>,
    store_script: Script,
    get_script: Script,
    remove_script: Script,
    sweep_script: Script,
}

impl std::fmt::Debug for RedisHandleStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisHandleStore")
            .field("prefix", &self.conn.prefix)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}\n{body}"))
}

/// Metadata as stored: the handle without its times (the server's clock sets those).
fn meta_json(handle: &Handle) -> Result<String, RedisError> {
    serde_json::to_string(handle).map_err(|e| RedisError::Corrupt(e.to_string()))
}

impl RedisHandleStore {
    /// A store on `conn` with these limits. `shards` and `sweep_every` do not apply (Redis
    /// serializes the scripts; every store sweeps expired entries first). Invalid limits
    /// are errors. Every worker on one prefix must use the same `max_total_bytes` and
    /// `max_entries`: the first store fixes them, and a store with other caps fails with
    /// [`RedisError::Backend`] (change caps under a new prefix).
    pub fn new(conn: RedisConnection, config: HandleStoreConfig) -> Result<Self, RedisError> {
        config.validate()?;
        Ok(RedisHandleStore {
            conn,
            config,
            redactor: OnceLock::new(),
            store_script: script(STORE),
            get_script: script(GET),
            remove_script: script(REMOVE),
            sweep_script: script(SWEEP),
        })
    }

    /// Redacts expansions with `redactor` instead of the default one.
    pub fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = OnceLock::from(redactor);
        self
    }

    /// The limits this store enforces.
    pub fn config(&self) -> &HandleStoreConfig {
        &self.config
    }

    fn redactor(&self) -> &Redactor {
        self.redactor.get_or_init(Redactor::new)
    }

    fn ceiling(&self) -> Option<(u64, &'static str)> {
        match (self.config.max_entry_bytes, self.config.max_total_bytes) {
            (Some(e), Some(t)) if t < e => Some((t, "max_total_bytes")),
            (Some(e), _) => Some((e, "max_entry_bytes")),
            (None, Some(t)) => Some((t, "max_total_bytes")),
            (None, None) => None,
        }
    }

    /// Stores `data` for `binding` under a fresh unguessable id; `ttl` overrides the
    /// default time to live. Evicts (expired first, then oldest) across all workers until
    /// it fits. One round trip.
    pub async fn store(
        &self,
        capability_id: &str,
        data: &Value,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, RedisError> {
        let principal_id = binding.into_principal_id()?;
        if let Some((limit, cap)) = self.ceiling() {
            match weaver_estimate::estimate_with_limit(data, limit) {
                weaver_estimate::Size::Exact(n) if n <= limit => {}
                _ => return Err(too_large(capability_id, limit, cap)),
            }
        }
        // Compact JSON: its length is the exact size the caps count.
        let payload = serde_json::to_vec(data).map_err(|e| RedisError::Corrupt(e.to_string()))?;
        let rows = match data {
            Value::Array(a) => a.len() as u64,
            _ => 1,
        };
        let bytes = payload.len() as u64;
        self.put(
            capability_id,
            payload,
            (bytes, rows),
            principal_id,
            constraints,
            ttl,
        )
        .await
    }

    /// [`store`](Self::store) for a JSON document given as text: counted at its compact
    /// size like a value. A text no longer than that (already compact) is stored as it is,
    /// without being parsed; a longer one (pretty-printed) is parsed and stored compact, so
    /// the bytes Redis holds never exceed the bytes counted.
    pub async fn store_json(
        &self,
        capability_id: &str,
        json: &JsonText,
        binding: Binding,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, RedisError> {
        if json.len() as u64 > json.compact_len() {
            let value = json.parse();
            let stored = self
                .store(capability_id, &value, binding, constraints, ttl)
                .await;
            weaver_redact::drop_deep(value);
            return stored;
        }
        let principal_id = binding.into_principal_id()?;
        let bytes = json.compact_len();
        if let Some((limit, cap)) = self.ceiling()
            && bytes > limit
        {
            return Err(too_large(capability_id, limit, cap));
        }
        let payload = json.as_str().as_bytes().to_vec();
        self.put(
            capability_id,
            payload,
            (bytes, json.rows()),
            principal_id,
            constraints,
            ttl,
        )
        .await
    }

    /// Stores a measured payload: `(bytes, total_rows)`.
    async fn put(
        &self,
        capability_id: &str,
        payload: Vec<u8>,
        (bytes, total_rows): (u64, u64),
        principal_id: Option<String>,
        constraints: Grant,
        ttl: Option<Duration>,
    ) -> Result<Handle, RedisError> {
        let ttl_ms = u64::try_from(ttl.unwrap_or(self.config.default_ttl).as_millis())
            .unwrap_or(u64::MAX)
            .min(MAX_TTL_MS);
        let mut handle = Handle {
            id: HandleId::random()?,
            capability_id: capability_id.to_owned(),
            created_at_ms: 0,
            expires_at_ms: 0,
            total_rows,
            principal_id,
            bytes,
            constraints,
        };
        let mut inv = self.store_script.prepare_invoke();
        inv.arg(&self.conn.prefix)
            .arg(handle.id.as_str())
            .arg(handle.bytes)
            .arg(ttl_ms)
            .arg(self.config.max_total_bytes.unwrap_or(0))
            .arg(self.config.max_entries)
            .arg(meta_json(&handle)?)
            .arg(payload);
        let now: u64 = self.conn.invoke("store", &inv).await?;
        handle.created_at_ms = now;
        handle.expires_at_ms = now + ttl_ms;
        Ok(handle)
    }

    /// The live record: handle (times filled in), server time, and the data if asked.
    async fn get(
        &self,
        op: &'static str,
        id: &str,
        with_data: bool,
    ) -> Result<(Handle, u64, Option<Vec<u8>>), RedisError> {
        let not_found = || HandleError::NotFound {
            id: id.chars().take(64).collect(),
        };
        if id.len() != 32 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(not_found().into());
        }
        let mut inv = self.get_script.prepare_invoke();
        inv.arg(&self.conn.prefix)
            .arg(id)
            .arg(if with_data { "1" } else { "0" });
        let reply: GetReply = self.conn.invoke(op, &inv).await?;
        let corrupt = || RedisError::Corrupt(format!("handle record {id}"));
        match reply {
            (0, ..) => Err(not_found().into()),
            (1, Some(expired_at_ms), ..) => Err(HandleError::Expired {
                id: serde_json::from_value(Value::String(id.to_owned())).map_err(|_| corrupt())?,
                expired_at_ms,
            }
            .into()),
            (2, Some(now), Some(meta), Some(created), Some(expires), data) => {
                let mut handle: Handle = serde_json::from_str(&meta).map_err(|_| corrupt())?;
                handle.created_at_ms = created;
                handle.expires_at_ms = expires;
                Ok((handle, now, data))
            }
            _ => Err(corrupt()),
        }
    }

    /// One bounded, redacted page of a stored result, for `principal`. Principal, grant
    /// and expiry come from the stored record (written by whichever worker stored it);
    /// the page is built here by [`expand_value`]. One round trip.
    pub async fn expand(
        &self,
        id: &str,
        query: &ExpandQuery,
        principal: Option<&str>,
        budget: &ExpandBudget,
    ) -> Result<Expansion, RedisError> {
        let (handle, data) = self.data(id, principal).await?;
        Ok(expand_value(
            &handle,
            &data,
            query,
            budget,
            self.redactor(),
        )?)
    }

    /// The stored handle (metadata only), if present and not expired. One round trip.
    pub async fn meta(&self, id: &str) -> Result<Handle, RedisError> {
        self.get("meta", id, false).await.map(|(h, _, _)| h)
    }

    /// The raw stored value with its handle, after the expiry and principal checks of
    /// `expand`. **Not redacted**: never hand it to a model. One round trip.
    pub async fn data(
        &self,
        id: &str,
        principal: Option<&str>,
    ) -> Result<(Handle, Arc<Value>), RedisError> {
        let (handle, now, data) = self.get("expand", id, true).await?;
        authorize(&handle, principal, now)?;
        let raw = data.ok_or_else(|| RedisError::Corrupt(format!("handle record {id}")))?;
        let value: Value = serde_json::from_slice(&raw)
            .map_err(|e| RedisError::Corrupt(format!("handle payload {id}: {e}")))?;
        Ok((handle, Arc::new(value)))
    }

    /// Removes an entry; whether it was present.
    pub async fn remove(&self, id: &str) -> Result<bool, RedisError> {
        let mut inv = self.remove_script.prepare_invoke();
        inv.arg(&self.conn.prefix).arg(id);
        let n: u64 = self.conn.invoke("remove", &inv).await?;
        Ok(n == 1)
    }

    /// Removes every expired entry; how many.
    pub async fn evict_expired(&self) -> Result<usize, RedisError> {
        let mut inv = self.sweep_script.prepare_invoke();
        inv.arg(&self.conn.prefix);
        let n: u64 = self.conn.invoke("evict_expired", &inv).await?;
        Ok(n as usize)
    }

    /// Bytes and entries held now, across all workers (one round trip, read together).
    pub async fn usage(&self) -> Result<(u64, u64), RedisError> {
        let mut cmd = redis::cmd("HMGET");
        cmd.arg(format!("{}hs", self.conn.prefix))
            .arg("bytes")
            .arg("n");
        let (bytes, n): (Option<u64>, Option<u64>) = self.conn.query("usage", &cmd).await?;
        Ok((bytes.unwrap_or(0), n.unwrap_or(0)))
    }
}
