//! The scanner's side of the Kubernetes Secret rule (`kube.rs`): lines it holds whole.
//!
//! A held line is, for the scanner, a match in progress from its first byte to its line
//! break: no cut inside it, so no segment ends in it and stage 1 never jumps into or over
//! it (its jumps stop at the next held line's start). When the DFA has walked it, the line
//! is decided on its bytes (still held: the last cut lies at or before its start); a mask
//! joins the segment's spans and is merged and settled with them. Where a line is held and
//! what it masks depend on the bytes alone, so any chunking gives the same output.

use super::Scanner;

impl Scanner {
    /// The held line at or after chunk index `i`, as chunk indices `(start, end)`: its
    /// bytes `start..end` are walked without a cut (a cut may fall at `start` and after
    /// `end`). `(n, n)` when no held line starts in the rest of the chunk. A held line
    /// that ended at `i` is decided first.
    pub(super) fn held_line(&mut self, chunk: &[u8], base: u64, i: usize) -> (usize, usize) {
        let n = chunk.len();
        loop {
            let Some(held) = self.kube.as_mut().and_then(|k| k.advance(chunk, base)) else {
                return (n, n);
            };
            let start = usize::try_from(held.start.saturating_sub(base)).unwrap_or(n);
            let Some((brk, last)) = held.end else {
                return (start.min(n), n);
            };
            let end = usize::try_from(last - base).unwrap_or(n);
            if i < end {
                return (start, end);
            }
            self.decide_line(chunk, base, held.start, brk);
        }
    }

    /// The input ends: a held line still open ends with it.
    pub(super) fn held_line_at_end(&mut self, chunk: &[u8], base: u64) {
        if let Some(held) = self.kube.as_mut().and_then(crate::kube::Lines::finish) {
            let (brk, _) = held.end.unwrap_or((self.pos, self.pos));
            self.decide_line(chunk, base, held.start, brk);
        }
    }

    /// Decides the held line `start..brk` (original offsets) and keeps its mask, if any,
    /// for the segment that holds it. When the run failed closed its bytes are gone (and
    /// masked anyway).
    fn decide_line(&mut self, chunk: &[u8], base: u64, start: u64, brk: u64) {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let kept = self.swallow.is_none();
        if kept {
            self.emit_raw(chunk, base, start, brk, &mut line);
        }
        let mask = self
            .kube
            .as_mut()
            .and_then(|k| k.decide(kept.then_some(&line[..])));
        if let Some((a, b)) = mask
            && kept
        {
            self.forced.push((start + a as u64, start + b as u64));
            self.pending = true;
        }
        self.line = line;
    }
}
