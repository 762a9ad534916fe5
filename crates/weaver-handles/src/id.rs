//! Handle ids: 128 bits from the operating system's CSPRNG, as 32 lowercase hex digits.

use std::cell::RefCell;

use crate::{HandleError, HandleId};

/// Random bytes fetched per system call. One `getrandom` call costs about as much as a
/// whole small store, so ids are cut from a per-thread buffer of OS randomness: still
/// CSPRNG output, one system call per 32 ids.
const POOL: usize = 512;

struct Pool {
    bytes: [u8; POOL],
    used: usize,
}

thread_local! {
    static RANDOM: RefCell<Pool> = const {
        RefCell::new(Pool { bytes: [0; POOL], used: POOL })
    };
}

/// 128 fresh random bits. A failing random source is a typed error, never a panic.
pub(crate) fn random_u128() -> Result<u128, HandleError> {
    RANDOM.with(|cell| {
        let mut pool = cell.borrow_mut();
        if pool.used + 16 > POOL {
            getrandom::fill(&mut pool.bytes).map_err(|e| HandleError::Random(e.to_string()))?;
            pool.used = 0;
        }
        let start = pool.used;
        let mut raw = [0u8; 16];
        raw.copy_from_slice(&pool.bytes[start..start + 16]);
        // Used bytes are wiped so the buffer never holds an id that was already handed out.
        pool.bytes[start..start + 16].fill(0);
        pool.used += 16;
        Ok(u128::from_le_bytes(raw))
    })
}

impl HandleId {
    /// A new random id.
    pub fn random() -> Result<HandleId, HandleError> {
        random_u128().map(HandleId::from_u128)
    }

    pub(crate) fn from_u128(n: u128) -> HandleId {
        // Written digit by digit: the formatting machinery costs more than the rest of
        // drawing an id.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 32];
        for (i, d) in digits.iter_mut().enumerate() {
            *d = HEX[((n >> (124 - 4 * i)) & 0xf) as usize];
        }
        // Always ASCII, so never the empty fallback.
        HandleId(std::str::from_utf8(&digits).unwrap_or_default().to_owned())
    }

    /// The 128-bit value, if `text` is a well-formed id (32 lowercase hex digits).
    pub(crate) fn parse(text: &str) -> Option<u128> {
        let b = text.as_bytes();
        if b.len() != 32 || !b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        u128::from_str_radix(text, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fixed_length_lowercase_hex_and_round_trip() {
        for _ in 0..200 {
            let n = random_u128().unwrap();
            let id = HandleId::from_u128(n);
            assert_eq!(id.as_str().len(), 32);
            assert_eq!(HandleId::parse(id.as_str()), Some(n));
            assert_eq!(id.as_str(), format!("{n:032x}"));
        }
        for n in [
            0,
            1,
            0xf,
            u128::MAX,
            1 << 127,
            0x0123_4567_89ab_cdef_u128 << 4,
        ] {
            assert_eq!(HandleId::from_u128(n).as_str(), format!("{n:032x}"));
        }
    }

    #[test]
    fn ids_do_not_repeat() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            assert!(seen.insert(random_u128().unwrap()));
        }
    }

    #[test]
    fn malformed_ids_do_not_parse() {
        for bad in [
            "",
            "abc",
            "0123456789ABCDEF0123456789abcdef",
            "0123456789abcdef0123456789abcdeg",
            "0123456789abcdef0123456789abcdef0",
            "+123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(HandleId::parse(bad), None, "{bad:?}");
        }
    }
}
