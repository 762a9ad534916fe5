//! Regional identifiers outside Europe made of digits only, for the opt-in kinds: TH
//! national ids (mod 11), PH TINs, US NPIs (Luhn over `80840`), CA SINs (Luhn), AU TFNs (mod 11)
//! and ACNs (mod 10), ZA ids (date and Luhn), KR driver licences (region code) and
//! business registration numbers (weighted sum), US ABA routing numbers (3-7-1) and AU
//! Medicare numbers (weighted sum). They ride the digit trigger (8+ digits).
//!
//! The kinds are opt-in, so a number whose public check digit holds is masked as it
//! stands: grouped in its own layout (TH `1-2345-67890-12-1`, NPI 4-3-3, SIN 3-3-3, KR
//! 3-2-5, ABA 4-4-1, Medicare 4-5-1) or bare. These need a context word: a bare 10- or
//! 13-digit run that reads as a present-day Unix time ([`unix_time_like`]), a bare run of
//! fewer than three distinct digits ([`varied`]) or the value of a field labelled
//! otherwise (`req=…`, [`labelled`]), and the formats without a check digit (a KR driver
//! licence, a passport's 9 digits), whose bare run is any database id. A ZA id carries a
//! citizenship digit and Luhn; a PH TIN is masked bare only after its word (its check is
//! not public), with its check in its dashed 3-3-3-3 layout as it stands.

use super::Verdict;
use super::digits::{
    date_exists, digits_of, has_context, labelled, luhn_ok, unix_time_like, varied,
};
use super::national::{TFN_WORDS, tfn_ok};
use super::regional_world::alone;
use crate::Kind;

/// TH national id: 13 digits, the first 1–8, bare or grouped 1-4-5-2-1.
pub(crate) const TH_ID: &str = r"\b[1-8][ \-]?[0-9]{4}[ \-]?[0-9]{5}[ \-]?[0-9]{2}[ \-]?[0-9]\b";
/// PH TIN with its branch code: 12 digits, bare or grouped 3-3-3-3.
pub(crate) const PH_TIN: &str = r"\b[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{3}\b";
/// US NPI: 10 digits, the first 1 or 2, bare or grouped 4-3-3.
pub(crate) const NPI: &str = r"\b[12][0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{3}\b";
/// 9 digits, bare or grouped 3-3-3: CA SIN, AU TFN, AU ACN, or a passport after its word.
pub(crate) const NINE: &str = r"\b[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{3}\b";
/// ZA id: `YYMMDD`, 4 digits, citizenship (0–2), a digit, the Luhn check.
pub(crate) const ZA_ID: &str = r"\b[0-9]{2}[01][0-9][0-3][0-9][0-9]{4}[012][0-9]{2}\b";
/// KR driver licence: region (11–28), year, 6 digits, 2 check digits; bare or 2-2-6-2.
pub(crate) const KR_DL: &str = r"\b[12][0-9][ \-]?[0-9]{2}[ \-]?[0-9]{6}[ \-]?[0-9]{2}\b";
/// KR business registration number: bare or 3-2-5.
pub(crate) const KR_BRN: &str = r"\b[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{5}\b";
/// US ABA routing number: bare or 4-4-1 with dashes.
pub(crate) const ABA: &str = r"\b[0-9]{4}-?[0-9]{4}-?[0-9]\b";
/// AU Medicare number: 10 digits, the first 2–6, bare or 4-5-1.
pub(crate) const AU_MEDICARE: &str = r"\b[2-6][0-9]{3}[ \-]?[0-9]{5}[ \-]?[0-9]\b";

