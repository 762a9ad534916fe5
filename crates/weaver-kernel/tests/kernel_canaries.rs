//! The canary suite through the kernel: the shared workloads (scale 0.1) with their
//! planted secrets, on every path that leaves the kernel — frames in every mode,
//! expansion pages, traces (arguments and errors) and errors returned to callers.
//! Everything is serialized and searched (plain and JSON-escaped); 0 leaks.

mod kernel_support;

use kernel_support::{admin, pii_reader, reader};
use serde::Serialize;
use serde_json::{Value, json};
use weaver_budget::ResponseMode;
use weaver_kernel::{
    Capability, DriverError, InMemoryDriver, Kernel, Principal, Registry, TraceEvent,
};
use weaver_testkit::{Canary, leaked};

/// Canaries found in `v`'s JSON, as plain text or JSON-escaped.
fn leaks<'c, T: Serialize + ?Sized>(canaries: &'c [Canary], v: &T) -> Vec<&'c Canary> {
    let text = serde_json::to_string(v).unwrap();
    let mut found = leaked(canaries, &text);
    for c in canaries {
        let escaped = serde_json::to_string(&c.value).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        if text.contains(escaped) && !found.iter().any(|f| f.value == c.value) {
            found.push(c);
        }
    }
    found
}

fn assert_clean<T: Serialize + ?Sized>(canaries: &[Canary], what: &str, v: &T) {
    let l = leaks(canaries, v);
    assert!(
        l.is_empty(),
        "{what} leaked {} canaries: {:?}",
        l.len(),
        l.iter()
            .map(|c| (&c.kind, &c.variant, &c.placement))
            .collect::<Vec<_>>()
    );
}

/// A kernel serving `data` as `w.data`, echoing its arguments as `w.echo`, and failing
/// with the text of its arguments as `w.fail`.
fn kernel_for(data: Value) -> Kernel {
    let mut reg = Registry::new();
    reg.register_many([
        Capability::new("w.data"),
        Capability::new("w.echo"),
        Capability::new("w.fail"),
    ])
    .unwrap();
    let d = InMemoryDriver::new("memory")
        .with_data("w.data", data)
        .with_handler("w.echo", |ctx| Ok(ctx.args.clone()))
        .with_handler("w.fail", |ctx| {
            Err(DriverError::new(format!(
                "upstream rejected the request body {}",
                ctx.args
            )))
        });
    Kernel::builder(reg).driver(d).build().unwrap()
}

fn modes() -> Vec<(&'static str, Principal, ResponseMode)> {
    vec![
        ("summary", reader(), ResponseMode::Summary),
        ("table", reader(), ResponseMode::Table),
        ("handle_only", reader(), ResponseMode::HandleOnly),
        ("raw/admin", admin(), ResponseMode::Raw),
        ("raw/reader", reader(), ResponseMode::Raw),
        ("table/pii_reader", pii_reader(), ResponseMode::Table),
    ]
}

