//! The one scanning state machine behind every path: `redact_str`, `redact_bytes` and the
//! streaming redactor all feed it bytes; one-shot calls are a single chunk plus the end.
//!
//! State carried between chunks: the DFA state, the position of the last *cut* (where the
//! DFA sat in a start state, so no match can cross it), whether a match was seen since that
//! cut (and for which patterns), and the original bytes not yet emitted plus
//! [`CONTEXT`] bytes before them. Every decision depends only on the bytes, never on where
//! a chunk ended, so any chunking gives the same output.
//!
//! Cuts: a start state of the DFA, or a match state that behaves like one (the token that
//! matched ended one byte ago and nothing else is in progress; see
//! `Engine::is_cut_match`). So a list of tokens is cut after every token.
//!
//! Held lines: inside a Kubernetes Secret's data block every line is one (`held.rs`,
//! `kube.rs`); no cut falls inside it, and the masks decided on its bytes join its segment.
//!
//! Hold cap (fail closed): if the bytes since the last cut grow past `max_hold`, they are
//! replaced by one [`Kind::HoldLimit`] marker that says how much it replaced
//! (`[REDACTED:hold_limit 70000 bytes]`, see [`hold_limit_marker`]), and the rest of that
//! run (up to the next cut) is swallowed without being buffered; the marker is written when
//! the run ends.

use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;

mod held;
mod sink;

use crate::engine::Engine;
use crate::fast::Stage1;
use crate::rules::Span;
use crate::{Finding, Inner, Kind};

pub(crate) use sink::{LazySink, Sink, StringSink, TailSink};

/// The marker of a run masked by the hold cap: `[REDACTED:hold_limit <n> bytes]`, in both
/// marker styles, so a reader sees that data was dropped and how much.
pub(crate) fn hold_limit_marker(bytes: u64) -> String {
    format!("[REDACTED:hold_limit {bytes} bytes]")
}

/// Whether the masked digits `hay[s..e]` are a bare JSON number: all digits, after an
/// optional `-` that is not yet written (`prev` is the first byte not yet written), and
/// after `":`, `[` or `,` (whitespace allowed). Returns where the number starts (its
/// sign included), so the marker replaces it whole.
fn json_number(hay: &[u8], prev: usize, s: usize, e: usize) -> Option<usize> {
    if !hay[s..e].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let start = if s > prev && hay[s - 1] == b'-' {
        s - 1
    } else {
        s
    };
    let mut i = start;
    while i > 0 && hay[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    let before = |k: usize| i.checked_sub(k).map(|j| hay[j]);
    let json = match before(1) {
        Some(b'[' | b',') => true,
        Some(b':') => before(2) == Some(b'"'),
        _ => false,
    };
    json.then_some(start)
}

#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    sid: StateID,
    /// Absolute offset of the next byte to be fed.
    pos: u64,
    /// Output is decided for every byte before this offset.
    emitted: u64,
    /// The last cut: no match can cross it.
    last_cut: u64,
    /// A match was seen since `last_cut`.
    pending: bool,
    /// Patterns that matched since `last_cut` (indices into the engine's list).
    seen: Vec<usize>,
    /// While failing closed: where the masked run began.
    swallow: Option<u64>,
    /// Original bytes from `buf_base` up to the start of the current chunk.
    buf: Vec<u8>,
    buf_base: u64,
    started: bool,
    /// The last byte fed (the byte before a chunk's first byte).
    last_byte: u8,
    masks: u64,
    scratch: Vec<u8>,
    spans: Vec<Span>,
    /// The last bytes of output (see [`TailSink`]).
    tail: Vec<u8>,
    /// Walk every byte with the DFA (the oracle), never jump with stage 1.
    exact: bool,
    stage1: Stage1,
    /// The Kubernetes Secret line machine (`kube.rs`), when its rule is on.
    kube: Option<crate::kube::Lines>,
    /// Spans it decided since `last_cut` (absolute offsets), masked with the segment.
    forced: Vec<(u64, u64)>,
    /// Scratch for the bytes of a held line.
    line: Vec<u8>,
}

impl Scanner {
    pub(crate) fn new(engine: &Engine) -> Self {
        Scanner {
            sid: engine.start(),
            pos: 0,
            emitted: 0,
            last_cut: 0,
            pending: false,
            seen: Vec::new(),
            swallow: None,
            buf: Vec::new(),
            buf_base: 0,
            started: true,
            last_byte: 0,
            masks: 0,
            scratch: Vec::new(),
            spans: Vec::new(),
            tail: Vec::new(),
            exact: false,
            stage1: Stage1::default(),
            kube: engine.kube.then(crate::kube::Lines::new),
            forced: Vec::new(),
            line: Vec::new(),
        }
    }

