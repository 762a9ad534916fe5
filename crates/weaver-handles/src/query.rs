//! Expansion queries: what page of a stored result a caller asks for.

use std::cmp::Ordering;

use serde::de::Error as _;
use serde_json::{Map, Number, Value};

use crate::HandleError;

/// Most filter clauses in one query (scope clauses included).
pub const MAX_FILTER_CLAUSES: usize = 64;
/// Most values in one `in` list.
pub const MAX_IN_VALUES: usize = 1024;
/// Longest string operand, in bytes.
pub const MAX_OPERAND_BYTES: usize = 4096;
/// Most names in `fields`.
pub const MAX_QUERY_FIELDS: usize = 1024;

/// A page request against a stored result, as a caller (or a model) sends it:
///
/// ```json
/// {"offset": 0, "limit": 200, "fields": ["id", "status"],
///  "filter": {"status": "refunded", "amount": {"gte": 100}}}
/// ```
///
/// Types are strict: `offset` and `limit` are non-negative integers (`-1`, `2.5`, `"3"`
/// are errors), `fields` is a list of strings, `filter` an object; unknown keys are errors
/// (a misspelt `"filters"` must not silently widen a query). `null` means absent for
/// `limit`, `fields` and `filter`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpandQuery {
    /// Matching rows to skip (for a text payload: UTF-8 bytes to skip).
    #[serde(default)]
    pub offset: u64,
    /// Most rows wanted; also capped by the grant's `max_rows` and the budget's `max_rows`.
    #[serde(default)]
    pub limit: Option<u64>,
    /// Top-level fields to keep, in the rows' own key order. Absent or empty: the grant's
    /// `allowed_fields`, else every field.
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    /// Conditions on top-level fields, all of which must hold.
    #[serde(default)]
    pub filter: Filter,
}

impl ExpandQuery {
    /// An empty query: the first page of everything visible.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a query from a JSON value, with the strict types described above.
    pub fn from_json(value: &Value) -> Result<Self, HandleError> {
        // serde would also accept a struct as a JSON array of its fields; a query is an
        // object only.
        if !value.is_object() {
            return Err(HandleError::InvalidQuery(
                "an expand query must be a JSON object".to_owned(),
            ));
        }
        // serde reads a `Value` recursively: a hostile query nested 100 000 levels deep
        // would overflow the stack before any type check refused it. No valid query nests
        // deeper than `{"filter": {"f": {"in": [scalar]}}}`.
        if exceeds_depth(value, MAX_QUERY_DEPTH) {
            return Err(HandleError::InvalidQuery(format!(
                "an expand query nests deeper than {MAX_QUERY_DEPTH} levels"
            )));
        }
        if let Some(k) = value
            .as_object()
            .and_then(|m| m.keys().find(|k| !QUERY_FIELDS.contains(&k.as_str())))
        {
            return Err(HandleError::InvalidQuery(format!(
                "unknown field {}; expected one of {}",
                shown(k),
                QUERY_FIELDS.join(", ")
            )));
        }
        let q = <ExpandQuery as serde::Deserialize>::deserialize(value)
            .map_err(|e| HandleError::InvalidQuery(scrub(&e.to_string())))?;
        q.validate()?;
        Ok(q)
    }

    /// Parses a query from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, HandleError> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| HandleError::InvalidQuery(e.to_string()))?;
        Self::from_json(&v)
    }

    /// Sets `offset`.
    pub fn with_offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Sets `limit`.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets `fields`.
    pub fn with_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    /// Sets `filter`.
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// Checks the bounds a hand-built query may break (deserialized ones are checked on
    /// parse): clause and list counts, operand sizes.
    pub fn validate(&self) -> Result<(), HandleError> {
        if let Some(f) = &self.fields
            && f.len() > MAX_QUERY_FIELDS
        {
            return Err(HandleError::InvalidQuery(format!(
                "fields lists {} names; at most {MAX_QUERY_FIELDS}",
                f.len()
            )));
        }
        self.filter.validate()
    }

    /// The requested fields, `None` when absent or empty.
    pub(crate) fn requested_fields(&self) -> Option<&[String]> {
        self.fields.as_deref().filter(|f| !f.is_empty())
    }
}