/// Every mode of one capability, then expansion pages of the stored result.
async fn every_path(
    k: &Kernel,
    cap: &str,
    args: &Value,
    canaries: &[Canary],
    label: &str,
    max_pages: usize,
) -> usize {
    let mut pages = 0;
    for (mode_label, p, mode) in modes() {
        let g = k.grant_capability(cap, &p, "").unwrap();
        let f = k
            .invoke(&g.token, &p, cap, args.clone(), mode)
            .await
            .unwrap();
        assert_clean(canaries, &format!("{label} {mode_label} frame"), &f);
        let Some(h) = f.handle else { continue };
        if mode_label != "table" {
            continue;
        }
        let mut offset = Some(0);
        while let Some(o) = offset {
            if pages >= max_pages {
                break;
            }
            let page = k
                .expand(h.id.as_str(), &json!({"offset": o}), &p)
                .await
                .unwrap();
            assert_clean(canaries, &format!("{label} expand page at {o}"), &page);
            pages += 1;
            offset = page.page.next_offset;
        }
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_50k_every_path() {
    let w = weaver_testkit::workloads(0.1).unwrap();
    let canaries = w.canaries("rows_50k").unwrap();
    assert!(!canaries.is_empty());
    let rows: Value = w.json("rows_50k").unwrap();
    let k = kernel_for(rows);
    let pages = every_path(&k, "w.data", &json!({}), &canaries, "rows_50k", usize::MAX).await;
    assert!(pages > 10, "paged through the whole result ({pages} pages)");
    // Every trace too.
    assert_clean(&canaries, "rows_50k traces", &k.traces().recent(usize::MAX));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_calls_every_path_args_and_errors() {
    let w = weaver_testkit::workloads(0.1).unwrap();
    let canaries = w.canaries("small_calls").unwrap();
    assert!(!canaries.is_empty());
    let calls: Value = w.json("small_calls").unwrap();
    let calls = calls.as_array().unwrap();
    let k = kernel_for(Value::Null);
    let p = reader();
    let echo = k.grant_capability("w.echo", &p, "").unwrap().token;
    let fail = k.grant_capability("w.fail", &p, "").unwrap().token;
    let mut errors = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        // The call as the arguments of an echoing capability: every mode and a page of
        // the stored result (the first 50 calls page through everything).
        let budget = if i < 50 { usize::MAX } else { 1 };
        if i % 4 == 0 {
            every_path(&k, "w.echo", call, &canaries, "small_calls", budget).await;
        } else {
            let f = k
                .invoke(&echo, &p, "w.echo", call.clone(), ResponseMode::Table)
                .await
                .unwrap();
            assert_clean(&canaries, "small_calls table frame", &f);
        }
        // The call as the arguments of a failing capability whose error quotes them.
        let e = k
            .invoke(&fail, &p, "w.fail", call.clone(), ResponseMode::Summary)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "driver_failed");
        errors.push(format!("{e} | {e:?}"));
    }
    assert_clean(&canaries, "errors returned to callers", &errors);
    let traces = k.traces().recent(usize::MAX);
    assert!(traces.iter().any(|t| t.event == TraceEvent::Expand));
    assert!(
        traces
            .iter()
            .any(|t| t.error_code.as_deref() == Some("driver_failed"))
    );
    assert_clean(&canaries, "small_calls traces", &traces);
}

#[tokio::test]
async fn planted_secrets_in_args_and_errors_of_failed_paths() {
    // Secrets in the arguments of calls refused before the driver (forged token, unknown
    // capability) and in expand queries: the traces hold none, nor do the errors.
    let secret_args = json!({
        "note": "contact ann.lee@example.com or call (555) 201-7788",
        "auth": "Authorization: Bearer canary-zzz-9999-do-not-leak-token",
        "password": "correct-horse-battery-staple",
        "dsn": "postgresql://canary:zzz-secret-pw@db.invalid/main",
        "card": "4111 1111 1111 1111",
    });
    let needles = [
        "ann.lee@example.com",
        "201-7788",
        "canary-zzz-9999",
        "correct-horse-battery-staple",
        "zzz-secret-pw",
        "4111 1111 1111 1111",
    ];
    let k = kernel_for(json!([{"id": 1}]));
    let p = reader();
    let g = k.grant_capability("w.data", &p, "").unwrap();
    let mut forged = g.token.clone();
    forged.signature = "0".repeat(64);
    let mut out = Vec::new();
    for (token, cap) in [(&forged, "w.data"), (&g.token, "w.missing")] {
        let e = k
            .invoke(token, &p, cap, secret_args.clone(), ResponseMode::Summary)
            .await
            .unwrap_err();
        out.push(format!("{e} {e:?}"));
    }
    let f = k
        .invoke(
            &g.token,
            &p,
            "w.data",
            secret_args.clone(),
            ResponseMode::Summary,
        )
        .await
        .unwrap();
    let h = f.handle.unwrap();
    let e = k
        .expand(
            h.id.as_str(),
            &json!({"filter": {"note": "ann.lee@example.com"}, "fields": ["password"]}),
            &p,
        )
        .await;
    if let Err(e) = e {
        out.push(format!("{e} {e:?}"));
    }
    let traces = serde_json::to_string(&k.traces().recent(usize::MAX)).unwrap();
    let all = format!("{traces}\n{}", out.join("\n"));
    for n in needles {
        assert!(!all.contains(n), "{n} leaked: {all}");
    }
    assert!(all.contains("[REDACTED]"));
}