    /// A scanner that walks every byte with the DFA: the oracle the two-stage path is
    /// tested against.
    pub(crate) fn new_exact(engine: &Engine) -> Self {
        Scanner {
            exact: true,
            ..Scanner::new(engine)
        }
    }

    /// Bytes fed but not yet emitted (the held run).
    pub(crate) fn held(&self) -> usize {
        (self.pos - self.emitted) as usize
    }

    /// Total bytes fed.
    pub(crate) fn position(&self) -> u64 {
        self.pos
    }

    /// Number of masks written so far.
    pub(crate) fn masks(&self) -> u64 {
        self.masks
    }

    /// Feeds `chunk`; with `last`, also ends the stream. Writes decided output to `sink`.
    pub(crate) fn feed(
        &mut self,
        inner: &Inner,
        chunk: &[u8],
        last: bool,
        sink: &mut dyn Sink,
        on: &mut dyn FnMut(Finding),
    ) {
        if !self.started {
            self.tail.clear();
        }
        let mut tail = std::mem::take(&mut self.tail);
        let mut ts = TailSink {
            inner: sink,
            tail: &mut tail,
        };
        self.feed_inner(inner, chunk, last, &mut ts, on);
        self.tail = tail;
    }

    fn feed_inner(
        &mut self,
        inner: &Inner,
        chunk: &[u8],
        last: bool,
        sink: &mut TailSink<'_>,
        on: &mut dyn FnMut(Finding),
    ) {
        if !self.started {
            let exact = self.exact;
            *self = Scanner::new(&inner.engine);
            self.exact = exact;
        }
        crate::engine::with_dfa!(&inner.engine.dfa, dfa => {
            self.feed_dfa(dfa, inner, chunk, last, sink, on);
        });
    }

