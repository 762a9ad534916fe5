//! Lengths of numbers as serde_json writes them.

/// Decimal digits of `n` (`0` has one).
#[inline]
const fn digits_u64(n: u64) -> u64 {
    // `n | 1` keeps the digit count (an even `n` never sits just below a power of ten,
    // which is even) and keeps `ilog10` away from zero.
    (n | 1).ilog10() as u64 + 1
}

#[inline]
const fn digits_u128(n: u128) -> u64 {
    (n | 1).ilog10() as u64 + 1
}

/// The length of an unsigned integer written by serde_json (`itoa` digits).
///
/// ```
/// assert_eq!(weaver_estimate::u64_len(0), 1);
/// assert_eq!(weaver_estimate::u64_len(u64::MAX), 20);
/// ```
#[inline]
pub const fn u64_len(n: u64) -> u64 {
    digits_u64(n)
}

/// The length of a signed integer written by serde_json (a `-` and the digits).
///
/// ```
/// assert_eq!(weaver_estimate::i64_len(-3), 2);
/// assert_eq!(weaver_estimate::i64_len(i64::MIN), 20);
/// ```
#[inline]
pub const fn i64_len(n: i64) -> u64 {
    (n < 0) as u64 + digits_u64(n.unsigned_abs())
}

/// The length of a 128-bit unsigned integer written by serde_json.
#[inline]
pub const fn u128_len(n: u128) -> u64 {
    digits_u128(n)
}

/// The length of a 128-bit signed integer written by serde_json.
#[inline]
pub const fn i128_len(n: i128) -> u64 {
    (n < 0) as u64 + digits_u128(n.unsigned_abs())
}

/// The length of an `f64` written by serde_json: the shortest round-trip form `zmij`
/// prints (`1.0`, `0.1`, `1e+20`, `-1.5e-7`), or `null` (4) for NaN and infinities.
///
/// ```
/// assert_eq!(weaver_estimate::f64_len(1.0), 3);
/// assert_eq!(weaver_estimate::f64_len(f64::NAN), 4);
/// ```
#[inline]
pub fn f64_len(f: f64) -> u64 {
    if f.is_finite() {
        // Formats into a 24-byte buffer on the stack: nothing is allocated.
        zmij::Buffer::new().format_finite(f).len() as u64
    } else {
        4
    }
}

/// The length of an `f32` written by serde_json (shortest `f32` round-trip form, which
/// differs from the `f64` one: `0.1f32` is `0.1`), or `null` (4) when not finite.
#[inline]
pub fn f32_len(f: f32) -> u64 {
    if f.is_finite() {
        zmij::Buffer::new().format_finite(f).len() as u64
    } else {
        4
    }
}

/// The length of a [`serde_json::Number`] as serde_json writes it.
///
/// ```
/// use serde_json::Number;
/// assert_eq!(weaver_estimate::number_len(&Number::from(-42)), 3);
/// assert_eq!(weaver_estimate::number_len(&Number::from_f64(2.5).unwrap()), 3);
/// ```
#[cfg(feature = "value")]
#[inline]
pub fn number_len(n: &serde_json::Number) -> u64 {
    if let Some(u) = n.as_u64() {
        u64_len(u)
    } else if let Some(i) = n.as_i64() {
        i64_len(i)
    } else {
        // A Number holds a finite float otherwise (it cannot be built from NaN/inf).
        n.as_f64().map_or(4, f64_len)
    }
}
