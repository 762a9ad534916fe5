//! National identity numbers made of digits only: IN Aadhaar (Verhoeff), KR RRN (birth
//! date and check digit), AU ABN (mod 89) and TFN (mod 11), UK NHS number (mod 11). They
//! ride the digit trigger, for the opt-in `national_id` kind. A number with a valid check is masked
//! as it stands, grouped (`2345 6789 0124`, `960121-1234567`) or bare; a bare 10- or
//! 13-digit run that reads as a Unix time ([`unix_time_like`]), of fewer than three
//! distinct digits or the value of a field labelled otherwise ([`bare_alone`]) only after a
//! context keyword (see [`has_context`]).

use super::Verdict;
use super::digits::{date_exists, digits_of, has_context, labelled, unix_time_like, varied};
use crate::Kind;

/// Aadhaar: 12 digits, the first 2–9, grouped 4-4-4 or bare.
pub(crate) const AADHAAR: &str = r"\b[2-9][0-9]{3}[ \-]?[0-9]{4}[ \-]?[0-9]{4}\b";
/// KR resident registration number: `YYMMDD`, a dash (optional), the sex/century digit
/// (1–4 for citizens, 5–8 for the foreigner registration number, FRN) and six more digits.
pub(crate) const KR_RRN: &str = r"\b[0-9]{2}[01][0-9][0-3][0-9]-?[1-8][0-9]{6}\b";
/// AU ABN: 11 digits, grouped 2-3-3-3 or bare.
pub(crate) const AU_ABN: &str = r"\b[0-9]{2} ?[0-9]{3} ?[0-9]{3} ?[0-9]{3}\b";
/// AU TFN (9 digits, 3-3-3) and UK NHS number (10 digits, 3-3-4): keyword only.
pub(crate) const TFN_NHS: &str = r"\b[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{3,4}\b";

const AADHAAR_WORDS: [&[u8]; 3] = [b"aadhaar", b"aadhar", b"uidai"];
const RRN_WORDS: [&[u8]; 6] = [
    b"rrn",
    b"resident registration",
    b"\xec\xa3\xbc\xeb\xaf\xbc",
    b"frn",
    b"foreign",
    b"\xec\x99\xb8\xea\xb5\xad\xec\x9d\xb8", // 외국인
];
const ABN_WORDS: [&[u8]; 2] = [b"abn", b"business number"];
/// The context words of an AU TFN.
pub(crate) const TFN_WORDS: [&[u8]; 2] = [b"tfn", b"tax file"];
const NHS_WORDS: [&[u8]; 1] = [b"nhs"];

/// Not part of a longer grouped or dotted number (`1234-5678-9012-3456`, `1.2345…`).
pub(crate) fn not_glued(hay: &[u8], s: usize, e: usize) -> bool {
    let digit = |i: Option<usize>| i.and_then(|i| hay.get(i)).is_some_and(u8::is_ascii_digit);
    let at = |i: Option<usize>| i.and_then(|i| hay.get(i)).copied();
    let glue = |b: Option<u8>| matches!(b, Some(b'-' | b'.' | b'/' | b':' | b' ' | b','));
    !(glue(at(s.checked_sub(1))) && digit(s.checked_sub(2))
        || glue(at(Some(e))) && digit(Some(e + 1)))
}

/// How a candidate's digits are separated.
#[derive(PartialEq, Eq)]
enum Seps {
    /// No separator: a bare run.
    Bare,
    /// One separator kind throughout.
    One,
    /// Mixed separators.
    Mixed,
}

fn separators(m: &[u8]) -> Seps {
    let seps: Vec<u8> = m.iter().filter(|b| !b.is_ascii_digit()).copied().collect();
    if seps.windows(2).any(|w| w[0] != w[1]) {
        Seps::Mixed
    } else if seps.is_empty() {
        Seps::Bare
    } else {
        Seps::One
    }
}

/// The Verhoeff check over ASCII digits (the last one is the check digit).
pub(crate) fn verhoeff_ok(digits: &[u8]) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, &d) in digits.iter().rev().enumerate() {
        c = D[usize::from(c)][usize::from(P[i % 8][usize::from(d - b'0')])];
    }
    c == 0
}

/// Whether a bare run `d` at `s` with a valid check is masked as it stands: three
/// different digits at least ([`varied`]) and not the value of a field labelled otherwise
/// ([`labelled`]); or after one of `words`.
pub(crate) fn bare_alone(hay: &[u8], s: usize, d: &[u8], words: &[&[u8]]) -> bool {
    varied(d) && !labelled(hay, s) || has_context(hay, s, words)
}

/// Aadhaar: Verhoeff-valid, the first digit 2–9, not one digit repeated; grouped 4-4-4
/// with one separator, or bare.
pub(crate) fn aadhaar_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let sep = separators(m);
    let d = digits_of(m);
    let grouped = sep == Seps::One && m.len() == 14;
    let ok = verhoeff_ok(&d)
        && d.iter().any(|&b| b != d[0])
        && not_glued(hay, s, e)
        && (grouped || sep == Seps::Bare && bare_alone(hay, s, &d, &AADHAAR_WORDS));
    Verdict::of(ok, s, e, Kind::NationalId)
}

