//! Bounded, aggregated findings of a structural redaction.
//!
//! A report answers "what was masked, and where" without ever holding a masked value, and
//! without growing with the input: findings are summed per `(kind, pointer)` — the walker
//! collapses array indices to `*`, so a column masked in 50 000 rows is one entry — and at
//! most [`Report::MAX_ENTRIES`] distinct entries are listed; the rest is only counted.

use crate::Kind;

/// Findings of a redaction, aggregated by kind and JSON pointer and bounded in size:
/// never one entry per redacted cell, never the redacted values.
///
/// Two lists are kept apart: *masks* ([`entries`](Self::entries): something was replaced by
/// a marker — a text match, a value under a sensitive key, an elided container) and
/// *dropped fields* ([`dropped_fields`](Self::dropped_fields): fields removed by the
/// `allowed_fields` projection). Each list holds at most [`Report::MAX_ENTRIES`] entries in
/// first-seen order; what does not fit is counted in [`omitted`](Self::omitted) /
/// [`dropped_omitted`](Self::dropped_omitted), so the totals are always exact.
///
/// Serialized (serde) as
/// `{"entries":[{"kind":"email","pointer":"/rows/*/email","count":3}],"total":3,"omitted":0,
/// "dropped_fields":[…],"dropped_total":0,"dropped_omitted":0}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    entries: Vec<ReportEntry>,
    total: u64,
    omitted: u64,
    dropped_fields: Vec<Dropped>,
    dropped_total: u64,
    dropped_omitted: u64,
}

/// One aggregated finding: `count` masks of `kind` at (or below) `pointer`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportEntry {
    /// What was masked.
    pub kind: Kind,
    /// Where: a JSON pointer (RFC 6901); array indices may be collapsed to `*` when aggregated.
    pub pointer: String,
    /// How many masks.
    pub count: u64,
}

// Private on purpose: the public view is `Report::dropped_fields`, which keeps the crate's
// public types to the two the contract names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
struct Dropped {
    pointer: String,
    count: u64,
}

impl Report {
    /// The most distinct entries each list keeps (masks and dropped fields separately).
    pub const MAX_ENTRIES: usize = 64;

    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// The aggregated entries (bounded), in the order they were first recorded.
    pub fn entries(&self) -> &[ReportEntry] {
        &self.entries
    }

    /// Total number of masks, listed or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Number of masks that did not fit in the bounded entry list.
    pub fn omitted(&self) -> u64 {
        self.omitted
    }

    /// Whether nothing was masked. (Fields dropped by a projection are not masks: see
    /// [`dropped_total`](Self::dropped_total).)
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The number of masks of `kind`, summed over listed entries only (omitted masks carry
    /// no kind).
    pub fn count(&self, kind: Kind) -> u64 {
        self.entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.count)
            .sum()
    }

    /// Records `count` masks of `kind` at `pointer`.
    ///
    /// Callers that record per array element should pass a collapsed pointer
    /// (`/rows/*/email`), or the bounded list fills with one entry per row.
    pub fn record(&mut self, kind: Kind, pointer: &str, count: u64) {
        if count == 0 {
            return;
        }
        self.total = self.total.saturating_add(count);
        if let Some(e) = self
            .entries
            .iter_mut()
            .find(|e| e.kind == kind && e.pointer == pointer)
        {
            e.count = e.count.saturating_add(count);
        } else if self.entries.len() < Self::MAX_ENTRIES {
            self.entries.push(ReportEntry {
                kind,
                pointer: pointer.to_owned(),
                count,
            });
        } else {
            self.omitted = self.omitted.saturating_add(count);
        }
    }

    /// The fields removed by an `allowed_fields` projection: `(pointer, count)` in first-seen
    /// order, at most [`Report::MAX_ENTRIES`] of them.
    pub fn dropped_fields(&self) -> impl ExactSizeIterator<Item = (&str, u64)> + '_ {
        self.dropped_fields
            .iter()
            .map(|d| (d.pointer.as_str(), d.count))
    }

    /// Total number of fields removed by a projection, listed or not.
    pub fn dropped_total(&self) -> u64 {
        self.dropped_total
    }

    /// Number of dropped fields that did not fit in the bounded list.
    pub fn dropped_omitted(&self) -> u64 {
        self.dropped_omitted
    }

    /// Records `count` fields removed by a projection at `pointer` (same aggregation and
    /// bound as [`record`](Self::record)).
    pub fn record_dropped(&mut self, pointer: &str, count: u64) {
        if count == 0 {
            return;
        }
        self.dropped_total = self.dropped_total.saturating_add(count);
        if let Some(d) = self
            .dropped_fields
            .iter_mut()
            .find(|d| d.pointer == pointer)
        {
            d.count = d.count.saturating_add(count);
        } else if self.dropped_fields.len() < Self::MAX_ENTRIES {
            self.dropped_fields.push(Dropped {
                pointer: pointer.to_owned(),
                count,
            });
        } else {
            self.dropped_omitted = self.dropped_omitted.saturating_add(count);
        }
    }

    /// Adds another report's findings, their pointers prefixed with `prefix` (a pointer to
    /// where `other`'s value sits in this report's document, e.g. `/rows/*`).
    pub fn merge_prefixed(&mut self, prefix: &str, other: &Report) {
        let mut pointer = String::with_capacity(prefix.len() + 32);
        for e in &other.entries {
            pointer.clear();
            pointer.push_str(prefix);
            pointer.push_str(&e.pointer);
            self.record(e.kind, &pointer, e.count);
        }
        self.total = self.total.saturating_add(other.omitted);
        self.omitted = self.omitted.saturating_add(other.omitted);
        for d in &other.dropped_fields {
            pointer.clear();
            pointer.push_str(prefix);
            pointer.push_str(&d.pointer);
            self.record_dropped(&pointer, d.count);
        }
        self.dropped_total = self.dropped_total.saturating_add(other.dropped_omitted);
        self.dropped_omitted = self.dropped_omitted.saturating_add(other.dropped_omitted);
    }
}
