//! The fast path: stage 1 of the two-stage scanner.
//!
//! The exact scanner (`scan.rs`) walks the dense DFA over every byte, which tops out near
//! 500 MB/s. Stage 1 finds, much faster, the places where a rule could match — *anchors*
//! (literals every match of a trigger contains, found with memchr / Aho-Corasick on
//! lower-cased text, and class runs such as "a run of digits and separators holding at
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
pub(crate) mod proof;

use regex_automata::dfa::dense;
use regex_automata::util::primitives::StateID;
use regex_automata::util::syntax;

use derive::{Anchors, ClassRun};

/// Bytes of text lower-cased and searched at a time for literal anchors.
const BLOCK: usize = 16 * 1024;

/// Stage 1 for one engine.
pub(crate) struct Fast {
    /// Single-byte literal anchors (lower case), searched with memchr.
    single: Vec<u8>,
    /// Longer literal anchors (lower case).
    multi: Option<aho_corasick::AhoCorasick>,
    /// The longest literal anchor.
    max_lit: usize,
    runs: Vec<ClassRun>,
    /// For each byte: the start state it leads to when it is a cut byte.
    cut_state: Vec<Option<StateID>>,
    cut_byte: [bool; 256],
    max_hold: usize,
    /// The anchors, for tests and docs.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) literals: Vec<Vec<u8>>,
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
    /// The first class-run candidate in `[run_from, run_to)` is at `run_at` (`run_to`: none).
    run_from: usize,
    run_to: usize,
    run_at: usize,
    folded: Vec<u8>,
}

impl Stage1 {
    /// Forgets the previous chunk.
    pub(crate) fn reset(&mut self) {
        self.lit_from = 1;
        self.lit_at = 0;
        self.run_from = 1;
        self.run_at = 0;
        self.run_to = usize::MAX;
    }
}

