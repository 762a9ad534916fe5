//! Scanning one string, number or literal token and measuring what serde_json prints
//! for it.

use super::error::{BytesError, BytesErrorKind as K};
use crate::number::f64_len;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Lanes of `w` holding `"`, `\` or a byte below 0x20. Only the lowest flagged lane is
/// exact (the zero-byte test may also flag lanes above it), which is all the scan uses.
#[inline]
const fn special_lanes(w: u64) -> u64 {
    const fn has_zero_byte(w: u64) -> u64 {
        w.wrapping_sub(LO) & !w & HI
    }
    let control = w.wrapping_sub(LO * 0x20) & !w & HI;
    control | has_zero_byte(w ^ (LO * b'"' as u64)) | has_zero_byte(w ^ (LO * b'\\' as u64))
}

#[inline]
const fn is_special(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\'
}

/// A scanned string token.
pub(super) struct Str {
    /// Bytes serde_json prints for it, quotes included.
    pub(super) out: u64,
    /// Index just past the closing quote.
    pub(super) end: usize,
    /// Whether it holds a backslash escape (its decoded text differs from the raw bytes).
    pub(super) escaped: bool,
}

/// Scans the string whose opening quote is at `b[open]`.
#[allow(clippy::inline_always)] // the hot path of every key and string value (measured)
#[inline(always)]
pub(super) fn string(b: &[u8], open: usize) -> Result<Str, BytesError> {
    let mut i = open + 1;
    let mut out: u64 = 2;
    let mut escaped = false;
    loop {
        // A run of bytes printed as they are: up to the next quote, backslash or control.
        let run_start = i;
        let mut high = 0u64;
        loop {
            if let Some(w) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
                let w = u64::from_le_bytes(*w);
                let m = special_lanes(w);
                if m == 0 {
                    high |= w;
                    i += 8;
                    continue;
                }
                let k = (m.trailing_zeros() / 8) as usize;
                // Only the bytes before the special one belong to the run.
                high |= w & ((1u64 << (8 * k)) - 1);
                i += k;
                break;
            }
            while let Some(&c) = b.get(i) {
                if is_special(c) {
                    break;
                }
                high |= u64::from(c);
                i += 1;
            }
            break;
        }
        out += (i - run_start) as u64;
        if high & HI != 0
            && let Err(e) = core::str::from_utf8(&b[run_start..i])
        {
            return Err(BytesError::at(
                K::InvalidUtf8,
                b,
                run_start + e.valid_up_to(),
            ));
        }
        match b.get(i) {
            None => return Err(BytesError::at(K::UnexpectedEof, b, i)),
            Some(b'"') => {
                return Ok(Str {
                    out,
                    end: i + 1,
                    escaped,
                });
            }
            Some(b'\\') => {
                escaped = true;
                i = escape(b, i, &mut out)?;
            }
            Some(_) => return Err(BytesError::at(K::ControlCharacterInString, b, i)),
        }
    }
}

/// Measures the escape whose backslash is at `b[i]`; returns the index after it.
#[inline]
fn escape(b: &[u8], i: usize, out: &mut u64) -> Result<usize, BytesError> {
    match b.get(i + 1) {
        None => Err(BytesError::at(K::UnexpectedEof, b, i + 1)),
        // Re-printed as the same two-character escape.
        Some(b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't') => {
            *out += 2;
            Ok(i + 2)
        }
        // `\/` is printed as a plain `/`.
        Some(b'/') => {
            *out += 1;
            Ok(i + 2)
        }
        Some(b'u') => unicode_escape(b, i, out),
        Some(_) => Err(BytesError::at(K::InvalidEscape, b, i + 1)),
    }
}

#[cold]
pub(super) fn unicode_escape(b: &[u8], i: usize, out: &mut u64) -> Result<usize, BytesError> {
    let n = hex4(b, i + 2)?;
    let j = i + 6;
    if (0xDC00..=0xDFFF).contains(&n) {
        return Err(BytesError::at(K::LoneSurrogate, b, j - 1));
    }
    if !(0xD800..=0xDBFF).contains(&n) {
        *out += char_out_len(n);
        return Ok(j);
    }
    // A leading surrogate: serde_json wants `\u` and a trailing surrogate right after.
    match (b.get(j), b.get(j + 1)) {
        (None, _) | (Some(b'\\'), None) => Err(BytesError::at(K::UnexpectedEof, b, b.len())),
        (Some(b'\\'), Some(b'u')) => {
            let n2 = hex4(b, j + 2)?;
            if (0xDC00..=0xDFFF).contains(&n2) {
                // One supplementary-plane character: four UTF-8 bytes.
                *out += 4;
                Ok(j + 6)
            } else {
                Err(BytesError::at(K::LoneSurrogate, b, j + 5))
            }
        }
        _ => Err(BytesError::at(K::LoneSurrogate, b, j)),
    }
}

/// The four hex digits at `b[at..at + 4]`.
fn hex4(b: &[u8], at: usize) -> Result<u16, BytesError> {
    let mut n = 0u16;
    for k in 0..4 {
        let Some(&c) = b.get(at + k) else {
            return Err(BytesError::at(K::UnexpectedEof, b, b.len()));
        };
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(BytesError::at(K::InvalidEscape, b, at + k)),
        };
        n = (n << 4) | u16::from(d);
    }
    Ok(n)
}

/// Bytes serde_json prints for the BMP character `n` (not a surrogate).
const fn char_out_len(n: u16) -> u64 {
    match n {
        // \b \t \n \f \r
        0x08 | 0x09 | 0x0a | 0x0c | 0x0d => 2,
        // Other control characters: \u00XX.
        0x00..=0x1f => 6,
        // \" and \\.
        0x22 | 0x5c => 2,
        0x20..=0x7f => 1,
        0x80..=0x7ff => 2,
        _ => 3,
    }
}

/// Decodes the (already validated) string whose opening quote is at `b[open]` into
/// `into`: the text serde_json would hold as a map key. Used only for keys with escapes.
pub(super) fn decode(b: &[u8], open: usize, into: &mut alloc::vec::Vec<u8>) {
    into.clear();
    let mut i = open + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return,
            b'\\' => {
                let e = b.get(i + 1).copied().unwrap_or(b'"');
                i += 2;
                let simple = match e {
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'u' => 0,
                    other => other,
                };
                if e != b'u' {
                    into.push(simple);
                    continue;
                }
                let n = u32::from(hex4(b, i).unwrap_or(0));
                i += 4;
                let cp = if (0xD800..=0xDBFF).contains(&n) {
                    let n2 = u32::from(hex4(b, i + 2).unwrap_or(0xDC00));
                    i += 6;
                    0x1_0000 + ((n - 0xD800) << 10) + (n2.wrapping_sub(0xDC00) & 0x3ff)
                } else {
                    n
                };
                let ch = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
                let mut buf = [0u8; 4];
                into.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            _ => {
                into.push(c);
                i += 1;
            }
        }
    }
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Powers of ten as integers, up to 10^10.
const POW10_U64: [u64; 11] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
];

#[inline]
fn digits(b: &[u8], mut i: usize, sig: &mut u64, n: &mut u32) -> usize {
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        if *n < 19 {
            *sig = *sig * 10 + u64::from(c - b'0');
        }
        *n += 1;
        i += 1;
    }
    i
}

/// Scans the number starting at `b[start]` (a `-` or a digit); returns the bytes
/// serde_json prints for it and the index after it.
#[inline]
pub(super) fn number(b: &[u8], start: usize) -> Result<(u64, usize), BytesError> {
    let neg = b[start] == b'-';
    let mut i = start + usize::from(neg);
    let mut sig = 0u64;
    let mut ndigits = 0u32;
    match b.get(i) {
        Some(b'0') => {
            i += 1;
            ndigits = 1;
            if b.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(BytesError::at(K::InvalidNumber, b, i));
            }
        }
        Some(b'1'..=b'9') => i = digits(b, i, &mut sig, &mut ndigits),
        None => return Err(BytesError::at(K::UnexpectedEof, b, i)),
        Some(_) => return Err(BytesError::at(K::InvalidNumber, b, i)),
    }
    let int_digits = ndigits;
    let mut is_float = false;
    if b.get(i) == Some(&b'.') {
        is_float = true;
        let before = i + 1;
        i = digits(b, before, &mut sig, &mut ndigits);
        if i == before {
            return Err(missing_digit(b, i));
        }
    }
    let frac_digits = ndigits - int_digits;
    // The first digit is significant (not the `0` of `0.…`).
    let sig_first = b[start + usize::from(neg)] != b'0';
    let mut exp: i32 = 0;
    let mut exp_small = true;
    let had_exp = matches!(b.get(i), Some(b'e' | b'E'));
    if had_exp {
        is_float = true;
        i += 1;
        let exp_neg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let before = i;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if i - before < 6 {
                exp = exp * 10 + i32::from(c - b'0');
            } else {
                exp_small = false;
            }
            i += 1;
        }
        if i == before {
            return Err(missing_digit(b, i));
        }
        if exp_neg {
            exp = -exp;
        }
    }
    let token_len = (i - start) as u64;
    if !is_float {
        // Integers that fit u64 / i64 print as written; `-0` becomes the float `-0.0`.
        if !neg && int_digits <= 19 {
            return Ok((token_len, i));
        }
        if neg && int_digits <= 18 {
            return Ok((if sig == 0 { 4 } else { token_len }, i));
        }
    } else if ndigits <= 15
        && !had_exp
        && !sig.is_multiple_of(10)
        && (sig_first || frac_digits < 4 || sig >= POW10_U64[frac_digits as usize - 4])
    {
        // A plain decimal (`1523.93`, `-0.0125`) with at most 15 significant digits, the
        // last in the fraction not 0, from 1e-4 up (it is below 1e14): every decimal of
        // 15 digits or fewer parses to its own f64, so the shortest form that reads back
        // as that f64 is these digits, which zmij prints in fixed notation (from 1e-5 to
        // 1e16), as written.
        return Ok((token_len, i));
    } else if ndigits <= 19 && sig <= 1 << 53 && exp_small {
        // serde_json computes `significand as f64` times or over a power of ten. When both
        // are exact (significand <= 2^53, |exponent| <= 22) that is one correctly rounded
        // operation, so doing the same here gives the same bits whatever parser it uses.
        let e = exp - frac_digits as i32;
        if (-22..=22).contains(&e) {
            let mut f = sig as f64;
            if e >= 0 {
                f *= POW10[e as usize];
            } else {
                f /= POW10[(-e) as usize];
            }
            return Ok((f64_len(if neg { -f } else { f }), i));
        }
    }
    slow_number(b, start, i)
}

fn missing_digit(b: &[u8], i: usize) -> BytesError {
    let kind = if i >= b.len() {
        K::UnexpectedEof
    } else {
        K::InvalidNumber
    };
    BytesError::at(kind, b, i)
}

/// Everything else (big integers, long or extreme floats): let serde_json parse the token
/// itself, so its rounding — which is not always correct — is reproduced exactly.
#[cold]
fn slow_number(b: &[u8], start: usize, end: usize) -> Result<(u64, usize), BytesError> {
    match serde_json::from_slice::<serde_json::Number>(&b[start..end]) {
        Ok(n) => Ok((crate::number::number_len(&n), end)),
        Err(_) => Err(BytesError::at(K::NumberOutOfRange, b, start)),
    }
}

/// Checks the literal `word` at `b[i]`; returns the index after it.
#[inline]
pub(super) fn literal(b: &[u8], i: usize, word: &[u8]) -> Result<usize, BytesError> {
    let rest = &b[i..];
    if rest.starts_with(word) {
        Ok(i + word.len())
    } else if word.starts_with(rest) {
        Err(BytesError::at(K::UnexpectedEof, b, b.len()))
    } else {
        Err(BytesError::at(K::ExpectedValue, b, i))
    }
}
