//! A driver that returns JSON text (`DriverOutput::Json`) gets the frame, the handle and
//! the pages a driver returning the parsed value gets: in every mode, with a grant's
//! scope, fields and row cap, and with the budget charged the same.

mod kernel_support;

use kernel_support::{admin, invoices, reader};
use serde_json::{Map, Value, json};
use weaver_budget::{BudgetConfig, BudgetManager, ResponseMode};
use weaver_kernel::{
    Capability, Driver, DriverFuture, DriverOutput, ExecutionContext, Frame, GrantConstraints,
    GrantRequest, JsonText, Kernel, Principal, Registry,
};

/// Answers every call with the same document: as text when `as_text`, else parsed.
struct Doc {
    text: String,
    as_text: bool,
}

impl Driver for Doc {
    fn id(&self) -> &'static str {
        "doc"
    }
    fn execute<'a>(&'a self, _: &'a ExecutionContext) -> DriverFuture<'a> {
        let out: DriverOutput = if self.as_text {
            JsonText::new(self.text.as_str()).unwrap().into()
        } else {
            serde_json::from_str::<Value>(&self.text).unwrap().into()
        };
        Box::pin(async move { Ok(out) })
    }
}

fn kernel(text: &str, as_text: bool) -> Kernel {
    let mut reg = Registry::new();
    reg.register(Capability::new("x.list").route(["doc"]))
        .unwrap();
    Kernel::builder(reg)
        .driver(Doc {
            text: text.to_owned(),
            as_text,
        })
        .budget(BudgetManager::new(1_000_000, BudgetConfig::default()).unwrap())
        .build()
        .unwrap()
}

/// The frame with the per-call ids and times taken out.
fn normalized(f: &Frame) -> Value {
    let mut v = serde_json::to_value(f).unwrap();
    let mut text = v.to_string().replace(&f.action_id, "ACTION");
    if let Some(h) = &f.handle {
        text = text.replace(h.id.as_str(), "HANDLE");
    }
    v = serde_json::from_str(&text).unwrap();
    for pointer in [
        "/handle/created_at_ms",
        "/handle/expires_at_ms",
        "/provenance/invoked_at_ms",
    ] {
        if let Some(slot) = v.pointer_mut(pointer) {
            *slot = Value::Null;
        }
    }
    v
}

async fn both(
    text: &str,
    p: &Principal,
    constraints: GrantConstraints,
    mode: ResponseMode,
    query: &Value,
) -> [(Value, Option<Value>, u64); 2] {
    let mut out = Vec::new();
    for as_text in [false, true] {
        let k = kernel(text, as_text);
        let g = k
            .grant(
                GrantRequest::new("x.list", "").constraints(constraints.clone()),
                p,
            )
            .unwrap();
        let frame = k
            .invoke(&g.token, p, "x.list", json!({}), mode)
            .await
            .unwrap();
        let page = match &frame.handle {
            Some(h) => {
                let page = k.expand(h.id.as_str(), query, p).await.unwrap();
                let mut page = serde_json::to_value(&page.page).unwrap();
                page = serde_json::from_str(&page.to_string().replace(h.id.as_str(), "HANDLE"))
                    .unwrap();
                Some(page)
            }
            None => None,
        };
        let spent = k.budget().unwrap().total() - k.budget().unwrap().remaining();
        out.push((normalized(&frame), page, spent));
    }
    let b = out.pop().unwrap();
    let a = out.pop().unwrap();
    [a, b]
}

fn rows_text() -> String {
    serde_json::to_string_pretty(&invoices(40)).unwrap()
}

#[tokio::test]
async fn every_mode_frames_and_pages_text_as_the_parsed_value() {
    let text = rows_text();
    let q = json!({"offset": 3, "limit": 5});
    for mode in [
        ResponseMode::Summary,
        ResponseMode::Table,
        ResponseMode::HandleOnly,
    ] {
        let [a, b] = both(&text, &reader(), GrantConstraints::default(), mode, &q).await;
        assert_eq!(a, b, "mode {mode:?}");
        assert!(a.1.is_some(), "mode {mode:?} keeps a handle");
        assert!(!a.0.to_string().contains("@example.com"), "{}", a.0);
    }
    let [a, b] = both(
        &text,
        &admin(),
        GrantConstraints::default(),
        ResponseMode::Raw,
        &q,
    )
    .await;
    assert_eq!(a, b, "raw");
    assert!(a.1.is_none(), "raw keeps no handle");
}

#[tokio::test]
async fn grants_apply_to_text_results() {
    let text = rows_text();
    let mut scope = Map::new();
    scope.insert("status".into(), json!("paid"));
    let c = GrantConstraints {
        max_rows: Some(4),
        allowed_fields: Some(vec!["id".into(), "status".into(), "amount".into()]),
        scope,
        ..GrantConstraints::default()
    };
    for mode in [ResponseMode::Summary, ResponseMode::Table] {
        let [a, b] = both(&text, &reader(), c.clone(), mode, &json!({})).await;
        assert_eq!(a, b, "mode {mode:?}");
        let page = a.1.unwrap().to_string();
        assert!(
            !page.contains("unpaid") && !page.contains("email"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn documents_of_every_shape() {
    for text in [
        r#"{"token": "ghp_0123456789abcdefghijABCDEFGHIJ012345", "rows": [1, 2]}"#,
        r#""just a string with ann@example.com""#,
        "[]",
        "42",
        r#"[{"id": 1, "id": 2}]"#,
    ] {
        for mode in [ResponseMode::Summary, ResponseMode::Table] {
            let [a, b] = both(
                text,
                &reader(),
                GrantConstraints::default(),
                mode,
                &json!({}),
            )
            .await;
            assert_eq!(a, b, "{text} in {mode:?}");
            assert!(!a.0.to_string().contains("ghp_0123"), "{}", a.0);
        }
    }
}
