//! String values redacted as they read after their key.
//!
//! Some text rules need context: a bare 10-digit number is a phone only after a keyword
//! such as `tel` or `cell`, a bare 9-digit number an SSN only after `ssn`. In text mode the
//! key of `"cell": "2125550101"` is that context; a structural walk that scans the value
//! alone would let the same number through, and text and JSON would disagree. So a string
//! value under a key is scanned as `key: value`, and only the value's part of the result is
//! kept.
//!
//! Most string values hold nothing to mask; [`Redactor::may_change`] tells those apart
//! without the scanner (see [`prefilter`]), which is what keeps structural redaction cheap.

use std::borrow::Cow;

use regex_automata::dfa::Automaton as _;

use crate::{Finding, Redactor};

mod prefilter;

pub(crate) use prefilter::Prefilter;

/// Whether the trigger automaton, walked over `bytes` from its start state as the scanner
/// walks it, reaches a match state (at the end of input included). The scanner writes a
/// marker only after such a match, or when a run grows past the hold cap (a caller's
/// concern), so `false` means the text is returned unchanged with no finding.
fn trigger_matches(engine: &crate::engine::Engine, bytes: &[u8]) -> bool {
    let start = engine.start();
    crate::engine::with_dfa!(&engine.dfa, dfa => {
        let mut sid = start;
        for &b in bytes {
            sid = dfa.next_state(sid, b);
            if dfa.is_special_state(sid) && dfa.is_match_state(sid) {
                return true;
            }
        }
        dfa.is_match_state(dfa.next_eoi_state(sid))
    })
}

/// Only values with a run of this many digits can need context (bare SSNs are 9 digits,
/// bare phones 10); every other value is scanned alone, at no extra cost.
const CONTEXT_DIGITS: usize = 9;

/// Whether `text` holds a run of at least [`CONTEXT_DIGITS`] ASCII digits.
fn needs_context(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= CONTEXT_DIGITS {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

impl Redactor {
    /// Whether [`redact_str`](Self::redact_str) can change `text`: `false` guarantees that
    /// it returns `text` borrowed and reports no finding. Decided without the scanner: a
    /// search for the anchors the rules' trigger patterns yield (literals such as `@` or
    /// `token`, case-insensitive, and runs of digits long enough for a digit check), and
    /// only where one is found, a walk of the trigger automaton alone. `true` means the
    /// text must be scanned (most such texts do change). A text with a line break and a
    /// `data` key is also read by the Kubernetes Secret line machine. Use it to skip the
    /// scan of the many short strings of a structured document;
    /// [`redact_value`](Self::redact_value) does.
    ///
    /// Always `true` for a text longer than [`max_hold`](Self::max_hold) (the scanner may
    /// fail closed on it). A rule set with a pattern that yields no anchor (a user pattern
    /// such as `[a-z][0-9]+`) walks the automaton over every text.
    ///
    /// ```
    /// use weaver_redact::Redactor;
    /// let r = Redactor::new();
    /// assert!(!r.may_change("delivered"));
    /// assert!(r.may_change("mail bob@example.com"));
    /// ```
    pub fn may_change(&self, text: &str) -> bool {
        let engine = &self.inner.engine;
        let bytes = text.as_bytes();
        if bytes.len() > engine.max_hold() {
            return true;
        }
        // A Kubernetes Secret's data values are decided by a line machine, not the
        // automaton (`kube.rs`).
        if engine.kube && crate::kube::masks_any(bytes) {
            return true;
        }
        if engine
            .leaf_filter
            .as_ref()
            .is_some_and(|f| !f.has_anchor(bytes))
        {
            return false;
        }
        // An anchor (or no filter): the scanner changes the text only where the trigger
        // automaton matches, so walk it alone, without the scanner's per-call state.
        trigger_matches(engine, bytes)
    }

    /// Whether [`redact_leaf`](Self::redact_leaf) of `text` can differ from
    /// [`redact_str`](Self::redact_str) (it holds a run of 9 or more digits): callers that
    /// redact only the head of a long text use the whole-text path only then.
    pub fn leaf_wants_key(&self, text: &str) -> bool {
        needs_context(text)
    }

    /// Redacts a string value found under `key` as it reads after the key (`key: value`),
    /// so that a key giving context (`cell`, `call_me`, `ssn_last`) masks a bare number the
    /// text rules mask in `cell: 2125550101`. Equal to [`redact_str`](Self::redact_str) when
    /// the key gives no context.
    ///
    /// ```
    /// use weaver_redact::Redactor;
    /// let r = Redactor::new();
    /// assert_eq!(r.redact_leaf("cell", "2125550101"), "[REDACTED]");
    /// assert_eq!(r.redact_leaf("order_id", "2125550101"), "2125550101");
    /// ```
    pub fn redact_leaf<'a>(&self, key: &str, text: &'a str) -> Cow<'a, str> {
        self.redact_leaf_with(key, text, &mut |_| {})
    }

    /// [`redact_leaf`](Self::redact_leaf), reporting each finding (byte spans of `text`).
    ///
    /// When the key itself holds a match, the value is scanned alone (the key is redacted
    /// on its own; its text gives no reliable context).
    pub fn redact_leaf_with<'a>(
        &self,
        key: &str,
        text: &'a str,
        on: &mut dyn FnMut(Finding),
    ) -> Cow<'a, str> {
        if key.is_empty() || !needs_context(text) {
            return self.redact_str_with(text, on);
        }
        let prefix_len = key.len() + 2;
        let joined = format!("{key}: {text}");
        let mut out = String::with_capacity(joined.len());
        let mut findings = Vec::new();
        self.redact_str_into(&joined, &mut out, &mut |f| findings.push(f));
        let cut = prefix_len as u64;
        if findings.iter().any(|f| f.start < cut) || !out.is_char_boundary(prefix_len) {
            return self.redact_str_with(text, on);
        }
        if findings.is_empty() {
            return Cow::Borrowed(text);
        }
        for f in findings {
            on(Finding {
                kind: f.kind,
                start: f.start - cut,
                end: f.end - cut,
            });
        }
        Cow::Owned(out.split_off(prefix_len))
    }

    /// [`redact_str`](Self::redact_str), reporting each finding.
    pub(crate) fn redact_str_with<'a>(
        &self,
        text: &'a str,
        on: &mut dyn FnMut(Finding),
    ) -> Cow<'a, str> {
        match self.redact_bytes_with(text.as_bytes(), on) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            Cow::Owned(v) => match String::from_utf8(v) {
                Ok(s) => Cow::Owned(s),
                Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_give_bare_numbers_context() {
        let r = Redactor::new();
        assert_eq!(r.redact_leaf("cell", "2125550101"), "[REDACTED]");
        assert_eq!(r.redact_leaf("ssn", "123456789"), "[REDACTED]");
        assert_eq!(
            r.redact_leaf("note", "call me: 2125550101 now"),
            "call me: [REDACTED] now"
        );
        // No context, or a short number: unchanged and borrowed.
        assert!(matches!(
            r.redact_leaf("order_id", "2125550101"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(r.redact_leaf("cell", "A1"), Cow::Borrowed(_)));
        // A key that is itself masked gives no context; the value is scanned alone.
        assert_eq!(r.redact_leaf("bob@example.com", "2125550101"), "2125550101");
        // Findings are reported in the value's own offsets.
        let mut spans = Vec::new();
        let out = r.redact_leaf_with("tel", "x 2125550101", &mut |f| spans.push((f.start, f.end)));
        assert_eq!(out, "x [REDACTED]");
        assert_eq!(spans, [(2, 12)]);
    }
}
