//! Which skipped values serde_json's skipper may have let through: a `\u` escape (it does
//! not check for lone surrogates) or a number beyond f64's range. Only those are read
//! again by the strict validator ([`super::Skip`]).
//!
//! The test runs over every skipped byte — most of a document framed as a table — so it is
//! one pass, sixteen bytes at a time (SSE2; eight with plain integer arithmetic off x86-64),
//! and it is a superset test: a false "yes" costs one more exact read, a false "no" would
//! let through a document `transform` refuses. The byte-by-byte form, beside a separate
//! memmem pass for `\u`, was a quarter of `weaver firewall --mode table` on rows_50k.

/// Whether `b` may hold a `\u` escape or a number beyond f64's range. The largest finite
/// f64 is below 2e308, so such a number has an exponent of three digits or more (an
/// `e`/`E` right after a digit or a dot, then an optional sign and three digits), or 200
/// digits or more before its exponent.
pub(super) fn needs_strict_check(b: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::needs_strict_check(b)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        needs_strict_check_swar(b)
    }
}

/// Whether an exponent of three digits or more follows the `e`/`E` at `b[i]`.
fn long_exponent(b: &[u8], i: usize) -> bool {
    let mut j = i + 1;
    if matches!(b.get(j), Some(b'+' | b'-')) {
        j += 1;
    }
    b.get(j..j + 3)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// Whether a candidate found at `b[k]` (by either form) is one: a backslash before `u`,
/// or an `e`/`E` after a digit or a dot with a long exponent.
fn confirm(b: &[u8], k: usize) -> bool {
    match b[k] {
        b'\\' => b.get(k + 1) == Some(&b'u'),
        c if c | 0x20 == b'e' => {
            k > 0 && (b[k - 1].is_ascii_digit() || b[k - 1] == b'.') && long_exponent(b, k)
        }
        _ => false,
    }
}

/// The portable form, eight bytes at a time (a run of 200 digits and dots holds at least
/// 23 whole words of any 8-byte grid).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))] // tested against the SSE2 form
fn needs_strict_check_swar(b: &[u8]) -> bool {
    let mut words = b.chunks_exact(8);
    let mut full_words = 0u32;
    // The high bit of the last lane: whether the byte before the word is a digit or dot.
    let mut prev_dd = 0u64;
    for (k, w) in (&mut words).enumerate() {
        let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
        let dd = swar::digit_or_dot(w);
        if dd == swar::HI {
            full_words += 1;
            if full_words >= 23 {
                return true;
            }
        } else {
            full_words = 0;
        }
        let mut m = (swar::letter_e(w) & ((dd << 8) | prev_dd)) | swar::eq(w, b'\\');
        while m != 0 {
            if confirm(b, 8 * k + (m.trailing_zeros() / 8) as usize) {
                return true;
            }
            m &= m - 1;
        }
        prev_dd = dd >> 56;
    }
    let tail = b.len() - words.remainder().len();
    (tail..b.len()).any(|k| confirm(b, k))
}

/// The same test sixteen bytes at a time with SSE2 (part of the x86-64 baseline, so no
/// run-time detection). A run of 200 digits and dots holds at least 11 whole blocks of any
/// 16-byte grid.
///
/// `unsafe` is allowed in this module alone, for the SSE2 intrinsics: every load reads 16
/// bytes at an offset checked to leave 16 bytes in the slice.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    #![allow(unsafe_code)]

    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_sub_epi8,
    };

    /// `(e or E, backslash, digit or dot)` lane masks of `b[i..i + 16]`.
    fn masks(b: &[u8], i: usize) -> (u32, u32, u32) {
        assert!(i + 16 <= b.len());
        // SAFETY: `b[i..i + 16]` is in bounds (asserted above); `loadu` has no alignment
        // requirement; SSE2 is enabled on every x86-64 target.
        unsafe {
            #[allow(clippy::cast_ptr_alignment)]
            let x = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
            let e = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x65));
            let bs = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x5c));
            let d = _mm_sub_epi8(x, _mm_set1_epi8(0x30));
            let digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
            let dd = _mm_or_si128(digit, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x2e)));
            (
                _mm_movemask_epi8(e) as u32,
                _mm_movemask_epi8(bs) as u32,
                _mm_movemask_epi8(dd) as u32,
            )
        }
    }

    pub(super) fn needs_strict_check(b: &[u8]) -> bool {
        let mut i = 0;
        let mut full_blocks = 0u32;
        // Whether the byte before the block is a digit or a dot.
        let mut prev_dd = 0u32;
        while i + 16 <= b.len() {
            let (e, bs, dd) = masks(b, i);
            if dd == 0xFFFF {
                full_blocks += 1;
                if full_blocks >= 11 {
                    return true;
                }
            } else {
                full_blocks = 0;
            }
            let mut m = (e & ((dd << 1) | prev_dd)) | bs;
            while m != 0 {
                if super::confirm(b, i + m.trailing_zeros() as usize) {
                    return true;
                }
                m &= m - 1;
            }
            prev_dd = (dd >> 15) & 1;
            i += 16;
        }
        (i..b.len()).any(|k| super::confirm(b, k))
    }
}

