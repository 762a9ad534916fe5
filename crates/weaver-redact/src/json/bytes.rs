//! Structural redaction of a JSON document given as bytes, one top-level element at a time.

use std::fmt;

use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde_json::Value;

use super::{Seg, Walk, drop_deep, elision_marker};
use crate::{Kind, Policy, Redactor, Report};

impl Redactor {
    /// Redacts the JSON document `input` into `out` as compact JSON: the bytes of
    /// `serde_json::to_vec` of [`redact_value`](Self::redact_value)'s output, and a report
    /// with the same totals and entries (listed in first-seen order, which may differ from
    /// `redact_value`'s when a top-level list mixes strings and containers; so past
    /// [`Report::MAX_ENTRIES`] distinct entries, which are listed may differ too).
    ///
    /// When the document is a list, its elements are parsed, redacted, written and freed
    /// one at a time, so the memory used beside `input` and `out` is one element (plus
    /// nesting), not a `Value` of the whole document — which costs up to ~50 times the
    /// input for lists of small records. Other documents are parsed whole.
    ///
    /// Errors: invalid JSON (`out` then holds a partial document: discard it).
    ///
    /// ```
    /// use weaver_redact::{Policy, Redactor};
    /// let mut out = Vec::new();
    /// let report = Redactor::new()
    ///     .redact_json_bytes(br#"[{"email":"a@b.co","n":1},{"note":"ok"}]"#, &Policy::new(), &mut out)
    ///     .unwrap();
    /// assert_eq!(out, br#"[{"email":"[REDACTED]","n":1},{"note":"ok"}]"#);
    /// assert_eq!(report.total(), 1);
    /// ```
    pub fn redact_json_bytes(
        &self,
        input: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<Report, serde_json::Error> {
        let mut walk = Walk::new(self, policy);
        let list = input
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'[');
        let mut de = serde_json::Deserializer::from_slice(input);
        if list {
            serde::Deserializer::deserialize_seq(
                &mut de,
                Elements {
                    walk: &mut walk,
                    out,
                },
            )?;
        } else {
            let mut value: Value = serde::Deserialize::deserialize(&mut de)?;
            walk.run(&mut value);
            serde_json::to_writer(&mut *out, &value)?;
            drop_deep(value);
        }
        de.end()?;
        Ok(walk.report)
    }
}

/// The top-level list, element by element.
struct Elements<'w, 'r> {
    walk: &'w mut Walk<'r>,
    out: &'w mut Vec<u8>,
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.walk.max_depth == 0 {
            // The list itself is beyond the budget: the marker counts its items.
            let mut n = 0;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                n += 1;
            }
            self.walk.record(Kind::DepthLimit, std::iter::empty());
            let marker = Value::String(elision_marker(false, n, 0));
            serde_json::to_writer(&mut *self.out, &marker).map_err(serde::de::Error::custom)?;
            return Ok(());
        }
        self.out.push(b'[');
        let mut first = true;
        while let Some(mut element) = seq.next_element::<Value>()? {
            if !first {
                self.out.push(b',');
            }
            first = false;
            self.walk.run_at(&mut element, 1, Some(Seg::Index));
            serde_json::to_writer(&mut *self.out, &element).map_err(serde::de::Error::custom)?;
            drop_deep(element);
        }
        self.out.push(b']');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_or_trailing_input_is_an_error() {
        let r = Redactor::new();
        for bad in [&b"[1,"[..], b"[1] x", b"{", b"", b"[{\"a\":}]"] {
            let mut out = Vec::new();
            assert!(
                r.redact_json_bytes(bad, &Policy::new(), &mut out).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn depth_zero_elides_the_list_and_counts_it() {
        let r = Redactor::new();
        let mut out = Vec::new();
        let report = r
            .redact_json_bytes(b" [1, {}, []] ", &Policy::new().max_depth(0), &mut out)
            .expect("valid");
        assert_eq!(out, br#""[ELIDED: array with 3 items beyond max_depth 0]""#);
        assert_eq!(report.count(Kind::DepthLimit), 1);
    }
}
