//! `invoke_stream`: the checks of `invoke`, then frames as the driver's chunks arrive.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{FutureExt as _, Stream, StreamExt as _};
use serde_json::Value;
use tracing::Instrument as _;
use weaver_budget::{Reservation, ResponseMode};
use weaver_handles::{Binding, Filter};

use super::invoke::{in_scope, payload_tokens, require_runtime, result_summary};
use super::{Inner, Kernel, bump, new_id};
use crate::driver::ExecutionContext;
use crate::driver_stream::{ChunkStream, merge_chunk};
use crate::error::{KernelError, short};
use crate::firewall::{Chunk, Frame, FrameStreamer, TransformContext, push_warning};
use crate::policy::{GrantConstraints, Principal};
use crate::token::CapabilityToken;
use crate::trace::{ActionTrace, TokenUsage, TraceEvent};

/// The frames of a streamed invocation (see [`Kernel::invoke_stream`]).
pub type FrameStream = Pin<Box<dyn Stream<Item = Result<Frame, KernelError>> + Send>>;

/// Most bytes (compact JSON, estimated) of a stream's merged result kept for its handle;
/// past it the result is not stored and the final frame says so.
pub const MAX_STREAM_STORE_BYTES: u64 = 64 << 20;

/// The `error_code` of a stream its consumer dropped before the end.
pub const CANCELLED_BY_CONSUMER: &str = "cancelled_by_consumer";

/// The stream's audit and reservation: settled exactly once — at the end, on the first
/// error, or when the stream is dropped (consumer gone, panic).
struct Guard {
    inner: Arc<Inner>,
    /// The stream's span: its telemetry fields are recorded with the trace, as `invoke`'s.
    span: tracing::Span,
    trace: ActionTrace,
    started: Instant,
    reservation: Option<Reservation>,
    tokens: u64,
    done: bool,
}

impl Guard {
    fn settle(&mut self) {
        if let Some(r) = self.reservation.take() {
            // What the consumer received is charged; the rest of the reservation returns.
            let c = r.commit(self.tokens);
            self.trace.tokens = Some(TokenUsage {
                reserved: c.reserved,
                actual: c.actual,
                charged: c.charged,
            });
        }
    }

    fn record(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        self.settle();
        // Metrics and span fields as for `invoke` (a stream is an invocation).
        self.inner
            .record_action(&self.span, &mut self.trace, self.started);
    }

    fn fail(&mut self, err: KernelError) -> KernelError {
        let err = self.inner.note_failure(&mut self.trace, err);
        bump(&self.inner.stats.invocation_failures);
        self.record();
        err
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.done {
            self.trace.error_code = Some(CANCELLED_BY_CONSUMER.to_owned());
            self.trace.error = Some(if std::thread::panicking() {
                "a panic unwound through the stream before it finished".to_owned()
            } else {
                "cancelled by consumer: the stream was dropped before its end".to_owned()
            });
            bump(&self.inner.stats.invocation_failures);
            self.record();
        }
    }
}

/// A running stream.
struct Live {
    guard: Guard,
    source: ChunkStream,
    first: Option<Chunk>,
    streamer: FrameStreamer,
    queue: VecDeque<Frame>,
    timeout: Duration,
    scope: Option<Filter>,
    /// The merged raw result for the handle (`None` in raw mode or past the cap).
    merged: Option<Value>,
    merged_bytes: u64,
    over_cap: bool,
    principal_id: String,
    capability_id: String,
    constraints: GrantConstraints,
    driver_id: String,
    ended: bool,
    /// A driver failure, returned after the frame that flushes the held text.
    failed: Option<KernelError>,
}