const TH_WORDS: [&[u8]; 6] = [
    b"thai",
    b"tnin",
    b"national id",
    b"id card",
    b"citizen",
    b"\xe0\xb8\x9b\xe0\xb8\xa3\xe0\xb8\xb0\xe0\xb8\x8a\xe0\xb8\xb2\xe0\xb8\x8a\xe0\xb8\x99", // ประชาชน
];
const TIN_WORDS: [&[u8]; 6] = [b"tin ", b"tin:", b"tin#", b"tin no", b"tax id", b"taxpayer"];
const NPI_WORDS: [&[u8]; 3] = [b"npi", b"provider", b"prescriber"];
const SIN_WORDS: [&[u8]; 8] = [
    b"sin ",
    b"sin:",
    b"sin#",
    b"sin=",
    b"social insurance",
    b"nas ",
    b"nas:",
    b"assurance sociale",
];
const ACN_WORDS: [&[u8]; 3] = [b"acn ", b"acn:", b"company number"];
const PASSPORT_WORDS: [&[u8]; 3] = [b"passport", b"travel document", b"passeport"];
const DL_WORDS: [&[u8]; 4] = [
    b"license",
    b"licence",
    b"driver",
    b"\xeb\xa9\xb4\xed\x97\x88", // 면허
];
const ABA_WORDS: [&[u8]; 5] = [b"routing", b"aba ", b"aba:", b"rtn", b"transit"];
const MEDICARE_WORDS: [&[u8]; 1] = [b"medicare"];
const BRN_WORDS: [&[u8]; 4] = [
    b"brn ",
    b"brn:",
    b"business registration",
    b"\xec\x82\xac\xec\x97\x85\xec\x9e\x90", // 사업자
];

/// How a candidate is written.
#[derive(PartialEq, Eq, Clone, Copy)]
enum Layout {
    /// Digits only.
    Bare,
    /// Every group boundary of the format holds the same separator.
    Grouped,
    /// Some separators, not all, or of different kinds.
    Other,
}

/// The layout of `m`, whose format has `groups` groups.
fn layout(m: &[u8], groups: usize) -> Layout {
    let seps: Vec<u8> = m.iter().copied().filter(|b| !b.is_ascii_digit()).collect();
    if seps.is_empty() {
        Layout::Bare
    } else if seps.len() + 1 == groups && seps.windows(2).all(|w| w[0] == w[1]) {
        Layout::Grouped
    } else {
        Layout::Other
    }
}

fn value(d: &[u8], i: usize) -> u32 {
    u32::from(d[i] - b'0')
}

/// Weighted sum of the digits `d` with `w`.
fn weighted(d: &[u8], w: &[u32]) -> u32 {
    d.iter()
        .zip(w)
        .map(|(&b, &k)| u32::from(b - b'0') * k)
        .sum()
}

/// When a bare run (digits only) of a valid number is masked.
#[derive(Clone, Copy)]
enum Bare<'a> {
    /// As it stands, the check digit the evidence: with three different digits at least
    /// ([`varied`]), and not as the value of a field labelled otherwise ([`labelled`]);
    /// after one of these context words in any case.
    Alone(&'a [&'a [u8]]),
    /// Only after one of these context words.
    After(&'a [&'a [u8]]),
}

impl<'a> Bare<'a> {
    /// Alone, unless the digits `d` read as a Unix time ([`unix_time_like`]): then after
    /// `words`.
    fn unless_time(d: &[u8], words: &'a [&'a [u8]]) -> Self {
        if unix_time_like(d) {
            Bare::After(words)
        } else {
            Bare::Alone(words)
        }
    }
}

/// Masks `s..e` as `kind` when the number is valid, stands alone, is not one digit
/// repeated, and is either grouped or bare as `bare` allows.
fn decide(
    hay: &[u8],
    s: usize,
    e: usize,
    groups: usize,
    valid: bool,
    bare: Bare<'_>,
    kind: Kind,
) -> Verdict {
    let m = &hay[s..e];
    let d = digits_of(m);
    let ok = valid
        && !d.iter().all(|&b| b == d[0])
        && alone(hay, s, e)
        && match layout(m, groups) {
            Layout::Grouped => true,
            Layout::Bare => match bare {
                Bare::Alone(words) => varied(&d) && !labelled(hay, s) || has_context(hay, s, words),
                Bare::After(words) => has_context(hay, s, words),
            },
            Layout::Other => false,
        };
    Verdict::of(ok, s, e, kind)
}

