//! Regional identifiers outside Europe with letters in them, for the opt-in kinds
//! (`passport`, `driver_license`, `vehicle_plate`, `health_id`, `business_id`,
//! `national_id`): KR passports, US/IN/KR passports after a keyword, US DEA registrations,
//! IN voter ids (EPIC), NG and IN number plates, US Medicare beneficiary ids (MBI), IN
//! GSTINs, SG UENs and IN Aadhaar numbers written with colons. The digit-only ones are in
//! [`super::regional_world_digits`].
//!
//! The policy: a layout with a check character (DEA, UEN) or one no ordinary code shares
//! (`M123A4567`, an MBI, a GSTIN, `APP-456CV`, a plate with its state code) is masked as it
//! stands; a shape that collides with order numbers and hashes (a letter and 7–8 digits,
//! three letters and 7 digits) only after a context word.

use super::Verdict;
use super::digits::has_context;
use super::national::verhoeff_ok;
use super::pii::alnum_at;
use crate::Kind;

/// The DFA trigger of the opt-in rules of this module that trigger 3's digit-then-letter
/// mark does not reach (index 6; in the automaton only when one of them is on). Like the
/// other opt-in triggers it only has to fire somewhere inside a candidate that trigger 0's
/// token loop holds whole:
/// * a letter then 6 digits (passports, DEA registrations, voter ids);
/// * `1234:5678:` (an Aadhaar number with colons).
///
/// It adds about 1.5 MB to the all-kinds automaton (20 MB of a 25 MB limit). Branches
/// that would hold a plate with a space in it (`APP 456CV`, +2.4 MB) or Cisco's dotted
/// MACs (+5 MB) do not fit here: a spaced NG plate in capitals is held across its space by
/// the regional trigger's `[A-Z]{2} [0-9]` branch instead, one in small letters is not
/// matched.
pub(crate) fn trigger() -> String {
    r"[A-Za-z][0-9]{6}|[0-9]{4}:[0-9]{4}:".to_owned()
}

/// KR passport, current layout: the type letter, 3 digits, a letter, 4 digits.
pub(crate) const KR_PASSPORT: &str = r"\b[MSRODGmsrodg][0-9]{3}[A-Za-z][0-9]{4}\b";
/// A passport number after its keyword: a letter and 7–8 digits (US next generation, KR
/// before 2021, IN).
pub(crate) const PASSPORT_CTX: &str = r"\b[A-Za-z][0-9]{7,8}\b";
/// US DEA registration: the registrant type, the initial (or `9`), 6 digits and a check.
pub(crate) const DEA: &str = r"\b[A-Z][A-Z9][0-9]{7}\b";
/// IN voter id (EPIC): three letters and 7 digits, after its keyword.
pub(crate) const IN_VOTER: &str = r"\b[A-Za-z]{3}[0-9]{7}\b";
/// NG number plate: the LGA code (3 letters), 3 digits, 2 letters; bare, with a dash, or
/// with a space (as the plate prints it).
pub(crate) const NG_PLATE: &str = r"\b[A-Za-z]{3}[ \-]?[0-9]{3}[A-Za-z]{2}\b";
/// IN number plate: the state code, the district (1–2 digits), 1–3 series letters, 4
/// digits.
pub(crate) const IN_PLATE: &str = r"\b[A-Z]{2}[0-9]{1,2}[A-Z]{1,3}[0-9]{4}\b";
/// US Medicare beneficiary id: 11 characters (digit, letter, alnum, digit, letter, alnum,
/// digit, letter, letter, digit, digit), bare or dashed 4-3-4.
pub(crate) const MBI: &str =
    r"\b[1-9][A-Za-z][A-Za-z0-9][0-9]-?[A-Za-z][A-Za-z0-9][0-9]-?[A-Za-z]{2}[0-9]{2}\b";
/// IN GSTIN: the state code, the holder's PAN, the entity number, `Z`, a check character.
pub(crate) const GSTIN: &str = r"\b[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]\b";
/// SG UEN: a business (8 digits), a local company (year and 5 digits) or another entity
/// (`T`/`S`/`R`, year, type letters, 4 digits), each with its check letter.
pub(crate) const SG_UEN: &str =
    r"\b(?:[0-9]{8}|[12][0-9]{8}|[RSTrst][0-9]{2}[A-Za-z]{2}[0-9]{4})[A-Za-z]\b";
