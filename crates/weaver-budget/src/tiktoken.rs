//! Exact OpenAI token counts (feature `tiktoken`), vocabularies embedded in the binary.

use std::fmt;
use std::ops::ControlFlow;
use std::str::FromStr;
use std::sync::OnceLock;

use serde_json::Value;
use tiktoken_rs::CoreBPE;

use crate::UnknownEncoding;
use crate::ascii_bpe::{Pattern, Ranks};
use crate::counter::{TokenCount, TokenCounter};
use crate::json_text::{self, Sink};

/// A tiktoken byte-pair encoding shipped with this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// `cl100k_base` (GPT-4, GPT-3.5-turbo, text-embedding-ada-002).
    Cl100kBase,
    /// `o200k_base` (GPT-4o, GPT-4.1, the o-series).
    O200kBase,
}

impl Encoding {
    /// The name tiktoken uses (`"cl100k_base"`, `"o200k_base"`).
    pub const fn name(self) -> &'static str {
        match self {
            Encoding::Cl100kBase => "cl100k_base",
            Encoding::O200kBase => "o200k_base",
        }
    }

    /// The process-wide encoder: built on first use (50–100 ms, about 24 MB), then shared.
    fn bpe(self) -> &'static CoreBPE {
        match self {
            Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
            Encoding::O200kBase => tiktoken_rs::o200k_base_singleton(),
        }
    }

    /// The process-wide rank table of the ASCII fast path, read back from the encoder.
    fn ranks(self) -> &'static Ranks {
        static CL100K: OnceLock<Ranks> = OnceLock::new();
        static O200K: OnceLock<Ranks> = OnceLock::new();
        let cell = match self {
            Encoding::Cl100kBase => &CL100K,
            Encoding::O200kBase => &O200K,
        };
        cell.get_or_init(|| Ranks::from_bpe(self.bpe()))
    }

    fn pattern(self) -> Pattern {
        match self {
            Encoding::Cl100kBase => Pattern::Cl100k,
            Encoding::O200kBase => Pattern::O200k,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "cl100k_base" => Ok(Encoding::Cl100kBase),
            "o200k_base" => Ok(Encoding::O200kBase),
            _ => Err(UnknownEncoding::new(name, &["cl100k_base", "o200k_base"])),
        }
    }
}

/// Counts tokens exactly as OpenAI's `tiktoken` does (`encode_ordinary`: special-token text
/// such as `<|endoftext|>` is counted as ordinary text, never as a control token).
///
/// The vocabularies are compiled into the binary (tiktoken-rs): no network, no files. Each
/// encoder is built once per process on first use and shared by every counter and thread;
/// the constructors force that build, so its cost is paid at construction, not mid-call.
///
/// ASCII stretches of the text are pre-tokenized by a hand-written scanner equivalent to the
/// encoding's regex on ASCII and merged with the same vocabulary, which is about ten times
/// faster than tiktoken-rs's backtracking regex; each non-ASCII character goes, with the
/// text around it up to the nearest safe cuts, to tiktoken-rs's `encode_ordinary`. Both
/// paths are property-tested against tiktoken-rs. The fast path's rank table is read back
/// from the encoder once per process (about 5 MB for cl100k_base, 10 MB for o200k_base).
///
/// Text is tokenized in pieces of about 8 KiB cut only where the encoding's pre-tokenizer
/// is guaranteed to break (between an ASCII letter or digit and a following ASCII character
/// of another class that is not `'`), so the count is exact and the bounded counts stop
/// within one piece of the limit. Text without such a point is tokenized in one piece.
/// Every step is `O(n log n)` or better in the length of the text, whatever its shape: a
/// single pre-token of a megabyte (one long word, a run of punctuation) is merged with a
/// heap, not by rescanning (see `merge.rs`), and tiktoken-rs does the same for the
/// non-ASCII pieces it gets.
///
/// ```
/// use weaver_budget::{TiktokenCounter, TokenCount, TokenCounter};
/// let c = TiktokenCounter::cl100k();
/// assert_eq!(c.count_str("hello world"), 2);
/// assert_eq!(c.count_value(&serde_json::json!({"id": 1})), 5); // {"id":1}
/// assert!(!c.count_str_up_to(&"word ".repeat(10_000), 100).fits());
/// ```
#[derive(Clone, Copy)]
pub struct TiktokenCounter {
    encoding: Encoding,
    bpe: &'static CoreBPE,
    ranks: &'static Ranks,
}

