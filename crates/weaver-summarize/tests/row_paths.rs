//! A parsed list of records takes a shortcut for rows whose keys repeat the previous row's
//! (and prefetches rows ahead); feeding the same rows field by field through the public
//! row API ([`ListSummarizer::cell`]) takes none. Both must give the same summary, with a
//! guard that leaves every column alone and with one that watches some.

use std::borrow::Cow;

use proptest::prelude::*;
use serde_json::{Map, Value};
use weaver_summarize::{Cell, Guard, ListSummarizer, NoGuard, SummaryOptions, summarize_guarded};

/// A guard with every kind of watched column: a projected-out field, a pair name and its
/// value, keys whose values are checked one by one (`secret` always, `email` only when a
/// string holds an `@`), and a scrub.
struct Watching;

impl Guard for Watching {
    fn checks_key(&self, key: &str) -> bool {
        key == "secret" || key == "email"
    }
    fn withhold_value(&self, key: &str, value: Cell<'_>) -> bool {
        key == "secret" || matches!(value, Cell::Str(s) if s.contains('@'))
    }
    fn is_pair_name(&self, key: &str) -> bool {
        key == "name"
    }
    fn is_pair_value(&self, key: &str) -> bool {
        key == "value"
    }
    fn pair_name_sensitive(&self, name: &str) -> bool {
        name.contains("PASS")
    }
    fn field_allowed(&self, key: &str) -> bool {
        key != "hidden"
    }
    fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if text.contains('x') {
            Cow::Owned(text.replace('x', "*"))
        } else {
            Cow::Borrowed(text)
        }
    }
}

const KEYS: [&str; 10] = [
    "id", "status", "amount", "name", "value", "hidden", "secret", "email", "flag", "k",
];

fn cell_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-50i64..50).prop_map(Value::from),
        (-1e3f64..1e3).prop_map(Value::from),
        // Few distinct strings, so that distributions form; sometimes one too many.
        prop::sample::select(vec![
            "open",
            "closed",
            "DB_PASSWORD",
            "a@b",
            "x",
            "",
            "opén"
        ])
        .prop_map(Value::from),
        "[a-l]{0,3}".prop_map(Value::String),
        Just(Value::Array(vec![Value::from(1)])),
    ]
}

/// Rows that mostly repeat the previous row's keys in the same order (the shortcut), and
/// sometimes drop, add or reorder one.
fn rows() -> impl Strategy<Value = Vec<Value>> {
    let row_keys = prop::sample::subsequence(KEYS.to_vec(), 0..=KEYS.len());
    (
        row_keys,
        prop::collection::vec(
            (
                0u8..8,
                prop::sample::select(KEYS.to_vec()),
                prop::collection::vec(cell_value(), KEYS.len() + 1),
            ),
            0..40,
        ),
    )
        .prop_map(|(mut keys, edits)| {
            edits
                .into_iter()
                .map(|(edit, key, values)| {
                    match edit {
                        0 => keys.retain(|k| *k != key),
                        1 if !keys.contains(&key) => keys.push(key),
                        2 if keys.len() > 1 => keys.swap(0, 1),
                        3 => return values[0].clone(),
                        _ => {}
                    }
                    let map: Map<String, Value> = keys
                        .iter()
                        .zip(values)
                        .map(|(k, v)| ((*k).to_owned(), v))
                        .collect();
                    Value::Object(map)
                })
                .collect()
        })
}

/// The summary of `rows` fed one field at a time.
fn field_by_field(rows: &[Value], opts: &SummaryOptions, guard: &dyn Guard) -> Vec<String> {
    let mut s = ListSummarizer::new(opts, guard);
    for row in rows {
        match row {
            Value::Object(map) if s.records_allowed() => {
                s.begin_row();
                for (k, v) in map {
                    assert!(s.cell(k, Cell::of(v)));
                }
                s.end_row();
            }
            other => s.push(other),
        }
    }
    let summary = s.finish();
    let (names, more) = summary.omitted_fields();
    let mut out = summary.facts().to_vec();
    out.push(format!("{names:?} {more} {}", summary.omitted()));
    out
}

fn whole(rows: &[Value], opts: &SummaryOptions, guard: &dyn Guard) -> Vec<String> {
    let summary = summarize_guarded(&Value::Array(rows.to_vec()), opts, guard);
    let (names, more) = summary.omitted_fields();
    let mut out = summary.facts().to_vec();
    out.push(format!("{names:?} {more} {}", summary.omitted()));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn shortcut_equals_field_by_field(rows in rows(), watching in any::<bool>(), max in 0usize..30) {
        let opts = SummaryOptions::default().max_facts(max).max_depth(3);
        let guard: &dyn Guard = if watching { &Watching } else { &NoGuard };
        prop_assert_eq!(whole(&rows, &opts, guard), field_by_field(&rows, &opts, guard));
    }
}