/// IN Aadhaar written with colons (`2345:6789:0124`).
pub(crate) const AADHAAR_COLON: &str = r"\b[2-9][0-9]{3}:[0-9]{4}:[0-9]{4}\b";

const PASSPORT_WORDS: [&[u8]; 8] = [
    b"passport",
    b"travel document",
    b"passeport",
    b"pasaporte",
    b"reisepass",
    b"\xec\x97\xac\xea\xb6\x8c", // 여권
    b"\xe6\x8a\xa4\xe7\x85\xa7", // 护照
    b"\xe6\x97\x85\xe5\x88\xb8", // 旅券
];
const VOTER_WORDS: [&[u8]; 3] = [b"vote", b"epic", b"election"];

/// No letter, digit or `_` glued to either end, and not a piece of a dashed or dotted
/// compound (`x-M123A4567`, `M123A4567-2`).
pub(crate) fn alone(hay: &[u8], s: usize, e: usize) -> bool {
    let at = |i: Option<usize>| i.and_then(|i| hay.get(i)).copied();
    // A `:` before is a label's (`uen:…`), after it a port's or a field's.
    let glue = |b: Option<u8>| matches!(b, Some(b'-' | b'.' | b'/'));
    let glued_before = glue(at(s.checked_sub(1))) && alnum_at(hay, s.checked_sub(2));
    let glued_after =
        (glue(at(Some(e))) || at(Some(e)) == Some(b':')) && alnum_at(hay, Some(e + 1));
    !(alnum_at(hay, s.checked_sub(1)) || alnum_at(hay, Some(e)) || glued_before || glued_after)
}

/// KR passport (`M123A4567`): the layout as it stands.
pub(crate) fn kr_passport_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    Verdict::of(alone(hay, s, e), s, e, Kind::Passport)
}

/// A letter and 7–8 digits after a passport keyword; not a run of one digit.
///
/// Kept context-only although `passport` is opt-in: with no check digit the bare shape is
/// claimed by several countries at once and the peers' own suites disagree on it (a US
/// next-generation number is masked where the same letter and 8 digits are a UK or DE
/// negative); masking it bare traded each caught passport for a lost benign value.
pub(crate) fn passport_ctx_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d = &hay[s + 1..e];
    let ok =
        alone(hay, s, e) && !d.iter().all(|&b| b == d[0]) && has_context(hay, s, &PASSPORT_WORDS);
    Verdict::of(ok, s, e, Kind::Passport)
}

/// Whether `d` (7 ASCII digits) passes the DEA check: the odd-placed digits plus twice the
/// even-placed ones end in the last digit.
pub(crate) fn dea_ok(d: &[u8]) -> bool {
    let v = |i: usize| u32::from(d[i] - b'0');
    (v(0) + v(2) + v(4) + 2 * (v(1) + v(3) + v(5))) % 10 == v(6)
}

/// DEA: a registrant type letter, the check as it stands, not all one digit.
pub(crate) fn dea_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let ok = b"ABCDEFGHJKLMPRSTUX".contains(&m[0])
        && dea_ok(&m[2..])
        && !m[2..].iter().all(|&b| b == m[2])
        && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::HealthId)
}

/// IN voter id: after a keyword (`voter`, `EPIC`, `election`).
pub(crate) fn voter_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let ok = alone(hay, s, e) && has_context(hay, s, &VOTER_WORDS);
    Verdict::of(ok, s, e, Kind::NationalId)
}

/// NG plate: the letters in one case; lower case only with its dash (`abc123de` is as
/// often an identifier). The spaced form, in capitals only, may not end in a byte unit or
/// an amount's magnitude (`SSD 512GB`, `USD 300BN`, `EUR 250MM` are sizes and sums).
pub(crate) fn ng_plate_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let letters: Vec<u8> = m.iter().copied().filter(u8::is_ascii_alphabetic).collect();
    let upper = letters.iter().all(u8::is_ascii_uppercase);
    let lower = letters.iter().all(u8::is_ascii_lowercase);
    let ok = match m.get(3) {
        Some(b'-') => upper || lower,
        Some(b' ') => {
            upper
                && !matches!(
                    &m[7..],
                    b"KB" | b"MB" | b"GB" | b"TB" | b"PB" | b"BN" | b"MM"
                )
        }
        _ => upper,
    } && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::VehiclePlate)
}

