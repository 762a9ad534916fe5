//! The summary: records and list items folded into the summarizer while parsing.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use weaver_summarize::{
    Cell, ListSummarizer, MapSummarizer, Summary, SummaryOptions, summarize_guarded, summarize_text,
};

use super::{Bounded, KeySeed, ShapeSeed, Skip, drain_map, drain_map_counted, drain_seq};
use crate::firewall::scope::Scope;

/// One record field as the statistics need it; containers are skipped, not built.
enum CellValue<'de> {
    Null,
    Bool(bool),
    Number(f64),
    Str(Cow<'de, str>),
    Container,
}

impl CellValue<'_> {
    fn cell(&self) -> Cell<'_> {
        match self {
            CellValue::Null => Cell::Null,
            CellValue::Bool(b) => Cell::Bool(*b),
            CellValue::Number(x) => Cell::Number(*x),
            CellValue::Str(s) => Cell::Str(s),
            CellValue::Container => Cell::Container,
        }
    }
}

struct CellSeed;

impl<'de> DeserializeSeed<'de> for CellSeed {
    type Value = CellValue<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellSeed {
    type Value = CellValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(CellValue::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(CellValue::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(CellValue::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(CellValue::Number(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(CellValue::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(CellValue::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(CellValue::Str(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(CellValue::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(CellValue::Container)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(CellValue::Container)
    }
}

/// One element of a top-level list, fed to the list summarizer.
struct ItemSeed<'x, 'g, 's, 'a> {
    summ: &'x mut ListSummarizer<'g>,
    scope: &'s Scope<'a>,
}

impl ItemSeed<'_, '_, '_, '_> {
    fn bounded(&self) -> Bounded<'_, '_> {
        Bounded {
            scope: self.scope,
            depth: 1,
            project: true,
            row: None,
        }
    }

    fn scalar(self, v: Value) {
        if self.summ.wants_item() {
            self.summ.push(&v);
        } else {
            self.summ.push_skipped();
        }
    }
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_, '_, '_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_, '_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.scalar(Value::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.scalar(Value::from(v));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.scalar(Value::from(v));
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.scalar(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        // Every string counts: a list of strings is summarized as text.
        self.summ.push_str(v);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.scalar(Value::Null);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        if self.summ.wants_item() {
            let v = self.bounded().visit_seq(seq)?;
            self.summ.push_container(&v);
        } else {
            drain_seq(seq)?;
            self.summ.push_skipped();
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.summ.records_allowed() {
            self.summ.begin_row();
            while let Some(key) = map.next_key_seed(KeySeed)? {
                let cell = map.next_value_seed(CellSeed)?;
                if !self.summ.cell(&key, cell.cell()) {
                    // The parsed `Value` keeps the last of the repeated values.
                    return Err(serde::de::Error::custom(DUPLICATE_KEY));
                }
            }
            self.summ.end_row();
        } else if self.summ.wants_item() {
            let v = self.bounded().visit_map(map)?;
            self.summ.push_container(&v);
        } else {
            drain_map(map)?;
            self.summ.push_skipped();
        }
        Ok(())
    }
}

/// The error message that sends a document with a repeated key in a map the frame reads
/// back to the `Value` path.
pub(crate) const DUPLICATE_KEY: &str = "weaver: repeated key in the summarized object";

/// The summary of a whole document, folded while parsing.
pub(crate) struct SummaryTop<'s, 'a> {
    pub(crate) scope: &'s Scope<'a>,
    pub(crate) opts: &'s SummaryOptions,
}

impl<'de> DeserializeSeed<'de> for SummaryTop<'_, '_> {
    type Value = Summary;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Summary, D::Error> {
        d.deserialize_any(self)
    }
}

impl SummaryTop<'_, '_> {
    fn scalar(&self, v: &Value) -> Summary {
        summarize_guarded(v, self.opts, self.scope)
    }
}

impl<'de> Visitor<'de> for SummaryTop<'_, '_> {
    type Value = Summary;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Summary, E> {
        Ok(self.scalar(&Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Summary, E> {
        Ok(self.scalar(&Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Summary, E> {
        Ok(self.scalar(&Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Summary, E> {
        Ok(self.scalar(&serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Summary, E> {
        Ok(summarize_text(v, self.opts, self.scope))
    }

    fn visit_unit<E>(self) -> Result<Summary, E> {
        Ok(self.scalar(&Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Summary, A::Error> {
        if self.scope.max_depth == 0 {
            let n = drain_seq(seq)?;
            return Ok(summarize_text(
                &weaver_redact::elision_marker(false, n, 0),
                self.opts,
                self.scope,
            ));
        }
        let mut summ = ListSummarizer::new(self.opts, self.scope);
        while seq
            .next_element_seed(ItemSeed {
                summ: &mut summ,
                scope: self.scope,
            })?
            .is_some()
        {}
        Ok(summ.finish())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Summary, A::Error> {
        if self.scope.max_depth == 0 {
            let n = drain_map_counted(map)?;
            return Ok(summarize_text(
                &weaver_redact::elision_marker(true, n, 0),
                self.opts,
                self.scope,
            ));
        }
        let mut summ = MapSummarizer::new(self.opts, self.scope);
        let seed = Bounded {
            scope: self.scope,
            depth: 1,
            project: false,
            row: None,
        };
        // A repeated key: the parsed `Value` keeps one entry (the last value, at the first
        // position), which this one-pass fold cannot do after the fact; the caller parses
        // the document instead (found by the `firewall_json` fuzz target).
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(DUPLICATE_KEY));
            }
            if summ.wants_value(&key) {
                // Under a key that is not plain, or one that is not shown, only the type
                // and the scalar (a pair name) matter.
                let v = if self.scope.rule(&key).is_plain() && self.scope.allowed(&key) {
                    map.next_value_seed(seed)?
                } else {
                    map.next_value_seed(ShapeSeed)?
                };
                summ.push(&key, Some(&v));
            } else {
                map.next_value::<Skip>()?;
                summ.push(&key, None);
            }
        }
        Ok(summ.finish())
    }
}
