//! A small, self-contained pseudo-random generator for the workloads.
//!
//! xoshiro256** seeded through SplitMix64. Every workload draws from its own stream,
//! derived from the seed and a tag, so adding draws to one workload never shifts another.
//! Nothing here is cryptographic; it only has to be fast, well mixed and stable across
//! platforms and releases (it is written out here, not taken from a crate, for that).

/// One SplitMix64 step: advances `state` and returns a well-mixed output.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over bytes (64-bit): used to fold a tag into a seed and as a file digest.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The generator: xoshiro256**.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// An independent stream for `(seed, tag)`.
    pub(crate) fn new(seed: u64, tag: &str) -> Rng {
        let mut st = seed ^ fnv1a64(tag.as_bytes()).rotate_left(17);
        let s = [
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
        ];
        Rng { s }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (Lemire's multiply-and-reject, no modulo bias). `n == 0` gives 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform index into a slice of length `len`.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform integer in `lo..=hi` (both inclusive; `hi < lo` gives `lo`).
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo) + 1;
        lo.wrapping_add(self.below(span) as i64)
    }

    /// Uniform float in `[0, 1)` with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform float in `[lo, hi)`.
    pub(crate) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One element, chosen with the given integer weights (`(item, weight)` pairs).
    pub(crate) fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (item, w) in items {
            let w = u64::from(*w);
            if x < w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1].0
    }

    /// `k` distinct elements in random order (partial Fisher–Yates); `k` is capped at the length.
    pub(crate) fn sample<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let k = k.min(idx.len());
        for i in 0..k {
            let j = i + self.index(idx.len() - i);
            idx.swap(i, j);
        }
        idx[..k].iter().map(|&i| items[i].clone()).collect()
    }

    /// Shuffles a slice in place (Fisher–Yates).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }

    /// `n` characters drawn from an ASCII alphabet.
    pub(crate) fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        let mut s = String::with_capacity(n);
        for _ in 0..n {
            s.push(char::from(*self.pick(alphabet)));
        }
        s
    }
}

/// A shuffled deck: every card of `each` once per round (so a long enough run is sure to
/// hold every kind), then the `extra` cards, the whole round shuffled in two parts.
///
/// Used where a workload must plant every family even at small scales, while the order
/// stays random and the long-run mix follows the weights.
#[derive(Debug, Clone)]
pub(crate) struct Deck<T> {
    each: Vec<T>,
    extra: Vec<T>,
    /// The cards left in this round, drawn from the end.
    pending: Vec<T>,
}

impl<T: Clone> Deck<T> {
    /// A deck holding one of each of `each` plus `extra` per round.
    pub(crate) fn new(each: Vec<T>, extra: Vec<T>) -> Deck<T> {
        Deck {
            each,
            extra,
            pending: Vec::new(),
        }
    }

    /// A deck built from weights: every item once, then `weight - 1` more copies of it.
    pub(crate) fn weighted(items: &[(T, u32)]) -> Deck<T> {
        let each = items.iter().map(|(t, _)| t.clone()).collect();
        let mut extra = Vec::new();
        for (t, w) in items {
            for _ in 1..*w {
                extra.push(t.clone());
            }
        }
        Deck::new(each, extra)
    }

    /// The next card (a new round starts when the last one is used up).
    pub(crate) fn draw(&mut self, rng: &mut Rng) -> T {
        if self.pending.is_empty() {
            let mut first = self.each.clone();
            let mut rest = self.extra.clone();
            rng.shuffle(&mut first);
            rng.shuffle(&mut rest);
            // Drawn from the end: the `each` part must come out first.
            rest.reverse();
            first.reverse();
            self.pending = rest;
            self.pending.extend(first);
        }
        // Non-empty unless the deck has no cards at all, which no caller builds.
        self.pending
            .pop()
            .unwrap_or_else(|| self.each[rng.index(self.each.len())].clone())
    }
}

/// Rounds to `places` decimals, the way a decimal printout would (then shortest form on output).
pub(crate) fn round_to(x: f64, places: usize) -> f64 {
    format!("{x:.places$}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_tagged() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(7, "x").next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new(7, "x").next_u64(), Rng::new(7, "y").next_u64());
        assert_ne!(Rng::new(7, "x").next_u64(), Rng::new(8, "x").next_u64());
    }

    #[test]
    fn ranges_hold_their_bounds() {
        let mut r = Rng::new(1, "t");
        let mut seen = [false; 5];
        for _ in 0..2000 {
            let v = r.int(3, 7);
            assert!((3..=7).contains(&v));
            seen[(v - 3) as usize] = true;
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert!(seen.iter().all(|&s| s), "every value of 3..=7 drawn");
    }

    #[test]
    fn sample_is_distinct_and_deck_covers_each_round() {
        let mut r = Rng::new(2, "t");
        let s = r.sample(&[1, 2, 3, 4, 5, 6], 4);
        let mut d = s.clone();
        d.sort_unstable();
        d.dedup();
        assert_eq!(d.len(), 4);
        let mut deck = Deck::weighted(&[('a', 5), ('b', 1), ('c', 2)]);
        let first: Vec<char> = (0..3).map(|_| deck.draw(&mut r)).collect();
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ['a', 'b', 'c'], "each card leads the round");
        let rest: Vec<char> = (0..5).map(|_| deck.draw(&mut r)).collect();
        assert_eq!(rest.iter().filter(|&&c| c == 'a').count(), 4);
    }

    #[test]
    fn rounding_is_decimal() {
        assert_eq!(round_to(1.23456, 2), 1.23);
        assert_eq!(round_to(-0.0004, 3), -0.0);
    }
}
