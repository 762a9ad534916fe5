//! Exact streaming redaction, and `io::Write` / `io::Read` adapters for synchronous pipes.

use std::io::{self, Read, Write};

use crate::scan::Scanner;
use crate::{Finding, Redactor};

/// Redacts a byte stream pushed in arbitrary pieces. The concatenation of everything it
/// emits equals [`Redactor::redact_bytes`] of the whole stream, byte for byte, however the
/// stream was split (inside a UTF-8 code point, empty pieces, one byte at a time); it holds
/// back only bytes that could still belong to a match.
///
/// ```
/// use weaver_redact::Redactor;
///
/// let r = Redactor::new();
/// let mut s = r.stream();
/// let mut out = Vec::new();
/// for piece in ["Authorization: Bea", "rer abc.def", "-123 done"] {
///     s.push(piece.as_bytes(), &mut out);
/// }
/// s.finish(&mut out);
/// assert_eq!(out, b"Authorization: [REDACTED] done");
/// ```
///
/// Memory: what is held is the run since the last cut (a point where no match can be in
/// progress: the automaton in a start state, or a token just completed) plus 64 bytes of
/// look-behind context; a list of tokens is cut after every token. That run is capped by
/// [`Redactor::max_hold`]: past it the run is masked as [`Kind::HoldLimit`](crate::Kind)
/// with a marker that gives its size (`[REDACTED:hold_limit 70000 bytes]`) and the rest of
/// it is swallowed without buffering — fail closed, and the one-shot functions apply the
/// same rule, so both paths stay identical.
///
/// After [`finish`](Self::finish) the redactor is ready for a new stream (offsets restart
/// at 0).
#[derive(Debug)]
pub struct StreamRedactor {
    redactor: Redactor,
    scanner: Scanner,
}

impl StreamRedactor {
    /// A stream redactor using `redactor`'s rules.
    pub fn new(redactor: Redactor) -> Self {
        let scanner = Scanner::new(&redactor.inner.engine);
        StreamRedactor { redactor, scanner }
    }

    /// Test oracle, not for production: a stream redactor on the exact scanner alone (the
    /// DFA walks every byte). Its output equals [`new`](Self::new)'s for every input.
    #[doc(hidden)]
    pub fn new_exact(redactor: Redactor) -> Self {
        let scanner = Scanner::new_exact(&redactor.inner.engine);
        StreamRedactor { redactor, scanner }
    }

    /// Tells the stream how many bytes it will carry in all (a file's length, a
    /// `Content-Length`). The output is the same with or without it: a total of 4 MiB or
    /// more only lets the redactor prepare its two-stage scanner before the first byte
    /// instead of once 4 MiB have gone through the exact one.
    ///
    /// ```
    /// use weaver_redact::Redactor;
    ///
    /// let mut s = Redactor::new().stream();
    /// s.size_hint(64 << 20);
    /// let mut out = Vec::new();
    /// s.push(b"password=hunter2\n", &mut out);
    /// s.finish(&mut out);
    /// assert_eq!(out, b"password=[REDACTED]\n");
    /// ```
    pub fn size_hint(&mut self, total: u64) {
        let _ = self.redactor.inner.engine.fast_for(total);
    }

    /// Feeds `input`; appends to `out` every byte that is now safe to emit.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.push_with(input, out, &mut |_| {});
    }

    /// Like [`push`](Self::push), reporting each finding (stream byte offsets) as it happens.
    pub fn push_with(&mut self, input: &[u8], out: &mut Vec<u8>, on: &mut dyn FnMut(Finding)) {
        self.scanner
            .feed(&self.redactor.inner, input, false, out, on);
    }

    /// Ends the stream: appends the rest to `out`.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.finish_with(out, &mut |_| {});
    }

    /// Like [`finish`](Self::finish), reporting findings.
    pub fn finish_with(&mut self, out: &mut Vec<u8>, on: &mut dyn FnMut(Finding)) {
        self.scanner.feed(&self.redactor.inner, &[], true, out, on);
    }

    /// Bytes currently held back (never more than [`Redactor::max_hold`]).
    pub fn held(&self) -> usize {
        self.scanner.held()
    }

    /// Bytes fed since the stream started.
    pub fn position(&self) -> u64 {
        self.scanner.position()
    }

    /// Markers written since the stream started.
    pub fn masks(&self) -> u64 {
        self.scanner.masks()
    }

    /// The redactor whose rules this stream applies.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }
}

