//! The bytes path: serde seeds that read only what the frame needs.
//!
//! Each seed mirrors a step of the `Value` path so that both give the same frame:
//!
//! * [`Bounded`] builds a `Value` but never past the depth limit: a deeper container is
//!   skipped by serde_json's iterative skipper (so any nesting depth is accepted; [`Skip`]
//!   keeps it as strict as the parser) and becomes the same counted marker the `Value`
//!   walk writes. Values the frame will never show — projected out, past `max_fields` in
//!   a row — are skipped and left as a `null` placeholder (or not kept), so the common walk in [`Scope`](super::scope::Scope)
//!   treats them exactly as it treats the parsed ones. Under a key that is not plain only
//!   the scalar is read (a container stands as the marker, which the typed rule always
//!   masks there), and a pair name (`name`, `key`, `header`) is always kept as its string,
//!   so the name/value pair rule sees what the `Value` path sees.
//! * The table visitor (`table.rs`) keeps the first `max_rows` elements and only counts
//!   the rest.
//! * The summary visitors (`summary.rs`) feed the summarizer row by row, field by field,
//!   with borrowed strings and no `Value` per row.

use std::borrow::Cow;
use std::cell::Cell as StdCell;
use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::scope::Scope;

/// The scalar arms of a visitor that builds a `Value`: a scalar is kept as it is (whether
/// it may be shown is decided by the caller, per key).
macro_rules! scalar_visits {
    () => {
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }

        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }

        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
    };
}

/// A value the frame never shows, skipped as strictly as serde_json's `Value` parser reads it.
///
/// serde_json's own skipper (`IgnoredAny`) is iterative, so any depth passes, but it is
/// more lenient than its parser: it takes invalid UTF-8 inside strings, numbers beyond
/// f64's range and lone UTF-16 surrogates in `\u` escapes, so `transform_json` would frame
/// bytes `transform` never sees (all three found by the `firewall_json` fuzz target).
/// Borrowing the skipped bytes as a `RawValue` uses the same iterative skipper and
/// validates their UTF-8; when those bytes hold a `\u` escape or a number that could
/// overflow, weaver-estimate's validator (which accepts exactly what serde_json's parser
/// accepts, at any depth) reads them again.
pub(crate) struct Skip;

impl<'de> serde::Deserialize<'de> for Skip {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        let raw = <&serde_json::value::RawValue>::deserialize(d)?;
        let bytes = raw.get().as_bytes();
        if strict::needs_strict_check(bytes)
            && let Err(e) = weaver_estimate::estimate_json_bytes(bytes)
        {
            return Err(serde::de::Error::custom(e.kind));
        }
        Ok(Skip)
    }
}

