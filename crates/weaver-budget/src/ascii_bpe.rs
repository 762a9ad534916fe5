//! A fast exact token count for pure-ASCII text.
//!
//! tiktoken-rs pre-tokenizes with a backtracking regex (fancy-regex) whose per-match cost
//! dominates on token-dense text such as logs. For ASCII text the cl100k_base and
//! o200k_base pre-tokenizer patterns reduce to a few character classes (`\p{L}` = letters,
//! `\p{Lu}` = `A-Z`, `\p{Ll}` = `a-z`, `\p{N}` = digits, `\s` = `\t \n \x0b \x0c \r` and
//! space, no marks), so they are scanned here by hand, alternative by alternative, with the
//! regex's leftmost-first semantics. The byte-pair merge then runs on a rank table read
//! back from the tiktoken-rs encoder (decoding every ordinary token id), so the vocabulary
//! is the same one, still embedded in the binary.
//!
//! Callers only send ASCII text here; anything else goes to tiktoken-rs. The property tests
//! compare both paths on arbitrary ASCII.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tiktoken_rs::CoreBPE;

/// Which pre-tokenizer to emulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    Cl100k,
    O200k,
}

/// A small multiplicative hasher: the keys are short byte strings from a fixed vocabulary
/// (no adversary chooses them), and SipHash would cost more than the lookup saves.
#[derive(Default, Clone, Copy)]
struct MulHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl MulHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for MulHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Longest pre-token merged by the simple quadratic loop.
const SHORT_PIECE: usize = 64;

/// The ordinary (non-special) tokens of an encoding: bytes → rank.
pub(crate) struct Ranks {
    map: HashMap<Box<[u8]>, u32, BuildHasherDefault<MulHasher>>,
}

impl Ranks {
    /// Reads the vocabulary back from `bpe` by decoding each id until the ordinary ids end.
    pub(crate) fn from_bpe(bpe: &CoreBPE) -> Ranks {
        let specials = bpe.special_tokens();
        let mut map = HashMap::with_capacity_and_hasher(1 << 18, BuildHasherDefault::default());
        let mut misses = 0u32;
        let mut rank = 0u32;
        // Ordinary ids are dense from 0; special ids follow after a gap. Stop after a long
        // run of unknown ids.
        while misses < 4096 {
            match bpe.decode_bytes(&[rank]) {
                Ok(bytes) => {
                    misses = 0;
                    let special = std::str::from_utf8(&bytes).is_ok_and(|s| specials.contains(s));
                    if !special {
                        map.insert(bytes.into_boxed_slice(), rank);
                    }
                }
                Err(_) => misses += 1,
            }
            rank += 1;
        }
        Ranks { map }
    }

    #[inline]
    pub(crate) fn rank(&self, bytes: &[u8]) -> u32 {
        self.map.get(bytes).copied().unwrap_or(u32::MAX)
    }

    /// Tokens in one pre-token: lowest-rank adjacent pair merged first (leftmost on ties),
    /// until no adjacent pair is in the vocabulary. Short pieces (nearly all of them) take
    /// the simple quadratic merge, whose small vectors beat a heap; long ones the
    /// `O(n log n)` merge of [`merge`](crate::merge).
    pub(crate) fn count_piece(&self, piece: &[u8]) -> u64 {
        if piece.len() <= 1 || self.map.contains_key(piece) {
            return piece.len().min(1) as u64;
        }
        if piece.len() > SHORT_PIECE {
            return crate::merge::count_parts(piece, |b| self.rank(b));
        }
        self.count_short(piece)
    }

    /// The quadratic merge, for pieces of at most [`SHORT_PIECE`] bytes.
    fn count_short(&self, piece: &[u8]) -> u64 {
        // bounds[k] = start of part k; pair[k] = rank of part k joined with part k + 1.
        let mut bounds: Vec<usize> = (0..=piece.len()).collect();
        let mut pair: Vec<u32> = (0..piece.len() - 1)
            .map(|i| self.rank(&piece[i..i + 2]))
            .collect();
        loop {
            let mut best = u32::MAX;
            let mut at = 0;
            for (k, &r) in pair.iter().enumerate() {
                if r < best {
                    best = r;
                    at = k;
                }
            }
            if best == u32::MAX {
                break;
            }
            bounds.remove(at + 1);
            pair.remove(at);
            if at < pair.len() {
                pair[at] = self.rank(&piece[bounds[at]..bounds[at + 2]]);
            }
            if at > 0 {
                pair[at - 1] = self.rank(&piece[bounds[at - 1]..bounds[at + 1]]);
            }
        }
        (bounds.len() - 1) as u64
    }

