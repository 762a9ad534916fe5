//! What stage 1 looks for, read off the trigger patterns' syntax trees (never a hand-kept
//! list, so a rule added to `rules.rs` or `vocab.rs` brings its anchors with it):
//!
//! * **literal anchors**: a set of lower-case literals one of which every match of the
//!   pattern contains (matched against lower-cased text, so case-insensitive groups cost one
//!   literal per word, not one per case variant);
//! * **class runs**, for a pattern without such literals (the digit trigger): every match is
//!   a run of bytes of a class `B` holding at least `k` bytes of a class `D ⊆ B`, so only a
//!   maximal `B`-run with `k` `D`-bytes can hold one.
//!
//! A pattern that yields neither turns the fast path off for the whole redactor.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The most strings an exact set may hold before it is given up.
const MAX_SET: usize = 512;
/// A class of at most this many bytes (after lower-casing) counts as that many literals.
const SMALL_CLASS: usize = 5;
/// The most bytes a class-run class may hold (a wider one would hold most text).
const MAX_RUN_CLASS: usize = 64;

/// A 256-entry byte set.
pub(crate) type ByteSet = [bool; 256];

/// A class-run rule: a candidate is a maximal run of `run` bytes holding `k` `count` bytes.
#[derive(Debug, Clone)]
pub(crate) struct ClassRun {
    pub(crate) run: ByteSet,
    pub(crate) count: ByteSet,
    pub(crate) k: usize,
    /// When the checks behind the pattern need more than the pattern (see
    /// [`ClassRun::promote`]): a run is a candidate when one alternative holds — at least
    /// `k` counted bytes, and one of the `need` bytes when given. Empty: `k` alone.
    pub(crate) alts: Vec<(usize, Option<ByteSet>)>,
    /// Cached by [`ClassRun::settle`]: the fewest counted bytes of any candidate, and the
    /// counted class as a range.
    pub(crate) min_k: usize,
    pub(crate) range: Option<(u8, u8)>,
    /// Per byte: bit 0 run byte, bit 1 counted byte, bit `2 + a` needed by alternative `a`.
    pub(crate) table: [u8; 256],
}

impl ClassRun {
    /// The candidate alternatives in force (`k` alone when not promoted).
    pub(crate) fn alternatives(&self) -> Vec<(usize, Option<ByteSet>)> {
        if self.alts.is_empty() {
            vec![(self.k, None)]
        } else {
            self.alts.clone()
        }
    }

    /// Fills in the alternatives in force and the cached fields.
    pub(crate) fn settle(&mut self) {
        self.alts = self.alternatives();
        self.min_k = self.alts.iter().map(|a| a.0).min().unwrap_or(self.k);
        self.range = self.count_range();
        for b in 0..256 {
            let mut t = u8::from(self.run[b]) | u8::from(self.count[b]) << 1;
            for (a, alt) in self.alts.iter().enumerate().take(6) {
                if alt.1.is_some_and(|n| n[b]) {
                    t |= 1 << (2 + a);
                }
            }
            self.table[b] = t;
        }
    }

    /// The counted class as `(first byte, last - first)` when it is one contiguous range.
    pub(crate) fn count_range(&self) -> Option<(u8, u8)> {
        let lo = self.count.iter().position(|&b| b)?;
        let hi = self.count.iter().rposition(|&b| b)?;
        self.count[lo..=hi]
            .iter()
            .all(|&b| b)
            .then(|| (lo as u8, (hi - lo) as u8))
    }

    /// Raises the threshold to what the exact checks behind a digit pattern need: each
    /// check's fewest digits (`rules::min_digits`, the contract the engine's digit-shape
    /// filter already relies on) and a byte its regex requires (`+` for international
    /// numbers). A run below every check's need makes the DFA match (the loose trigger)
    /// but can never yield a span, so stage 1 may pass over it; the proof walk then
    /// allows this pattern's match states. Only for digit counts.
    pub(crate) fn promote(&mut self, checks: &[(usize, &Hir)]) -> bool {
        let digits: ByteSet =
            std::array::from_fn(|b| u8::try_from(b).is_ok_and(|b| b.is_ascii_digit()));
        if self.count != digits || checks.is_empty() || checks.iter().any(|c| c.0 == 0) {
            return false;
        }
        let mut alts: Vec<(usize, Option<ByteSet>)> = Vec::new();
        for &(k, hir) in checks {
            let need = required(hir).and_then(|lits| {
                let mut set = [false; 256];
                for l in lits {
                    let [b] = l.as_slice() else { return None };
                    if !self.run[usize::from(*b)] {
                        return None;
                    }
                    set[usize::from(*b)] = true;
                }
                Some(set)
            });
            if !alts.iter().any(|a| a.0 == k && a.1 == need) {
                alts.push((k, need));
            }
        }
        // Alternatives with a need are dominated by one without at the same or a lower k.
        let plain = alts.iter().filter(|a| a.1.is_none()).map(|a| a.0).min();
        if let Some(p) = plain {
            alts.retain(|a| a.1.is_none() && a.0 == p || a.1.is_some() && a.0 < p);
        }
        if alts.len() > 6 {
            return false;
        }
        self.alts = alts;
        true
    }
}