/// An `io::Write` that redacts everything written through it into an inner writer.
///
/// Call [`finish`](Self::finish) at the end: it flushes the held tail and returns the inner
/// writer. Dropping it without `finish` flushes the tail too, ignoring write errors.
///
/// ```
/// use std::io::Write;
/// use weaver_redact::{RedactWriter, Redactor};
///
/// let mut w = RedactWriter::new(Redactor::new(), Vec::new());
/// w.write_all(b"ssn 123-45-6789\n").unwrap();
/// assert_eq!(w.finish().unwrap(), b"ssn [REDACTED]\n");
/// ```
#[derive(Debug)]
pub struct RedactWriter<W: Write> {
    stream: StreamRedactor,
    inner: Option<W>,
    buf: Vec<u8>,
}

impl<W: Write> RedactWriter<W> {
    /// Wraps `inner`.
    pub fn new(redactor: Redactor, inner: W) -> Self {
        RedactWriter {
            stream: redactor.stream(),
            inner: Some(inner),
            buf: Vec::new(),
        }
    }

    /// The streaming redactor (e.g. to read [`held`](StreamRedactor::held)).
    pub fn stream(&self) -> &StreamRedactor {
        &self.stream
    }

    /// Ends the stream, writes the tail and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.finish_inner()?;
        Ok(self
            .inner
            .take()
            .expect("inner writer present until finish"))
    }

    fn finish_inner(&mut self) -> io::Result<()> {
        self.buf.clear();
        self.stream.finish(&mut self.buf);
        if let Some(w) = self.inner.as_mut() {
            w.write_all(&self.buf)?;
            w.flush()?;
        }
        Ok(())
    }
}

impl<W: Write> Write for RedactWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.clear();
        self.stream.push(data, &mut self.buf);
        match self.inner.as_mut() {
            Some(w) => w.write_all(&self.buf)?,
            None => return Err(io::Error::other("writer already finished")),
        }
        Ok(data.len())
    }

    /// Flushes the inner writer. Held bytes stay held: they may still be part of a match.
    fn flush(&mut self) -> io::Result<()> {
        match self.inner.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl<W: Write> Drop for RedactWriter<W> {
    fn drop(&mut self) {
        if self.inner.is_some() {
            let _ = self.finish_inner();
        }
    }
}

/// An `io::Read` that yields the redaction of an inner reader.
///
/// ```
/// use std::io::Read;
/// use weaver_redact::{RedactReader, Redactor};
///
/// let mut r = RedactReader::new(Redactor::new(), &b"mail bob@example.com"[..]);
/// let mut s = String::new();
/// r.read_to_string(&mut s).unwrap();
/// assert_eq!(s, "mail [REDACTED]");
/// ```
#[derive(Debug)]
pub struct RedactReader<R: Read> {
    stream: StreamRedactor,
    inner: R,
    out: Vec<u8>,
    pos: usize,
    input: Vec<u8>,
    done: bool,
}

impl<R: Read> RedactReader<R> {
    /// Wraps `inner`.
    pub fn new(redactor: Redactor, inner: R) -> Self {
        RedactReader {
            stream: redactor.stream(),
            inner,
            out: Vec::new(),
            pos: 0,
            input: vec![0; 64 * 1024],
            done: false,
        }
    }

    /// The streaming redactor (e.g. to read [`held`](StreamRedactor::held)).
    pub fn stream(&self) -> &StreamRedactor {
        &self.stream
    }
}

impl<R: Read> Read for RedactReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.out.clear();
            self.pos = 0;
            let n = match self.inner.read(&mut self.input) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.stream.finish(&mut self.out);
                self.done = true;
            } else {
                self.stream.push(&self.input[..n], &mut self.out);
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
