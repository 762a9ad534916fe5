//! The redaction scope of one transform: what may leave, and the walk that copies it out.
//!
//! Everything that reaches a frame goes through here: strings and keys through the
//! redactor, integers through its card check, values under sensitive keys replaced
//! wholesale, projected fields dropped, containers beyond the depth limit replaced by a
//! counted marker. The walk copies only what the frame shows, so its cost follows the
//! output, not the input.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use serde_json::{Map, Number, Value};
use weaver_redact::{KeyRule, Kind, MARKER, Redactor, Report, Shape};
use weaver_summarize::{Cell as SummaryCell, Guard, truncate_chars};

/// Texts up to this many bytes are redacted in one shot even when only a head is shown.
const HEAD_ONE_SHOT: usize = 16 * 1024;
/// Bytes fed to the stream redactor at a time when only a head is needed.
const HEAD_CHUNK: usize = 4 * 1024;

/// The longest valid UTF-8 prefix (the stream may stop inside a code point).
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// Longest text `scrub_at` first asks `Redactor::may_change` about. Measured on the
/// text_20mb workload: 78 % of 64-byte windows, 38 % of 128-byte, 9 % of 256-byte and 1 % of
/// 512-byte windows hold no anchor; past that the prefilter's walk is spent on texts the
/// scanner then reads again.
const PREFILTER_MAX: usize = 256;

/// Names of projected-out fields kept for the warning.
const NOTED_FIELDS: usize = 3;
/// Characters of a noted field name.
const NOTED_FIELD_CHARS: usize = 24;

pub(crate) struct Scope<'a> {
    redactor: &'a Redactor,
    allowed: Option<&'a [String]>,
    pub(crate) max_depth: usize,
    /// Strings in table cells longer than this are cut (with a marker); `None`: never.
    pub(crate) cell_chars: Option<usize>,
    /// Strings are already redacted (by a stream redactor that saw their whole stream):
    /// copy them as they are, so a piece is not judged again out of its context — except
    /// that a key's rule for the string under it still applies (safety over exactness).
    pub(crate) strings_clean: bool,
    report: RefCell<Report>,
    elided: Cell<u64>,
    notes: RefCell<(Vec<String>, bool)>,
}

/// The JSON pointer findings are aggregated under: the first two levels of the path, with
/// list indices collapsed to `*`, so the report stays bounded.
#[derive(Clone, Copy)]
pub(crate) struct At<'p> {
    pointer: &'p str,
    levels: u8,
}

impl At<'static> {
    /// The top-level value.
    pub(crate) const ROOT: At<'static> = At {
        pointer: "",
        levels: 0,
    };
    /// Any element of the top-level list.
    pub(crate) const ROWS: At<'static> = At {
        pointer: "/*",
        levels: 1,
    };
}

impl At<'_> {
    fn child_key(&self, key: &str) -> Option<String> {
        (self.levels < 2).then(|| {
            let escaped = key.replace('~', "~0").replace('/', "~1");
            format!("{}/{escaped}", self.pointer)
        })
    }

    fn child_index(&self) -> Option<String> {
        (self.levels < 2).then(|| format!("{}/*", self.pointer))
    }
}

impl<'a> Scope<'a> {
    pub(crate) fn new(
        redactor: &'a Redactor,
        allowed: Option<&'a [String]>,
        max_depth: usize,
    ) -> Self {
        Scope {
            redactor,
            allowed,
            max_depth,
            cell_chars: None,
            strings_clean: false,
            report: RefCell::new(Report::new()),
            elided: Cell::new(0),
            notes: RefCell::new((Vec::new(), false)),
        }
    }

    pub(crate) fn allowed(&self, key: &str) -> bool {
        self.allowed.is_none_or(|a| a.iter().any(|f| f == key))
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        self.redactor
    }

    /// What `key` says about the values under it (the typed rule of weaver-redact).
    pub(crate) fn rule(&self, key: &str) -> KeyRule {
        // Remembered per thread: tool results repeat their keys call after call.
        self.redactor.key_rule_remembered(key)
    }

    /// Whether `v` under `k` leaves as the marker: by the typed key rule, or as the value
    /// of a sensitive name/value pair (`pair`: the rule of the map's pair name, decided on
    /// the whole map before projection). The one decision both paths make.
    pub(crate) fn masks(&self, k: &str, v: &Value, pair: Option<KeyRule>) -> bool {
        self.redactor.rule_masks(self.rule(k), Shape::of(v)) || self.redactor.pair_masks(pair, k, v)
    }

