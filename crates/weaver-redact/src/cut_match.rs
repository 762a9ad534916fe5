//! Which DFA match states are cuts: positions where the scanner may emit everything before
//! it, exactly as at a start state.

use regex_automata::dfa::{Automaton, dense};
use regex_automata::util::primitives::StateID;

/// The match states of `dfa` whose every transition (and end-of-input transition) equals
/// the start state's: the match they report ended one byte ago and no thread is alive, so
/// the position after them is a cut exactly like a start state. The DFA reports matches
/// one byte late, so without these a list of tokens separated by single delimiters
/// (`a@b.io a@b.io …`, one e-mail per line) never returns to a start state and is held —
/// and, past the hold cap, masked — as one run.
///
/// Decided per state on first use and remembered: a walk over every state up front read
/// the whole transition table (26 MB for the default rules) and was a quarter of the time
/// it takes to build a redactor, while a scan meets only a few hundred match states.
#[derive(Default)]
pub(crate) struct CutMatches {
    stride2: usize,
    /// One byte of each equivalence class.
    reps: Vec<u8>,
    /// Where the start state goes on each of `reps`, and at the end of input.
    start_next: Vec<StateID>,
    start_eoi: StateID,
    /// Per state (`id >> stride2`): 0 not decided yet, 1 not a cut, 2 a cut.
    memo: Vec<std::sync::atomic::AtomicU8>,
}

impl CutMatches {
    pub(crate) fn new<T: AsRef<[u32]>>(dfa: &dense::DFA<T>, start: StateID) -> CutMatches {
        let classes = dfa.byte_classes();
        let mut seen = [false; 256];
        let reps: Vec<u8> = (0..=255u8)
            .filter(|&b| !std::mem::replace(&mut seen[usize::from(classes.get(b))], true))
            .collect();
        let start_next = reps.iter().map(|&b| dfa.next_state(start, b)).collect();
        // At least one slot per state: the transition table alone holds `4 << stride2`
        // bytes per state (`state_len` is not public).
        let states = (dfa.memory_usage() >> (dfa.stride2() + 2)) + 1;
        CutMatches {
            stride2: dfa.stride2(),
            reps,
            start_next,
            start_eoi: dfa.next_eoi_state(start),
            memo: (0..states)
                .map(|_| std::sync::atomic::AtomicU8::new(0))
                .collect(),
        }
    }

    pub(crate) fn get<T: AsRef<[u32]>>(&self, dfa: &dense::DFA<T>, sid: StateID) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let Some(slot) = self.memo.get(sid.as_usize() >> self.stride2) else {
            return false;
        };
        match slot.load(Relaxed) {
            1 => return false,
            2 => return true,
            _ => {}
        }
        // Racing threads compute the same answer: a relaxed store is enough.
        let cut = dfa.is_match_state(sid)
            && self
                .reps
                .iter()
                .zip(&self.start_next)
                .all(|(&b, &n)| dfa.next_state(sid, b) == n)
            && {
                let eoi = dfa.next_eoi_state(sid);
                eoi == self.start_eoi || !dfa.is_match_state(eoi)
            };
        slot.store(if cut { 2 } else { 1 }, Relaxed);
        cut
    }
}
