//! Cross-chunk redaction of JSON chunk streams (feature `json`).
//!
//! A tool that streams its result as a sequence of JSON objects (`{"text": "…"}`,
//! `{"rows": [{"note": "…"}]}`) may cut a secret across two chunks at *any* path. Each JSON
//! pointer (RFC 6901, array indices included) names one logical text stream: the string at
//! that pointer in chunk *k* is its *k*-th piece. [`JsonStreamRedactor`] keeps one
//! [`StreamRedactor`] per pointer, so every string's held tail carries over to the next
//! chunk's string at the same pointer, and [`finish`](JsonStreamRedactor::finish) hands back
//! every tail still held, under its pointer — also for pointers that the last chunk no
//! longer has, or where it holds a non-string.
//!
//! Only string leaves are touched. Keys, numbers and sensitive-key values are the business
//! of [`Redactor::redact_value`], which a caller runs on each chunk afterwards.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{Finding, Redactor, StreamRedactor};

/// Per-pointer streaming redaction over a sequence of JSON chunks.
///
/// ```
/// use serde_json::json;
/// use weaver_redact::{JsonStreamRedactor, Redactor};
///
/// let mut s = JsonStreamRedactor::new(Redactor::new());
/// let mut a = json!({"rows": [{"note": "token Bearer canary-zzz"}]});
/// let mut b = json!({"rows": [{"note": "-9999-do-not-leak done"}]});
/// s.push_chunk(&mut a);
/// s.push_chunk(&mut b);
/// let tails = s.finish();
/// let note = format!(
///     "{}{}{}",
///     a["rows"][0]["note"].as_str().unwrap(),
///     b["rows"][0]["note"].as_str().unwrap(),
///     tails.iter().find(|(p, _)| p == "/rows/0/note").map_or("", |(_, t)| t.as_str()),
/// );
/// assert_eq!(note, "token [REDACTED] done");
/// ```
#[derive(Debug)]
pub struct JsonStreamRedactor {
    redactor: Redactor,
    paths: BTreeMap<String, PathStream>,
}

#[derive(Debug)]
struct PathStream {
    stream: StreamRedactor,
    /// Safe bytes that end inside a UTF-8 code point: kept until it completes.
    partial: Vec<u8>,
}

impl JsonStreamRedactor {
    /// A chunk-stream redactor using `redactor`'s rules.
    pub fn new(redactor: Redactor) -> Self {
        JsonStreamRedactor {
            redactor,
            paths: BTreeMap::new(),
        }
    }

    /// Replaces every string in `chunk` (at any depth) by the part of its pointer's stream
    /// that is now safe to emit.
    pub fn push_chunk(&mut self, chunk: &mut Value) {
        self.push_chunk_with(chunk, &mut |_, _| {});
    }

    /// Like [`push_chunk`](Self::push_chunk), reporting each finding with its pointer
    /// (offsets are bytes of that pointer's stream).
    pub fn push_chunk_with(&mut self, chunk: &mut Value, on: &mut dyn FnMut(&str, Finding)) {
        // Iterative walk: chunks may nest deeply.
        let mut stack: Vec<(String, &mut Value)> = vec![(String::new(), chunk)];
        while let Some((ptr, v)) = stack.pop() {
            match v {
                Value::String(s) => {
                    let redactor = &self.redactor;
                    let ps = self.paths.entry(ptr.clone()).or_insert_with(|| PathStream {
                        stream: redactor.stream(),
                        partial: Vec::new(),
                    });
                    let mut out = std::mem::take(&mut ps.partial);
                    ps.stream
                        .push_with(s.as_bytes(), &mut out, &mut |f| on(&ptr, f));
                    *s = take_complete_utf8(&mut out, &mut ps.partial);
                }
                Value::Array(items) => {
                    for (i, item) in items.iter_mut().enumerate().rev() {
                        stack.push((format!("{ptr}/{i}"), item));
                    }
                }
                Value::Object(map) => {
                    let mut children: Vec<_> = map.iter_mut().collect();
                    children.reverse();
                    for (k, item) in children {
                        stack.push((format!("{ptr}/{}", escape(k)), item));
                    }
                }
                _ => {}
            }
        }
    }

    /// Ends every pointer's stream and returns the held tails that are not empty, as
    /// `(pointer, tail)` sorted by pointer. The redactor is then empty and can start over.
    pub fn finish(&mut self) -> Vec<(String, String)> {
        self.finish_with(&mut |_, _| {})
    }

    /// Like [`finish`](Self::finish), reporting findings with their pointers.
    pub fn finish_with(&mut self, on: &mut dyn FnMut(&str, Finding)) -> Vec<(String, String)> {
        let mut tails = Vec::new();
        for (ptr, mut ps) in std::mem::take(&mut self.paths) {
            let mut out = std::mem::take(&mut ps.partial);
            ps.stream.finish_with(&mut out, &mut |f| on(&ptr, f));
            let tail = match String::from_utf8(out) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            if !tail.is_empty() {
                tails.push((ptr, tail));
            }
        }
        tails
    }

    /// Bytes held over all pointers.
    pub fn held(&self) -> usize {
        self.paths
            .values()
            .map(|p| p.stream.held() + p.partial.len())
            .sum()
    }
}

/// Splits `bytes` into its longest valid UTF-8 prefix (returned) and an incomplete trailing
/// code point (moved to `partial`). Inputs are JSON strings, so only a cut code point can
/// be incomplete; anything else invalid is replaced (lossy) rather than carried forever.
fn take_complete_utf8(bytes: &mut Vec<u8>, partial: &mut Vec<u8>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(_) => String::from_utf8(std::mem::take(bytes)).unwrap_or_default(),
        Err(e) if e.error_len().is_none() => {
            let valid = e.valid_up_to();
            partial.extend_from_slice(&bytes[valid..]);
            bytes.truncate(valid);
            String::from_utf8(std::mem::take(bytes)).unwrap_or_default()
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