/// TH id: the mod-11 check digit and a province code in use (10–96, digits 2–3).
///
/// `national_id` is opt-in, and a valid check and province over 13 digits leave about one
/// random run in 11: a bare valid id is masked without a context word. Except one class:
/// a 13-digit run from `14…` to `19…` is how a millisecond Unix time of 2014–2033 reads
/// ([`unix_time_like`]), and every JSON log line has one; one in 11 of them would pass,
/// so that range still needs the word (or the 1-4-5-2-1 grouping, which no timestamp has).
pub(crate) fn th_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = digits_of(&hay[s..e]);
    let sum = weighted(&d, &[13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    let province = value(&d, 1) * 10 + value(&d, 2);
    let valid = (11 - sum % 11) % 10 == value(&d, 12) && (10..=96).contains(&province);
    let bare = Bare::unless_time(&d, &TH_WORDS);
    decide(hay, s, e, 5, valid, bare, Kind::NationalId)
}

/// Whether the 9th digit of a PH TIN is its check: the first 8 digits weighted 9 down to
/// 2, the sum mod 11 (a remainder of 10 is never issued). The BIR publishes no algorithm;
/// this is the weighted mod-11 check Presidio documents for the number.
pub(crate) fn ph_tin_ok(d: &[u8]) -> bool {
    weighted(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11 == value(d, 8)
}

/// PH TIN: 9 digits (3-3-3), or 12 with the branch code (3-3-3-3), the 9th a check digit
/// ([`ph_tin_ok`]). Dashed 3-3-3-3 is the BIR's own layout and no common code's (cards
/// group by 4, phones by 3-3-4), so with its check it is masked as it stands; a bare run,
/// spaced groups (`123 456 789 012` is also how SI writes thousands) and the 9-digit form
/// after its word (`TIN`).
pub(crate) fn ph_tin_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let d = digits_of(m);
    let dashed = memchr::memchr_iter(b'-', m).count() == 3;
    let ok = ph_tin_ok(&d)
        && layout(m, 4) != Layout::Other
        && !d.iter().all(|&b| b == d[0])
        && alone(hay, s, e)
        && (dashed || has_context(hay, s, &TIN_WORDS));
    Verdict::of(ok, s, e, Kind::NationalId)
}

/// NPI: Luhn over the card-issuer prefix `80840` and the 10 digits; bare as it stands
/// unless it reads as a Unix time (an NPI starts with `1` or `2`, like every timestamp
/// in seconds since 2001).
pub(crate) fn npi_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let digits = digits_of(&hay[s..e]);
    let bare = Bare::unless_time(&digits, &NPI_WORDS);
    let mut d = b"80840".to_vec();
    d.extend(digits);
    decide(hay, s, e, 3, luhn_ok(&d), bare, Kind::HealthId)
}