pub(super) fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<usize, A::Error> {
    let mut n = 0;
    while seq.next_element::<Skip>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

pub(super) fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<usize, A::Error> {
    let mut n = 0;
    while map.next_entry::<Skip, Skip>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// Skips a map whose entry count the frame shows (an elision marker): the count must be
/// the parsed `Value`'s, one per distinct key, so a repeated key sends the document to the
/// `Value` path ([`DUPLICATE_KEY`]).
pub(super) fn drain_map_counted<'de, A: MapAccess<'de>>(mut map: A) -> Result<usize, A::Error> {
    let mut keys: Vec<Cow<'de, str>> = Vec::new();
    while let Some(key) = map.next_key_seed(KeySeed)? {
        map.next_value::<Skip>()?;
        keys.push(key);
    }
    let n = keys.len();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() == n {
        Ok(n)
    } else {
        Err(serde::de::Error::custom(DUPLICATE_KEY))
    }
}

/// Builds the part of a value that a frame can show (see the module docs).
#[derive(Clone, Copy)]
pub(crate) struct Bounded<'s, 'a> {
    pub(crate) scope: &'s Scope<'a>,
    pub(crate) depth: usize,
    /// The value is the top-level one or a list element: projection applies to its keys.
    pub(crate) project: bool,
    /// The value is a table row: keep at most this many allowed fields, count the others.
    pub(crate) row: Option<(usize, &'s StdCell<usize>)>,
}

impl<'de> DeserializeSeed<'de> for Bounded<'_, '_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_, '_> {
    type Value = Value;

    scalar_visits!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth >= self.scope.max_depth {
            let n = drain_seq(seq)?;
            self.scope.add_elided(1);
            return Ok(Value::String(weaver_redact::elision_marker(
                false,
                n,
                self.scope.max_depth,
            )));
        }
        let child = Bounded {
            depth: self.depth + 1,
            project: true,
            row: None,
            ..self
        };
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(child)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth >= self.scope.max_depth {
            let n = drain_map_counted(map)?;
            self.scope.add_elided(1);
            return Ok(Value::String(weaver_redact::elision_marker(
                true,
                n,
                self.scope.max_depth,
            )));
        }
        let child = Bounded {
            depth: self.depth + 1,
            project: false,
            row: None,
            ..self
        };
        let mut out = Map::new();
        let mut fields = 0usize;
        // Pair values read in full, with the elisions counted inside them.
        let mut pair_values: Vec<(String, u64)> = Vec::new();
        let redactor = self.scope.redactor();
        // Keys read but not kept in `out` (past `max_fields`): a repeat of any key makes
        // the `Value` path's one entry per key impossible to follow in one pass.
        let mut dropped: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) || dropped.contains(&key) {
                return Err(serde::de::Error::custom(DUPLICATE_KEY));
            }
            let allowed = !self.project || self.scope.allowed(&key);
            // A pair name is kept whatever happens to its field: the `Value` path decides
            // the pair on the whole map, before projection and `max_fields`.
            let pair_name = redactor.is_pair_name_field(&key);
            if allowed && let Some((max_fields, extra)) = self.row {
                fields += 1;
                if fields > max_fields {
                    if let Some(name) = pair_name_of(&mut map, pair_name)? {
                        // Kept uncounted: the row counts it as the field past the limit.
                        out.insert(key, Value::String(name));
                    } else {
                        extra.set(extra.get() + 1);
                        dropped.push(key);
                    }
                    continue;
                }
            }
            if !allowed {
                let name = pair_name_of(&mut map, pair_name)?;
                out.insert(key, name.map_or(Value::Null, Value::String));
                continue;
            }
            if !self.scope.rule(&key).is_plain() {
                // Only the type and the scalar decide (a container is always masked).
                let v = map.next_value_seed(ShapeSeed)?;
                out.insert(key, v);
                continue;
            }
            let before = self.scope.elided();
            let v = map.next_value_seed(child)?;
            // Any field the map's pair rule may mask (a pair's value, a Secret's `data`).
            let elided = self.scope.elided() - before;
            if elided > 0 {
                pair_values.push((key.clone(), elided));
            }
            out.insert(key, v);
        }
        // A value the map's pair rule masks is never walked by the `Value` path: take back
        // what reading it counted.
        if let Some(pair) = redactor.pair_rule(&out) {
            for (key, elided) in pair_values {
                if let Some(v) = out.get(&key)
                    && redactor.pair_masks(Some(pair), &key, v)
                {
                    self.scope.sub_elided(elided);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// A value under a key that is not plain: only its type and scalar decide whether it is
/// masked, so a container is skipped and stands as the marker (always masked there).
pub(super) struct ShapeSeed;

impl<'de> DeserializeSeed<'de> for ShapeSeed {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed {
    type Value = Value;

    scalar_visits!();

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        drain_seq(seq)?;
        Ok(Value::String(weaver_redact::MARKER.to_owned()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        drain_map(map)?;
        Ok(Value::String(weaver_redact::MARKER.to_owned()))
    }
}

/// Skips the next value, keeping it when it is the string of a pair-name field.
fn pair_name_of<'de, A: MapAccess<'de>>(
    map: &mut A,
    pair_name: bool,
) -> Result<Option<String>, A::Error> {
    if pair_name {
        map.next_value_seed(NameSeed)
    } else {
        map.next_value::<Skip>().map(|_| None)
    }
}

/// A field that is not shown: only a string matters (it may be a pair name).
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Option<String>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NameSeed {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(None)
    }
}

/// A map key, borrowed from the input when it has no escapes.
pub(super) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

mod strict;
mod summary;
mod table;

pub(crate) use summary::{DUPLICATE_KEY, SummaryTop};
pub(crate) use table::TableTop;
