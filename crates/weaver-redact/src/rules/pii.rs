//! Validated personal data with letters in it: IBANs (country length table, mod-97) and
//! national identity numbers whose format carries a check character (FI, ES, IT, SG) or
//! strict format rules (UK NINO, IN PAN). Each rule is an exact pattern (no look-around)
//! plus a check here; all of them share one loose trigger of the scanning DFA.

use super::Verdict;
use super::digits::{date_exists, is_word};
use crate::Kind;

/// The exact patterns of this module, each paired with the check that validates it. The
/// scanning DFA's trigger is their alternation ([`trigger`]).
pub(crate) const IBAN: &str = r"[A-Z]{2}[0-9]{2}(?:[ \-]?[A-Z0-9]){11,34}";
/// FI personal identity code: `DDMMYY`, the century sign, a 3-digit individual number and
/// the mod-31 check character.
pub(crate) const FI_HETU: &str = r"[0-9]{6}[\-+A-FU-Y][0-9]{3}[0-9A-Y]";
/// The FI code of the 1900s with a digit check character (`DDMMYY-NNNC`): a digit cluster
/// of the digit trigger, so it runs with the digit rules.
pub(crate) const FI_HETU_DASH: &str = r"[0-9]{6}-[0-9]{4}";
/// ES NIF (7–8 digits, letter) and NIE (`X`/`Y`/`Z`, 7 digits, letter), a dash allowed
/// before the letter.
pub(crate) const ES_ID: &str = r"(?:[XYZxyz]-?[0-9]{7}|[0-9]{7,8})-?[A-Za-z]";
/// IT codice fiscale (omocodia letters allowed in the digit places).
pub(crate) const IT_CF: &str =
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]";
/// UK National Insurance number, written without spaces (the spaced form, `AB 12 34 56 C`,
/// needs a trigger branch that starts with letters: see `regional_eu`).
pub(crate) const UK_NINO: &str = r"[A-Za-z]{2}[0-9]{6}[A-Da-d]";
/// SG NRIC / FIN (`M`: the FIN series issued since 2022).
pub(crate) const SG_NRIC: &str = r"[STFGMstfgm][0-9]{7}[A-Za-z]";
/// IN PAN: three letters, the holder type, a letter, four digits, a letter.
pub(crate) const IN_PAN: &str = r"[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]";

/// The DFA trigger of this module. Small on purpose: the alternation of the exact patterns
/// multiplies the automaton (to 12.7 MB from 4.2; an IBAN head `[A-Z]{2}[0-9]{2}` alone
/// adds 7.5 MB), while this one adds about 2 MB. It does not have to match a candidate
/// whole: a candidate is never cut, because it lies in one token (trigger 0 loops over
/// tokens and is built whenever these kinds are on), in a spaced digit cluster (trigger
/// 1), or is held by the last branch here; the trigger only has to fire somewhere in it:
/// * a digit then a letter, a dash between allowed (the end of an ES NIF/NIE, SG NRIC,
///   IN PAN, IT codice fiscale, NINO, a FI code with a letter, many IBANs);
/// * `digit+digit` (a FI code of the 1800s);
/// * `82 WEST 1`: an IBAN's letter group between digit groups is not cut off them.
///
/// No branch may start with letters and a space (a spaced NINO, `AB 12 34 56 C`): a thread
/// alive across the space after every word would stop the stream from cutting between
/// words, and a list of addresses would be held as one run.
pub(crate) fn trigger() -> String {
    r"[0-9]-?[A-Za-z]|[0-9]\+[0-9]|[0-9]{2} [A-Z0-9]{4} [0-9]".to_owned()
}

/// Whether `hay[i]` exists and is a letter, digit or `_`.
pub(crate) fn alnum_at(hay: &[u8], i: Option<usize>) -> bool {
    i.and_then(|i| hay.get(i)).is_some_and(|&b| is_word(b))
}

/// Whether `hay[s..e]` stands alone: no letter, digit or `_` glued to either end.
pub(crate) fn standalone(hay: &[u8], s: usize, e: usize) -> bool {
    !alnum_at(hay, s.checked_sub(1)) && !alnum_at(hay, Some(e))
}

fn mask(s: usize, e: usize, kind: Kind) -> Verdict {
    Verdict::whole(s, e, kind)
}

/// IBAN lengths by country (ISO 13616 registry).
const IBAN_LENGTHS: [(&[u8; 2], u8); 87] = [
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BI", 27),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DJ", 27),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FK", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MN", 20),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NI", 28),
    (b"NL", 18),
    (b"NO", 15),
    (b"OM", 23),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"RU", 33),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

