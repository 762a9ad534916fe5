//! Regional personal data of Europe, the UK and Turkey, for the opt-in kinds (passport,
//! driving licence, vehicle plate, postcode, health id, business id, national id).
//!
//! Each rule is an exact pattern plus a check here, chosen by how much its shape says on
//! its own:
//! * a check digit (DE health insurance number, DE passport, DE social security number,
//!   TR identity number, PL PESEL, DE tax id, SE personnummer and organisationsnummer,
//!   IT VAT number, DE LANR): masked as it stands once the check holds (a bare 10-digit
//!   organisationsnummer that reads as a Unix time after its context word);
//! * a distinctive layout (UK postcode with its letter rules, current UK plates with their
//!   age identifier, UK driving licence): masked as it stands;
//! * a shape that ordinary codes share (old UK plates, compact TR plates, lowercase
//!   letter-and-digit ids): masked only after a context word (`passport`, `plate`, `reg`,
//!   …).
//!
//! Digit-only rules ride the digit trigger (1); the others share this module's
//! [`trigger`] (5), which fires inside every candidate and holds the spaced ones whole.

mod ids;

use super::Verdict;
use super::digits::{digits_of, has_context, is_word, unix_time_like};
use super::national::{bare_alone, not_glued};
use super::pii::standalone;
use super::regional_world::dea_ok;
use crate::Kind;
use ids::{
    de_social_ok, de_tax_ok, icao_ok, it_vat_ok, lanr_ok, org_number_ok, personnummer_ok, pesel_ok,
    tr_id_ok, uk_dl_ok,
};

/// The rules of this module; each names its pattern, trigger and check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// UK postcode (`SW1A 1AA`, `M1 1AA`, `DN551PT`, `GIR 0AA`).
    UkPostcode,
    /// UK plates, current (`AB51 ABC`) and prefix (`A123 BCD`) formats.
    UkPlate,
    /// UK plates, suffix format (`ABC123D`, `ABC 123D`).
    UkPlateSuffix,
    /// TR plates (`34 AB 1234`): spaced capitals with an issued series as they stand, other
    /// forms after a context word.
    TrPlate,
    /// UK NINO written in groups (`AB 12 34 56 C`).
    NinoSpaced,
    /// The same in small letters (`ab 12 34 56 c`): the digits and suffix, after a prefix
    /// read as context ([`nino_lower_check`]).
    NinoLower,
    /// UK driving licence number (16 characters).
    UkDrivingLicence,
    /// Letters then digits: DE health insurance number, ES/UK/IT passports, IT driving
    /// licence.
    LetterDigits,
    /// DE passport number (ICAO check digit).
    DePassport,
    /// DE social security (pension insurance) number.
    DeSocial,
    /// 11 digits: TR identity number, PL PESEL, DE tax id.
    Digits11,
    /// 11 digits: IT VAT number (partita IVA).
    ItVat,
    /// SE personnummer (10 or 12 digits).
    SePersonnummer,
    /// SE organisationsnummer (10 digits).
    SeOrgNumber,
    /// DE LANR (9 digits).
    DeLanr,
}

/// UK postcode: the outward code, an optional space, the inward code.
pub(crate) const UK_POSTCODE: &str = r"GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}";
/// UK plates: current (two letters, age identifier, three letters) and prefix (year
/// letter, 1–3 digits, three letters).
pub(crate) const UK_PLATE: &str = r"[A-Za-z]{1,2}[0-9]{1,3}[ \-]?[A-Za-z]{3}";
/// UK plates, suffix format (three letters, 1–3 digits, year letter), compact or spaced
/// (a spaced one is held across its space only in capitals, by the trigger's
/// `[A-Z]{2} [0-9]` branch).
pub(crate) const UK_PLATE_SUFFIX: &str = r"[A-Za-z]{3} ?[0-9]{1,3}[A-Za-z]";
/// TR plates: province 01–81, 1–3 letters, 2–5 digits.
pub(crate) const TR_PLATE: &str = r"(?:0[1-9]|[1-7][0-9]|8[01]) ?[A-Za-z]{1,3} ?[0-9]{2,5}";
/// UK NINO in groups: `AB 12 34 56 C`, `AB 123456C`.
pub(crate) const NINO_SPACED: &str = r"[A-Za-z]{2} [0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]";
/// A small-letter NINO in groups, from its digits on: `12 34 56 c`, `123456c` (see
/// [`nino_lower_check`]).
pub(crate) const NINO_LOWER: &str = r"[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[a-d]\b";
/// UK driving licence: surname (5, padded with `9`), birth date digits (6), initials (2,
/// padded with `9`), a digit and two check letters.
pub(crate) const UK_DL: &str = r"[A-Za-z9]{5}[0-9]{6}[A-Za-z9]{2}[0-9][A-Za-z]{2}";
/// 1–3 letters, 6–9 digits, an optional letter.
pub(crate) const LETTER_DIGITS: &str = r"[A-Za-z]{1,3}[0-9]{6,9}[A-Za-z]?";
/// DE passport: a letter of the passport alphabet, seven more characters of it, the check
/// digit.
pub(crate) const DE_PASSPORT: &str =
    r"[CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz][CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz0-9]{7}[0-9]";
