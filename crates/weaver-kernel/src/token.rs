//! Capability tokens: HMAC-SHA256 over a canonical payload, verified in constant time.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use weaver_handles::{Clock, HandleId};

use crate::error::{KernelError, short};
use crate::policy::GrantConstraints;

type HmacSha256 = Hmac<Sha256>;

/// Shortest accepted signing key, in bytes.
pub const MIN_KEY_BYTES: usize = 32;
/// Domain separation: the payload of every token starts with this line.
const DOMAIN: &[u8] = b"weaver.capability-token.v1\n";
/// Tokens whose signature was checked, remembered so that a token used for many calls is
/// MAC-checked once; cleared when full.
const VERIFIED_CACHE: usize = 4096;
/// Deepest `scope` value a token may carry.
const MAX_SCOPE_DEPTH: usize = 32;

/// A signed grant: which principal may use which capability, with which constraints,
/// until when.
///
/// Every field is covered by the signature: changing any of them (widening
/// `allowed_fields`, moving the expiry, swapping the principal) makes the token invalid.
/// It is a plain serde type, so it can travel as JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityToken {
    /// Random id (revocation and traces refer to it).
    pub token_id: String,
    /// The capability it grants.
    pub capability_id: String,
    /// The principal it was issued to.
    pub principal_id: String,
    /// Issue time, ms since the Unix epoch.
    pub issued_at_ms: u64,
    /// Expiry, ms since the Unix epoch (expired when `now >= expires_at_ms`).
    pub expires_at_ms: u64,
    /// The limits of the grant.
    pub constraints: GrantConstraints,
    /// The grant's audit id (the action id of its grant trace).
    pub audit_id: String,
    /// Lowercase hex HMAC-SHA256 of the canonical payload.
    pub signature: String,
}

/// Issues and verifies [`CapabilityToken`]s with one secret key.
///
/// The payload signed is a fixed domain line followed by the token's fields (all but the
/// signature) as JSON with keys sorted at every level and no whitespace, so the same
/// token always gives the same bytes. Verification recomputes the MAC and compares in
/// constant time (a token already verified once is recognised by comparing it field by
/// field with the verified copy, which skips the MAC). Check order: signature (`token_invalid`) → revoked (`token_revoked`) →
/// expired (`token_expired`) → principal, then capability (`token_scope`): nothing a token
/// claims is believed before its signature is.
pub struct TokenSigner {
    mac: HmacSha256,
    clock: Arc<dyn Clock>,
    revocations: Mutex<Revocations>,
    revoked_count: AtomicUsize,
    issues: AtomicU64,
    /// signature → the token it was verified for. A presented token is accepted without
    /// a MAC only if it equals, field by field, a token whose MAC was checked.
    verified: RwLock<HashMap<String, CapabilityToken>>,
}