impl TiktokenCounter {
    /// A counter for `encoding`.
    pub fn new(encoding: Encoding) -> TiktokenCounter {
        TiktokenCounter {
            encoding,
            bpe: encoding.bpe(),
            ranks: encoding.ranks(),
        }
    }

    /// A `cl100k_base` counter.
    pub fn cl100k() -> TiktokenCounter {
        TiktokenCounter::new(Encoding::Cl100kBase)
    }

    /// An `o200k_base` counter.
    pub fn o200k() -> TiktokenCounter {
        TiktokenCounter::new(Encoding::O200kBase)
    }

    /// A counter for an encoding named as tiktoken names it; unknown names are an error.
    pub fn from_name(name: &str) -> Result<TiktokenCounter, UnknownEncoding> {
        Ok(TiktokenCounter::new(name.parse()?))
    }

    /// The encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Counts `text` tokenizing it in pieces of about `piece` bytes.
    fn count_pieces(&self, text: &str, piece: usize, limit: u64) -> TokenCount {
        let bytes = text.as_bytes();
        let mut counted = 0u64;
        let mut start = 0;
        while start < bytes.len() {
            let end = if bytes.len() - start <= piece {
                bytes.len()
            } else {
                next_split(bytes, start + piece).unwrap_or(bytes.len())
            };
            counted += self.count_piece(&text[start..end]);
            if counted > limit {
                return TokenCount::Exceeds { at_least: counted };
            }
            start = end;
        }
        TokenCount::Exact(counted)
    }

    /// Tokens in `text`: ASCII stretches on the fast path, each non-ASCII character with
    /// the text around it up to the nearest safe cuts through tiktoken-rs.
    fn count_piece(&self, text: &str) -> u64 {
        let bytes = text.as_bytes();
        let fast = |s: &str| {
            self.ranks
                .count_ascii(self.encoding.pattern(), s.as_bytes())
        };
        let mut n = 0;
        let mut start = 0;
        while start < bytes.len() {
            let Some(q) = bytes[start..].iter().position(|b| !b.is_ascii()) else {
                n += fast(&text[start..]);
                break;
            };
            let q = start + q;
            // The ASCII text before the last safe cut ahead of the non-ASCII byte.
            if let Some(cut) = (start + 1..q)
                .rev()
                .find(|&p| is_split(bytes[p - 1], bytes[p]))
            {
                n += fast(&text[start..cut]);
                start = cut;
            }
            // Cuts lie between two ASCII bytes, so both ends are char boundaries.
            let end = next_split(bytes, q + 1).unwrap_or(bytes.len());
            n += self.bpe.encode_ordinary(&text[start..end]).len() as u64;
            start = end;
        }
        n
    }

    fn count_value_pieces(&self, value: &Value, piece: usize, limit: u64) -> TokenCount {
        let mut sink = PieceSink {
            counter: self,
            piece,
            limit,
            buf: String::with_capacity(2 * piece + 64),
            checked: 0,
            counted: 0,
        };
        if json_text::write_compact(value, &mut sink).is_break() {
            return TokenCount::Exceeds {
                at_least: sink.counted,
            };
        }
        let rest = sink.counter.count_piece(&sink.buf);
        TokenCount::classify(sink.counted + rest, limit)
    }
}

impl fmt::Debug for TiktokenCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TiktokenCounter")
            .field("encoding", &self.encoding.name())
            .finish_non_exhaustive()
    }
}

/// Target piece size: big enough that per-call overhead vanishes, small enough that a
/// bounded count stops a few thousand tokens past its limit.
const PIECE: usize = 8 * 1024;

impl TokenCounter for TiktokenCounter {
    fn name(&self) -> &'static str {
        self.encoding.name()
    }

    fn count_str(&self, text: &str) -> u64 {
        self.count_pieces(text, PIECE, u64::MAX).lower_bound()
    }

    fn count_value(&self, value: &Value) -> u64 {
        self.count_value_pieces(value, PIECE, u64::MAX)
            .lower_bound()
    }

    fn count_str_up_to(&self, text: &str, limit: u64) -> TokenCount {
        self.count_pieces(text, PIECE, limit)
    }

    fn count_up_to(&self, value: &Value, limit: u64) -> TokenCount {
        self.count_value_pieces(value, PIECE, limit)
    }
}