/// The state and union-territory codes of IN number plates (and `BH`, the Bharat series).
const IN_STATES: [&[u8; 2]; 39] = [
    b"AN", b"AP", b"AR", b"AS", b"BH", b"BR", b"CG", b"CH", b"DD", b"DL", b"DN", b"GA", b"GJ",
    b"HP", b"HR", b"JH", b"JK", b"KA", b"KL", b"LA", b"LD", b"MH", b"ML", b"MN", b"MP", b"MZ",
    b"NL", b"OD", b"OR", b"PB", b"PY", b"RJ", b"SK", b"TN", b"TR", b"TS", b"UK", b"UP", b"WB",
];

/// IN plate: a known state code, a district other than `0`/`00`, a series number other
/// than `0000`.
pub(crate) fn in_plate_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let district: Vec<u8> = m[2..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    let ok = IN_STATES.iter().any(|c| m[..2] == c[..])
        && district.iter().any(|&b| b != b'0')
        && &m[m.len() - 4..] != b"0000"
        && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::VehiclePlate)
}

/// MBI: its letters avoid `S L O I B Z`, the dashes are both there or both absent.
pub(crate) fn mbi_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let dashes = memchr::memchr_iter(b'-', m).count();
    let letters_ok = m
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .all(|b| !b"SLOIBZ".contains(&b.to_ascii_uppercase()));
    let ok = (dashes == 0 || dashes == 2) && letters_ok && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::HealthId)
}

/// GSTIN: a state code in use (01–38, 97 other territory, 99 central); the layout, with
/// its literal `Z`, is distinctive as it stands.
pub(crate) fn gstin_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let state = u32::from(m[0] - b'0') * 10 + u32::from(m[1] - b'0');
    let ok = (matches!(state, 1..=38 | 97 | 99)) && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::BusinessId)
}

/// The position of `c` in the UEN's alphabet of other entities' codes.
fn uen_code(c: u8) -> Option<u32> {
    const ALPHA: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWX0123456789";
    let c = c.to_ascii_uppercase();
    ALPHA
        .iter()
        .position(|&x| x == c)
        .and_then(|i| u32::try_from(i).ok())
}

/// Whether a UEN's check letter is right, for each of its three layouts.
fn uen_ok(m: &[u8]) -> bool {
    let digit = |b: u8| u32::from(b - b'0');
    let check = m[m.len() - 1].to_ascii_uppercase();
    match m.len() {
        9 => {
            const W: [u32; 8] = [10, 4, 9, 3, 8, 2, 7, 1];
            let sum: u32 = m[..8].iter().zip(W).map(|(&b, w)| digit(b) * w).sum();
            b"XMKECAWLJDB"[(sum % 11) as usize] == check
        }
        10 if m[0].is_ascii_digit() => {
            const W: [u32; 9] = [10, 8, 6, 4, 9, 7, 5, 3, 1];
            let sum: u32 = m[..9].iter().zip(W).map(|(&b, w)| digit(b) * w).sum();
            b"ZKCMDNERGWH"[(sum % 11) as usize] == check
        }
        10 => {
            const W: [u32; 9] = [4, 3, 5, 3, 10, 2, 2, 5, 7];
            let Some(sum) = m[..9]
                .iter()
                .zip(W)
                .map(|(&b, w)| uen_code(b).map(|v| v * w))
                .sum::<Option<u32>>()
            else {
                return false;
            };
            b"ABCDEFGHJKL"[((sum + 6) % 11) as usize] == check
        }
        _ => false,
    }
}

/// SG UEN: the check letter, in one case.
pub(crate) fn uen_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let letters = m.iter().filter(|b| b.is_ascii_alphabetic());
    let one_case =
        letters.clone().all(u8::is_ascii_uppercase) || letters.clone().all(u8::is_ascii_lowercase);
    let ok = one_case && uen_ok(m) && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::BusinessId)
}

/// Aadhaar with colons: Verhoeff-valid, as it stands.
pub(crate) fn aadhaar_colon_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let d: Vec<u8> = hay[s..e]
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    let ok = verhoeff_ok(&d) && alone(hay, s, e);
    Verdict::of(ok, s, e, Kind::NationalId)
}
