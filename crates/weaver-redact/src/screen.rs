//! Cheap per-segment screens: what a segment holds, found in one pass, tells the matcher
//! which patterns of a trigger group cannot match it, so it runs the exact regexes of the
//! few that can. Every screen is a necessary condition of a match, never a guess: a pattern
//! it passes over has no match in the segment.

use crate::rules::Check;

/// The distinct bytes of a segment, as a 256-bit set.
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    pub(crate) fn of(seg: &[u8]) -> ByteSet {
        let mut m = [0u64; 4];
        for &b in seg {
            m[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        ByteSet(m)
    }

    pub(crate) fn holds(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] >> (b & 63) & 1 == 1
    }

    /// Whether every byte of `needle` occurs (so the needle itself may).
    pub(crate) fn holds_all(&self, needle: &[u8]) -> bool {
        needle.iter().all(|&b| self.holds(b))
    }

    /// Whether every byte of `needle` occurs in one case or the other (so the needle may,
    /// in some mix of cases).
    pub(crate) fn holds_all_folded(&self, needle: &[u8]) -> bool {
        needle
            .iter()
            .all(|&b| self.holds(b.to_ascii_lowercase()) || self.holds(b.to_ascii_uppercase()))
    }
}

/// What the digit rules need to know of a segment, found in one pass: every candidate of a
/// digit rule lies in one *cluster* (digits joined by at most two of the separators a
/// phone, card or SSN may use), so a log line of short numbers and dates, or a list of
/// plain timestamps, skips most digit regexes altogether.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DigitShape {
    /// The most digits in one cluster.
    cluster: usize,
    /// Bit `k` set: a maximal run of exactly `k` consecutive digits occurs (`k` < 31;
    /// longer runs set bit 31).
    runs: u32,
    /// The most digits in one cluster that joins digit runs with separators (`555-0147`,
    /// `(212) 555`): a formatted number's digits all lie in one such cluster, so a line
    /// whose only long cluster is a bare run (an epoch timestamp) skips those rules.
    separated: usize,
    /// The segment holds a `+`.
    plus: bool,
}

impl DigitShape {
    pub(crate) fn of(seg: &[u8]) -> DigitShape {
        let mut d = DigitShape::default();
        let (mut cur, mut gap, mut run) = (0usize, 0usize, 0usize);
        let mut cur_separated = false;
        for &b in seg {
            if b.is_ascii_digit() {
                cur_separated |= gap > 0 && cur > 0;
                cur += 1;
                run += 1;
                gap = 0;
                d.cluster = d.cluster.max(cur);
                if cur_separated {
                    d.separated = d.separated.max(cur);
                }
                continue;
            }
            if run > 0 {
                d.runs |= 1 << run.min(31);
                run = 0;
            }
            d.plus |= b == b'+';
            if matches!(b, b' ' | b'(' | b')' | b'.' | b'-' | b'+') && gap < 2 {
                gap += 1;
            } else {
                cur = 0;
                gap = 0;
                cur_separated = false;
            }
        }
        if run > 0 {
            d.runs |= 1 << run.min(31);
        }
        d
    }

