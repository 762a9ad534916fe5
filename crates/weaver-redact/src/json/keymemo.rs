//! What a redactor decides about a key, remembered per thread across walks.
//!
//! Records of a list repeat the same few keys, and so do the results of one tool from call
//! to call; deciding a key afresh scans it twice (the text rules, then the key tokens),
//! which costs more than the rest of a small record. A walk asks [`clean_key_rule`], which
//! answers from a per-thread memo of the keys the redactor leaves unchanged.
//!
//! The memo belongs to one redactor: it holds a [`Weak`] reference to the redactor's
//! shared state and is used only for that same allocation (which the weak reference keeps
//! from being reused), so two redactors with different rules never share answers. A
//! thread keeps memos for a few redactors at a time, at most [`MAX_KEYS`] keys of at most
//! [`MAX_KEY_LEN`] bytes each; only keys that redaction leaves unchanged are kept (a key
//! holding a match is never remembered).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Weak};

use crate::{Inner, KeyRule, Redactor};

/// Keys remembered per redactor; a full memo starts over.
pub(super) const MAX_KEYS: usize = 1024;
/// Longer keys are decided every time.
pub(super) const MAX_KEY_LEN: usize = 64;
/// Redactors remembered per thread (the oldest is forgotten first).
const OWNERS: usize = 4;

/// FNV-1a: short keys, no need for a keyed hash (the memo is bounded, and a collision
/// only costs a comparison).
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
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

struct Memo {
    owner: Weak<Inner>,
    rules: HashMap<Box<str>, KeyRule, BuildHasherDefault<Fnv>>,
}

thread_local! {
    static MEMOS: RefCell<Vec<Memo>> = const { RefCell::new(Vec::new()) };
}

/// `None` when redaction changes `key`; otherwise the key's rule. Equal to deciding it
/// afresh ([`decide`]) for every key and every redactor.
pub(crate) fn clean_key_rule(redactor: &Redactor, key: &str) -> Option<KeyRule> {
    if key.len() > MAX_KEY_LEN {
        return decide(redactor, key);
    }
    let owner = Arc::as_ptr(&redactor.inner);
    let known = MEMOS
        .try_with(|m| {
            let m = m.try_borrow().ok()?;
            let memo = m.iter().find(|x| Weak::as_ptr(&x.owner) == owner)?;
            memo.rules.get(key).copied()
        })
        .ok()
        .flatten();
    if known.is_some() {
        return known;
    }
    let rule = decide(redactor, key)?;
    // A thread being torn down, or a re-entrant call, just does not remember.
    let _ = MEMOS.try_with(|m| {
        let Ok(mut m) = m.try_borrow_mut() else {
            return;
        };
        let i = if let Some(i) = m.iter().position(|x| Weak::as_ptr(&x.owner) == owner) {
            i
        } else {
            if m.len() >= OWNERS {
                m.remove(0);
            }
            m.push(Memo {
                owner: Arc::downgrade(&redactor.inner),
                rules: HashMap::default(),
            });
            m.len() - 1
        };
        let rules = &mut m[i].rules;
        if rules.len() >= MAX_KEYS {
            rules.clear();
        }
        rules.insert(key.into(), rule);
    });
    Some(rule)
}

/// The decision itself: `None` when redaction changes `key`, else its rule.
pub(super) fn decide(redactor: &Redactor, key: &str) -> Option<KeyRule> {
    if redactor.may_change(key) && matches!(redactor.redact_str(key), Cow::Owned(_)) {
        return None;
    }
    Some(redactor.key_rule(key))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Redactors that disagree about keys: the default, one with an extra sensitive word,
    /// one that stops `password`, one with a user pattern that matches keys.
    /// Built once: a custom rule set compiles its automaton (slow in a debug build).
    fn redactors() -> &'static [Redactor] {
        static ALL: std::sync::LazyLock<Vec<Redactor>> = std::sync::LazyLock::new(|| {
            vec![
                Redactor::new(),
                Redactor::builder()
                    .sensitive_keys(["colour"])
                    .build()
                    .expect("valid"),
                Redactor::builder()
                    .stop_keys(["password"])
                    .build()
                    .expect("valid"),
                Redactor::builder()
                    .pattern("order", "ord_[a-z]+")
                    .build()
                    .expect("valid"),
                Redactor::builder()
                    .disable(crate::Kind::Email)
                    .build()
                    .expect("valid"),
            ]
        });
        &ALL
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("password".to_owned()),
            Just("colour".to_owned()),
            Just("ord_abc".to_owned()),
            Just("bob@example.com".to_owned()),
            Just("api_key_status".to_owned()),
            Just("id".to_owned()),
            "[a-zA-Z_@.]{0,12}",
            "[a-z_]{60,70}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The memo answers what deciding afresh answers, for every redactor, whatever
        /// the order in which redactors and keys come (more redactors than a thread
        /// remembers, keys past the memo's length limit).
        #[test]
        fn memo_equals_fresh_decision(
            calls in prop::collection::vec((0usize..5, key()), 1..200),
        ) {
            let rs = redactors();
            for (i, k) in &calls {
                let r = &rs[*i];
                prop_assert_eq!(clean_key_rule(r, k), decide(r, k), "redactor {} key {:?}", i, k);
            }
        }
    }

    #[test]
    fn a_dropped_redactor_never_answers_for_a_new_one() {
        // The memo holds a weak reference, so the old allocation cannot be reused by the
        // next redactor while the memo remembers it.
        for round in 0..20 {
            let r = if round % 2 == 0 {
                Redactor::builder()
                    .sensitive_keys(["colour"])
                    .build()
                    .expect("valid")
            } else {
                Redactor::new()
            };
            assert_eq!(clean_key_rule(&r, "colour"), decide(&r, "colour"));
            assert_eq!(
                clean_key_rule(&r, "colour").is_some_and(KeyRule::is_plain),
                round % 2 == 1
            );
        }
    }

    #[test]
    fn a_full_memo_starts_over_and_keys_holding_a_match_are_not_kept() {
        let r = Redactor::new();
        for i in 0..3 * MAX_KEYS {
            let k = format!("field_{i}");
            assert_eq!(clean_key_rule(&r, &k), decide(&r, &k));
        }
        let owner = Arc::as_ptr(&r.inner);
        let held = MEMOS.with(|m| {
            m.borrow()
                .iter()
                .find(|x| Weak::as_ptr(&x.owner) == owner)
                .map(|x| x.rules.len())
        });
        assert!(held.is_some_and(|n| n <= MAX_KEYS), "{held:?}");
        assert_eq!(clean_key_rule(&r, "bob@example.com"), None);
        let kept = MEMOS.with(|m| {
            m.borrow()
                .iter()
                .any(|x| x.rules.contains_key("bob@example.com"))
        });
        assert!(!kept);
    }
}
