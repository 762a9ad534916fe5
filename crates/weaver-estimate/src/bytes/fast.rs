//! Stage two of the fast path: the grammar, walked over the token starts of stage one
//! ([`super::block`]), plus what the kept-byte count cannot see — numbers that re-print
//! at another length and duplicate keys.
//!
//! The walk makes the same decisions as the exact scanner ([`super::Scan`]) on the same
//! tokens, but gives up (`None`) wherever that scanner would report an error, or where the
//! answer needs work this path does not do (a duplicate key, the depth limit); the caller
//! then runs the exact scanner from the start. So an accepted document is one the exact
//! scanner accepts too, and its size is the kept bytes plus the corrections — the same
//! sum the exact scanner adds token by token.

use alloc::vec::Vec;

use super::BytesEstimate;
use super::block::Stage1;
use super::dup::{Keys, Obj};
use super::shape::{Mode, Shapes, Span};
use super::simd::Impl;
use super::token::{self, Str};

/// Bytes that may follow a number or literal: whitespace, `{ } [ ] : ,`, a quote. The
/// grammar rejects all but the right ones; anything else means the token is longer than
/// what was parsed (`1x`, `truex`, `1.5.3`).
static ENDS_SCALAR: [bool; 256] = {
    let mut t = [false; 256];
    let ends = b" \t\n\r{}[]:,\"";
    let mut i = 0;
    while i < ends.len() {
        t[ends[i] as usize] = true;
        i += 1;
    }
    t
};

/// The token starts of stage one, block by block.
struct Tokens<'a> {
    st: Stage1<'a>,
    imp: Impl,
}

impl Tokens<'_> {
    /// Where the next token starts (`b.len()` at the end); `None` to give up.
    #[allow(clippy::inline_always)] // four calls per object entry (measured)
    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        loop {
            let t = self.st.toks;
            if t != 0 {
                self.st.toks = t & (t - 1);
                return Some(self.st.cur + t.trailing_zeros() as usize);
            }
            if self.st.pos >= self.st.b.len() {
                return self.st.finish().then_some(self.st.b.len());
            }
            if !self.imp.advance(&mut self.st) {
                return None;
            }
        }
    }
}

/// The open containers and what the walk has measured so far.
struct Walk<'a> {
    b: &'a [u8],
    t: Tokens<'a>,
    /// What numbers add to the kept bytes (`1E2` → `100.0`: +2; `1.50` → `1.5`: -1).
    numbers: i64,
    depth: usize,
    max_seen: usize,
    top_level_len: Option<u64>,
    limit: usize,
    in_object: bool,
    /// One bit per open container: set for an object.
    kinds: Vec<u64>,
    objs: Vec<Obj>,
    /// How each open object is checked for duplicate keys (parallel to `objs`).
    modes: Vec<Mode>,
    keys: Keys,
    shapes: Shapes,
}

/// The estimate of `input`, or `None` when the exact scanner must decide.
pub(super) fn estimate(input: &[u8], max_depth: usize, imp: Impl) -> Option<BytesEstimate> {
    let mut w = Walk {
        b: input,
        t: Tokens {
            st: Stage1::new(input),
            imp,
        },
        numbers: 0,
        depth: 0,
        max_seen: 0,
        top_level_len: None,
        limit: max_depth,
        in_object: false,
        kinds: Vec::new(),
        objs: Vec::new(),
        modes: Vec::new(),
        keys: Keys::default(),
        shapes: Shapes::default(),
    };
    w.run()?;
    let st = &w.t.st;
    let size = st.kept as i64 + st.escapes + w.numbers;
    Some(BytesEstimate {
        size: size as u64,
        depth: w.max_seen,
        top_level_len: w.top_level_len,
    })
}

