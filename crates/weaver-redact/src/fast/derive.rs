//! What stage 1 looks for, read off the trigger patterns' syntax trees (never a hand-kept
//! list, so a rule added to `rules.rs` or `vocab.rs` brings its anchors with it):
//!
//! * **literal anchors**: a set of literals one of which every match of the pattern
//!   contains ([`Lit`]): as written where the pattern is case-sensitive, lower-cased where
//!   it accepts both cases (matched against lower-cased text, so a case-insensitive word
//!   costs one literal, not one per case variant), and with the bytes that may follow it
//!   when the rest of the pattern must go on (`auth` only before `_`, `=`, `:`, …, not in
//!   `author`);
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
                    let [b] = l.bytes.as_slice() else {
                        return None;
                    };
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
    Literals(Vec<Lit>),
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

/// A byte set closed under ASCII case (`a` in it brings `A`, and back).
pub(crate) fn case_closed(set: &ByteSet) -> ByteSet {
    std::array::from_fn(|b| {
        let b = u8::try_from(b).unwrap_or(0);
        set[usize::from(b.to_ascii_lowercase())] || set[usize::from(b.to_ascii_uppercase())]
    })
}

/// A literal anchor: `bytes` (lower case when `fold`: then it is found in lower-cased
/// text, so it stands for every case form), and when `follow` is given, the byte right
/// after it must be one of those (a folded literal's follow set is closed under case).
/// Every match of the pattern holds one occurrence so qualified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lit {
    pub(crate) bytes: Vec<u8>,
    pub(crate) fold: bool,
    pub(crate) follow: Option<ByteSet>,
}

impl Lit {
    /// Whether the literal occurs at `hay[at..]` with its follow byte (`hay` raw).
    pub(crate) fn at(&self, hay: &[u8], at: usize) -> bool {
        let n = self.bytes.len();
        let Some(got) = hay.get(at..at + n) else {
            return false;
        };
        let same = if self.fold {
            got.eq_ignore_ascii_case(&self.bytes)
        } else {
            got == self.bytes.as_slice()
        };
        same && self
            .follow
            .as_ref()
            .is_none_or(|f| hay.get(at + n).is_some_and(|&b| f[usize::from(b)]))
    }

    /// Bytes the search must see from the literal's start on (the follow byte included).
    pub(crate) fn span(&self) -> usize {
        self.bytes.len() + usize::from(self.follow.is_some())
    }

    /// Whether every occurrence (with its follow byte) of `other` holds one of `self`, so
    /// `other` adds nothing to a set that has `self`.
    fn covers(&self, other: &Lit) -> bool {
        if !self.fold && other.fold {
            return false;
        }
        let n = self.bytes.len();
        if n > other.bytes.len() {
            return false;
        }
        (0..=other.bytes.len() - n).any(|p| {
            let seg = &other.bytes[p..p + n];
            let same = if self.fold {
                seg.eq_ignore_ascii_case(&self.bytes)
            } else {
                seg == self.bytes.as_slice()
            };
            same && match (&self.follow, other.bytes.get(p + n), &other.follow) {
                (None, _, _) => true,
                // (A folded `other` implies a folded `self`, whose follow set is closed
                // under case.)
                (Some(f), Some(&b), _) => f[usize::from(b)],
                (Some(f), None, Some(g)) => (0..256).all(|b| !g[b] || f[b]),
                (Some(_), None, None) => false,
            }
        })
    }
}

/// A string of an exact set: its bytes and whether it is folded (lower case, standing for
/// every case form).
type Str = (Vec<u8>, bool);

fn cross(a: &[Str], b: &[Str]) -> Option<Vec<Str>> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let fold = x.1 || y.1;
            let mut s = x.0.clone();
            s.extend_from_slice(&y.0);
            if fold {
                s.make_ascii_lowercase();
            }
            out.push((s, fold));
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The strings a class stands for: its bytes as they are when few, or, for a class that
/// holds both cases of its letters (`(?i)`), its lower-case bytes as one folded string
/// each.
fn class_strings(bytes: &[u8]) -> Option<Vec<Str>> {
    let mut set = [false; 256];
    for &b in bytes {
        set[usize::from(b)] = true;
    }
    let has_letter = bytes.iter().any(u8::is_ascii_alphabetic);
    if has_letter && case_closed(&set) == set {
        let low = lower_set(bytes);
        return (low.len() <= SMALL_CLASS)
            .then(|| low.into_iter().map(|b| (vec![b], true)).collect());
    }
    if bytes.len() <= SMALL_CLASS {
        return Some(bytes.iter().map(|&b| (vec![b], false)).collect());
    }
    let low = lower_set(bytes);
    (low.len() <= SMALL_CLASS).then(|| low.into_iter().map(|b| (vec![b], true)).collect())
}

/// The finite set of strings `hir` matches, if small.
fn exact(hir: &Hir) -> Option<Vec<Str>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![(Vec::new(), false)]),
        HirKind::Literal(l) => Some(vec![(l.0.to_vec(), false)]),
        HirKind::Class(c) => class_strings(&class_bytes(c)?),
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 4 {
                return None;
            }
            let sub = exact(&r.sub)?;
            let mut out: Vec<Str> = Vec::new();
            let mut cur = vec![(Vec::new(), false)];
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
            .try_fold(vec![(Vec::new(), false)], |acc, c| cross(&acc, &exact(c)?)),
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

