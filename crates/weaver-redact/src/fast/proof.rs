//! The cut rule, derived from the built DFA and checked exhaustively: which bytes put the
//! automaton in a start state whatever came before, as long as no stage-1 anchor began
//! since the last start state.
//!
//! The proof walks the product of four automata from every start state of the DFA: the
//! DFA itself, two Aho-Corasick automata over the literal anchors (the case-sensitive ones
//! fed the bytes as they are, the folded ones fed lower-cased bytes; a literal with a
//! follow set completes an anchor only when the next byte is in it) and one counter per
//! class-run rule. A product state is reachable only through text in which no anchor
//! occurrence has completed; for each one and each byte it checks
//! * the DFA never enters a match state (else the anchors are not enough: the fast path
//!   is turned off), and
//! * for a candidate cut byte `c`: the DFA lands in the same start state from every such
//!   state (else `c` is not a cut byte).
//!
//! So stage 1 may treat "a cut byte, and no anchor since the last start state" as a start
//! state of the real automaton, and "no anchor" as "no match", with no assumption about the
//! patterns beyond what this walk saw.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::Anchored as AcAnchored;
use aho_corasick::automaton::Automaton as _;
use regex_automata::dfa::{Automaton, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;

use super::derive::{ByteSet, ClassRun, Lit};

/// The most product states the walk may visit before it gives up (fast path off).
const MAX_STATES: usize = 400_000;

/// A multiply-rotate hasher for the walk's product states: they are four machine words
/// from our own automata, never attacker-chosen keys, and SipHash was a quarter of the
/// time it takes to build a redactor with stage 1.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordSet<T> = HashSet<T, BuildHasherDefault<WordHasher>>;

/// The start state each cut byte leads to (`None`: not a cut byte).
pub(crate) type Cuts = Vec<Option<StateID>>;

/// An Aho-Corasick automaton over one literal set, as the walk reads it.
pub(crate) struct LitAutomaton<'a> {
    pub(crate) dfa: &'a aho_corasick::dfa::DFA,
    pub(crate) lits: &'a [Lit],
    /// Feed lower-cased bytes.
    pub(crate) fold: bool,
}

/// What an automaton state means for the next byte. (Built and read on the spot, never
/// stored: the size of the set does not matter.)
#[allow(clippy::large_enum_variant)]
enum After {
    /// An anchor completed already.
    Anchor,
    /// An anchor completes when the next byte is one of these.
    Follow(ByteSet),
}

fn pending(la: &LitAutomaton<'_>, s: u32) -> After {
    let Ok(sid) = aho_corasick::automaton::StateID::new(s as usize) else {
        return After::Anchor;
    };
    let mut set = [false; 256];
    if !la.dfa.is_match(sid) {
        return After::Follow(set);
    }
    for i in 0..la.dfa.match_len(sid) {
        let follow = la
            .lits
            .get(la.dfa.match_pattern(sid, i).as_usize())
            .and_then(|l| l.follow.as_ref());
        let Some(f) = follow else {
            return After::Anchor;
        };
        for b in 0..256 {
            set[b] |= f[b];
        }
    }
    After::Follow(set)
}

/// Feeds `b` to one literal automaton in state `s`: `None` when an anchor completes.
fn step(la: Option<&LitAutomaton<'_>>, s: u32, b: u8) -> Option<u32> {
    let Some(la) = la else { return Some(0) };
    match pending(la, s) {
        After::Anchor => return None,
        After::Follow(f) if f[usize::from(b)] => return None,
        After::Follow(_) => {}
    }
    let b = if la.fold { b.to_ascii_lowercase() } else { b };
    let n = la.dfa.next_state(
        AcAnchored::No,
        aho_corasick::automaton::StateID::new(s as usize).ok()?,
        b,
    );
    // A literal without a follow set completes here.
    match pending(la, n.as_u32()) {
        After::Anchor => None,
        After::Follow(_) => Some(n.as_u32()),
    }
}