impl Walk<'_> {
    fn push(&mut self, object: bool) -> Option<()> {
        if self.depth >= self.limit {
            return None;
        }
        let (word, bit) = (self.depth / 64, self.depth % 64);
        if word == self.kinds.len() {
            self.kinds.push(0);
        }
        if object {
            self.kinds[word] |= 1 << bit;
            self.objs.push(self.keys.open());
            self.modes.push(self.shapes.open(self.depth));
        } else {
            self.kinds[word] &= !(1 << bit);
        }
        self.depth += 1;
        self.in_object = object;
        self.max_seen = self.max_seen.max(self.depth);
        Some(())
    }

    /// Closes the innermost container; `None` if it was an object with a repeated key.
    fn close(&mut self) -> Option<()> {
        if self.in_object
            && let (Some(obj), Some(mode)) = (self.objs.pop(), self.modes.pop())
        {
            // Entries were recorded with their input position as their "size": any
            // duplicate removes a positive span, and only the exact scanner knows its
            // printed length.
            if self.keys.close(&obj, self.b) != 0 {
                return None;
            }
            if let Mode::Hashing = mode {
                self.shapes.distinct(self.depth - 1);
            }
        }
        self.depth -= 1;
        self.in_object = self.depth > 0 && {
            let d = self.depth - 1;
            self.kinds[d / 64] >> (d % 64) & 1 == 1
        };
        Some(())
    }

    /// The key whose quote is at `b[open]` (checked by the caller) and its colon; returns
    /// where the value starts.
    #[allow(clippy::inline_always)] // every key: the call cost showed in profiles
    #[inline(always)]
    fn key(&mut self, open: usize) -> Option<usize> {
        let colon = self.t.next()?;
        if self.b.get(colon) != Some(&b':') {
            return None;
        }
        // Only whitespace lies between the closing quote and the colon: any other byte
        // outside a string would have been a token of its own.
        let mut close = colon - 1;
        while self.b[close] != b'"' {
            close -= 1;
        }
        let key = Span { open, close };
        let d = self.depth - 1;
        if let Some(mode) = self.modes.last_mut() {
            match *mode {
                Mode::Matching(i) if self.shapes.matches(self.b, d, i, key) => {
                    *mode = Mode::Matching(i + 1);
                }
                _ => self.hash_key(d, key),
            }
        }
        self.t.next()
    }

    /// Records `key` of the innermost object (at depth `d`) for the duplicate check,
    /// after the keys before it if they were only compared with a known shape.
    #[inline]
    fn hash_key(&mut self, d: usize, key: Span) {
        if let Some(&Mode::Matching(i)) = self.modes.last() {
            self.diverge(d, i);
        }
        let Some(obj) = self.objs.last_mut() else {
            return;
        };
        record(&mut self.keys, obj, self.b, key, self.t.st.last_backslash);
        self.shapes.hashed(d, key);
    }

    /// The innermost object (at depth `d`) stops matching a known shape after its first
    /// `i` keys: records those for the duplicate check.
    #[cold]
    fn diverge(&mut self, d: usize, i: usize) {
        let (Some(obj), Some(mode)) = (self.objs.last_mut(), self.modes.last_mut()) else {
            return;
        };
        for &k in self.shapes.diverge(d, i) {
            record(&mut self.keys, obj, self.b, k, self.t.st.last_backslash);
        }
        *mode = Mode::Hashing;
    }

    /// Checks that the number or literal parsed up to `end` is the whole token.
    #[inline]
    fn scalar_ends(&self, end: usize) -> Option<()> {
        match self.b.get(end) {
            Some(&c) if !ENDS_SCALAR[c as usize] => None,
            _ => Some(()),
        }
    }

    fn run(&mut self) -> Option<()> {
        let b = self.b;
        let mut i = self.t.next()?;
        'value: loop {
            match b.get(i) {
                Some(b'"') => {}
                Some(b'{') => {
                    self.push(true)?;
                    i = self.t.next()?;
                    match b.get(i) {
                        Some(b'}') => self.close()?,
                        Some(b'"') => {
                            i = self.key(i)?;
                            continue 'value;
                        }
                        _ => return None,
                    }
                }
                Some(b'[') => {
                    self.push(false)?;
                    i = self.t.next()?;
                    let empty = b.get(i) == Some(&b']');
                    if self.depth == 1 {
                        self.top_level_len = Some(u64::from(!empty));
                    }
                    if empty {
                        self.close()?;
                    } else {
                        continue 'value;
                    }
                }
                Some(b't') => self.scalar_ends(token::literal(b, i, b"true").ok()?)?,
                Some(b'f') => self.scalar_ends(token::literal(b, i, b"false").ok()?)?,
                Some(b'n') => self.scalar_ends(token::literal(b, i, b"null").ok()?)?,
                Some(b'-' | b'0'..=b'9') => {
                    let (out, end) = token::number(b, i).ok()?;
                    self.numbers += out as i64 - (end - i) as i64;
                    self.scalar_ends(end)?;
                }
                _ => return None,
            }
            // A value ended: close containers until one continues with a comma.
            loop {
                i = self.t.next()?;
                if self.depth == 0 {
                    return (i == b.len()).then_some(());
                }
                match (b.get(i), self.in_object) {
                    (Some(b','), true) => {
                        i = self.t.next()?;
                        if b.get(i) != Some(&b'"') {
                            return None;
                        }
                        i = self.key(i)?;
                        continue 'value;
                    }
                    (Some(b','), false) => {
                        if self.depth == 1
                            && let Some(n) = &mut self.top_level_len
                        {
                            *n += 1;
                        }
                        i = self.t.next()?;
                        if b.get(i) == Some(&b']') {
                            return None;
                        }
                        continue 'value;
                    }
                    (Some(b'}'), true) | (Some(b']'), false) => self.close()?,
                    _ => return None,
                }
            }
        }
    }
}

/// Records the key `k` of `obj` for the duplicate check.
#[allow(clippy::inline_always)] // once per hashed key (measured)
#[inline(always)]
fn record(keys: &mut Keys, obj: &mut Obj, b: &[u8], k: Span, last_backslash: usize) {
    let s = Str {
        out: 0,
        end: k.close + 1,
        // Every block up to the key's colon has been scanned: no backslash after its
        // opening quote, none in it.
        escaped: last_backslash > k.open && b[k.open + 1..k.close].contains(&b'\\'),
    };
    // The input position stands for the running size (see `close`).
    keys.key(obj, b, k.open, &s, k.open as u64);
}
