//! The byte classes of a 64-byte block as bit masks (bit `i` = byte `i`), with AVX2.
//!
//! The block scan runs only where the processor has AVX2 (and the POPCNT, BMI and
//! PCLMULQDQ that come with it): measured on the benchmark workloads, the same scan with
//! SSE2 alone or eight bytes at a time in a `u64` is slower than the exact scanner, which
//! therefore is the fallback everywhere else. The `u64` form is kept for the tests, as an
//! intrinsics-free reference the AVX2 one is checked against (the block logic is
//! generic, so the tests run it with both).
//!
//! `unsafe` is allowed in this module alone, for the intrinsics: every load reads 32
//! bytes inside an array of exactly 64, and AVX2 code runs only through an [`Avx2`] value,
//! which [`Avx2::detect`] makes only after the processor and the OS have both been seen
//! to support it. (The crate is `no_std`, so `is_x86_feature_detected!` is not available;
//! the check is the CPUID/XGETBV sequence that macro performs.)
#![allow(unsafe_code)]
// Classifiers are inlined into `advance_avx2`, the function compiled with their features.
#![allow(clippy::inline_always)]

use super::block::Stage1;

/// The classes the block scanner needs, one bit per byte.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(super) struct Classes {
    /// `"`.
    pub(super) quote: u64,
    /// `\`.
    pub(super) backslash: u64,
    /// The four JSON whitespace bytes: space, `\t`, `\n`, `\r`.
    pub(super) ws: u64,
    /// `{ } [ ] : ,`.
    pub(super) op: u64,
    /// Bytes below 0x20.
    pub(super) ctrl: u64,
    /// Bytes of 0x80 and above.
    pub(super) high: u64,
}

/// A way of computing [`Classes`]; the block scanner is generic over it so that each
/// implementation is compiled (and, for AVX2, inlined) into its own copy of the scan.
pub(super) trait Classify: Copy {
    fn classify(self, blk: &[u8; 64]) -> Classes;

    /// Bit i of the result: the parity of bits 0..=i of `x`.
    #[inline(always)]
    fn prefix_xor(self, mut x: u64) -> u64 {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        x
    }
}

/// Which [`Classify`] to scan with.
#[derive(Clone, Copy, Debug)]
pub(super) enum Impl {
    /// 32 bytes at a time.
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    /// Eight bytes at a time in a `u64`: the reference the tests compare with.
    #[cfg(test)]
    Swar,
}

impl Impl {
    /// The implementation this processor runs the fast path with, if any.
    pub(super) fn detect() -> Option<Impl> {
        #[cfg(target_arch = "x86_64")]
        if let Some(a) = Avx2::detect() {
            return Some(Impl::Avx2(a));
        }
        None
    }

    /// Every implementation this processor runs, the reference first.
    #[cfg(test)]
    pub(super) fn all() -> alloc::vec::Vec<Impl> {
        let mut v = alloc::vec![Impl::Swar];
        v.extend(Impl::detect());
        v
    }

    /// Scans the next block of `st` with this implementation; `false` when the fast path
    /// must give up on the document.
    #[inline(always)]
    pub(super) fn advance(self, st: &mut Stage1<'_>) -> bool {
        match self {
            // SAFETY: an `Avx2` exists only when the processor supports every feature
            // `advance_avx2` is compiled with.
            #[cfg(target_arch = "x86_64")]
            Impl::Avx2(a) => unsafe { advance_avx2(st, a) },
            #[cfg(test)]
            Impl::Swar => st.advance(swar::Swar),
        }
    }
}

/// The block scan compiled with AVX2 enabled, so that [`Avx2::classify`] and the
/// intrinsics it calls are inlined into it (called once per block: stage two itself uses
/// none of these features).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,popcnt,pclmulqdq")]
#[inline(never)]
fn advance_avx2(st: &mut Stage1<'_>, a: Avx2) -> bool {
    st.advance(a)
}

/// [`Classify`] with AVX2, 32 bytes at a time. Only [`Avx2::detect`] makes one.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(super) struct Avx2 {
    _detected: (),
}

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    /// `Some` when the processor has AVX2 (and POPCNT, BMI1, BMI2, PCLMULQDQ) and the OS
    /// saves the YMM registers.
    pub(super) fn detect() -> Option<Avx2> {
        use core::sync::atomic::{AtomicU8, Ordering};
        static SEEN: AtomicU8 = AtomicU8::new(0);
        let known = match SEEN.load(Ordering::Relaxed) {
            0 => {
                let yes = cpu_has_avx2();
                SEEN.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
                yes
            }
            s => s == 2,
        };
        known.then_some(Avx2 { _detected: () })
    }
}

