//! Duplicate object keys.
//!
//! serde_json's `Value` keeps one entry per key: a repeated key overwrites the value (with
//! `preserve_order`, at the position of its first occurrence), so the printed object is
//! shorter than the input by every earlier occurrence and its comma. To count that exactly
//! without building the object, each open object records, per entry, a hash of its
//! *decoded* key, where the key starts in the input and the running size there. An object
//! whose hashes are all distinct has no duplicate; otherwise (or when it is large) its
//! entries are sorted by hash at its end and equal hashes are confirmed by comparing the
//! decoded keys, so a hash collision never changes the answer.

use alloc::vec::Vec;

use super::token::{self, Str};

/// Objects with more entries than this skip the per-key check and are resolved (sorted)
/// at their end instead: the check is a linear scan, fine only for small objects.
const SMALL: usize = 32;

struct Entry {
    hash: u64,
    /// Index of the key's opening quote in the input.
    key_at: usize,
    /// The running size when the entry's key started. An entry followed by another one
    /// printed `"key":value,` = the difference of their starts.
    begin: u64,
}

/// One open object.
pub(super) struct Obj {
    entries_start: usize,
    /// One bit per key hash seen (a tiny Bloom filter): a clear bit proves "new key".
    filter: u64,
    /// Two keys may be equal: resolve at the end.
    suspect: bool,
}

/// The entries of every open object, innermost last.
#[derive(Default)]
pub(super) struct Keys {
    entries: Vec<Entry>,
    scratch: Vec<u8>,
}

impl Keys {
    /// Starts an object.
    pub(super) fn open(&self) -> Obj {
        Obj {
            entries_start: self.entries.len(),
            filter: 0,
            suspect: false,
        }
    }

    /// Records the key `s` (opening quote at `b[open]`) of `obj`, printed from `size_before`.
    #[inline]
    pub(super) fn key(&mut self, obj: &mut Obj, b: &[u8], open: usize, s: &Str, size_before: u64) {
        let hash = if s.escaped {
            token::decode(b, open, &mut self.scratch);
            hash(&self.scratch)
        } else {
            hash(&b[open + 1..s.end - 1])
        };
        let mine = &self.entries[obj.entries_start..];
        if mine.len() < SMALL {
            let bit = 1u64 << (hash >> 58);
            if obj.filter & bit != 0 && mine.iter().any(|e| e.hash == hash) {
                obj.suspect = true;
            }
            obj.filter |= bit;
        } else {
            obj.suspect = true;
        }
        self.entries.push(Entry {
            hash,
            key_at: open,
            begin: size_before,
        });
    }

    /// Ends `obj`; returns the bytes its duplicate keys remove from the printed size.
    pub(super) fn close(&mut self, obj: &Obj, b: &[u8]) -> u64 {
        let removed = if obj.suspect {
            self.resolve(obj.entries_start, b)
        } else {
            0
        };
        self.entries.truncate(obj.entries_start);
        removed
    }

    #[cold]
    fn resolve(&mut self, start: usize, b: &[u8]) -> u64 {
        let entries = &self.entries[start..];
        let mut by_hash: Vec<(u64, usize)> = entries
            .iter()
            .enumerate()
            .map(|(k, e)| (e.hash, k))
            .collect();
        by_hash.sort_unstable();
        let mut removed = 0;
        for group in by_hash.chunk_by(|x, y| x.0 == y.0) {
            if group.len() < 2 {
                continue;
            }
            // Equal hashes: compare the decoded keys (sorted by key, then position).
            let mut keyed: Vec<(Vec<u8>, usize)> = group
                .iter()
                .map(|&(_, k)| {
                    let mut key = Vec::new();
                    token::decode(b, entries[k].key_at, &mut key);
                    (key, k)
                })
                .collect();
            keyed.sort_unstable();
            for same in keyed.chunk_by(|x, y| x.0 == y.0) {
                // The last occurrence's value is printed; the others vanish with their
                // comma (an earlier occurrence is never the object's last entry).
                for (_, k) in &same[..same.len() - 1] {
                    removed += entries[*k + 1].begin - entries[*k].begin;
                }
            }
        }
        removed
    }
}

/// A 64-bit hash of a key (not cryptographic: collisions only cost a comparison).
/// Short keys are read with at most two overlapping loads, no copy.
#[inline]
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    const M: u64 = 0xD6E8_FEB8_6659_FD93;
    let n = bytes.len();
    let (a, b) = if let (Some(x), Some(y)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        let mut a = u64::from_le_bytes(*x);
        // Whole words in the middle of long keys.
        let mut rest = &bytes[8..];
        while let Some((w, tail)) = rest.split_first_chunk::<8>() {
            if tail.is_empty() {
                break;
            }
            a = (a ^ u64::from_le_bytes(*w)).wrapping_mul(K).rotate_left(31);
            rest = tail;
        }
        (a, u64::from_le_bytes(*y))
    } else if let (Some(x), Some(y)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        (
            u64::from(u32::from_le_bytes(*x)),
            u64::from(u32::from_le_bytes(*y)),
        )
    } else if let (Some(&x), Some(&y)) = (bytes.first(), bytes.last()) {
        (u64::from(x) | u64::from(bytes[n / 2]) << 8, u64::from(y))
    } else {
        (0, 0)
    };
    let h = (a ^ K).wrapping_mul(b ^ M ^ n as u64);
    let h = h ^ (h >> 32);
    (h ^ a.rotate_left(17)).wrapping_mul(K) ^ b
}
