//! A per-thread memo of the built-in key rules. The text rules decide the name of every
//! assignment they find (`api_key=…`, `"password": …`), and a log repeats the same few names
//! line after line; deciding one walks the sensitive-name vocabulary (~4 k instructions for
//! `api_key`), looking it up here costs a hash.

use std::cell::RefCell;
use std::collections::HashMap;

use super::Rule;

/// Names longer than this are decided afresh: real names are short, and the bound keeps
/// the memo small whatever the input.
const MAX_LEN: usize = 48;
/// Entries before the memo starts over (a thread's memo stays under ~100 KB).
const MAX_ENTRIES: usize = 1024;

thread_local! {
    // SipHash, the default: the names come from the input, so they must not be able to
    // pick their buckets.
    static MEMO: RefCell<HashMap<Box<str>, Rule>> = RefCell::new(HashMap::new());
}

/// `decide(key)`, remembered for this thread. Equal to calling `decide` every time, as long
/// as `decide` is a function of `key` alone.
pub(super) fn remembered(key: &str, decide: impl FnOnce(&str) -> Rule) -> Rule {
    if key.len() > MAX_LEN {
        return decide(key);
    }
    let known = MEMO
        .try_with(|m| m.try_borrow().ok()?.get(key).copied())
        .ok()
        .flatten();
    if let Some(rule) = known {
        return rule;
    }
    let rule = decide(key);
    // A thread being torn down, or a re-entrant call, just does not remember.
    let _ = MEMO.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
            m.insert(key.into(), rule);
        }
    });
    rule
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_per_key_and_decides_long_keys_afresh() {
        let mut calls = 0;
        let mut decide = |k: &str| {
            calls += 1;
            if k.contains("secret") {
                Rule::Plain
            } else {
                Rule::SecretManifest
            }
        };
        assert_eq!(remembered("memo_test_a", &mut decide), Rule::SecretManifest);
        assert_eq!(remembered("memo_test_a", &mut decide), Rule::SecretManifest);
        assert_eq!(remembered("memo_test_secret", &mut decide), Rule::Plain);
        let long = "x".repeat(MAX_LEN + 1);
        assert_eq!(remembered(&long, &mut decide), Rule::SecretManifest);
        assert_eq!(remembered(&long, &mut decide), Rule::SecretManifest);
        assert_eq!(
            calls, 4,
            "the second short lookup is remembered, long keys never"
        );
    }

    #[test]
    fn starts_over_when_full() {
        for i in 0..MAX_ENTRIES + 10 {
            remembered(&format!("memo_fill_{i}"), |_| Rule::Plain);
        }
        let size = MEMO.with(|m| m.borrow().len());
        assert!(size <= MAX_ENTRIES, "{size} entries");
    }
}
