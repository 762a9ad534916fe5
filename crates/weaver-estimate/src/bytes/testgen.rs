//! Generators of JSON source text for the property tests: string contents with every
//! escape (backslash runs of every length, `\u` escapes, surrogate pairs), numbers of
//! every shape and scalars. Shared by the block pass's unit tests (`tests.rs`) and the
//! integration test against serde_json (`tests/bytes_exact.rs` includes this file), which
//! is why it names `alloc` and not `std`.

use alloc::format;
use alloc::string::{String, ToString};

use proptest::prelude::*;

/// One piece of string content as JSON source text.
pub(crate) fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 _.:/-]{0,12}",
        1 => "[a-z]{40,90}",
        2 => any::<char>()
            .prop_filter("raw controls, quotes and backslashes are not content", |c| *c >= ' ' && *c != '"' && *c != '\\')
            .prop_map(String::from),
        1 => Just("\u{7f}é中😀\u{2028}".to_string()),
        3 => prop::sample::select(&[r#"\""#, r"\\", r"\/", r"\b", r"\f", r"\n", r"\r", r"\t"][..])
            .prop_map(str::to_string),
        // A run of escaped backslashes, then maybe an escaped quote: every run length
        // mod 2, at whatever offset the rest of the document puts it.
        2 => (0usize..70, any::<bool>()).prop_map(|(n, q)| format!("{}{}", r"\\".repeat(n), if q { r#"\""# } else { "" })),
        3 => (0u32..0x1_0000, any::<bool>())
            .prop_filter("surrogates need a pair", |(n, _)| !(0xD800..0xE000).contains(n))
            .prop_map(|(n, upper)| if upper { format!("\\u{n:04X}") } else { format!("\\u{n:04x}") }),
        1 => (0u32..0x80).prop_map(|n| format!("\\u{n:04x}")),
        1 => (0xD800u32..0xDC00, 0xDC00u32..0xE000).prop_map(|(h, l)| format!("\\u{h:04x}\\u{l:04X}")),
    ]
}

pub(crate) fn string() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..6).prop_map(|p| format!("\"{}\"", p.concat()))
}

/// Numbers of every shape: `-0`, `1.0` vs `1`, trailing zeros, exponents of both cases
/// and signs, digit strings past u64 and past 2^53, out of range.
pub(crate) fn number() -> impl Strategy<Value = String> {
    let int = prop_oneof![
        Just("0".to_string()),
        "[1-9][0-9]{0,3}",
        "[1-9][0-9]{14,21}",
        "[1-9][0-9]{30,40}",
    ];
    let frac = prop_oneof![
        3 => Just(String::new()),
        2 => "\\.[0-9]{1,4}",
        1 => "\\.0",
        1 => "\\.[0-9]{1,4}0{1,3}",
        1 => "\\.[0-9]{15,25}",
    ];
    let exp = prop_oneof![
        3 => Just(String::new()),
        1 => "[eE][+-]?[0-9]{1,2}",
        1 => "[eE][+-]?(2[0-9]{2}|3[0-3][0-9])",
        1 => "[eE]-?[0-9]{4,12}",
    ];
    (any::<bool>(), int, frac, exp)
        .prop_map(|(neg, i, f, e)| format!("{}{i}{f}{e}", if neg { "-" } else { "" }))
}

pub(crate) fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => string(),
        3 => number(),
        1 => prop::sample::select(&["true", "false", "null"][..]).prop_map(str::to_string),
    ]
}
