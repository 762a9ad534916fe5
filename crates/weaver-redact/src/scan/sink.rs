//! Where the scanner writes its output: the caller's sinks, and the wrapper that keeps the
//! look-behind of the next segment.

use crate::engine::CONTEXT;

/// Where the scanner writes its output.
pub(crate) trait Sink {
    /// Original bytes that pass through.
    fn raw(&mut self, bytes: &[u8]);
    /// A marker replacing masked bytes.
    fn marker(&mut self, marker: &str);
}

impl Sink for Vec<u8> {
    fn raw(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn marker(&mut self, marker: &str) {
        self.extend_from_slice(marker.as_bytes());
    }
}

/// Wraps the caller's sink and keeps the last [`CONTEXT`] bytes written: the look-behind of
/// the next segment is the *output* before it, as a second pass over that output reads it,
/// so masks never shift a context keyword into or out of reach between passes.
pub(crate) struct TailSink<'a> {
    pub(crate) inner: &'a mut dyn Sink,
    pub(crate) tail: &'a mut Vec<u8>,
}

impl TailSink<'_> {
    fn keep(&mut self, bytes: &[u8]) {
        if bytes.len() >= CONTEXT {
            self.tail.clear();
            self.tail.extend_from_slice(&bytes[bytes.len() - CONTEXT..]);
        } else {
            self.tail.extend_from_slice(bytes);
            if self.tail.len() > 2 * CONTEXT {
                let cut = self.tail.len() - CONTEXT;
                self.tail.drain(..cut);
            }
        }
    }

    /// The last (at most) [`CONTEXT`] bytes written.
    pub(crate) fn context(&self) -> &[u8] {
        &self.tail[self.tail.len().saturating_sub(CONTEXT)..]
    }
}

impl Sink for TailSink<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.inner.raw(bytes);
        self.keep(bytes);
    }
    fn marker(&mut self, marker: &str) {
        self.inner.marker(marker);
        self.keep(marker.as_bytes());
    }
}

/// A sink for one-shot calls: allocates only once the first marker is written, so an input
/// with nothing to mask is returned borrowed.
pub(crate) struct LazySink<'a> {
    input: &'a [u8],
    passed: usize,
    pub(crate) out: Option<Vec<u8>>,
}

impl<'a> LazySink<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        LazySink {
            input,
            passed: 0,
            out: None,
        }
    }
}

impl Sink for LazySink<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        match &mut self.out {
            Some(v) => v.extend_from_slice(bytes),
            None => self.passed += bytes.len(),
        }
    }
    fn marker(&mut self, marker: &str) {
        let out = self.out.get_or_insert_with(|| {
            let mut v = Vec::with_capacity(self.input.len() + 64);
            v.extend_from_slice(&self.input[..self.passed]);
            v
        });
        out.extend_from_slice(marker.as_bytes());
    }
}

/// A sink that appends to a caller's `String` (input known to be UTF-8).
pub(crate) struct StringSink<'a> {
    pub(crate) bytes: Vec<u8>,
    pub(crate) out: &'a mut String,
}

impl Sink for StringSink<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
    fn marker(&mut self, marker: &str) {
        self.bytes.extend_from_slice(marker.as_bytes());
    }
}

impl StringSink<'_> {
    pub(crate) fn finish(self) {
        match String::from_utf8(self.bytes) {
            Ok(s) => self.out.push_str(&s),
            Err(e) => self.out.push_str(&String::from_utf8_lossy(e.as_bytes())),
        }
    }
}
