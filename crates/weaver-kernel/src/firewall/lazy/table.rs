//! The table: the first `max_rows` rows built as bounded values, the rest only counted.

use std::cell::Cell as StdCell;
use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Bounded, drain_map, drain_seq};
use crate::firewall::scope::Scope;

/// The table: the first `max_rows` elements (bounded), and the element count.
pub(crate) struct TableTop<'s, 'a> {
    pub(crate) scope: &'s Scope<'a>,
    pub(crate) max_rows: usize,
    pub(crate) max_fields: usize,
}

/// Rows as parsed (each with the count of allowed fields it had past `max_fields`), the
/// depth they sit at, and how many there were.
pub(crate) struct TableParts {
    pub(crate) rows: Vec<(Value, usize)>,
    pub(crate) depth: usize,
    pub(crate) total: u64,
}

impl<'de> DeserializeSeed<'de> for TableTop<'_, '_> {
    type Value = TableParts;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<TableParts, D::Error> {
        d.deserialize_any(self)
    }
}

impl TableTop<'_, '_> {
    fn single(v: Value) -> TableParts {
        TableParts {
            rows: vec![(v, 0)],
            depth: 0,
            total: 1,
        }
    }
}

macro_rules! single_scalar {
    ($($name:ident: $t:ty),*) => {$(
        fn $name<E: serde::de::Error>(self, v: $t) -> Result<TableParts, E> {
            let b = Bounded { scope: self.scope, depth: 0, project: true, row: None };
            Ok(Self::single(b.$name(v)?))
        }
    )*};
}

impl<'de> Visitor<'de> for TableTop<'_, '_> {
    type Value = TableParts;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    single_scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str, visit_string: String);

    fn visit_unit<E>(self) -> Result<TableParts, E> {
        Ok(Self::single(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TableParts, A::Error> {
        let extra = StdCell::new(0usize);
        let seed = Bounded {
            scope: self.scope,
            depth: 1,
            project: true,
            row: Some((self.max_fields, &extra)),
        };
        let mut rows = Vec::with_capacity(self.max_rows.min(1024));
        let mut total = 0u64;
        while rows.len() < self.max_rows {
            extra.set(0);
            match seq.next_element_seed(seed)? {
                Some(v) => {
                    rows.push((v, extra.get()));
                    total += 1;
                }
                None => {
                    return Ok(TableParts {
                        rows,
                        depth: 1,
                        total,
                    });
                }
            }
        }
        total += drain_seq(seq)? as u64;
        Ok(TableParts {
            rows,
            depth: 1,
            total,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TableParts, A::Error> {
        if self.max_rows == 0 {
            // The one row is not shown: count it, read nothing (as the Value path does).
            drain_map(map)?;
            return Ok(TableParts {
                rows: Vec::new(),
                depth: 0,
                total: 1,
            });
        }
        let extra = StdCell::new(0usize);
        let seed = Bounded {
            scope: self.scope,
            depth: 0,
            project: true,
            row: Some((self.max_fields, &extra)),
        };
        let v = seed.visit_map(map)?;
        Ok(TableParts {
            rows: vec![(v, extra.get())],
            depth: 0,
            total: 1,
        })
    }
}
