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
    let mut heap = BinaryHeap::with_capacity(n);
    for s in 0..n - 1 {
        let r = rank(&piece[s..s + 2]);
        pair[s] = r;
        if r != NONE {
            heap.push(Reverse((r, s)));
        }
    }
    let mut parts = n as u64;
    while let Some(Reverse((r, s))) = heap.pop() {
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
                heap.push(Reverse((pair[s], s)));
            }
        } else {
            pair[s] = NONE;
        }
        if s > 0 {
            let p = prev[s];
            pair[p] = rank(&piece[p..end]);
            if pair[p] != NONE {
                heap.push(Reverse((pair[p], p)));
            }
        }
    }
    parts
}
