//! Reference scenarios §20 K188–K202 (budget, modes, grants, traces, stats, PII); the
//! scenario → test table is in `kernel_reference.rs`.

mod kernel_support;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use kernel_support::*;
use serde_json::json;
use weaver_budget::ResponseMode;
use weaver_kernel::{
    Capability, GrantConstraints, GrantRequest, InMemoryDriver, Kernel, Registry, TraceEvent,
};

#[tokio::test]
async fn k188_budget_drains() {
    let b = budget(10_000);
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls).budget(b.clone()).build().unwrap();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let mut last = b.remaining();
    for _ in 0..2 {
        let f = k
            .invoke(&g.token, &p, LIST, json!({}), ResponseMode::Summary)
            .await
            .unwrap();
        assert!(b.remaining() < last);
        last = b.remaining();
        let t = k.explain(&f.action_id).unwrap().tokens.unwrap();
        assert_eq!(t.reserved, 4_000);
        // What the model reads, counted by the default counter: ceil(JSON bytes / 4).
        let payload =
            json!({"facts": f.facts, "table_preview": f.table_preview, "warnings": f.warnings});
        let bytes = serde_json::to_string(&payload).unwrap().len() as u64;
        assert_eq!(t.actual, bytes.div_ceil(4));
        assert!(t.charged > 0 && t.charged == t.actual);
    }
    assert!(b.used() > 0);
    assert_eq!(b.reserved(), 0);
}

#[tokio::test]
async fn k189_low_budget_handle_only() {
    let b = budget(10_000);
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls).budget(b.clone()).build().unwrap();
    drain_to(&b, 200);
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(f.response_mode, ResponseMode::HandleOnly);
    assert!(f.handle.is_some());
    assert_eq!(k.stats().budget_downgrades, 1);
}

#[tokio::test]
async fn k190_l15_exhausted_traced() {
    let b = budget(10_000);
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls).budget(b.clone()).build().unwrap();
    drain_to(&b, 0);
    let p = reader();
    let e = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "budget_exhausted");
    assert!(e.to_string().contains("session budget exhausted"));
    assert_eq!(ran(&calls), 0);
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.error_code.as_deref(), Some("budget_exhausted"));
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let e = k
        .dry_run(&g.token, &p, LIST, &json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "budget_exhausted");
}

#[tokio::test]
async fn k191_l16_unregistered_driver() {
    let b = budget_with_request(1000, 200);
    let mut reg = Registry::new();
    reg.register(Capability::new("x.nowhere").route(["ghost"]))
        .unwrap();
    let k = Kernel::builder(reg)
        .driver(InMemoryDriver::new("memory"))
        .budget(b.clone())
        .build()
        .unwrap();
    let p = reader();
    let e = call(&k, &p, "x.nowhere", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "no_driver");
    assert_eq!((b.remaining(), b.used()), (1000, 0));
    let g = k.grant_capability("x.nowhere", &p, "").unwrap();
    let e = k
        .dry_run(&g.token, &p, "x.nowhere", &json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "no_driver");
}

#[tokio::test]
async fn k193_reader_raw_falls_back() {
    let (k, _) = kernel();
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Raw)
        .await
        .unwrap();
    assert_ne!(f.response_mode, ResponseMode::Raw);
    assert!(f.raw_data.is_none());
    assert!(f.handle.is_some());
    assert!(f.warnings.iter().any(|w| w.contains("admin")));
}

#[tokio::test]
async fn k194_default_kernel() {
    let (k, _) = kernel();
    assert!(k.budget().is_none());
    let p = reader();
    let f = call(&k, &p, SPEND, json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(f.response_mode, ResponseMode::Summary);
}

#[test]
fn k195_grant_with_intent() {
    let (k, _) = kernel();
    let p = reader();
    let mut scope = serde_json::Map::new();
    scope.insert("region".into(), json!("eu-west"));
    let c = GrantConstraints {
        scope,
        max_rows: Some(7),
        ..GrantConstraints::default()
    };
    let g = k
        .grant(
            GrantRequest::new(LIST, "")
                .intent("customer_support_lookup")
                .constraints(c),
            &p,
        )
        .unwrap();
    assert_eq!(g.decision.reason_code.as_str(), "default_policy_allow");
    assert_eq!(g.token.constraints.max_rows, Some(7));
    assert_eq!(g.token.constraints.scope["region"], "eu-west");
    let t = k.explain(&g.audit_id).unwrap();
    assert_eq!(t.event, TraceEvent::Grant);
    assert_eq!(t.args["intent"], "customer_support_lookup");
    assert_eq!(g.token.audit_id, g.audit_id);
}

#[test]
fn k196_deny_trace() {
    let (k, _) = kernel();
    let p = reader();
    assert!(k.grant_capability(DELETE, &p, JUSTIFICATION).is_err());
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.event, TraceEvent::Deny);
    assert_eq!(t.capability_id, DELETE);
    assert_eq!(t.principal_id, p.id);
    assert_eq!(t.reason_code.as_deref(), Some("missing_role"));
    assert_eq!(k.explain(&t.action_id).unwrap(), t);
    let s = k.stats();
    assert_eq!((s.denials, s.grants), (1, 0));
}

