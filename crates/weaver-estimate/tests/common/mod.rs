//! Shared helpers for the integration tests: value strategies and deep-value builders.
#![allow(dead_code, unreachable_pub)]

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Floats where formatting changes shape: zero signs, subnormals, the exponent switch-over
/// points of the shortest round-trip printer, the extremes, and values that round.
pub const EDGE_FLOATS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    0.2 + 0.1,
    1.0 / 3.0,
    1.5,
    100.0,
    1e15,
    1e16,
    1e17,
    123456789012345680.0,
    9007199254740993.0,
    1e20,
    1e21,
    1e22,
    1e23,
    1e100,
    1e300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    1e-4,
    1e-5,
    1e-6,
    1e-7,
    1e-300,
    2.2250738585072014e-308,
    2.225073858507201e-308,
    5e-324,
    -5e-324,
    f64::EPSILON,
    4.35,
    0.3,
    2.5e-8,
];

/// Characters weighted towards what matters for escaping: ASCII letters, every control
/// character, `"` `\` DEL, multi-byte UTF-8 (2, 3 and 4 bytes) and any code point.
///
/// Built from one random `u32` rather than a union of strategies: proptest's unions are
/// slow to sample in debug builds and these tests generate many thousands of characters.
pub fn arb_char() -> impl Strategy<Value = char> {
    any::<u32>().prop_map(|x| {
        let pick = x >> 8;
        match x % 16 {
            0..=5 => char::from(b'a' + (pick % 26) as u8),
            6..=8 => char::from_u32(pick % 0x11_0000).unwrap_or('\u{fffd}'),
            9 | 10 => char::from((pick % 0x20) as u8),
            11 => '"',
            12 => '\\',
            13 => '\u{7f}',
            14 => ['é', '€', '𝄞', '\u{2028}', '\u{feff}', '/'][(pick % 6) as usize],
            _ => char::from(b' ' + (pick % 95) as u8),
        }
    })
}

pub fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(arb_char(), 0..24).prop_map(|v| v.into_iter().collect()),
        // Long enough to exercise the 16-byte block scan, with the odd escape inside.
        1 => vec(arb_char(), 16..200).prop_map(|v| v.into_iter().collect()),
    ]
}

pub fn arb_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<f64>(),
        2 => proptest::sample::select(EDGE_FLOATS),
        1 => any::<i64>().prop_map(|i| i as f64),
        1 => -1e6f64..1e6,
        1 => any::<u64>().prop_map(f64::from_bits),
    ]
}

pub fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        proptest::sample::select(&[0u64, 9, 10, 99, 100, u64::MAX, 1 << 63][..])
            .prop_map(Value::from),
        proptest::sample::select(&[i64::MIN, -1, -9, -10, i64::MAX][..]).prop_map(Value::from),
        // NaN and infinities cannot be a Number; serde_json turns them into Null here.
        arb_f64().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

pub fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        3 => arb_number(),
        3 => arb_string().prop_map(Value::String),
    ]
}

/// Arbitrary values: nested arrays and objects (up to 6 levels, up to 10 children each).
pub fn arb_value() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(6, 160, 10, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..10).prop_map(Value::Array),
            vec((arb_string(), inner), 0..10)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One level of a deep value: which container, and how many leaf siblings sit before and
/// after the deeper child (siblings after it keep the level's frame open during the walk).
#[derive(Debug, Clone)]
pub struct Level {
    pub object: bool,
    pub before: usize,
    pub after: usize,
    pub key: String,
}

pub fn arb_level() -> impl Strategy<Value = Level> {
    (any::<bool>(), 0usize..3, 0usize..3, arb_char()).prop_map(|(object, before, after, key)| {
        Level {
            object,
            before,
            after,
            key: format!("k{key}"),
        }
    })
}

/// Builds a value nested `levels.len()` deep around `core`, innermost level last.
pub fn build_deep(levels: &[Level], core: Value) -> Value {
    let mut v = core;
    for (depth, level) in levels.iter().enumerate().rev() {
        let leaf = |i: usize| Value::from(depth * 10 + i);
        if level.object {
            let mut m = Map::new();
            for i in 0..level.before {
                m.insert(format!("b{i}"), leaf(i));
            }
            m.insert(level.key.clone(), v);
            for i in 0..level.after {
                m.insert(format!("a{i}"), leaf(i));
            }
            v = Value::Object(m);
        } else {
            let mut a: Vec<Value> = (0..level.before).map(leaf).collect();
            a.push(v);
            a.extend((0..level.after).map(leaf));
            v = Value::Array(a);
        }
    }
    v
}

/// Drops a value of any depth without recursion (serde_json's `Drop` recurses once per
/// level and overflows the stack on very deep values).
pub fn drop_deep(v: Value) {
    let mut pending = vec![v];
    while let Some(mut v) = pending.pop() {
        match &mut v {
            Value::Array(a) => pending.append(a),
            Value::Object(m) => pending.extend(std::mem::take(m).into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// `serde_json::to_vec(v).len()`, on a thread with a stack big enough for serde_json's
/// recursion over deep values.
pub fn reference_len(v: &Value) -> u64 {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn_scoped(s, || serde_json::to_vec(v).map(|b| b.len() as u64))
            .expect("spawn reference thread")
            .join()
            .expect("reference thread panicked")
            .expect("serde_json::to_vec failed")
    })
}