/// One condition on a field's value.
///
/// Numbers compare as numbers (`1 == 1.0`, `2 < 2.5`); strings compare by code point;
/// `true` is not `1`. Comparisons between different types are false. A condition on a
/// field a row lacks is false (also for `ne`).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Equal to a scalar.
    Eq(Value),
    /// Present and not equal to a scalar.
    Ne(Value),
    /// Equal to one of these scalars.
    In(Vec<Value>),
    /// Less than a number or string.
    Lt(Value),
    /// Less than or equal.
    Lte(Value),
    /// Greater than.
    Gt(Value),
    /// Greater than or equal.
    Gte(Value),
    /// A string containing this substring (case-sensitive).
    Contains(String),
}

/// The fields of a query object.
const QUERY_FIELDS: [&str; 4] = ["offset", "limit", "fields", "filter"];

/// A caller-supplied name as an error message may show it: quoted when it is a short,
/// plain identifier, otherwise not at all. Error texts reach callers, traces and logs,
/// and a redactor cannot be trusted with every string glued into a name
/// (`card 4111111111111111it` is no card to it); a name that could carry data is not
/// repeated. Found by the `kernel_invoke` fuzz target.
pub(crate) fn shown(name: &str) -> String {
    if is_plain_name(name) {
        format!("'{name}'")
    } else {
        "(a name not shown)".to_owned()
    }
}

/// Whether a caller-supplied name is safe to repeat in an error message: a short
/// identifier (at most 32 bytes of `[A-Za-z0-9_.-]`, at most 4 digits) that no card,
/// phone, address or key fits in. A name that is not plain may carry data glued where a
/// redactor cannot see it (`card 4111111111111111it`), so it is not repeated at all.
///
/// ```
/// assert!(weaver_handles::is_plain_name("status"));
/// assert!(!weaver_handles::is_plain_name("card 4111111111111111it"));
/// ```
pub fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && s.bytes().filter(u8::is_ascii_digit).count() <= 4
}

/// serde's message with every quoted piece of input that [`shown`] would not show
/// replaced (serde quotes the offending input: ``invalid type: string "…"``).
fn scrub(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(['"', '`']) {
        let quote = rest[i..].chars().next().unwrap_or('"');
        out.push_str(&rest[..=i]);
        let after = &rest[i + 1..];
        if let Some(j) = after.find(quote) {
            let inner = &after[..j];
            out.push_str(if is_plain_name(inner) { inner } else { "…" });
            out.push(quote);
            rest = &after[j + 1..];
        } else {
            out.push('…');
            rest = "";
        }
    }
    out.push_str(rest);
    out
}

/// How deep a query may nest (a valid one nests 5 levels at most: query, filter, field,
/// operators, `in` list).
const MAX_QUERY_DEPTH: usize = 8;

/// Whether `value` nests containers deeper than `limit`; iterative, and never walks below
/// `limit`, so its cost and stack stay bounded whatever the input.
fn exceeds_depth(value: &Value, limit: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        let is_container = matches!(v, Value::Array(_) | Value::Object(_));
        if is_container && depth > limit {
            return true;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|c| (c, depth + 1))),
            _ => {}
        }
    }
    false
}

const OPS: [&str; 8] = ["eq", "ne", "in", "lt", "lte", "gt", "gte", "contains"];

/// Conditions on top-level fields, AND-ed.
///
/// JSON form: `{"field": scalar}` is equality; `{"field": {"op": operand, …}}` with ops
/// `eq`, `ne`, `in` (a list), `lt`, `lte`, `gt`, `gte` (a number or string), `contains`
/// (a string) applies every op. Comparing with an object or list value is not supported
/// (an error), which keeps every clause cheap and bounded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    clauses: Vec<(String, Condition)>,
}

impl Filter {
    /// No conditions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `field == value`.
    pub fn eq(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.with(field, Condition::Eq(value.into()))
    }

