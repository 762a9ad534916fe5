//! The check digits and date rules of the European ids in [`super`]: each function takes
//! a candidate its pattern matched (so lengths and character classes hold) and says
//! whether the id is valid.

use super::super::digits::{digits_of, luhn_ok};

fn num(d: u8) -> u32 {
    u32::from(d.wrapping_sub(b'0') % 10)
}

/// The value of an alphanumeric character in the ICAO check (`0`–`9`, then `A` = 10).
fn value(c: u8) -> u32 {
    if c.is_ascii_digit() {
        num(c)
    } else {
        u32::from(c.to_ascii_uppercase().saturating_sub(b'A')) + 10
    }
}

/// A letter's rank as two digits (`A` = `01`, `Z` = `26`).
fn letter_digits(c: u8) -> [u32; 2] {
    let n = u32::from(c.to_ascii_uppercase().saturating_sub(b'A')) + 1;
    [n / 10, n % 10]
}

fn cross_sum(n: u32) -> u32 {
    n / 10 + n % 10
}

fn two(d: &[u8]) -> u32 {
    num(d[0]) * 10 + num(d[1])
}

/// ICAO 9303 check digit (weights 7, 3, 1) of the first eight characters, the ninth.
pub(crate) fn icao_ok(m: &[u8]) -> bool {
    const W: [u32; 3] = [7, 3, 1];
    m.len() == 9
        && m[8].is_ascii_digit()
        && m[..8]
            .iter()
            .enumerate()
            .map(|(i, &c)| value(c) * W[i % 3])
            .sum::<u32>()
            % 10
            == num(m[8])
}

/// DE health insurance number (KVNR): the letter as two digits and the eight digits,
/// weighted 1, 2 alternately, cross sums added, mod 10 is the last digit.
pub(crate) fn kvnr_ok(m: &[u8]) -> bool {
    if m.len() != 10 {
        return false;
    }
    let [a, b] = letter_digits(m[0]);
    let ds = [a, b].into_iter().chain(m[1..9].iter().map(|&c| num(c)));
    let sum: u32 = ds
        .enumerate()
        .map(|(i, v)| cross_sum(v * if i % 2 == 0 { 1 } else { 2 }))
        .sum();
    sum % 10 == num(m[9])
}

fn day_month_ok(dd: u32, mm: u32) -> bool {
    (1..=31).contains(&dd) && (1..=12).contains(&mm)
}

/// The day of a DE social security number: the birth day, or (when the serial numbers of
/// that day and letter are used up) the day raised by 32 or 64, or the 1st raised by 96
/// (VKVV § 2 and the carriers' rules under it).
fn de_social_day_ok(dd: u32) -> bool {
    ((1..=31).contains(&(dd % 32)) && dd <= 95) || dd == 97
}

/// DE social security number: a birth date `DDMMYY` (the day possibly raised, see
/// [`de_social_day_ok`]), then the initial as two digits; the twelve digits weighted
/// 2 1 2 5 7 1 2 1 2 1 2 1, cross sums added, mod 10 is the check.
pub(crate) fn de_social_ok(m: &[u8]) -> bool {
    const W: [u32; 12] = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1];
    if m.len() != 12 || !de_social_day_ok(two(&m[2..4])) || !(1..=12).contains(&two(&m[4..6])) {
        return false;
    }
    let [a, b] = letter_digits(m[8]);
    let ds = m[..8]
        .iter()
        .map(|&c| num(c))
        .chain([a, b])
        .chain(m[9..11].iter().map(|&c| num(c)));
    let sum: u32 = ds.zip(W).map(|(v, w)| cross_sum(v * w)).sum();
    sum % 10 == num(m[11])
}

/// TR identity number: no leading zero; the tenth digit from the odd and even places, the
/// eleventh the sum of the first ten mod 10.
pub(crate) fn tr_id_ok(m: &[u8]) -> bool {
    let d: Vec<u32> = m.iter().map(|&c| num(c)).collect();
    if d.len() != 11 || d[0] == 0 {
        return false;
    }
    let odd: u32 = d[0..9].iter().step_by(2).sum();
    let even: u32 = d[1..8].iter().step_by(2).sum();
    (odd * 7 + 10 * 9 - even) % 10 == d[9] && d[..10].iter().sum::<u32>() % 10 == d[10]
}

