//! Stage 1's literal search: one set of literal anchors per case form, found with Teddy
//! (and memchr for single bytes) and confirmed on the chunk with its case and follow byte.

use super::derive::Lit;

/// One set of literal anchors, searched in one text (the chunk as it is, or its
/// lower-cased copy for the folded ones); a candidate is then confirmed on the chunk with
/// its case and follow byte.
pub(super) struct LitSet {
    lits: Vec<Lit>,
    /// Literal indices by first byte (lower-cased for a folded set).
    by_first: Vec<Vec<usize>>,
    /// Single-byte literals, searched with memchr (at most three).
    single: Vec<u8>,
    /// The other literals: Teddy searchers over groups of them (see [`GROUP`]), or memmem
    /// for a group of one.
    multi: Vec<Searcher>,
    /// The longest literal (without its follow byte).
    pub(super) max_len: usize,
    fold: bool,
}

impl LitSet {
    pub(super) fn new(lits: Vec<Lit>, fold: bool) -> Option<LitSet> {
        let mut by_first = vec![Vec::new(); 256];
        for (i, l) in lits.iter().enumerate() {
            by_first[usize::from(*l.bytes.first()?)].push(i);
        }
        let mut single: Vec<u8> = lits
            .iter()
            .filter(|l| l.bytes.len() == 1)
            .map(|l| l.bytes[0])
            .collect();
        single.sort_unstable();
        single.dedup();
        let mut longer: Vec<&[u8]> = if single.len() > 3 {
            // memchr takes at most three bytes: all of them go to Aho-Corasick.
            single.clear();
            lits.iter().map(|l| l.bytes.as_slice()).collect()
        } else {
            lits.iter()
                .filter(|l| l.bytes.len() > 1)
                .map(|l| l.bytes.as_slice())
                .collect()
        };
        // A literal that starts with another one of the set is found wherever that one is
        // (a candidate is a position; `confirm` tries every literal there): searching it
        // too would only cost a pass (`xoxd` and `xoxe` beside `xox` made a group of two).
        // Sorted, every literal between a prefix and its extension starts with that prefix,
        // so comparing with the last literal kept drops them all (and the duplicates).
        longer.sort_unstable();
        longer.dedup_by(|l, kept| l.starts_with(kept));
        longer.sort_by_key(|l| (l.len().min(4), l.to_vec()));
        let mut multi = Vec::new();
        let mut rest = longer.as_slice();
        while !rest.is_empty() {
            // Literals of each length below four apart: they would shorten every group's
            // fingerprint (Teddy reads at most four bytes).
            let len = rest[0].len().min(4);
            let same = rest.iter().take_while(|l| l.len().min(4) == len).count();
            let take = same.min(GROUP);
            let (g, r) = rest.split_at(take);
            rest = r;
            multi.push(match g {
                [one] => Searcher::One(memchr::memmem::Finder::new(one).into_owned()),
                _ => Searcher::Teddy(
                    aho_corasick::packed::Config::new()
                        .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                        .heuristic_pattern_limits(false)
                        .builder()
                        .extend(g)
                        .build()?,
                ),
            });
        }
        Some(LitSet {
            max_len: lits.iter().map(|l| l.bytes.len()).max().unwrap_or(1),
            lits,
            by_first,
            single,
            multi,
            fold,
        })
    }

    /// Whether a literal of the set, with its case and follow byte, starts at `hay[p..]`.
    fn confirm(&self, hay: &[u8], p: usize) -> bool {
        let b = hay[p];
        let b = if self.fold { b.to_ascii_lowercase() } else { b };
        self.by_first[usize::from(b)]
            .iter()
            .any(|&i| self.lits[i].at(hay, p))
    }

    /// The first confirmed literal starting in `[at, lim)`, searched in `text` (which holds
    /// `hay[off..off + text.len()]`, lower-cased for a folded set); every literal starting
    /// before `lim` must lie within `text`.
    ///
    /// `cache[g]` (kept across calls within a chunk): searcher `g` has no candidate in
    /// `[.0, .1)`, and one at `.1` when `.2`; so no byte is searched twice by a searcher.
    pub(super) fn find(
        &self,
        text: &[u8],
        off: usize,
        hay: &[u8],
        mut at: usize,
        lim: usize,
        cache: &mut Vec<(usize, usize, bool)>,
    ) -> Option<usize> {
        cache.resize(self.multi.len(), (1, 0, false));
        while at < lim {
            // Teddy first (each stops at its first candidate), then memchr up to it.
            let mut cand: Option<usize> = None;
            for (ps, c) in self.multi.iter().zip(cache.iter_mut()) {
                if !(c.0 <= at && (at < c.1 || at == c.1 && c.2)) {
                    let end = off + text.len();
                    *c = match ps.find(text, at - off) {
                        Some(p) => (at, p + off, true),
                        None => (at, end, false),
                    };
                }
                if c.2 {
                    cand = Some(cand.map_or(c.1, |x| x.min(c.1)));
                }
            }
            let cand_lim = cand.map_or(lim, |c| c.min(lim));
            let mut cand = cand.filter(|&p| p < lim);
            let window = &text[at - off..cand_lim - off];
            let single = match self.single.as_slice() {
                [] => None,
                [a] => memchr::memchr(*a, window),
                [a, b] => memchr::memchr2(*a, *b, window),
                [a, b, c, ..] => memchr::memchr3(*a, *b, *c, window),
            };
            if let Some(q) = single {
                cand = Some(at + q);
            }
            let p = cand?;
            if self.confirm(hay, p) {
                return Some(p);
            }
            at = p + 1;
        }
        None
    }
}

/// One group's searcher.
enum Searcher {
    Teddy(aho_corasick::packed::Searcher),
    One(memchr::memmem::Finder<'static>),
}

impl Searcher {
    /// The start of the first occurrence in `text[from..]`.
    fn find(&self, text: &[u8], from: usize) -> Option<usize> {
        match self {
            Searcher::Teddy(t) => t
                .find_in(text, aho_corasick::Span::from(from..text.len()))
                .map(|m| m.start()),
            Searcher::One(f) => f.find(&text[from..]).map(|p| p + from),
        }
    }
}

/// The most literals in one Teddy searcher.
pub(super) const GROUP: usize = 64;