/// DE social security number: area (2), birth date `DDMMYY`, the birth name's initial,
/// serial (2), check digit.
pub(crate) const DE_SOCIAL: &str = r"[0-9]{8}[A-Za-z][0-9]{3}";
/// 11 digits.
pub(crate) const DIGITS11: &str = r"\b[0-9]{11}\b";
/// SE numbers: (century) `YYMMDD`, an optional `-`/`+`, 4 digits.
pub(crate) const SE_NUMBER: &str = r"\b(?:[0-9]{2})?[0-9]{6}[\-+]?[0-9]{4}\b";
/// 9 digits.
pub(crate) const DIGITS9: &str = r"\b[0-9]{9}\b";

/// The pattern of `rule`.
pub(crate) fn regex(rule: Rule) -> &'static str {
    match rule {
        Rule::UkPostcode => UK_POSTCODE,
        Rule::UkPlate => UK_PLATE,
        Rule::UkPlateSuffix => UK_PLATE_SUFFIX,
        Rule::TrPlate => TR_PLATE,
        Rule::NinoSpaced => NINO_SPACED,
        Rule::NinoLower => NINO_LOWER,
        Rule::UkDrivingLicence => UK_DL,
        Rule::LetterDigits => LETTER_DIGITS,
        Rule::DePassport => DE_PASSPORT,
        Rule::DeSocial => DE_SOCIAL,
        Rule::Digits11 | Rule::ItVat => DIGITS11,
        Rule::SePersonnummer | Rule::SeOrgNumber => SE_NUMBER,
        Rule::DeLanr => DIGITS9,
    }
}

/// The DFA trigger of `rule`: the digit trigger (1) for digit runs, else this module's (5).
pub(crate) fn trigger_of(rule: Rule) -> usize {
    match rule {
        Rule::Digits11 | Rule::ItVat | Rule::SePersonnummer | Rule::SeOrgNumber | Rule::DeLanr => 1,
        _ => 5,
    }
}

/// The longest digit run every candidate of `rule` holds (see `rules::min_digits`).
pub(crate) fn min_digits(rule: Rule) -> usize {
    match rule {
        Rule::Digits11 | Rule::ItVat => 11,
        Rule::SePersonnummer | Rule::SeOrgNumber => 10,
        Rule::DeLanr => 9,
        Rule::LetterDigits => 6,
        Rule::DeSocial => 8,
        Rule::UkDrivingLicence => 6,
        _ => 0,
    }
}

/// The DFA trigger of the rules on trigger 5. It only has to fire somewhere inside a
/// candidate (one token is held whole by trigger 0's loop, built whenever an opt-in kind is
/// on), and to stay alive across the space of the spaced forms:
/// * a digit then a letter, or a letter then six digits (every compact candidate);
/// * a digit, a space or dash, three letters (`AB51 ABC`, `A123 BCD`, `LN14-HGT`);
/// * a postcode's inward code after a space (`1A 1AA`), and `GIR 0`;
/// * `34 ABC 1`: a TR plate's groups;
/// * two capitals, a space, two digits (a NINO in groups). The only branch that starts
///   with letters and a space: it needs capitals, so it holds across a space only after a
///   word in capitals, never across ordinary prose.
pub(crate) fn trigger() -> String {
    r"[0-9][A-Za-z]|[A-Za-z][0-9]|[0-9][ \-][A-Za-z]|[0-9][A-Z]? [0-9]|GIR 0|[0-9]{2} [A-Za-z]{1,3} [0-9]|[A-Z]{2} [0-9]".to_owned()
}

