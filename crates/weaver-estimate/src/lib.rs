//! The exact size, in bytes, of the compact JSON a value serializes to — computed without
//! serializing it and without allocating.
//!
//! ```
//! use serde_json::json;
//! use weaver_estimate::{estimate, estimate_with_limit, Size};
//!
//! let v = json!({"id": 7, "name": "Zoë", "tags": ["a\nb", 1.5e300], "ok": null});
//! assert_eq!(estimate(&v), serde_json::to_vec(&v).unwrap().len() as u64);
//!
//! // Only need to know whether it fits a budget? Stop as soon as it does not.
//! assert!(estimate_with_limit(&v, 16).exceeds());
//! assert_eq!(estimate_with_limit(&v, 1000), Size::Exact(estimate(&v)));
//! ```
//!
//! # When to use it
//!
//! Use this crate when you need the byte length of `serde_json::to_vec(&value)` — to
//! enforce a byte budget, account for memory in a cache, or decide whether a payload is too
//! big to forward — and do not want to pay for the serialization, which formats every
//! number and copies every string into a buffer as large as the answer, only to throw it
//! away. Estimating visits each node once, writes nothing, and with [`estimate_with_limit`]
//! stops at the first byte over the budget, so asking "is this 1 GB value over 4 KB?"
//! costs microseconds.
//!
//! Despite the name the answer is *exact*, not an approximation: string escapes (`\"`,
//! `\n`, `\u001f`), raw UTF-8, integers, floats (formatted with `zmij`, as serde_json does;
//! non-finite floats as `null`), map key quoting, and every comma, colon and bracket are
//! counted as serde_json's compact formatter writes them. The test suite checks this against
//! `serde_json::to_vec` on arbitrary values.
//!
//! If you want the bytes anyway, serialize; if you want pretty-printed or Python-style
//! (`", "`) sizes, this is not the crate.
//!
//! # What is measured
//!
//! - [`estimate`] / [`estimate_with_limit`]: a `serde_json::Value` (feature `value`, on by
//!   default). The walk recurses through the first 32 levels only and is iterative below
//!   them: nesting depth never grows the call stack past that bound, so a value 100 000
//!   levels deep is measured like a flat one, in time linear in its node count.
//! - [`estimate_serialize`] / [`estimate_serialize_with_limit`]: any `T: Serialize`, through
//!   a counting [`serde::Serializer`] that mirrors serde_json's output rules (including
//!   numeric and boolean map keys written as quoted strings, bytes as arrays of numbers,
//!   enum variants as `{"Variant":…}`). Where `serde_json::to_vec` would fail, it returns
//!   the matching [`Error`]. This path recurses as deeply as `T`'s `Serialize` impl does,
//!   exactly like serde_json itself; prefer [`estimate`] for `Value`s of unknown depth.
//! - [`estimate_json_bytes`] / [`estimate_json_bytes_limited`] (feature `value`): a
//!   document given as bytes, measured in one validating pass without building a `Value`
//!   — the size serde_json would re-print it at, any nesting depth. Use it when you hold
//!   the bytes and only need the size: it never builds the tree serde_json would.
//! - Building blocks: [`str_len`], [`u64_len`], [`i64_len`], [`u128_len`], [`i128_len`],
//!   [`f64_len`], [`f32_len`], [`number_len`].
//!
//! # Allocation guarantee
//!
//! Measuring a string or a number never allocates. Walking a `Value` never allocates as
//! long as at most [`INLINE_DEPTH`] (64) containers are *open* at once — the walk's stack
//! is a fixed array on the call stack. A container stops being open as soon as its last
//! child is entered, so a chain of single-child containers uses one slot however deep it
//! is, rows-of-records data uses two or three, and the 200-level `nested_deep` benchmark
//! workload (each level's child is its last key) stays far below the limit. Past 64 open
//! containers the extra frames (one iterator each) go into a `Vec` that grows
//! geometrically — a handful of allocations, freed before the call returns.
//!
//! The `Serialize` path allocates nothing itself; only `T::serialize` may, or a custom
//! error (whose message is kept as a `String`).
//!
//! # `no_std`
//!
//! The crate is `#![no_std]` and uses only `alloc` (for the spill stack and error
//! messages); its dependencies are serde, serde_json (feature `value`) and `zmij`,
//! serde_json's own float formatter. Whether the final build is `no_std` is up to how serde
//! and serde_json are configured (this workspace builds them with `std`).
//!
//! # Not supported
//!
//! serde_json's `arbitrary_precision` feature (numbers kept as their source text) and its
//! `RawValue` are not modelled: with `arbitrary_precision` enabled, numbers written in
//! exponent form or with trailing zeros are measured as the float they parse to.
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "value")]
mod bytes;
mod error;
mod number;
mod ser;
mod string;
#[cfg(feature = "value")]
mod value;

#[cfg(feature = "value")]
pub use bytes::{
    BytesError, BytesErrorKind, BytesEstimate, estimate_json_bytes, estimate_json_bytes_limited,
};
pub use error::Error;
#[cfg(feature = "value")]
pub use number::number_len;
pub use number::{f32_len, f64_len, i64_len, i128_len, u64_len, u128_len};
pub use ser::{estimate_serialize, estimate_serialize_with_limit};
pub use string::str_len;
#[cfg(feature = "value")]
pub use value::{INLINE_DEPTH, estimate, estimate_with_limit};

/// The outcome of a size measurement with a limit.
///
/// `Exact(n)` is returned exactly when the full serialization is at most `limit` bytes;
/// `Exceeds` as soon as the running count passes the limit, without walking the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Size {
    /// The value serializes to exactly this many bytes (and that is `<= limit`).
    Exact(u64),
    /// The value serializes to more than `limit` bytes; the walk stopped early.
    Exceeds {
        /// Bytes counted before stopping: `limit < at_least <= ` the true size.
        at_least: u64,
    },
}

impl Size {
    /// `true` if the value is larger than the limit it was measured against.
    pub const fn exceeds(self) -> bool {
        matches!(self, Size::Exceeds { .. })
    }

    /// The exact size, if the value fitted within the limit.
    pub const fn exact(self) -> Option<u64> {
        match self {
            Size::Exact(n) => Some(n),
            Size::Exceeds { .. } => None,
        }
    }

    /// A lower bound of the true size: the exact size, or the bytes counted before stopping.
    pub const fn lower_bound(self) -> u64 {
        match self {
            Size::Exact(n) | Size::Exceeds { at_least: n } => n,
        }
    }
}
