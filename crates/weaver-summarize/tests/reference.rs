//! Ports of reference-behaviour.md §20 E (67–84), inverted where DESIGN.md diverges from
//! the reference on purpose (Rust number and JSON text, top keys over all rows, mixed
//! lists, cut markers).

use std::borrow::Cow;

use serde_json::{Value, json};
use weaver_summarize::{Guard, SummaryOptions, summarize, summarize_guarded};

fn facts(v: &Value) -> Vec<String> {
    summarize(v, &SummaryOptions::default()).into_facts()
}

fn facts_max(v: &Value, max: usize) -> Vec<String> {
    summarize(v, &SummaryOptions::default().max_facts(max)).into_facts()
}

#[test]
fn e67_row_count() {
    let rows: Vec<Value> = (0..100)
        .map(|i| json!({"id": i, "amount": f64::from(i) * 10.0}))
        .collect();
    assert!(facts(&Value::Array(rows)).contains(&"Total rows: 100".to_owned()));
}

#[test]
fn e68_map_keys_and_entries() {
    let v = json!({"totals": {"USD": 1000.0}, "invoice_count": 200});
    assert_eq!(
        facts(&v),
        [
            "Keys: invoice_count, totals",
            "totals: dict with keys [USD]",
            "invoice_count: 200"
        ]
    );
}

#[test]
fn e69_plain_list_items_are_compact_json() {
    let f = facts(&json!([1, 2, 3, "hello"]));
    // Reference prints Python repr ('hello'); weaver prints JSON.
    assert_eq!(f, ["List of 4 items", "1", "2", "3", "\"hello\""]);
}

#[test]
fn e70_scalars_print_as_json() {
    assert_eq!(facts(&json!(42)), ["42"]);
    // Inverted: the reference prints Python's `None`.
    assert_eq!(facts(&Value::Null), ["null"]);
    assert_eq!(facts(&json!(true)), ["true"]);
    assert_eq!(facts(&json!(3.0)), ["3.0"]);
    assert_eq!(facts(&json!(1e20)), ["1e+20"]);
}

#[test]
fn e71_long_string_keeps_head_and_total() {
    let f = facts(&Value::String("a".repeat(600)));
    assert_eq!(f.len(), 1);
    assert!(f[0].starts_with(&"a".repeat(500)));
    assert!(!f[0].starts_with(&"a".repeat(501)));
    assert!(f[0].contains("600 chars total"));
}

#[test]
fn e72_booleans_are_counted_never_averaged() {
    let f = facts(&json!([{"active": true}, {"active": true}, {"active": false}]));
    assert!(f.contains(&"active: True=2, False=1".to_owned()), "{f:?}");
    assert!(f.iter().all(|x| !x.contains("avg=")));
}

#[test]
fn e73_numeric_stats_two_decimals() {
    let f = facts(&json!([{"score": 10}, {"score": 20}, {"score": 30}]));
    assert!(
        f.contains(&"score: min=10.00, max=30.00, avg=20.00".to_owned()),
        "{f:?}"
    );
}

#[test]
fn e74_records_cut_by_max_facts() {
    let rows: Vec<Value> = (0..5)
        .map(|i| json!({"a": i, "b": i, "c": i, "d": i, "e": i}))
        .collect();
    assert_eq!(
        facts_max(&Value::Array(rows), 3),
        [
            "Total rows: 5",
            "Top keys: a, b, c, d, e",
            "… (5 more facts omitted; full data via handle)"
        ]
    );
}

#[test]
fn e75_no_marker_when_everything_fits() {
    let f = facts(&json!([{"score": 1}, {"score": 2}, {"score": 3}]));
    assert!(f.iter().all(|x| !x.contains("omitted")));
}

#[test]
fn e76_small_map_exact() {
    assert_eq!(
        facts_max(&json!({"a": 1, "b": 2}), 3),
        ["Keys: a, b", "a: 1", "b: 2"]
    );
    assert_eq!(
        facts_max(&json!({"a": 1, "b": 2}), 2),
        [
            "Keys: a, b",
            "… (2 more facts omitted; full data via handle)"
        ]
    );
}

#[test]
fn e77_plain_list_cut() {
    let v = Value::Array((0..10).map(Value::from).collect());
    assert_eq!(
        facts_max(&v, 4),
        [
            "List of 10 items",
            "0",
            "1",
            "… (8 more facts omitted; full data via handle)"
        ]
    );
    assert_eq!(facts(&json!([])), ["List of 0 items"]);
}

#[test]
fn e78_distribution_sorted_by_value() {
    let v = json!([{"status":"open"},{"status":"closed"},{"status":"open"},{"status":"pending"},{"status":"closed"}]);
    assert!(facts(&v).contains(&"status distribution: closed=2, open=2, pending=1".to_owned()));
}