/// Whether both cl100k_base's and o200k_base's pre-tokenizers always end a pre-token
/// between bytes `prev` and `next`, whatever surrounds them.
///
/// `prev` is an ASCII letter or digit and `next` an ASCII character of another class
/// (not a letter after a letter, not a digit after a digit) other than `'`. Why that is a
/// hard boundary: the only pre-token patterns that contain an ASCII letter are letter runs
/// (plus a leading non-letter and, in cl100k, the contractions `'s` … which *start* with
/// `'`; in o200k an optional trailing contraction `'s` …, hence `'` is excluded), and the
/// only ones that contain a digit are runs of at most three digits. None of them can continue
/// with an ASCII character of another class, so the pre-token holding `prev` ends exactly
/// here; the patterns have no look-behind, so the text after the cut tokenizes the same on
/// its own, and the only look-ahead and `$` anchors apply to whitespace runs, which cannot
/// end at `prev`. The property tests check this against whole-text encoding.
const fn is_split(prev: u8, next: u8) -> bool {
    let letters = prev.is_ascii_alphabetic() && next.is_ascii_alphabetic();
    let digits = prev.is_ascii_digit() && next.is_ascii_digit();
    prev.is_ascii_alphanumeric() && next.is_ascii() && next != b'\'' && !letters && !digits
}

/// The smallest `p >= from` (and `>= 1`) with `p < len` that is a safe cut.
fn next_split(bytes: &[u8], from: usize) -> Option<usize> {
    let from = from.max(1);
    (from..bytes.len()).find(|&p| is_split(bytes[p - 1], bytes[p]))
}

/// Collects the JSON text and tokenizes it piece by piece at safe cuts.
struct PieceSink<'a> {
    counter: &'a TiktokenCounter,
    piece: usize,
    limit: u64,
    buf: String,
    /// Cut positions below this were already checked and found unsafe.
    checked: usize,
    counted: u64,
}

impl PieceSink<'_> {
    fn flush(&mut self) -> ControlFlow<()> {
        let bytes = self.buf.as_bytes();
        let from = self.checked.max(1);
        // The last safe cut keeps the leftover small.
        let cut = (from..bytes.len())
            .rev()
            .find(|&p| is_split(bytes[p - 1], bytes[p]));
        match cut {
            Some(p) => {
                self.counted += self.counter.count_piece(&self.buf[..p]);
                self.buf.drain(..p);
                self.checked = self.buf.len();
                if self.counted > self.limit {
                    return ControlFlow::Break(());
                }
            }
            // No cut yet: keep collecting (the text is tokenized in one larger piece).
            None => self.checked = self.buf.len(),
        }
        ControlFlow::Continue(())
    }
}