/// 9 digits: a CA SIN (Luhn, not starting `0` or `8`), an AU TFN (mod 11) or an AU ACN
/// (mod 10), bare or grouped 3-3-3, as they stand; a passport (no check digit) or a PH
/// TIN (no public check) only after its word.
///
/// Each check passes one random run in ten or eleven, so together they mask about a third
/// of all bare 9-digit runs that stand alone: the price of asking for `national_id` and
/// `business_id` (the default kinds never mask a bare 9-digit run but a valid SSN after
/// its word).
pub(crate) fn nine_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = digits_of(&hay[s..e]);
    let sin = luhn_ok(&d) && !matches!(d[0], b'0' | b'8');
    let acn = (10 - weighted(&d, &[8, 7, 6, 5, 4, 3, 2, 1]) % 10) % 10 == value(&d, 8);
    let tries = [
        (sin, &SIN_WORDS[..], Kind::NationalId),
        (tfn_ok(&d), &TFN_WORDS[..], Kind::NationalId),
        (acn, &ACN_WORDS[..], Kind::BusinessId),
    ];
    for (valid, words, kind) in tries {
        if let v @ Verdict::Mask(..) = decide(hay, s, e, 3, valid, Bare::Alone(words), kind) {
            return v;
        }
    }
    let layout_ok = layout(&hay[s..e], 3) != Layout::Other && alone(hay, s, e);
    if layout_ok && has_context(hay, s, &PASSPORT_WORDS) && d.iter().any(|&b| b != d[0]) {
        return Verdict::whole(s, e, Kind::Passport);
    }
    // A PH TIN without its branch code: only after its word.
    if layout_ok && ph_tin_ok(&d) && has_context(hay, s, &TIN_WORDS) && d.iter().any(|&b| b != d[0])
    {
        return Verdict::whole(s, e, Kind::NationalId);
    }
    Verdict::Reject
}

/// ZA id: a real date (29 February only in a leap year), Luhn, as it stands.
pub(crate) fn za_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = &hay[s..e];
    let two = |i: usize| value(d, i) * 10 + value(d, i + 1);
    let ok = date_exists(2000 + two(0), two(2), two(4)) && luhn_ok(d) && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::NationalId)
}

/// KR driver licence: a region code of 11–28, grouped 2-2-6-2, or bare after its word: the
/// two last digits have no public check, and a 12-digit run starting `11`–`28` is one
/// database id in six.
pub(crate) fn kr_dl_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = digits_of(&hay[s..e]);
    let region = value(&d, 0) * 10 + value(&d, 1);
    let valid = (11..=28).contains(&region);
    decide(
        hay,
        s,
        e,
        4,
        valid,
        Bare::After(&DL_WORDS),
        Kind::DriverLicense,
    )
}

/// KR business registration number: weights 1,3,7,1,3,7,1,3,5, plus the tens of
/// 5 × the ninth digit; bare as it stands unless it reads as a Unix time.
pub(crate) fn kr_brn_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = digits_of(&hay[s..e]);
    let sum = weighted(&d, &[1, 3, 7, 1, 3, 7, 1, 3, 5]) + value(&d, 8) * 5 / 10;
    let valid = (10 - sum % 10) % 10 == value(&d, 9);
    let bare = Bare::unless_time(&d, &BRN_WORDS);
    decide(hay, s, e, 3, valid, bare, Kind::BusinessId)
}

/// ABA routing number: the 3-7-1 weighted sum is a multiple of 10, and the first two
/// digits are a Federal Reserve district (00–12, 21–32 thrift, 61–72 electronic, 80
/// traveller's cheques); bare or 4-4-1 as it stands.
pub(crate) fn aba_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = digits_of(&hay[s..e]);
    let prefix = value(&d, 0) * 10 + value(&d, 1);
    let valid = weighted(&d, &[3, 7, 1, 3, 7, 1, 3, 7, 1]).is_multiple_of(10)
        && matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80);
    decide(
        hay,
        s,
        e,
        3,
        valid,
        Bare::Alone(&ABA_WORDS),
        Kind::BankAccount,
    )
}

/// AU Medicare: weights 1,3,7,9 twice; the ninth digit is the sum mod 10; bare or 4-5-1
/// as it stands (its first digit, 2–6, is never a Unix time's).
pub(crate) fn medicare_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = digits_of(&hay[s..e]);
    let valid = weighted(&d, &[1, 3, 7, 9, 1, 3, 7, 9]) % 10 == value(&d, 8);
    decide(
        hay,
        s,
        e,
        3,
        valid,
        Bare::Alone(&MEDICARE_WORDS),
        Kind::HealthId,
    )
}
