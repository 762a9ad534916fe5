//! The bit masks of a class run over 64 bytes (one bit per byte: run byte, counted byte,
//! each alternative's needed byte), with SSE2 on x86-64 (part of the x86-64 baseline, so
//! no runtime detection is needed) and a portable table loop elsewhere or when the
//! classes do not fit the vector form.
//!
//! `unsafe` is allowed in this module alone, for the SSE2 intrinsics: every load reads 16
//! bytes inside a slice of exactly 64 (checked before the call), and SSE2 is statically
//! enabled on every x86-64 target.
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
        (need.len() <= 4).then_some(Spec {
            lo,
            span,
            extra,
            need,
        })
    }
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
