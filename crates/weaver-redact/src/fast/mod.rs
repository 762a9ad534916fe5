//! The fast path: stage 1 of the two-stage scanner.
//!
//! The exact scanner (`scan.rs`) walks the dense DFA over every byte, which tops out near
//! 500 MB/s. Stage 1 finds, much faster, the places where a rule could match — *anchors*
//! (literals every match of a trigger contains — case-sensitive ones searched in the text
//! as it is, case-insensitive ones in a lower-cased copy, either with a *follow set* when
//! the pattern says which bytes come right after — found with memchr and Teddy, and class
//! runs such as "a run of digits and separators holding at
//! least 8 digits") — and *proven cuts*: positions after a cut byte with no anchor since
//! the last start state, where the DFA is known to be in a start state. Whenever the
//! scanner sits in a start state with nothing pending, it asks [`Fast::skip`] for the last
//! proven cut before the next anchor and jumps there; the DFA (stage 2) then runs only from
//! that cut through the anchor to the next start state, exactly as before. The scanner's
//! state after a jump (DFA state, last cut, nothing pending) is the one the byte-by-byte
//! walk would have reached, so the output is identical by construction; a differential
//! property test and a fuzz target hold the two paths to it.
//!
//! Both the anchors and the cut bytes are derived, never listed by hand: anchors from the
//! trigger patterns' syntax ([`derive`]), cut bytes by an exhaustive walk of the built DFA
//! against the anchor automata ([`proof`]). A pattern without anchors, or a DFA the walk
//! cannot vouch for, leaves the redactor on the exact scanner alone.

pub(crate) mod derive;
mod lits;
pub(crate) mod proof;
mod runs;
mod simd;

use std::fmt::Write as _;

use regex_automata::dfa::dense;
use regex_automata::util::primitives::StateID;
use regex_automata::util::syntax;

use derive::{Anchors, ClassRun, Lit};
use lits::LitSet;
use runs::first_run;

/// Bytes of text lower-cased and searched at a time for literal anchors.
const BLOCK: usize = 64 * 1024;

/// Stage 1 for one engine.
pub(crate) struct Fast {
    /// Case-sensitive literal anchors, searched in the text as it is.
    raw: Option<LitSet>,
    /// Folded literal anchors, searched in a lower-cased copy.
    folded: Option<LitSet>,
    /// The most bytes a literal anchor spans (its follow byte included).
    max_span: usize,
    runs: Vec<ClassRun>,
    /// The vector form of each class run, when it has one.
    specs: Vec<Option<simd::Spec>>,
    /// For each byte: the start state it leads to when it is a cut byte.
    cut_state: Vec<Option<StateID>>,
    cut_byte: [bool; 256],
    max_hold: usize,
    /// The anchors, for tests and docs.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) literals: Vec<Lit>,
}

impl std::fmt::Debug for Fast {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fast")
            .field("literals", &self.literals.len())
            .field("runs", &self.runs.len())
            .field("cut_bytes", &self.cut_byte.iter().filter(|&&b| b).count())
            .finish_non_exhaustive()
    }
}

/// Stage 1's memory within one chunk: the next anchors found so far, so each byte is
/// searched once however often the scanner asks.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stage1 {
    /// The first literal anchor at or after `lit_from` is at `lit_at`.
    lit_from: usize,
    lit_at: usize,
    /// The same for each literal set alone (case-sensitive, folded).
    raw_from: usize,
    raw_at: usize,
    fold_from: usize,
    fold_at: usize,
    /// Each Teddy searcher's next candidate (see [`LitSet::find`]).
    raw_cache: Vec<(usize, usize, bool)>,
    fold_cache: Vec<(usize, usize, bool)>,
    /// The first class-run candidate in `[run_from, run_to)` is at `run_at` (`run_to`: none).
    run_from: usize,
    run_to: usize,
    run_at: usize,
    /// `hay[fold_lo..fold_hi]` lower-cased.
    folded: Vec<u8>,
    fold_lo: usize,
    fold_hi: usize,
}

impl Stage1 {
    /// Forgets the previous chunk.
    pub(crate) fn reset(&mut self) {
        self.lit_from = 1;
        self.lit_at = 0;
        self.raw_from = 1;
        self.raw_at = 0;
        self.fold_from = 1;
        self.fold_at = 0;
        self.raw_cache.clear();
        self.fold_cache.clear();
        self.run_from = 1;
        self.run_at = 0;
        self.run_to = usize::MAX;
        self.fold_lo = 0;
        self.fold_hi = 0;
        self.folded.clear();
    }
}

