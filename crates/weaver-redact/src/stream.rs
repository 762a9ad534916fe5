//! Exact streaming redaction. (Contract stub: the streaming issue replaces this body.)

use crate::{Finding, Redactor};

/// Redacts a byte stream pushed in arbitrary pieces. The concatenation of everything it
/// emits equals [`Redactor::redact_bytes`] of the whole stream, byte for byte, however the
/// stream was split; it holds back only bytes that could still belong to a match.
#[derive(Debug)]
pub struct StreamRedactor {
    redactor: Redactor,
    held: Vec<u8>,
    offset: u64,
}

impl StreamRedactor {
    /// A stream redactor using `redactor`'s rules.
    pub fn new(redactor: Redactor) -> Self {
        StreamRedactor {
            redactor,
            held: Vec::new(),
            offset: 0,
        }
    }

    /// Feeds `input`; appends to `out` every byte that is now safe to emit.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.push_with(input, out, &mut |_| {});
    }

    /// Like [`push`](Self::push), reporting each finding (stream byte offsets) as it happens.
    pub fn push_with(&mut self, input: &[u8], _out: &mut Vec<u8>, _on: &mut dyn FnMut(Finding)) {
        self.held.extend_from_slice(input);
        self.offset += input.len() as u64;
    }

    /// Ends the stream: appends the rest to `out`.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.finish_with(out, &mut |_| {});
    }

    /// Like [`finish`](Self::finish), reporting findings.
    pub fn finish_with(&mut self, out: &mut Vec<u8>, _on: &mut dyn FnMut(Finding)) {
        let held = std::mem::take(&mut self.held);
        out.extend_from_slice(&self.redactor.redact_bytes(&held));
    }

    /// Bytes currently held back.
    pub fn held(&self) -> usize {
        self.held.len()
    }
}
