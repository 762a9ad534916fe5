//! Text rendering shared by the handlers: cuts by characters, numbers, JSON previews.

use std::fmt::Write as _;

use serde_json::{Number, Value};

use crate::{Cell, Guard, SummaryOptions, View, view};

/// The first `max` characters of `s` and whether anything was cut. Never splits a code
/// point.
pub fn truncate_chars(s: &str, max: usize) -> (&str, bool) {
    match s.char_indices().nth(max) {
        Some((byte, _)) => (&s[..byte], true),
        None => (s, false),
    }
}

/// The scrubbed head of a text: up to `max` characters, then `… (N chars total)` when
/// cut (`N` counts the original text).
pub(crate) fn head(text: &str, max: usize, guard: &dyn Guard) -> String {
    let (shown, cut) = guard.scrub_head(text, max);
    if cut {
        format!("{shown}… ({} chars total)", text.chars().count())
    } else {
        shown
    }
}

/// A statistic with two decimals; magnitudes of 1e15 and more in scientific form.
pub fn format_stat(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        format!("{x:.2e}")
    } else {
        format!("{x:.2}")
    }
}

/// Whether the integer part of a printed statistic is a number the guard withholds.
pub(crate) fn stat_withheld(printed: &str, guard: &dyn Guard) -> bool {
    let int_part = printed.split('.').next().unwrap_or("");
    let digits = int_part.trim_start_matches('-');
    digits
        .parse::<u64>()
        .is_ok_and(|n| guard.withhold_integer(n))
}

/// Whether a JSON number must be withheld: an integer (or an integral float) the guard
/// flags, compared by absolute value so that a sign cannot smuggle it out.
pub(crate) fn number_withheld(n: &Number, guard: &dyn Guard) -> bool {
    if let Some(u) = n.as_u64() {
        return guard.withhold_integer(u);
    }
    if let Some(i) = n.as_i64() {
        return guard.withhold_integer(i.unsigned_abs());
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1.8e19 => guard.withhold_integer(f.abs() as u64),
        _ => false,
    }
}

/// The text of a scalar (number, bool, null); `None` for strings and containers.
pub(crate) fn scalar_text(value: &Value, guard: &dyn Guard) -> Option<String> {
    match value {
        Value::Null => Some("null".to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) if number_withheld(n, guard) => Some(guard.withheld().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Compact JSON of `value` cut to `opts.item_chars` characters (with `…` when cut).
/// Strings and keys are scrubbed, sensitive keys withheld, projected fields dropped from
/// maps that are list elements (`project`), containers beyond the depth limit shown as
/// their elision marker.
pub(crate) fn json_preview(
    value: &Value,
    depth: usize,
    project: bool,
    opts: &SummaryOptions,
    guard: &dyn Guard,
) -> String {
    let mut w = Preview {
        out: String::new(),
        // Bytes bound characters from above, so once this many bytes are written the
        // preview already has more than `item_chars` characters: stop walking.
        stop_at: opts.item_chars.saturating_mul(4).saturating_add(4),
        opts,
        guard,
    };
    w.value(value, depth, project);
    let (shown, cut) = truncate_chars(&w.out, opts.item_chars);
    if cut { format!("{shown}…") } else { w.out }
}

struct Preview<'a> {
    out: String,
    stop_at: usize,
    opts: &'a SummaryOptions,
    guard: &'a dyn Guard,
}

impl Preview<'_> {
    fn full(&self) -> bool {
        self.out.len() >= self.stop_at
    }

    // Recursion is bounded: every level writes at least one byte and the walk stops
    // after `stop_at` bytes.
    fn value(&mut self, value: &Value, depth: usize, project: bool) {
        if self.full() {
            return;
        }
        let value = match view(value, depth, self.opts, self.guard) {
            View::Elided(marker) => {
                let (shown, _) = self.guard.scrub_head(&marker, self.opts.item_chars);
                self.string(&shown);
                return;
            }
            View::Value(v) => v,
        };
        match value {
            Value::String(s) => {
                // Only the head of a long string can show: scrub just that much, and stop
                // the walk once a string is cut (the preview is cut there too).
                let (shown, cut) = self.guard.scrub_head(s, self.opts.item_chars);
                if cut {
                    self.out.push('"');
                    escape_into(&mut self.out, &shown);
                    self.stop_at = 0;
                } else {
                    self.string(&shown);
                }
            }
            Value::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if self.full() {
                        return;
                    }
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.value(item, depth + 1, true);
                }
                self.out.push(']');
            }
            Value::Object(map) => {
                self.out.push('{');
                let mut first = true;
                let pair = map.iter().any(|(k, v)| {
                    self.guard.is_pair_name(k)
                        && v.as_str()
                            .is_some_and(|n| self.guard.pair_name_sensitive(n))
                });
                for (k, v) in map {
                    if self.full() {
                        return;
                    }
                    if project && !self.guard.field_allowed(k) {
                        continue;
                    }
                    if !first {
                        self.out.push(',');
                    }
                    first = false;
                    let key = self.guard.scrub(k);
                    self.string(&key);
                    self.out.push(':');
                    let withheld = (self.guard.checks_key(k)
                        && self.guard.withhold_value(k, Cell::of(v)))
                        || (pair && self.guard.is_pair_value(k));
                    if withheld {
                        let w = self.guard.withheld().to_owned();
                        self.string(&w);
                    } else {
                        self.value(v, depth + 1, false);
                    }
                }
                self.out.push('}');
            }
            Value::Number(n) if number_withheld(n, self.guard) => {
                let w = self.guard.withheld().to_owned();
                self.string(&w);
            }
            scalar => {
                let _ = write!(self.out, "{scalar}");
            }
        }
    }

    fn string(&mut self, s: &str) {
        write_json_string(&mut self.out, s);
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("héllo", 2), ("hé", true));
        assert_eq!(truncate_chars("héllo", 5), ("héllo", false));
        assert_eq!(truncate_chars("", 0), ("", false));
        assert_eq!(truncate_chars("😀😀", 1), ("😀", true));
    }

    #[test]
    fn stats_use_two_decimals_then_scientific() {
        assert_eq!(format_stat(2.0), "2.00");
        assert_eq!(format_stat(2.166_666), "2.17");
        assert_eq!(format_stat(-0.5), "-0.50");
        assert_eq!(format_stat(1.5e20), "1.50e20");
    }

    #[test]
    fn head_marks_the_cut_with_the_total() {
        assert_eq!(head("abcdef", 3, &crate::NoGuard), "abc… (6 chars total)");
        assert_eq!(head("abc", 3, &crate::NoGuard), "abc");
    }
}