    pub(crate) fn add_elided(&self, n: u64) {
        self.elided.set(self.elided.get() + n);
    }

    /// Takes back elisions counted inside a value that was then masked whole (the bytes
    /// path learns that a pair value is masked only once its map is complete).
    pub(crate) fn sub_elided(&self, n: u64) {
        self.elided.set(self.elided.get().saturating_sub(n));
    }

    pub(crate) fn elided(&self) -> u64 {
        self.elided.get()
    }

    /// Remembers a projected-out field name for the warning (scrubbed, cut, distinct).
    pub(crate) fn note_field(&self, key: &str) {
        let clean = self.scrub_at(key, "");
        let (shown, cut) = truncate_chars(&clean, NOTED_FIELD_CHARS);
        let name = if cut {
            format!("{shown}…")
        } else {
            shown.to_owned()
        };
        let mut notes = self.notes.borrow_mut();
        if notes.0.contains(&name) {
            return;
        }
        if notes.0.len() < NOTED_FIELDS {
            notes.0.push(name);
        } else {
            notes.1 = true;
        }
    }

    pub(crate) fn take_notes(&self) -> (Vec<String>, bool) {
        std::mem::take(&mut *self.notes.borrow_mut())
    }

    pub(crate) fn record(&self, kind: Kind, pointer: &str, count: u64) {
        self.report.borrow_mut().record(kind, pointer, count);
    }

    /// The findings; `include_elided` adds the depth elisions (table and raw modes, where
    /// the walk counts them; the summary shows markers without counting).
    pub(crate) fn take_report(&self, include_elided: bool) -> Report {
        let mut report = std::mem::take(&mut *self.report.borrow_mut());
        if include_elided && self.elided.get() > 0 {
            report.record(Kind::DepthLimit, "", self.elided.get());
        }
        report
    }