/// Every start state the DFA can be in, over every look-behind context.
pub(crate) fn start_states<T: AsRef<[u32]>>(dfa: &dense::DFA<T>) -> Vec<StateID> {
    let mut out = Vec::new();
    let base = start::Config::new().anchored(regex_automata::Anchored::No);
    let mut push = |cfg: &start::Config| {
        if let Ok(s) = dfa.start_state(cfg)
            && !out.contains(&s)
        {
            out.push(s);
        }
    };
    push(&base);
    for b in 0..=255u8 {
        push(&base.clone().look_behind(Some(b)));
    }
    out
}

/// Runs the walk. `None`: some match needs no anchor (or the walk grew too large).
///
/// `harmless[p]`: DFA pattern `p` may match without an anchor (a promoted class run, see
/// [`ClassRun::promote`]); such a match must then end at a real cut: a cut byte leads to a
/// start state or to a match state that `is_cut_match` says behaves like `start` (never
/// through `,`, which the scanner does not cut after a digit).
pub(crate) fn prove<T: AsRef<[u32]>>(
    dfa: &dense::DFA<T>,
    raw: Option<&LitAutomaton<'_>>,
    folded: Option<&LitAutomaton<'_>>,
    runs: &[ClassRun],
    harmless: &[bool],
    start: StateID,
    is_cut_match: &dyn Fn(StateID) -> bool,
) -> Option<Cuts> {
    let alts: Vec<Vec<(usize, Option<super::derive::ByteSet>)>> =
        runs.iter().map(ClassRun::alternatives).collect();
    if runs.len() > 4
        || alts.iter().flatten().any(|a| a.0 > 255)
        || alts.iter().any(|a| a.len() > 8)
    {
        return None;
    }
    let starts = start_states(dfa);
    let mut raw_bytes = [false; 256];
    let mut fold_bytes = [false; 256];
    let mut follows: Vec<ByteSet> = Vec::new();
    for (la, bytes) in [(raw, &mut raw_bytes), (folded, &mut fold_bytes)] {
        for l in la.map_or(&[][..], |la| la.lits) {
            for &b in &l.bytes {
                bytes[usize::from(b)] = true;
            }
            if let Some(f) = l.follow
                && !follows.contains(&f)
            {
                follows.push(f);
            }
        }
    }
    if follows.len() > 64 {
        return None;
    }
    // Representative bytes: bytes that every component treats alike share one class.
    let mut reps: Vec<u8> = Vec::new();
    let mut members: Vec<Vec<u8>> = Vec::new();
    let mut keys: Vec<(u8, u16, u16, u16, u64, u8)> = Vec::new();
    for b in 0..=255u8 {
        let lb = b.to_ascii_lowercase();
        let mut runbits = 0u16;
        for (k, r) in runs.iter().enumerate() {
            runbits |= u16::from(r.run[usize::from(b)]) << (2 * k);
            runbits |= u16::from(r.count[usize::from(b)]) << (2 * k + 1);
            for a in &alts[k] {
                if let Some(need) = &a.1
                    && need[usize::from(b)]
                {
                    runbits |= 1 << (8 + k);
                }
            }
        }
        let raw_lit = if raw_bytes[usize::from(b)] {
            u16::from(b)
        } else {
            256
        };
        let fold_lit = if fold_bytes[usize::from(lb)] {
            u16::from(lb)
        } else {
            256
        };
        let follow: u64 = follows
            .iter()
            .enumerate()
            .map(|(i, f)| u64::from(f[usize::from(b)]) << i)
            .sum();
        let key = (
            dfa.byte_classes().get(b),
            raw_lit,
            fold_lit,
            runbits,
            follow,
            u8::from(b == b','),
        );
        // The AC automata see `b` and `lb`; bytes no literal holds all act alike there.
        if let Some(i) = keys.iter().position(|k| *k == key) {
            members[i].push(b);
        } else {
            keys.push(key);
            reps.push(b);
            members.push(vec![b]);
        }
    }
    let ac_start = |la: Option<&LitAutomaton<'_>>| -> Option<u32> {
        match la {
            Some(a) => Some(a.dfa.start_state(AcAnchored::No).ok()?.as_u32()),
            None => Some(0),
        }
    };
    let (raw_start, fold_start) = (ac_start(raw)?, ac_start(folded)?);
    let mut cut: Vec<Option<Option<StateID>>> = vec![None; 256];
    let mut ok = [true; 256];
    let mut seen: WordSet<(StateID, u32, u32, u64)> = WordSet::default();
    let mut stack: Vec<(StateID, u32, u32, u64)> = Vec::new();
    for &s in &starts {
        if seen.insert((s, raw_start, fold_start, 0)) {
            stack.push((s, raw_start, fold_start, 0));
        }
    }
    while let Some((d, ar, af, counts)) = stack.pop() {
        if seen.len() > MAX_STATES {
            return None;
        }
        for (ri, &b) in reps.iter().enumerate() {
            // Anchor automata first: a completed anchor ends the walk along this path.
            let (Some(ar2), Some(af2)) = (step(raw, ar, b), step(folded, af, b)) else {
                continue;
            };
            // Per class run: 8 bits of count, 8 bits of "this alternative's need seen".
            let mut c2 = 0u64;
            let mut done = false;
            for (k, r) in runs.iter().enumerate() {
                let st = (counts >> (16 * k)) & 0xFFFF;
                let (mut c, mut seen_need) = (st & 0xFF, st >> 8);
                if r.run[usize::from(b)] {
                    c = (c + u64::from(r.count[usize::from(b)])).min(255);
                    for (ai, a) in alts[k].iter().enumerate() {
                        if a.1.as_ref().is_some_and(|need| need[usize::from(b)]) {
                            seen_need |= 1 << ai;
                        }
                    }
                    if alts[k].iter().enumerate().any(|(ai, a)| {
                        c >= a.0 as u64 && (a.1.is_none() || seen_need & (1 << ai) != 0)
                    }) {
                        done = true;
                        break;
                    }
                } else {
                    c = 0;
                    seen_need = 0;
                }
                c2 |= (c | (seen_need << 8)) << (16 * k);
            }
            if done {
                continue;
            }
            let d2 = dfa.next_state(d, b);
            if dfa.is_quit_state(d2) || dfa.is_dead_state(d2) {
                return None;
            }
            let is_match = dfa.is_match_state(d2);
            if is_match
                && !(0..dfa.match_len(d2)).all(|m| {
                    harmless
                        .get(dfa.match_pattern(d2, m).as_usize())
                        .copied()
                        .unwrap_or(false)
                })
            {
                return None;
            }
            // Where a cut byte lands: a start state, or a harmless match state that the
            // scanner cuts at (it then behaves exactly like `start`).
            let target = if dfa.is_start_state(d2) && starts.contains(&d2) {
                Some(d2)
            } else if is_match && b != b',' && is_cut_match(d2) {
                Some(start)
            } else {
                None
            };
            let lands = target.is_some();
            let d2_cut = target.unwrap_or(d2);
            for &m in &members[ri] {
                let m = usize::from(m);
                if !ok[m] {
                    continue;
                }
                match (lands, cut[m]) {
                    (false, _) => ok[m] = false,
                    (true, None) => cut[m] = Some(Some(d2_cut)),
                    (true, Some(Some(prev))) if prev == d2_cut => {}
                    (true, _) => ok[m] = false,
                }
            }
            if seen.insert((d2, ar2, af2, c2)) {
                stack.push((d2, ar2, af2, c2));
            }
        }
    }
    Some(
        (0..256)
            .map(|b| if ok[b] { cut[b].flatten() } else { None })
            .collect(),
    )
}
