// The checksum of `data/default_dfa.bin`, shared by the build script (which compares it
// with `data/default_dfa.sum`) and the crate's tests (which write and check that file).
// Not cryptographic: it guards against a damaged or hand-edited file, not an attacker who
// can already change the crate's source.

/// A 64-bit multiply-rotate hash of `bytes` (eight at a time, then the rest one by one),
/// as 16 hex digits.
pub(crate) fn dfa_sum(bytes: &[u8]) -> String {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, x: u64| (h ^ x).wrapping_mul(K).rotate_left(29);
    let mut words = bytes.chunks_exact(8);
    let mut h = K ^ bytes.len() as u64;
    for w in &mut words {
        h = mix(h, u64::from_le_bytes(w.try_into().unwrap_or_default()));
    }
    for &b in words.remainder() {
        h = mix(h, u64::from(b));
    }
    format!("{h:016x}")
}
