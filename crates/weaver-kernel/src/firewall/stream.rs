//! Streams: chunks in, frames out, redaction exact across chunk boundaries.
//!
//! Each chunk is a JSON value; the string at one JSON pointer in successive chunks is one
//! logical text (a `{"text": "…"}` delta stream, rows whose notes grow, …). A
//! [`JsonStreamRedactor`] keeps one stream redactor per pointer, so a secret cut across
//! two chunks at any path is masked exactly as in the one-shot redaction of the joined
//! text. Every chunk then goes through the firewall like a whole result (projection,
//! depth, budgets, keys, numbers, sensitive keys), in the mode fixed when the stream began.

use std::collections::VecDeque;

use futures_util::{Stream, StreamExt as _};
use serde_json::{Map, Value};
use weaver_budget::ResponseMode;
use weaver_redact::{JsonStreamRedactor, Report};

use super::scope::At;
use super::{Body, Firewall, FirewallError, Frame, TransformContext, fit_strings, list_size};

/// One piece of a streamed result.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// The piece.
    pub data: Value,
    /// Whether the source says this is its last piece (a source may also just end).
    pub is_final: bool,
}

impl Chunk {
    /// A chunk that is not the last.
    pub fn new(data: Value) -> Chunk {
        Chunk {
            data,
            is_final: false,
        }
    }

    /// The last chunk of its stream.
    pub fn last(data: Value) -> Chunk {
        Chunk {
            data,
            is_final: true,
        }
    }
}

/// The synchronous core of [`Firewall::apply_stream`]: push chunks, get frames. Use it
/// when you drive the source yourself (the kernel does).
///
/// ```
/// use serde_json::json;
/// use weaver_kernel::{Budgets, Chunk, Firewall, FrameStreamer, TransformContext};
/// use weaver_budget::ResponseMode;
///
/// let fw = Firewall::new(Budgets::default()).unwrap();
/// let ctx = TransformContext::new(ResponseMode::Raw).with_role("admin");
/// let mut s = FrameStreamer::new(fw, ctx);
/// let a = s.push(Chunk::new(json!({"text": "key: Bearer canary-zz"}))).unwrap();
/// let b = s.push(Chunk::last(json!({"text": "zz-do-not-leak ok"}))).unwrap();
/// let text: String = a.iter().chain(&b)
///     .map(|f| f.raw_data.as_ref().unwrap()["text"].as_str().unwrap().to_owned())
///     .collect();
/// assert_eq!(text, "key: [REDACTED] ok");
/// assert!(b.last().unwrap().is_final);
/// assert!(s.push(Chunk::new(json!({}))).is_err());
/// ```
#[derive(Debug)]
pub struct FrameStreamer {
    firewall: Firewall,
    ctx: TransformContext,
    json: JsonStreamRedactor,
    finished: bool,
}

impl FrameStreamer {
    /// A stream in `ctx`'s mode (fixed for the whole stream).
    pub fn new(firewall: Firewall, ctx: TransformContext) -> FrameStreamer {
        let json = JsonStreamRedactor::new(firewall.redactor.clone());
        FrameStreamer {
            firewall,
            ctx,
            json,
            finished: false,
        }
    }

    /// Whether the final frame was made.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The context frames are made in (the kernel sets the handle before the last one).
    pub fn context_mut(&mut self) -> &mut TransformContext {
        &mut self.ctx
    }

