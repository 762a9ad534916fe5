//! Stage 1's class-run search: runs of a byte class holding enough counted bytes, read 64
//! bytes at a time on bit masks.

use super::derive::ClassRun;
use super::simd;

/// Whether the run `[s, e)` (with its counted bytes and need bits) is a candidate.
fn accepts(r: &ClassRun, count: u32, need: u32) -> bool {
    r.alts
        .iter()
        .enumerate()
        .any(|(a, (k, nd))| count as usize >= *k && (nd.is_none() || need & (1 << a) != 0))
}

/// The first candidate run of `r` starting in `hay[from..to]` (clamped to `from`), found 64
/// bytes at a time on bit masks: one bit per byte for "run byte", "counted byte" and each
/// alternative's "needed byte", so a block without a run of `min_k` bytes costs a few
/// word operations, and a run's count is one popcount.
pub(super) fn first_run(
    r: &ClassRun,
    spec: Option<&simd::Spec>,
    hay: &[u8],
    from: usize,
    to: usize,
) -> Option<usize> {
    let min_k = r.min_k.max(1);
    // A run entering the current block: where it starts, its count, its need bits.
    let mut carry: Option<(usize, u32, u32)> = None;
    let mut x = from;
    while x < to || carry.is_some() {
        if x >= hay.len() {
            // A run reaching the end of the text.
            let (s, c, nd) = carry?;
            return accepts(r, c, nd).then_some(s);
        }
        let end = (x + 64).min(hay.len());
        let mut mn = [0u64; 6];
        let (mb, md) = simd::masks(r, spec, &hay[x..end], &mut mn);
        let len = end - x;
        let full = if len == 64 {
            u64::MAX
        } else {
            (1u64 << len) - 1
        };
        let need_bits = |mask: u64| -> u32 {
            let mut v = 0u32;
            for (a, m) in mn.iter().enumerate() {
                if m & mask != 0 {
                    v |= 1 << a;
                }
            }
            v
        };
        // The run touching bit 0, when one enters from the previous block.
        let mut skip_below = 0u32;
        if let Some((s, c, nd)) = carry.take() {
            let run_len = (!mb & full).trailing_zeros().min(len as u32);
            let mask = if run_len == 64 {
                u64::MAX
            } else {
                (1u64 << run_len) - 1
            };
            let (c, nd) = (c + (md & mask).count_ones(), nd | need_bits(mask));
            if (run_len as usize) < len {
                if accepts(r, c, nd) {
                    return Some(s);
                }
                skip_below = run_len;
            } else {
                carry = Some((s, c, nd));
                x = end;
                continue;
            }
        }
        if x >= to {
            return None;
        }
        // Runs of at least `min_k` bytes: bit i of `long` is set when bits i..i+min_k are.
        let mut long = mb;
        let mut have = 1usize;
        while have < min_k {
            let step = have.min(min_k - have);
            long &= long >> step;
            have += step;
        }
        // The last run may go on past the block: it is carried, not judged here.
        let tail_len = if mb >> (len - 1) & 1 == 1 {
            (!(mb | !full)).leading_zeros() as usize - (64 - len)
        } else {
            0
        };
        let tail_start = len - tail_len;
        long &= match tail_start {
            0 => 0,
            64.. => u64::MAX,
            t => (1u64 << t) - 1,
        };
        if skip_below > 0 {
            long &= !((1u64 << skip_below) - 1);
        }
        while long != 0 {
            let p = long.trailing_zeros();
            let below = !mb & ((1u64 << p) - 1);
            let s = if below == 0 {
                0
            } else {
                64 - below.leading_zeros()
            };
            let e = p + (!(mb >> p)).trailing_zeros();
            let mask = if e == 64 {
                u64::MAX << s
            } else {
                ((1u64 << e) - 1) & (u64::MAX << s)
            };
            if x + s as usize >= to {
                return None;
            }
            if accepts(r, (md & mask).count_ones(), need_bits(mask)) {
                return Some(x + s as usize);
            }
            long &= if e >= 64 { 0 } else { u64::MAX << e };
        }
        if tail_len > 0 {
            if x + tail_start >= to {
                return None;
            }
            let mask = if tail_start == 0 {
                full
            } else {
                full & (u64::MAX << tail_start)
            };
            carry = Some((x + tail_start, (md & mask).count_ones(), need_bits(mask)));
        }
        x = end;
    }
    None
}

/// The default rules' digit run (phones, SSNs, cards), promoted by the checks behind it:
/// the run the tests of this module and of `simd.rs` read.
#[cfg(test)]
pub(super) fn phone_digit_run() -> ClassRun {
    use super::derive::{self, Anchors};
    use regex_automata::util::syntax;
    let cfg = syntax::Config::new().unicode(false).utf8(false);
    let hir = syntax::parse_with(r"[+(]?[0-9](?:[ ().\-]{0,2}[0-9]){7,}", &cfg).unwrap();
    let Some(Anchors::Run(mut r)) = derive::anchors(&hir) else {
        panic!("a class run");
    };
    let plus = syntax::parse_with(r"\+[0-9]+", &cfg).unwrap();
    let plain = syntax::parse_with(r"[0-9]{9}", &cfg).unwrap();
    assert!(r.promote(&[(8, &plus), (9, &plain)]));
    r.settle();
    *r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The candidate rule read byte by byte: the first maximal run (clamped to `from`)
    /// starting before `to` that an alternative accepts.
    fn naive(r: &ClassRun, hay: &[u8], from: usize, to: usize) -> Option<usize> {
        let mut p = from;
        while p < to {
            if !r.run[usize::from(hay[p])] {
                p += 1;
                continue;
            }
            let mut e = p;
            while e < hay.len() && r.run[usize::from(hay[e])] {
                e += 1;
            }
            let run = &hay[p..e];
            let count = run.iter().filter(|&&b| r.count[usize::from(b)]).count();
            let mut need = 0u32;
            for (a, alt) in r.alts.iter().enumerate() {
                if let Some(n) = &alt.1
                    && run.iter().any(|&b| n[usize::from(b)])
                {
                    need |= 1 << a;
                }
            }
            if accepts(r, u32::try_from(count).unwrap(), need) {
                return Some(p);
            }
            p = e;
        }
        None
    }

    #[test]
    fn bit_mask_runs_equal_the_byte_by_byte_rule() {
        let r = phone_digit_run();
        let spec = simd::Spec::of(&r);
        assert!(cfg!(not(target_arch = "x86_64")) || spec.is_some());
        let mut seed = 12345u64;
        let alphabet = b"0123456789 +-.()ab\n";
        for len in [0usize, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 200, 700] {
            for _ in 0..300 {
                let hay: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let bias = (seed >> 60) as usize;
                        let pick = if bias < 10 {
                            (seed >> 33) as usize % 12
                        } else {
                            (seed >> 33) as usize % alphabet.len()
                        };
                        alphabet[pick]
                    })
                    .collect();
                for from in [0, len / 3, len / 2] {
                    for to in [len, len * 2 / 3, from + 5] {
                        let to = to.min(len).max(from);
                        assert_eq!(
                            first_run(&r, None, &hay, from, to),
                            naive(&r, &hay, from, to),
                            "scalar {:?} from {from} to {to}",
                            String::from_utf8_lossy(&hay)
                        );
                        assert_eq!(
                            first_run(&r, spec.as_ref(), &hay, from, to),
                            naive(&r, &hay, from, to),
                            "{:?} from {from} to {to}",
                            String::from_utf8_lossy(&hay)
                        );
                    }
                }
            }
        }
    }
}
