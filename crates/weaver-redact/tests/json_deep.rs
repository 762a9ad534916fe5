//! 100 000-deep values: redaction, cloning and dropping never recurse.
//!
//! Nothing here may compare, print, serialize or drop a deep value the normal way (each of
//! those recurses once per level in serde_json); values are inspected by walking them in
//! loops and freed with `drop_deep`. (`json!` is only used for shallow values: given an
//! expression it goes through `serde_json::to_value`, which recurses too.)
#![cfg(feature = "json")]

use serde_json::{Map, Value, json};
use weaver_redact::{Kind, Policy, Redactor, clone_deep, drop_deep, elision_marker};

const DEPTH: usize = 100_000;

/// `[[[ … leaf … ]]]`, `depth` arrays deep.
fn deep_arrays(depth: usize, leaf: Value) -> Value {
    let mut v = leaf;
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

/// `{"k": {"k": … leaf … }}`, `depth` objects deep, keys from `key(level)`.
fn deep_objects(depth: usize, leaf: Value, key: impl Fn(usize) -> String) -> Value {
    let mut v = leaf;
    for level in (0..depth).rev() {
        let mut m = Map::new();
        m.insert(key(level), v);
        v = Value::Object(m);
    }
    v
}

/// Follows the only child of each container; returns the leaf and how deep it was.
fn bottom(v: &Value) -> (&Value, usize) {
    let mut cur = v;
    let mut depth = 0;
    loop {
        let next = match cur {
            Value::Array(a) if a.len() == 1 => &a[0],
            Value::Object(m) if m.len() == 1 => m.values().next().expect("one value"),
            _ => return (cur, depth),
        };
        cur = next;
        depth += 1;
    }
}

#[test]
fn deep_arrays_are_scanned_to_the_bottom() {
    let r = Redactor::new();
    let mut v = deep_arrays(DEPTH, json!("write to deep@example.com"));
    let report = r.redact_value_in_place(&mut v, &Policy::new());
    let (leaf, depth) = bottom(&v);
    assert_eq!(depth, DEPTH);
    assert_eq!(leaf, &json!("write to [REDACTED]"));
    assert_eq!(report.total(), 1);
    assert_eq!(report.entries()[0].kind, Kind::Email);
    assert!(report.entries()[0].pointer.ends_with("/*/…"));
    drop_deep(v);
}

#[test]
fn deep_objects_with_sensitive_keys_and_email_keys() {
    let r = Redactor::new();
    let mut leaf = Map::new();
    leaf.insert("password".to_owned(), deep_arrays(DEPTH, json!(1)));
    let leaf = Value::Object(leaf);
    let mut v = deep_objects(DEPTH, leaf, |i| format!("user{i}@example.com"));
    let report = r.redact_value_in_place(&mut v, &Policy::new());
    // Every key was an e-mail: all redacted, one finding each, aggregated in few entries.
    let mut cur = &v;
    for _ in 0..DEPTH {
        let m = cur.as_object().expect("object");
        let (k, child) = m.iter().next().expect("one entry");
        assert_eq!(k, "[REDACTED]");
        cur = child;
    }
    // The 100 000-deep list under `password` was masked (and dropped without recursion).
    assert_eq!(cur, &json!({"password": "[REDACTED]"}));
    assert_eq!(report.count(Kind::Email), DEPTH as u64);
    assert_eq!(report.count(Kind::SensitiveKey), 1);
    assert!(
        report.entries().len() <= 34,
        "{} entries",
        report.entries().len()
    );
    drop_deep(v);
}

#[test]
fn depth_budget_elides_a_deep_subtree_without_recursing() {
    let r = Redactor::new();
    let mut v = deep_objects(DEPTH, json!("x@y.co"), |_| "a".to_owned());
    let report = r.redact_value_in_place(&mut v, &Policy::new().max_depth(3));
    let expected = json!({"a": {"a": {"a": elision_marker(true, 1, 3)}}});
    assert_eq!(v, expected);
    assert_eq!(report.count(Kind::DepthLimit), 1);
    assert_eq!(report.entries()[0].pointer, "/a/a/a");
    assert_eq!(
        report.total(),
        1,
        "the elided subtree was not scanned into the report"
    );
}

#[test]
fn redact_value_copies_a_deep_input_and_leaves_it_alone() {
    let r = Redactor::new();
    let input = deep_arrays(DEPTH, json!({"token": "t-123", "n": "call a@b.co"}));
    let (out, report) = r.redact_value(&input, &Policy::new());
    let (leaf, depth) = bottom(&input);
    assert_eq!(depth, DEPTH);
    assert_eq!(
        leaf,
        &json!({"token": "t-123", "n": "call a@b.co"}),
        "input untouched"
    );
    let (leaf, depth) = bottom(&out);
    assert_eq!(depth, DEPTH);
    assert_eq!(
        leaf,
        &json!({"token": "[REDACTED]", "n": "call [REDACTED]"})
    );
    assert_eq!(report.total(), 2);
    drop_deep(input);
    drop_deep(out);
}

#[test]
fn clone_deep_is_an_exact_copy() {
    // Small values: compared the normal way, key order included.
    for v in [
        json!(null),
        json!([]),
        json!({}),
        json!("s"),
        json!([1, [2, [3, {}]], {"b": [true, null], "a": {"c": 1.5}}]),
        json!({"z": 1, "a": [{"y": [], "x": {}}], "m": "t"}),
    ] {
        let c = clone_deep(&v);
        assert_eq!(
            serde_json::to_string(&c).ok(),
            serde_json::to_string(&v).ok()
        );
    }
    // A deep, branching value: walked side by side.
    let mut v = json!("leaf");
    for i in 0..DEPTH {
        v = if i % 2 == 0 {
            Value::Array(vec![json!(i), v, json!("x")])
        } else {
            let mut m = Map::new();
            m.insert("n".into(), json!(i));
            m.insert("child".into(), v);
            Value::Object(m)
        };
    }
    let c = clone_deep(&v);
    let (mut a, mut b) = (&v, &c);
    let mut levels = 0;
    loop {
        match (a, b) {
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), 3);
                assert_eq!((&x[0], &x[2]), (&y[0], &y[2]));
                (a, b) = (&x[1], &y[1]);
            }
            (Value::Object(x), Value::Object(y)) => {
                assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
                assert_eq!(x["n"], y["n"]);
                (a, b) = (&x["child"], &y["child"]);
            }
            (x, y) => {
                assert_eq!(x, y);
                break;
            }
        }
        levels += 1;
    }
    assert_eq!(levels, DEPTH);
    drop_deep(v);
    drop_deep(c);
}

#[test]
fn drop_deep_frees_wide_and_deep_values() {
    drop_deep(deep_arrays(DEPTH, json!(1)));
    drop_deep(deep_objects(DEPTH, json!([]), |i| i.to_string()));
    let wide: Vec<Value> = (0..1000).map(|_| deep_arrays(200, json!("x"))).collect();
    drop_deep(Value::Array(wide));
    drop_deep(json!(null));
    drop_deep(json!({}));
}