#[tokio::test]
async fn k197_l15_expand_trace() {
    let (k, _) = kernel();
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    let h = f.handle.unwrap();
    let page = k
        .expand(h.id.as_str(), &json!({"limit": 1}), &p)
        .await
        .unwrap();
    assert_eq!(page.provenance.principal_id, p.id);
    let t = k.explain(&page.action_id).unwrap();
    assert_eq!(t.event, TraceEvent::Expand);
    assert_eq!(t.principal_id, p.id);
    assert_eq!(t.handle_id.as_deref(), Some(h.id.as_str()));
    assert_eq!(t.capability_id, LIST);
    assert_eq!(t.sensitivity, weaver_kernel::Sensitivity::Pii);
}

#[tokio::test]
async fn k198_stats() {
    let (k, _) = kernel();
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    k.expand(f.handle.unwrap().id.as_str(), &json!({}), &p)
        .await
        .unwrap();
    let s = k.stats();
    assert_eq!(
        (
            s.grants,
            s.invocations,
            s.handle_stores,
            s.expansions,
            s.denials
        ),
        (1, 1, 1, 1, 0)
    );
}

#[tokio::test]
async fn k199_redaction_event() {
    let mut reg = Registry::new();
    reg.register(Capability::new("x.note")).unwrap();
    let d = InMemoryDriver::new("memory").with_data(
        "x.note",
        json!([{"note": "reach me at ann.lee@example.com"}]),
    );
    let k = Kernel::builder(reg).driver(d).build().unwrap();
    let p = reader();
    let f = call(&k, &p, "x.note", json!({}), ResponseMode::Table)
        .await
        .unwrap();
    assert!(!f.findings.is_empty());
    assert!(!json_of(&f).contains("ann.lee@example.com"));
    assert_eq!(k.stats().redaction_events, 1);
}

#[tokio::test]
async fn k200_pii_projection() {
    let (k, _) = kernel();
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Table)
        .await
        .unwrap();
    let allowed = ["id", "amount", "currency", "status", "date"];
    for row in &f.table_preview {
        assert!(row.keys().all(|k| allowed.contains(&k.as_str())), "{row:?}");
    }
    let p = pii_reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Table)
        .await
        .unwrap();
    let row = &f.table_preview[0];
    assert_eq!(row.len(), 9);
    assert_eq!(row["email"], "[REDACTED]");
    assert_eq!(row["phone"], "[REDACTED]");
    let text = json_of(&f);
    assert!(!text.contains("@example.com"));
    assert!(
        !text.contains("Service 1\""),
        "line items elided at depth 3"
    );
}

#[tokio::test]
async fn k201_service_rows_capped() {
    let (k, _) = kernel();
    let p = service();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    assert_eq!(g.token.constraints.max_rows, Some(500));
    let f = k
        .invoke(&g.token, &p, LIST, json!({}), ResponseMode::Table)
        .await
        .unwrap();
    assert!(f.table_preview.len() <= 50);
    assert!(!f.table_preview.is_empty());
}

#[tokio::test]
async fn k202_admin_raw_no_handle() {
    let (k, _) = kernel();
    let p = admin();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Raw)
        .await
        .unwrap();
    assert_eq!(f.response_mode, ResponseMode::Raw);
    assert!(f.handle.is_none());
    assert!(f.raw_data.is_some());
    assert!(!json_of(&f).contains("@example.com"));
    let t = k.explain(&f.action_id).unwrap();
    assert_eq!(t.handle_id, None);
}

/// A handle store that panics on every store (a bug in a backend).
struct PanickyStore;

