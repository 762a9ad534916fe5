//! Key rules remembered across transforms, per thread and per firewall.
//!
//! Deciding a key (`Redactor::key_rule`: case folding, the sensitive-name table, the
//! qualifiers) costs about as much as summarising the small record it sits in, and
//! successive tool results repeat the same keys. The rule depends only on the key and on
//! the redactor, which a firewall never changes: each firewall has an owner number, and a
//! thread keeps the rules of its last few owners. Only clean keys are remembered — keys
//! the redactor leaves unchanged as text — so no secret outlives its call in the memo;
//! keys longer than [`MAX_KEY`] bytes are decided afresh every time, and a memo holds at
//! most [`MAX_RULES`] keys, so hostile results cannot grow it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use weaver_redact::{KeyRule, Redactor};

/// Longest key remembered, in bytes.
pub(crate) const MAX_KEY: usize = 64;
/// Most keys remembered per owner.
pub(crate) const MAX_RULES: usize = 1024;
/// Owners (firewalls) remembered per thread.
const MAX_OWNERS: usize = 4;

static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// A fresh owner number, for a firewall with its own redactor.
pub(crate) fn new_owner() -> u64 {
    NEXT_OWNER.fetch_add(1, Ordering::Relaxed)
}

/// FNV-1a over the key's bytes: keys are short and chosen by the tool, not by an
/// attacker who could profit from collisions (a bucket holds at most `MAX_RULES` keys).
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Rules = HashMap<Box<str>, KeyRule, BuildHasherDefault<Fnv>>;

thread_local! {
    static MEMO: RefCell<Vec<(u64, Rules)>> = const { RefCell::new(Vec::new()) };
}

/// `redactor.key_rule(key)`, remembered for `owner` (the firewall that owns `redactor`).
pub(crate) fn key_rule(owner: u64, redactor: &Redactor, key: &str) -> KeyRule {
    if key.len() > MAX_KEY {
        return redactor.key_rule(key);
    }
    let remembered = MEMO.try_with(|memo| {
        let mut memo = memo.try_borrow_mut().ok()?;
        let i = if let Some(i) = memo.iter().position(|(o, _)| *o == owner) {
            i
        } else {
            if memo.len() >= MAX_OWNERS {
                memo.remove(0);
            }
            memo.push((owner, Rules::default()));
            memo.len() - 1
        };
        let rules = &mut memo[i].1;
        if let Some(&rule) = rules.get(key) {
            return Some(rule);
        }
        let rule = redactor.key_rule(key);
        if rules.len() < MAX_RULES && matches!(redactor.redact_str(key), Cow::Borrowed(_)) {
            rules.insert(key.into(), rule);
        }
        Some(rule)
    });
    match remembered {
        Ok(Some(rule)) => rule,
        _ => redactor.key_rule(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_rule_is_the_redactors_rule() {
        let plain = Redactor::new();
        let custom = Redactor::builder()
            .sensitive_keys(["customer"])
            .build()
            .expect("builds");
        let (a, b) = (new_owner(), new_owner());
        let keys = [
            "id",
            "password",
            "email_verified",
            "customer",
            "Authorization",
            "api_key",
            "password_min_length",
            "tel",
            "",
            "ÄPI_KEY",
            &"k".repeat(MAX_KEY + 1),
        ];
        // Twice each, interleaving the owners: the second round is answered from memory.
        for _ in 0..2 {
            for k in keys {
                assert_eq!(key_rule(a, &plain, k), plain.key_rule(k), "{k}");
                assert_eq!(key_rule(b, &custom, k), custom.key_rule(k), "{k}");
            }
        }
        assert!(!key_rule(b, &custom, "customer").is_plain());
        assert!(key_rule(a, &plain, "customer").is_plain());
    }

    #[test]
    fn keys_that_hold_a_secret_are_not_remembered() {
        let r = Redactor::new();
        let owner = new_owner();
        let secret = "ann.lee@example.com";
        assert!(matches!(r.redact_str(secret), Cow::Owned(_)));
        assert_eq!(key_rule(owner, &r, secret), r.key_rule(secret));
        assert_eq!(key_rule(owner, &r, "status"), r.key_rule("status"));
        MEMO.with(|m| {
            let m = m.borrow();
            let rules = &m.iter().find(|(o, _)| *o == owner).expect("owner kept").1;
            assert!(rules.contains_key("status"));
            assert!(!rules.contains_key(secret));
        });
    }

    #[test]
    fn the_memo_stays_bounded() {
        let r = Redactor::new();
        let owner = new_owner();
        for i in 0..MAX_RULES + 100 {
            let k = format!("field_{i}");
            assert_eq!(key_rule(owner, &r, &k), r.key_rule(&k));
        }
        for _ in 0..MAX_OWNERS + 2 {
            assert!(key_rule(new_owner(), &r, "x").is_plain());
        }
        MEMO.with(|m| {
            let m = m.borrow();
            assert!(m.len() <= MAX_OWNERS);
            assert!(m.iter().all(|(_, rules)| rules.len() <= MAX_RULES));
        });
    }
}
