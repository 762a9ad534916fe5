//! What a page copies of a row: the selected fields, with containers at the elision depth
//! replaced by markers, so a page costs what it shows.

use serde_json::{Map, Value};
use weaver_redact::{Kind, Redactor};

/// Deepest budget for which rows are copied with a (bounded) recursive walk that stops at
/// the elision depth; deeper budgets copy iteratively and let the redactor elide.
const BOUNDED_COPY_DEPTH: usize = 64;

/// Copies what the caller may see of a row: for an object, the selected fields in the
/// row's own order, at most `max_fields` of them; anything else whole. Containers at the
/// elision depth are not copied at all but replaced by the redactor's elision marker, so
/// a page costs what it shows, not what the row holds. Also returns how many fields were
/// selected before the cap, and the fields masked as values of a sensitive name/value
/// pair (decided on the whole row, so a pair name left out still protects its value).
pub(crate) fn project<'r>(
    row: &'r Value,
    fields: Option<&[String]>,
    max_fields: usize,
    depth_limit: usize,
    redactor: &Redactor,
) -> (Value, usize, Vec<&'r str>) {
    let copy = |v: &Value, depth: usize| {
        if depth_limit <= BOUNDED_COPY_DEPTH {
            copy_bounded(v, depth, depth_limit, redactor)
        } else {
            weaver_redact::clone_deep(v)
        }
    };
    let Value::Object(m) = row else {
        return (copy(row, 0), 0, Vec::new());
    };
    if depth_limit == 0 {
        return (copy(row, 0), m.len(), Vec::new());
    }
    // Decided on the whole row: a pair name left out of the selection still protects
    // its value.
    let pair = redactor.pair_rule(m);
    if fields.is_none()
        && m.len() <= max_fields
        && !m.iter().any(|(k, v)| redactor.pair_masks(pair, k, v))
    {
        // Every field shown and none masked as a pair value: the row is copied as
        // `copy_bounded` copies any map (the same markers at the same depths), which can
        // keep its hashes instead of inserting field by field.
        return (copy(row, 0), m.len(), Vec::new());
    }
    let mut out = Map::with_capacity(m.len().min(max_fields));
    let mut selected = 0;
    let mut pair_masked = Vec::new();
    for (k, v) in m {
        if fields.is_none_or(|f| f.iter().any(|x| x == k)) {
            selected += 1;
            if out.len() < max_fields {
                let masked_pair = redactor.pair_masks(pair, k, v);
                if masked_pair {
                    pair_masked.push(k.as_str());
                }
                let child = if masked_pair
                    || (is_container(v)
                        && 1 >= depth_limit
                        && !redactor.key_rule_remembered(k).is_plain())
                {
                    // Masked whatever it holds; no need to copy it.
                    Value::String(redactor.marker(Kind::SensitiveKey).to_owned())
                } else {
                    copy(v, 1)
                };
                out.insert(k.clone(), child);
            }
        }
    }
    (Value::Object(out), selected, pair_masked)
}

pub(crate) fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// Most values inside containers at the elision depth that [`copy_bounded`] may copy only
/// to drop them again. Cloning a subtree whole keeps each map's stored hashes (building a
/// map key by key hashes every key again), so a subtree that hides at most this many
/// values is cloned and then elided in place; one that hides more is rebuilt level by
/// level, so a page still costs what it shows.
const CLONE_HIDDEN: usize = 32;

/// Whether the values `v` (at `depth`) holds inside containers at `limit` or deeper number
/// at most `*budget`, which is reduced by what is found. Recursion is bounded by `limit`
/// plus the budget.
fn hides_at_most(v: &Value, depth: usize, limit: usize, budget: &mut usize) -> bool {
    let mut each = |c: &Value| {
        if depth + 1 > limit {
            // Inside an elided container: every value counts.
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
        }
        hides_at_most(c, depth + 1, limit, budget)
    };
    match v {
        Value::Array(a) => a.iter().all(&mut each),
        Value::Object(m) => m.values().all(&mut each),
        _ => true,
    }
}

