//! Lists of strings (log lines, messages): counts, lengths, levels, first and last items.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::render::head;
use crate::{Guard, SummaryOptions};

/// Items shown from the start of the list, and from its end.
pub(crate) const EDGE_ITEMS: usize = 3;
/// Distinct values counted; past this the distinct count is not reported.
const MAX_DISTINCT: usize = 1000;

/// Severity levels recognised in lines, most severe first (the order facts list them in).
const LEVELS: [&str; 6] = ["FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"];

/// The level a line carries: the first whole upper-case token among `FATAL`, `ERROR`,
/// `WARN`/`WARNING`, `INFO`, `DEBUG`, `TRACE` (so `[ERROR]` and `ERROR:` count), or the
/// value of a `level=…`, `level: …` or `"level":"…"` field in any case (`err`, `warning`
/// and `information` map to the obvious level). Free text such as `an error occurred` does
/// not count: it is lower case and not a `level` field.
pub(crate) fn level_of(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let end = i + b[i..].iter().take_while(|c| is_word(**c)).count();
        let word = &line[i..end];
        if let Some(l) = upper_level(word) {
            return Some(l);
        }
        if (word.eq_ignore_ascii_case("level") || word.eq_ignore_ascii_case("lvl"))
            && let Some(l) = field_value(&b[end..]).and_then(any_case_level)
        {
            return Some(l);
        }
        i = end;
    }
    None
}

const fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn upper_level(word: &str) -> Option<usize> {
    match word {
        "WARNING" => Some(2),
        w => LEVELS.iter().position(|l| *l == w),
    }
}

fn any_case_level(word: &str) -> Option<usize> {
    let w = word.to_ascii_uppercase();
    match w.as_str() {
        "ERR" => Some(1),
        "WARNING" => Some(2),
        "INFORMATION" => Some(3),
        "CRIT" | "CRITICAL" | "PANIC" => Some(0),
        w => LEVELS.iter().position(|l| *l == w),
    }
}

