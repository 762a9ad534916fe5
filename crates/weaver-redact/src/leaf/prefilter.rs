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
//! An anchor counts as stage 1 counts it: with its case (`SK` and `NT…` are vendor heads,
//! `sk` and `nt` in `task` and `amount` are not) and, when the pattern must go on after
//! it, with one of its follow bytes. The automaton finds every case form of every literal
//! in one walk; each hit is then confirmed on the string ([`Lit::at`]). Without the
//! confirmation a fifth of the short strings of a typical document (`amount`, `android`,
//! `notes`) passed the filter, and each then cost a walk of the trigger automaton.
//!
//! Nothing is listed by hand: a rule added to the rule table brings its anchors here, and
//! a pattern that yields no anchor (a user pattern such as `[a-z][0-9]+`) turns the filter
//! off, so every string goes through the scanner.

use aho_corasick::Anchored;
use aho_corasick::automaton::Automaton as _;

use crate::fast::Triggers;
use crate::fast::derive::{ClassRun, Lit};

/// The anchors of a rule set, searched in one string at a time.
pub(crate) struct Prefilter {
    /// Every literal anchor, matched ASCII-case-insensitively, as one unanchored automaton
    /// walked byte by byte (a short string costs no search set-up); `None` when the
    /// patterns have none. Its pattern `i` is `lits[i]`.
    literals: Option<aho_corasick::dfa::DFA>,
    /// The literal anchors with their case and follow bytes, which confirm a hit.
    lits: Vec<Lit>,
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
            .field("lits", &self.lits.len())
            .field("runs", &self.runs.len())
            .finish()
    }
}

impl Prefilter {
    /// The filter for the anchors derived from the trigger patterns (the same derivation
    /// stage 1 reads).
    pub(crate) fn new(derived: &Triggers) -> Option<Prefilter> {
        // Searched ASCII-case-insensitively (a superset of every case form), then each hit
        // confirmed with the literal's own case and follow bytes.
        let mut lits = derived.literals.clone();
        lits.sort_by(|a, b| (&a.bytes, a.fold).cmp(&(&b.bytes, b.fold)));
        lits.dedup();
        let runs = derived.runs.clone();
        let literals = if lits.is_empty() {
            None
        } else {
            Some(
                aho_corasick::dfa::DFA::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .start_kind(aho_corasick::StartKind::Unanchored)
                    .prefilter(false)
                    .build(lits.iter().map(|l| l.bytes.as_slice()))
                    .ok()?,
            )
        };
        Some(Prefilter {
            literals,
            lits,
            runs,
        })
    }

    /// Whether `text` holds an anchor: `false` means no trigger can match in it.
    pub(crate) fn has_anchor(&self, text: &[u8]) -> bool {
        self.runs.iter().any(|r| has_candidate_run(r, text))
            || self
                .literals
                .as_ref()
                .is_some_and(|ac| has_literal(ac, &self.lits, text))
    }
}

/// Whether `text` holds one of the automaton's literals, `lits[i]` being its pattern `i`,
/// with that literal's case and follow bytes.
fn has_literal(ac: &aho_corasick::dfa::DFA, lits: &[Lit], text: &[u8]) -> bool {
    let Ok(mut sid) = ac.start_state(Anchored::No) else {
        // Unreachable (the automaton is built unanchored); scanning is always safe.
        return true;
    };
    if ac.is_match(sid) {
        return true;
    }
    for (i, &b) in text.iter().enumerate() {
        sid = ac.next_state(Anchored::No, sid, b);
        if ac.is_special(sid) {
            if ac.is_dead(sid) {
                // Never entered by an unanchored search; scanning is always safe.
                return true;
            }
            if ac.is_match(sid) && confirmed(ac, lits, sid, text, i + 1) {
                return true;
            }
        }
    }
    false
}

/// Whether one of the literals the match state `sid` reports, ending at `end`, occurs
/// there with its case and follow bytes.
fn confirmed(
    ac: &aho_corasick::dfa::DFA,
    lits: &[Lit],
    sid: aho_corasick::automaton::StateID,
    text: &[u8],
    end: usize,
) -> bool {
    (0..ac.match_len(sid)).any(|k| {
        let pid = ac.match_pattern(sid, k);
        let len = ac.pattern_len(pid);
        // A pattern the filter does not know (impossible) counts as confirmed.
        lits.get(pid.as_usize())
            .is_none_or(|l| end >= len && l.at(text, end - len))
    })
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

#[cfg(test)]
mod tests {
    #[test]
    fn hits_count_with_their_case_and_follow_byte() {
        let r = crate::Redactor::new();
        let f = r
            .inner
            .engine
            .leaf_filter
            .as_ref()
            .expect("the default rules have anchors");
        // A vendor head in the other case (`NT…`, `SK`) or without a byte it must have
        // after it (`sk-`, `MT` then one of `AEIMQUYcgk`): no anchor.
        for plain in ["amount", "android", "notes", "task", "MTx", "sk"] {
            assert!(!f.has_anchor(plain.as_bytes()), "{plain:?}");
        }
        for anchored in ["SK", "MTA", "sk-", "auth=", "ghp_", "mail a@b", "AKIA"] {
            assert!(f.has_anchor(anchored.as_bytes()), "{anchored:?}");
        }
    }
}
