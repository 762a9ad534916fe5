//! The multi-pattern automaton and the validators that run on its candidates.
//!
//! Two compiled forms of the same pattern list:
//! * one dense forward DFA (`MatchKind::All`, unanchored, start states specialized) that
//!   the scanner drives byte by byte, carrying its state across chunks. A start state after
//!   byte `i` means no match can span position `i + 1`: that is a *cut*. A match state means
//!   some pattern matched since the last cut.
//! * one `meta::Regex` per pattern, run only on a segment between two cuts in which the DFA
//!   saw that pattern match. It re-finds the candidates, and the checks in [`rules`] accept,
//!   shrink or reject each. A rejected candidate resumes the search at the first position
//!   where a candidate with another verdict could start (`rules::reject_resume`), and
//!   keyword rules are found keyword first: the cost stays linear in the segment however
//!   the candidates overlap.

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, meta};

use crate::escapes::Decoded;
use crate::rules::{self, Check, Span, Verdict};
use crate::screen::{ByteSet, DigitShape};
use crate::{BuildError, Kind};

/// Bytes of original text kept before a segment for look-behind (keywords, guards, `\b`).
pub(crate) const CONTEXT: usize = 64;

/// Limits that make an oversized user pattern fail fast with a typed error.
const DETERMINIZE_LIMIT: usize = 96 << 20;
const DFA_LIMIT: usize = 64 << 20;
const NFA_LIMIT: usize = 4 << 20;
/// The longest user pattern accepted (bytes of pattern text).
const MAX_PATTERN_LEN: usize = 4096;
/// The most user patterns accepted.
const MAX_PATTERNS: usize = 256;

pub(crate) struct Pattern {
    pub(crate) kind: Kind,
    pub(crate) check: Check,
    pub(crate) regex: meta::Regex,
    /// The keyword alone, for keyword rules (see `rules::BuiltIn::head`).
    head: Option<meta::Regex>,
    /// `rules::needle`, `rules::min_digits` and `rules::head_of_keyword` of `check`, looked
    /// up once: the matcher asks them of every pattern of a group for every segment.
    needle: &'static [u8],
    /// `rules::folded_needle` of `check`.
    folded_needle: &'static [u8],
    min_digits: usize,
    keyword_headed: bool,
}

impl Pattern {
    fn new(kind: Kind, check: Check, regex: meta::Regex, head: Option<meta::Regex>) -> Pattern {
        Pattern {
            kind,
            check,
            regex,
            head,
            needle: rules::needle(check),
            folded_needle: rules::folded_needle(check),
            min_digits: rules::min_digits(check),
            keyword_headed: rules::head_of_keyword(check),
        }
    }
}

