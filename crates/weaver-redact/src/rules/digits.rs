//! The digit rules' checks: phone, card and SSN guards (the look-around the patterns cannot
//! express), issuer prefixes and Luhn, SSN ranges and the context keywords of bare runs.

use super::{CONTEXT_WINDOW, Span, Verdict};
use crate::Kind;

pub(crate) const PHONE_WORDS: [&[u8]; 8] = [
    b"phone",
    b"call",
    b"tel",
    b"mobile",
    b"sms",
    b"fax",
    b"cell",
    b"whatsapp",
];
pub(crate) const SSN_WORDS: [&[u8]; 6] = [
    b"ssn",
    b"social security",
    b"tax id",
    b"taxid",
    b"tin",
    b"tax_id",
];

pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The guards the reference expressed with look-around: a phone is not glued to a longer
/// number, a decimal, a path or a version.
pub(crate) fn phone_guards(b1: Option<u8>, b2: Option<u8>, a0: Option<u8>, a1: Option<u8>) -> bool {
    let digit = |x: Option<u8>| x.is_some_and(|b| b.is_ascii_digit());
    if b1.is_some_and(|b| is_word(b) || b == b'.' || b == b'/' || b == b'+') {
        return false;
    }
    if matches!(b1, Some(b'-')) && digit(b2) {
        return false;
    }
    if a0.is_some_and(|b| is_word(b) || b == b'/') {
        return false;
    }
    if matches!(a0, Some(b'.' | b'-' | b':')) && digit(a1) {
        return false;
    }
    true
}

pub(crate) fn ssn_guards(
    spaced: bool,
    b1: Option<u8>,
    b2: Option<u8>,
    a0: Option<u8>,
    a1: Option<u8>,
) -> bool {
    let digit = |x: Option<u8>| x.is_some_and(|b| b.is_ascii_digit());
    if b1.is_some_and(|b| b == b'.' || b == b'/') {
        return false;
    }
    // Not part of a longer dashed (or, for the spaced form, spaced) number.
    let glue =
        |b: Option<u8>| matches!(b, Some(b'-' | b'.' | b'/' | b':')) || (spaced && b == Some(b' '));
    if glue(b1) && b1 != Some(b'.') && digit(b2) {
        return false;
    }
    !(glue(a0) && digit(a1))
}