fn iban_length(cc: &[u8]) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| c.as_slice() == cc)
        .map(|&(_, n)| usize::from(n))
}

/// The ISO 7064 mod-97-10 check of an IBAN's characters (country and check digits first).
pub(crate) fn iban_mod97_ok(chars: &[u8]) -> bool {
    if chars.len() < 5 {
        return false;
    }
    let mut r = 0u32;
    for &c in chars[4..].iter().chain(&chars[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r == 1
}

/// Where the IBAN starting at `m[0]` ends (exclusive), if `m` starts with one of its
/// country's length: compact, or in groups of four joined by one space (or one dash).
fn iban_end(m: &[u8]) -> Option<usize> {
    let len = iban_length(&m[..2])?;
    let sep = match m.get(4) {
        Some(&c @ (b' ' | b'-')) => Some(c),
        _ => None,
    };
    let mut chars = Vec::with_capacity(len);
    let mut i = 0;
    while chars.len() < len {
        let c = *m.get(i)?;
        if c.is_ascii_alphanumeric() {
            chars.push(c);
            i += 1;
            if let Some(sp) = sep
                && chars.len() % 4 == 0
                && chars.len() < len
            {
                if m.get(i) != Some(&sp) {
                    return None;
                }
                i += 1;
            }
        } else {
            return None;
        }
    }
    iban_mod97_ok(&chars).then_some(i)
}

/// An IBAN: a known country, exactly its length, mod 97 == 1, standing alone.
pub(crate) fn iban_check(hay: &[u8], s: usize) -> Verdict {
    let m = &hay[s..];
    if alnum_at(hay, s.checked_sub(1)) {
        return Verdict::Reject;
    }
    match iban_end(m) {
        Some(n) if !alnum_at(hay, Some(s + n)) => mask(s, s + n, Kind::Iban),
        _ => Verdict::Reject,
    }
}

/// Whether the digits at `s` continue an IBAN-shaped run (`DE89 3704 0044 …`): the bytes
/// before are alphanumeric groups joined by single spaces or dashes, the first of which is a
/// country code and two digits. A phone, card or SSN rule must not mask the tail of an
/// account number that failed its own check. Looks at most 60 bytes back.
pub(crate) fn in_iban_run(hay: &[u8], s: usize) -> bool {
    let lo = s.saturating_sub(60);
    // The head's country code is upper case and lies in `[lo, s)`: a window without an
    // upper-case letter (a list of numbers) holds no head.
    if !hay[lo..s].iter().any(u8::is_ascii_uppercase) {
        return false;
    }
    let mut p = s;
    loop {
        if p <= lo + 4 || !matches!(hay[p - 1], b' ' | b'-') {
            return false;
        }
        let end = p - 1;
        let mut st = end;
        while st > lo && hay[st - 1].is_ascii_alphanumeric() {
            st -= 1;
        }
        let g = &hay[st..end];
        if g.is_empty() || g.len() > 4 {
            return false;
        }
        let head = g.len() == 4
            && g[..2].iter().all(u8::is_ascii_uppercase)
            && g[2..].iter().all(u8::is_ascii_digit)
            && !alnum_at(hay, st.checked_sub(1));
        if head {
            return true;
        }
        p = st;
    }
}

fn two(d: &[u8]) -> u32 {
    u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0')
}

fn number(d: &[u8]) -> u64 {
    d.iter()
        .fold(0u64, |n, &c| n * 10 + u64::from(c.wrapping_sub(b'0') % 10))
}

/// FI personal identity code: a real date, the check character of `DDMMYYNNN` mod 31.
pub(crate) fn fi_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
    let m = &hay[s..e];
    // The year is not read (its century sits in the sign): 2000 lets any 29 February pass.
    if !standalone(hay, s, e) || !date_exists(2000, two(&m[2..4]), two(&m[0..2])) {
        return Verdict::Reject;
    }
    let n = number(&m[0..6]) * 1000 + number(&m[7..10]);
    if CHARS[usize::try_from(n % 31).unwrap_or(0)] == m[10] {
        mask(s, e, Kind::NationalId)
    } else {
        Verdict::Reject
    }
}

/// ES NIF / NIE: the letter of the number mod 23.
pub(crate) fn es_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let m = &hay[s..e];
    if !standalone(hay, s, e) {
        return Verdict::Reject;
    }
    let mut digits: Vec<u8> = Vec::with_capacity(9);
    match m[0].to_ascii_uppercase() {
        b'X' => digits.push(b'0'),
        b'Y' => digits.push(b'1'),
        b'Z' => digits.push(b'2'),
        _ => {}
    }
    digits.extend(m[..m.len() - 1].iter().filter(|b| b.is_ascii_digit()));
    let letter = m[m.len() - 1].to_ascii_uppercase();
    let n = number(&digits);
    // Mixed case (`X1234567n`) or an all-zero number is not an id.
    let case_ok = m
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .all(u8::is_ascii_uppercase)
        || m.iter()
            .filter(|b| b.is_ascii_alphabetic())
            .all(u8::is_ascii_lowercase);
    if n != 0 && case_ok && LETTERS[usize::try_from(n % 23).unwrap_or(0)] == letter {
        mask(s, e, Kind::NationalId)
    } else {
        Verdict::Reject
    }
}

