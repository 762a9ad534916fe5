//! Bounded, aggregated findings of a structural redaction. (Contract stub.)

use crate::Kind;

/// Findings of a redaction, aggregated by kind and JSON pointer and bounded in size:
/// never one entry per redacted cell, never the redacted values.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    entries: Vec<ReportEntry>,
    total: u64,
    omitted: u64,
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

impl Report {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// The aggregated entries (bounded).
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

    /// Whether nothing was masked.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Records `count` masks of `kind` at `pointer`.
    pub fn record(&mut self, kind: Kind, pointer: &str, count: u64) {
        self.total += count;
        if let Some(e) = self
            .entries
            .iter_mut()
            .find(|e| e.kind == kind && e.pointer == pointer)
        {
            e.count += count;
        } else {
            self.entries.push(ReportEntry {
                kind,
                pointer: pointer.to_owned(),
                count,
            });
        }
    }

    /// Adds another report's findings, their pointers prefixed with `prefix`.
    pub fn merge_prefixed(&mut self, prefix: &str, other: &Report) {
        for e in &other.entries {
            self.record(e.kind, &format!("{prefix}{}", e.pointer), e.count);
        }
        self.total += other.omitted;
        self.omitted += other.omitted;
    }
}
