//! `Kernel::invoke_stream`: streaming drivers, fallback, timeout, budget, handle, audit.

use std::time::Duration;

use futures_util::{StreamExt as _, stream};
use serde_json::{Value, json};
use weaver_budget::{BudgetConfig, BudgetManager, ResponseMode};
use weaver_kernel::{
    CANCELLED_BY_CONSUMER, Capability, DriverError, Frame, InMemoryDriver, Kernel, Principal,
    Registry, StreamDriver, ndjson_chunks,
};
use weaver_redact::Redactor;

const CAP: &str = "llm.complete";

fn kernel_with(
    route: &[&str],
    build: impl FnOnce(weaver_kernel::KernelBuilder) -> weaver_kernel::KernelBuilder,
) -> Kernel {
    let mut reg = Registry::new();
    reg.register(Capability::new(CAP).route(route.iter().copied()))
        .unwrap();
    let b = Kernel::builder(reg)
        .budget(BudgetManager::new(100_000, BudgetConfig::default()).unwrap())
        .default_timeout(Duration::from_millis(500));
    build(b).build().unwrap()
}

fn admin() -> Principal {
    Principal::new("root").with_role("admin")
}

fn pieces(texts: &[&'static str]) -> StreamDriver {
    let texts = texts.to_vec();
    StreamDriver::new("stream", move |_ctx| {
        stream::iter(
            texts
                .clone()
                .into_iter()
                .map(|t| Ok::<_, DriverError>(json!({"out": {"text": t}}))),
        )
    })
}

fn joined(frames: &[Frame], ptr: &str) -> String {
    frames
        .iter()
        .filter_map(|f| {
            f.raw_data
                .as_ref()?
                .pointer(ptr)?
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// A raw stream of `CAP` for `p`, granted and opened.
async fn open_raw(k: &Kernel, p: &Principal) -> weaver_kernel::FrameStream {
    let g = k.grant_capability(CAP, p, "").unwrap();
    k.invoke_stream(&g.token, p, CAP, json!({}), ResponseMode::Raw)
        .await
        .unwrap()
}

async fn collect(
    k: &Kernel,
    p: &Principal,
    mode: ResponseMode,
) -> Vec<Result<Frame, weaver_kernel::KernelError>> {
    let g = k.grant_capability(CAP, p, "").unwrap();
    let s = k
        .invoke_stream(&g.token, p, CAP, json!({}), mode)
        .await
        .unwrap();
    s.collect().await
}

#[tokio::test]
async fn raw_stream_is_exact_across_chunks_and_audited_once() {
    let parts = ["key Bearer CANARY", "0123456789", "abcdef tail"];
    let k = kernel_with(&["stream"], |b| b.streaming_driver(pieces(&parts)));
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    let frames: Vec<Frame> = out.into_iter().map(Result::unwrap).collect();
    let text = joined(&frames, "/out/text");
    assert_eq!(text, Redactor::new().redact_str(&parts.concat()));
    assert!(!serde_json::to_string(&frames).unwrap().contains("CANARY"));
    assert_eq!(frames.iter().filter(|f| f.is_final).count(), 1);
    assert!(frames.last().unwrap().is_final);
    assert!(
        frames.last().unwrap().handle.is_none(),
        "raw mode stores nothing"
    );
    let t = k.explain(&frames[0].action_id).unwrap();
    assert!(t.ok(), "{t:?}");
    let budget = k.budget().unwrap();
    assert_eq!(budget.reserved(), 0);
    assert!(budget.used() > 0);
    assert_eq!(t.tokens.unwrap().actual, budget.used());
    assert_eq!(
        k.traces()
            .recent(10)
            .iter()
            .filter(|t| t.action_id == frames[0].action_id)
            .count(),
        1
    );
}

#[tokio::test]
async fn final_frame_carries_the_handle_of_the_merged_result() {
    let k = kernel_with(&["stream"], |b| {
        b.streaming_driver(pieces(&["ab", "cd", "ef"]))
    });
    let p = Principal::new("ann");
    let out = collect(&k, &p, ResponseMode::Summary).await;
    let last = out.last().unwrap().as_ref().unwrap();
    assert!(last.is_final);
    assert_eq!(last.response_mode, ResponseMode::Summary);
    let h = last.handle.as_ref().expect("a handle on the final frame");
    assert!(
        out[..out.len() - 1]
            .iter()
            .all(|f| f.as_ref().unwrap().handle.is_none())
    );
    let page = k.expand(h.id.as_str(), &json!({}), &p).await.unwrap();
    assert_eq!(page.page.rows, [json!({"out": {"text": "abcdef"}})]);
}

#[tokio::test]
async fn early_drop_writes_the_trace_and_settles_the_reservation() {
    let k = kernel_with(&["stream"], |b| {
        b.streaming_driver(pieces(&["a", "b", "c", "d"]))
    });
    let p = admin();
    let mut s = open_raw(&k, &p).await;
    let first = s.next().await.unwrap().unwrap();
    assert!(
        k.explain(&first.action_id).is_err(),
        "no trace while the stream runs"
    );
    assert!(k.budget().unwrap().reserved() > 0);
    drop(s);
    let t = k.explain(&first.action_id).unwrap();
    assert_eq!(t.error_code.as_deref(), Some(CANCELLED_BY_CONSUMER));
    let budget = k.budget().unwrap();
    assert_eq!(budget.reserved(), 0, "released");
    let usage = t.tokens.unwrap();
    assert!(
        usage.actual > 0 && usage.charged == usage.actual,
        "the delivered frame is charged: {usage:?}"
    );
    assert_eq!(budget.used(), usage.charged);
}

#[tokio::test(start_paused = true)]
async fn inactivity_timeout_between_chunks_fails_the_stream() {
    let d = StreamDriver::new("stream", |_ctx| {
        stream::iter([Ok::<_, DriverError>(json!({"t": "first"}))]).chain(stream::pending())
    });
    let k = kernel_with(&["stream"], |b| b.streaming_driver(d));
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    // The held text is flushed in a frame that is not final, then the error.
    assert_eq!(out.len(), 3, "{out:?}");
    let frames = [out[0].clone().unwrap(), out[1].clone().unwrap()];
    assert_eq!(joined(&frames, "/t"), "first");
    assert!(!frames[1].is_final);
    let err = out[2].as_ref().unwrap_err();
    assert_eq!(err.code(), "driver_timeout");
    let t = k.explain(&out[0].as_ref().unwrap().action_id).unwrap();
    assert_eq!(t.error_code.as_deref(), Some("driver_timeout"));
    assert_eq!(k.budget().unwrap().reserved(), 0);
}

#[tokio::test]
async fn failure_before_the_first_chunk_falls_back_along_the_chain() {
    let bad = StreamDriver::new("bad", |_ctx| {
        stream::iter([Err::<Value, _>("upstream down")])
    });
    let panics = StreamDriver::new("panics", |_ctx| {
        stream::once(async { panic!("boom") as Result<Value, DriverError> })
    });
    let mem = InMemoryDriver::new("memory").with_data(CAP, json!({"t": "from memory"}));
    let k = kernel_with(&["bad", "panics", "memory"], |b| {
        b.streaming_driver(bad).streaming_driver(panics).driver(mem)
    });
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    let frames: Vec<Frame> = out.into_iter().map(Result::unwrap).collect();
    assert_eq!(frames.len(), 1);
    assert!(frames[0].is_final);
    assert_eq!(joined(&frames, "/t"), "from memory");
    let t = k.explain(&frames[0].action_id).unwrap();
    assert_eq!(t.failed_drivers, ["bad", "panics"]);
    assert_eq!(t.driver_id.as_deref(), Some("memory"));
    assert_eq!(k.stats().fallback_activations, 1);
}

#[tokio::test]
async fn one_shot_first_then_streaming_fallback() {
    let mem = InMemoryDriver::new("memory"); // no operation: fails
    let k = kernel_with(&["memory", "stream"], |b| {
        b.driver(mem).streaming_driver(pieces(&["x", "y"]))
    });
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    let frames: Vec<Frame> = out.into_iter().map(Result::unwrap).collect();
    assert_eq!(joined(&frames, "/out/text"), "xy");
    assert_eq!(
        k.explain(&frames[0].action_id).unwrap().failed_drivers,
        ["memory"]
    );
}

#[tokio::test]
async fn every_driver_failing_is_an_error_before_any_frame() {
    let bad = StreamDriver::new("bad", |_ctx| stream::iter([Err::<Value, _>("nope")]));
    let k = kernel_with(&["bad"], |b| b.streaming_driver(bad));
    let p = admin();
    let g = k.grant_capability(CAP, &p, "").unwrap();
    let Err(e) = k
        .invoke_stream(&g.token, &p, CAP, json!({}), ResponseMode::Raw)
        .await
    else {
        panic!("expected an error");
    };
    assert_eq!(e.code(), "driver_failed");
    let t = &k.traces().recent(1)[0];
    assert_eq!(t.error_code.as_deref(), Some("driver_failed"));
    assert_eq!(k.budget().unwrap().reserved(), 0);
}

#[tokio::test]
async fn mid_stream_error_ends_the_stream_and_fails_the_trace() {
    let d = StreamDriver::new("stream", |_ctx| {
        stream::iter([
            Ok(json!({"t": "ok"})),
            Err("lost connection to ann@example.com"),
        ])
    });
    let k = kernel_with(&["stream"], |b| b.streaming_driver(d));
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    assert_eq!(out.len(), 3, "{out:?}");
    let e = out[2].as_ref().unwrap_err();
    assert_eq!(e.code(), "driver_failed");
    assert!(!e.to_string().contains("ann@example.com"), "{e}");
    let t = k.explain(&out[0].as_ref().unwrap().action_id).unwrap();
    assert_eq!(t.error_code.as_deref(), Some("driver_failed"));
}

#[tokio::test]
async fn missing_final_chunk_flushes_the_held_tail() {
    // The stream ends on what could be the start of a secret.
    let k = kernel_with(&["stream"], |b| {
        b.streaming_driver(pieces(&["abc", " Bearer"]))
    });
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    let frames: Vec<Frame> = out.into_iter().map(Result::unwrap).collect();
    assert!(frames.last().unwrap().is_final);
    assert_eq!(
        joined(&frames, "/out/text"),
        Redactor::new().redact_str("abc Bearer")
    );
}

#[tokio::test]
async fn ndjson_and_channel_adapters() {
    let nd = StreamDriver::new("nd", |_ctx| {
        let bytes: &'static [u8] =
            b"{\"t\": \"tok Bearer CAN\"}\n\n{\"t\": \"ARY0123456789abc\"}\n";
        ndjson_chunks(bytes).map(|c| c.map(|c| c.data))
    });
    let k = kernel_with(&["nd"], |b| b.streaming_driver(nd));
    let frames: Vec<Frame> = collect(&k, &admin(), ResponseMode::Raw)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(joined(&frames, "/t"), "tok [REDACTED]");

    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Value, String>>(4);
    let k = kernel_with(&["chan"], |b| {
        b.streaming_driver(StreamDriver::from_receiver("chan", rx))
    });
    tokio::spawn(async move {
        for t in ["a", "b", "c"] {
            tx.send(Ok(json!({"t": t}))).await.unwrap();
        }
    });
    let frames: Vec<Frame> = collect(&k, &admin(), ResponseMode::Raw)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(joined(&frames, "/t"), "abc");
}

#[tokio::test]
async fn invalid_ndjson_is_an_error_item() {
    let items: Vec<_> = ndjson_chunks(&b"{\"a\": 1}\nnot json\n{\"b\": 2}\n"[..])
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().data, json!({"a": 1}));
    assert!(items[1].as_ref().unwrap_err().message.contains("line 2"));
}

#[tokio::test]
async fn plain_invoke_on_a_streaming_driver_merges_the_chunks() {
    let k = kernel_with(&["stream"], |b| b.streaming_driver(pieces(&["he", "llo"])));
    let p = admin();
    let g = k.grant_capability(CAP, &p, "").unwrap();
    let f = k
        .invoke(&g.token, &p, CAP, json!({}), ResponseMode::Raw)
        .await
        .unwrap();
    assert_eq!(f.raw_data.unwrap(), json!({"out": {"text": "hello"}}));
}

#[tokio::test]
async fn a_panic_mid_stream_is_a_typed_error_and_settles_the_budget() {
    let d = StreamDriver::new("stream", |_ctx| {
        stream::iter([Ok::<_, DriverError>(json!({"t": "one"}))]).chain(stream::once(async {
            panic!("driver bug") as Result<Value, DriverError>
        }))
    });
    let k = kernel_with(&["stream"], |b| b.streaming_driver(d));
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    let e = out.last().unwrap().as_ref().unwrap_err();
    assert_eq!(e.code(), "driver_failed");
    assert!(e.to_string().contains("panicked"), "{e}");
    assert_eq!(k.budget().unwrap().reserved(), 0);
    let id = &out[0].as_ref().unwrap().action_id;
    assert_eq!(
        k.explain(id).unwrap().error_code.as_deref(),
        Some("driver_failed")
    );
}

#[tokio::test]
async fn an_exhausted_budget_stops_the_stream_before_the_driver_runs() {
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&ran);
    let d = StreamDriver::new("stream", move |_ctx| {
        seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        stream::iter([Ok::<_, DriverError>(json!({"t": "x"}))])
    });
    let mut reg = Registry::new();
    reg.register(Capability::new(CAP).route(["stream"]))
        .unwrap();
    let budget = BudgetManager::new(10, BudgetConfig::default()).unwrap();
    let all = budget.reserve(Some(10)).unwrap();
    let _ = all.commit(10);
    let k = Kernel::builder(reg)
        .streaming_driver(d)
        .budget(budget)
        .build()
        .unwrap();
    let p = admin();
    let g = k.grant_capability(CAP, &p, "").unwrap();
    let Err(e) = k
        .invoke_stream(&g.token, &p, CAP, json!({}), ResponseMode::Raw)
        .await
    else {
        panic!("expected an error");
    };
    assert_eq!(e.code(), "budget_exhausted");
    assert_eq!(ran.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(
        k.traces().recent(1)[0].error_code.as_deref(),
        Some("budget_exhausted")
    );
}

/// A stream is an invocation in the metrics too: counted, timed, its masks by kind, its
/// cancellation a labelled failure — as `invoke` is.
#[tokio::test]
async fn streams_are_counted_in_the_metrics() {
    let parts = ["mail ann@exa", "mple.com and ", "Bearer tok-0123456789"];
    let k = kernel_with(&["stream"], |b| b.streaming_driver(pieces(&parts)));
    let out = collect(&k, &admin(), ResponseMode::Raw).await;
    assert!(out.iter().all(Result::is_ok));
    let m = k.metrics();
    assert_eq!(m.invocations, 1, "{m:?}");
    assert_eq!(m.durations["invoke"].count, 1);
    assert!(m.invocation_failures.is_empty(), "{m:?}");
    assert!(
        m.redactions.get("email").copied().unwrap_or(0) >= 1,
        "{m:?}"
    );
    assert!(
        m.redactions.get("bearer").copied().unwrap_or(0) >= 1,
        "{m:?}"
    );
    assert!(m.budget_charged > 0, "{m:?}");

    // Dropped after its first frame: one more invocation, failed as cancelled.
    let p = admin();
    let mut s = open_raw(&k, &p).await;
    assert!(s.next().await.is_some());
    drop(s);
    let m = k.metrics();
    assert_eq!(m.invocations, 2, "{m:?}");
    assert_eq!(m.durations["invoke"].count, 2);
    assert_eq!(
        m.invocation_failures.get(CANCELLED_BY_CONSUMER),
        Some(&1),
        "{m:?}"
    );
}