/// IT codice fiscale: the check letter over the first 15 characters.
pub(crate) fn it_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    // The values of a character in an odd (1st, 3rd, …) place, for `0`–`9` and `A`–`Z`
    // (a digit counts as the letter of the same rank).
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let m = &hay[s..e];
    if !standalone(hay, s, e) {
        return Verdict::Reject;
    }
    let mut sum = 0u32;
    for (i, &c) in m[..15].iter().enumerate() {
        let rank = if c.is_ascii_digit() {
            c - b'0'
        } else {
            c - b'A'
        };
        sum += if i % 2 == 0 {
            ODD[usize::from(rank)]
        } else {
            u32::from(rank)
        };
    }
    let want = b'A' + u8::try_from(sum % 26).unwrap_or(0);
    // The birth month is a letter of `ABCDEHLMPRST`.
    if want == m[15] && b"ABCDEHLMPRST".contains(&m[8]) {
        mask(s, e, Kind::NationalId)
    } else {
        Verdict::Reject
    }
}

/// Whether the two capitals `a`, `b` are a NINO prefix HMRC may issue: the first not D, F,
/// I, Q, U or V, the second not D, F, I, O, Q, U or V, and not BG, GB, KN, NK, NT, TN or ZZ.
pub(crate) fn nino_prefix_ok(a: u8, b: u8) -> bool {
    !b"DFIQUV".contains(&a)
        && !b"DFIOQUV".contains(&b)
        && ![*b"BG", *b"GB", *b"KN", *b"NK", *b"NT", *b"TN", *b"ZZ"].contains(&[a, b])
}

/// UK NINO: the prefix rules of HMRC, one case throughout.
pub(crate) fn nino_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    if !standalone(hay, s, e) {
        return Verdict::Reject;
    }
    let letters: Vec<u8> = m
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .map(u8::to_ascii_uppercase)
        .collect();
    let lower = m
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .all(u8::is_ascii_lowercase);
    let upper = m
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .all(u8::is_ascii_uppercase);
    if (lower || upper) && nino_prefix_ok(letters[0], letters[1]) {
        mask(s, e, Kind::NationalId)
    } else {
        Verdict::Reject
    }
}

/// SG NRIC / FIN: the weighted check letter (S/T: citizens, F/G/M: foreigners; `M` adds
/// 3 to the sum and reads its own table).
pub(crate) fn nric_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    const WEIGHTS: [u32; 7] = [2, 7, 6, 5, 4, 3, 2];
    let m = &hay[s..e];
    if !standalone(hay, s, e) {
        return Verdict::Reject;
    }
    let first = m[0].to_ascii_uppercase();
    let mut sum: u32 = m[1..8]
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d - b'0') * w)
        .sum();
    sum += match first {
        b'T' | b'G' => 4,
        b'M' => 3,
        _ => 0,
    };
    let table: &[u8; 11] = match first {
        b'S' | b'T' => b"JZIHGFEDCBA",
        b'M' => b"XWUTRQPNJLK",
        _ => b"XWUTRQPNMLK",
    };
    let same_case = m[0].is_ascii_uppercase() == m[8].is_ascii_uppercase();
    if same_case && table[usize::try_from(sum % 11).unwrap_or(0)] == m[8].to_ascii_uppercase() {
        mask(s, e, Kind::NationalId)
    } else {
        Verdict::Reject
    }
}

/// IN PAN: the format alone (no check character), standing alone.
pub(crate) fn pan_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    if standalone(hay, s, e) {
        mask(s, e, Kind::NationalId)
    } else {
        Verdict::Reject
    }
}