/// The scanning automaton: the default rules' prebuilt one, borrowed straight from the
/// binary (copying it, 12 MB then, cost ~3000 page faults, about half of a `weaver` process's
/// start-up), or one built or loaded at run time.
pub(crate) enum Dfa {
    Static(dense::DFA<&'static [u32]>),
    Owned(dense::DFA<Vec<u32>>),
}

/// Runs `$body` with `$d` bound to the engine's DFA, whichever storage it has (the code
/// is generic over it, so the scanner's inner loop is compiled once per storage).
macro_rules! with_dfa {
    ($dfa:expr, $d:ident => $body:expr) => {
        match $dfa {
            $crate::engine::Dfa::Static($d) => $body,
            $crate::engine::Dfa::Owned($d) => $body,
        }
    };
}
pub(crate) use with_dfa;

pub(crate) struct Engine {
    pub(crate) dfa: Dfa,
    pub(crate) patterns: Vec<Pattern>,
    /// For each DFA pattern, the exact patterns it guards.
    groups: Vec<Vec<usize>>,
    /// The built-in kinds asked for: a shared pattern (Authorization, `sk-`) may propose a
    /// span of a kind that is off, which is then dropped.
    kinds: Vec<Kind>,
    max_hold: usize,
    /// Which match states behave exactly like the start state (see [`crate::cut_match::CutMatches`]).
    cut_match: crate::cut_match::CutMatches,
    /// Every keyword rule's first word, case-insensitive: a segment holding none of them
    /// skips those rules (see `rules::keyword_anchors`).
    keywords: aho_corasick::AhoCorasick,
    /// Stage 1 of the two-stage scanner, when the patterns yield anchors and the DFA walk
    /// proves the cut rule (see [`crate::fast`]); `None` runs the exact scanner alone.
    /// Set at build time, or on first use by [`Engine::fast_for`] when it was deferred.
    fast: std::sync::OnceLock<Option<crate::fast::Fast>>,
    /// The anchors a deferred stage 1 is built from (see [`LAZY_STAGE1_BYTES`]).
    lazy: Option<crate::fast::Triggers>,
    /// The anchors as a yes/no test for one short string (see `leaf::Prefilter`).
    pub(crate) leaf_filter: Option<crate::leaf::Prefilter>,
    /// Whether the values of a Kubernetes Secret's data maps are masked (`kube.rs`): with
    /// [`Kind::ApiKey`], whose kind they are.
    pub(crate) kube: bool,
}

/// The input size (one call, or one stream so far) at which a deferred stage 1 is built.
///
/// A rule set with more anchor literals than [`crate::fast::MAX_LITERALS`] (the default
/// rules derive ~170) needs several Teddy passes and an ~8 ms proof walk; it pays for them
/// only over megabytes (text_20mb: the two-stage scan is ~1.6× the exact one, 352 against
/// 224 MB/s in one benchmark run, so the build is repaid after a few MB). Its stage 1 is
/// therefore built the first time a scanner's input reaches this size, so a process that
/// redacts a few small strings never builds it.
pub(crate) const LAZY_STAGE1_BYTES: u64 = 4 << 20;

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("patterns", &self.patterns.len())
            .field("dfa_bytes", &with_dfa!(&self.dfa, d => d.memory_usage()))
            .field("groups", &self.groups)
            .field("max_hold", &self.max_hold)
            .field("fast", &self.fast)
            .finish_non_exhaustive()
    }
}

fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

/// Builds the scanning DFA for a pattern list (also used to regenerate the prebuilt one).
pub(crate) fn build_dfa(texts: &[String]) -> Result<dense::DFA<Vec<u32>>, BuildError> {
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Unanchored)
                .specialize_start_states(true)
                .accelerate(false)
                .determinize_size_limit(Some(DETERMINIZE_LIMIT))
                .dfa_size_limit(Some(DFA_LIMIT)),
        )
        .syntax(syntax_config())
        .thompson(regex_automata::nfa::thompson::Config::new().nfa_size_limit(Some(NFA_LIMIT)))
        .build_many(texts)
        .map_err(|e| BuildError::TooLarge {
            message: e.to_string(),
        })
}

/// The automaton for `texts` from the cache directory when it holds a valid one, else
/// built (and written there for the next process).
fn load_or_build(
    texts: &[String],
    cache: Option<&std::path::Path>,
) -> Result<dense::DFA<Vec<u32>>, BuildError> {
    if let Some(dfa) = cache.and_then(|dir| crate::cache::load(dir, texts)) {
        return Ok(dfa);
    }
    let dfa = build_dfa(texts)?;
    if let Some(dir) = cache {
        // A cache that cannot be written costs the next start-up, nothing else.
        let _ = crate::cache::store(dir, texts, &dfa);
    }
    Ok(dfa)
}

/// The DFA pattern texts of the default rule set (every built-in kind, no user pattern).
#[cfg(test)]
pub(crate) fn default_trigger_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let mut seen = vec![false; rules::triggers().len()];
    let triggers = rules::triggers();
    for b in rules::builtins() {
        if rules::enabled(&b, &Kind::TEXT_RULES) && !seen[b.trigger] {
            seen[b.trigger] = true;
            texts.push(triggers[b.trigger].clone());
        }
    }
    texts
}

