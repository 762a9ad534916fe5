//! National phone numbers written with their trunk prefix `0`, as most numbering plans
//! outside NANP dial them at home: TR `0532 000 00 00`, PH `0917 000 0000`, UK
//! `020 7946 0000` / `07700 900000`, IL `09-000 0000`, FR `06 00 00 00 00`, DE, IN, AU, ….
//!
//! A compact plan instead of a full numbering library: 9–12 digits in all, the trunk `0`
//! then a non-zero digit, in groups of one separator kind (parentheses around the first
//! group allowed). The `phonenumber` crate validates per country, but costs ~40 µs per
//! candidate and ~300 ms of metadata loading at start-up; this check is a few hundred
//! nanoseconds and needs no data.

use super::digits::{digits_of, phone_guards};
use super::{Span, Verdict};
use crate::Kind;

/// The trunk `0`, then 8–11 more digits joined by at most two of ` ().-`.
pub(crate) const TRUNK: &str = r"(?:\(0|\b0)(?:[ ().\-]{0,2}[0-9]){8,11}\b";

/// A national number with its trunk prefix: the digit count of the plans (9–12), one
/// separator kind (besides the brackets of the first group), at most 6 groups of 2–5
/// digits (the last up to 8, the trunk alone allowed), none all zeros, not the SSN shape
/// 3-2-4; bare, 11 digits with a mobile prefix (`0[5-9]`). Not glued to a longer number, a decimal or a path.
pub(crate) fn trunk_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let before = |k: usize| s.checked_sub(k).map(|i| hay[i]);
    let after = |k: usize| hay.get(e + k).copied();
    if !phone_guards(before(1), before(2), after(0), after(1)) {
        return Verdict::Reject;
    }
    let d = digits_of(m);
    if !(9..=12).contains(&d.len()) || d[1] == b'0' {
        return Verdict::Reject;
    }
    let seps: Vec<u8> = m
        .iter()
        .filter(|b| matches!(b, b' ' | b'.' | b'-'))
        .copied()
        .collect();
    let brackets = m.iter().filter(|&&b| b == b'(' || b == b')').count();
    let groups: Vec<&[u8]> = m
        .split(|b| !b.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let ok = if groups.len() == 1 {
        // Bare: 11 digits with a mobile prefix (TR 05…, UK 07…, PH 09…, IN 06–09…); a
        // bare run with another prefix is as often a zero-padded id or tax number.
        d.len() == 11 && d[1] >= b'5'
    } else if groups
        .iter()
        .any(|g| g.iter().all(|&b| b == b'0') && g.len() > 1)
        || groups.iter().map(|g| g.len()).eq([3, 2, 4])
        || groups.iter().map(|g| g.len()).eq([3, 3, 3])
    {
        // A group of zeros is a placeholder; 3-2-4 is an SSN's shape (its own rule), 3-3-3
        // that of a CA SIN or an AU TFN (national ids, opt-in).
        false
    } else {
        let one_kind = seps.windows(2).all(|w| w[0] == w[1]);
        // `(0532) 000 00 00`, `0 (532) 0000000`: one bracketed group, near the start.
        let bracket_ok = brackets == 0
            || (brackets == 2
                && m.iter().position(|&b| b == b'(') < m.iter().position(|&b| b == b')')
                && m.iter().position(|&b| b == b')').is_some_and(|i| i <= 6));
        // At most 6 groups, each of 2–5 digits (the trunk `0` alone excepted), the last
        // up to 8: a list of single digits (`0 1 2 3 4 5 6 7 8`) is no number.
        let sizes_ok = groups.len() <= 6
            && groups.iter().enumerate().all(|(i, g)| {
                (i == 0 && *g == b"0")
                    || (2..=5).contains(&g.len())
                    || (i + 1 == groups.len() && (2..=8).contains(&g.len()))
            });
        one_kind && bracket_ok && sizes_ok && !(seps.first() == Some(&b'.') && groups.len() < 4)
    };
    if ok {
        Verdict::Mask(
            Span {
                start: s,
                end: e,
                kind: Kind::Phone,
            },
            e,
        )
    } else {
        Verdict::Reject
    }
}

/// A TR number without its trunk `0`, in the country's 3-3-2-2 grouping (`532 000 00 00`):
/// an area or mobile code of 2xx–5xx.
pub(crate) const TR_GROUPED: &str = r"\b[2-5][0-9]{2}[ .\-][0-9]{3}[ .\-][0-9]{2}[ .\-][0-9]{2}\b";

/// TR 3-3-2-2: one separator kind, not glued to a longer number, a decimal or a path, and
/// no group of zeros after the area code (a placeholder).
pub(crate) fn tr_grouped_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let before = |k: usize| s.checked_sub(k).map(|i| hay[i]);
    let after = |k: usize| hay.get(e + k).copied();
    let ok = phone_guards(before(1), before(2), after(0), after(1))
        && m[3] == m[7]
        && m[7] == m[10]
        && m[4..7] != *b"000";
    Verdict::of(ok, s, e, Kind::Phone)
}