impl Sink for PieceSink<'_> {
    fn push(&mut self, mut text: &str) -> ControlFlow<()> {
        // A long run (a 20 MB string) is fed in piece-sized slices so the bound holds.
        while !text.is_empty() {
            let mut take = text.len().min(self.piece);
            while !text.is_char_boundary(take) {
                take += 1;
            }
            self.buf.push_str(&text[..take]);
            text = &text[take..];
            if self.buf.len() >= 2 * self.piece {
                self.flush()?;
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn full(c: &TiktokenCounter, text: &str) -> u64 {
        c.bpe.encode_ordinary(text).len() as u64
    }

    /// Text over an alphabet rich in pre-tokenizer edge cases: case changes, digits,
    /// contractions, whitespace kinds, slashes, quotes, non-ASCII letters, combining marks,
    /// emoji.
    fn tricky_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                "[a-zA-Z]{1,6}",
                "[0-9]{1,7}",
                Just("'s".to_owned()),
                Just("'LL".to_owned()),
                Just("'".to_owned()),
                "[ \\t\\r\\n]{1,3}",
                "[.,:;!?/\"{}\\[\\]()<>=+\\-_*&%$#@]{1,3}",
                Just("é".to_owned()),
                Just("\u{301}".to_owned()),
                Just("中文".to_owned()),
                Just("ǅ".to_owned()),
                Just("😀".to_owned()),
                Just("\u{a0}".to_owned()),
                Just("<|endoftext|>".to_owned()),
            ],
            0..60,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn pieces_equal_whole_text(text in tricky_text(), piece in 1usize..24) {
            for c in [TiktokenCounter::cl100k(), TiktokenCounter::o200k()] {
                let want = full(&c, &text);
                prop_assert_eq!(c.count_pieces(&text, piece, u64::MAX), TokenCount::Exact(want));
            }
        }

        #[test]
        fn bounded_count_is_exact_when_it_fits(text in tricky_text(), piece in 1usize..24, limit in 0u64..40) {
            let c = TiktokenCounter::cl100k();
            let want = full(&c, &text);
            match c.count_pieces(&text, piece, limit) {
                TokenCount::Exact(n) => prop_assert!(n == want && n <= limit),
                TokenCount::Exceeds { at_least } => prop_assert!(want > limit && at_least > limit && at_least <= want),
            }
        }

        #[test]
        fn value_pieces_equal_whole_compact_json(
            words in prop::collection::vec((tricky_text(), any::<i32>(), any::<bool>()), 0..8),
            piece in 1usize..24,
        ) {
            let v = Value::Array(words.into_iter().map(|(s, n, b)| serde_json::json!({"k": s, "n": n, "b": b, s.clone(): [n, null]})).collect());
            let text = serde_json::to_string(&v).unwrap();
            for c in [TiktokenCounter::cl100k(), TiktokenCounter::o200k()] {
                let want = full(&c, &text);
                prop_assert_eq!(c.count_value_pieces(&v, piece, u64::MAX), TokenCount::Exact(want));
            }
        }
    }

    #[test]
    fn cuts_the_rule_forbids_do_change_counts() {
        // The property tests above could only fail if cutting at the wrong place changed
        // counts: show that it does for each class the rule excludes.
        let cl = TiktokenCounter::cl100k();
        let o = TiktokenCounter::o200k();
        let cases = [
            (&cl, "1234", "56"), // digit|digit: groups of three restart
            (&cl, "hel", "lo"),  // letter|letter
            (&o, "don", "'t"),   // letter|apostrophe: o200k keeps `don't` together
            (&cl, " ", "hello"), // space|letter: the space joins the word
            (&cl, "x.", "/"),    // inside a punctuation run
        ];
        for (c, a, b) in cases {
            let whole = format!("{a}{b}");
            assert_ne!(full(c, &whole), full(c, a) + full(c, b), "cut {a:?}|{b:?}");
        }
        let c = cl;
        let sum = |a: &str, b: &str| full(&c, a) + full(&c, b);
        // ... while every cut the rule allows in a sample text leaves the count unchanged.
        let text = "Order 1042 shipped to \"Zoë\" at 10:42, status=ok; ids: a1b2c3.";
        let whole = full(&c, text);
        let bytes = text.as_bytes();
        let mut allowed = 0;
        for p in 1..bytes.len() {
            if is_split(bytes[p - 1], bytes[p]) {
                allowed += 1;
                assert_eq!(sum(&text[..p], &text[p..]), whole, "cut at {p}");
            }
        }
        assert!(allowed > 10);
    }

    #[test]
    fn long_pieces_equal_whole_text() {
        // One pre-token of thousands of bytes, ASCII and not, bare and inside JSON quotes.
        for text in [
            "x".repeat(6_000),
            format!("\"{}\"", "x".repeat(6_000)),
            "\u{e9}".repeat(3_000),
            format!("{}\u{e9}{}", "x".repeat(3_000), "y".repeat(3_000)),
            "\u{4e2d}\u{6587}".repeat(1_000),
            format!("{}\u{e9}", "=".repeat(4_000)),
            "a\u{e9}".repeat(2_000),
        ] {
            for c in [TiktokenCounter::cl100k(), TiktokenCounter::o200k()] {
                let want = full(&c, &text);
                assert_eq!(c.count_str(&text), want, "{}", &text[..8]);
                assert_eq!(c.count_str_up_to(&text, want), TokenCount::Exact(want));
                assert!(!c.count_str_up_to(&text, want - 1).fits());
            }
        }
    }

    #[test]
    fn split_rule_vectors() {
        assert!(is_split(b'a', b'"'));
        assert!(is_split(b'a', b' '));
        assert!(is_split(b'7', b','));
        assert!(is_split(b'a', b'7'));
        assert!(is_split(b'7', b'a'));
        assert!(!is_split(b'a', b'b'));
        assert!(!is_split(b'1', b'2'));
        assert!(!is_split(b'a', b'\''));
        assert!(!is_split(b'"', b'a'));
        assert!(!is_split(b' ', b'a'));
        assert!(!is_split(b'a', 0xc3));
    }
}