/// The bytes a non-empty match of `hir` can start with, and whether it can match empty
/// (`None`: not understood).
fn first(hir: &Hir) -> Option<(ByteSet, bool)> {
    let mut set = [false; 256];
    let nullable = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => {
            set[usize::from(*l.0.first()?)] = true;
            false
        }
        HirKind::Class(c) => {
            for b in class_bytes(c)? {
                set[usize::from(b)] = true;
            }
            false
        }
        HirKind::Capture(c) => return first(&c.sub),
        HirKind::Repetition(r) => {
            let (s, n) = first(&r.sub)?;
            return Some((s, n || r.min == 0));
        }
        HirKind::Alternation(alts) => {
            let mut nullable = false;
            for a in alts {
                let (s, n) = first(a)?;
                nullable |= n;
                for b in 0..256 {
                    set[b] |= s[b];
                }
            }
            nullable
        }
        HirKind::Concat(cs) => return first_of(cs).map_or(Some((set, true)), |s| Some((s, false))),
    };
    Some((set, nullable))
}

/// The bytes a match of the sequence `cs` starts with, when it cannot be empty.
fn first_of(cs: &[Hir]) -> Option<ByteSet> {
    let mut set = [false; 256];
    for c in cs {
        let (s, nullable) = first(c)?;
        for b in 0..256 {
            set[b] |= s[b];
        }
        if !nullable {
            return Some(set);
        }
    }
    None
}

/// Literals from an exact set, with the bytes that must follow them.
fn lits(set: Vec<Str>, follow: Option<ByteSet>) -> Vec<Lit> {
    set.into_iter()
        .map(|(bytes, fold)| Lit {
            follow: follow.map(|f| if fold { case_closed(&f) } else { f }),
            bytes,
            fold,
        })
        .collect()
}

/// How good a literal set is as an anchor: a shortest literal (its follow byte counted) of
/// 4 bytes or more first, then fewer literals, then longer ones (rarer in text), then
/// case-sensitive ones.
fn score(set: &[Lit]) -> (usize, std::cmp::Reverse<usize>, usize, usize) {
    let min = set.iter().map(Lit::span).min().unwrap_or(0);
    let exact_case = set.iter().filter(|l| !l.fold).count();
    (min.min(4), std::cmp::Reverse(set.len()), min, exact_case)
}

fn better(best: Option<Vec<Lit>>, cand: Vec<Lit>) -> Option<Vec<Lit>> {
    if cand.iter().any(|l| l.bytes.is_empty()) {
        return best;
    }
    match best {
        Some(b) if score(&b) >= score(&cand) => Some(b),
        _ => Some(cand),
    }
}

/// A set of non-empty literals one of which every match of `hir` contains.
pub(crate) fn required(hir: &Hir) -> Option<Vec<Lit>> {
    if let Some(e) = exact(hir)
        && !e.is_empty()
        && e.iter().all(|s| !s.0.is_empty())
    {
        return Some(minimal(lits(e, None)));
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
                // Runs of consecutive children with exact sets: their cross product, with
                // the bytes the rest of the sequence starts with when it cannot be empty.
                let mut acc = vec![(Vec::new(), false)];
                for (j, d) in cs.iter().enumerate().skip(i) {
                    let Some(next) = exact(d).and_then(|e| cross(&acc, &e)) else {
                        break;
                    };
                    acc = next;
                    best = better(best, lits(acc.clone(), None));
                    if let Some(f) = first_of(&cs[j + 1..]) {
                        best = better(best, lits(acc.clone(), Some(f)));
                    }
                }
            }
            best.map(minimal)
        }
        _ => None,
    }
}

/// Drops every literal that another one covers (the other is found anyway).
fn minimal(mut set: Vec<Lit>) -> Vec<Lit> {
    set.sort_by(|a, b| {
        (a.bytes.len(), a.follow.is_some(), !a.fold, &a.bytes).cmp(&(
            b.bytes.len(),
            b.follow.is_some(),
            !b.fold,
            &b.bytes,
        ))
    });
    set.dedup();
    let mut out: Vec<Lit> = Vec::new();
    for s in set {
        if !out.iter().any(|o| o.covers(&s)) {
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
                .map(|s| String::from_utf8(s.bytes).unwrap())
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
        // A follow byte makes an anchor rarer: `pass` (the parser factors the common
        // prefix out) qualified by the bytes that may come next, in both cases.
        assert_eq!(lits("(?i:pass|password)=[a-z]+"), ["pass"]);
        let l = required(&parse("(?i:pass|password)=[a-z]+")).unwrap();
        let f = l[0].follow.expect("a follow set");
        let ok: Vec<u8> = (0..=255u8).filter(|&b| f[usize::from(b)]).collect();
        assert_eq!(ok, b"=Ww");
        assert!(l[0].fold && l[0].at(b"PaSSw", 0) && !l[0].at(b"passe", 0));
        // Case-sensitive literals stay as they are; a class after them is a follow set.
        let l = required(&parse("(?:M[Tj]|N[DT])[AEIMQUYcgk]")).unwrap();
        assert!(l.iter().all(|l| !l.fold && l.follow.is_some()), "{l:?}");
        let mut v: Vec<&[u8]> = l.iter().map(|l| l.bytes.as_slice()).collect();
        v.sort_unstable();
        assert_eq!(v, [&b"MT"[..], b"Mj", b"ND", b"NT"]);
        assert!(l[0].at(b"xMTA", 1) && !l[0].at(b"xMTa", 1) && !l[0].at(b"xMT", 1));
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