    /// Tokens in `text`, which must be ASCII.
    pub(crate) fn count_ascii(&self, pattern: Pattern, text: &[u8]) -> u64 {
        debug_assert!(text.is_ascii());
        let mut n = 0;
        let mut i = 0;
        while i < text.len() {
            let end = match pattern {
                Pattern::Cl100k => next_cl100k(text, i),
                Pattern::O200k => next_o200k(text, i),
            };
            n += self.count_piece(&text[i..end]);
            i = end;
        }
        n
    }
}

#[inline]
const fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

#[inline]
const fn is_newline(b: u8) -> bool {
    matches!(b, b'\r' | b'\n')
}

/// `[^\s\p{L}\p{N}]` in ASCII.
#[inline]
const fn is_punct(b: u8) -> bool {
    !is_space(b) && !b.is_ascii_alphanumeric()
}

/// `[^\r\n\p{L}\p{N}]` in ASCII (the optional first character of a word).
#[inline]
const fn is_word_prefix(b: u8) -> bool {
    !is_newline(b) && !b.is_ascii_alphanumeric()
}

fn run(t: &[u8], mut i: usize, class: impl Fn(u8) -> bool) -> usize {
    while i < t.len() && class(t[i]) {
        i += 1;
    }
    i
}

/// Length of a contraction at `i` (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`, any case),
/// or 0.
fn contraction(t: &[u8], i: usize, single: &[u8]) -> usize {
    if t.get(i) != Some(&b'\'') {
        return 0;
    }
    let a = t.get(i + 1).map(u8::to_ascii_lowercase);
    let b = t.get(i + 2).map(u8::to_ascii_lowercase);
    match (a, b) {
        (Some(a), _) if single.contains(&a) => 2,
        (Some(b'l'), Some(b'l')) | (Some(b'v' | b'r'), Some(b'e')) => 3,
        _ => 0,
    }
}

/// End of the whitespace pre-token starting at `i` (shared tail of both patterns):
/// returns `(run_end, last_newline_end)` where `last_newline_end` is one past the last
/// `\r`/`\n` in the run (or `None`).
fn space_run(t: &[u8], i: usize) -> (usize, Option<usize>) {
    let end = run(t, i, is_space);
    let nl = (i..end).rev().find(|&k| is_newline(t[k])).map(|k| k + 1);
    (end, nl)
}

/// cl100k_base:
/// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`
fn next_cl100k(t: &[u8], i: usize) -> usize {
    let b = t[i];
    // '(?i:[sdmt]|ll|ve|re)
    let c = contraction(t, i, b"sdmt");
    if c > 0 {
        return i + c;
    }
    // [^\r\n\p{L}\p{N}]?+\p{L}++
    if b.is_ascii_alphabetic() {
        return run(t, i, |x| x.is_ascii_alphabetic());
    }
    if is_word_prefix(b) && t.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
        return run(t, i + 1, |x| x.is_ascii_alphabetic());
    }
    // \p{N}{1,3}+
    if b.is_ascii_digit() {
        return digits_up_to_3(t, i);
    }
    //  ?[^\s\p{L}\p{N}]++[\r\n]*+
    if let Some(end) = punct_run(t, i, is_newline) {
        return end;
    }
    // Whitespace from here on (every ASCII byte is a letter, digit, punct or space).
    let (end, nl) = space_run(t, i);
    // \s++$
    if end == t.len() {
        return end;
    }
    // \s*[\r\n]
    if let Some(nl) = nl {
        return nl;
    }
    // \s+(?!\S): all but the last whitespace, which must then be followed by \S
    if end - i >= 2 {
        return end - 1;
    }
    // \s
    i + 1
}

/// `\p{N}{1,3}` at `i` (a digit): the end of at most three digits.
fn digits_up_to_3(t: &[u8], i: usize) -> usize {
    let cap = t.len().min(i + 3);
    (i..cap).find(|&k| !t[k].is_ascii_digit()).unwrap_or(cap)
}

/// ` ?[^\s\p{L}\p{N}]+` followed by a run of `trail` bytes (the two encodings differ only
/// in the trail), or `None` when no punctuation starts at `i` (after an optional space).
fn punct_run(t: &[u8], i: usize, trail: impl Fn(u8) -> bool) -> Option<usize> {
    let p = if t[i] == b' ' && t.get(i + 1).is_some_and(|&x| is_punct(x)) {
        i + 1
    } else {
        i
    };
    if !is_punct(t[p]) {
        return None;
    }
    let e = run(t, p, is_punct);
    Some(run(t, e, trail))
}