/// Replaces, in a clone made by [`copy_bounded`], what `copy_bounded` would not have
/// copied: containers at `limit` or deeper by the elision marker, or by the key marker
/// under a key that is not plain. `v` is at `depth < limit`.
fn elide_below(v: &mut Value, depth: usize, limit: usize, redactor: &Redactor) {
    let elided = |c: &Value| match c {
        Value::Array(a) => weaver_redact::elision_marker(false, a.len(), limit),
        Value::Object(m) => weaver_redact::elision_marker(true, m.len(), limit),
        _ => String::new(),
    };
    match v {
        Value::Array(a) => {
            for c in a.iter_mut().filter(|c| is_container(c)) {
                if depth + 1 >= limit {
                    *c = Value::String(elided(c));
                } else {
                    elide_below(c, depth + 1, limit, redactor);
                }
            }
        }
        Value::Object(m) => {
            for (k, c) in m.iter_mut().filter(|(_, c)| is_container(c)) {
                if depth + 1 >= limit {
                    *c = Value::String(if redactor.key_rule_remembered(k).is_plain() {
                        elided(c)
                    } else {
                        redactor.marker(Kind::SensitiveKey).to_owned()
                    });
                } else {
                    elide_below(c, depth + 1, limit, redactor);
                }
            }
        }
        _ => {}
    }
}

/// Copies `v` (at `depth`), replacing containers at `limit` or deeper by the elision
/// marker. Recursion is bounded by `limit` (at most [`BOUNDED_COPY_DEPTH`]).
fn copy_bounded(v: &Value, depth: usize, limit: usize, redactor: &Redactor) -> Value {
    match v {
        Value::Array(a) if depth >= limit => {
            Value::String(weaver_redact::elision_marker(false, a.len(), limit))
        }
        Value::Object(m) if depth >= limit => {
            Value::String(weaver_redact::elision_marker(true, m.len(), limit))
        }
        Value::Array(_) | Value::Object(_)
            if hides_at_most(v, depth, limit, &mut { CLONE_HIDDEN }) =>
        {
            let mut out = v.clone();
            elide_below(&mut out, depth, limit, redactor);
            out
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|c| copy_bounded(c, depth + 1, limit, redactor))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, c)| {
                    let child = if is_container(c)
                        && depth + 1 >= limit
                        && !redactor.key_rule_remembered(k).is_plain()
                    {
                        // A container under a key that is not plain is masked, not
                        // elided: keep its place with the marker, which the redactor
                        // masks there.
                        Value::String(redactor.marker(Kind::SensitiveKey).to_owned())
                    } else {
                        copy_bounded(c, depth + 1, limit, redactor)
                    };
                    (k.clone(), child)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_rebuilt(v: &Value, depth: usize, limit: usize, redactor: &Redactor) -> Value {
        match v {
            Value::Array(a) if depth >= limit => {
                Value::String(weaver_redact::elision_marker(false, a.len(), limit))
            }
            Value::Object(m) if depth >= limit => {
                Value::String(weaver_redact::elision_marker(true, m.len(), limit))
            }
            Value::Array(a) => Value::Array(
                a.iter()
                    .map(|c| copy_rebuilt(c, depth + 1, limit, redactor))
                    .collect(),
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, c)| {
                        let child = if is_container(c)
                            && depth + 1 >= limit
                            && !redactor.key_rule(k).is_plain()
                        {
                            Value::String(redactor.marker(Kind::SensitiveKey).to_owned())
                        } else {
                            copy_rebuilt(c, depth + 1, limit, redactor)
                        };
                        (k.clone(), child)
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop::sample::select(vec![
            "id", "status", "password", "api_key", "tags", "meta", "name", "value", "cell",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            "[a-z0-9 ]{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 96, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..8).prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    proptest::proptest! {
        /// Cloning a subtree and eliding in place gives exactly what rebuilding it gives,
        /// whether the subtree hides few values (cloned) or many (rebuilt).
        #[test]
        fn cloned_copies_equal_rebuilt_ones(
            v in json_value(),
            depth in 0usize..3,
            extra in 0usize..5,
        ) {
            let r = Redactor::new();
            let limit = depth + extra;
            proptest::prop_assert_eq!(
                copy_bounded(&v, depth, limit, &r),
                copy_rebuilt(&v, depth, limit, &r)
            );
        }
    }

    #[test]
    fn subtrees_hiding_many_values_are_rebuilt_not_cloned() {
        let r = Redactor::new();
        let wide: Vec<Value> = (0..=CLONE_HIDDEN).map(|i| Value::from(i as u64)).collect();
        let v = serde_json::json!({"a": {"deep": wide}, "b": 1});
        let mut budget = CLONE_HIDDEN;
        assert!(!hides_at_most(&v, 0, 2, &mut budget));
        let mut budget = CLONE_HIDDEN;
        assert!(hides_at_most(&v, 0, 3, &mut budget));
        assert_eq!(copy_bounded(&v, 0, 2, &r), copy_rebuilt(&v, 0, 2, &r));
        assert_eq!(
            copy_bounded(&v, 0, 2, &r),
            serde_json::json!({"a": {"deep": weaver_redact::elision_marker(false, CLONE_HIDDEN + 1, 2)}, "b": 1})
        );
    }
}
