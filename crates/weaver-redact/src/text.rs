//! One-shot text redaction. (Contract stub: the engine issue replaces this body.)

use std::borrow::Cow;

use crate::{Finding, Kind, Redactor};

impl Redactor {
    /// Masks every match of every rule in one pass. Borrowed when nothing matched.
    pub fn redact_str<'a>(&self, text: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(text)
    }

    /// Appends the redaction of `text` to `out`, reporting each finding (byte spans of
    /// `text`). Returns the number of findings.
    pub fn redact_str_into(
        &self,
        text: &str,
        out: &mut String,
        _on: &mut dyn FnMut(Finding),
    ) -> usize {
        out.push_str(text);
        0
    }

    /// Byte-level redaction; matches are ASCII, so valid UTF-8 stays valid and bytes that
    /// are not UTF-8 pass through untouched. `redact_str(s) == redact_bytes(s.as_bytes())`.
    pub fn redact_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        Cow::Borrowed(bytes)
    }

    /// Whether an integer leaf must be masked on its own (a Luhn-valid card number with a
    /// known issuer prefix), and as what.
    pub fn scan_integer(&self, _n: u64) -> Option<Kind> {
        None
    }
}