/// Whether the letters of `m` are all capitals or all small.
fn one_case(m: &[u8]) -> bool {
    let mut letters = m.iter().filter(|b| b.is_ascii_alphabetic());
    letters.clone().all(u8::is_ascii_uppercase) || letters.all(u8::is_ascii_lowercase)
}

fn upper(m: &[u8]) -> bool {
    !m.iter().any(u8::is_ascii_lowercase)
}

/// Whether a small-letter token could be a hex fragment: every letter `a`–`f`, and more
/// than the one leading letter. A single letter before a run of digits (`c01234565`) is
/// how these ids are typed in small letters; a random 9–10 character hex token has that
/// shape about once in 100–200, and the check digit that must also hold leaves about one
/// in 1 000–2 000.
fn hex_like(m: &[u8]) -> bool {
    m.iter().all(u8::is_ascii_hexdigit) && m[1..].iter().any(u8::is_ascii_alphabetic)
}

const PASSPORT_WORDS: [&[u8]; 8] = [
    b"passport",
    b"pasaporte",
    b"passaporto",
    b"pasaport",
    b"reisepass",
    b"pass-nr",
    b"passnr",
    b"passnummer",
];
const DL_WORDS: [&[u8]; 5] = [b"patente", b"licence", b"license", b"driving", b"driver"];
const HEALTH_WORDS: [&[u8]; 5] = [
    b"kvnr",
    b"krankenversicherten",
    b"krankenkasse",
    b"versichertennummer",
    b"egk",
];
const PLATE_WORDS: [&[u8]; 8] = [
    b"reg",
    b"plate",
    b"vehicle",
    b"car ",
    b"vrm",
    b"numberplate",
    b"plaka",
    b"ara\xc3\xa7",
];
const LANR_WORDS: [&[u8]; 4] = [b"lanr", b"arztnummer", b"arzt-nr", b"arztnr"];
const TAX_WORDS: [&[u8]; 6] = [
    b"steuer",
    b"idnr",
    b"identifikationsnummer",
    b"tax id",
    b"tax-id",
    b"taxid",
];
const ORG_WORDS: [&[u8]; 4] = [b"org", b"company", b"f\xc3\xb6retag", b"business"];