    /// Adds a condition on `field`.
    pub fn with(mut self, field: impl Into<String>, cond: Condition) -> Self {
        self.clauses.push((field.into(), cond));
        self
    }

    /// The clauses, in order.
    pub fn clauses(&self) -> &[(String, Condition)] {
        &self.clauses
    }

    /// Whether there are no conditions.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Builds a filter from its JSON object form.
    pub fn from_map(map: &Map<String, Value>) -> Result<Self, HandleError> {
        let mut clauses = Vec::new();
        for (field, v) in map {
            match v {
                Value::Object(ops)
                    if !ops.is_empty() && ops.keys().all(|k| OPS.contains(&k.as_str())) =>
                {
                    for (op, operand) in ops {
                        clauses.push((field.clone(), condition(op, operand)?));
                    }
                }
                Value::Object(_) | Value::Array(_) => {
                    return Err(HandleError::InvalidQuery(format!(
                        "filter on {}: expected a scalar or an object of operators ({})",
                        shown(field),
                        OPS.join(", ")
                    )));
                }
                scalar => clauses.push((field.clone(), Condition::Eq(scalar.clone()))),
            }
        }
        let f = Filter { clauses };
        f.validate()?;
        Ok(f)
    }

    /// Checks clause counts and operand shapes and sizes.
    pub fn validate(&self) -> Result<(), HandleError> {
        if self.clauses.len() > MAX_FILTER_CLAUSES {
            return Err(HandleError::InvalidQuery(format!(
                "filter has {} conditions; at most {MAX_FILTER_CLAUSES}",
                self.clauses.len()
            )));
        }
        for (field, c) in &self.clauses {
            let bad = |m: &str| {
                Err(HandleError::InvalidQuery(format!(
                    "filter on {}: {m}",
                    shown(field)
                )))
            };
            match c {
                Condition::Eq(v) | Condition::Ne(v) => {
                    if !is_scalar(v) {
                        return bad("eq/ne need a scalar");
                    }
                    check_len(field, v)?;
                }
                Condition::In(vs) => {
                    if vs.len() > MAX_IN_VALUES {
                        return bad("`in` list too long");
                    }
                    for v in vs {
                        if !is_scalar(v) {
                            return bad("`in` needs a list of scalars");
                        }
                        check_len(field, v)?;
                    }
                }
                Condition::Lt(v) | Condition::Lte(v) | Condition::Gt(v) | Condition::Gte(v) => {
                    if !(v.is_number() || v.is_string()) {
                        return bad("lt/lte/gt/gte need a number or a string");
                    }
                    check_len(field, v)?;
                }
                Condition::Contains(s) => {
                    if s.len() > MAX_OPERAND_BYTES {
                        return bad("`contains` operand too long");
                    }
                }
            }
        }
        Ok(())
    }

