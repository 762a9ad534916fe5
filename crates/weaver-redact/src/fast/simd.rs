//! The bit masks of a class run over 64 bytes (one bit per byte: run byte, counted byte,
//! each alternative's needed byte): with AVX2 where the processor has it (detected once,
//! when the run's vector form is built), else SSE2 on x86-64 (part of the x86-64 baseline,
//! so no detection is needed), and a portable table loop elsewhere or when the classes do
//! not fit the vector form. The AVX2 form tests run bytes with two 16-byte nibble tables
//! (a byte is in the class when the entries of its low and its high nibble share a bit),
//! so a class of any shape costs the same few instructions.
//!
//! `unsafe` is allowed in this module alone, for the intrinsics: every load reads 16 or 32
//! bytes inside a slice of exactly 64 (checked before the call); SSE2 is statically
//! enabled on every x86-64 target, and the AVX2 function is called only when
//! `is_x86_feature_detected!("avx2")` said so.
#![allow(unsafe_code)]

use super::derive::ClassRun;

/// The vector form of a class run: the counted class is one byte range, the other run
/// bytes and the needed bytes are few.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    lo: u8,
    span: u8,
    /// Run bytes outside the counted range.
    extra: Vec<u8>,
    /// (alternative, byte) pairs.
    need: Vec<(usize, u8)>,
    /// The run class as nibble tables (see the module docs), when the processor has AVX2
    /// and the class fits in eight groups of high nibbles.
    nibbles: Option<([u8; 16], [u8; 16])>,
}

impl Spec {
    pub(crate) fn of(r: &ClassRun) -> Option<Spec> {
        let (lo, span) = r.range?;
        let extra: Vec<u8> = (0..=255u8)
            .filter(|&b| r.run[usize::from(b)] && !r.count[usize::from(b)])
            .collect();
        // Counted bytes must all be run bytes (they are: both come from the pattern).
        if extra.len() > 8 || (lo..=lo.saturating_add(span)).any(|b| !r.run[usize::from(b)]) {
            return None;
        }
        let mut need = Vec::new();
        for (a, alt) in r.alts.iter().enumerate().take(6) {
            if let Some(n) = &alt.1 {
                for b in 0..=255u8 {
                    if n[usize::from(b)] {
                        need.push((a, b));
                    }
                }
            }
        }
        (need.len() <= 4).then(|| Spec {
            lo,
            span,
            extra,
            need,
            nibbles: has_avx2().then(|| nibble_tables(&r.run)).flatten(),
        })
    }
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

#[cfg(not(target_arch = "x86_64"))]
fn has_avx2() -> bool {
    false
}

/// Nibble tables `(lo, hi)` for `class`: byte `b` is in it exactly when
/// `lo[b & 15] & hi[b >> 4] != 0`. High nibbles that allow the same low nibbles share a
/// bit; `None` when there are more than eight such groups.
fn nibble_tables(class: &[bool; 256]) -> Option<([u8; 16], [u8; 16])> {
    let (mut lo, mut hi) = ([0u8; 16], [0u8; 16]);
    let mut groups: Vec<u16> = Vec::new();
    for h in 0..16usize {
        let lows = (0..16usize).fold(0u16, |m, l| m | (u16::from(class[h << 4 | l]) << l));
        if lows == 0 {
            continue;
        }
        let g = groups.iter().position(|&x| x == lows).unwrap_or_else(|| {
            groups.push(lows);
            groups.len() - 1
        });
        if g >= 8 {
            return None;
        }
        hi[h] |= 1 << g;
        for (l, slot) in lo.iter_mut().enumerate() {
            if lows >> l & 1 == 1 {
                *slot |= 1 << g;
            }
        }
    }
    Some((lo, hi))
}

/// `(run, counted)` masks of `blk` (at most 64 bytes); needed-byte masks into `mn`.
pub(crate) fn masks(
    r: &ClassRun,
    spec: Option<&Spec>,
    blk: &[u8],
    mn: &mut [u64; 6],
) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if let (Some(spec), Ok(arr)) = (spec, <&[u8; 64]>::try_from(blk)) {
        if let Some(tables) = &spec.nibbles {
            // SAFETY: `nibbles` is set only when the processor has AVX2 (`Spec::of`).
            return unsafe { avx2(spec, tables, arr, mn) };
        }
        return sse2(spec, arr, mn);
    }
    let _ = spec;
    let (mut mb, mut md) = (0u64, 0u64);
    for (i, &b) in blk.iter().enumerate() {
        let t = r.table[usize::from(b)];
        mb |= u64::from(t & 1) << i;
        md |= u64::from((t >> 1) & 1) << i;
        if t >> 2 != 0 {
            for (a, m) in mn.iter_mut().enumerate() {
                *m |= u64::from((t >> (2 + a)) & 1) << i;
            }
        }
    }
    (mb, md)
}

#[cfg(target_arch = "x86_64")]
fn sse2(spec: &Spec, blk: &[u8; 64], mn: &mut [u64; 6]) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_sub_epi8,
    };
    let (mut mb, mut md) = (0u64, 0u64);
    for j in 0..4 {
        // SAFETY: `blk` is exactly 64 bytes, so bytes 16j..16j+16 are in bounds; SSE2 is
        // part of the x86-64 baseline. The intrinsics only read through the pointer.
        unsafe {
            // An unaligned load: `loadu` has no alignment requirement.
            #[allow(clippy::cast_ptr_alignment)]
            let x = _mm_loadu_si128(blk.as_ptr().add(16 * j).cast::<__m128i>());
            let d = _mm_sub_epi8(x, _mm_set1_epi8(spec.lo as i8));
            let counted = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(spec.span as i8)), d);
            let mut run = counted;
            for &e in &spec.extra {
                run = _mm_or_si128(run, _mm_cmpeq_epi8(x, _mm_set1_epi8(e as i8)));
            }
            let shift = 16 * j;
            md |= u64::from(_mm_movemask_epi8(counted) as u16) << shift;
            mb |= u64::from(_mm_movemask_epi8(run) as u16) << shift;
            for &(a, b) in &spec.need {
                let m = _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8))) as u16;
                mn[a] |= u64::from(m) << shift;
            }
        }
    }
    (mb, md)
}