    /// Whether a digit rule could match at all, from the shape its regex requires: bare
    /// runs are maximal runs of an exact length (`\b` on both sides), formatted phones and
    /// SSNs always hold a separator or a bracket between their digits (all in one
    /// cluster), international numbers a `+`.
    pub(crate) fn may_match(self, check: Check, min_digits: usize) -> bool {
        if self.cluster < min_digits {
            return false;
        }
        let run = |k: u32| self.runs & (1 << k) != 0;
        match check {
            Check::PhoneBare => run(10) || run(11),
            Check::SsnBare => run(9),
            Check::PhoneNanp | Check::PhoneNational | Check::SsnFormatted | Check::PhoneTr => {
                self.separated >= min_digits
            }
            Check::PhoneIntl => self.plus,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use regex_automata::dfa::{Automaton, StartKind, dense};
    use regex_automata::util::start;
    use regex_automata::{Anchored, MatchKind};

    use super::*;
    use crate::rules;

    /// For a needle of `n` bytes: after `k` of them matched and byte `b`, how many match
    /// (the longest suffix of `needle[..k] b` that is a prefix of the needle); bytes are
    /// compared lower-cased when `fold`.
    fn kmp(needle: &[u8], fold: bool) -> Vec<[usize; 256]> {
        let eq = |a: u8, b: u8| {
            if fold {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        };
        (0..needle.len())
            .map(|k| {
                let mut row = [0usize; 256];
                for (b, next) in row.iter_mut().enumerate() {
                    let mut seen = needle[..k].to_vec();
                    seen.push(b as u8);
                    *next = (1..=seen.len().min(needle.len()))
                        .rev()
                        .find(|&l| {
                            seen[seen.len() - l..]
                                .iter()
                                .zip(&needle[..l])
                                .all(|(&x, &y)| eq(x, y))
                        })
                        .unwrap_or(0);
                }
                row
            })
            .collect()
    }

    /// Whether some string the regex matches (from any start, after any byte) lacks the
    /// needle: the product of the regex's DFA with the needle's matcher, walked over every
    /// byte, never reaching a match before the needle is complete.
    fn some_match_lacks(regex: &str, needle: &[u8], fold: bool) -> Option<Vec<u8>> {
        let dfa = dense::Builder::new()
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(false)
                    .utf8(false),
            )
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .match_kind(MatchKind::All),
            )
            .build(regex)
            .expect("the pattern builds");
        let step = kmp(needle, fold);
        let mut starts = vec![None];
        starts.extend((0..=255u8).map(Some));
        let mut seen = HashSet::new();
        let mut todo = Vec::new();
        for lb in starts {
            let cfg = start::Config::new().anchored(Anchored::Yes).look_behind(lb);
            let sid = dfa.start_state(&cfg).expect("a start state");
            if seen.insert((sid, 0)) {
                todo.push((sid, 0, Vec::new()));
            }
        }
        while let Some((sid, k, path)) = todo.pop() {
            if dfa.is_match_state(dfa.next_eoi_state(sid)) {
                return Some(path);
            }
            for b in 0..=255u8 {
                let next = dfa.next_state(sid, b);
                if dfa.is_dead_state(next) {
                    continue;
                }
                // A match state is entered one byte late: the match ended before `b`.
                if dfa.is_match_state(next) {
                    return Some(path);
                }
                let k2 = step[k][usize::from(b)];
                if k2 == needle.len() || !seen.insert((next, k2)) {
                    continue;
                }
                let mut p = path.clone();
                p.push(b);
                todo.push((next, k2, p));
            }
        }
        None
    }

    #[test]
    fn every_needle_is_in_every_match_of_its_pattern() {
        let mut proved = 0;
        for b in crate::rules::builtins() {
            for (needle, fold) in [
                (rules::needle(b.check), false),
                (rules::folded_needle(b.check), true),
            ] {
                if needle.is_empty() {
                    continue;
                }
                // A flag's dash stands before its match (`rules::head_ok` tests it), and in
                // the segment: the flag trigger's thread starts at the dash, so no segment
                // starts between the dash and the word.
                let regex = if b.check == Check::AssignmentFlag {
                    format!("-(?:{})", b.regex)
                } else {
                    b.regex.to_owned()
                };
                if let Some(text) = some_match_lacks(&regex, needle, fold) {
                    panic!(
                        "{:?}: {:?} matches without {:?}",
                        b.check,
                        String::from_utf8_lossy(&text),
                        String::from_utf8_lossy(needle)
                    );
                }
                proved += 1;
            }
        }
        assert!(proved >= 20, "only {proved} needles proved");
    }

    #[test]
    fn the_walk_finds_a_needle_that_is_not_required() {
        // The proof must be able to fail: `a|b` matches `b`, which lacks `a`.
        assert_eq!(some_match_lacks("a|b", b"a", false), Some(b"b".to_vec()));
        assert_eq!(some_match_lacks("xa|xb", b"a", false), Some(b"xb".to_vec()));
        assert!(some_match_lacks("(?i:val)ue", b"VAL", false).is_some());
        assert_eq!(some_match_lacks("(?i:val)ue", b"VAL", true), None);
        assert_eq!(some_match_lacks("x[ab]y", b"y", false), None);
    }

    #[test]
    fn byte_set_holds_exactly_the_bytes_of_the_segment() {
        let seg = b"user.name@example.com \x00\xff";
        let set = ByteSet::of(seg);
        for b in 0..=255u8 {
            assert_eq!(set.holds(b), seg.contains(&b), "{b}");
        }
        assert!(set.holds_all(b"@."));
        assert!(!set.holds_all(b"@A"));
        assert!(set.holds_all_folded(b"USER"));
        assert!(!set.holds_all_folded(b"useq"));
    }
}