impl Engine {
    pub(crate) fn new(
        kinds: &[Kind],
        custom: &[(String, String)],
        max_hold: usize,
        force_two_stage: bool,
        cache: Option<&std::path::Path>,
    ) -> Result<Engine, BuildError> {
        if custom.len() > MAX_PATTERNS {
            return Err(BuildError::InvalidOption(format!(
                "at most {MAX_PATTERNS} user patterns, got {}",
                custom.len()
            )));
        }
        let mut texts: Vec<String> = Vec::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut trigger_slot: Vec<Option<usize>> = vec![None; rules::triggers().len()];
        let trigger_texts = rules::triggers();
        let mut patterns = Vec::new();
        // For each DFA pattern: its exact regexes with their fewest digits (stage 1).
        let mut slot_checks: Vec<Vec<(usize, &'static str)>> = Vec::new();
        for b in rules::builtins() {
            if !rules::enabled(&b, kinds) {
                continue;
            }
            let regex = meta::Regex::builder()
                .syntax(syntax_config())
                .build(b.regex)
                .map_err(|e| BuildError::InvalidPattern {
                    name: format!("builtin:{}", b.kind),
                    message: e.to_string(),
                })?;
            let head = match b.head {
                Some(h) => Some(
                    meta::Regex::builder()
                        .syntax(syntax_config())
                        .build(h)
                        .map_err(|e| BuildError::InvalidPattern {
                            name: format!("builtin:{}", b.kind),
                            message: e.to_string(),
                        })?,
                ),
                None => None,
            };
            let slot = *trigger_slot[b.trigger].get_or_insert_with(|| {
                texts.push(trigger_texts[b.trigger].clone());
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[slot].push(patterns.len());
            slot_checks.resize(groups.len(), Vec::new());
            slot_checks[slot].push((rules::min_digits(b.check), b.regex));
            patterns.push(Pattern::new(b.kind, b.check, regex, head));
        }
        for (name, pat) in custom {
            if pat.len() > MAX_PATTERN_LEN {
                return Err(BuildError::TooLarge {
                    message: format!(
                        "pattern {name:?} is {} bytes, the limit is {MAX_PATTERN_LEN}",
                        pat.len()
                    ),
                });
            }
            let hir = syntax::parse_with(pat, &syntax_config()).map_err(|e| {
                BuildError::InvalidPattern {
                    name: name.clone(),
                    message: e.to_string(),
                }
            })?;
            if hir.properties().minimum_len().unwrap_or(0) == 0 {
                return Err(BuildError::InvalidPattern {
                    name: name.clone(),
                    message: "the pattern can match the empty string".to_owned(),
                });
            }
            let regex = meta::Regex::builder()
                .syntax(syntax_config())
                .configure(meta::Config::new().nfa_size_limit(Some(NFA_LIMIT)))
                .build(pat)
                .map_err(|e| BuildError::InvalidPattern {
                    name: name.clone(),
                    message: e.to_string(),
                })?;
            texts.push(pat.clone());
            groups.push(vec![patterns.len()]);
            slot_checks.resize(groups.len(), Vec::new());
            patterns.push(Pattern::new(Kind::Custom, Check::Custom, regex, None));
        }
        if texts.is_empty() {
            // An automaton that never matches keeps the scanner uniform.
            texts.push(r"[^\x00-\xFF]".to_owned());
        }
        // The default rule set's automaton ships prebuilt (building it costs ~0.4 s at
        // every process start); any other pattern list is built here.
        let dfa = match crate::prebuilt::load(&texts) {
            Some(dfa) => Dfa::Static(dfa),
            None => Dfa::Owned(load_or_build(&texts, cache)?),
        };
        let mut engine = Engine {
            fast: std::sync::OnceLock::new(),
            lazy: None,
            leaf_filter: None,
            kube: kinds.contains(&Kind::ApiKey),
            dfa,
            patterns,
            groups,
            kinds: kinds.to_vec(),
            max_hold,
            cut_match: crate::cut_match::CutMatches::default(),
            keywords: aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(rules::keyword_anchors())
                .map_err(|e| BuildError::TooLarge {
                    message: e.to_string(),
                })?,
        };
        engine.cut_match =
            with_dfa!(&engine.dfa, d => crate::cut_match::CutMatches::new(d, engine.start()));
        // Derived once: the leaf filter and stage 1 read the same anchors.
        let triggers = crate::fast::Triggers::derive(&texts, &slot_checks);
        engine.leaf_filter = triggers.as_ref().and_then(crate::leaf::Prefilter::new);
        let max_literals = if force_two_stage {
            usize::MAX
        } else {
            crate::fast::MAX_LITERALS
        };
        let built = match &triggers {
            None => Ok(None),
            Some(t) => with_dfa!(&engine.dfa, d => {
                crate::fast::Fast::new(t, d, max_hold, max_literals, &|sid| {
                    engine.is_cut_match(sid)
                })
            }),
        };
        match built {
            Ok(fast) => {
                let _ = engine.fast.set(fast);
            }
            Err(crate::fast::TooMany) => engine.lazy = triggers,
        }
        Ok(engine)
    }

    /// Stage 1 for a scanner whose input has reached `total` bytes: the one built with the
    /// engine, or the deferred one once `total` reaches [`LAZY_STAGE1_BYTES`] (built then,
    /// once, by whichever thread gets there first).
    pub(crate) fn fast_for(&self, total: u64) -> Option<&crate::fast::Fast> {
        if let Some(f) = self.fast.get() {
            return f.as_ref();
        }
        let lazy = self.lazy.as_ref()?;
        if total < LAZY_STAGE1_BYTES {
            return None;
        }
        self.fast
            .get_or_init(|| {
                with_dfa!(&self.dfa, d => crate::fast::Fast::new(
                    lazy,
                    d,
                    self.max_hold,
                    usize::MAX,
                    &|sid| self.is_cut_match(sid),
                ))
                .ok()
                .flatten()
            })
            .as_ref()
    }

    /// Whether a stage 1 is built (at construction, or deferred and since built).
    pub(crate) fn fast_ready(&self) -> bool {
        self.fast.get().is_some_and(Option::is_some)
    }

    /// Whether the match state `sid` is a cut: the match it reports ended one byte ago and
    /// nothing else is in progress (see [`crate::cut_match::CutMatches`]).
    #[inline]
    pub(crate) fn is_cut_match(&self, sid: StateID) -> bool {
        with_dfa!(&self.dfa, d => self.cut_match.get(d, sid))
    }

    pub(crate) fn max_hold(&self) -> usize {
        self.max_hold
    }

    /// Whether the card rule is on (integers are then checked too).
    pub(crate) fn card_enabled(&self) -> bool {
        self.patterns.iter().any(|p| p.check == Check::Card)
    }

    /// The DFA state a stream starts in (nothing before it).
    pub(crate) fn start(&self) -> StateID {
        let cfg = start::Config::new().anchored(Anchored::No);
        // An unanchored start state always exists: the DFA is built with StartKind::Unanchored.
        with_dfa!(&self.dfa, d => d.start_state(&cfg).unwrap_or_else(|_| {
            d.start_state(&start::Config::new()).unwrap_or_default()
        }))
    }

    /// Every pattern over the whole of `hay`, settled (the test oracle for segmentation).
    pub(crate) fn match_all(
        &self,
        hay: &[u8],
        marker: &dyn Fn(Kind) -> &'static str,
        out: &mut Vec<Span>,
    ) {
        let all: Vec<usize> = (0..self.groups.len()).collect();
        let mut forced = Vec::new();
        if self.kube {
            crate::kube::spans(hay, |start, end| {
                forced.push(Span {
                    start,
                    end,
                    kind: crate::kube::KIND,
                });
            });
        }
        crate::fixpoint::settled_spans(self, hay, 0, &all, &forced, marker, out);
    }

    /// Finds the masked spans of one segment `hay[lo..]` (bytes before `lo` are context),
    /// for the patterns in `seen`, merged and sorted. Spans overlapping a marker already in
    /// the text are dropped, which keeps redaction idempotent.
    ///
    /// A segment holding JSON string escapes is matched as if decoded (see
    /// [`crate::escapes`]) and its spans are mapped back to whole escapes.
    pub(crate) fn match_segment(&self, hay: &[u8], lo: usize, seen: &[usize], out: &mut Vec<Span>) {
        out.clear();
        if memchr::memchr(b'\\', &hay[lo..]).is_some()
            && let Some(dec) = Decoded::new(hay)
        {
            let dlo = dec.index_at(lo);
            self.match_decoded(&dec.bytes, dlo, seen, out);
            for sp in out.iter_mut() {
                let (a, b) = dec.original(sp.start, sp.end);
                sp.start = a;
                sp.end = b;
            }
            // Mapping can make neighbours touch (both sides of one escape).
            merge(out);
            return;
        }
        self.match_decoded(hay, lo, seen, out);
    }

    /// [`match_segment`](Self::match_segment) on bytes without escapes to decode.
    fn match_decoded(&self, hay: &[u8], lo: usize, seen: &[usize], out: &mut Vec<Span>) {
        let mut url_extents: Vec<(usize, usize)> = Vec::new();
        let seg = &hay[lo..];
        let mut shape: Option<DigitShape> = None;
        let mut keyword_seen: Option<bool> = None;
        // Most patterns of a trigger group need a literal the segment lacks; the bytes the
        // segment holds, found in one pass, answer that for most of them without a
        // substring search per pattern (17 of them per e-mail line, ~30 % of the time
        // on a list of e-mails).
        let mut bytes: Option<ByteSet> = None;
        for &pid in seen
            .iter()
            .flat_map(|&g| self.groups.get(g).into_iter().flatten())
        {
            let Some(p) = self.patterns.get(pid) else {
                continue;
            };
            let needle = p.needle;
            if !needle.is_empty() {
                let b = bytes.get_or_insert_with(|| ByteSet::of(seg));
                if !b.holds_all(needle)
                    || needle.len() > 1 && memchr::memmem::find(seg, needle).is_none()
                {
                    continue;
                }
            }
            let folded = p.folded_needle;
            if !folded.is_empty() {
                let b = bytes.get_or_insert_with(|| ByteSet::of(seg));
                if !b.holds_all_folded(folded)
                    || !seg
                        .windows(folded.len())
                        .any(|w| w.eq_ignore_ascii_case(folded))
                {
                    continue;
                }
            }
            if p.check == Check::Email {
                let b = bytes.get_or_insert_with(|| ByteSet::of(seg));
                if !(b.holds(b'@') || b.holds(b'%') && memchr::memmem::find(seg, b"%40").is_some())
                {
                    continue;
                }
            }
            if p.min_digits > 0
                && !shape
                    .get_or_insert_with(|| DigitShape::of(seg))
                    .may_match(p.check, p.min_digits)
            {
                continue;
            }
            if p.keyword_headed && !*keyword_seen.get_or_insert_with(|| self.keywords.is_match(seg))
            {
                continue;
            }
            let mut at = lo;
            while at < hay.len() {
                let Some(m) = find(p, hay, at) else {
                    break;
                };
                match rules::check(p.check, p.kind, hay, m.start(), m.end()) {
                    Verdict::Mask(span, resume) => {
                        if p.check == Check::UrlCredentials {
                            url_extents.push((m.start(), m.end()));
                        }
                        if span.end > span.start {
                            out.push(span);
                        }
                        at = resume.max(m.start() + 1);
                    }
                    Verdict::Reject => {
                        at = rules::reject_resume(p.check, hay, m.start(), m.end());
                    }
                }
            }
        }
        out.retain(|sp| sp.kind == Kind::Custom || self.kinds.contains(&sp.kind));
        if out.is_empty() {
            return;
        }
        // A URL's `user:pass@host.tld` also reads as an e-mail; the URL rule keeps the host.
        if !url_extents.is_empty() {
            url_extents.sort_unstable();
            out.retain(|sp| sp.kind != Kind::Email || !overlaps_any(&url_extents, sp));
        }
        let markers = marker_ranges(hay);
        if !markers.is_empty() {
            out.retain(|sp| !overlaps_any(&markers, sp));
        }
        merge(out);
    }
}

/// The leftmost candidate of `p` starting at or after `at`. Keyword rules go head first:
/// find the keyword, test its boundary, and only then match the whole pattern anchored
/// there. This finds the same candidate as an unanchored search of the whole pattern
/// (every candidate starts with its keyword, and one that fails the boundary test is
/// rejected anyway) without scanning a long value once per glued keyword.
fn find(p: &Pattern, hay: &[u8], mut at: usize) -> Option<regex_automata::Match> {
    let Some(head) = &p.head else {
        return p.regex.search(&Input::new(hay).range(at..));
    };
    while at < hay.len() {
        let h = head.search(&Input::new(hay).range(at..))?;
        let s = h.start();
        if rules::head_ok(p.check, hay, s) {
            let input = Input::new(hay).range(s..).anchored(Anchored::Yes);
            if let Some(m) = p.regex.search(&input) {
                return Some(m);
            }
        }
        at = s + 1;
    }
    None
}

/// Whether `sp` overlaps one of `ranges` (sorted by start, with ends in the same order:
/// URL extents and markers never nest). Binary search: many spans against many ranges stay
/// `n log n`.
fn overlaps_any(ranges: &[(usize, usize)], sp: &Span) -> bool {
    let i = ranges.partition_point(|&(_, b)| b <= sp.start);
    ranges.get(i).is_some_and(|&(a, _)| a < sp.end)
}

/// Sorts and merges overlapping or touching spans; the merged span takes the kind of its
/// first (earliest, then longest) member.
pub(crate) fn merge(spans: &mut Vec<Span>) {
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut w = 0;
    for r in 0..spans.len() {
        if w > 0 && spans[r].start <= spans[w - 1].end {
            if spans[r].end > spans[w - 1].end {
                spans[w - 1].end = spans[r].end;
            }
        } else {
            spans[w] = spans[r];
            w += 1;
        }
    }
    spans.truncate(w);
}

/// Whether `v` is exactly one marker this crate writes.
pub(crate) fn is_marker(v: &[u8]) -> bool {
    v.starts_with(b"[REDACTED") && marker_ranges(v) == [(0, v.len())]
}

/// Whether `v` holds one of the markers this crate writes anywhere in it.
pub(crate) fn holds_marker(v: &[u8]) -> bool {
    !marker_ranges(v).is_empty()
}

/// Byte ranges of the markers this crate writes (`[REDACTED]`, `[REDACTED:kind]`).
fn marker_ranges(hay: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if memchr::memchr(b'[', hay).is_none() {
        return out;
    }
    // Each `[` tested in place: a searcher for `[REDACTED` costs more to build than the
    // short segments it would search (a quarter of the matching time on an e-mail list).
    for i in memchr::memchr_iter(b'[', hay) {
        if !hay[i..].starts_with(b"[REDACTED") {
            continue;
        }
        let rest = &hay[i + 9..];
        if rest.first() == Some(&b']') {
            out.push((i, i + 10));
        } else if let Some(n) = hold_limit_len(rest) {
            out.push((i, i + 9 + n));
        } else if rest.first() == Some(&b':') {
            let end = rest
                .iter()
                .take(24)
                .position(|&b| b == b']')
                .filter(|&j| is_kind_name(&rest[1..j]));
            if let Some(j) = end {
                out.push((i, i + 9 + j + 1));
            }
        }
    }
    out
}

/// The length of `:hold_limit <n> bytes]` at the start of `rest`, if it is there.
fn hold_limit_len(rest: &[u8]) -> Option<usize> {
    let tail = rest.strip_prefix(b":hold_limit ")?;
    let digits = tail
        .iter()
        .take(20)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (digits > 0 && tail[digits..].starts_with(b" bytes]"))
        .then_some(b":hold_limit ".len() + digits + b" bytes]".len())
}

fn is_kind_name(name: &[u8]) -> bool {
    // Every kind: the text rules plus the four that only structural redaction emits.
    let others = [
        Kind::Custom,
        Kind::SensitiveKey,
        Kind::DepthLimit,
        Kind::HoldLimit,
    ];
    Kind::builtin()
        .chain(others)
        .any(|k| k.as_str().as_bytes() == name)
}
