//! Streaming drivers: capabilities whose result arrives in chunks.

use std::fmt::Display;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_util::{Stream, StreamExt as _};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, BufReader};

use crate::driver::{Driver, DriverError, DriverFuture, ExecutionContext};
use crate::firewall::Chunk;

/// The chunks a [`StreamingDriver`] yields.
pub type ChunkStream = Pin<Box<dyn Stream<Item = Result<Chunk, DriverError>> + Send>>;

/// Runs a capability whose result is a stream of chunks (an LLM's deltas, a log tail, a
/// paginated API). Register it with
/// [`KernelBuilder::streaming_driver`](crate::KernelBuilder::streaming_driver) and call
/// [`Kernel::invoke_stream`](crate::Kernel::invoke_stream); plain `invoke` on it gets the
/// chunks merged into one result.
///
/// An error as the first item makes the kernel try the next driver on the route; an error
/// later ends the stream. The stream may end with or without a [`Chunk::last`].
pub trait StreamingDriver: Send + Sync {
    /// The id capabilities route to.
    fn id(&self) -> &str;

    /// Starts one call. The stream owns what it needs (copy it from `ctx`).
    fn execute_stream(&self, ctx: &ExecutionContext) -> ChunkStream;
}

/// Merges a chunk into the result so far, the way the stream reads: strings at the same
/// pointer are joined, maps merged key by key, lists element by element; anything else is
/// replaced by the newer value.
pub fn merge_chunk(acc: &mut Value, chunk: Value) {
    match (acc, chunk) {
        (Value::String(a), Value::String(b)) => a.push_str(&b),
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(slot) => merge_chunk(slot, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, v) in b.into_iter().enumerate() {
                match a.get_mut(i) {
                    Some(slot) => merge_chunk(slot, v),
                    None => a.push(v),
                }
            }
        }
        (slot, v) => {
            let old = std::mem::replace(slot, v);
            weaver_redact::drop_deep(old);
        }
    }
}

/// A streaming driver as a one-shot [`Driver`]: the chunks merged with [`merge_chunk`].
pub(crate) struct Collecting(pub(crate) Arc<dyn StreamingDriver>);

impl Driver for Collecting {
    fn id(&self) -> &str {
        self.0.id()
    }

    fn execute<'a>(&'a self, ctx: &'a ExecutionContext) -> DriverFuture<'a> {
        let mut chunks = self.0.execute_stream(ctx);
        Box::pin(async move {
            let mut acc: Option<Value> = None;
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk?;
                match &mut acc {
                    Some(a) => merge_chunk(a, chunk.data),
                    None => acc = Some(chunk.data),
                }
                if chunk.is_final {
                    break;
                }
            }
            Ok(acc.unwrap_or(Value::Null).into())
        })
    }
}

type Factory = dyn Fn(&ExecutionContext) -> ChunkStream + Send + Sync;

/// Any `Stream<Item = Result<Value, E>>` as a streaming driver: one chunk per value, the
/// end of the stream its end.
///
/// ```
/// use futures_util::stream;
/// use serde_json::json;
/// use weaver_kernel::StreamDriver;
///
/// let d = StreamDriver::new("llm", |_ctx| {
///     stream::iter([Ok::<_, std::io::Error>(json!({"text": "hel"})), Ok(json!({"text": "lo"}))])
/// });
/// ```
pub struct StreamDriver {
    id: String,
    factory: Box<Factory>,
}

impl std::fmt::Debug for StreamDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamDriver")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl StreamDriver {
    /// A driver that makes a fresh stream per call with `factory`.
    pub fn new<F, S, E>(id: impl Into<String>, factory: F) -> StreamDriver
    where
        F: Fn(&ExecutionContext) -> S + Send + Sync + 'static,
        S: Stream<Item = Result<Value, E>> + Send + 'static,
        E: Display,
    {
        StreamDriver {
            id: id.into(),
            factory: Box::new(move |ctx| {
                Box::pin(factory(ctx).map(|r| {
                    r.map(Chunk::new)
                        .map_err(|e| DriverError::new(e.to_string()))
                }))
            }),
        }
    }

    /// A driver that serves one call from a tokio channel (later calls fail: the receiver
    /// is gone). For a producer task that pushes values as they come.
    pub fn from_receiver<E: Display + Send + 'static>(
        id: impl Into<String>,
        rx: tokio::sync::mpsc::Receiver<Result<Value, E>>,
    ) -> StreamDriver {
        let slot = Mutex::new(Some(rx));
        StreamDriver {
            id: id.into(),
            factory: Box::new(move |_ctx| {
                let rx = slot.lock().ok().and_then(|mut s| s.take());
                match rx {
                    Some(rx) => Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
                        let item = rx.recv().await?;
                        Some((
                            item.map(Chunk::new)
                                .map_err(|e| DriverError::new(e.to_string())),
                            rx,
                        ))
                    })),
                    None => Box::pin(futures_util::stream::iter([Err(DriverError::new(
                        "the channel's receiver was taken by an earlier call",
                    ))])),
                }
            }),
        }
    }
}

impl StreamingDriver for StreamDriver {
    fn id(&self) -> &str {
        &self.id
    }

    fn execute_stream(&self, ctx: &ExecutionContext) -> ChunkStream {
        (self.factory)(ctx)
    }
}

/// Most bytes of one NDJSON line ([`ndjson_chunks`] fails on a longer one).
pub const MAX_NDJSON_LINE: usize = 16 << 20;

/// NDJSON from `reader` as chunks: one JSON value per non-blank line. A line that is not
/// JSON, or longer than [`MAX_NDJSON_LINE`], is an error item and ends the stream.
pub fn ndjson_chunks<R>(reader: R) -> ChunkStream
where
    R: AsyncRead + Unpin + Send + 'static,
{
    let state = (BufReader::new(reader), 0u64, false);
    Box::pin(futures_util::stream::unfold(
        state,
        |(mut reader, mut line_no, failed)| async move {
            if failed {
                return None;
            }
            loop {
                let mut line = Vec::new();
                let n = match (&mut reader)
                    .take(MAX_NDJSON_LINE as u64 + 1)
                    .read_until(b'\n', &mut line)
                    .await
                {
                    Ok(n) => n,
                    Err(e) => {
                        let err = DriverError::new(format!("reading NDJSON: {e}"));
                        return Some((Err(err), (reader, line_no, true)));
                    }
                };
                if n == 0 {
                    return None;
                }
                line_no += 1;
                if line.len() > MAX_NDJSON_LINE {
                    let err = DriverError::new(format!(
                        "NDJSON line {line_no} is longer than {MAX_NDJSON_LINE} bytes"
                    ));
                    return Some((Err(err), (reader, line_no, true)));
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(match serde_json::from_slice::<Value>(&line) {
                    Ok(v) => (Ok(Chunk::new(v)), (reader, line_no, false)),
                    Err(e) => (
                        Err(DriverError::new(format!(
                            "NDJSON line {line_no} is not JSON (column {})",
                            e.column()
                        ))),
                        (reader, line_no, true),
                    ),
                });
            }
        },
    ))
}