/// PL PESEL: a birth date (the month carries the century: +80, +0, +20, +40, +60) and the
/// check digit of weights 1 3 7 9.
pub(crate) fn pesel_ok(m: &[u8]) -> bool {
    const W: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    if m.len() != 11 || !day_month_ok(two(&m[4..6]), two(&m[2..4]) % 20) {
        return false;
    }
    let sum: u32 = m[..10].iter().zip(W).map(|(&c, w)| num(c) * w).sum();
    (10 - sum % 10) % 10 == num(m[10])
}

/// DE tax id (Steuer-IdNr): no leading zero, at most one digit repeated (at most three
/// times) in the first ten, ISO 7064 mod 11,10 check digit.
pub(crate) fn de_tax_ok(m: &[u8]) -> bool {
    if m.len() != 11 || m[0] == b'0' {
        return false;
    }
    let mut counts = [0u8; 10];
    for &c in &m[..10] {
        counts[usize::from(c.wrapping_sub(b'0') % 10)] += 1;
    }
    if counts.iter().any(|&n| n > 3) || counts.iter().filter(|&&n| n > 1).count() > 1 {
        return false;
    }
    let mut p = 10;
    for &c in &m[..10] {
        let mut s = (num(c) + p) % 10;
        if s == 0 {
            s = 10;
        }
        p = (s * 2) % 11;
    }
    (11 - p) % 10 == num(m[10])
}

/// IT VAT number (partita IVA): an office code (digits 8–10) that exists, and Luhn.
pub(crate) fn it_vat_ok(m: &[u8]) -> bool {
    if m.len() != 11 {
        return false;
    }
    let office = num(m[7]) * 100 + two(&m[8..10]);
    ((1..=100).contains(&office) || [120, 121, 888, 999].contains(&office)) && luhn_ok(m)
}

/// The ten digits `YYMMDDNNNC` of an SE number (dropping a 12-digit form's century).
fn se_ten(m: &[u8]) -> Option<Vec<u8>> {
    let d = digits_of(m);
    match d.len() {
        10 => Some(d),
        12 => Some(d[2..].to_vec()),
        _ => None,
    }
}

/// SE personnummer (or samordningsnummer, day + 60): a birth date, a 12-digit form's
/// century 18–20, Luhn over the ten digits.
pub(crate) fn personnummer_ok(m: &[u8]) -> bool {
    let d = digits_of(m);
    if d.len() == 12 && !(18..=20).contains(&two(&d[..2])) {
        return false;
    }
    let Some(t) = se_ten(m) else {
        return false;
    };
    let day = two(&t[4..6]);
    let day = if day > 60 { day - 60 } else { day };
    day_month_ok(day, two(&t[2..4])) && luhn_ok(&t)
}

/// SE organisationsnummer: ten digits, the group digit not 0 or 4, the third digit 2 or
/// more (never a birth month), Luhn.
pub(crate) fn org_number_ok(m: &[u8]) -> bool {
    let d = digits_of(m);
    d.len() == 10
        && m.iter().all(|&b| b != b'+')
        && !matches!(d[0], b'0' | b'4')
        && d[2] >= b'2'
        && luhn_ok(&d)
}

/// DE LANR: six digits, their check digit (weights 4, 9), a two-digit specialty.
pub(crate) fn lanr_ok(m: &[u8]) -> bool {
    const W: [u32; 6] = [4, 9, 4, 9, 4, 9];
    if m.len() != 9 {
        return false;
    }
    let sum: u32 = m[..6].iter().zip(W).map(|(&c, w)| num(c) * w).sum();
    (10 - sum % 10) % 10 == num(m[6])
}

/// UK driving licence number: a surname of letters padded with `9`, a birth date (decade,
/// month, +50 for women, day, year), initials padded with `9`, a digit, two letters.
pub(crate) fn uk_dl_ok(m: &[u8]) -> bool {
    if m.len() != 16 || !m[0].is_ascii_alphabetic() || !m[11].is_ascii_alphabetic() {
        return false;
    }
    let name = &m[..5];
    let letters = name.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if name[letters..].iter().any(|&b| b != b'9') {
        return false;
    }
    let month = two(&m[6..8]);
    let month = if month > 50 { month - 50 } else { month };
    day_month_ok(two(&m[8..10]), month)
}
