//! Prefetch hints for the walk over a parsed list of records.
//!
//! A parsed row is scattered over the heap: its entry array, then one allocation per key
//! and per string value. Summarizing a row is little work per field, so on a list larger
//! than the caches the walk waits on memory for most of its time, one field at a time.
//! Asking for the rows a few places ahead keeps many of those loads in flight at once.
//! A hint changes no result; without it (on targets other than x86-64) the walk is only
//! slower.
//!
//! `unsafe` is allowed in this module alone, for the one intrinsic: `_mm_prefetch` needs
//! SSE, which is part of the x86-64 baseline (statically enabled on every x86-64 target),
//! and a prefetch never faults and reads nothing the program can see, whatever the
//! address.
#![allow(unsafe_code)]

use serde_json::Value;

/// Rows between the one whose fields are asked for and the one being summarized.
/// Measured on rows_50k (12 fields a row): every distance from 1 to 16 gained about the
/// same; 4 sits in the middle.
const AHEAD: usize = 4;

/// Hints the memory of the rows after `items[i]`: the keys and string values of
/// `items[i + AHEAD]` (its entry array was hinted `AHEAD` rows earlier) and the entry
/// array of `items[i + 2 * AHEAD]`. Most string values are never read (a column stops
/// collecting them at its 11th distinct value), but the few that are, the categorical
/// columns, are what the loop would wait on.
#[inline]
pub(crate) fn rows_ahead(items: &[Value], i: usize) {
    if let Some(Value::Object(map)) = items.get(i + AHEAD) {
        for (key, value) in map {
            line(key.as_ptr());
            if let Value::String(s) = value {
                line(s.as_ptr());
            }
        }
    }
    if let Some(Value::Object(map)) = items.get(i + 2 * AHEAD) {
        // The address of an entry's key is computed without reading the entry.
        for key in map.keys() {
            line(std::ptr::from_ref(key).cast());
        }
    }
}

/// Asks for the cache line holding `p`.
#[inline(always)]
fn line(p: *const u8) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    // SAFETY: SSE is statically enabled (the `cfg` above); a prefetch does not dereference
    // its pointer in the program's sense and never faults, so any address is allowed.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = p;
}