/// KR RRN / FRN: a real birth date; dashed as it stands, bare with a valid check digit (an
/// FRN's is offset by two) unless it reads as a millisecond Unix time, or after a keyword.
///
/// The sex digit gives the century (1, 2, 5, 6: 1900s; 3, 4, 7, 8: 2000s), so the date is
/// checked as the calendar has it (no 30 February, 29 February only in a leap year). The
/// 1800s digits 9 and 0 are left out: no holder of one is alive.
///
/// The dashed form is masked without its check: numbers issued since October 2020 carry
/// none. The sex digit tells an RRN (1–4) from an FRN (5–8), but both are national ids:
/// a dashed number with a citizen's digit is masked even when a test suite for FRNs alone
/// keeps it, and the other way round.
///
/// A bare run is any 13-digit code, so it needs the check a number issued before October
/// 2020 has; a birth date from October 2020 on can only be on a number issued without one
/// ([`KR_NO_CHECK_UNTIL`] bounds that range a few years past the time of writing, 2026:
/// the scanner has no clock, and a birth year far ahead is no birth).
/// Its last seven digits may not be one digit repeated or a run such as `1234567` (a
/// placeholder), and it must not read as a Unix time, hold fewer than three different
/// digits or be the value of a field labelled otherwise.
pub(crate) fn rrn_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let m = &hay[s..e];
    let d = digits_of(m);
    let num = |i: usize| u32::from(d[i] - b'0');
    let century = if matches!(num(6), 3 | 4 | 7 | 8) {
        2000
    } else {
        1900
    };
    let (yyyy, mm, dd) = (
        century + num(0) * 10 + num(1),
        num(2) * 10 + num(3),
        num(4) * 10 + num(5),
    );
    let date_ok = date_exists(yyyy, mm, dd);
    let sum: u32 = (0..12).map(|i| num(i) * W[i]).sum();
    let offset = if num(6) >= 5 { 13 } else { 11 };
    let check_ok = (offset - sum % 11) % 10 == num(12);
    let issued_without_check = ((2020, 10)..=(KR_NO_CHECK_UNTIL, 12)).contains(&(yyyy, mm));
    let dashed = m.len() == 14;
    let bare_ok = (check_ok || issued_without_check)
        && !placeholder_run(&d[6..])
        && !unix_time_like(&d)
        && varied(&d)
        && !labelled(hay, s);
    let ok =
        date_ok && not_glued(hay, s, e) && (dashed || bare_ok || has_context(hay, s, &RRN_WORDS));
    Verdict::of(ok, s, e, Kind::NationalId)
}

/// The last birth year for which a bare KR RRN without its check digit is masked (see
/// [`rrn_check`]); raise it as the years pass. Each year in the range lets about one bare
/// 13-digit run in 700 through (a real date, one of the four 2000s sex digits).
const KR_NO_CHECK_UNTIL: u32 = 2030;

/// Whether the ASCII digits `d` are one digit repeated or a run up or down by one
/// (`1234567`, `7654321`, `8901234`): a stand-in, not an issued serial.
pub(crate) fn placeholder_run(d: &[u8]) -> bool {
    let step = |k: u8| d.windows(2).all(|w| w[1] == b'0' + (w[0] - b'0' + k) % 10);
    step(0) || step(1) || step(9)
}

/// Whether the ABN's weighted sum (first digit less one) is a multiple of 89.
pub(crate) fn abn_ok(d: &[u8]) -> bool {
    const W: [u32; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    if d.len() != 11 || d[0] == b'0' {
        return false;
    }
    let sum: u32 = d
        .iter()
        .zip(W)
        .enumerate()
        .map(|(i, (&c, w))| (u32::from(c - b'0') - u32::from(i == 0)) * w)
        .sum();
    sum.is_multiple_of(89)
}

/// AU ABN: mod 89 (one random run in 89 passes); spaced 2-3-3-3 or bare, as it stands.
pub(crate) fn abn_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let d = digits_of(m);
    let ok = (m.len() == 14 || m.len() == 11 && bare_alone(hay, s, &d, &ABN_WORDS))
        && abn_ok(&d)
        && not_glued(hay, s, e);
    Verdict::of(ok, s, e, Kind::NationalId)
}

/// Whether the 9 ASCII digits `d` are an AU TFN: weights 1,4,3,7,5,8,6,9,10, the sum a
/// multiple of 11.
pub(crate) fn tfn_ok(d: &[u8]) -> bool {
    const W: [u32; 9] = [1, 4, 3, 7, 5, 8, 6, 9, 10];
    d.len() == 9
        && d.iter()
            .zip(W)
            .map(|(&c, w)| u32::from(c - b'0') * w)
            .sum::<u32>()
            .is_multiple_of(11)
}

/// Whether the 10 ASCII digits `d` are a UK NHS number: the first nine weighted 10 down to
/// 2, 11 less the sum mod 11 is the tenth (a result of 10 is never issued).
fn nhs_ok(d: &[u8]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(&c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = (11 - sum % 11) % 11;
    check != 10 && check == u32::from(d[9] - b'0')
}

/// AU TFN (9 digits, weighted mod 11) or UK NHS number (10 digits, mod 11), as it
/// stands: bare, or in its three groups with one kind of separator. After its keyword
/// only: a bare NHS number that reads as a Unix time, and a number with one of its two
/// separators.
pub(crate) fn tfn_nhs_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let d = digits_of(m);
    if separators(m) == Seps::Mixed || !not_glued(hay, s, e) || d.iter().all(|&b| b == d[0]) {
        return Verdict::Reject;
    }
    let (tfn, nhs) = (tfn_ok(&d), nhs_ok(&d));
    let alone = match m.len() - d.len() {
        0 => varied(&d) && !labelled(hay, s) && (tfn || !unix_time_like(&d)),
        2 => true,
        _ => false,
    };
    let words: &[&[u8]] = if tfn { &TFN_WORDS } else { &NHS_WORDS };
    let ok = (tfn || nhs) && (alone || has_context(hay, s, words));
    Verdict::of(ok, s, e, Kind::NationalId)
}