/// The most anchor literals with which stage 1 is built with the engine. Literals are
/// searched by Teddy in groups of at most `lits::GROUP` of one length class, so each further
/// group is one more pass over the text; the default rules derive ~170 (vendor heads,
/// Discord leads, keywords with their follow bytes). For them stage 1 measured ~1.3–1.6×
/// the exact scanner on text_20mb (release, 2026-12-01, 2-core VM: 70–90 ms against
/// 100–120 ms per call) for ~8 ms more build time, so it is deferred to inputs of 4 MiB
/// and more (see `engine::LAZY_STAGE1_BYTES`); smaller sets (a few kinds, user patterns with
/// literals) build it at once.
pub(crate) const MAX_LITERALS: usize = 64;

/// [`Fast::new`] declined: the patterns derive more anchor literals than the limit it was
/// given, so a stage 1 for them is worth building only for large inputs.
#[derive(Debug)]
pub(crate) struct TooMany;

/// What the trigger patterns yield, derived once for stage 1 and for the leaf filter
/// (`leaf/prefilter.rs`), so the two can never disagree about an anchor.
#[derive(Clone)]
pub(crate) struct Triggers {
    /// Every pattern's literal anchors, unsorted.
    pub(crate) literals: Vec<Lit>,
    /// The class runs, each promoted (when every exact check parses) and settled.
    pub(crate) runs: Vec<ClassRun>,
    /// For pattern `p`: whether its run's promotion proved it harmless (see
    /// [`ClassRun::promote`]).
    pub(crate) harmless: Vec<bool>,
}

impl Triggers {
    /// Derives the anchors of `texts`; `checks[p]`: for pattern `p`, the exact regexes it
    /// guards with each one's fewest digits. `None` when a pattern yields no anchor.
    pub(crate) fn derive(texts: &[String], checks: &[Vec<(usize, &str)>]) -> Option<Triggers> {
        let cfg = syntax::Config::new().unicode(false).utf8(false);
        let mut out = Triggers {
            literals: Vec::new(),
            runs: Vec::new(),
            harmless: vec![false; texts.len()],
        };
        for (p, t) in texts.iter().enumerate() {
            let hir = syntax::parse_with(t, &cfg).ok()?;
            match derive::anchors(&hir)? {
                Anchors::Literals(l) => out.literals.extend(l),
                Anchors::Run(mut r) => {
                    // Promoted only when every check parses (`promote` also refreshes the
                    // cached alternatives).
                    let exact: Vec<(usize, regex_syntax::hir::Hir)> = checks
                        .get(p)
                        .into_iter()
                        .flatten()
                        .filter_map(|&(k, re)| Some((k, syntax::parse_with(re, &cfg).ok()?)))
                        .collect();
                    if exact.len() == checks.get(p).map_or(0, Vec::len) {
                        let refs: Vec<(usize, &regex_syntax::hir::Hir)> =
                            exact.iter().map(|(k, h)| (*k, h)).collect();
                        out.harmless[p] = r.promote(&refs);
                    }
                    r.settle();
                    out.runs.push(*r);
                }
            }
        }
        Some(out)
    }
}

/// Where stage 1 says the scanner may go.
pub(crate) struct Skip {
    /// The proven cut to jump to (`== from` when there is none).
    pub(crate) to: usize,
    /// The DFA state at `to` (when `to > from`).
    pub(crate) state: StateID,
    /// The first anchor at or after `from`: no jump is possible before the DFA passes it.
    pub(crate) anchor: usize,
}

impl Fast {
    /// Stage 1 for `dfa` from its patterns' derived anchors; `None` leaves the exact
    /// scanner alone, [`TooMany`] says the patterns have more than `max_literals` literal
    /// anchors.
    pub(crate) fn new<T: AsRef<[u32]>>(
        triggers: &Triggers,
        dfa: &dense::DFA<T>,
        max_hold: usize,
        max_literals: usize,
        is_cut_match: &dyn Fn(StateID) -> bool,
    ) -> Result<Option<Fast>, TooMany> {
        let mut literals = triggers.literals.clone();
        literals.sort_by(|a, b| (&a.bytes, a.fold).cmp(&(&b.bytes, b.fold)));
        literals.dedup();
        if literals.len() > max_literals {
            return Err(TooMany);
        }
        Ok(Self::build(
            dfa,
            literals,
            triggers.runs.clone(),
            &triggers.harmless,
            max_hold,
            is_cut_match,
        ))
    }