#[derive(Default)]
struct Revocations {
    /// token id → (principal, expiry) of tokens issued here and not yet expired.
    issued: HashMap<String, (String, u64)>,
    /// token id → expiry of revoked tokens not yet expired.
    revoked: HashMap<String, u64>,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("key", &"<secret>")
            .field("revoked", &self.revoked_count.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl TokenSigner {
    /// A signer with `key` (at least [`MIN_KEY_BYTES`] bytes).
    pub fn new(key: &[u8], clock: Arc<dyn Clock>) -> Result<TokenSigner, KernelError> {
        if key.len() < MIN_KEY_BYTES {
            return Err(KernelError::Config(format!(
                "signing key must be at least {MIN_KEY_BYTES} bytes, got {}",
                key.len()
            )));
        }
        let mac = HmacSha256::new_from_slice(key)
            .map_err(|e| KernelError::Config(format!("signing key rejected: {e}")))?;
        Ok(TokenSigner {
            mac,
            clock,
            revocations: Mutex::new(Revocations::default()),
            revoked_count: AtomicUsize::new(0),
            issues: AtomicU64::new(0),
            verified: RwLock::new(HashMap::new()),
        })
    }

    /// A signer with a fresh random 32-byte key from the OS: its tokens do not survive
    /// the process.
    pub fn random(clock: Arc<dyn Clock>) -> Result<TokenSigner, KernelError> {
        let mut key = [0u8; MIN_KEY_BYTES];
        getrandom::fill(&mut key).map_err(|e| KernelError::Random(e.to_string()))?;
        let signer = TokenSigner::new(&key, clock);
        key.fill(0);
        signer
    }

    fn lock(&self) -> MutexGuard<'_, Revocations> {
        // Every mutation is one insert or remove: a poisoned map is still consistent.
        self.revocations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Issues a token valid for `ttl` from now (a zero `ttl` gives an already expired
    /// token).
    pub fn issue(
        &self,
        capability_id: &str,
        principal_id: &str,
        constraints: GrantConstraints,
        ttl: Duration,
        audit_id: &str,
    ) -> Result<CapabilityToken, KernelError> {
        let now = self.clock.now_ms();
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        let mut token = CapabilityToken {
            token_id: HandleId::random()
                .map_err(|e| KernelError::Random(e.to_string()))?
                .to_string(),
            capability_id: capability_id.to_owned(),
            principal_id: principal_id.to_owned(),
            issued_at_ms: now,
            expires_at_ms: now.saturating_add(ttl_ms),
            constraints,
            audit_id: audit_id.to_owned(),
            signature: String::new(),
        };
        let payload = payload(&token).map_err(|reason| KernelError::InvalidConstraint {
            name: "scope",
            reason,
        })?;
        token.signature = hex(&self.sign(&payload));
        {
            let mut r = self.lock();
            r.issued.insert(
                token.token_id.clone(),
                (token.principal_id.clone(), token.expires_at_ms),
            );
        }
        if self.issues.fetch_add(1, Ordering::Relaxed) % 256 == 255 {
            self.sweep();
        }
        Ok(token)
    }

    fn sign(&self, payload: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(payload);
        mac.finalize().into_bytes().into()
    }

    /// Checks the token for a call by `principal_id` on `capability_id` (see the type's
    /// documentation for the order of checks).
    pub fn verify(
        &self,
        token: &CapabilityToken,
        principal_id: &str,
        capability_id: &str,
    ) -> Result<(), KernelError> {
        self.check_signature(token)?;
        if self.revoked_count.load(Ordering::Acquire) > 0
            && self.lock().revoked.contains_key(&token.token_id)
        {
            return Err(KernelError::TokenRevoked);
        }
        if self.clock.now_ms() >= token.expires_at_ms {
            return Err(KernelError::TokenExpired {
                expires_at_ms: token.expires_at_ms,
            });
        }
        if token.principal_id != principal_id {
            return Err(KernelError::TokenScope(format!(
                "issued to another principal, presented by '{}'",
                short(principal_id)
            )));
        }
        if token.capability_id != capability_id {
            return Err(KernelError::TokenScope(format!(
                "issued for capability '{}', not '{}'",
                short(&token.capability_id),
                short(capability_id)
            )));
        }
        Ok(())
    }

    /// The MAC check (or a hit in the cache of tokens already checked).
    fn check_signature(&self, token: &CapabilityToken) -> Result<(), KernelError> {
        let cached = self
            .verified
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&token.signature)
            .is_some_and(|seen| seen == token);
        if cached {
            return Ok(());
        }
        let Some(given) = unhex32(&token.signature) else {
            return Err(KernelError::TokenInvalid(
                "signature is not 64 hex digits".into(),
            ));
        };
        let payload = payload(token).map_err(KernelError::TokenInvalid)?;
        let mut mac = self.mac.clone();
        mac.update(&payload);
        if mac.verify_slice(&given).is_err() {
            return Err(KernelError::TokenInvalid(
                "signature does not match (altered, forged, or signed with another key)".into(),
            ));
        }
        let mut seen = self
            .verified
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if seen.len() >= VERIFIED_CACHE {
            seen.clear();
        }
        seen.insert(token.signature.clone(), token.clone());
        Ok(())
    }

    /// Revokes a token (idempotent); whether it was newly revoked. Only the signature's
    /// owner can revoke: a token that does not verify is refused.
    pub fn revoke(&self, token: &CapabilityToken) -> Result<bool, KernelError> {
        match self.verify(token, &token.principal_id, &token.capability_id) {
            Ok(()) | Err(KernelError::TokenRevoked | KernelError::TokenExpired { .. }) => {}
            Err(e) => return Err(e),
        }
        let mut r = self.lock();
        let fresh = r
            .revoked
            .insert(token.token_id.clone(), token.expires_at_ms)
            .is_none();
        if fresh {
            self.revoked_count.fetch_add(1, Ordering::Release);
        }
        Ok(fresh)
    }

    /// Revokes every unexpired token this signer issued to `principal_id`; how many were
    /// newly revoked.
    pub fn revoke_all(&self, principal_id: &str) -> usize {
        let mut r = self.lock();
        let ids: Vec<(String, u64)> = r
            .issued
            .iter()
            .filter(|(_, (p, _))| p == principal_id)
            .map(|(id, (_, exp))| (id.clone(), *exp))
            .collect();
        let mut n = 0;
        for (id, exp) in ids {
            if r.revoked.insert(id, exp).is_none() {
                n += 1;
            }
        }
        self.revoked_count.fetch_add(n, Ordering::Release);
        n
    }

    /// Forgets expired tokens (their expiry already refuses them); how many revocations
    /// were dropped.
    pub fn sweep(&self) -> usize {
        let now = self.clock.now_ms();
        let mut r = self.lock();
        r.issued.retain(|_, (_, exp)| *exp > now);
        let before = r.revoked.len();
        r.revoked.retain(|_, exp| *exp > now);
        let dropped = before - r.revoked.len();
        self.revoked_count.fetch_sub(dropped, Ordering::Release);
        dropped
    }
}

/// The bytes signed for `token`: the domain line and the canonical JSON of every field
/// but the signature.
fn payload(t: &CapabilityToken) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(DOMAIN);
    // Keys in sorted order.
    out.extend_from_slice(b"{\"audit_id\":");
    string(&mut out, &t.audit_id);
    out.extend_from_slice(b",\"capability_id\":");
    string(&mut out, &t.capability_id);
    out.extend_from_slice(b",\"constraints\":{\"allowed_fields\":");
    match &t.constraints.allowed_fields {
        None => out.extend_from_slice(b"null"),
        Some(fields) => {
            out.push(b'[');
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(&mut out, f);
            }
            out.push(b']');
        }
    }
    out.extend_from_slice(b",\"max_rows\":");
    option_u64(&mut out, t.constraints.max_rows);
    out.extend_from_slice(b",\"scope\":");
    canonical_map(&mut out, &t.constraints.scope, 0)?;
    out.extend_from_slice(b",\"timeout_ms\":");
    option_u64(&mut out, t.constraints.timeout_ms);
    out.extend_from_slice(b"},\"expires_at_ms\":");
    let _ = write!(out, "{}", t.expires_at_ms);
    out.extend_from_slice(b",\"issued_at_ms\":");
    let _ = write!(out, "{}", t.issued_at_ms);
    out.extend_from_slice(b",\"principal_id\":");
    string(&mut out, &t.principal_id);
    out.extend_from_slice(b",\"token_id\":");
    string(&mut out, &t.token_id);
    out.push(b'}');
    Ok(out)
}

fn string(out: &mut Vec<u8>, s: &str) {
    // serde_json's escaping of a string cannot fail when writing to a Vec.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn option_u64(out: &mut Vec<u8>, n: Option<u64>) {
    match n {
        None => out.extend_from_slice(b"null"),
        Some(n) => {
            let _ = write!(out, "{n}");
        }
    }
}

/// JSON with object keys sorted at every level, compact.
fn canonical(out: &mut Vec<u8>, v: &Value, depth: usize) -> Result<(), String> {
    if depth > MAX_SCOPE_DEPTH {
        return Err(format!("scope nests deeper than {MAX_SCOPE_DEPTH} levels"));
    }
    match v {
        Value::Object(m) => canonical_map(out, m, depth)?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(out, x, depth + 1)?;
            }
            out.push(b']');
        }
        scalar => {
            let _ = serde_json::to_writer(&mut *out, scalar);
        }
    }
    Ok(())
}

fn canonical_map(out: &mut Vec<u8>, m: &Map<String, Value>, depth: usize) -> Result<(), String> {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push(b'{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, k);
        out.push(b':');
        canonical(out, v, depth + 1)?;
    }
    out.push(b'}');
    Ok(())
}

fn hex(bytes: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks_exact(2).enumerate() {
        out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}