/// o200k_base:
/// `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
/// `|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:…)?`
/// `|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`
fn next_o200k(t: &[u8], i: usize) -> usize {
    let b = t[i];
    // The two word alternatives: an optional prefix, upper-case letters, lower-case letters,
    // with at least one letter, then an optional contraction. (In ASCII the two differ only
    // in which letter run must be non-empty, so together they accept any U*L* with a
    // letter.)
    let s = if is_word_prefix(b) { i + 1 } else { i };
    if t.get(s).is_some_and(u8::is_ascii_alphabetic) {
        let u = run(t, s, |x| x.is_ascii_uppercase());
        let l = run(t, u, |x| x.is_ascii_lowercase());
        return l + contraction(t, l, b"stmd");
    }
    // \p{N}{1,3}
    if b.is_ascii_digit() {
        return digits_up_to_3(t, i);
    }
    //  ?[^\s\p{L}\p{N}]+[\r\n/]*
    if let Some(end) = punct_run(t, i, |x| is_newline(x) || x == b'/') {
        return end;
    }
    let (end, nl) = space_run(t, i);
    // \s*[\r\n]+
    if let Some(nl) = nl {
        return nl;
    }
    // \s+(?!\S)
    if end == t.len() {
        return end;
    }
    if end - i >= 2 {
        return end - 1;
    }
    // \s+
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static CL: LazyLock<Ranks> =
        LazyLock::new(|| Ranks::from_bpe(tiktoken_rs::cl100k_base_singleton()));
    static O2: LazyLock<Ranks> =
        LazyLock::new(|| Ranks::from_bpe(tiktoken_rs::o200k_base_singleton()));

    fn both(text: &str) -> [(u64, u64); 2] {
        [
            (
                CL.count_ascii(Pattern::Cl100k, text.as_bytes()),
                tiktoken_rs::cl100k_base_singleton()
                    .encode_ordinary(text)
                    .len() as u64,
            ),
            (
                O2.count_ascii(Pattern::O200k, text.as_bytes()),
                tiktoken_rs::o200k_base_singleton()
                    .encode_ordinary(text)
                    .len() as u64,
            ),
        ]
    }

    #[test]
    fn vocabularies_are_complete() {
        // cl100k_base has 100 256 ordinary tokens, o200k_base 199 998.
        assert_eq!(CL.map.len(), 100_256);
        assert_eq!(O2.map.len(), 199_998);
    }

    #[test]
    fn vectors() {
        for text in [
            "",
            "hello world",
            "tiktoken is great!",
            "  leading and trailing  ",
            "a\n\n  b\r\n\tc \x0b\x0c d   ",
            "don't I'LL we've they'RE it'S 'tis",
            "HELLOworld HelloWorld ABC abc's DON'T",
            "12345678 3.14159 1,000,000",
            "path/to/file.rs:12:3 -> ./a//b\n/c",
            "\x00\x01\x1f\x7f <|endoftext|> {\"a\":[1,2]}",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "=============== ----- ***** ",
        ] {
            for (fast, want) in both(text) {
                assert_eq!(fast, want, "{text:?}");
            }
        }
    }

    fn ascii_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                4 => "[a-zA-Z]{1,8}",
                2 => "[0-9]{1,6}",
                2 => "[ \\t\\r\\n\\x0b\\x0c]{1,4}",
                2 => "[!-/:-@\\[-`{-~]{1,4}",
                1 => "'[sdmtlvrLSDMTVRE]{0,2}",
                1 => "[\\x00-\\x7f]{1,6}",
            ],
            0..40,
        )
        .prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn fast_path_equals_tiktoken_rs(text in ascii_text()) {
            for (fast, want) in both(&text) {
                prop_assert_eq!(fast, want);
            }
        }

        #[test]
        fn heap_merge_equals_quadratic_merge(piece in "[a-cA-C!.]{2,160}|[a-z]{2,160}|[ -~]{2,160}") {
            for ranks in [&*CL, &*O2] {
                let heap = crate::merge::count_parts(piece.as_bytes(), |b| ranks.rank(b));
                prop_assert_eq!(heap, ranks.count_short(piece.as_bytes()), "{:?}", piece);
            }
        }
    }

    /// Long pre-tokens of the shapes that made the quadratic merge slow: one unit repeated,
    /// or few-letter alphabets (many equal-rank pairs, so the leftmost tie rule matters).
    fn long_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            ("[a-zA-Z]{1,3}|[!-/:-@]{1,3}", 1usize..2000).prop_map(|(unit, n)| unit.repeat(n)),
            "[xyz]{100,5000}",
            "[a-zA-Z]{100,5000}",
            "[!-/:-@\\[-`{-~]{100,5000}",
            " [-+=*#]{100,3000}\n{0,3}",
            "[0-9]{100,3000}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn long_pieces_equal_tiktoken_rs(text in long_piece()) {
            for (fast, want) in both(&text) {
                prop_assert_eq!(fast, want);
            }
        }
    }

    #[test]
    fn pathological_vectors() {
        for text in [
            "x".repeat(5_000),
            "ab".repeat(2_500),
            "=".repeat(4_000),
            "!@#$%^&*()".repeat(400),
            format!("\"{}\"", "x".repeat(4_999)),
            "aA".repeat(2_000),
        ] {
            for (fast, want) in both(&text) {
                assert_eq!(fast, want, "{} bytes of {:?}", text.len(), &text[..8]);
            }
        }
    }
}
