//! Byte-pair merging of one pre-token in `O(n log n)`.
//!
//! tiktoken merges a pre-token by repeatedly joining the adjacent pair of parts whose
//! concatenation has the lowest rank, the leftmost such pair on ties, until no adjacent
//! concatenation is in the vocabulary. Done naively (scan all pairs, merge, rescan) that is
//! quadratic in the length of the pre-token, and a pre-token is unbounded: one JSON string
//! of 200 000 `x` is a single letter run. Here the parts form a doubly linked list over
//! their start offsets and the candidate pairs sit in a min-heap keyed by
//! `(rank, start)`, which is exactly tiktoken's order (rank first, leftmost on ties);
//! entries made stale by a merge are recognised when popped and skipped. Every merge pushes
//! at most two entries, so the work is `O(n log n)` for `n` bytes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Not in the vocabulary.
const NONE: u32 = u32::MAX;

/// Parts left after merging `piece` with `rank` (which returns [`u32::MAX`] for byte
/// strings that are not tokens), i.e. its token count.
pub(crate) fn count_parts(piece: &[u8], rank: impl Fn(&[u8]) -> u32) -> u64 {
    // Heap entries packed in one `u64` (rank high, start low) compare in one instruction
    // and halve the heap's memory; pieces of 4 GiB and more fall back to pairs.
    if u32::try_from(piece.len()).is_ok() {
        merge(
            piece,
            rank,
            |r, s| (u64::from(r) << 32) | s as u64,
            |k| (k >> 32) as u32,
            |k| (k & u64::from(u32::MAX)) as usize,
        )
    } else {
        merge(piece, rank, |r, s| (r, s), |k| k.0, |k| k.1)
    }
}

/// The merge, with heap keys built by `key(rank, start)` that order as `(rank, start)`.
fn merge<K: Ord + Copy>(
    piece: &[u8],
    rank: impl Fn(&[u8]) -> u32,
    key: impl Fn(u32, usize) -> K,
    rank_of: impl Fn(K) -> u32,
    start_of: impl Fn(K) -> usize,
) -> u64 {
    let n = piece.len();
    if n <= 1 {
        return n as u64;
    }
    // The part starting at offset `s` (a live start) ends at `next[s]`; `prev[s]` is the
    // start of the part before it (unused for the first part). `pair[s]` is the rank of the
    // live part at `s` joined with its successor, or NONE.
    let mut next: Vec<usize> = (1..=n).collect();
    let mut prev: Vec<usize> = (0..n).map(|s| s.wrapping_sub(1)).collect();
    let mut pair: Vec<u32> = vec![NONE; n];
    let mut initial = Vec::with_capacity(n);
    for s in 0..n - 1 {
        let r = rank(&piece[s..s + 2]);
        pair[s] = r;
        if r != NONE {
            initial.push(Reverse(key(r, s)));
        }
    }
    // Heapify in O(n) rather than n pushes.
    let mut heap = BinaryHeap::from(initial);
    let mut parts = n as u64;
    while let Some(Reverse(k)) = heap.pop() {
        let (r, s) = (rank_of(k), start_of(k));
        // A stale entry: the part at `s` was absorbed (its pair is NONE) or has grown since
        // (a different concatenation has a different rank).
        if pair[s] != r {
            continue;
        }
        let right = next[s];
        let end = next[right];
        next[s] = end;
        pair[right] = NONE;
        parts -= 1;
        if end < n {
            prev[end] = s;
            pair[s] = rank(&piece[s..next[end]]);
            if pair[s] != NONE {
                heap.push(Reverse(key(pair[s], s)));
            }
        } else {
            pair[s] = NONE;
        }
        if s > 0 {
            let p = prev[s];
            pair[p] = rank(&piece[p..end]);
            if pair[p] != NONE {
                heap.push(Reverse(key(pair[p], p)));
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A toy vocabulary: every run of one repeated byte of length 2, 4 or 8 is a token,
    /// ranked by length then byte, so merges cascade and ties are frequent.
    fn toy_rank(b: &[u8]) -> u32 {
        let same = b.iter().all(|&c| c == b[0]);
        match b.len() {
            2 | 4 | 8 if same => u32::try_from(b.len()).unwrap_or(0) * 256 + u32::from(b[0]),
            _ => NONE,
        }
    }

    proptest! {
        #[test]
        fn packed_and_pair_keys_agree(piece in "[ab]{0,200}") {
            let p = piece.as_bytes();
            let packed = count_parts(p, toy_rank);
            let pairs = merge(p, toy_rank, |r, s| (r, s), |k| k.0, |k| k.1);
            prop_assert_eq!(packed, pairs);
        }
    }

    #[test]
    fn cascades_and_leftmost_ties() {
        // "aaaaaaaa" merges to one 8-byte token; 7 a's: "aaaa" + "aa" + "a" from the left.
        assert_eq!(count_parts(b"aaaaaaaa", toy_rank), 1);
        assert_eq!(count_parts(b"aaaaaaa", toy_rank), 3);
        assert_eq!(count_parts(b"aabbaab", toy_rank), 4);
        assert_eq!(count_parts(b"", toy_rank), 0);
        assert_eq!(count_parts(b"a", toy_rank), 1);
    }
}
