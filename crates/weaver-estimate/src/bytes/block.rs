//! Stage one of the fast path: a document's bytes, 64 at a time, turned into the
//! positions of its tokens and the count of its bytes that serde_json would re-print.
//!
//! From the byte classes of a block ([`Classes`]) the scan derives which bytes lie inside
//! strings (the prefix XOR of the quotes that no backslash escapes, carried from block to
//! block), and from that:
//!
//! - the *kept* bytes: everything but whitespace between tokens. A document without
//!   escapes that change length and whose numbers print as written re-prints to exactly
//!   its kept bytes, so most of the size is a popcount;
//! - the token starts: `{ } [ ] : ,` outside strings, opening quotes, and the first byte
//!   of each run of other bytes outside strings (numbers and literals), for stage two
//!   ([`super::fast`]) to check the grammar on;
//! - the corrections for escapes that re-print at another length (`\/` and `\u`), which
//!   are measured by the exact scanner's own code;
//! - anything the fast path does not vouch for: a control character or backslash where
//!   it cannot be, an unknown escape, invalid UTF-8, a string still open at the end. The
//!   scan then gives up and the exact scanner re-reads the document from the start, so
//!   every error is the one it reports.

// The scan is generic over the classifier and must be inlined into the function compiled
// with that classifier's target features (`simd::advance_avx2`): a call would compile it,
// and the intrinsics, without them.
#![allow(clippy::inline_always)]

use super::simd::{Classes, Classify};
use super::token;

/// The running state of stage one.
pub(super) struct Stage1<'a> {
    pub(super) b: &'a [u8],
    /// Where the next block starts.
    pub(super) pos: usize,
    /// Where the current block starts.
    pub(super) cur: usize,
    /// Token starts of the current block not yet read (bit i: `b[cur + i]`).
    pub(super) toks: u64,
    /// The last backslash seen (0 if none): a key before it may need decoding.
    pub(super) last_backslash: usize,
    /// Bytes re-printed as they are (not whitespace between tokens).
    pub(super) kept: u64,
    /// What escapes add to `kept` (negative: `\/` and most `\u` shrink).
    pub(super) escapes: i64,
    /// All ones when the previous block ended inside a string.
    in_string: u64,
    /// Bit 0 set when the previous block ended in a backslash that escapes the next byte.
    escape_carry: u64,
    /// Bit 0 set when the previous block ended inside a number or literal.
    scalar_carry: u64,
    /// Escapes before this were measured with an earlier one (the second `\u` of a
    /// surrogate pair, with the first).
    measured_to: usize,
    /// Start of the non-ASCII bytes not yet checked, when the previous block ended in one.
    utf8_from: usize,
    /// Bit 0 set when `utf8_from` is such a start.
    utf8_carry: u64,
}

impl<'a> Stage1<'a> {
    pub(super) fn new(b: &'a [u8]) -> Self {
        Stage1 {
            b,
            pos: 0,
            cur: 0,
            toks: 0,
            last_backslash: 0,
            kept: 0,
            escapes: 0,
            in_string: 0,
            escape_carry: 0,
            scalar_carry: 0,
            measured_to: 0,
            utf8_from: 0,
            utf8_carry: 0,
        }
    }

    /// Scans the block at `pos` (there is one); `false` when the fast path must give up.
    #[inline(always)]
    pub(super) fn advance<C: Classify>(&mut self, c: C) -> bool {
        let pos = self.pos;
        self.cur = pos;
        self.pos = pos + 64;
        if let Some(blk) = self.b.get(pos..pos + 64) {
            let blk: &[u8; 64] = blk.try_into().unwrap_or(&[0; 64]);
            self.block(c, c.classify(blk), pos)
        } else {
            // Spaces after the end are whitespace between tokens: not kept, no token.
            let rest = &self.b[pos..];
            let mut pad = [b' '; 64];
            pad[..rest.len()].copy_from_slice(rest);
            self.block(c, c.classify(&pad), pos)
        }
    }

    /// Checks what only the end can tell.
    pub(super) fn finish(&mut self) -> bool {
        let utf8 = self.utf8_carry == 0 || core::str::from_utf8(&self.b[self.utf8_from..]).is_ok();
        utf8 && self.in_string == 0 && self.escape_carry == 0
    }

