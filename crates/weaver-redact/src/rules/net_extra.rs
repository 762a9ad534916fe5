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

/// SHA-256 of `data` (the workspace's `sha2`, as the kernel's handle signatures use).
fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).into()
}
