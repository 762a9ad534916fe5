//! Which short strings cannot change under redaction, decided without the scanner.
//!
//! A structural walk redacts hundreds of thousands of short strings (`"delivered"`,
//! `"USD"`, timestamps, names), and almost none of them hold a match. The exact scanner
//! spends most of its time on them walking the rules' dense automaton (megabytes, so a
//! cache miss per byte) and setting up its per-call state. This filter answers first, from
//! the same anchors stage 1 of the two-stage scanner derives from the trigger patterns
//! ([`crate::fast::derive`]): every match of a trigger contains one of its literal anchors
//! (lower-case, matched here ASCII-case-insensitively) or, for the digit trigger, is a run
//! of its class holding enough counted bytes (raised, as in stage 1, to what the checks
//! behind it need). A string holding no anchor cannot make the automaton match, so the
//! scanner would pass it through unchanged — provided it is no longer than the hold cap,
//! past which the scanner fails closed without a match.
//!
//! Nothing is listed by hand: a rule added to the rule table brings its anchors here, and
//! a pattern that yields no anchor (a user pattern such as `[a-z][0-9]+`) turns the filter
//! off, so every string goes through the scanner.

use aho_corasick::Anchored;
use aho_corasick::automaton::Automaton as _;

use crate::fast::Triggers;
use crate::fast::derive::ClassRun;

/// The anchors of a rule set, searched in one string at a time.
pub(crate) struct Prefilter {
    /// Every literal anchor (lower case), matched ASCII-case-insensitively, as one
    /// unanchored automaton walked byte by byte (a short string costs no search set-up);
    /// `None` when the patterns have none.
    literals: Option<aho_corasick::dfa::DFA>,
    /// The class runs (the digit trigger's), each with its alternatives settled.
    runs: Vec<ClassRun>,
}

impl std::fmt::Debug for Prefilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prefilter")
            .field(
                "literals",
                &self
                    .literals
                    .as_ref()
                    .map(aho_corasick::automaton::Automaton::patterns_len),
            )
            .field("runs", &self.runs.len())
            .finish()
    }
}

impl Prefilter {
    /// The filter for the anchors derived from the trigger patterns (the same derivation
    /// stage 1 reads).
    pub(crate) fn new(derived: &Triggers) -> Option<Prefilter> {
        // Searched ASCII-case-insensitively and without follow bytes: a superset of what
        // stage 1 searches, which is all a filter that may only say "no" needs.
        let mut literals: Vec<&[u8]> = derived
            .literals
            .iter()
            .map(|l| l.bytes.as_slice())
            .collect();
        let runs = derived.runs.clone();
        literals.sort();
        literals.dedup();
        let literals = if literals.is_empty() {
            None
        } else {
            Some(
                aho_corasick::dfa::DFA::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .start_kind(aho_corasick::StartKind::Unanchored)
                    .prefilter(false)
                    .build(&literals)
                    .ok()?,
            )
        };
        Some(Prefilter { literals, runs })
    }

    /// Whether `text` holds an anchor: `false` means no trigger can match in it.
    pub(crate) fn has_anchor(&self, text: &[u8]) -> bool {
        self.runs.iter().any(|r| has_candidate_run(r, text))
            || self
                .literals
                .as_ref()
                .is_some_and(|ac| has_literal(ac, text))
    }
}

/// Whether `text` holds one of the automaton's literals.
fn has_literal(ac: &aho_corasick::dfa::DFA, text: &[u8]) -> bool {
    let Ok(mut sid) = ac.start_state(Anchored::No) else {
        // Unreachable (the automaton is built unanchored); scanning is always safe.
        return true;
    };
    if ac.is_match(sid) {
        return true;
    }
    for &b in text {
        sid = ac.next_state(Anchored::No, sid, b);
        if ac.is_special(sid) {
            // A match, or a dead state (never entered by an unanchored search; scanning
            // is always safe).
            if ac.is_match(sid) || ac.is_dead(sid) {
                return true;
            }
        }
    }
    false
}

/// Whether `text` holds a maximal run of `r`'s class that is a candidate: one of the
/// alternatives in force holds (enough counted bytes, and a needed byte when it asks one).
fn has_candidate_run(r: &ClassRun, text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        if r.table[usize::from(text[i])] & 1 == 0 {
            i += 1;
            continue;
        }
        let mut count = 0usize;
        let mut need = 0u8;
        while i < text.len() {
            let t = r.table[usize::from(text[i])];
            if t & 1 == 0 {
                break;
            }
            count += usize::from(t >> 1 & 1);
            need |= t >> 2;
            i += 1;
        }
        if count >= r.min_k
            && r.alts.iter().enumerate().any(|(a, (k, nd))| {
                // The table holds need bits for the first six alternatives; a later one
                // with a need is taken as met (a candidate too many is only slower).
                count >= *k && (nd.is_none() || a >= 6 || need & (1 << a) != 0)
            })
        {
            return true;
        }
    }
    false
}