/// What stage 1 looks for in one pattern.
#[derive(Debug, Clone)]
pub(crate) enum Anchors {
    Literals(Vec<Vec<u8>>),
    Run(Box<ClassRun>),
}

/// Derives the anchors of one pattern; `None` if it yields none.
pub(crate) fn anchors(hir: &Hir) -> Option<Anchors> {
    if let Some(lits) = required(hir) {
        return Some(Anchors::Literals(lits));
    }
    class_run(hir).map(|r| Anchors::Run(Box::new(r)))
}

fn class_bytes(c: &Class) -> Option<Vec<u8>> {
    let mut set = [false; 256];
    match c {
        Class::Bytes(b) => {
            for r in b.ranges() {
                for x in r.start()..=r.end() {
                    set[usize::from(x)] = true;
                }
            }
        }
        Class::Unicode(u) => {
            for r in u.ranges() {
                // Only ASCII classes are understood; anything wider is "many bytes".
                if u32::from(r.end()) > 0x7F {
                    return None;
                }
                for x in u32::from(r.start())..=u32::from(r.end()) {
                    set[x as usize] = true;
                }
            }
        }
    }
    Some((0..=255u8).filter(|&b| set[usize::from(b)]).collect())
}

fn lower_set(bytes: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn cross(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The finite set of lower-cased strings `hir` matches, if small.
fn exact(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(vec![l.0.iter().map(u8::to_ascii_lowercase).collect()]),
        HirKind::Class(c) => {
            let set = lower_set(&class_bytes(c)?);
            (set.len() <= SMALL_CLASS).then(|| set.into_iter().map(|b| vec![b]).collect())
        }
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 4 {
                return None;
            }
            let sub = exact(&r.sub)?;
            let mut out: Vec<Vec<u8>> = Vec::new();
            let mut cur = vec![Vec::new()];
            for n in 0..=max {
                if n >= r.min {
                    out.extend(cur.iter().cloned());
                }
                if n < max {
                    cur = cross(&cur, &sub)?;
                }
            }
            out.sort();
            out.dedup();
            (out.len() <= MAX_SET).then_some(out)
        }
        HirKind::Concat(cs) => cs
            .iter()
            .try_fold(vec![Vec::new()], |acc, c| cross(&acc, &exact(c)?)),
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(exact(a)?);
                if out.len() > MAX_SET {
                    return None;
                }
            }
            out.sort();
            out.dedup();
            Some(out)
        }
    }
}

/// How good a literal set is as an anchor: a shortest literal of 4 bytes or more first,
/// then fewer literals, then longer ones (rarer in text).
fn score(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>, usize) {
    let min = set.iter().map(Vec::len).min().unwrap_or(0);
    (min.min(4), std::cmp::Reverse(set.len()), min)
}

fn better(best: Option<Vec<Vec<u8>>>, cand: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    if cand.iter().any(Vec::is_empty) {
        return best;
    }
    match best {
        Some(b) if score(&b) >= score(&cand) => Some(b),
        _ => Some(cand),
    }
}

/// A set of non-empty lower-case literals one of which every match of `hir` contains.
pub(crate) fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    if let Some(e) = exact(hir)
        && !e.is_empty()
        && e.iter().all(|s| !s.is_empty())
    {
        return Some(minimal(e));
    }
    match hir.kind() {
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(required(a)?);
            }
            Some(minimal(out))
        }
        HirKind::Concat(cs) => {
            let mut best = None;
            for (i, c) in cs.iter().enumerate() {
                if let Some(r) = required(c) {
                    best = better(best, r);
                }
                // Runs of consecutive children with exact sets: their cross product.
                let mut acc = vec![Vec::new()];
                for d in &cs[i..] {
                    let Some(next) = exact(d).and_then(|e| cross(&acc, &e)) else {
                        break;
                    };
                    acc = next;
                    best = better(best, acc.clone());
                }
            }
            best.map(minimal)
        }
        _ => None,
    }
}

/// Drops every literal that contains another one (the shorter one is found anyway).
fn minimal(mut set: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    set.sort_by_key(Vec::len);
    set.dedup();
    let mut out: Vec<Vec<u8>> = Vec::new();
    for s in set {
        if !out.iter().any(|o| memchr::memmem::find(&s, o).is_some()) {
            out.push(s);
        }
    }
    out
}