/// Runs the check of `rule` on the candidate `hay[s..e]`.
pub(crate) fn check(rule: Rule, hay: &[u8], s: usize, e: usize) -> Verdict {
    if !standalone(hay, s, e) {
        return Verdict::Reject;
    }
    let m = &hay[s..e];
    match rule {
        Rule::UkPostcode => {
            let hash = s.checked_sub(1).map(|i| hay[i]) == Some(b'#');
            Verdict::of(!hash && postcode_ok(m), s, e, Kind::Postcode)
        }
        Rule::UkPlate | Rule::UkPlateSuffix => {
            let ok = one_case(m)
                && match plate_uk(rule, m) {
                    // `mx64-uwp`: a dash joins small words; a plate in small letters
                    // is spaced.
                    Plate::Current => upper(m) || !m.contains(&b'-'),
                    Plate::Old => has_context(hay, s, &PLATE_WORDS),
                    Plate::No => false,
                };
            Verdict::of(ok, s, e, Kind::VehiclePlate)
        }
        Rule::TrPlate => {
            let spaces = memchr::memchr_iter(b' ', m).count();
            let ok = one_case(m)
                && (spaces == 0 || spaces == 2)
                && !m.iter().any(|b| b"QWXqwx".contains(b))
                && ((spaces == 2 && upper(m) && tr_plate_series(m))
                    || has_context(hay, s, &PLATE_WORDS));
            Verdict::of(ok, s, e, Kind::VehiclePlate)
        }
        Rule::NinoSpaced => super::pii::nino_check(hay, s, e),
        Rule::NinoLower => nino_lower_check(hay, s, e),
        Rule::UkDrivingLicence => Verdict::of(uk_dl_ok(m), s, e, Kind::DriverLicense),
        Rule::LetterDigits => letter_digits(hay, s, e),
        Rule::DePassport => {
            let ok = one_case(m)
                && (upper(m) || !hex_like(m) || has_context(hay, s, &PASSPORT_WORDS))
                && icao_ok(m);
            Verdict::of(ok, s, e, Kind::Passport)
        }
        Rule::DeSocial => Verdict::of(one_case(m) && de_social_ok(m), s, e, Kind::NationalId),
        // A DE tax id's check passes one run in ten, its digit rule (one digit twice or
        // thrice) about one in twenty-five: bare as it stands, like the others (see
        // `bare_alone`).
        Rule::Digits11 => {
            let ok = tr_id_ok(m)
                || pesel_ok(m)
                || (de_tax_ok(m) && not_glued(hay, s, e) && bare_alone(hay, s, m, &TAX_WORDS));
            Verdict::of(ok, s, e, Kind::NationalId)
        }
        Rule::ItVat => Verdict::of(it_vat_ok(m), s, e, Kind::BusinessId),
        Rule::SePersonnummer => Verdict::of(personnummer_ok(m), s, e, Kind::NationalId),
        // Bare ten digits with Luhn, a group digit and a third digit of 2 or more stand
        // alone, unless they read as a Unix time (group 1, estates).
        Rule::SeOrgNumber => Verdict::of(
            org_number_ok(m)
                && (m.len() == 11
                    || (not_glued(hay, s, e)
                        && !unix_time_like(&digits_of(m))
                        && bare_alone(hay, s, m, &ORG_WORDS))
                    || has_context(hay, s, &ORG_WORDS)),
            s,
            e,
            Kind::BusinessId,
        ),
        // The check digit (weights 4, 9) passes one run in ten; `business_id` and
        // `health_id` are opt-in, so a valid LANR stands alone.
        Rule::DeLanr => Verdict::of(
            lanr_ok(m) && not_glued(hay, s, e) && bare_alone(hay, s, m, &LANR_WORDS),
            s,
            e,
            Kind::HealthId,
        ),
    }
}

/// A UK NINO in small letters with a space after its prefix (`ab 12 34 56 c`), as the
/// capital form (`AB 12 34 56 C`, [`Rule::NinoSpaced`]) is accepted: same prefix rules, one
/// case throughout. The scanner cannot hold such a prefix: a trigger branch of small
/// letters and a space would keep a thread alive after every word of prose, and the stream
/// could no longer cut between words (see [`trigger`]). So the candidate starts at the
/// digits, the prefix and its space are read as look-behind context (always there, in
/// every chunking), and the digits and suffix — what identifies the person within a
/// prefix — are masked: `ab [REDACTED]`.
fn nino_lower_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let at = |k: usize| s.checked_sub(k).map(|i| hay[i]);
    let prefix = (at(3), at(2), at(1));
    let ok = match prefix {
        (Some(a), Some(b), Some(b' ')) => {
            a.is_ascii_lowercase()
                && b.is_ascii_lowercase()
                && !at(4).is_some_and(|c| is_word(c) || c >= 0x80)
                && super::pii::nino_prefix_ok(a.to_ascii_uppercase(), b.to_ascii_uppercase())
        }
        _ => false,
    };
    Verdict::of(ok, s, e, Kind::NationalId)
}

/// Whether a spaced TR plate (`34 AB 123`) has a series the registry issues: one letter
/// and 4–5 digits, two letters and 3–4, three letters and 2–3 (never more than six
/// characters after the province). `vehicle_plate` is opt-in, so such a plate written
/// with its spaces in capitals is masked without a context word; the letters may not be a
/// size unit (`16 GB 1024`, `64 KB 512` read as sizes), and the compact and small-letter
/// forms, shared with product codes, still need the word.
fn tr_plate_series(m: &[u8]) -> bool {
    let mut groups = m.split(|&b| b == b' ');
    let (_, Some(letters), Some(digits)) = (groups.next(), groups.next(), groups.next()) else {
        return false;
    };
    let unit = matches!(letters, b"KB" | b"MB" | b"GB" | b"TB" | b"PB");
    let series_ok = matches!(
        (letters.len(), digits.len()),
        (1, 4 | 5) | (2, 3 | 4) | (3, 2 | 3)
    );
    series_ok && !unit
}