/// [`sse2`] 32 bytes at a time, the run class read from nibble tables.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn avx2(
    spec: &Spec,
    (lo_t, hi_t): &([u8; 16], [u8; 16]),
    blk: &[u8; 64],
    mn: &mut [u64; 6],
) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_loadu_si128, _mm256_and_si256, _mm256_broadcastsi128_si256,
        _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8, _mm256_movemask_epi8,
        _mm256_set1_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_srli_epi16,
        _mm256_sub_epi8,
    };
    let (mut mb, mut md) = (0u64, 0u64);
    // SAFETY (this block and the loop's): the tables are 16 bytes and `blk` 64, so every
    // load is in bounds; unaligned loads have no alignment requirement; AVX2 is enabled
    // for this function and the caller promises the processor has it.
    let (lo, hi) = unsafe {
        #[allow(clippy::cast_ptr_alignment)]
        let lo = _mm256_broadcastsi128_si256(_mm_loadu_si128(lo_t.as_ptr().cast::<__m128i>()));
        #[allow(clippy::cast_ptr_alignment)]
        let hi = _mm256_broadcastsi128_si256(_mm_loadu_si128(hi_t.as_ptr().cast::<__m128i>()));
        (lo, hi)
    };
    let nib = _mm256_set1_epi8(0x0f);
    let (base, span) = (
        _mm256_set1_epi8(spec.lo as i8),
        _mm256_set1_epi8(spec.span as i8),
    );
    for j in 0..2 {
        // SAFETY: see above.
        #[allow(clippy::cast_ptr_alignment)]
        let x = unsafe { _mm256_loadu_si256(blk.as_ptr().add(32 * j).cast::<__m256i>()) };
        let d = _mm256_sub_epi8(x, base);
        let counted = _mm256_cmpeq_epi8(_mm256_min_epu8(d, span), d);
        // `shuffle` reads each byte's table entry by its low nibble (a byte with the top
        // bit set reads 0, which the high-nibble mask of 0x0f avoids: the nibbles are
        // isolated first).
        let l = _mm256_shuffle_epi8(lo, _mm256_and_si256(x, nib));
        let h = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(x, 4), nib));
        let outside = _mm256_cmpeq_epi8(_mm256_and_si256(l, h), _mm256_setzero_si256());
        let shift = 32 * j;
        md |= u64::from(_mm256_movemask_epi8(counted) as u32) << shift;
        mb |= u64::from(!(_mm256_movemask_epi8(outside) as u32)) << shift;
        for &(a, b) in &spec.need {
            let m = _mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(b as i8))) as u32;
            mn[a] |= u64::from(m) << shift;
        }
    }
    (mb, md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nibble_tables_hold_exactly_the_class() {
        let mut seed = 7u64;
        let mut built = 0;
        for _ in 0..200 {
            let mut class = [false; 256];
            // A few bytes, or a range and a few, as run classes are.
            let n = (seed >> 59) as usize + 1;
            for _ in 0..n {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                class[(seed >> 56) as usize] = true;
            }
            if seed & 1 == 0 {
                class[usize::from(b'0')..=usize::from(b'9')].fill(true);
            }
            // The tables exist exactly when the high nibbles allow at most eight distinct
            // sets of low nibbles.
            let sets: std::collections::HashSet<Vec<bool>> = (0..16)
                .map(|h| class[h * 16..h * 16 + 16].to_vec())
                .filter(|lows| lows.contains(&true))
                .collect();
            let tables = nibble_tables(&class);
            assert_eq!(tables.is_some(), sets.len() <= 8, "{} sets", sets.len());
            if let Some((lo, hi)) = tables {
                built += 1;
                for b in 0..=255u8 {
                    let got = lo[usize::from(b & 15)] & hi[usize::from(b >> 4)] != 0;
                    assert_eq!(got, class[usize::from(b)], "byte {b:#x}");
                }
            }
        }
        // Both answers were met: classes that fit and classes that do not.
        assert!(
            (50..200).contains(&built),
            "{built} of 200 classes had tables"
        );
    }

    #[test]
    fn every_vector_form_equals_the_table_loop() {
        let r = super::super::runs::phone_digit_run();
        let spec = Spec::of(&r).expect("the digit run has a vector form");
        assert!(!has_avx2() || spec.nibbles.is_some());
        let sse = Spec {
            nibbles: None,
            ..spec.clone()
        };
        let mut seed = 99u64;
        for _ in 0..2000 {
            let blk: Vec<u8> = (0..64)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    // Half the bytes from the class's neighbourhood, half anything.
                    if seed >> 63 == 0 {
                        b" ()+-.0123456789/:,*"[(seed >> 40) as usize % 20]
                    } else {
                        (seed >> 48) as u8
                    }
                })
                .collect();
            let mut want_n = [0u64; 6];
            let want = masks(&r, None, &blk, &mut want_n);
            for s in [&spec, &sse] {
                let mut n = [0u64; 6];
                assert_eq!(masks(&r, Some(s), &blk, &mut n), want, "{blk:?}");
                assert_eq!(n, want_n, "{blk:?}");
            }
        }
    }
}
