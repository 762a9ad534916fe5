//! `weaver redact --json`: one JSON document in, the structurally redacted document out.
//!
//! Memory: a document whose top level is an array — the usual shape of a large result —
//! is redacted one element at a time: each element is parsed into a `Value`, redacted in
//! place, printed and dropped before the next is read, so the peak is the input plus the
//! largest element's tree.
//!
//! A top-level object is built with an empty array in place of each array value and
//! redacted (key masking, key collisions and sibling rules see every key); the arrays the
//! redactor left alone are then printed from the input element by element. So an
//! envelope such as `{"meta": {…}, "rows": [ … ]}` is bounded like a bare array. Any
//! other document (a scalar, or objects nested in the top-level object) is built as one
//! tree and redacted in place; a `Value` with `preserve_order` takes up to ~60 times the
//! input for tiny nested objects like `{"a":{}}`.
//!
//! Element by element is the same as the whole: with the CLI's policy (no depth limit, no
//! projection) the redactor decides per object and per string, never across the items of
//! an array; a test checks the outputs are identical on the workloads and examples.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufWriter, Write};
use std::ops::Range;

use serde::Serialize;
use serde::de::{self, DeserializeOwned, Deserializer as _, SeqAccess, Visitor};
use serde::ser::{self, SerializeMap, SerializeSeq};
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use serde_json::{Map, Serializer, Value};
use weaver_redact::{Policy, Redactor};

use super::redact_json_split as split;
use crate::error::CliError;
use crate::json;

pub(crate) fn run(
    redactor: &Redactor,
    policy: &Policy,
    bytes: &[u8],
    pretty: bool,
) -> Result<(), CliError> {
    let doc = json::check(bytes, json::MAX_DEPTH)?;
    let stdout = std::io::stdout();
    json::deep_stack(doc.depth, move || {
        let mut w = BufWriter::with_capacity(64 * 1024, stdout.lock());
        if pretty {
            write(redactor, policy, &doc, &mut w, PrettyFormatter::new())?;
        } else {
            write(redactor, policy, &doc, &mut w, CompactFormatter)?;
        }
        w.write_all(b"\n")
            .and_then(|()| w.flush())
            .map_err(|e| CliError::io("cannot write to stdout", e))
    })
}

fn write<W: Write, F: Formatter>(
    redactor: &Redactor,
    policy: &Policy,
    doc: &json::Checked<'_>,
    w: &mut W,
    formatter: F,
) -> Result<(), CliError> {
    let mut ser = Serializer::with_formatter(w, formatter);
    let r = Redact { redactor, policy };
    let first = doc.bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return r.array(doc.bytes).serialize(&mut ser).map_err(write_failed);
    }
    if first == Some(&b'{')
        && let Some(entries) = split::top_level_entries(doc.bytes)
    {
        let envelope = r.envelope(doc.bytes, &entries)?;
        if let Some(envelope) = envelope {
            return envelope.serialize(&mut ser).map_err(write_failed);
        }
    }
    let mut value: Value = json::parse(doc)?;
    let _report = redactor.redact_value_in_place(&mut value, policy);
    value.serialize(&mut ser).map_err(write_failed)
}

fn write_failed(e: serde_json::Error) -> CliError {
    CliError::io("cannot write to stdout", std::io::Error::from(e))
}

fn parse_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CliError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.disable_recursion_limit();
    T::deserialize(&mut de).map_err(|e| CliError::Input(format!("invalid JSON: {e}")))
}

#[derive(Clone, Copy)]
struct Redact<'a> {
    redactor: &'a Redactor,
    policy: &'a Policy,
}

impl<'a> Redact<'a> {
    fn array<'b>(self, bytes: &'b [u8]) -> Streamed<'a, 'b> {
        Streamed { r: self, bytes }
    }

    /// A top-level object whose array values are streamed: the object is built with an
    /// empty array in their place and redacted (so key masking, key collisions and sibling
    /// rules see every key), then each placeholder the redactor left alone is printed from
    /// the input, element by element. `None` if the redactor changed the object's shape.
    fn envelope<'b>(
        self,
        bytes: &'b [u8],
        entries: &[(Range<usize>, Range<usize>)],
    ) -> Result<Option<Envelope<'a, 'b>>, CliError> {
        let mut map = Map::new();
        // Per key, the input array it stands for (the last occurrence wins, as in serde_json).
        let mut spans: HashMap<String, Option<&'b [u8]>> = HashMap::new();
        for (k, v) in entries {
            let key: String = parse_slice(&bytes[k.clone()])?;
            let raw = &bytes[v.clone()];
            let (value, span) = if raw.first() == Some(&b'[') {
                (Value::Array(Vec::new()), Some(raw))
            } else {
                (parse_slice(raw)?, None)
            };
            spans.insert(key.clone(), span);
            if let Some(old) = map.insert(key, value) {
                weaver_redact::drop_deep(old);
            }
        }
        let streamed: Vec<Option<&'b [u8]>> = map
            .keys()
            .map(|k| spans.get(k).copied().flatten())
            .collect();
        let mut top = Value::Object(map);
        let _report = self.redactor.redact_value_in_place(&mut top, self.policy);
        Ok(match top {
            Value::Object(map) if map.len() == streamed.len() => Some(Envelope {
                r: self,
                map,
                streamed,
            }),
            other => {
                weaver_redact::drop_deep(other);
                None
            }
        })
    }
}

/// An array of the input, printed redacted one element at a time.
struct Streamed<'a, 'b> {
    r: Redact<'a>,
    bytes: &'b [u8],
}

impl Serialize for Streamed<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut failed = None;
        let mut de = serde_json::Deserializer::from_slice(self.bytes);
        de.disable_recursion_limit();
        let read = de.deserialize_seq(Elements {
            r: self.r,
            seq: &mut seq,
            failed: &mut failed,
        });
        if let Some(e) = failed {
            return Err(e);
        }
        // The document was validated before: a parse error here would be a bug.
        read.map_err(ser::Error::custom)?;
        seq.end()
    }
}

/// Reads an array's items one at a time and prints each redacted item into `seq`.
struct Elements<'a, 's, Q: SerializeSeq> {
    r: Redact<'a>,
    seq: &'s mut Q,
    /// A failed write (the visitor can only return the parser's error type).
    failed: &'s mut Option<Q::Error>,
}

impl<'de, Q: SerializeSeq> Visitor<'de> for Elements<'_, '_, Q> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        while let Some(mut item) = items.next_element::<Value>()? {
            let _report = self
                .r
                .redactor
                .redact_value_in_place(&mut item, self.r.policy);
            if let Err(e) = self.seq.serialize_element(&item) {
                *self.failed = Some(e);
                return Err(de::Error::custom("write failed"));
            }
        }
        Ok(())
    }
}

/// A redacted top-level object whose untouched array placeholders are streamed.
struct Envelope<'a, 'b> {
    r: Redact<'a>,
    map: Map<String, Value>,
    streamed: Vec<Option<&'b [u8]>>,
}

impl Serialize for Envelope<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.map.len()))?;
        for ((k, v), span) in self.map.iter().zip(&self.streamed) {
            m.serialize_key(k)?;
            match (v, span) {
                (Value::Array(a), Some(bytes)) if a.is_empty() => {
                    m.serialize_value(&self.r.array(bytes))?;
                }
                _ => m.serialize_value(v)?,
            }
        }
        m.end()
    }
}