    /// The JSON object form (operators spelt out).
    fn to_map(&self) -> Map<String, Value> {
        let mut m = Map::new();
        for (field, c) in &self.clauses {
            let (op, operand) = match c {
                Condition::Eq(v) => ("eq", v.clone()),
                Condition::Ne(v) => ("ne", v.clone()),
                Condition::In(vs) => ("in", Value::Array(vs.clone())),
                Condition::Lt(v) => ("lt", v.clone()),
                Condition::Lte(v) => ("lte", v.clone()),
                Condition::Gt(v) => ("gt", v.clone()),
                Condition::Gte(v) => ("gte", v.clone()),
                Condition::Contains(s) => ("contains", Value::String(s.clone())),
            };
            let slot = m
                .entry(field.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(ops) = slot {
                ops.insert(op.to_owned(), operand);
            }
        }
        m
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn check_len(field: &str, v: &Value) -> Result<(), HandleError> {
    match v {
        Value::String(s) if s.len() > MAX_OPERAND_BYTES => Err(HandleError::InvalidQuery(format!(
            "filter on {}: operand longer than {MAX_OPERAND_BYTES} bytes",
            shown(field)
        ))),
        _ => Ok(()),
    }
}

fn condition(op: &str, operand: &Value) -> Result<Condition, HandleError> {
    Ok(match op {
        "eq" => Condition::Eq(operand.clone()),
        "ne" => Condition::Ne(operand.clone()),
        "in" => match operand {
            Value::Array(vs) => Condition::In(vs.clone()),
            _ => return Err(HandleError::InvalidQuery("`in` needs a list".to_owned())),
        },
        "lt" => Condition::Lt(operand.clone()),
        "lte" => Condition::Lte(operand.clone()),
        "gt" => Condition::Gt(operand.clone()),
        "gte" => Condition::Gte(operand.clone()),
        "contains" => match operand {
            Value::String(s) => Condition::Contains(s.clone()),
            _ => {
                return Err(HandleError::InvalidQuery(
                    "`contains` needs a string".to_owned(),
                ));
            }
        },
        other => {
            return Err(HandleError::InvalidQuery(format!(
                "unknown filter operator {}",
                shown(other)
            )));
        }
    })
}

impl serde::Serialize for Filter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Filter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<Map<String, Value>>::deserialize(d)? {
            None => Ok(Filter::default()),
            Some(m) => Filter::from_map(&m).map_err(|e| D::Error::custom(e.to_string())),
        }
    }
}

impl Condition {
    /// Whether `value` (the field's value as the caller could see it) satisfies this.
    pub fn holds(&self, value: &Value) -> bool {
        match self {
            Condition::Eq(v) => json_eq(value, v),
            Condition::Ne(v) => !json_eq(value, v),
            Condition::In(vs) => vs.iter().any(|v| json_eq(value, v)),
            Condition::Lt(v) => json_cmp(value, v) == Some(Ordering::Less),
            Condition::Lte(v) => {
                matches!(json_cmp(value, v), Some(Ordering::Less | Ordering::Equal))
            }
            Condition::Gt(v) => json_cmp(value, v) == Some(Ordering::Greater),
            Condition::Gte(v) => {
                matches!(
                    json_cmp(value, v),
                    Some(Ordering::Greater | Ordering::Equal)
                )
            }
            Condition::Contains(s) => value.as_str().is_some_and(|h| h.contains(s.as_str())),
        }
    }
}

/// JSON equality where numbers compare by value (`1 == 1.0`), recursively.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn json_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y),
        (Value::String(x), Value::String(y)) => Some(x.as_str().cmp(y.as_str())),
        _ => None,
    }
}