    fn build<T: AsRef<[u32]>>(
        dfa: &dense::DFA<T>,
        literals: Vec<Lit>,
        runs: Vec<ClassRun>,
        harmless: &[bool],
        max_hold: usize,
        is_cut_match: &dyn Fn(StateID) -> bool,
    ) -> Option<Fast> {
        let (folded_lits, raw_lits): (Vec<Lit>, Vec<Lit>) =
            literals.iter().cloned().partition(|l| l.fold);
        let ac_of = |lits: &[Lit]| -> Option<Option<aho_corasick::dfa::DFA>> {
            if lits.is_empty() {
                return Some(None);
            }
            aho_corasick::dfa::DFA::builder()
                .match_kind(aho_corasick::MatchKind::Standard)
                .build(lits.iter().map(|l| l.bytes.as_slice()))
                .ok()
                .map(Some)
        };
        let (ac_raw, ac_fold) = (ac_of(&raw_lits)?, ac_of(&folded_lits)?);
        let la_raw = ac_raw.as_ref().map(|dfa| proof::LitAutomaton {
            dfa,
            lits: &raw_lits,
            fold: false,
        });
        let la_fold = ac_fold.as_ref().map(|dfa| proof::LitAutomaton {
            dfa,
            lits: &folded_lits,
            fold: true,
        });
        let start = {
            use regex_automata::dfa::Automaton as _;
            dfa.start_state(
                &regex_automata::util::start::Config::new().anchored(regex_automata::Anchored::No),
            )
            .ok()?
        };
        let cut_state = proof::prove(
            dfa,
            la_raw.as_ref(),
            la_fold.as_ref(),
            &runs,
            harmless,
            start,
            is_cut_match,
        )?;
        let mut cut_byte = [false; 256];
        for (b, s) in cut_state.iter().enumerate() {
            cut_byte[b] = s.is_some();
        }
        if !cut_byte.iter().any(|&b| b) {
            return None;
        }
        let set = |lits: Vec<Lit>, fold| -> Option<Option<LitSet>> {
            if lits.is_empty() {
                Some(None)
            } else {
                LitSet::new(lits, fold).map(Some)
            }
        };
        Some(Fast {
            specs: runs.iter().map(simd::Spec::of).collect(),
            raw: set(raw_lits, false)?,
            folded: set(folded_lits, true)?,
            max_span: literals.iter().map(Lit::span).max().unwrap_or(1),
            runs,
            cut_state,
            cut_byte,
            max_hold,
            literals,
        })
    }

    /// A readable account of what stage 1 looks for (anchors, class runs, cut bytes).
    pub(crate) fn summary(&self) -> String {
        let lits: Vec<String> = self
            .literals
            .iter()
            .map(|l| {
                let mut t = String::from_utf8_lossy(&l.bytes).into_owned();
                if l.fold {
                    t.insert_str(0, "(?i)");
                }
                if let Some(f) = &l.follow {
                    let f: Vec<u8> = (0..=255u8).filter(|&b| f[usize::from(b)]).collect();
                    let _ = write!(t, "[{}]", String::from_utf8_lossy(&f));
                }
                t
            })
            .collect();
        let cuts: Vec<u8> = (0..=255u8)
            .filter(|&b| self.cut_byte[usize::from(b)])
            .collect();
        let runs: Vec<String> = self
            .runs
            .iter()
            .map(|r| {
                let run: Vec<u8> = (0..=255u8).filter(|&b| r.run[usize::from(b)]).collect();
                let alts: Vec<String> = r
                    .alternatives()
                    .iter()
                    .map(|(k, need)| match need {
                        None => format!("{k}"),
                        Some(n) => {
                            let n: Vec<u8> = (0..=255u8).filter(|&b| n[usize::from(b)]).collect();
                            format!("{k} with one of {:?}", String::from_utf8_lossy(&n))
                        }
                    })
                    .collect();
                format!("run {:?} counting {alts:?}", String::from_utf8_lossy(&run))
            })
            .collect();
        format!(
            "literals {lits:?}; {runs:?}; cut bytes {:?}",
            String::from_utf8_lossy(&cuts)
        )
    }

