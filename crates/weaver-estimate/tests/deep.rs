//! 100 000 levels of nesting: exact sizes, no stack overflow, bounded limit walks.

mod common;

use serde_json::{Map, Value};
use weaver_estimate::{Size, estimate, estimate_with_limit};

const DEPTH: usize = 100_000;

/// `depth` levels, each an object `{"a":0,"k":<deeper>,"z":1}` or an array `[0,<deeper>,1]`
/// (every level keeps a frame open, the worst case for the walk's stack).
fn wide_deep(depth: usize, objects: bool) -> Value {
    let mut v = Value::Null;
    for _ in 0..depth {
        v = if objects {
            let mut m = Map::new();
            m.insert("a".into(), Value::from(0));
            m.insert("k".into(), v);
            m.insert("z".into(), Value::from(1));
            Value::Object(m)
        } else {
            Value::Array(vec![Value::from(0), v, Value::from(1)])
        };
    }
    v
}

#[test]
fn deep_arrays_with_siblings() {
    let v = wide_deep(DEPTH, false);
    // `[0,` + `,1]` per level + `null`.
    let expect = 6 * DEPTH as u64 + 4;
    assert_eq!(estimate(&v), expect);
    // serde_json agrees (on a thread with a big enough stack for its recursion).
    assert_eq!(common::reference_len(&v), expect);
    common::drop_deep(v);
}

#[test]
fn deep_objects_with_siblings() {
    let v = wide_deep(DEPTH, true);
    // `{"a":0,"k":` + `,"z":1}` per level + `null`.
    let expect = 18 * DEPTH as u64 + 4;
    assert_eq!(estimate(&v), expect);
    assert_eq!(common::reference_len(&v), expect);
    common::drop_deep(v);
}

#[test]
fn limit_on_a_deep_value_stops_early() {
    let v = wide_deep(DEPTH, true);
    // Stops within the first levels: at most one level's bytes past the limit.
    match estimate_with_limit(&v, 1000) {
        Size::Exceeds { at_least } => assert!(at_least > 1000 && at_least < 1100),
        Size::Exact(n) => panic!("Exact({n}) over the limit"),
    }
    common::drop_deep(v);
}
