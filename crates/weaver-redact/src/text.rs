//! One-shot text redaction: the scanner fed one chunk and the end of input.

use std::borrow::Cow;

use crate::scan::{LazySink, Scanner, StringSink};
use crate::{Finding, Kind, Redactor};

impl Redactor {
    /// Masks every match of every rule in one pass. Borrowed when nothing matched.
    ///
    /// Equal to [`redact_bytes`](Self::redact_bytes) on the UTF-8 bytes. Built-in rules
    /// match ASCII only, so the output is valid UTF-8; a user pattern that matches part of
    /// a multi-byte character could break that, in which case the broken sequence is
    /// replaced by U+FFFD (lossy conversion).
    pub fn redact_str<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.redact_bytes_with(text.as_bytes(), &mut |_| {}) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            Cow::Owned(v) => match String::from_utf8(v) {
                Ok(s) => Cow::Owned(s),
                Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            },
        }
    }

    /// Appends the redaction of `text` to `out`, reporting each finding (byte spans of
    /// `text`). Returns the number of findings.
    pub fn redact_str_into(
        &self,
        text: &str,
        out: &mut String,
        on: &mut dyn FnMut(Finding),
    ) -> usize {
        let mut count = 0usize;
        let mut sink = StringSink {
            bytes: Vec::with_capacity(text.len()),
            out,
        };
        let mut scanner = Scanner::new(&self.inner.engine);
        scanner.feed(&self.inner, text.as_bytes(), true, &mut sink, &mut |f| {
            count += 1;
            on(f);
        });
        sink.finish();
        count
    }

    /// Byte-level redaction; matches are ASCII, so valid UTF-8 stays valid and bytes that
    /// are not UTF-8 pass through untouched. `redact_str(s) == redact_bytes(s.as_bytes())`.
    pub fn redact_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        self.redact_bytes_with(bytes, &mut |_| {})
    }

    /// Like [`redact_bytes`](Self::redact_bytes), reporting each finding.
    pub fn redact_bytes_with<'a>(
        &self,
        bytes: &'a [u8],
        on: &mut dyn FnMut(Finding),
    ) -> Cow<'a, [u8]> {
        let mut sink = LazySink::new(bytes);
        let mut scanner = Scanner::new(&self.inner.engine);
        scanner.feed(&self.inner, bytes, true, &mut sink, on);
        match sink.out {
            None => Cow::Borrowed(bytes),
            Some(v) => Cow::Owned(v),
        }
    }

    /// Test oracle, not for production: the one-shot redaction by the exact scanner alone
    /// (the DFA walks every byte; stage 1 never jumps). Its output and findings equal
    /// [`redact_bytes_with`](Self::redact_bytes_with)'s on every input.
    #[doc(hidden)]
    pub fn redact_bytes_exact_with(&self, bytes: &[u8], on: &mut dyn FnMut(Finding)) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut scanner = Scanner::new_exact(&self.inner.engine);
        scanner.feed(&self.inner, bytes, true, &mut out, on);
        out
    }

    /// Whether this redactor runs the two-stage scanner, at least on large inputs (its
    /// patterns yield stage-1 anchors and the cut rule was proven on its automaton);
    /// otherwise every byte goes through the exact scanner. Builds a deferred stage 1.
    #[doc(hidden)]
    pub fn uses_fast_path(&self) -> bool {
        self.inner.engine.fast_for(u64::MAX).is_some()
    }

    /// Whether stage 1 has been built, without building a deferred one: false for the
    /// default rules until an input (one call, or one stream so far) reaches 4 MiB.
    #[doc(hidden)]
    pub fn fast_path_ready(&self) -> bool {
        self.inner.engine.fast_ready()
    }

    /// What the two-stage scanner's stage 1 looks for (derived anchors and cut bytes), for
    /// diagnostics; `None` when this redactor runs the exact scanner alone.
    #[doc(hidden)]
    pub fn fast_path_summary(&self) -> Option<String> {
        self.inner
            .engine
            .fast_for(u64::MAX)
            .map(crate::fast::Fast::summary)
    }

    /// Test oracle, not for production: runs every exact rule over the whole input at
    /// once, without the DFA's segmentation and without the hold cap, and returns the
    /// masked spans as `(start, end, kind)`. On inputs below the hold cap, the findings of
    /// [`redact_bytes_with`](Self::redact_bytes_with) must equal these.
    #[doc(hidden)]
    pub fn unsegmented_spans(&self, bytes: &[u8]) -> Vec<(u64, u64, Kind)> {
        let mut spans = Vec::new();
        let markers = &self.inner.markers;
        self.inner
            .engine
            .match_all(bytes, &|k| markers.get(k), &mut spans);
        spans
            .into_iter()
            .map(|s| (s.start as u64, s.end as u64, s.kind))
            .collect()
    }

    /// Whether `text` contains anything this redactor would mask.
    pub fn is_clean(&self, text: &str) -> bool {
        matches!(self.redact_bytes(text.as_bytes()), Cow::Borrowed(_))
    }

    /// Whether an integer leaf must be masked on its own (a Luhn-valid card number with a
    /// known issuer prefix), and as what.
    pub fn scan_integer(&self, n: u64) -> Option<Kind> {
        (self.inner.engine.card_enabled() && crate::rules::card_number(n)).then_some(Kind::Card)
    }
}
