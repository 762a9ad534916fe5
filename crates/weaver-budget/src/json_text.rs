//! An iterative writer of a value's compact JSON text, in pieces.
//!
//! Used by the tokenizer counters: the text is handed to a sink a piece at a time, so a
//! 20 MB value is never materialized as one string, the sink can stop the walk as soon as a
//! limit is passed, and nesting depth never grows the call stack (serde_json's own
//! serializer recurses). The output is byte for byte `serde_json::to_string(value)`.

use std::fmt::Write as _;
use std::ops::ControlFlow;

use serde_json::Value;

/// Receives the text in order. `Break` stops the walk.
pub(crate) trait Sink {
    fn push(&mut self, text: &str) -> ControlFlow<()>;
}

enum Frame<'a> {
    Array(std::slice::Iter<'a, Value>),
    Object(serde_json::map::Iter<'a>),
}

/// Writes the compact JSON of `value` into `sink`; returns `Break` if the sink stopped it.
pub(crate) fn write_compact(value: &Value, sink: &mut impl Sink) -> ControlFlow<()> {
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(v) = next.take() {
            match v {
                Value::Null => sink.push("null")?,
                Value::Bool(true) => sink.push("true")?,
                Value::Bool(false) => sink.push("false")?,
                Value::Number(n) => {
                    // Display of a Number is the serializer's text (itoa / zmij).
                    let mut buf = NumBuf::default();
                    let _ = write!(buf, "{n}");
                    sink.push(buf.as_str())?;
                }
                Value::String(s) => write_str(s, sink)?,
                Value::Array(items) => {
                    sink.push("[")?;
                    let mut it = items.iter();
                    match it.next() {
                        Some(first) => {
                            next = Some(first);
                            stack.push(Frame::Array(it));
                        }
                        None => sink.push("]")?,
                    }
                }
                Value::Object(map) => {
                    sink.push("{")?;
                    let mut it = map.iter();
                    match it.next() {
                        Some((k, first)) => {
                            write_str(k, sink)?;
                            sink.push(":")?;
                            next = Some(first);
                            stack.push(Frame::Object(it));
                        }
                        None => sink.push("}")?,
                    }
                }
            }
            continue;
        }
        // The current value is complete: continue its parent, or close it.
        let Some(top) = stack.last_mut() else {
            return ControlFlow::Continue(());
        };
        match top {
            Frame::Array(it) => {
                if let Some(v) = it.next() {
                    sink.push(",")?;
                    next = Some(v);
                } else {
                    sink.push("]")?;
                    stack.pop();
                }
            }
            Frame::Object(it) => {
                if let Some((k, v)) = it.next() {
                    sink.push(",")?;
                    write_str(k, sink)?;
                    sink.push(":")?;
                    next = Some(v);
                } else {
                    sink.push("}")?;
                    stack.pop();
                }
            }
        }
    }
}

/// A stack buffer for one formatted number (at most 24 bytes: `-1.7976931348623157e308`).
#[derive(Default)]
struct NumBuf {
    bytes: [u8; 32],
    len: usize,
}

impl NumBuf {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("0")
    }
}

impl std::fmt::Write for NumBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes `s` as a JSON string literal with serde_json's escapes: `\"`, `\\`, the short
/// forms `\b \t \n \f \r`, and `\u00xx` (lowercase hex) for the other control characters.
fn write_str(s: &str, sink: &mut impl Sink) -> ControlFlow<()> {
    sink.push("\"")?;
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so both slice ends are char boundaries.
        if start < i {
            sink.push(&s[start..i])?;
        }
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let esc = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ];
            // All six bytes are ASCII.
            sink.push(std::str::from_utf8(&esc).unwrap_or("\\u0000"))?;
        } else {
            sink.push(short)?;
        }
        start = i + 1;
    }
    if start < bytes.len() {
        sink.push(&s[start..])?;
    }
    sink.push("\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    struct Collect(String);
    impl Sink for Collect {
        fn push(&mut self, text: &str) -> ControlFlow<()> {
            self.0.push_str(text);
            ControlFlow::Continue(())
        }
    }

    fn compact(v: &Value) -> String {
        let mut c = Collect(String::new());
        let _ = write_compact(v, &mut c);
        c.0
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from), // non-finite become null, as serde_json does
            ".{0,12}".prop_map(Value::from),
            "[\\x00-\\x1f\"\\\\/\\x7f é中😀]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z\\n\"é]{0,4}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn equals_serde_json_compact(v in arb_value()) {
            prop_assert_eq!(compact(&v), serde_json::to_string(&v).unwrap());
        }
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        // 100 000 nested arrays: serde_json's serializer would overflow the stack here.
        let depth = 100_000;
        let mut v = Value::Null;
        for _ in 0..depth {
            v = Value::Array(vec![v]);
        }
        let text = compact(&v);
        // Dropping the value recursively would overflow too: unwind it by hand first.
        let mut cur = v;
        while let Value::Array(mut items) = cur {
            cur = items.pop().unwrap_or(Value::Null);
        }
        let want = format!("{}null{}", "[".repeat(depth), "]".repeat(depth));
        assert!(text == want, "deep array text differs");
    }

    #[test]
    fn break_stops_the_walk() {
        struct Stop(usize);
        impl Sink for Stop {
            fn push(&mut self, _: &str) -> ControlFlow<()> {
                self.0 += 1;
                if self.0 == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            }
        }
        let mut s = Stop(0);
        let v = serde_json::json!([1, 2, 3, 4, 5]);
        assert_eq!(write_compact(&v, &mut s), ControlFlow::Break(()));
        assert_eq!(s.0, 3);
    }
}