/// CPUID leaf 1 (AVX, OSXSAVE, POPCNT, PCLMULQDQ), XCR0 (the OS saves XMM and YMM state)
/// and leaf 7 (AVX2, BMI1, BMI2): every processor with AVX2 has the others, but each is
/// checked since the scan is compiled with all of them.
#[cfg(target_arch = "x86_64")]
fn cpu_has_avx2() -> bool {
    use core::arch::x86_64::{__cpuid, __cpuid_count};
    #[target_feature(enable = "xsave")]
    fn xcr0() -> u64 {
        // SAFETY: XGETBV with ECX = 0 is valid once OSXSAVE is set, checked by the caller.
        unsafe { core::arch::x86_64::_xgetbv(0) }
    }
    // SAFETY (all three CPUID calls): CPUID exists on every x86-64 processor, and leaf 7 is
    // asked for only when leaf 0 reports it.
    #[allow(unused_unsafe)]
    let (max_leaf, ecx1) = unsafe { (__cpuid(0).eax, __cpuid(1).ecx) };
    let bit = |r: u32, i: u32| r >> i & 1 == 1;
    let leaf1 = bit(ecx1, 27) && bit(ecx1, 28) && bit(ecx1, 23) && bit(ecx1, 1);
    // SAFETY: `xcr0` needs XSAVE, which OSXSAVE implies.
    if max_leaf < 7 || !leaf1 || unsafe { xcr0() } & 0b110 != 0b110 {
        return false;
    }
    #[allow(unused_unsafe)]
    let ebx7 = unsafe { __cpuid_count(7, 0).ebx };
    bit(ebx7, 5) && bit(ebx7, 3) && bit(ebx7, 8)
}

#[cfg(target_arch = "x86_64")]
impl Classify for Avx2 {
    #[inline(always)]
    fn classify(self, blk: &[u8; 64]) -> Classes {
        use core::arch::x86_64::{
            __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8, _mm256_movemask_epi8,
            _mm256_or_si256, _mm256_set1_epi8,
        };
        let mut c = Classes::default();
        for j in 0..2 {
            // SAFETY: `self` proves the processor has AVX2 (inlined into `advance_avx2`,
            // compiled with it, the intrinsics are inlined too). The load reads bytes
            // 32j..32j+32 of a 64-byte array and `loadu` needs no alignment.
            unsafe {
                #[allow(clippy::cast_ptr_alignment)]
                let x = _mm256_loadu_si256(blk.as_ptr().add(32 * j).cast::<__m256i>());
                let eq = |v: __m256i, b: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8));
                let bits = |v: __m256i| u64::from(_mm256_movemask_epi8(v) as u32) << (32 * j);
                let lowered = _mm256_or_si256(x, _mm256_set1_epi8(0x20));
                let ws = _mm256_or_si256(
                    _mm256_or_si256(eq(x, b' '), eq(x, b'\t')),
                    _mm256_or_si256(eq(x, b'\n'), eq(x, b'\r')),
                );
                let op = _mm256_or_si256(
                    _mm256_or_si256(eq(lowered, b'{'), eq(lowered, b'}')),
                    _mm256_or_si256(eq(x, b':'), eq(x, b',')),
                );
                let ctrl = _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(0x1f)), x);
                c.quote |= bits(eq(x, b'"'));
                c.backslash |= bits(eq(x, b'\\'));
                c.ws |= bits(ws);
                c.op |= bits(op);
                c.ctrl |= bits(ctrl);
                c.high |= bits(x);
            }
        }
        c
    }

    #[inline(always)]
    fn prefix_xor(self, x: u64) -> u64 {
        use core::arch::x86_64::{_mm_clmulepi64_si128, _mm_cvtsi64_si128, _mm_cvtsi128_si64};
        // SAFETY: `self` proves the processor has PCLMULQDQ. Carry-less multiplication by
        // all ones XORs every left shift of `x` into the low 64 bits.
        unsafe {
            let p = _mm_clmulepi64_si128(_mm_cvtsi64_si128(x as i64), _mm_cvtsi64_si128(-1), 0);
            _mm_cvtsi128_si64(p) as u64
        }
    }
}

/// The intrinsics-free reference [`Classify`].
#[cfg(test)]
mod swar {
    use super::{Classes, Classify};

    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    /// The high bit of each lane of `w` that is zero, exactly (no false positives above a
    /// zero lane, unlike the shorter "has a zero byte" test).
    #[inline(always)]
    const fn zero_lanes(w: u64) -> u64 {
        !(((w & LOW7) + LOW7) | w) & HI
    }