/// Whether the Gregorian date `yyyy-mm-dd` exists. An id that gives only the last two
/// digits of its year passes `2000 + yy`, which keeps 29 February in every fourth year.
pub(crate) fn date_exists(yyyy: u32, mm: u32, dd: u32) -> bool {
    let leap = yyyy.is_multiple_of(4) && !yyyy.is_multiple_of(100) || yyyy.is_multiple_of(400);
    let days = match mm {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    (1..=days).contains(&dd)
}

pub(crate) fn digits_of(m: &[u8]) -> Vec<u8> {
    m.iter().filter(|b| b.is_ascii_digit()).copied().collect()
}

pub(crate) fn nanp_ok(m: &[u8]) -> bool {
    // With a bare area code the two separators must agree ("555-123-4567", not "555-123 4567").
    let core = if m.starts_with(b"+1") || (m.len() > 12 && m[0] == b'1') {
        let skip = usize::from(m[0] == b'+') + 1;
        let rest = &m[skip..];
        rest.strip_prefix(b" ")
            .or_else(|| rest.strip_prefix(b"-"))
            .or_else(|| rest.strip_prefix(b"."))
            .unwrap_or(rest)
    } else {
        m
    };
    if core.first() == Some(&b'(') {
        return true;
    }
    core.len() == 12 && core[3] == core[7]
}

/// Whether the NANP candidate `m` (its digits with any separators, the country code `1`
/// in front or not) follows the North American Numbering Plan, `NXX-NXX-XXXX`: the area
/// code (NPA) and the exchange code (NXX) each begin with 2–9. A 0 or 1 there is never part
/// of a dialled NANP number (they are the operator and long-distance prefixes), so
/// `402-013-2245` or `918 104 3321` is some other 3-3-4 code (a tax number, a PH mobile
/// without its trunk `0`). A phone keyword before it (`call 555 123 4567`) still masks it:
/// the writer says it is a phone. Reads the candidate in place: it runs on every phone
/// candidate.
pub(crate) fn nanp_plan_ok(m: &[u8]) -> bool {
    let mut digits = m.iter().copied().filter(u8::is_ascii_digit);
    match m.iter().filter(|b| b.is_ascii_digit()).count() {
        10 => {}
        11 if digits.next() == Some(b'1') => {}
        _ => return false,
    }
    let npa = digits.next();
    let nxx = digits.nth(2);
    npa.is_some_and(|b| b >= b'2') && nxx.is_some_and(|b| b >= b'2')
}

/// `+` and 8–15 digits in groups. The regex is greedy, so a number followed by more digit
/// groups (a date, a count) is tried group by group from the longest prefix down.
pub(crate) fn intl_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    if m.get(1) == Some(&b'0') {
        return Verdict::Reject;
    }
    let mut ends = Vec::new();
    let mut digits = 0usize;
    let mut counts = Vec::new();
    for (i, &b) in m.iter().enumerate().skip(1) {
        if b.is_ascii_digit() {
            digits += 1;
            if m.get(i + 1).is_none_or(|n| !n.is_ascii_digit()) {
                ends.push(i + 1);
                counts.push(digits);
            }
        }
    }
    for (k, &end) in ends.iter().enumerate().rev() {
        let n = counts[k];
        if !(8..=15).contains(&n) {
            continue;
        }
        let groups: Vec<&[u8]> = m[1..end]
            .split(|b| !b.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .collect();
        // A spaced number: every group after the country code is at most 6 digits, the
        // last at most 8 (`+49 30 1234567`); or the country code and the national number
        // as one run (`+91 4155550132`).
        let n_groups = groups.len();
        let spaced_ok =
            groups.iter().enumerate().skip(1).all(|(i, g)| {
                g.len() <= 6 || (i + 1 == n_groups && (g.len() <= 8 || n_groups == 2))
            });
        if n_groups > 1 && !spaced_ok {
            continue;
        }
        // Country code 1 is NANP: its ten national digits follow the plan.
        if m[1] == b'1'
            && n == 11
            && !nanp_plan_ok(&m[1..end])
            && !has_context(hay, s, &PHONE_WORDS)
        {
            continue;
        }
        let at = |i: usize| hay.get(i).copied();
        let before = |k: usize| s.checked_sub(k).map(|i| hay[i]);
        if phone_guards(before(1), before(2), at(s + end), at(s + end + 1)) {
            return Verdict::Mask(
                Span {
                    start: s,
                    end: s + end,
                    kind: Kind::Phone,
                },
                s + end,
            );
        }
    }
    Verdict::Reject
}

/// 9–11 digits, and not grouped 3-3-3 (a CA SIN's or AU TFN's layout, never a phone's).
pub(crate) fn national_ok(m: &[u8]) -> bool {
    let n = digits_of(m).len();
    let sizes = m
        .split(|b| !b.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(<[u8]>::len);
    (9..=11).contains(&n) && !sizes.eq([3, 3, 3])
}

/// An SSN's ranges (no area 000, 666 or 9xx, no group 00, no serial 0000, not one digit
/// repeated), or a US ITIN:
/// area 9xx with a group of 50–65, 70–88, 90–92 or 94–99.
pub(crate) fn ssn_valid(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    let same = area
        .iter()
        .chain(group)
        .chain(serial)
        .all(|&b| b == area[0]);
    if group == b"00" || serial == b"0000" || same {
        return false;
    }
    if area[0] == b'9' {
        let g = u32::from(group[0] - b'0') * 10 + u32::from(group[1] - b'0');
        return matches!(g, 50..=65 | 70..=88 | 90..=92 | 94..=99);
    }
    area != b"000" && area != b"666"
}

/// Whether a bare digit run `d` reads as a Unix time of 2014–2033: 10 digits (seconds) or
/// 13 (milliseconds) from `14…` to `19…`. Every log line carries one, so an opt-in id of
/// that length and lead (NPI, KR BRN, SE organisationsnummer, UK NHS, TH id, KR RRN) needs
/// its context word or its grouping there, even with its check digit: one timestamp in ten
/// or eleven would pass the check.
pub(crate) fn unix_time_like(d: &[u8]) -> bool {
    matches!(d.len(), 10 | 13) && d[0] == b'1' && (b'4'..=b'9').contains(&d[1])
}

/// Whether the ASCII digits `d` hold at least three different digits. A bare run with a
/// check digit but fewer (`1111111112`, `0000000000`) is a placeholder or a padded
/// counter, kept like any low-entropy value.
pub(crate) fn varied(d: &[u8]) -> bool {
    let mut seen = [false; 10];
    for &b in d {
        seen[usize::from(b.wrapping_sub(b'0') % 10)] = true;
    }
    seen.iter().filter(|&&x| x).count() >= 3
}

/// Whether the run at `s` is the value of a labelled field: right after `=` (logfmt, a
/// query string, an environment line) or a JSON key's `":`, a quote and spaces allowed
/// between. The label says what the value is (`req=`, `order_id=`, `"ts":`), so a bare
/// run there is an opt-in id only when the label holds the id's context word.
pub(crate) fn labelled(hay: &[u8], s: usize) -> bool {
    let mut i = s;
    if i > 0 && matches!(hay[i - 1], b'"' | b'\'') {
        i -= 1;
    }
    while i > 0 && hay[i - 1] == b' ' {
        i -= 1;
    }
    match i.checked_sub(1).map(|j| hay[j]) {
        Some(b'=') => true,
        Some(b':') => i >= 2 && hay[i - 2] == b'"',
        _ => false,
    }
}

/// Whether one of `words` starts at a word start within [`CONTEXT_WINDOW`] bytes before `s`.
pub(crate) fn has_context(hay: &[u8], s: usize, words: &[&[u8]]) -> bool {
    let lo = s.saturating_sub(CONTEXT_WINDOW);
    let win = &hay[lo..s];
    // The bytes a word can start with, in either case: a window of digits and separators
    // (a list of numbers, where this runs for every candidate) is passed over with one
    // lookup per byte.
    let mut first = [false; 256];
    for w in words {
        match w.first() {
            Some(&b) => {
                first[usize::from(b.to_ascii_lowercase())] = true;
                first[usize::from(b.to_ascii_uppercase())] = true;
            }
            None => first = [true; 256],
        }
    }
    for i in 0..win.len() {
        if !first[usize::from(win[i])] {
            continue;
        }
        if i > 0 && win[i - 1].is_ascii_alphabetic() {
            continue;
        }
        if i == 0 && lo > 0 && hay[lo - 1].is_ascii_alphabetic() {
            continue;
        }
        if !words
            .iter()
            .any(|w| win.len() - i >= w.len() && win[i..i + w.len()].eq_ignore_ascii_case(w))
        {
            continue;
        }
        // A typed marker's kind name (`[REDACTED:passport]`) is no context word.
        if hay[..lo + i].ends_with(b"[REDACTED:") {
            continue;
        }
        return true;
    }
    false
}

/// Issuer prefixes of the major card networks, as (low, high) ranges of the first digits.
pub(crate) const ISSUERS: [(&[u8], &[u8]); 16] = [
    (b"4", b"4"),       // Visa
    (b"51", b"55"),     // Mastercard
    (b"2221", b"2720"), // Mastercard 2-series
    (b"34", b"34"),     // Amex
    (b"37", b"37"),     // Amex
    (b"6011", b"6011"), // Discover
    (b"644", b"649"),   // Discover
    (b"65", b"65"),     // Discover
    (b"622", b"622"),   // UnionPay / Discover
    (b"62", b"62"),     // UnionPay
    (b"36", b"36"),     // Diners
    (b"300", b"305"),   // Diners
    (b"38", b"39"),     // Diners
    (b"3528", b"3589"), // JCB
    (b"50", b"50"),     // Maestro
    (b"56", b"58"),     // Maestro
];

/// Whether `digits` (ASCII) starts with a known issuer prefix.
pub(crate) fn issuer_ok(digits: &[u8]) -> bool {
    ISSUERS.iter().any(|(lo, hi)| {
        digits.len() >= lo.len() && {
            let p = &digits[..lo.len()];
            p >= *lo && p <= *hi
        }
    }) || digits.starts_with(b"63")
        || digits.starts_with(b"67")
        // UATP (issuer 1): 15 digits.
        || (digits.first() == Some(&b'1') && digits.len() == 15)
}

/// Luhn checksum over ASCII digits.
pub(crate) fn luhn_ok(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// A card number: 13–19 digits, Luhn-valid, known issuer, and when separated, in the
/// usual groups (4-4-4-4[-3], 4-6-5, 4-6-4, 4-4-4-1..). Tries every group-aligned sub-run so
/// a leading quantity ("2 4111 1111 1111 1111") or a trailing one cannot hide a card.
pub(crate) fn card_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    // A candidate has at most 37 bytes (19 digits and their separators): its groups fit on
    // the stack, where a list of numbers checks one candidate after another. Each group
    // takes at least one byte, so `m.len()` slots always suffice.
    const STACK: usize = 64;
    let mut stack = ([(0usize, 0usize); STACK], [0usize; STACK + 1]);
    let mut heap;
    let (groups, before): (&mut [(usize, usize)], &mut [usize]) = if m.len() <= STACK {
        (&mut stack.0, &mut stack.1)
    } else {
        heap = (vec![(0usize, 0usize); m.len()], vec![0usize; m.len() + 1]);
        (&mut heap.0, &mut heap.1)
    };
    let n = card_groups(m, groups, before);
    card_sub_runs(hay, s, m, &groups[..n], &before[..=n])
}

/// Splits `m` into its digit groups (`(start, end)`, each followed by one separator) and
/// the digits before each group (prefix sums, `before[k]`), so a sub-run's digit count
/// costs nothing and the cheap tests (count, grouping) run before any copy: a long run of
/// short groups ("1-2-1-2…") then costs a bounded amount of work per candidate. Returns
/// the number of groups; `groups` and `before` need `m.len()` and `m.len() + 1` slots.
fn card_groups(m: &[u8], groups: &mut [(usize, usize)], before: &mut [usize]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < m.len() {
        let st = i;
        while i < m.len() && m[i].is_ascii_digit() {
            i += 1;
        }
        groups[n] = (st, i);
        before[n + 1] = before[n] + (i - st);
        n += 1;
        i += 1;
    }
    n
}

/// The card among the group-aligned sub-runs of candidate `m` (at `s` in `hay`).
fn card_sub_runs(
    hay: &[u8],
    s: usize,
    m: &[u8],
    groups: &[(usize, usize)],
    before: &[usize],
) -> Verdict {
    let n = groups.len();
    let size = |k: usize| groups[k].1 - groups[k].0;
    for a in 0..n {
        // The multi-group sub-runs `card_grouping_ok` can accept: every group but the last
        // is 4 digits (4-4-4-4, 4-4-4-1…), or 4-6-4 / 4-6-5. Any other `b` would fail it,
        // so it is not tried: a run of short groups costs O(groups) per candidate.
        let fours = (a..n).take_while(|&k| size(k) == 4).count();
        let reach = (a + fours).min(n - 1);
        let special = (size(a) == 4 && a + 2 < n && size(a + 1) == 6).then_some(a + 2);
        let top = reach.max(special.unwrap_or(a));
        for b in (a..=top).rev() {
            if b > reach && Some(b) != special {
                continue;
            }
            let count = before[b + 1] - before[a];
            if !(13..=19).contains(&count) {
                continue;
            }
            let (gs, _) = groups[a];
            let (_, ge) = groups[b];
            let sub = &m[gs..ge];
            if b > a && !card_grouping_ok(&groups[a..=b], sub) {
                continue;
            }
            let abs_s = s + gs;
            let abs_e = s + ge;
            if !card_guards(hay, abs_s, abs_e) {
                continue;
            }
            // 13 to 19 digits: they fit on the stack (this runs for every candidate of a
            // list of numbers).
            let mut buf = [0u8; 19];
            for (slot, &c) in buf
                .iter_mut()
                .zip(sub.iter().filter(|c| c.is_ascii_digit()))
            {
                *slot = c;
            }
            let digits = &buf[..count];
            if issuer_ok(digits) && luhn_ok(digits) {
                return Verdict::Mask(
                    Span {
                        start: abs_s,
                        end: abs_e,
                        kind: Kind::Card,
                    },
                    abs_e,
                );
            }
        }
    }
    Verdict::Reject
}

pub(crate) fn card_guards(hay: &[u8], s: usize, e: usize) -> bool {
    let digit = |i: Option<usize>| i.and_then(|i| hay.get(i)).is_some_and(u8::is_ascii_digit);
    let at = |i: Option<usize>| i.and_then(|i| hay.get(i)).copied();
    // A fraction ("0.5227687358856201") or a dotted/slashed number is not a card.
    if matches!(at(s.checked_sub(1)), Some(b'.' | b'/' | b',')) && digit(s.checked_sub(2)) {
        return false;
    }
    if matches!(at(Some(e)), Some(b'.' | b'/' | b',')) && digit(Some(e + 1)) {
        return false;
    }
    if at(s.checked_sub(1)).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    !at(Some(e)).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether digit groups (`(start, end)` in `sub`) make a card's grouping: 4-4-4-4 and its
/// shorter last group, or 4-6-4 / 4-6-5, with one separator character throughout.
pub(crate) fn card_grouping_ok(groups: &[(usize, usize)], sub: &[u8]) -> bool {
    let mut seps = sub.iter().filter(|b| !b.is_ascii_digit());
    if let Some(first) = seps.next()
        && seps.any(|b| b != first)
    {
        return false;
    }
    let size = |g: &(usize, usize)| g.1 - g.0;
    match groups {
        [x, y, z] if size(x) == 4 && size(y) == 6 && matches!(size(z), 4 | 5) => true,
        [rest @ .., last] => rest.iter().all(|g| size(g) == 4) && (1..=4).contains(&size(last)),
        [] => false,
    }
}

/// Whether the integer `n` reads as a card number.
pub(crate) fn card_number(n: u64) -> bool {
    let s = n.to_string();
    let d = s.as_bytes();
    (13..=19).contains(&d.len()) && issuer_ok(d) && luhn_ok(d)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `has_context` as it was before the first-byte screen: every position, every word.
    fn has_context_plain(hay: &[u8], s: usize, words: &[&[u8]]) -> bool {
        let lo = s.saturating_sub(CONTEXT_WINDOW);
        let win = &hay[lo..s];
        for i in 0..win.len() {
            if i > 0 && win[i - 1].is_ascii_alphabetic() {
                continue;
            }
            if i == 0 && lo > 0 && hay[lo - 1].is_ascii_alphabetic() {
                continue;
            }
            if hay[..lo + i].ends_with(b"[REDACTED:") {
                continue;
            }
            for w in words {
                if win.len() - i >= w.len() && win[i..i + w.len()].eq_ignore_ascii_case(w) {
                    return true;
                }
            }
        }
        false
    }

    proptest! {
        #[test]
        fn screened_context_search_equals_the_plain_one(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("phone".to_owned()), Just("TEL".to_owned()), Just("ssn".to_owned()),
                    Just("Social Security".to_owned()), Just("[REDACTED:".to_owned()),
                    Just("[REDACTED:phone]".to_owned()), "[a-zA-Z0-9 :.()+-]{1,6}",
                ],
                0..12,
            ),
            cut in 0usize..80,
        ) {
            let hay = parts.concat().into_bytes();
            let s = cut.min(hay.len());
            for words in [&PHONE_WORDS[..], &SSN_WORDS[..], &[b"".as_slice()][..]] {
                prop_assert_eq!(has_context(&hay, s, words), has_context_plain(&hay, s, words));
            }
        }
    }
}