impl Kernel {
    /// Runs a capability as a stream of frames: the same checks as
    /// [`invoke`](Kernel::invoke) (token, capability, scope, route, mode, budget), then one
    /// frame per chunk (two for a final chunk that leaves held text at pointers it lacks),
    /// the last one with `is_final`.
    ///
    /// * Drivers: the route's drivers in order; a streaming driver streams, a one-shot
    ///   driver's result is one final chunk. A driver that fails (or panics) before its
    ///   first chunk hands over to the next.
    /// * Timeout: the grant's (or the default) timeout bounds the wait for *each* chunk.
    /// * Redaction: exact across chunks at every JSON pointer (see
    ///   [`Firewall::apply_stream`](crate::Firewall::apply_stream)); the mode is fixed when
    ///   the stream starts.
    /// * Budget: reserved before the driver runs; the tokens of every frame yielded are
    ///   committed when the stream ends, fails or is dropped (what was delivered is
    ///   charged, the rest returns), exactly once.
    /// * Handle: the chunks merged (strings at a pointer joined, see
    ///   [`merge_chunk`](crate::merge_chunk)) are stored, up to
    ///   [`MAX_STREAM_STORE_BYTES`] and the store's caps; the final frame carries the
    ///   handle (not in raw mode).
    /// * Audit: one [`ActionTrace`] per stream, written when it ends or is dropped:
    ///   completed (no error), failed (the error's code) or [`CANCELLED_BY_CONSUMER`].
    ///
    /// Errors before the first chunk are returned here; later ones are the stream's last
    /// item. Needs a tokio runtime with its time driver.
    pub async fn invoke_stream(
        &self,
        token: &CapabilityToken,
        principal: &Principal,
        capability_id: &str,
        args: Value,
        mode: ResponseMode,
    ) -> Result<FrameStream, KernelError> {
        let inner = &self.inner;
        let action_id = new_id()?;
        bump(&inner.stats.invocations);
        let span = crate::telemetry::action_span!("weaver.invoke_stream", action_id);
        let mut guard = Guard {
            inner: Arc::clone(inner),
            span: span.clone(),
            trace: ActionTrace {
                token_id: Some(short(&token.token_id)),
                requested_mode: Some(mode),
                ..inner.new_trace(
                    action_id.clone(),
                    TraceEvent::Invoke,
                    capability_id,
                    &principal.id,
                    &args,
                )
            },
            started: Instant::now(),
            reservation: None,
            tokens: 0,
            done: false,
        };
        let started = self
            .start_stream(
                token,
                principal,
                capability_id,
                args,
                mode,
                action_id,
                &mut guard,
            )
            .instrument(span.clone())
            .await;
        match started {
            Ok(live) => Ok(Box::pin(frames(live, span))),
            Err(e) => Err(guard.fail(e)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn start_stream(
        &self,
        token: &CapabilityToken,
        principal: &Principal,
        capability_id: &str,
        args: Value,
        mode: ResponseMode,
        action_id: String,
        guard: &mut Guard,
    ) -> Result<Live, KernelError> {
        let inner = &*self.inner;
        require_runtime("invoke_stream")?;
        // `check` records into an `Audit`; this stream keeps its own guard, so copy over.
        let mut audit = super::Audit::new(
            inner,
            action_id.clone(),
            TraceEvent::Invoke,
            capability_id,
            &principal.id,
            &Value::Null,
        );
        let checked = inner.check(token, principal, capability_id, mode, &mut audit);
        guard.trace.sensitivity = audit.trace.sensitivity;
        audit.done = true;
        drop(audit);
        let checked = checked?;
        guard.trace.response_mode = Some(checked.effective);
        if let Some(b) = &inner.budget {
            guard.reservation = Some(b.reserve(None)?);
        }
        let ctx = checked.context(principal, token, args, &action_id);
        let timeout = checked.timeout;
        let mut last = String::new();
        let mut opened: Option<(ChunkStream, Option<Chunk>)> = None;
        for driver in &checked.drivers {
            let id = driver.id().to_owned();
            guard.trace.driver_id = Some(id.clone());
            let attempt = if let Some(sd) = inner.stream_drivers.get(&id) {
                open_stream(sd.as_ref(), &ctx, timeout).await
            } else {
                match within(
                    timeout,
                    AssertUnwindSafe(driver.execute(&ctx)).catch_unwind(),
                )
                .await
                {
                    Err(e) => Err(e),
                    Ok(Ok(Ok(data))) => {
                        let data = data.into_value();
                        let none: ChunkStream = Box::pin(futures_util::stream::empty());
                        Ok(Ok((none, Some(Chunk::last(data)))))
                    }
                    Ok(Ok(Err(e))) => Ok(Err(e.message)),
                    Ok(Err(_)) => Ok(Err("the driver panicked".to_owned())),
                }
            };
            match attempt {
                Err(()) => {
                    return Err(timeout_error(&ctx.capability_id, &id, timeout));
                }
                Ok(Ok(open)) => {
                    opened = Some(open);
                    break;
                }
                Ok(Err(message)) => last = message,
            }
            guard.trace.failed_drivers.push(id);
        }
        weaver_redact::drop_deep(ctx.args);
        let Some((source, first)) = opened else {
            return Err(KernelError::DriverFailed {
                capability_id: ctx.capability_id,
                driver_id: guard.trace.driver_id.clone().unwrap_or_default(),
                message: last,
            });
        };
        if !guard.trace.failed_drivers.is_empty() {
            bump(&inner.stats.fallbacks);
        }
        let mut tctx = TransformContext::new(checked.firewall_mode);
        tctx.roles.clone_from(&principal.roles);
        tctx.constraints = ctx.constraints.firewall();
        tctx.capability_id.clone_from(&ctx.capability_id);
        tctx.action_id = action_id;
        tctx.principal_id.clone_from(&principal.id);
        tctx.invoked_at_ms = Some(guard.trace.started_at_ms);
        let raw = checked.effective == ResponseMode::Raw;
        Ok(Live {
            guard: std::mem::replace(guard, placeholder(&self.inner)),
            source,
            first,
            streamer: FrameStreamer::new(inner.firewall.clone(), tctx),
            queue: VecDeque::new(),
            timeout,
            scope: checked.scope,
            merged: None,
            merged_bytes: 0,
            over_cap: raw,
            principal_id: principal.id.clone(),
            capability_id: ctx.capability_id,
            constraints: ctx.constraints,
            driver_id: guard.trace.driver_id.clone().unwrap_or_default(),
            ended: false,
            failed: None,
        })
    }
}

/// A guard already settled (what `start_stream` leaves behind when the live stream takes
/// the real one).
fn placeholder(inner: &Arc<Inner>) -> Guard {
    Guard {
        inner: Arc::clone(inner),
        span: tracing::Span::none(),
        trace: ActionTrace::default(),
        started: Instant::now(),
        reservation: None,
        tokens: 0,
        done: true,
    }
}

fn timeout_error(capability_id: &str, driver_id: &str, timeout: Duration) -> KernelError {
    KernelError::DriverTimeout {
        capability_id: capability_id.to_owned(),
        driver_id: driver_id.to_owned(),
        timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
    }
}

/// `fut` within `timeout`; `Err(())` on timeout (or when the runtime has no time driver).
async fn within<F: std::future::Future>(timeout: Duration, fut: F) -> Result<F::Output, ()> {
    let Ok(timed) =
        std::panic::catch_unwind(AssertUnwindSafe(|| tokio::time::timeout(timeout, fut)))
    else {
        return Err(());
    };
    timed.await.map_err(|_| ())
}

/// Starts a streaming driver and waits for its first item. `Ok(Err(message))`: it failed
/// before its first chunk (fall back); `Err(())`: timed out.
async fn open_stream(
    driver: &dyn crate::StreamingDriver,
    ctx: &ExecutionContext,
    timeout: Duration,
) -> Result<Result<(ChunkStream, Option<Chunk>), String>, ()> {
    let Ok(mut source) = std::panic::catch_unwind(AssertUnwindSafe(|| driver.execute_stream(ctx)))
    else {
        return Ok(Err("the driver panicked".to_owned()));
    };
    match within(timeout, AssertUnwindSafe(source.next()).catch_unwind()).await? {
        Ok(Some(Ok(chunk))) => Ok(Ok((source, Some(chunk)))),
        Ok(None) => Ok(Ok((source, None))),
        Ok(Some(Err(e))) => Ok(Err(e.message)),
        Err(_) => Ok(Err("the driver panicked".to_owned())),
    }
}

fn frames(live: Live, span: tracing::Span) -> impl Stream<Item = Result<Frame, KernelError>> {
    futures_util::stream::unfold(live, move |mut live| {
        let span = span.clone();
        async move {
            let item = live.step().await?;
            Some((item, live))
        }
        .instrument(span)
    })
}

impl Live {
    /// The next frame, an error (then the end), or `None` at the end.
    async fn step(&mut self) -> Option<Result<Frame, KernelError>> {
        loop {
            if let Some(frame) = self.queue.pop_front() {
                return Some(Ok(self.deliver(frame)));
            }
            if let Some(e) = self.failed.take() {
                return Some(Err(self.fail(e)));
            }
            if self.ended {
                return None;
            }
            let next = match self.first.take() {
                Some(c) => Some(c),
                None if self.streamer.is_finished() => None,
                None => match within(
                    self.timeout,
                    AssertUnwindSafe(self.source.next()).catch_unwind(),
                )
                .await
                {
                    Err(()) => {
                        let e = timeout_error(&self.capability_id, &self.driver_id, self.timeout);
                        self.flush_then(e);
                        continue;
                    }
                    Ok(Ok(Some(Ok(c)))) => Some(c),
                    Ok(Ok(None)) => None,
                    Ok(Ok(Some(Err(e)))) => {
                        self.flush_then(self.driver_failed(e.message));
                        continue;
                    }
                    Ok(Err(_)) => {
                        self.flush_then(self.driver_failed("the driver panicked".into()));
                        continue;
                    }
                },
            };
            let made = if let Some(mut chunk) = next {
                if let Some(f) = &self.scope {
                    let kept = in_scope(&chunk.data, f);
                    weaver_redact::drop_deep(std::mem::replace(&mut chunk.data, kept));
                }
                self.keep(&chunk);
                if chunk.is_final {
                    self.store();
                }
                self.streamer.push(chunk)
            } else {
                self.store();
                self.streamer.end().map(|f| f.into_iter().collect())
            };
            match made {
                Ok(frames) => {
                    if self.streamer.is_finished() {
                        self.ended = true;
                    }
                    self.queue.extend(frames);
                }
                Err(e) => return Some(Err(self.fail(e.into()))),
            }
        }
    }

    fn fail(&mut self, err: KernelError) -> KernelError {
        self.ended = true;
        self.queue.clear();
        self.guard.fail(err)
    }

    fn driver_failed(&self, message: String) -> KernelError {
        KernelError::DriverFailed {
            capability_id: self.capability_id.clone(),
            driver_id: self.driver_id.clone(),
            message,
        }
    }

    /// The driver failed: the text held so far still reaches the consumer (in a frame
    /// that is not final), then the error ends the stream.
    fn flush_then(&mut self, err: KernelError) {
        self.ended = true;
        if let Ok(Some(mut frame)) = self.streamer.end() {
            frame.is_final = false;
            self.queue.push_back(frame);
        }
        self.failed = Some(err);
    }

    /// Counts the frame's tokens and, for the last one, finishes the trace.
    fn deliver(&mut self, mut frame: Frame) -> Frame {
        let inner = &self.guard.inner;
        if let Some(b) = &inner.budget {
            self.guard.tokens += payload_tokens(&frame, b.counter().as_ref());
        }
        if !frame.findings.is_empty() {
            bump(&inner.stats.redaction_events);
            inner.metrics.record_redactions(&frame.findings);
        }
        if frame.is_final {
            if self.over_cap && frame.response_mode != ResponseMode::Raw {
                let max = inner.firewall.budgets().max_chars;
                push_warning(
                    &mut frame,
                    max,
                    format!(
                        "the streamed result was not stored (over {MAX_STREAM_STORE_BYTES} bytes or the store's caps): no handle"
                    ),
                );
            }
            self.guard.trace.response_mode = Some(frame.response_mode);
            self.guard.trace.result_summary = Some(result_summary(&frame));
            self.guard.record();
        }
        frame
    }

    /// Adds the chunk to the merged result, unless that would pass the cap.
    fn keep(&mut self, chunk: &Chunk) {
        if self.over_cap {
            return;
        }
        self.merged_bytes = self
            .merged_bytes
            .saturating_add(weaver_estimate::estimate(&chunk.data));
        if self.merged_bytes > MAX_STREAM_STORE_BYTES {
            self.over_cap = true;
            if let Some(v) = self.merged.take() {
                weaver_redact::drop_deep(v);
            }
            return;
        }
        let copy = weaver_redact::clone_deep(&chunk.data);
        match &mut self.merged {
            Some(acc) => merge_chunk(acc, copy),
            None => self.merged = Some(copy),
        }
    }

    /// Stores the merged result and gives the final frame its handle.
    fn store(&mut self) {
        if self.over_cap {
            return;
        }
        let data = Arc::new(self.merged.take().unwrap_or(Value::Null));
        let inner = &self.guard.inner;
        match inner.store.store_shared(
            &self.capability_id,
            data,
            Binding::principal(self.principal_id.clone()),
            self.constraints.handle_grant(),
            None,
        ) {
            Ok(h) => {
                bump(&inner.stats.handle_stores);
                self.guard.trace.handle_id = Some(h.id.as_str().to_owned());
                self.streamer.context_mut().handle = Some(h);
            }
            Err(_) => self.over_cap = true,
        }
    }
}