    /// The high bit of each lane of `w` that equals `c`.
    #[inline(always)]
    const fn eq_lanes(w: u64, c: u8) -> u64 {
        zero_lanes(w ^ (LO * c as u64))
    }

    /// The eight lane high bits of `m` (only bits 7, 15, … set) packed into one byte.
    #[inline(always)]
    const fn pack_lanes(m: u64) -> u64 {
        // Bit 8k+7 shifted to 8k; the multiplier then moves bit 8k to 56+k, with no carries
        // because each partial product lands on a distinct bit.
        ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    }

    /// [`Classify`] without SIMD: per 8-byte word, the exact lane tests above.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Swar;

    impl Classify for Swar {
        #[inline(always)]
        fn classify(self, blk: &[u8; 64]) -> Classes {
            let mut c = Classes::default();
            let (words, _) = blk.as_chunks::<8>();
            for (k, w) in words.iter().enumerate() {
                let w = u64::from_le_bytes(*w);
                let lowered = w | (LO * 0x20);
                let ws = eq_lanes(w, b' ')
                    | eq_lanes(w, b'\t')
                    | eq_lanes(w, b'\n')
                    | eq_lanes(w, b'\r');
                let op = eq_lanes(lowered, b'{')
                    | eq_lanes(lowered, b'}')
                    | eq_lanes(w, b':')
                    | eq_lanes(w, b',');
                // A lane below 0x20: its low seven bits plus 0x60 stay below 0x80, and its own
                // high bit is clear.
                let ctrl = !((w & LOW7) + LO * 0x60) & !w & HI;
                let s = 8 * k;
                c.quote |= pack_lanes(eq_lanes(w, b'"')) << s;
                c.backslash |= pack_lanes(eq_lanes(w, b'\\')) << s;
                c.ws |= pack_lanes(ws) << s;
                c.op |= pack_lanes(op) << s;
                c.ctrl |= pack_lanes(ctrl) << s;
                c.high |= pack_lanes(w & HI) << s;
            }
            c
        }
    }
}

#[cfg(test)]
mod tests {
    use super::swar::Swar;
    use super::*;

    /// The classes byte by byte, the definition every implementation must match.
    fn naive(blk: &[u8; 64]) -> Classes {
        let mut c = Classes::default();
        for (i, &b) in blk.iter().enumerate() {
            let bit = 1u64 << i;
            let set = |m: &mut u64, yes: bool| {
                if yes {
                    *m |= bit;
                }
            };
            set(&mut c.quote, b == b'"');
            set(&mut c.backslash, b == b'\\');
            set(&mut c.ws, matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
            set(
                &mut c.op,
                matches!(b, b'{' | b'}' | b'[' | b']' | b':' | b','),
            );
            set(&mut c.ctrl, b < 0x20);
            set(&mut c.high, b >= 0x80);
        }
        c
    }

    fn classify(imp: Impl, blk: &[u8; 64]) -> Classes {
        match imp {
            Impl::Swar => Swar.classify(blk),
            // `a` proves AVX2; outside `advance_avx2` (only here, in a test) the
            // intrinsics are called rather than inlined.
            #[cfg(target_arch = "x86_64")]
            Impl::Avx2(a) => a.classify(blk),
        }
    }

    #[test]
    fn prefix_xor_is_the_running_parity() {
        for imp in Impl::all() {
            let mut x = 0x9e37_79b9_7f4a_7c15u64;
            for _ in 0..1000 {
                let mut parity = 0u64;
                let mut want = 0u64;
                for i in 0..64 {
                    parity ^= x >> i & 1;
                    want |= parity << i;
                }
                let got = match imp {
                    Impl::Swar => Swar.prefix_xor(x),
                    #[cfg(target_arch = "x86_64")]
                    Impl::Avx2(a) => a.prefix_xor(x),
                };
                assert_eq!(got, want, "{imp:?} {x:#x}");
                x = x.rotate_left(7).wrapping_mul(0xd6e8_feb8_6659_fd93) ^ (x >> 3);
            }
        }
    }

    #[test]
    fn every_byte_in_every_position_with_every_neighbour() {
        for imp in Impl::all() {
            for byte in 0u8..=255 {
                for filler in [b'a', 0x00, 0x20, 0x7f, 0x80, 0xff, b'"', b'\\'] {
                    for pos in 0..64 {
                        let mut blk = [filler; 64];
                        blk[pos] = byte;
                        assert_eq!(
                            classify(imp, &blk),
                            naive(&blk),
                            "{imp:?} byte {byte:#04x} at {pos} in {filler:#04x}"
                        );
                    }
                }
            }
        }
    }
}
