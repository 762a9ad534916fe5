//! Hostile inputs through the kernel: 100 000-deep arguments and results, deep and huge
//! expand queries, absurd ids. Typed errors or bounded output, never a panic or a stack
//! overflow.

mod kernel_support;

use kernel_support::{admin, reader};
use serde_json::{Value, json};
use weaver_budget::ResponseMode;
use weaver_kernel::{Capability, InMemoryDriver, Kernel, MAX_TRACE_ARGS_BYTES, Registry};

const DEPTH: usize = 100_000;

fn deep(n: usize) -> Value {
    let mut v = json!("bottom: call (555) 201-7788");
    for _ in 0..n {
        v = Value::Array(vec![v]);
    }
    v
}

fn kernel() -> Kernel {
    let mut reg = Registry::new();
    reg.register_many([Capability::new("x.deep"), Capability::new("x.small")])
        .unwrap();
    let d = InMemoryDriver::new("memory")
        .with_handler("x.deep", |_| Ok(deep(DEPTH)))
        .with_data("x.small", json!([{"id": 1}]));
    Kernel::builder(reg).driver(d).build().unwrap()
}

#[tokio::test]
async fn deep_arguments_are_accepted_and_traced_bounded() {
    let k = kernel();
    let p = reader();
    let g = k.grant_capability("x.small", &p, "").unwrap();
    let f = k
        .invoke(&g.token, &p, "x.small", deep(DEPTH), ResponseMode::Summary)
        .await
        .unwrap();
    let t = k.explain(&f.action_id).unwrap();
    let args = serde_json::to_string(&t.args).unwrap();
    assert!(args.len() as u64 <= MAX_TRACE_ARGS_BYTES, "{}", args.len());
    assert!(!args.contains("201-7788"));
    let d = deep(DEPTH);
    let dry = k
        .dry_run(&g.token, &p, "x.small", &d, ResponseMode::Summary)
        .await
        .unwrap();
    weaver_redact::drop_deep(d);
    assert_eq!(dry.operation, "x.small");
}

#[tokio::test]
async fn deep_results_in_every_mode() {
    let k = kernel();
    for (p, mode) in [
        (reader(), ResponseMode::Summary),
        (reader(), ResponseMode::Table),
        (reader(), ResponseMode::HandleOnly),
        (admin(), ResponseMode::Raw),
    ] {
        let g = k.grant_capability("x.deep", &p, "").unwrap();
        let f = k
            .invoke(&g.token, &p, "x.deep", json!({}), mode)
            .await
            .unwrap();
        assert_eq!(f.response_mode, mode);
        let text = serde_json::to_string(&f).unwrap();
        assert!(!text.contains("201-7788"));
        assert!(text.len() < 8_000, "{mode}: {} bytes", text.len());
        if let Some(h) = &f.handle {
            let page = k
                .expand(h.id.as_str(), &json!({"limit": 3}), &p)
                .await
                .unwrap();
            let text = serde_json::to_string(&page).unwrap();
            assert!(!text.contains("201-7788"));
            assert!(text.len() < 8_000);
        }
    }
}

#[tokio::test]
async fn hostile_expand_queries_and_ids() {
    let k = kernel();
    let p = reader();
    let g = k.grant_capability("x.small", &p, "").unwrap();
    let f = k
        .invoke(&g.token, &p, "x.small", json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    let id = f.handle.unwrap().id;
    let mut filter = serde_json::Map::new();
    filter.insert("id".into(), deep(DEPTH));
    let mut q = serde_json::Map::new();
    q.insert("filter".into(), Value::Object(filter));
    let q = Value::Object(q);
    let e = k.expand(id.as_str(), &q, &p).await.unwrap_err();
    assert_eq!(e.code(), "invalid_constraint");
    weaver_redact::drop_deep(q);
    let huge = json!({"fields": (0..100_000).map(|i| format!("f{i}")).collect::<Vec<_>>()});
    assert!(k.expand(id.as_str(), &huge, &p).await.is_err());
    let long_id = "a".repeat(1 << 20);
    let e = k.expand(&long_id, &json!({}), &p).await.unwrap_err();
    assert_eq!(e.code(), "handle_not_found");
    assert!(e.to_string().len() < 200);
    let e = k
        .invoke(&g.token, &p, &long_id, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_scope");
    assert!(e.to_string().len() < 300);
    let t = k.traces().recent(1).pop().unwrap();
    assert!(t.capability_id.len() < 100);
}