    /// The first literal anchor starting in `hay[from..]`, or where one might start that
    /// runs past the end (`hay.len()` with `last`). Case-sensitive literals are searched in
    /// the chunk, folded ones in a lower-cased copy made a block at a time; each set
    /// remembers its next anchor, so every byte is searched once per set.
    fn next_literal(&self, hay: &[u8], from: usize, last: bool, st: &mut Stage1) -> usize {
        let n = hay.len();
        // An anchor starting at or past `edge` may run past the end of the chunk.
        let edge = if last {
            n
        } else {
            n.saturating_sub(self.max_span - 1).max(from)
        };
        let mut best = edge;
        if let Some(r) = &self.raw {
            if !(st.raw_from <= from && from <= st.raw_at) {
                st.raw_from = from;
                st.raw_at = r
                    .find(hay, 0, hay, from, edge, &mut st.raw_cache)
                    .unwrap_or(edge);
            }
            best = best.min(st.raw_at);
        }
        if let Some(f) = &self.folded {
            if !(st.fold_from <= from && from <= st.fold_at) {
                st.fold_from = from;
                st.fold_at = Self::next_folded(f, hay, from, edge, st);
            }
            best = best.min(st.fold_at);
        }
        best
    }

    /// The first folded anchor starting in `hay[from..edge]`, or `edge`.
    fn next_folded(f: &LitSet, hay: &[u8], from: usize, edge: usize, st: &mut Stage1) -> usize {
        let n = hay.len();
        let mut at = from;
        while at < edge {
            let covered = st.fold_lo <= at && (at + f.max_len <= st.fold_hi || st.fold_hi == n);
            if !covered {
                st.fold_lo = at;
                st.fold_hi = (at + BLOCK).min(n);
                st.folded.clear();
                st.folded
                    .extend(hay[at..st.fold_hi].iter().map(u8::to_ascii_lowercase));
                st.fold_cache.clear();
            }
            let end = st.fold_hi;
            // A literal starting before `lim` lies wholly in the block.
            let lim = if end == n { n } else { end + 1 - f.max_len }.min(edge);
            if let Some(p) = f.find(&st.folded, st.fold_lo, hay, at, lim, &mut st.fold_cache) {
                return p;
            }
            at = lim;
        }
        edge
    }

    /// The first class-run candidate in `hay[from..to]` (its start, clamped to `from`), or
    /// `to`; a run reaching the end of an unfinished chunk counts, since it may go on.
    fn next_run(&self, hay: &[u8], from: usize, to: usize, last: bool) -> usize {
        let mut best = to;
        for (r, spec) in self.runs.iter().zip(&self.specs) {
            let spec = spec.as_ref();
            if !last {
                // A run touching the end of the chunk may go on in the next one.
                let mut s = hay.len();
                while s > from && r.run[usize::from(hay[s - 1])] {
                    s -= 1;
                }
                if s < hay.len() {
                    best = best.min(s);
                }
            }
            if let Some(c) = first_run(r, spec, hay, from, best) {
                best = best.min(c);
            }
        }
        best
    }

    /// Where the scanner, in a start state at `from` with nothing pending, may jump: the
    /// last proven cut before the next anchor, if no stretch between cuts there reaches the
    /// hold cap (the exact scanner could fail closed on it: the DFA walks such stretches).
    /// Never past `limit`, where a line the scanner holds whole starts (`scan/held.rs`);
    /// `anchor` is then at most `limit`.
    pub(crate) fn skip(
        &self,
        hay: &[u8],
        from: usize,
        last: bool,
        st: &mut Stage1,
        limit: usize,
    ) -> Skip {
        if !(st.lit_from <= from && from <= st.lit_at) {
            st.lit_from = from;
            st.lit_at = self.next_literal(hay, from, last, st);
        }
        if !(st.run_from <= from && from <= st.run_at && st.run_to == st.lit_at) {
            st.run_from = from;
            st.run_to = st.lit_at;
            st.run_at = self.next_run(hay, from, st.lit_at, last);
        }
        let anchor = st.run_at.min(st.lit_at).min(limit.max(from));
        let mut to = from;
        let mut x = anchor;
        while x > from {
            if self.cut_byte[usize::from(hay[x - 1])] {
                to = x;
                break;
            }
            x -= 1;
        }
        if to - from >= self.max_hold {
            to = self.capped(hay, from, to);
        }
        let state = if to > from {
            self.cut_state[usize::from(hay[to - 1])].unwrap_or_default()
        } else {
            StateID::default()
        };
        Skip { to, state, anchor }
    }

    /// The last cut in `(from, to]` reachable from `from` through gaps between cuts of at
    /// most the hold cap.
    fn capped(&self, hay: &[u8], from: usize, to: usize) -> usize {
        let mut last = from;
        for (i, &b) in hay[from..to].iter().enumerate() {
            if self.cut_byte[usize::from(b)] {
                let at = from + i + 1;
                if at - last >= self.max_hold {
                    return last;
                }
                last = at;
            }
        }
        last
    }
}