    /// Checks the non-ASCII bytes of the block at `b[pos]` as UTF-8, from the first to the
    /// last, as one slice with the ASCII between them (or, when the block ends in one, with
    /// the blocks after it). No UTF-8 sequence holds an ASCII byte, so checking slices that
    /// start and end next to ASCII bytes checks the whole document; one call per block
    /// keeps accented text from making one call per character.
    #[inline(never)]
    fn check_utf8(&mut self, high: u64, pos: usize) -> bool {
        let from = if self.utf8_carry != 0 {
            self.utf8_from
        } else {
            pos + high.trailing_zeros() as usize
        };
        if high >> 63 == 1 {
            self.utf8_from = from;
            self.utf8_carry = 1;
            return true;
        }
        self.utf8_carry = 0;
        // One past the last non-ASCII byte (`pos` when the run ended with the last block).
        let to = pos + 64 - high.leading_zeros() as usize;
        core::str::from_utf8(&self.b[from..to.max(from)]).is_ok()
    }

    /// One block starting at `b[pos]` (or a padded copy of the last bytes); `false` when
    /// something in it needs the exact scanner.
    #[inline(always)]
    fn block<C: Classify>(&mut self, c_impl: C, c: Classes, pos: usize) -> bool {
        let escaped = if (c.backslash | self.escape_carry) == 0 {
            0
        } else {
            self.escaped(c.backslash, pos)
        };
        let quote = c.quote & !escaped;
        // Bit i: an odd number of real quotes at or before i — the opening quote and the
        // string body, not the closing quote.
        let in_str = c_impl.prefix_xor(quote) ^ self.in_string;
        self.in_string = ((in_str as i64) >> 63) as u64;
        let outside = !(in_str | quote);
        let gap = c.ws & outside;
        self.kept += u64::from((!gap).count_ones());
        let scalar = outside & !c.ws & !c.op;
        let starts = scalar & !((scalar << 1) | self.scalar_carry);
        self.scalar_carry = scalar >> 63;
        self.toks = (c.op & outside) | (quote & in_str) | starts;
        // Raw control characters belong only to whitespace between tokens, backslashes
        // only to strings.
        let mut ok = (c.ctrl & !gap) | (c.backslash & outside) == 0;
        if escaped != 0 {
            ok &= self.measure_escapes(escaped, pos);
        }
        if (c.high | self.utf8_carry) != 0 {
            ok &= self.check_utf8(c.high, pos);
        }
        ok
    }

    /// The bytes of the block at `b[pos]` that a backslash escapes (each backslash not
    /// itself escaped escapes the byte after it); updates the carry into the next block.
    #[cold]
    fn escaped(&mut self, backslash: u64, pos: usize) -> u64 {
        if backslash != 0 {
            self.last_backslash = pos + 63 - backslash.leading_zeros() as usize;
        }
        let mut escaped = self.escape_carry;
        self.escape_carry = 0;
        let mut escapers = backslash & !escaped;
        while escapers != 0 {
            let p = escapers.trailing_zeros();
            if p == 63 {
                self.escape_carry = 1;
                break;
            }
            escaped |= 1 << (p + 1);
            // Bits up to and including the escaped byte are done.
            escapers &= u64::MAX.checked_shl(p + 2).unwrap_or(0);
        }
        escaped
    }

    /// Checks the escaped bytes of the block at `b[pos]` and adds what their escapes
    /// change in the printed length.
    #[cold]
    fn measure_escapes(&mut self, mut escaped: u64, pos: usize) -> bool {
        while escaped != 0 {
            let at = pos + escaped.trailing_zeros() as usize;
            escaped &= escaped - 1;
            if at < self.measured_to {
                continue;
            }
            match self.b.get(at) {
                Some(b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                Some(b'/') => self.escapes -= 1,
                Some(b'u') => {
                    let mut out = 0;
                    let Ok(end) = token::unicode_escape(self.b, at - 1, &mut out) else {
                        return false;
                    };
                    self.escapes += out as i64 - (end - (at - 1)) as i64;
                    self.measured_to = end;
                }
                _ => return false,
            }
        }
        true
    }
}