/// A UK postcode whose letters fit their places (`GIR 0AA` is the one exception).
fn postcode_ok(m: &[u8]) -> bool {
    let c: Vec<u8> = m.iter().copied().filter(|&b| b != b' ').collect();
    if c == b"GIR0AA" {
        return true;
    }
    let Some(split) = c.len().checked_sub(3) else {
        return false;
    };
    let (out, inward) = c.split_at(split);
    if inward[1..].iter().any(|b| b"CIKMOV".contains(b)) {
        return false;
    }
    let first = |a: &u8| a.is_ascii_uppercase() && !b"QVX".contains(a);
    let second = |b: &u8| b.is_ascii_uppercase() && !b"IJZ".contains(b);
    let digit = u8::is_ascii_digit;
    match out {
        [a, d] => first(a) && digit(d),
        [a, d, x] if digit(d) => first(a) && (digit(x) || b"ABCDEFGHJKPSTUW".contains(x)),
        [a, b, d] => first(a) && second(b) && digit(d),
        [a, b, d, x] => {
            first(a) && second(b) && digit(d) && (digit(x) || b"ABEHMNPRVWXY".contains(x))
        }
        _ => false,
    }
}

/// What a UK plate candidate is.
enum Plate {
    /// The current format with a valid age identifier: distinctive as it stands.
    Current,
    /// A prefix or suffix plate (1963–2001): shared with ordinary codes (`V8 API`).
    Old,
    No,
}

fn plate_uk(rule: Rule, m: &[u8]) -> Plate {
    let up: Vec<u8> = m
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_uppercase)
        .collect();
    let lead = up.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = up[lead..].iter().take_while(|b| b.is_ascii_digit()).count();
    let tail = &up[lead + digits..];
    let year_letter = |b: u8| !b"IOQUZ".contains(&b);
    let no_iq = |g: &[u8]| !g.iter().any(|b| b"IQ".contains(b));
    if rule == Rule::UkPlateSuffix {
        return if no_iq(&up[..3]) && year_letter(up[up.len() - 1]) {
            Plate::Old
        } else {
            Plate::No
        };
    }
    match (lead, digits) {
        (2, 2) => {
            let age = u32::from(up[2] - b'0') * 10 + u32::from(up[3] - b'0');
            let ok = b"ABCDEFGHKLMNOPRSVWY".contains(&up[0])
                && !b"IQZ".contains(&up[1])
                && ((2..=29).contains(&age) || (51..=79).contains(&age))
                && no_iq(tail);
            if ok { Plate::Current } else { Plate::No }
        }
        (1, _) if year_letter(up[0]) && no_iq(tail) => Plate::Old,
        _ => Plate::No,
    }
}

/// Letters then digits: the layout says which id it can be; a check digit or capitals
/// let it stand alone, small letters (a hex fragment, a word) need a context word.
fn letter_digits(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let lead = m.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let tail = usize::from(m.last().is_some_and(u8::is_ascii_alphabetic));
    let digits = m.len() - lead - tail;
    // Mixed case (`AbC123456`) is how a form's free text holds a passport number, not how
    // a code is written: after a passport word it is one; elsewhere an identifier.
    let mixed_ok = lead == 3 && tail == 0 && has_context(hay, s, &PASSPORT_WORDS);
    if !(one_case(m) || mixed_ok) {
        return Verdict::Reject;
    }
    let up = upper(m);
    let ctx = |words: &[&[u8]]| has_context(hay, s, words);
    let (ok, kind) = match (lead, digits, tail) {
        (1, 9, 0) => (
            ids::kvnr_ok(m) && (up || !hex_like(m) || ctx(&HEALTH_WORDS)),
            Kind::HealthId,
        ),
        (3, 6, 0) => (up || ctx(&PASSPORT_WORDS), Kind::Passport),
        // Two capitals and seven digits with a valid DEA check are a US DEA number; after
        // the word `DEA` a failed check makes a mistyped DEA number, not a passport.
        (2, 7, 0) => (
            (up && !dea_ok(&m[2..]) && !ctx(&[b"dea"])) || ctx(&PASSPORT_WORDS),
            Kind::Passport,
        ),
        (2, 7, 1) => (up || ctx(&DL_WORDS), Kind::DriverLicense),
        _ => (false, Kind::Passport),
    };
    Verdict::of(ok, s, e, kind)
}
