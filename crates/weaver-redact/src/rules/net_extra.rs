//! Two opt-in shapes of [`super::net`] that need no trigger of their own: legacy Bitcoin
//! addresses (base58check, `1…` / `3…`) and Cisco's dotted MAC addresses
//! (`0012.3a9b.77c4`).
//!
//! A trigger that fires on either shape as such is too expensive for the automaton (a
//! base58 run has no literal mark; the dotted quad branch alone adds 5 MB). Both ride
//! the regional trigger (5), which fires on a digit next to a letter, and trigger 0's
//! token loop (built whenever an opt-in kind is on) holds the token whole. So a candidate
//! is found when it holds a digit next to a letter — all but about one random address in
//! 15 000, and every dotted MAC with both digits and hex letters in it. A MAC written in
//! digits only (`0012.3456.7890`) reads as a version or a date stamp and is left alone on
//! purpose; one in letters only is not found.
//!
//! The base58check checksum (4 bytes of a double SHA-256) is what makes the bare address
//! safe to mask: about one random 34-character run in 4 billion passes it.

use super::Verdict;
use super::pii::standalone;
use crate::Kind;

/// Legacy Bitcoin address: version `1` (P2PKH) or `3` (P2SH), then base58 (no `0 O I l`).
pub(crate) const BTC_BASE58: &str = r"\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b";
/// Cisco's MAC address notation: three dotted groups of four hex digits.
pub(crate) const MAC_DOTTED: &str = r"\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b";

/// Decodes base58 text into bytes (leading `1`s are leading zero bytes); `None` if a
/// character is outside the alphabet or the value is longer than 25 bytes.
fn base58_decode(m: &[u8]) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let zeros = m.iter().take_while(|&&b| b == b'1').count();
    // Big-endian digits of the value, base 256.
    let mut value: Vec<u8> = Vec::with_capacity(25);
    for &c in &m[zeros..] {
        let mut carry = u32::try_from(ALPHABET.iter().position(|&a| a == c)?).ok()?;
        for byte in value.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            value.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
        if value.len() > 25 {
            return None;
        }
    }
    let mut out = vec![0u8; zeros];
    out.extend(value);
    Some(out)
}

/// Whether `m` is a legacy Bitcoin address: 25 bytes, version 0 or 5 (as its first
/// character says), and the checksum.
pub(crate) fn base58check_ok(m: &[u8]) -> bool {
    let Some(bytes) = base58_decode(m) else {
        return false;
    };
    if bytes.len() != 25 || !matches!((m[0], bytes[0]), (b'1', 0) | (b'3', 5)) {
        return false;
    }
    let digest = sha256(&sha256(&bytes[..21]));
    digest[..4] == bytes[21..]
}

/// A legacy Bitcoin address standing alone, with its checksum.
pub(crate) fn btc_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let ok = standalone(hay, s, e) && base58check_ok(&hay[s..e]);
    Verdict::of(ok, s, e, Kind::Crypto)
}

/// A dotted MAC standing alone (not a piece of a longer dotted run), with a digit and a
/// hex letter in it, in one case.
pub(crate) fn mac_dotted_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let dotted_on = |i: Option<usize>, j: Option<usize>| {
        i.and_then(|i| hay.get(i)) == Some(&b'.')
            && j.and_then(|j| hay.get(j))
                .is_some_and(u8::is_ascii_alphanumeric)
    };
    let letters = m.iter().filter(|b| b.is_ascii_alphabetic());
    let one_case =
        letters.clone().all(u8::is_ascii_lowercase) || letters.clone().all(u8::is_ascii_uppercase);
    let ok = standalone(hay, s, e)
        && !dotted_on(s.checked_sub(1), s.checked_sub(2))
        && !dotted_on(Some(e), Some(e + 1))
        && m.iter().any(u8::is_ascii_digit)
        && letters.count() > 0
        && one_case;
    Verdict::of(ok, s, e, Kind::Mac)
}

/// SHA-256 (FIPS 180-4) of `data`.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a_2f98,
        0x7137_4491,
        0xb5c0_fbcf,
        0xe9b5_dba5,
        0x3956_c25b,
        0x59f1_11f1,
        0x923f_82a4,
        0xab1c_5ed5,
        0xd807_aa98,
        0x1283_5b01,
        0x2431_85be,
        0x550c_7dc3,
        0x72be_5d74,
        0x80de_b1fe,
        0x9bdc_06a7,
        0xc19b_f174,
        0xe49b_69c1,
        0xefbe_4786,
        0x0fc1_9dc6,
        0x240c_a1cc,
        0x2de9_2c6f,
        0x4a74_84aa,
        0x5cb0_a9dc,
        0x76f9_88da,
        0x983e_5152,
        0xa831_c66d,
        0xb003_27c8,
        0xbf59_7fc7,
        0xc6e0_0bf3,
        0xd5a7_9147,
        0x06ca_6351,
        0x1429_2967,
        0x27b7_0a85,
        0x2e1b_2138,
        0x4d2c_6dfc,
        0x5338_0d13,
        0x650a_7354,
        0x766a_0abb,
        0x81c2_c92e,
        0x9272_2c85,
        0xa2bf_e8a1,
        0xa81a_664b,
        0xc24b_8b70,
        0xc76c_51a3,
        0xd192_e819,
        0xd699_0624,
        0xf40e_3585,
        0x106a_a070,
        0x19a4_c116,
        0x1e37_6c08,
        0x2748_774c,
        0x34b0_bcb5,
        0x391c_0cb3,
        0x4ed8_aa4a,
        0x5b9c_ca4f,
        0x682e_6ff3,
        0x748f_82ee,
        0x78a5_636f,
        0x84c8_7814,
        0x8cc7_0208,
        0x90be_fffa,
        0xa450_6ceb,
        0xbef9_a3f7,
        0xc671_78f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sha256;

    #[test]
    fn sha256_matches_the_fips_examples() {
        let hex = |d: [u8; 32]| {
            d.iter().fold(String::new(), |mut out, b| {
                out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
                out
            })
        };
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // Two blocks (56 bytes: the length no longer fits the first).
        assert_eq!(
            hex(sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }
}