    /// Redacts a text, recording what was masked under `pointer`.
    pub(crate) fn scrub_at<'t>(&self, text: &'t str, pointer: &str) -> Cow<'t, str> {
        // Most short texts of a frame (names, statuses, facts built from them) hold no
        // anchor of any rule: `may_change` proves `redact_str` would return them borrowed
        // with no finding, without setting the scanner up. A long text almost always holds
        // one (see `PREFILTER_MAX`), so the proof would only be paid for twice.
        if text.len() <= PREFILTER_MAX && !self.redactor.may_change(text) {
            return Cow::Borrowed(text);
        }
        let quick = self.redactor.redact_str(text);
        if matches!(quick, Cow::Borrowed(_)) {
            return quick;
        }
        // Something matched: run again with the finding callback to learn the kinds (this
        // is the rare path, so the second pass is cheaper than always collecting spans).
        let mut out = String::with_capacity(text.len());
        let mut report = self.report.borrow_mut();
        self.redactor
            .redact_str_into(text, &mut out, &mut |f| report.record(f.kind, pointer, 1));
        Cow::Owned(out)
    }

    /// Redacts a string leaf after its key (see `Redactor::redact_leaf`), recording what
    /// was masked under `pointer`.
    fn scrub_leaf_at<'t>(&self, key: &str, text: &'t str, pointer: &str) -> Cow<'t, str> {
        let quick = self.redactor.redact_leaf(key, text);
        if matches!(quick, Cow::Borrowed(_)) {
            return quick;
        }
        let mut report = self.report.borrow_mut();
        self.redactor
            .redact_leaf_with(key, text, &mut |f| report.record(f.kind, pointer, 1))
    }

    /// The first `max` characters of the redaction of `text` and whether it is longer,
    /// redacting only about as much of a long text as the head needs: the stream
    /// redactor's output is always a prefix of the one-shot output, so the head is exact.
    pub(crate) fn scrub_head_at(&self, text: &str, max: usize, pointer: &str) -> (String, bool) {
        if text.len() <= HEAD_ONE_SHOT {
            let clean = self.scrub_at(text, pointer);
            let (shown, cut) = truncate_chars(&clean, max);
            return (shown.to_owned(), cut);
        }
        let bytes = text.as_bytes();
        let mut stream = self.redactor.stream();
        let mut out = Vec::new();
        let mut report = self.report.borrow_mut();
        let mut on = |f: weaver_redact::Finding| report.record(f.kind, pointer, 1);
        let mut pos = 0;
        loop {
            if pos == bytes.len() {
                stream.finish_with(&mut out, &mut on);
                break;
            }
            let end = (pos + HEAD_CHUNK).min(bytes.len());
            stream.push_with(&bytes[pos..end], &mut out, &mut on);
            pos = end;
            // More than `max` characters out: the head is settled.
            if utf8_prefix(&out).chars().nth(max).is_some() {
                break;
            }
        }
        let (shown, cut) = truncate_chars(utf8_prefix(&out), max);
        (shown.to_owned(), cut)
    }

    fn number_masked(&self, n: &Number) -> Option<Kind> {
        self.redactor.scan_number(n)
    }

    /// The redacted copy of `value` at `depth`. `project`: `value` is the top-level map
    /// or an element of a list, so the projection applies to its keys if it is a map.
    pub(crate) fn copy(&self, value: &Value, depth: usize, project: bool, at: At<'_>) -> Value {
        match value {
            Value::Array(items) if depth >= self.max_depth => {
                self.add_elided(1);
                Value::String(weaver_redact::elision_marker(
                    false,
                    items.len(),
                    self.max_depth,
                ))
            }
            Value::Object(map) if depth >= self.max_depth => {
                self.add_elided(1);
                Value::String(weaver_redact::elision_marker(
                    true,
                    map.len(),
                    self.max_depth,
                ))
            }
            Value::Array(items) => {
                let child = at.child_index();
                let at = child.as_deref().map_or(at, |p| At {
                    pointer: p,
                    levels: at.levels + 1,
                });
                Value::Array(
                    items
                        .iter()
                        .map(|item| self.copy(item, depth + 1, true, at))
                        .collect(),
                )
            }
            Value::Object(map) => {
                let mut out = Map::new();
                let pair = self.redactor.pair_rule(map);
                for (k, v) in map {
                    if project && !self.allowed(k) {
                        self.note_field(k);
                        continue;
                    }
                    let (key, v) = self.entry(k, v, depth, at, pair);
                    weaver_redact::insert_unique(&mut out, key, v);
                }
                Value::Object(out)
            }
            Value::String(s) => Value::String(self.cell_text(s, None, at.pointer)),
            Value::Number(n) => match self.number_masked(n) {
                Some(kind) => {
                    self.record(kind, at.pointer, 1);
                    Value::String(self.redactor.marker(kind).to_owned())
                }
                None => value.clone(),
            },
            Value::Bool(_) | Value::Null => value.clone(),
        }
    }

    /// One kept map entry: the scrubbed key and the redacted value (the marker for a value
    /// the key or the map's name/value pair masks: it is never walked).
    pub(crate) fn entry(
        &self,
        k: &str,
        v: &Value,
        depth: usize,
        at: At<'_>,
        pair: Option<KeyRule>,
    ) -> (String, Value) {
        let key = self.scrub_at(k, at.pointer).into_owned();
        let child = at.child_key(&key);
        let at = child.as_deref().map_or(at, |p| At {
            pointer: p,
            levels: at.levels + 1,
        });
        if self.masks(k, v, pair) {
            self.record(Kind::SensitiveKey, at.pointer, 1);
            return (key, Value::String(MARKER.to_owned()));
        }
        // A string value reads after its key, which can give it context (`cell`).
        let v = match v {
            Value::String(s) => Value::String(self.cell_text(s, Some(&key), at.pointer)),
            _ => self.copy(v, depth + 1, false, at),
        };
        (key, v)
    }

    /// A string leaf as it leaves: redacted (after `key` when it sits under one), cut to
    /// `cell_chars` with a marker.
    fn cell_text(&self, s: &str, key: Option<&str>, pointer: &str) -> String {
        if let Some(k) = key
            && self.redactor.leaf_wants_key(s)
        {
            let clean = self.scrub_leaf_at(k, s, pointer);
            return match self.cell_chars.map(|limit| truncate_chars(&clean, limit)) {
                Some((shown, true)) => format!("{shown}… ({} chars total)", s.chars().count()),
                _ => clean.into_owned(),
            };
        }
        if self.strings_clean && self.cell_chars.is_none() {
            return s.to_owned();
        }
        match self.cell_chars {
            Some(limit) => {
                let (shown, cut) = self.scrub_head_at(s, limit, pointer);
                if cut {
                    format!("{shown}… ({} chars total)", s.chars().count())
                } else {
                    shown
                }
            }
            None => self.scrub_at(s, pointer).into_owned(),
        }
    }

    /// A table row from a map's entries (`depth` is the map's depth): projection, the
    /// first `max_fields` allowed fields, redaction. Returns the row and how many allowed
    /// fields the map had.
    pub(crate) fn row<'v>(
        &self,
        entries: impl Iterator<Item = (&'v String, &'v Value)> + Clone,
        depth: usize,
        max_fields: usize,
        at: At<'_>,
    ) -> (Map<String, Value>, usize) {
        let pair = self.redactor.pair_rule(entries.clone());
        let mut out = Map::new();
        let mut fields = 0;
        for (k, v) in entries {
            if !self.allowed(k) {
                self.note_field(k);
                continue;
            }
            fields += 1;
            if fields > max_fields {
                continue;
            }
            let (key, v) = self.entry(k, v, depth, at, pair);
            weaver_redact::insert_unique(&mut out, key, v);
        }
        (out, fields)
    }
}

