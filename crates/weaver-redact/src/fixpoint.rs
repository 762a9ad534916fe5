//! Settling a segment's masks so that redacting the output again changes nothing.
//!
//! The checks look at the bytes around a candidate: a digit run glued to another digit is
//! part of a longer number, a keyword up to [`rules::CONTEXT_WINDOW`] bytes back makes a bare
//! number an id, `\b` asks whether the byte before is a word byte. Once a span is masked, the
//! output holds a marker where those bytes were, and a second pass sees `]` (a boundary)
//! where the first saw a digit. So the first pass re-matches a segment with its masks
//! written in as markers, as the second pass would see it, and adds what that finds, until
//! nothing new turns up. Each round can only add spans (markers are never matched), so
//! the rounds end; a chain of candidates each glued to the one before
//! (`+1 555.123045+1 555.123045…`) would need one round per link, so after
//! [`ROUNDS`] the rest of the segment is masked whole instead (fail closed): the output is
//! a fixed point either way.

use crate::Kind;
use crate::engine::{Engine, merge};
use crate::rules::Span;

/// Re-matching rounds with the masks in place before the rest of a segment is failed closed.
/// Real text settles in one (the round that finds nothing); it takes a deliberate chain of
/// glued candidates to need more.
pub(crate) const ROUNDS: usize = 4;

/// The text as the next pass would see it: `hay` with every span of `spans` (sorted,
/// disjoint) replaced by its marker, and for each raw piece kept, where it starts in the
/// view and in `hay`.
struct View {
    bytes: Vec<u8>,
    /// `(view_start, hay_start, len)` of each stretch copied unchanged.
    pieces: Vec<(usize, usize, usize)>,
}

impl View {
    fn build(hay: &[u8], spans: &[Span], marker: &dyn Fn(Kind) -> &'static str) -> View {
        let mut bytes = Vec::with_capacity(hay.len() + 16 * spans.len());
        let mut pieces = Vec::with_capacity(spans.len() + 1);
        let mut at = 0;
        for sp in spans {
            pieces.push((bytes.len(), at, sp.start - at));
            bytes.extend_from_slice(&hay[at..sp.start]);
            bytes.extend_from_slice(marker(sp.kind).as_bytes());
            at = sp.end;
        }
        pieces.push((bytes.len(), at, hay.len() - at));
        bytes.extend_from_slice(&hay[at..]);
        View { bytes, pieces }
    }

    /// Where view position `p` (in an unchanged stretch, or at its end) lies in `hay`.
    fn hay_pos(&self, p: usize) -> Option<usize> {
        let i = self
            .pieces
            .partition_point(|&(v, _, _)| v <= p)
            .checked_sub(1)?;
        let (v, h, len) = self.pieces[i];
        (p - v <= len).then_some(h + (p - v))
    }

    /// Where hay position `p` (outside every span) lies in the view.
    fn view_pos(&self, p: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|&(_, h, _)| h <= p)
            .saturating_sub(1);
        let (v, h, _) = self.pieces[i];
        v + (p - h)
    }
}

/// The spans of segment `hay[lo..]` for the patterns in `seen`, with `forced` (spans decided
/// beside the automaton: a Kubernetes Secret's data values, `kube.rs`), settled: matching
/// the text with them written as markers finds nothing more. `marker` gives the text
/// written for each kind.
pub(crate) fn settled_spans(
    engine: &Engine,
    hay: &[u8],
    lo: usize,
    seen: &[usize],
    forced: &[Span],
    marker: &dyn Fn(Kind) -> &'static str,
    out: &mut Vec<Span>,
) {
    engine.match_segment(hay, lo, seen, out);
    if !forced.is_empty() {
        out.extend_from_slice(forced);
        merge(out);
    }
    let mut more = Vec::new();
    for _ in 0..ROUNDS {
        if out.is_empty() {
            return;
        }
        let view = View::build(hay, out, marker);
        engine.match_segment(&view.bytes, view.view_pos(lo), seen, &mut more);
        let before = out.len();
        for sp in &more {
            // Spans over a marker are dropped by the matcher, so each new span lies in an
            // unchanged stretch.
            if let (Some(start), Some(end)) = (view.hay_pos(sp.start), view.hay_pos(sp.end))
                && start < end
            {
                out.push(Span {
                    start,
                    end,
                    kind: sp.kind,
                });
            }
        }
        if out.len() == before {
            return;
        }
        merge(out);
    }
    // Still growing: a chain of glued candidates. Mask from the first span to the end.
    if let Some(first) = out.first().copied() {
        out.clear();
        out.push(Span {
            start: first.start,
            end: hay.len(),
            kind: first.kind,
        });
    }
}