    /// [`Self::feed_inner`] on the engine's DFA, whichever storage it has.
    fn feed_dfa<T: AsRef<[u32]>>(
        &mut self,
        dfa: &regex_automata::dfa::dense::DFA<T>,
        inner: &Inner,
        chunk: &[u8],
        last: bool,
        sink: &mut TailSink<'_>,
        on: &mut dyn FnMut(Finding),
    ) {
        let engine = &inner.engine;
        let max_hold = engine.max_hold() as u64;
        let base = self.pos;
        let n = chunk.len();
        let mut i = 0usize;
        let mut sid = self.sid;
        let fast = if self.exact {
            None
        } else {
            engine.fast_for(base + n as u64)
        };
        self.stage1.reset();
        // No jump is tried before this index: stage 1 saw an anchor there that the DFA must
        // walk through first.
        let mut walk_until = 0usize;
        // The held line at or after `i` (see below), asked again only once `i` reaches
        // its end: until then the machine has nothing new to say.
        let mut held_line = (0usize, 0usize);
        while i < n {
            // Inner loop: plain transitions until a special state or the hold cap.
            let limit = self.last_cut + max_hold; // overflow once base + i > limit
            let stop = if self.swallow.is_some() {
                n
            } else {
                n.min((limit + 1).saturating_sub(base) as usize).max(i)
            };
            // A held line (a Kubernetes Secret's data, `kube.rs`) spans `[held, held_end)`:
            // no cut inside it; the DFA walks it and notes matches.
            if i >= held_line.1 && held_line.1 < n {
                held_line = self.held_line(chunk, base, i);
            }
            let (held, held_end) = held_line;
            if i >= held {
                let end = stop.min(held_end);
                while i < end {
                    sid = dfa.next_state(sid, chunk[i]);
                    i += 1;
                    if dfa.is_special_state(sid) && dfa.is_match_state(sid) {
                        self.note_match(engine, sid);
                    }
                }
                if self.swallow.is_none() && base + i as u64 > self.last_cut + max_hold {
                    self.overflow(chunk, base, sink);
                }
                continue;
            }
            let mut stop = stop.min(held);
            let mut special = false;
            let quiet = !self.pending && self.swallow.is_none();
            if quiet
                && i >= walk_until
                && let Some(f) = fast
                && dfa.is_start_state(sid)
                && base + i as u64 == self.last_cut
            {
                let s = f.skip(chunk, i, last, &mut self.stage1, held);
                walk_until = s.anchor + 1;
                if s.to > i {
                    i = s.to;
                    sid = s.state;
                    self.last_cut = base + i as u64;
                    stop = held.min((self.last_cut + max_hold + 1 - base) as usize);
                }
            }
            while i < stop {
                sid = dfa.next_state(sid, chunk[i]);
                i += 1;
                if dfa.is_special_state(sid) {
                    if quiet && dfa.is_start_state(sid) {
                        // The common case, at nearly every word boundary: a cut with
                        // nothing pending only moves the cut (and with it the cap).
                        let mut at = base + i as u64;
                        if i >= walk_until
                            && let Some(f) = fast
                        {
                            // Stage 1: jump to the last proven cut before the next anchor.
                            let s = f.skip(chunk, i, last, &mut self.stage1, held);
                            walk_until = s.anchor + 1;
                            if s.to > i {
                                i = s.to;
                                sid = s.state;
                                at = base + i as u64;
                            }
                        }
                        self.last_cut = at;
                        stop = held.min((at + max_hold + 1 - base) as usize);
                        continue;
                    }
                    special = true;
                    break;
                }
            }
            let at = base + i as u64;
            if special {
                if dfa.is_start_state(sid) {
                    self.cut(inner, at, false, chunk, base, sink, on);
                } else if dfa.is_match_state(sid) {
                    self.note_match(engine, sid);
                    // The token that matched is complete and nothing else is in progress:
                    // its delimiter is a cut, so a list of tokens is held (and masked) one
                    // token at a time, never as one run. Not after a digit and a comma:
                    // the digit guards look one byte past the comma (`4111…,42` is a
                    // decimal, not a card).
                    let before = if i >= 2 { chunk[i - 2] } else { self.last_byte };
                    if engine.is_cut_match(sid)
                        && !(chunk[i - 1] == b',' && before.is_ascii_digit())
                    {
                        self.cut(inner, at, false, chunk, base, sink, on);
                    }
                }
                // Dead and quit states cannot occur: the DFA is unanchored with MatchKind::All
                // and has no quit bytes.
            }
            if self.swallow.is_none() && at > self.last_cut + max_hold {
                self.overflow(chunk, base, sink);
            }
        }
        self.sid = sid;
        if let Some(&b) = chunk.last() {
            self.last_byte = b;
        }
        self.pos = base + n as u64;
        if last {
            self.held_line_at_end(chunk, base);
            let eoi = dfa.next_eoi_state(sid);
            if dfa.is_match_state(eoi) {
                self.note_match(engine, eoi);
            }
            let end = self.pos;
            self.cut(inner, end, true, chunk, base, sink, on);
            if end > self.emitted {
                self.emit_raw(chunk, base, self.emitted, end, sink);
                self.emitted = end;
            }
            self.started = false;
            self.buf.clear();
            return;
        }
        // Everything before the last cut is decided unless a match is pending there.
        if self.swallow.is_some() {
            self.emitted = self.pos;
        } else {
            let safe = self.last_cut;
            if safe > self.emitted {
                self.emit_raw(chunk, base, self.emitted, safe, sink);
                self.emitted = safe;
            }
        }
        self.retain(chunk, base);
    }

    fn note_match(&mut self, engine: &Engine, sid: StateID) {
        if self.swallow.is_some() {
            return;
        }
        self.pending = true;
        crate::engine::with_dfa!(&engine.dfa, dfa => {
            for k in 0..dfa.match_len(sid) {
                let p = dfa.match_pattern(sid, k).as_usize();
                if !self.seen.contains(&p) {
                    self.seen.push(p);
                }
            }
        });
    }

    /// A cut at `at`: close the pending segment or the fail-closed run.
    #[allow(clippy::too_many_arguments)]
    fn cut(
        &mut self,
        inner: &Inner,
        at: u64,
        eoi: bool,
        chunk: &[u8],
        base: u64,
        sink: &mut TailSink<'_>,
        on: &mut dyn FnMut(Finding),
    ) {
        if let Some(start) = self.swallow.take() {
            // Inside the stream the cut comes right after the byte that ended every thread;
            // that byte belongs to no match, so it passes through.
            let end = if at > base && at > start + 1 && !eoi {
                at - 1
            } else {
                at
            };
            // The marker is written here, once the run's length is known; nothing was
            // written since the overflow, so the output order is unchanged.
            sink.marker(&hold_limit_marker(end - start));
            on(Finding {
                kind: Kind::HoldLimit,
                start,
                end,
            });
            self.emitted = end;
            if end < at {
                self.emit_raw(chunk, base, end, at, sink);
                self.emitted = at;
            }
        } else if self.pending {
            self.process_segment(inner, at, chunk, base, sink, on);
        }
        self.pending = false;
        self.seen.clear();
        self.forced.clear();
        self.last_cut = at;
    }