    /// The frames for one chunk: one, or two for a final chunk whose held tails belong at
    /// pointers it does not have (the second carries them). The last frame of a final
    /// chunk has `is_final`.
    ///
    /// Errors: [`FirewallError::ChunkAfterFinal`] once the final frame was made.
    pub fn push(&mut self, chunk: Chunk) -> Result<Vec<Frame>, FirewallError> {
        if self.finished {
            return Err(FirewallError::ChunkAfterFinal);
        }
        let mut data = chunk.data;
        let mut report = Report::new();
        self.json
            .push_chunk_with(&mut data, &mut |ptr, f| report.record(f.kind, &top(ptr), 1));
        if !chunk.is_final {
            let frame = self.frame(&data, &report);
            weaver_redact::drop_deep(data);
            return Ok(vec![frame?]);
        }
        self.finished = true;
        let mut leftovers = None;
        for (ptr, tail) in self
            .json
            .finish_with(&mut |ptr, f| report.record(f.kind, &top(ptr), 1))
        {
            // Where the final chunk has the pointer's string, or a place to put one, the
            // tail joins it; else it goes to a last frame of its own.
            let placed = match data.pointer_mut(&ptr) {
                Some(Value::String(s)) => {
                    s.push_str(&tail);
                    Ok(())
                }
                Some(_) => Err(tail),
                None if ptr.is_empty() => Err(tail),
                None => place(&mut data, &segments(&ptr), tail),
            };
            if let Err(tail) = placed {
                insert_at(
                    leftovers.get_or_insert_with(|| Value::Object(Map::new())),
                    &ptr,
                    tail,
                );
            }
        }
        let mut frames = vec![self.frame(&data, &report)?];
        weaver_redact::drop_deep(data);
        if let Some(doc) = leftovers {
            frames.push(self.frame(&doc, &Report::new())?);
        }
        if let Some(last) = frames.last_mut() {
            last.is_final = true;
        }
        Ok(frames)
    }

    /// The source ended. Without a final chunk so far, returns a final frame holding every
    /// tail still held (at its pointer; an empty map when none): no text is lost. After a
    /// final chunk, `None`.
    pub fn end(&mut self) -> Result<Option<Frame>, FirewallError> {
        if self.finished {
            return Ok(None);
        }
        self.finished = true;
        let mut report = Report::new();
        let mut doc = Value::Object(Map::new());
        for (ptr, tail) in self
            .json
            .finish_with(&mut |ptr, f| report.record(f.kind, &top(ptr), 1))
        {
            insert_at(&mut doc, &ptr, tail);
        }
        let mut frame = self.frame(&doc, &report)?;
        frame.is_final = true;
        Ok(Some(frame))
    }

    fn frame(&self, data: &Value, report: &Report) -> Result<Frame, FirewallError> {
        let mut frame = self.firewall.transform_streamed(data, &self.ctx)?;
        if !report.is_empty() {
            frame.findings.merge_prefixed("", report);
        }
        Ok(frame)
    }
}

impl Firewall {
    /// Frames for a stream of chunks, one (or, for a final chunk, two) per chunk, in
    /// `ctx`'s mode for the whole stream.
    ///
    /// Exact across chunks: in raw mode the concatenation, over the frames, of the string
    /// at any pointer equals the one-shot redaction of the concatenated text, however it
    /// was cut. Held tails are flushed on the final chunk, or in a last frame when the
    /// source ends without one. A chunk after the final one yields
    /// [`FirewallError::ChunkAfterFinal`] and ends the stream.
    ///
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use serde_json::json;
    /// use weaver_kernel::{Budgets, Chunk, Firewall, TransformContext};
    /// use weaver_budget::ResponseMode;
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let fw = Firewall::new(Budgets::default()).unwrap();
    /// let chunks = stream::iter([
    ///     Chunk::new(json!({"rows": [{"note": "call 555-01"}]})),
    ///     Chunk::new(json!({"rows": [{"note": "23-4567 now"}]})),
    /// ]);
    /// let ctx = TransformContext::new(ResponseMode::Raw).with_role("admin");
    /// let frames: Vec<_> = fw.apply_stream(chunks, ctx).collect().await;
    /// assert!(frames.last().unwrap().as_ref().unwrap().is_final);
    /// # });
    /// ```
    pub fn apply_stream<S>(
        &self,
        chunks: S,
        ctx: TransformContext,
    ) -> impl Stream<Item = Result<Frame, FirewallError>> + Send + 'static
    where
        S: Stream<Item = Chunk> + Send + 'static,
    {
        let state = State {
            source: Box::pin(chunks),
            streamer: FrameStreamer::new(self.clone(), ctx),
            queue: VecDeque::new(),
            done: false,
        };
        futures_util::stream::unfold(state, |mut st| async move {
            loop {
                if let Some(f) = st.queue.pop_front() {
                    return Some((Ok(f), st));
                }
                if st.done {
                    return None;
                }
                let step = if let Some(chunk) = st.source.next().await {
                    st.streamer.push(chunk)
                } else {
                    st.done = true;
                    st.streamer.end().map(|f| f.into_iter().collect())
                };
                match step {
                    Ok(frames) => st.queue.extend(frames),
                    Err(e) => {
                        st.done = true;
                        return Some((Err(e), st));
                    }
                }
            }
        })
    }