#[test]
fn e79_list_columns_are_not_described() {
    let v = json!([{"items": [1, 2]}, {"items": [3]}]);
    assert_eq!(facts(&v), ["Total rows: 2", "Top keys: items"]);
}

#[test]
fn e80_map_list_value() {
    assert!(
        facts(&json!({"items": [1, 2, 3], "count": 3}))
            .contains(&"items: list of 3 items".to_owned())
    );
}

#[test]
fn e81_zero_and_one_fact() {
    assert!(facts_max(&json!({"a": 1}), 0).is_empty());
    assert!(facts_max(&json!("text"), 0).is_empty());
    assert_eq!(
        facts_max(&json!({"a": 1}), 1),
        ["… (2 more facts omitted; full data via handle)"]
    );
}

#[test]
fn e82_top_keys_count_every_row() {
    // Inverted: the reference samples only the first 10 rows and lists just `a`.
    let mut rows: Vec<Value> = (0..10).map(|_| json!({"a": 1})).collect();
    rows.push(json!({"z": "q"}));
    let f = facts(&Value::Array(rows));
    assert_eq!(f[1], "Top keys: a, z");
    // Frequency wins over first appearance.
    let mut rows = vec![json!({"first": 1})];
    rows.extend((0..3).map(|_| json!({"later": 1})));
    assert_eq!(facts(&Value::Array(rows))[1], "Top keys: later, first");
}

#[test]
fn e83_bounds() {
    let rows: Vec<Value> = (0..11).map(|i| json!({"s": format!("v{i}")})).collect();
    assert!(
        facts(&Value::Array(rows))
            .iter()
            .all(|f| !f.contains("distribution"))
    );

    let row: serde_json::Map<String, Value> = (0..7).map(|i| (format!("k{i}"), json!(i))).collect();
    let f = facts(&json!([row]));
    assert_eq!(f.iter().filter(|x| x.contains("min=")).count(), 5);

    let row: serde_json::Map<String, Value> =
        (0..12).map(|i| (format!("k{i:02}"), json!([]))).collect();
    let f = facts(&json!([row]));
    assert_eq!(
        f[1],
        "Top keys: k00, k01, k02, k03, k04, k05, k06, k07, k08, k09 (10 of 12)"
    );
}

#[test]
fn e84_mixed_columns_exact() {
    let v = json!([{"x":1,"s":"a","m":1},{"x":2.5,"s":"b"},{"x":3,"s":"a","m":"z"}]);
    assert_eq!(
        facts(&v),
        [
            "Total rows: 3",
            "Top keys: x, s, m",
            "x: min=1.00, max=3.00, avg=2.17",
            "s distribution: a=2, b=1"
        ]
    );
}

#[test]
fn mixed_lists_are_summarized_not_rejected() {
    // The reference crashes with a TypeError here (L20).
    let f = facts(&json!([{"a": 1}, 5, "x", {"a": 3}]));
    assert_eq!(
        f,
        [
            "Total rows: 4",
            "Non-record items: 2",
            "Top keys: a",
            "a: min=1.00, max=3.00, avg=2.00"
        ]
    );
    // A non-map first element makes a plain list, maps included as items.
    assert_eq!(
        facts(&json!([5, {"a": 1}])),
        ["List of 2 items", "5", "{\"a\":1}"]
    );
}

#[test]
fn nulls_disqualify_numeric_columns() {
    let f = facts(&json!([{"n": 1}, {"n": null}, {"n": 3}]));
    assert!(f.iter().all(|x| !x.contains("min=")), "{f:?}");
}

#[test]
fn long_items_and_values_are_cut_on_char_boundaries() {
    let long = "é".repeat(300);
    // A mixed list previews items as JSON cut to 100 characters.
    let f = facts(&json!([long.clone(), 5]));
    assert_eq!(f[1].chars().count(), 101);
    assert!(f[1].ends_with('…'));
    // A list of strings shows the head of each edge item, like a string value.
    let f = facts(&json!([long.clone()]));
    assert_eq!(f[0], "List of 1 string (300 chars; 1 distinct)");
    assert_eq!(f[1], format!("#1: {}… (300 chars total)", "é".repeat(100)));
    let f = facts(&json!({"k": long}));
    assert!(f[1].starts_with(&format!("k: {}", "é".repeat(80))));
    assert!(f[1].ends_with("… (300 chars total)"));
}

#[test]
fn map_key_list_is_sorted_and_marked_when_cut() {
    let m: serde_json::Map<String, Value> = (0..31)
        .rev()
        .map(|i| (format!("k{i:02}"), json!(i)))
        .collect();
    let f = facts(&Value::Object(m));
    let expected: Vec<String> = (0..20).map(|i| format!("k{i:02}")).collect();
    assert_eq!(f[0], format!("Keys: {}, … (20 of 31)", expected.join(", ")));
    assert_eq!(f[1], "k30: 30");
    assert_eq!(
        f.last().unwrap(),
        "… (13 more facts omitted; full data via handle)"
    );
}