    /// The held run since the last cut grew past the cap: mask it and swallow the rest of
    /// the run without buffering it.
    fn overflow(&mut self, chunk: &[u8], base: u64, sink: &mut dyn Sink) {
        let start = self.last_cut;
        if start > self.emitted {
            self.emit_raw(chunk, base, self.emitted, start, sink);
        }
        self.masks += 1;
        self.swallow = Some(start);
        self.pending = false;
        self.seen.clear();
        self.forced.clear();
        self.emitted = start;
    }

    fn process_segment(
        &mut self,
        inner: &Inner,
        end: u64,
        chunk: &[u8],
        base: u64,
        sink: &mut TailSink<'_>,
        on: &mut dyn FnMut(Finding),
    ) {
        let seg = self.last_cut;
        if seg > self.emitted {
            self.emit_raw(chunk, base, self.emitted, seg, sink);
            self.emitted = seg;
        }
        // The look-behind is the output before the segment (see `TailSink`), then the
        // segment's own bytes.
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut spans = std::mem::take(&mut self.spans);
        scratch.clear();
        scratch.extend_from_slice(sink.context());
        let lo = scratch.len();
        self.emit_raw(chunk, base, seg, end, &mut scratch);
        let hay = &scratch[..];
        let markers = &inner.markers;
        let forced: Vec<Span> = self
            .forced
            .iter()
            .map(|&(a, b)| Span {
                start: lo + (a - seg) as usize,
                end: lo + (b - seg) as usize,
                kind: crate::kube::KIND,
            })
            .collect();
        crate::fixpoint::settled_spans(
            &inner.engine,
            hay,
            lo,
            &self.seen,
            &forced,
            &|k| markers.get(k),
            &mut spans,
        );
        let mut prev = lo;
        for sp in &spans {
            let marker = inner.markers.get(sp.kind);
            if let Some(start) = json_number(hay, prev, sp.start, sp.end) {
                // A bare JSON number (`"n": 4111…`, `[…, -4111…]`): a quoted marker keeps a
                // JSON document valid, as structural redaction does.
                sink.raw(&hay[prev..start]);
                sink.marker("\"");
                sink.marker(marker);
                sink.marker("\"");
            } else {
                sink.raw(&hay[prev..sp.start]);
                sink.marker(marker);
            }
            on(Finding {
                kind: sp.kind,
                start: seg + (sp.start - lo) as u64,
                end: seg + (sp.end - lo) as u64,
            });
            prev = sp.end;
        }
        sink.raw(&hay[prev..]);
        self.masks += spans.len() as u64;
        self.emitted = end;
        self.scratch = scratch;
        self.spans = spans;
    }

    /// Writes original bytes `[a, b)` (from the buffer, the chunk, or both) to `sink`.
    fn emit_raw(&self, chunk: &[u8], base: u64, a: u64, b: u64, sink: &mut dyn Sink) {
        if a >= b {
            return;
        }
        if a < base {
            let bs = (a - self.buf_base) as usize;
            let be = (b.min(base) - self.buf_base) as usize;
            sink.raw(&self.buf[bs..be]);
        }
        if b > base {
            sink.raw(&chunk[(a.max(base) - base) as usize..(b - base) as usize]);
        }
    }

    /// Keeps the undecided bytes; drops the rest (a segment's look-behind is the output
    /// already written, see [`TailSink`]).
    fn retain(&mut self, chunk: &[u8], base: u64) {
        let keep_from = self.emitted.max(self.buf_base);
        let end = base + chunk.len() as u64;
        if keep_from >= base {
            self.buf.clear();
            self.buf
                .extend_from_slice(&chunk[(keep_from - base) as usize..]);
        } else {
            let drop = (keep_from - self.buf_base) as usize;
            self.buf.drain(..drop);
            self.buf.extend_from_slice(chunk);
        }
        self.buf_base = keep_from;
        debug_assert_eq!(self.buf_base + self.buf.len() as u64, end);
    }
}