/// A summary cell as the typed key rule sees it.
fn shape(cell: SummaryCell<'_>) -> Shape<'_> {
    match cell {
        SummaryCell::Null => Shape::Null,
        SummaryCell::Bool(b) => Shape::Bool(b),
        SummaryCell::Number(x) => Shape::Number(x),
        SummaryCell::Str(s) => Shape::Str(s),
        SummaryCell::Container => Shape::Container,
    }
}

impl Guard for Scope<'_> {
    fn is_sensitive_key(&self, key: &str) -> bool {
        self.redactor.is_sensitive_key(key)
    }

    fn checks_key(&self, key: &str) -> bool {
        !self.rule(key).is_plain()
    }

    fn withhold_value(&self, key: &str, value: SummaryCell<'_>) -> bool {
        self.redactor.rule_masks(self.rule(key), shape(value))
    }

    fn is_pair_name(&self, key: &str) -> bool {
        self.redactor.is_pair_name_field(key)
    }

    fn is_pair_value(&self, key: &str) -> bool {
        self.redactor.is_pair_value_field(key)
    }

    fn pair_name_sensitive(&self, name: &str) -> bool {
        self.redactor.pair_name_rule(name).is_some()
    }

    fn field_allowed(&self, key: &str) -> bool {
        self.allowed(key)
    }

    fn withhold_integer(&self, n: u64) -> bool {
        self.redactor.scan_integer(n).is_some()
    }

    fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.scrub_at(text, "/facts")
    }

    fn scrub_head(&self, text: &str, max_chars: usize) -> (String, bool) {
        self.scrub_head_at(text, max_chars, "/facts")
    }

    fn withheld(&self) -> &str {
        MARKER
    }

    fn elided(&self, is_map: bool, len: usize, max_depth: usize) -> String {
        weaver_redact::elision_marker(is_map, len, max_depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefilter shortcut of `scrub_at` changes nothing: every text comes out as the
    /// scanner writes it, with a finding exactly when it changed.
    #[test]
    fn scrub_at_equals_the_scanner() {
        let r = Redactor::new();
        let scope = Scope::new(&r, None, 3);
        let long_clean = "a quiet sentence with nothing to hide. ".repeat(PREFILTER_MAX / 16);
        let long_secret = format!("{long_clean}then mail bob@example.com");
        assert!(long_clean.len() > PREFILTER_MAX);
        for text in [
            long_clean.as_str(),
            long_secret.as_str(),
            "",
            "delivered",
            "Total rows: 3",
            "amount: min=737.96, max=187150.00",
            "reach me at bob@example.com",
            "card 4111 1111 1111 1111 on file",
            "call 212-555-0101 tonight",
            "token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
            "created_at distribution: 2024-05-01T00:00:11Z=1",
        ] {
            let before = scope.report.borrow().total();
            let out = scope.scrub_at(text, "/facts");
            assert_eq!(out, r.redact_str(text), "{text:?}");
            let found = scope.report.borrow().total() - before;
            assert_eq!(found > 0, out != text, "{text:?}");
        }
        assert!(scope.report.borrow().total() >= 4);
    }
}