#[test]
fn depth_limit_replaces_containers_with_counted_markers() {
    let v = json!({"a": {"b": {"c": {"d": {"e": "deep"}}}}});
    let opts = SummaryOptions::default().max_depth(2);
    assert_eq!(
        summarize(&v, &opts).into_facts(),
        ["Keys: a", "a: dict with keys [b]"]
    );
    let opts = SummaryOptions::default().max_depth(1);
    assert_eq!(
        summarize(&v, &opts).into_facts(),
        ["Keys: a", "a: [elided: dict with 1 key beyond depth 1]"]
    );
    let opts = SummaryOptions::default().max_depth(0);
    assert_eq!(
        summarize(&v, &opts).into_facts(),
        ["[elided: dict with 1 key beyond depth 0]"]
    );
    let list = json!([[1, [2, 3]]]);
    let opts = SummaryOptions::default().max_depth(2);
    assert_eq!(
        summarize(&list, &opts).into_facts(),
        [
            "List of 1 item",
            "[1,\"[elided: list of 2 items beyond depth 2]\"]"
        ]
    );
}

struct TestGuard;

impl Guard for TestGuard {
    fn is_sensitive_key(&self, key: &str) -> bool {
        key == "password" || key == "card"
    }
    fn field_allowed(&self, key: &str) -> bool {
        key != "hidden"
    }
    fn withhold_integer(&self, n: u64) -> bool {
        n == 4_111_111_111_111_111 || n == 4_222_222_222_222
    }
    fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if text.contains("SECRET") {
            Cow::Owned(text.replace("SECRET", "[X]"))
        } else {
            Cow::Borrowed(text)
        }
    }
}

#[test]
fn guard_withholds_scrubs_and_projects() {
    let opts = SummaryOptions::default();
    let rows = json!([
        {"id": 1, "password": "pw1", "hidden": "h", "card": 4111111111111111_u64, "tag": "SECRET-a", "num": 4222222222222_u64, "big": 4111111111111111_u64},
        {"id": 2, "password": "pw2", "hidden": "h", "card": 4111111111111111_u64, "tag": "b", "num": 4222222222222_u64, "big": 4111111111111111_u64},
    ]);
    let s = summarize_guarded(&rows, &opts, &TestGuard);
    assert_eq!(s.omitted_fields(), (&["hidden".to_owned()][..], false));
    let f = s.into_facts();
    let text = f.join("\n");
    assert!(!text.contains("pw1") && !text.contains("hidden") && !text.contains("SECRET"));
    assert!(
        !text.contains("4111111111111111") && !text.contains("4222222222222"),
        "{text}"
    );
    // 10^15 and more print in scientific form, which cannot spell a card number.
    assert!(
        f.contains(&"big: min=4.11e15, max=4.11e15, avg=4.11e15".to_owned()),
        "{f:?}"
    );
    assert!(
        f.contains(&"password: values withheld (sensitive key)".to_owned()),
        "{f:?}"
    );
    assert!(
        f.contains(&"num: min/max/avg [withheld]".to_owned()),
        "{f:?}"
    );
    assert!(
        f.contains(&"tag distribution: [X]-a=1, b=1".to_owned()),
        "{f:?}"
    );

    let map = json!({"password": "pw", "SECRET key": "v SECRET", "n": -4111111111111111_i64, "hidden": 1});
    let f = summarize_guarded(&map, &opts, &TestGuard).into_facts();
    assert_eq!(
        f,
        [
            "Keys: [X] key, n, password",
            "password: [withheld]",
            "[X] key: v [X]",
            "n: [withheld]"
        ]
    );

    let list = json!([{"password": "pw", "hidden": 2, "x": "SECRET"}]);
    let opts = SummaryOptions::default();
    // Rows at depth 1 need max_depth >= 2 to be records; with 1 they are elided items.
    let f = summarize_guarded(&list, &opts.clone().max_depth(1), &TestGuard).into_facts();
    assert_eq!(
        f,
        [
            "List of 1 item",
            "\"[elided: dict with 3 keys beyond depth 1]\""
        ]
    );
    let f = summarize_guarded(
        &json!([5, {"password": "pw", "hidden": 2, "x": "SECRET"}]),
        &opts,
        &TestGuard,
    )
    .into_facts();
    assert_eq!(
        f,
        [
            "List of 2 items",
            "5",
            "{\"password\":\"[withheld]\",\"x\":\"[X]\"}"
        ]
    );
}