/// Every byte a match of `hir` can hold.
fn bytes_of(hir: &Hir, set: &mut ByteSet) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => {
            for &b in &l.0 {
                set[usize::from(b)] = true;
            }
        }
        HirKind::Class(c) => {
            for b in class_bytes(c)? {
                set[usize::from(b)] = true;
            }
        }
        HirKind::Capture(c) => bytes_of(&c.sub, set)?,
        HirKind::Repetition(r) => bytes_of(&r.sub, set)?,
        HirKind::Concat(cs) | HirKind::Alternation(cs) => {
            for c in cs {
                bytes_of(c, set)?;
            }
        }
    }
    Some(())
}

/// The fewest bytes of `d` any match of `hir` holds.
fn min_count(hir: &Hir, d: &ByteSet) -> usize {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(l) => l.0.iter().filter(|&&b| d[usize::from(b)]).count(),
        HirKind::Class(c) => match class_bytes(c) {
            Some(bs) if !bs.is_empty() && bs.iter().all(|&b| d[usize::from(b)]) => 1,
            _ => 0,
        },
        HirKind::Capture(c) => min_count(&c.sub, d),
        HirKind::Repetition(r) => (r.min as usize).saturating_mul(min_count(&r.sub, d)),
        HirKind::Concat(cs) => cs.iter().map(|c| min_count(c, d)).sum(),
        HirKind::Alternation(cs) => cs.iter().map(|c| min_count(c, d)).min().unwrap_or(0),
    }
}

/// Every class (as a byte set) occurring in `hir`.
fn classes(hir: &Hir, out: &mut Vec<ByteSet>) {
    match hir.kind() {
        HirKind::Class(c) => {
            if let Some(bs) = class_bytes(c) {
                let mut s = [false; 256];
                for b in bs {
                    s[usize::from(b)] = true;
                }
                out.push(s);
            }
        }
        HirKind::Capture(c) => classes(&c.sub, out),
        HirKind::Repetition(r) => classes(&r.sub, out),
        HirKind::Concat(cs) | HirKind::Alternation(cs) => cs.iter().for_each(|c| classes(c, out)),
        _ => {}
    }
}

fn class_run(hir: &Hir) -> Option<ClassRun> {
    let mut run = [false; 256];
    bytes_of(hir, &mut run)?;
    if run.iter().filter(|&&b| b).count() > MAX_RUN_CLASS {
        return None;
    }
    let mut cands = Vec::new();
    classes(hir, &mut cands);
    let mut best: Option<ClassRun> = None;
    for d in cands {
        let k = min_count(hir, &d);
        let size = d.iter().filter(|&&b| b).count();
        let better = match &best {
            None => true,
            Some(b) => k > b.k || (k == b.k && size < b.count.iter().filter(|&&x| x).count()),
        };
        if k >= 4 && better {
            best = Some(ClassRun {
                run,
                count: d,
                k,
                alts: Vec::new(),
                min_k: k,
                range: None,
                table: [0; 256],
            });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: &str) -> Hir {
        regex_automata::util::syntax::parse_with(
            p,
            &regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .unwrap()
    }

    fn lits(p: &str) -> Vec<String> {
        match anchors(&parse(p)) {
            Some(Anchors::Literals(l)) => l
                .into_iter()
                .map(|s| String::from_utf8(s).unwrap())
                .collect(),
            other => panic!("{p}: {other:?}"),
        }
    }

    #[test]
    fn literals_are_lower_case_and_minimal() {
        assert_eq!(lits("(?i:bearer)[ \t]+x"), ["bearer"]);
        assert_eq!(lits("[a-z]+(?:@|%40)"), ["@", "%40"]);
        let mut v = lits("gh[pousr]_[A-Z]+|github_pat_");
        v.sort();
        assert_eq!(v, ["gho_", "ghp_", "ghr_", "ghs_", "ghu_", "github_pat_"]);
        assert_eq!(lits("(?i:pass|password)=[a-z]+"), ["pass"]);
    }

    #[test]
    fn digit_runs_become_a_class_run() {
        let Some(Anchors::Run(r)) = anchors(&parse(r"[+(]?[0-9](?:[ ().\-]{0,2}[0-9]){7,}")) else {
            panic!("no class run");
        };
        assert_eq!(r.k, 8);
        assert!(r.count[usize::from(b'5')] && !r.count[usize::from(b' ')]);
        assert!(r.run[usize::from(b' ')] && r.run[usize::from(b'+')] && !r.run[usize::from(b'a')]);
    }

    #[test]
    fn a_pattern_without_anchors_yields_none() {
        assert!(anchors(&parse("[a-z]+")).is_none());
        assert!(anchors(&parse("x?y?")).is_none());
    }
}