/// Exact numeric order of two JSON numbers, integers and floats mixed.
pub(crate) fn num_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    match (int_of(a), int_of(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        (Some(x), None) => int_float_cmp(x, b.as_f64()?),
        (None, Some(y)) => int_float_cmp(y, a.as_f64()?).map(Ordering::reverse),
        (None, None) => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

fn int_of(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn int_float_cmp(i: i128, f: f64) -> Option<Ordering> {
    if !f.is_finite() {
        return if f.is_nan() {
            None
        } else if f > 0.0 {
            Some(Ordering::Less)
        } else {
            Some(Ordering::Greater)
        };
    }
    // Floats of magnitude below 2^100 convert to i128 exactly after flooring; comparing
    // the floor and then the fraction keeps the comparison exact for huge integers too,
    // where `i as f64` would round.
    if f.abs() < 1e30 {
        let fl = f.floor();
        let fi = fl as i128;
        match i.cmp(&fi) {
            Ordering::Equal if f > fl => Some(Ordering::Less),
            other => Some(other),
        }
    } else if f > 0.0 {
        Some(Ordering::Less)
    } else {
        Some(Ordering::Greater)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn number_equivalence_vectors() {
        // (a, b, expected ordering of a vs b)
        let cases = [
            (json!(1), json!(1.0), Ordering::Equal),
            (json!(-3), json!(-3.0), Ordering::Equal),
            (json!(2), json!(2.5), Ordering::Less),
            (json!(-2), json!(-2.5), Ordering::Greater),
            (json!(u64::MAX), json!(i64::MIN), Ordering::Greater),
            (
                json!(9007199254740993_u64),
                json!(9007199254740992.0),
                Ordering::Greater,
            ),
            (json!(0.5), json!(0.25), Ordering::Greater),
            (json!(1e300), json!(u64::MAX), Ordering::Greater),
        ];
        for (a, b, want) in cases {
            let (Value::Number(x), Value::Number(y)) = (&a, &b) else {
                unreachable!()
            };
            assert_eq!(num_cmp(x, y), Some(want), "{a} vs {b}");
            assert_eq!(num_cmp(y, x), Some(want.reverse()), "{b} vs {a}");
        }
        assert!(json_eq(&json!(1), &json!(1.0)));
        assert!(!json_eq(&json!(1), &json!(true)));
        assert!(!json_eq(&json!("1"), &json!(1)));
    }

    #[test]
    fn strict_query_types() {
        for bad in [
            json!({"offset": -1}),
            json!({"offset": 1.5}),
            json!({"offset": "3"}),
            json!({"offset": null}),
            json!({"limit": -1}),
            json!({"limit": "abc"}),
            json!({"limit": 2.0}),
            json!({"fields": "id"}),
            json!({"fields": [1]}),
            json!({"filter": ["not-a-dict"]}),
            json!({"filter": {"a": [1, 2]}}),
            json!({"filter": {"a": {"x": 1}}}),
            json!({"filter": {"a": {"in": 3}}}),
            json!({"filter": {"a": {"lt": true}}}),
            json!({"filter": {"a": {"contains": 3}}}),
            json!({"filters": {}}),
            json!([]),
        ] {
            let err = ExpandQuery::from_json(&bad).unwrap_err();
            assert_eq!(err.reason_code(), "invalid_constraint", "{bad}");
        }
    }

    #[test]
    fn query_parses_and_round_trips() {
        let j = json!({"offset": 5, "limit": null, "fields": ["id"],
                       "filter": {"status": "paid", "amount": {"gte": 10, "lt": 20.5}}});
        let q = ExpandQuery::from_json(&j).unwrap();
        assert_eq!(q.offset, 5);
        assert_eq!(q.limit, None);
        assert_eq!(q.filter.clauses().len(), 3);
        let back = serde_json::to_value(&q).unwrap();
        assert_eq!(ExpandQuery::from_json(&back).unwrap(), q);
    }

    #[test]
    fn bounds_are_enforced() {
        let mut m = Map::new();
        for i in 0..=MAX_FILTER_CLAUSES {
            m.insert(format!("f{i}"), json!(i));
        }
        assert!(Filter::from_map(&m).is_err());
        let long = "x".repeat(MAX_OPERAND_BYTES + 1);
        assert!(ExpandQuery::from_json(&json!({"filter": {"a": long}})).is_err());
        let many: Vec<u64> = (0..=MAX_IN_VALUES as u64).collect();
        assert!(ExpandQuery::from_json(&json!({"filter": {"a": {"in": many}}})).is_err());
    }

    #[test]
    fn condition_vectors() {
        let cases = [
            (Condition::Eq(json!(1)), json!(1.0), true),
            (Condition::Ne(json!("a")), json!("b"), true),
            (Condition::Ne(json!("a")), json!("a"), false),
            (Condition::In(vec![json!(1), json!("x")]), json!("x"), true),
            (Condition::In(vec![json!(1), json!("x")]), json!(2), false),
            (Condition::Lt(json!(10)), json!(9.5), true),
            (Condition::Lt(json!(10)), json!("9"), false),
            (Condition::Lte(json!("b")), json!("b"), true),
            (Condition::Gt(json!("b")), json!("a"), false),
            (Condition::Gte(json!(0)), json!(-0.0), true),
            (Condition::Contains("fun".into()), json!("refunded"), true),
            (Condition::Contains("FUN".into()), json!("refunded"), false),
            (Condition::Contains("1".into()), json!(1), false),
        ];
        for (c, v, want) in cases {
            assert_eq!(c.holds(&v), want, "{c:?} on {v}");
        }
    }
}