/// Byte-class tests on eight bytes at once: each returns a word with the high bit of a
/// lane set exactly where that lane's byte is in the class (no carry crosses lanes).
mod swar {
    const LO: u64 = 0x0101_0101_0101_0101;
    pub(super) const HI: u64 = 0x8080_8080_8080_8080;

    /// Lanes equal to `c`.
    pub(super) fn eq(w: u64, c: u8) -> u64 {
        let t = w ^ (LO * u64::from(c));
        !(((t & !HI) + !HI) | t) & HI
    }

    /// Lanes holding `e` or `E` (`x | 0x20 == b'e'` only for those two bytes).
    pub(super) fn letter_e(w: u64) -> u64 {
        eq(w | (LO * 0x20), b'e')
    }

    /// Lanes holding an ASCII digit or a dot.
    pub(super) fn digit_or_dot(w: u64) -> u64 {
        let low = w & !HI;
        // Per lane: (low | 0x80) - 0x30 has its high bit iff low >= 0x30, and
        // 0xB9 - low has it iff low <= 0x39; neither borrows from the next lane.
        let ge = (low | HI) - LO * 0x30;
        let le = LO * 0xB9 - low;
        (ge & le & !w & HI) | eq(w, b'.')
    }

    #[cfg(test)]
    #[test]
    fn classes_match_every_byte_in_every_lane() {
        for x in 0..=255u8 {
            for lane in 0..8 {
                // Neighbours that could carry into the lane if the arithmetic were wrong.
                for fill in [0x00u8, 0x2F, 0x3A, 0x5C, 0x7F, 0x80, 0xFF] {
                    let mut bytes = [fill; 8];
                    bytes[lane] = x;
                    let w = u64::from_le_bytes(bytes);
                    let bit = 0x80u64 << (8 * lane);
                    assert_eq!(letter_e(w) & bit != 0, x | 0x20 == b'e', "e {x:#x}");
                    assert_eq!(eq(w, b'\\') & bit != 0, x == b'\\', "backslash {x:#x}");
                    assert_eq!(
                        digit_or_dot(w) & bit != 0,
                        x.is_ascii_digit() || x == b'.',
                        "digit {x:#x} lane {lane} fill {fill:#x}"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{needs_strict_check, needs_strict_check_swar};

    /// The test this one replaced, byte by byte: it must imply the fast one.
    fn bytewise(b: &[u8]) -> bool {
        if memchr::memmem::find(b, b"\\u").is_some() {
            return true;
        }
        let mut run = 0usize;
        for (i, &c) in b.iter().enumerate() {
            if c.is_ascii_digit() {
                run += 1;
                if run >= 200 {
                    return true;
                }
            } else {
                if run > 0 && (c | 0x20) == b'e' {
                    let mut j = i + 1;
                    if matches!(b.get(j), Some(b'+' | b'-')) {
                        j += 1;
                    }
                    let digits = b[j.min(b.len())..]
                        .iter()
                        .take(3)
                        .take_while(|d| d.is_ascii_digit())
                        .count();
                    if digits >= 3 {
                        return true;
                    }
                }
                if c != b'.' {
                    run = 0;
                }
            }
        }
        false
    }

    /// Both forms' answers for `b`.
    fn both(b: &[u8]) -> (bool, bool) {
        (needs_strict_check(b), needs_strict_check_swar(b))
    }

    #[test]
    fn finds_escapes_long_exponents_and_long_mantissas() {
        let mut yes: Vec<Vec<u8>> = [
            &b"1e308"[..],
            b"[2.5E+400]",
            b"{\"a\": -1e-999}",
            b"0.000e123",
            b"\"\\u00e9\"",
            b"\\u0041",
            b"[\"abcdefgh\\ud800\"]",
        ]
        .iter()
        .map(|b| b.to_vec())
        .collect();
        for n in [200, 201, 207, 250] {
            yes.push(format!("[{}.5]", "9".repeat(n)).into_bytes());
            yes.push("9".repeat(n).into_bytes());
        }
        for b in &yes {
            assert_eq!(both(b), (true, true), "{}", String::from_utf8_lossy(b));
        }
        for b in [
            &b"1e30"[..],
            b"\"e123\"",
            b"[1.5, 2e+12, \"three\"]",
            b"x",
            b"\"a\\nb\\\\x\"",
        ] {
            assert_eq!(both(b), (false, false), "{}", String::from_utf8_lossy(b));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        #[test]
        fn fast_test_is_a_superset_of_the_bytewise_one(
            parts in prop::collection::vec(prop_oneof![
                "[0-9]{1,80}", "[0-9.]{1,250}", "[eE][+-]?[0-9]{0,4}",
                "[ a-z\"\\\\\\[\\],:]{0,20}", "\\\\u[0-9a-f]{0,4}",
            ], 0..12),
        ) {
            let b = parts.concat();
            if bytewise(b.as_bytes()) {
                prop_assert!(needs_strict_check(b.as_bytes()), "{}", b);
                prop_assert!(needs_strict_check_swar(b.as_bytes()), "{}", b);
            }
        }
    }
}