/// The word after a field name: `=v`, `: v`, `":"v"`, `" : "v"` (quotes and spaces allowed
/// around the separator).
fn field_value(rest: &[u8]) -> Option<&str> {
    let mut i = 0;
    let skip = |i: &mut usize, set: &[u8]| {
        while *i < rest.len() && set.contains(&rest[*i]) {
            *i += 1;
        }
    };
    skip(&mut i, b"\"' ");
    if i >= rest.len() || !matches!(rest[i], b'=' | b':') {
        return None;
    }
    i += 1;
    skip(&mut i, b"\"' ");
    let end = i + rest[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    std::str::from_utf8(&rest[i..end])
        .ok()
        .filter(|w| !w.is_empty())
}

/// Statistics over a list of strings, gathered one item at a time.
#[derive(Debug, Default)]
pub(crate) struct TextStats {
    count: u64,
    min_chars: u64,
    max_chars: u64,
    total_chars: u64,
    distinct: HashSet<u64>,
    distinct_overflow: bool,
    levels: [u64; LEVELS.len()],
    /// The first [`EDGE_ITEMS`] items, whole (the guard scrubs them with their context).
    first: Vec<String>,
    /// The last [`EDGE_ITEMS`] items after the first ones, a ring starting at `ring_start`.
    last: Vec<String>,
    ring_start: usize,
}

impl TextStats {
    /// Adds one item.
    pub(crate) fn push(&mut self, s: &str) {
        let chars = s.chars().count() as u64;
        if self.count == 0 {
            self.min_chars = chars;
        }
        self.min_chars = self.min_chars.min(chars);
        self.max_chars = self.max_chars.max(chars);
        self.total_chars += chars;
        self.count += 1;
        if !self.distinct_overflow {
            // A fixed-key hasher: the count is the same in every run.
            let mut h = DefaultHasher::new();
            s.hash(&mut h);
            self.distinct.insert(h.finish());
            if self.distinct.len() > MAX_DISTINCT {
                self.distinct_overflow = true;
                self.distinct = HashSet::new();
            }
        }
        if let Some(l) = level_of(s) {
            self.levels[l] += 1;
        }
        if self.first.len() < EDGE_ITEMS {
            self.first.push(s.to_owned());
        } else if self.last.len() < EDGE_ITEMS {
            self.last.push(s.to_owned());
        } else {
            // Reuse the oldest buffer: no allocation per item once the ring is full.
            let slot = &mut self.last[self.ring_start];
            slot.clear();
            slot.push_str(s);
            self.ring_start = (self.ring_start + 1) % EDGE_ITEMS;
        }
    }

    /// Items added.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// `N strings (A–B chars, avg C; D distinct)`.
    pub(crate) fn shape(&self) -> String {
        let unit = if self.count == 1 { "string" } else { "strings" };
        let mut s = format!("{} {unit}", self.count);
        if self.count == 0 {
            return s;
        }
        let avg = self.total_chars as f64 / self.count as f64;
        if self.min_chars == self.max_chars {
            let _ = write!(s, " ({} chars", self.min_chars);
        } else {
            let _ = write!(
                s,
                " ({}–{} chars, avg {avg:.1}",
                self.min_chars, self.max_chars
            );
        }
        if !self.distinct_overflow {
            let _ = write!(s, "; {} distinct", self.distinct.len());
        }
        s.push(')');
        s
    }

    /// `ERROR=1, WARN=2, … , none=K` when at least one item carries a level.
    pub(crate) fn levels(&self) -> Option<String> {
        let with_level: u64 = self.levels.iter().sum();
        if with_level == 0 {
            return None;
        }
        let mut parts: Vec<String> = LEVELS
            .iter()
            .zip(self.levels)
            .filter(|(_, n)| *n > 0)
            .map(|(l, n)| format!("{l}={n}"))
            .collect();
        if with_level < self.count {
            parts.push(format!("none={}", self.count - with_level));
        }
        Some(parts.join(", "))
    }

    /// The first and last items as `(1-based index, scrubbed head)`, in list order.
    pub(crate) fn edges(&self, opts: &SummaryOptions, guard: &dyn Guard) -> Vec<(u64, String)> {
        let mut out = Vec::with_capacity(self.first.len() + self.last.len());
        for (i, s) in self.first.iter().enumerate() {
            out.push((i as u64 + 1, head(s, opts.item_chars, guard)));
        }
        let n = self.last.len();
        let first_index = self.count - n as u64;
        for k in 0..n {
            let s = &self.last[(self.ring_start + k) % n];
            out.push((first_index + k as u64 + 1, head(s, opts.item_chars, guard)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(line: &str) -> Option<&'static str> {
        level_of(line).map(|l| LEVELS[l])
    }

    #[test]
    fn levels_are_found_in_common_log_shapes() {
        let cases = [
            ("2026-11-21T08:14:02Z INFO  starting", Some("INFO")),
            ("[ERROR] disk full", Some("ERROR")),
            ("WARNING: low memory", Some("WARN")),
            ("ts=1 level=error msg=boom", Some("ERROR")),
            ("level=WARN msg=x", Some("WARN")),
            ("{\"ts\":1,\"level\":\"warn\",\"msg\":\"x\"}", Some("WARN")),
            ("{\"level\" : \"Debug\"}", Some("DEBUG")),
            ("lvl=err", Some("ERROR")),
            ("FATAL out of memory", Some("FATAL")),
            ("TRACE enter fn", Some("TRACE")),
            ("INFO user typed ERROR", Some("INFO")),
            ("an error occurred", None),
            ("INFORMATIONAL ERRORS", None),
            ("xINFO", None),
            ("level=verbose", None),
            ("", None),
            ("loglevel=error", None),
        ];
        for (line, want) in cases {
            assert_eq!(level(line), want, "{line:?}");
        }
    }

    #[test]
    fn the_ring_keeps_the_last_items_in_order() {
        let mut t = TextStats::default();
        for i in 1..=10 {
            t.push(&format!("line {i}"));
        }
        let edges = t.edges(&SummaryOptions::default(), &crate::NoGuard);
        let idx: Vec<u64> = edges.iter().map(|(i, _)| *i).collect();
        assert_eq!(idx, [1, 2, 3, 8, 9, 10]);
        assert_eq!(edges[5].1, "line 10");
        assert_eq!(t.shape(), "10 strings (6–7 chars, avg 6.1; 10 distinct)");
    }

    #[test]
    fn short_lists_show_every_item_once() {
        let mut t = TextStats::default();
        for s in ["a", "b", "a", "c", "d"] {
            t.push(s);
        }
        let edges = t.edges(&SummaryOptions::default(), &crate::NoGuard);
        assert_eq!(
            edges,
            [
                (1, "a".to_owned()),
                (2, "b".to_owned()),
                (3, "a".to_owned()),
                (4, "c".to_owned()),
                (5, "d".to_owned())
            ]
        );
        assert_eq!(t.shape(), "5 strings (1 chars; 4 distinct)");
        assert_eq!(t.levels(), None);
    }
}
