//! `weaver redact --json`: one JSON document in, the structurally redacted document out.
//!
//! Memory: a document whose top level is an array — the usual shape of a large result —
//! is redacted one element at a time: each element is parsed into a `Value`, redacted in
//! place, printed and dropped before the next is read, so the peak is the input plus the
//! largest element's tree. Any other document is built as one tree and redacted in place
//! (a `Value` with `preserve_order` takes up to ~90 times the bytes of tiny nested objects
//! like `{"a":{}}`; typical records take 3–6 times).
//!
//! Element by element is the same as the whole: with the CLI's policy (no depth limit, no
//! projection) the redactor decides per object and per string, never across the items of
//! an array; a test checks the outputs are identical.

use std::cell::RefCell;
use std::fmt;
use std::io::{BufWriter, Write};

use serde::de::{self, Deserializer as _, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer as _};
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use serde_json::{Serializer, Value};
use weaver_redact::{Policy, Redactor};

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
    let top_is_array = doc
        .bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'[');
    if top_is_array {
        let write_error = RefCell::new(None);
        let mut de = serde_json::Deserializer::from_slice(doc.bytes);
        de.disable_recursion_limit();
        let done = de.deserialize_seq(ElementWise {
            redactor,
            policy,
            ser: &mut ser,
            write_error: &write_error,
        });
        if let Some(e) = write_error.into_inner() {
            return Err(write_failed(e));
        }
        return done.map_err(|e| CliError::Input(format!("invalid JSON: {e}")));
    }
    let mut value: Value = json::parse(doc)?;
    let _report = redactor.redact_value_in_place(&mut value, policy);
    serde::Serialize::serialize(&value, &mut ser).map_err(write_failed)
}

fn write_failed(e: serde_json::Error) -> CliError {
    CliError::io("cannot write to stdout", std::io::Error::from(e))
}

/// Reads the top-level array's items one at a time and prints each redacted item.
struct ElementWise<'a, 'r, W: Write, F: Formatter> {
    redactor: &'a Redactor,
    policy: &'a Policy,
    ser: &'a mut Serializer<&'r mut W, F>,
    /// A failed write (the visitor can only return the parser's error type).
    write_error: &'a RefCell<Option<serde_json::Error>>,
}

impl<'de, W: Write, F: Formatter> Visitor<'de> for ElementWise<'_, '_, W, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let keep = |r: Result<(), serde_json::Error>| -> Result<(), A::Error> {
            r.map_err(|e| {
                *self.write_error.borrow_mut() = Some(e);
                de::Error::custom("write failed")
            })
        };
        let mut out = match self.ser.serialize_seq(None) {
            Ok(out) => out,
            Err(e) => {
                *self.write_error.borrow_mut() = Some(e);
                return Err(de::Error::custom("write failed"));
            }
        };
        while let Some(mut item) = seq.next_element::<Value>()? {
            let _report = self.redactor.redact_value_in_place(&mut item, self.policy);
            keep(out.serialize_element(&item))?;
        }
        keep(SerializeSeq::end(out))
    }
}