impl weaver_handles::HandleBackend for PanickyStore {
    fn store_shared(
        &self,
        _: &str,
        _: Arc<serde_json::Value>,
        _: weaver_handles::Binding,
        _: weaver_handles::Grant,
        _: Option<std::time::Duration>,
    ) -> Result<weaver_handles::Handle, weaver_handles::HandleError> {
        #[allow(clippy::panic)]
        {
            panic!("backend bug")
        }
    }
    fn expand(
        &self,
        id: &str,
        _: &weaver_handles::ExpandQuery,
        _: Option<&str>,
        _: &weaver_handles::ExpandBudget,
    ) -> Result<weaver_handles::Expansion, weaver_handles::HandleError> {
        Err(weaver_handles::HandleError::NotFound { id: id.into() })
    }
    fn meta(&self, id: &str) -> Result<weaver_handles::Handle, weaver_handles::HandleError> {
        Err(weaver_handles::HandleError::NotFound { id: id.into() })
    }
    fn data(
        &self,
        id: &str,
        _: Option<&str>,
    ) -> Result<Arc<serde_json::Value>, weaver_handles::HandleError> {
        Err(weaver_handles::HandleError::NotFound { id: id.into() })
    }
    fn remove(&self, _: &str) -> bool {
        false
    }
    fn evict_expired(&self) -> usize {
        0
    }
    fn current_bytes(&self) -> u64 {
        0
    }
    fn len(&self) -> usize {
        0
    }
}

#[tokio::test]
async fn a_panicking_component_is_a_typed_error_and_releases_the_budget() {
    let b = budget(10_000);
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls)
        .budget(b.clone())
        .handle_store(Arc::new(PanickyStore))
        .build()
        .unwrap();
    let p = reader();
    let e = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "internal_panic");
    assert_eq!((b.remaining(), b.reserved(), b.used()), (10_000, 0, 0));
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.error_code.as_deref(), Some("internal_panic"));
    // The kernel keeps serving (raw mode stores nothing).
    let a = admin();
    let f = call(&k, &a, LIST, json!({}), ResponseMode::Raw)
        .await
        .unwrap();
    assert!(f.raw_data.is_some());
}

#[derive(Debug)]
struct BusinessHours;

impl weaver_kernel::PolicyEngine for BusinessHours {
    fn name(&self) -> &'static str {
        "BusinessHours"
    }
    fn evaluate(
        &self,
        request: &weaver_kernel::GrantRequest,
        _: &weaver_kernel::Capability,
        principal: &weaver_kernel::Principal,
    ) -> Result<weaver_kernel::PolicyDecision, weaver_kernel::PolicyDenial> {
        if principal.has_role("night_shift") {
            return Ok(weaver_kernel::PolicyDecision {
                reason_code: weaver_kernel::ReasonCode::custom("rule_allow"),
                reason: "night shift".into(),
                constraints: request.constraints.clone(),
                steps: Vec::new(),
            });
        }
        Err(weaver_kernel::PolicyDenial {
            reason_code: weaver_kernel::ReasonCode::custom("outside_business_hours"),
            message: "closed".into(),
        })
    }
}

#[tokio::test]
async fn a_custom_policy_engine_decides() {
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls).policy(BusinessHours).build().unwrap();
    let e = k.grant_capability(DELETE, &reader(), "").unwrap_err();
    assert_eq!(e.reason_code().unwrap().as_str(), "outside_business_hours");
    assert_eq!(
        k.traces().recent(1)[0].reason_code.as_deref(),
        Some("outside_business_hours")
    );
    // The custom policy allows a DESTRUCTIVE grant without justification; no row cap.
    let p = reader().with_role("night_shift");
    let g = k.grant_capability(DELETE, &p, "").unwrap();
    assert_eq!(g.decision.reason_code.as_str(), "rule_allow");
    assert_eq!(g.token.constraints.max_rows, None);
    k.invoke(
        &g.token,
        &p,
        DELETE,
        json!({"id": "INV-1"}),
        ResponseMode::Summary,
    )
    .await
    .unwrap();
}

#[derive(Debug)]
struct Broken;

impl weaver_kernel::PolicyEngine for Broken {
    fn name(&self) -> &'static str {
        "Broken"
    }
    fn evaluate(
        &self,
        _: &weaver_kernel::GrantRequest,
        _: &weaver_kernel::Capability,
        _: &weaver_kernel::Principal,
    ) -> Result<weaver_kernel::PolicyDecision, weaver_kernel::PolicyDenial> {
        #[allow(clippy::panic)]
        {
            panic!("policy bug")
        }
    }
}

#[test]
fn a_panicking_policy_is_a_typed_denial() {
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls).policy(Broken).build().unwrap();
    let e = k.grant_capability(LIST, &reader(), "").unwrap_err();
    assert_eq!(e.code(), "internal_panic");
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.event, TraceEvent::Deny);
    assert_eq!(t.error_code.as_deref(), Some("internal_panic"));
}
