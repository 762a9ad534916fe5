//! Repeated object shapes. Records of one kind (rows of a table, the same nested object in
//! each row) have the same keys in the same order; once one object at a depth is known to
//! have distinct keys, a later object at that depth whose keys are byte for byte a prefix
//! of those has distinct keys too. Comparing a key with the one at the same index costs a
//! fraction of hashing it and recording it for the duplicate check ([`super::dup`]), which
//! an object falls back to from its first key that differs.

use alloc::vec::Vec;

/// Objects this deep or deeper are always hashed (no shape kept for them).
pub(super) const DEPTHS: usize = 16;
// One bit per depth in `Shapes::too_wide`.
const _: () = assert!(DEPTHS <= 64);

/// Objects with more keys are not kept as shapes: wide objects are mostly maps, whose
/// keys do not repeat, and the memory of a shape should stay small.
const MAX_KEYS: usize = 64;

/// A key's opening and closing quotes: `b[open]`, `b[close]`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Span {
    pub(super) open: usize,
    pub(super) close: usize,
}

/// How an open object is being checked for duplicate keys.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mode {
    /// Its keys so far equal the first this-many keys of the known shape at its depth.
    Matching(usize),
    /// Its keys are hashed and recorded ([`super::dup::Keys`]).
    Hashing,
}

/// Per depth, the keys of an earlier object known to be distinct, and the keys of the
/// object being hashed there (its shape, if it turns out distinct too).
#[derive(Default)]
pub(super) struct Shapes {
    known: Vec<Vec<Span>>,
    pending: Vec<Vec<Span>>,
    /// Bit d: the object being hashed at depth d has more than [`MAX_KEYS`] keys.
    too_wide: u64,
}

impl Shapes {
    /// The mode an object opened at `depth` (0 for a top-level object) starts in.
    pub(super) fn open(&mut self, depth: usize) -> Mode {
        if depth >= DEPTHS {
            return Mode::Hashing;
        }
        while self.known.len() <= depth {
            self.known.push(Vec::new());
            self.pending.push(Vec::new());
        }
        Mode::Matching(0)
    }

    /// Whether `key` equals the key at index `i` of the known shape at `depth` (which
    /// [`Shapes::open`] has made).
    #[allow(clippy::inline_always)] // every key of a repeated shape
    #[inline(always)]
    pub(super) fn matches(&self, b: &[u8], depth: usize, i: usize, key: Span) -> bool {
        match self.known[depth].get(i) {
            Some(k) => same(&b[k.open + 1..k.close], &b[key.open + 1..key.close]),
            None => false,
        }
    }

    /// Starts hashing an object at `depth` after its first `i` keys matched: returns those
    /// keys, for the caller to record, and remembers them as the start of a new shape.
    pub(super) fn diverge(&mut self, depth: usize, i: usize) -> &[Span] {
        let (known, pending) = (&self.known[depth], &mut self.pending[depth]);
        pending.clear();
        self.too_wide &= !(1 << depth);
        pending.extend_from_slice(&known[..i]);
        &known[..i]
    }

    /// Records a hashed key of an object at `depth`.
    pub(super) fn hashed(&mut self, depth: usize, key: Span) {
        if let Some(p) = self.pending.get_mut(depth) {
            if p.len() < MAX_KEYS {
                p.push(key);
            } else {
                self.too_wide |= 1 << depth;
            }
        }
    }

    /// A hashed object at `depth` closed with distinct keys: its keys are the new shape.
    pub(super) fn distinct(&mut self, depth: usize) {
        if depth < self.known.len() && self.too_wide >> depth & 1 == 0 {
            core::mem::swap(&mut self.known[depth], &mut self.pending[depth]);
        }
    }
}

/// `a == b`, with two overlapping loads per side for the usual short keys instead of a
/// call to `memcmp`.
#[allow(clippy::inline_always)] // once per key of a repeated shape (measured)
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if let (Some(x), Some(y)) = (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        if a.len() > 16 {
            return a == b;
        }
        let tail = |s: &[u8]| s.last_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
        return u64::from_le_bytes(*x) == u64::from_le_bytes(*y) && tail(a) == tail(b);
    }
    if let (Some(x), Some(y)) = (a.first_chunk::<4>(), b.first_chunk::<4>()) {
        let tail = |s: &[u8]| s.last_chunk::<4>().map_or(0, |w| u32::from_le_bytes(*w));
        return u32::from_le_bytes(*x) == u32::from_le_bytes(*y) && tail(a) == tail(b);
    }
    // Up to three bytes: first, middle and last cover them all.
    let n = a.len();
    n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn same_is_slice_equality() {
        let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for len in 0..=40 {
            let a = &base[..len];
            assert!(same(a, a));
            for pos in 0..len {
                let mut b = a.to_vec();
                b[pos] ^= 1;
                assert!(!same(a, &b), "len {len} pos {pos}");
            }
            assert!(!same(a, &base[..len.saturating_sub(1)]) || len == 0);
        }
    }
}