/// The first candidate run of `r` meeting a position in `[lo, hi)` (runs clamped to
/// `from`), by a byte-by-byte look.
fn first_candidate(
    r: &ClassRun,
    alts: &[(usize, Option<derive::ByteSet>)],
    hay: &[u8],
    from: usize,
    lo: usize,
    hi: usize,
) -> Option<usize> {
    let mut p = lo;
    while p < hi {
        if !r.run[usize::from(hay[p])] {
            p += 1;
            continue;
        }
        let mut s = p;
        while s > from && r.run[usize::from(hay[s - 1])] {
            s -= 1;
        }
        let mut e = p;
        while e < hay.len() && r.run[usize::from(hay[e])] {
            e += 1;
        }
        let run = &hay[s..e];
        let count = run.iter().filter(|&&b| r.count[usize::from(b)]).count();
        let hit = alts.iter().any(|(k, need)| {
            count >= *k
                && need
                    .as_ref()
                    .is_none_or(|nd| run.iter().any(|&b| nd[usize::from(b)]))
        });
        if hit {
            return Some(s);
        }
        p = e + 1;
    }
    None
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
    /// Derives stage 1 for the DFA built from `texts`; `None` leaves the exact scanner.
    ///
    /// `checks[p]`: for DFA pattern `p`, the exact regexes it guards with each one's fewest
    /// digits (`rules::min_digits`, 0 when not a digit rule); see [`ClassRun::promote`].
    pub(crate) fn new(
        texts: &[String],
        checks: &[Vec<(usize, &str)>],
        dfa: &dense::DFA<Vec<u32>>,
        max_hold: usize,
        is_cut_match: &dyn Fn(StateID) -> bool,
    ) -> Option<Fast> {
        let cfg = syntax::Config::new().unicode(false).utf8(false);
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut runs = Vec::new();
        let mut harmless = vec![false; texts.len()];
        for (p, t) in texts.iter().enumerate() {
            let hir = syntax::parse_with(t, &cfg).ok()?;
            match derive::anchors(&hir)? {
                Anchors::Literals(l) => literals.extend(l),
                Anchors::Run(mut r) => {
                    let exact: Vec<(usize, regex_syntax::hir::Hir)> = checks
                        .get(p)
                        .into_iter()
                        .flatten()
                        .filter_map(|&(k, re)| Some((k, syntax::parse_with(re, &cfg).ok()?)))
                        .collect();
                    let with_refs: Vec<(usize, &regex_syntax::hir::Hir)> =
                        exact.iter().map(|(k, h)| (*k, h)).collect();
                    if exact.len() == checks.get(p).map_or(0, Vec::len) {
                        harmless[p] = r.promote(&with_refs);
                    }
                    runs.push(*r);
                }
            }
        }
        literals.sort();
        literals.dedup();
        let ac_all = if literals.is_empty() {
            None
        } else {
            Some(
                aho_corasick::dfa::DFA::builder()
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .build(&literals)
                    .ok()?,
            )
        };
        let start = {
            use regex_automata::dfa::Automaton as _;
            dfa.start_state(
                &regex_automata::util::start::Config::new().anchored(regex_automata::Anchored::No),
            )
            .ok()?
        };
        let cut_state = proof::prove(
            dfa,
            ac_all.as_ref(),
            &literals,
            &runs,
            &harmless,
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
        let single: Vec<u8> = literals
            .iter()
            .filter(|l| l.len() == 1)
            .map(|l| l[0])
            .collect();
        let longer: Vec<&Vec<u8>> = literals.iter().filter(|l| l.len() > 1).collect();
        let (single, longer) = if single.len() > 3 {
            // memchr takes at most three bytes: all of them go to Aho-Corasick.
            (Vec::new(), literals.iter().collect())
        } else {
            (single, longer)
        };
        let multi = if longer.is_empty() {
            None
        } else {
            Some(
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(longer)
                    .ok()?,
            )
        };
        Some(Fast {
            single,
            multi,
            max_lit: literals.iter().map(Vec::len).max().unwrap_or(1),
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
            .map(|l| String::from_utf8_lossy(l).into_owned())
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
    /// runs past the end (`hay.len()` with `last`). Searches in growing windows, so the
    /// cost stays proportional to the distance to the anchor.
    fn next_literal(&self, hay: &[u8], from: usize, last: bool, folded: &mut Vec<u8>) -> usize {
        let n = hay.len();
        let mut at = from;
        let mut window = 1024usize;
        while at < n {
            let end = (at + window).min(n);
            window = (window * 2).min(BLOCK);
            // Overlap so an anchor across the window end is seen whole.
            let ext = (end + self.max_lit - 1).min(n);
            folded.clear();
            folded.resize(ext - at, 0);
            for (f, &b) in folded.iter_mut().zip(&hay[at..ext]) {
                *f = b.to_ascii_lowercase();
            }
            let limit = end - at;
            let mut best = match self.single.as_slice() {
                [] => None,
                [a] => memchr::memchr(*a, &folded[..limit]),
                [a, b] => memchr::memchr2(*a, *b, &folded[..limit]),
                [a, b, c, ..] => memchr::memchr3(*a, *b, *c, &folded[..limit]),
            };
            if let Some(ac) = &self.multi {
                let span = best.map_or(ext - at, |p| (p + self.max_lit).min(ext - at));
                let input = aho_corasick::Input::new(&folded[..span]);
                if let Some(m) = ac.find(input)
                    && m.start() < limit
                {
                    best = Some(best.map_or(m.start(), |b| b.min(m.start())));
                }
            }
            if let Some(p) = best {
                return at + p;
            }
            at = end;
        }
        if last {
            n
        } else {
            n.saturating_sub(self.max_lit - 1).max(from)
        }
    }

    /// The first class-run candidate in `hay[from..to]` (its start, clamped to `from`), or
    /// `to`; a run reaching the end of an unfinished chunk counts, since it may go on.
    fn next_run(&self, hay: &[u8], from: usize, to: usize, last: bool) -> usize {
        let mut best = to;
        for r in &self.runs {
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
            let alts = r.alternatives();
            let min_k = r.min_k().max(1);
            // Digits (a contiguous range) are counted 16 bytes at a time, in a form the
            // compiler vectorizes; only blocks whose count, plus what a run entering them
            // may carry, reaches `min_k` are looked at byte by byte.
            let range = r.count_range();
            let mut chain = 0usize;
            let mut chain_start = from;
            let mut x = from;
            while x < best {
                let end = (x + 16).min(hay.len());
                let blk = &hay[x..end];
                let dc = match (range, <&[u8; 16]>::try_from(blk)) {
                    (Some((lo, span)), Ok(arr)) => usize::from(
                        arr.iter()
                            .fold(0u8, |a, &b| a + u8::from(b.wrapping_sub(lo) <= span)),
                    ),
                    _ => blk.iter().filter(|&&b| r.count[usize::from(b)]).count(),
                };
                // A run inside the block holds at most `dc` counted bytes; one entering it
                // at most `chain + dc`.
                if (dc >= min_k || (chain > 0 && dc + chain >= min_k))
                    && let Some(c) = first_candidate(r, &alts, hay, from, chain_start, end)
                {
                    best = best.min(c);
                    break;
                }
                // What a run leaving this block carries: the counted bytes of its suffix of
                // run bytes, plus the chain before when the whole block is such a suffix.
                let mut s = end;
                let mut carried = 0usize;
                while s > x && r.run[usize::from(hay[s - 1])] {
                    s -= 1;
                    carried += usize::from(r.count[usize::from(hay[s])]);
                }
                if s == x && chain > 0 {
                    chain += carried;
                } else {
                    chain = carried;
                    chain_start = s;
                }
                x = end;
            }
        }
        best
    }

    /// Where the scanner, in a start state at `from` with nothing pending, may jump: the
    /// last proven cut before the next anchor, if no stretch between cuts there reaches the
    /// hold cap (the exact scanner could fail closed on it: the DFA walks such stretches).
    pub(crate) fn skip(&self, hay: &[u8], from: usize, last: bool, st: &mut Stage1) -> Skip {
        if !(st.lit_from <= from && from <= st.lit_at) {
            st.lit_from = from;
            st.lit_at = self.next_literal(hay, from, last, &mut st.folded);
        }
        if !(st.run_from <= from && from <= st.run_at && st.run_to == st.lit_at) {
            st.run_from = from;
            st.run_to = st.lit_at;
            st.run_at = self.next_run(hay, from, st.lit_at, last);
        }
        let anchor = st.run_at.min(st.lit_at);
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
