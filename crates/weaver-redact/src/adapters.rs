//! Async adapters (feature `tokio`): wrap a tokio `AsyncRead` or a `futures` stream of
//! byte chunks (a response body) in one line; the output is the exact redaction of the
//! whole body, as with [`StreamRedactor`].

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_core::Stream;
use tokio::io::{AsyncRead, ReadBuf};

use crate::{Redactor, StreamRedactor};

impl Redactor {
    /// Wraps an `AsyncRead`: reading from the result yields the redacted bytes.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use tokio::io::AsyncReadExt;
    /// let mut r = weaver_redact::Redactor::new().redact_async_read(&b"ssn 123-45-6789"[..]);
    /// let mut s = String::new();
    /// r.read_to_string(&mut s).await.unwrap();
    /// assert_eq!(s, "ssn [REDACTED]");
    /// # });
    /// ```
    pub fn redact_async_read<R: AsyncRead + Unpin>(&self, inner: R) -> RedactAsyncRead<R> {
        RedactAsyncRead {
            inner,
            stream: self.stream(),
            out: Vec::new(),
            pos: 0,
            buf: vec![0; 64 * 1024],
            done: false,
        }
    }

    /// Wraps a stream of byte chunks (`Result<B, E>` items, e.g. an HTTP body): the result
    /// yields the redacted body as `Bytes`, errors passed through unchanged. Chunks whose
    /// bytes are all still held back yield nothing; the tail comes when the inner stream
    /// ends.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use futures_util::StreamExt;
    /// let body = futures_util::stream::iter(
    ///     ["mail bob@exa", "mple.com now"].map(Ok::<_, std::io::Error>),
    /// );
    /// let out: Vec<_> = weaver_redact::Redactor::new().redact_byte_stream(body).collect().await;
    /// let text: Vec<u8> = out.into_iter().flat_map(|c| c.unwrap().to_vec()).collect();
    /// assert_eq!(text, b"mail [REDACTED] now");
    /// # });
    /// ```
    pub fn redact_byte_stream<S, B, E>(&self, inner: S) -> RedactStream<S>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: AsRef<[u8]>,
    {
        RedactStream {
            inner,
            stream: self.stream(),
            done: false,
        }
    }
}

/// An `AsyncRead` yielding the redaction of an inner `AsyncRead`
/// (see [`Redactor::redact_async_read`]).
#[derive(Debug)]
pub struct RedactAsyncRead<R> {
    inner: R,
    stream: StreamRedactor,
    out: Vec<u8>,
    pos: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R> RedactAsyncRead<R> {
    /// The streaming redactor (e.g. to read [`held`](StreamRedactor::held)).
    pub fn stream(&self) -> &StreamRedactor {
        &self.stream
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for RedactAsyncRead<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.pos < this.out.len() {
                let n = buf.remaining().min(this.out.len() - this.pos);
                buf.put_slice(&this.out[this.pos..this.pos + n]);
                this.pos += n;
                return Poll::Ready(Ok(()));
            }
            if this.done || buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            this.out.clear();
            this.pos = 0;
            let mut rb = ReadBuf::new(&mut this.buf);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut rb))?;
            let n = rb.filled().len();
            if n == 0 {
                this.stream.finish(&mut this.out);
                this.done = true;
            } else {
                this.stream.push(&this.buf[..n], &mut this.out);
            }
        }
    }
}

/// A stream of redacted `Bytes` over an inner stream of byte chunks
/// (see [`Redactor::redact_byte_stream`]).
#[derive(Debug)]
pub struct RedactStream<S> {
    inner: S,
    stream: StreamRedactor,
    done: bool,
}

impl<S> RedactStream<S> {
    /// The streaming redactor (e.g. to read [`held`](StreamRedactor::held)).
    pub fn stream(&self) -> &StreamRedactor {
        &self.stream
    }
}

impl<S, B, E> Stream for RedactStream<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = Result<Bytes, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let mut out = Vec::new();
            match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
                Some(Ok(chunk)) => this.stream.push(chunk.as_ref(), &mut out),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => {
                    this.stream.finish(&mut out);
                    this.done = true;
                }
            }
            if !out.is_empty() {
                return Poll::Ready(Some(Ok(Bytes::from(out))));
            }
        }
    }
}
