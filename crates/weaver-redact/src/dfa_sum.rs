// The checksum of `data/default_dfa.bin`, shared by the build script (which compares it
// with `data/default_dfa.sum`) and the crate's tests (which write and check that file).
// Not cryptographic: it guards against a damaged or hand-edited file, not an attacker who
// can already change the crate's source.

/// A 64-bit multiply-rotate hash of `bytes`, eight bytes at a time, as 16 hex digits.
#[allow(dead_code)] // the crate uses it in tests only
pub(crate) fn dfa_sum(bytes: &[u8]) -> String {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(a))
            .wrapping_mul(0x0100_0000_01b3_u64 | (1 << 63))
            .rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b))
            .wrapping_mul(0x0100_0000_01b3)
            .rotate_left(29);
    }
    format!("{h:016x}")
}
