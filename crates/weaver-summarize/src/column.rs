//! One column of a list of records: the statistics gathered under one key, row by row.

use crate::Guard;
use crate::list::Cell;

/// Distinct string values a distribution may have.
pub(crate) const MAX_DISTINCT: usize = 10;

#[derive(Debug)]
pub(crate) struct Column {
    pub(crate) key: Box<str>,
    pub(crate) count: u64,
    pub(crate) last_row: u64,
    pub(crate) allowed: bool,
    /// Values under this key are checked one by one (`Guard::checks_key`).
    pub(crate) checks: bool,
    /// Some value was withheld: the column is never described.
    pub(crate) withheld: bool,
    /// The column holds pair names / pair values (`Guard::is_pair_name` / `is_pair_value`).
    pub(crate) pair_name: bool,
    pub(crate) pair_value: bool,
    pub(crate) numeric: bool,
    pub(crate) n_num: u64,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) sum: f64,
    pub(crate) boolean: bool,
    pub(crate) trues: u64,
    pub(crate) falses: u64,
    pub(crate) strings: Vec<(Box<str>, u64)>,
    pub(crate) strings_overflow: bool,
}

impl Column {
    pub(crate) fn new(key: &str, guard: &dyn Guard) -> Column {
        Column {
            key: key.into(),
            count: 0,
            last_row: u64::MAX,
            allowed: guard.field_allowed(key),
            checks: guard.checks_key(key),
            withheld: false,
            pair_name: guard.is_pair_name(key),
            pair_value: guard.is_pair_value(key),
            numeric: true,
            n_num: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum: 0.0,
            boolean: true,
            trues: 0,
            falses: 0,
            strings: Vec::new(),
            strings_overflow: false,
        }
    }

    /// Whether a value of this column needs nothing from the guard: it is counted and
    /// added, no more (the common case).
    #[inline]
    pub(crate) fn plain(&self) -> bool {
        self.allowed && !self.pair_name && !self.checks && !self.withheld
    }

    #[inline]
    pub(crate) fn add(&mut self, cell: Cell<'_>) {
        match cell {
            Cell::Null | Cell::Container => {
                self.numeric = false;
                self.boolean = false;
            }
            Cell::Bool(b) => {
                self.numeric = false;
                if b {
                    self.trues += 1;
                } else {
                    self.falses += 1;
                }
            }
            Cell::Number(x) => {
                self.boolean = false;
                if self.numeric {
                    self.n_num += 1;
                    self.sum += x;
                    self.min = self.min.min(x);
                    self.max = self.max.max(x);
                }
            }
            Cell::Str(s) => {
                self.numeric = false;
                self.boolean = false;
                if self.strings_overflow {
                    return;
                }
                if let Some(e) = self.strings.iter_mut().find(|(v, _)| same_str(v, s)) {
                    e.1 += 1;
                } else {
                    self.new_string(s);
                }
            }
        }
    }

    #[cold]
    fn new_string(&mut self, s: &str) {
        if self.strings.len() < MAX_DISTINCT {
            self.strings.push((s.into(), 1));
        } else {
            // An 11th distinct value: no distribution for this column, ever.
            self.strings_overflow = true;
            self.strings = Vec::new();
        }
    }

    pub(crate) fn is_numeric(&self) -> bool {
        self.numeric && self.n_num > 0 && !self.withheld
    }
}

/// `a == b`, inline for short strings. Keys and categorical values are short, and a
/// summary compares one key per cell: a call into `memcmp` (with the register saves it
/// forces on the caller) cost more than the compare itself.
#[inline]
pub(crate) fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Two overlapping words cover every byte of a string of one to two words.
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

#[inline]
fn word4(s: &[u8], at: usize) -> u32 {
    let mut w = [0; 4];
    w.copy_from_slice(&s[at..at + 4]);
    u32::from_ne_bytes(w)
}

#[inline]
fn word8(s: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_ne_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::same_str;
    use proptest::prelude::*;

    proptest! {
        /// The inline compare is `==`, whatever the lengths: pairs are drawn from a small
        /// alphabet so that equal and nearly equal strings are common.
        #[test]
        fn same_str_is_eq(a in "[ab\u{e9}]{0,20}", b in "[ab\u{e9}]{0,20}") {
            prop_assert_eq!(same_str(&a, &b), a == b);
            prop_assert!(same_str(&a, &a.clone()));
        }

        /// Strings of one length differing in one byte, at every position.
        #[test]
        fn one_byte_apart(s in "[a-z]{1,20}", at in any::<prop::sample::Index>()) {
            let i = at.index(s.len());
            let mut t = s.clone().into_bytes();
            t[i] = if t[i] == b'z' { b'a' } else { t[i] + 1 };
            let t = String::from_utf8(t).unwrap();
            prop_assert!(!same_str(&s, &t));
            prop_assert!(same_str(&s, &s.clone()));
        }
    }
}
