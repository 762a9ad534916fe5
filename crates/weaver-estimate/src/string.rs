//! Escaped length of a JSON string.

/// Extra bytes serde_json writes for each input byte beyond the byte itself:
/// 1 for the two-character escapes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`), 5 for the
/// other control characters (`\u00XX` is six bytes), 0 for everything else — DEL and
/// every byte of a non-ASCII character are written raw.
static EXTRA: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 5;
        i += 1;
    }
    t[0x08] = 1;
    t[0x09] = 1;
    t[0x0a] = 1;
    t[0x0c] = 1;
    t[0x0d] = 1;
    t[b'"' as usize] = 1;
    t[b'\\' as usize] = 1;
    t
};

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Non-zero iff some byte of `w` is zero (the classic SWAR test; exact for "any").
#[inline]
const fn has_zero_byte(w: u64) -> u64 {
    w.wrapping_sub(LO) & !w & HI
}

/// Non-zero iff some byte of `w` needs escaping: `< 0x20`, `"` or `\`.
#[inline]
const fn needs_escape(w: u64) -> u64 {
    // Bytes below 0x20: subtracting 0x20 from each lane borrows into the high bit only for
    // those (bytes >= 0x80 are masked out by `!w`).
    let control = w.wrapping_sub(LO * 0x20) & !w & HI;
    control | has_zero_byte(w ^ (LO * b'"' as u64)) | has_zero_byte(w ^ (LO * b'\\' as u64))
}

#[inline]
fn extra_of(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(EXTRA[b as usize])).sum()
}

/// Whether a 16-byte block holds a byte that needs escaping.
#[inline]
fn block_needs_escape(block: &[u8; 16]) -> bool {
    let x = u128::from_le_bytes(*block);
    needs_escape(x as u64) | needs_escape((x >> 64) as u64) != 0
}

/// Bytes that escaping adds to `bytes`, beyond their own length.
///
/// Most text needs no escape at all, so blocks are first tested word-wide and single bytes
/// are only looked at in blocks that contain something to escape. Short strings (map keys,
/// enum-like values) are tested with two overlapping loads instead of a byte loop.
#[inline]
fn escape_overhead(bytes: &[u8]) -> u64 {
    if bytes.len() >= 16 {
        return long_overhead(bytes);
    }
    let clean = if let (Some(a), Some(b)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        // 8..=15 bytes: the first and last eight overlap and cover every byte.
        needs_escape(u64::from_le_bytes(*a)) | needs_escape(u64::from_le_bytes(*b)) == 0
    } else if let (Some(a), Some(b)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // 4..=7 bytes: the same with two four-byte halves packed into one word.
        let w = u64::from(u32::from_le_bytes(*a)) | (u64::from(u32::from_le_bytes(*b)) << 32);
        needs_escape(w) == 0
    } else {
        false
    };
    if clean { 0 } else { extra_of(bytes) }
}

#[inline]
fn long_overhead(bytes: &[u8]) -> u64 {
    let (blocks, rest) = bytes.as_chunks::<16>();
    let mut extra = 0u64;
    for block in blocks {
        if block_needs_escape(block) {
            extra += extra_of(block);
        }
    }
    if rest.is_empty() {
        return extra;
    }
    // The tail is inside the last 16 bytes (the string is at least 16 long): one
    // overlapping block test usually clears it without a byte loop.
    match bytes.last_chunk::<16>() {
        Some(last) if !block_needs_escape(last) => extra,
        _ => extra + extra_of(rest),
    }
}

/// The length of `s` written as a JSON string by serde_json: the two quotes, the UTF-8
/// bytes, and the escapes (`"` `\` and `\b \f \n \r \t` take 2 bytes, other control
/// characters below U+0020 take 6 as `\u00XX`; DEL and non-ASCII are written raw).
///
/// ```
/// use weaver_estimate::str_len;
/// assert_eq!(str_len("hi"), 4); // "hi"
/// assert_eq!(str_len("a\"b\n"), 8); // "a\"b\n"
/// assert_eq!(str_len("\u{1}"), 8); // "\u0001"
/// assert_eq!(str_len("é"), 4); // 2 UTF-8 bytes + quotes
/// ```
#[inline]
pub fn str_len(s: &str) -> u64 {
    s.len() as u64 + 2 + escape_overhead(s.as_bytes())
}

/// Length of string contents without the quotes (for fragments written by `collect_str`).
#[inline]
pub(crate) fn fragment_len(s: &str) -> u64 {
    s.len() as u64 + escape_overhead(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swar_test_agrees_with_table_on_every_byte_in_every_lane() {
        for byte in 0u8..=255 {
            for lane in 0..8 {
                // Fill the other lanes with a harmless byte and the worst neighbours for
                // borrow propagation (0x00 would itself need escaping, so use 0x20 and 0xff).
                for filler in [b'a', 0x20, 0xff, 0x7f, 0x80] {
                    let mut w = [filler; 8];
                    w[lane] = byte;
                    let expect = EXTRA[byte as usize] != 0;
                    assert_eq!(
                        needs_escape(u64::from_le_bytes(w)) != 0,
                        expect,
                        "byte {byte:#04x} lane {lane} filler {filler:#04x}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_length_and_position_matches_the_byte_table() {
        // One escapable byte (or none) at every position of strings of every length up to
        // 48: covers the short overlapping loads, whole blocks and the overlapping tail.
        let specials = [0x00u8, 0x08, 0x0a, 0x1f, b'"', b'\\', 0x7f, 0xc3];
        for len in 0..=48usize {
            for pos in 0..=len {
                for &sp in &specials {
                    let mut bytes = vec![b'a'; len];
                    if pos < len {
                        bytes[pos] = sp;
                    }
                    let naive = len as u64 + extra_of(&bytes);
                    assert_eq!(
                        escape_overhead(&bytes) + len as u64,
                        naive,
                        "len {len} pos {pos} byte {sp:#04x}"
                    );
                }
            }
        }
    }
}