    /// `transform`, except that in raw mode strings are taken as already redacted (by
    /// the stream redactor, which saw their whole stream).
    fn transform_streamed(
        &self,
        raw: &Value,
        ctx: &TransformContext,
    ) -> Result<Frame, FirewallError> {
        let plan = self.plan(ctx);
        if plan.mode != ResponseMode::Raw {
            return self.transform(raw, ctx);
        }
        let mut scope = self.scope(&plan);
        scope.strings_clean = true;
        let body = Body::Raw(scope.copy(raw, 0, true, At::ROOT));
        Ok(self.assemble(&plan, &scope, body, ctx))
    }
}

struct State<S> {
    source: std::pin::Pin<Box<S>>,
    streamer: FrameStreamer,
    queue: VecDeque<Frame>,
    done: bool,
}

/// Adds `note` to a frame's warnings, cutting the warnings so that the frame stays within
/// `max_chars` (for notes the kernel adds after the firewall, e.g. "result not stored").
pub(crate) fn push_warning(frame: &mut Frame, max_chars: usize, note: String) {
    frame.warnings.push(note);
    let data = list_size(&frame.facts) + super::rows_size(&frame.table_preview);
    fit_strings(&mut frame.warnings, (max_chars as u64).saturating_sub(data));
}

/// The first two levels of a pointer, list indices as `*` (as the firewall reports).
fn top(ptr: &str) -> String {
    let mut out = String::new();
    for seg in ptr.split('/').skip(1).take(2) {
        out.push('/');
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push('*');
        } else {
            out.push_str(seg);
        }
    }
    out
}

/// Puts `tail` at `ptr` in `doc`, making maps on the way (a pointer into a list reads the
/// same from a map keyed by the index). A path blocked by a non-map keeps the tail under
/// the whole pointer as a top-level key.
fn insert_at(doc: &mut Value, ptr: &str, tail: String) {
    if ptr.is_empty() {
        match doc {
            Value::Object(m) if m.is_empty() => *doc = Value::String(tail),
            Value::String(s) => s.push_str(&tail),
            Value::Object(m) => {
                m.insert(String::new(), Value::String(tail));
            }
            _ => {}
        }
        return;
    }
    if let Err(tail) = place(doc, &segments(ptr), tail)
        && let Value::Object(root) = doc
    {
        root.insert(ptr.to_owned(), Value::String(tail));
    }
}

/// The unescaped segments of a JSON pointer.
fn segments(ptr: &str) -> Vec<String> {
    ptr.split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Puts `tail` at `segs` under `cur`: through existing list elements and maps, making
/// maps for missing keys. `Err(tail)` when a scalar or a missing list element is in the way.
fn place(cur: &mut Value, segs: &[String], tail: String) -> Result<(), String> {
    let Some((seg, rest)) = segs.split_first() else {
        return Err(tail);
    };
    let map = match cur {
        Value::Object(map) => map,
        Value::Array(items) => {
            return match seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(Value::String(s)) if rest.is_empty() => {
                    s.push_str(&tail);
                    Ok(())
                }
                Some(item) if !rest.is_empty() => place(item, rest, tail),
                Some(_) => Err(tail),
                None => Err(tail),
            };
        }
        _ => return Err(tail),
    };
    let next = map.entry(seg.clone()).or_insert_with(|| {
        if rest.is_empty() {
            Value::String(String::new())
        } else {
            Value::Object(Map::new())
        }
    });
    if rest.is_empty() {
        return match next {
            Value::String(s) => {
                s.push_str(&tail);
                Ok(())
            }
            _ => Err(tail),
        };
    }
    place(next, rest, tail)
}
