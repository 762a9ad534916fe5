//! Reference scenarios §20 K (kernel) and L (tokens), ported with the §18 flaws inverted.
//!
//! | scenario | test | note |
//! |---|---|---|
//! | K167 full flow | `k167_full_flow` | |
//! | K168 table / handle_only | `k168_modes_honoured` | |
//! | K169 result_summary | `k169_result_summary` | |
//! | K170 WRITE / DESTRUCTIVE policy | `k170_write_and_destructive_policy` | |
//! | K171 expired token on invoke and dry_run | `k171_expired_token` | TTL 0 instead of −1 |
//! | K172 fallback driver | `k172_fallback_driver` | |
//! | K173 only driver fails | `k173_only_driver_fails` | |
//! | K174 non-driver failure, budget unchanged | `k174_driver_panic_releases_budget` | a panic is Rust's untyped failure |
//! | K175 firewall failure, budget unchanged | `k175_k192_store_failure_releases_budget` | the handle store refuses (no firewall stub) |
//! | K176 timeout | `k176_timeout` | paused tokio clock, no sleeping |
//! | K177 bad timeout constraint | `k177_bad_timeout` | also refused at grant time |
//! | K178 cancelled invoke | `kernel_concurrency.rs::k178_l5_dropped_invoke_releases_and_traces` | |
//! | K179 token used by another principal | `k179_l203_token_scope` | |
//! | K180 zeroed signature | `k180_zeroed_signature` | driver never called |
//! | K181 handler failure text | `k181_handler_failure_traced` | |
//! | K182–K187 dry run | `k182_dry_run`, `k183_estimated_cost`, `k184_operation`, `k185_dry_run_raw`, `k186_dry_run_budget`, `k187_dry_run_reason` | |
//! | K188–K202 | in `kernel_reference_frames.rs` | |
//! | K188–K190 budget | `k188_budget_drains`, `k189_low_budget_handle_only`, `k190_l15_exhausted_traced` | exhausted is traced (L15) |
//! | K191 unregistered driver | `k191_l16_unregistered_driver` | `no_driver`; dry run refuses too (L16) |
//! | K192 failure with budget | `k175_k192_store_failure_releases_budget` | |
//! | K193 reader asks raw | `k193_reader_raw_falls_back` | with the firewall's warning |
//! | K194 default kernel | `k194_default_kernel` | |
//! | K195 grant with intent and constraints | `k195_grant_with_intent` | |
//! | K196 deny trace | `k196_deny_trace` | |
//! | K197 expand trace | `k197_l15_expand_trace` | sensitivity recorded (L15) |
//! | K198 stats | `k198_stats` | |
//! | K199 redaction event | `k199_redaction_event` | |
//! | K200 PII projection / pii_reader | `k200_pii_projection` | |
//! | K201 service table rows | `k201_service_rows_capped` | ≤ 50 (L10 fixed: `min`) |
//! | K202 admin raw, no handle | `k202_admin_raw_no_handle` | |
//! | L203 token binding | `k179_l203_token_scope` | capability checked against the call (L16) |
//! | L204–L206, L14–L16 | in `kernel_tokens_audit.rs` | |
//! | L204 widened constraints | `l204_widened_constraints` | |
//! | L205 revocation | `l205_revocation` | signature checked first: expired + bad signature → invalid |
//! | L206 other secret, TTL 0 | `l206_other_secret_and_ttl0` | |
//! | L14 redacted errors | `l14_errors_to_callers_redacted` | |
//! | L15 pre-driver failures audited | `l15_every_pre_driver_failure_traced` | |
//! | L16 dry run = real checks | `k191_l16_unregistered_driver`, `l16_dry_run_validates_timeout` | |
//! | L5 deterministic audit on early exit | `kernel_concurrency.rs::k178_l5_dropped_invoke_releases_and_traces` | `invoke_stream` is not built yet: the drop guard is shown on `invoke` |
//! | L6 budget binds every call | `k190_l15_exhausted_traced`, `kernel_concurrency.rs` | streams: not built yet |
//! | L7 ordered fallback chain | `k172_fallback_driver`, `l7_fallback_order` | streams: not built yet |

mod kernel_support;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use kernel_support::*;
use serde_json::{Value, json};
use weaver_budget::ResponseMode;
use weaver_handles::{HandleStore, HandleStoreConfig};
use weaver_kernel::{
    Capability, DriverError, EstimatedCost, GrantConstraints, GrantRequest, InMemoryDriver, Kernel,
    Principal, Registry, TraceEvent,
};

#[tokio::test]
async fn k167_full_flow() {
    let (k, _) = kernel();
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(f.response_mode, ResponseMode::Summary);
    assert!(!f.action_id.is_empty());
    assert!(f.is_final);
    let t = k.explain(&f.action_id).unwrap();
    assert_eq!(t.capability_id, LIST);
    assert_eq!(t.principal_id, p.id);
    let h = f.handle.unwrap();
    let page = k
        .expand(h.id.as_str(), &json!({"limit": 2}), &p)
        .await
        .unwrap();
    assert_eq!(page.page.rows.len(), 2);
}

#[tokio::test]
async fn k168_modes_honoured() {
    let (k, _) = kernel();
    let p = reader();
    let t = call(&k, &p, LIST, json!({}), ResponseMode::Table)
        .await
        .unwrap();
    assert_eq!(t.response_mode, ResponseMode::Table);
    assert!(!t.table_preview.is_empty());
    let h = call(&k, &p, LIST, json!({}), ResponseMode::HandleOnly)
        .await
        .unwrap();
    assert_eq!(h.response_mode, ResponseMode::HandleOnly);
    assert!(h.handle.is_some());
    assert!(h.facts.is_empty() && h.table_preview.is_empty());
}

#[tokio::test]
async fn k169_result_summary() {
    let (k, _) = kernel();
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Table)
        .await
        .unwrap();
    let t = k.explain(&f.action_id).unwrap();
    let s = t.result_summary.unwrap();
    let keys: Vec<String> = match serde_json::to_value(s).unwrap() {
        Value::Object(m) => m.keys().cloned().collect(),
        _ => unreachable!(),
    };
    assert_eq!(
        keys,
        ["fact_count", "row_count", "warning_count", "has_handle"]
    );
    assert_eq!(s.row_count, f.table_preview.len());
    assert_eq!(s.fact_count, f.facts.len());
    assert_eq!(s.warning_count, f.warnings.len());
    assert!(s.has_handle);
}

#[test]
fn k170_write_and_destructive_policy() {
    let (k, _) = kernel();
    let e = k
        .grant_capability(UPDATE, &reader(), JUSTIFICATION)
        .unwrap_err();
    assert_eq!(e.code(), "policy_denied");
    assert_eq!(e.reason_code().unwrap().as_str(), "missing_role");
    let e = k
        .grant_capability(DELETE, &writer(), JUSTIFICATION)
        .unwrap_err();
    assert_eq!(e.reason_code().unwrap().as_str(), "missing_role");
    let e = k
        .grant_capability(UPDATE, &writer(), "because")
        .unwrap_err();
    assert_eq!(
        e.reason_code().unwrap().as_str(),
        "insufficient_justification"
    );
    let g = k
        .grant_capability(UPDATE, &writer(), JUSTIFICATION)
        .unwrap();
    assert_eq!(g.token.capability_id, UPDATE);
    assert_eq!(g.decision.reason_code.as_str(), "default_policy_allow");
    let g = k.grant_capability(DELETE, &admin(), JUSTIFICATION).unwrap();
    assert_eq!(g.token.principal_id, "admin-1");
}

#[tokio::test]
async fn k171_expired_token() {
    let (k, calls) = kernel();
    let p = reader();
    let g = k
        .grant(GrantRequest::new(LIST, "").ttl(Duration::ZERO), &p)
        .unwrap();
    let e = k
        .invoke(&g.token, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_expired");
    let e = k
        .dry_run(&g.token, &p, LIST, &json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_expired");
    assert_eq!(ran(&calls), 0);
}

fn two_drivers(primary_fails: bool) -> Kernel {
    let mut reg = Registry::new();
    reg.register(Capability::new("x.read").route(["primary", "fallback"]))
        .unwrap();
    let primary = InMemoryDriver::new("primary").with_handler("x.read", move |_| {
        if primary_fails {
            Err(DriverError::new("primary is down"))
        } else {
            Ok(json!({"from": "primary"}))
        }
    });
    let fallback = InMemoryDriver::new("fallback").with_data("x.read", json!({"from": "fallback"}));
    Kernel::builder(reg)
        .driver(primary)
        .driver(fallback)
        .build()
        .unwrap()
}

#[tokio::test]
async fn k172_fallback_driver() {
    let k = two_drivers(true);
    let p = reader();
    let f = call(&k, &p, "x.read", json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(f.response_mode, ResponseMode::Summary);
    assert!(json_of(&f.facts).contains("fallback"));
    let t = k.explain(&f.action_id).unwrap();
    assert_eq!(t.driver_id.as_deref(), Some("fallback"));
    assert_eq!(t.failed_drivers, ["primary"]);
    assert_eq!(k.stats().fallback_activations, 1);
}

#[tokio::test]
async fn l7_fallback_order() {
    // The first registered driver of the route answers; the others are not touched.
    let k = two_drivers(false);
    let p = reader();
    let f = call(&k, &p, "x.read", json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert!(json_of(&f.facts).contains("primary"));
    let t = k.explain(&f.action_id).unwrap();
    assert_eq!(t.driver_id.as_deref(), Some("primary"));
    assert!(t.failed_drivers.is_empty());
}

#[tokio::test]
async fn k173_only_driver_fails() {
    let k = failing_kernel(|| Err(DriverError::new("nope")), None);
    let p = reader();
    let e = call(&k, &p, "x.fail", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "driver_failed");
    assert!(e.to_string().contains("nope"));
}

#[tokio::test]
async fn k174_driver_panic_releases_budget() {
    let b = budget(10_000);
    #[allow(clippy::panic)]
    let k = failing_kernel(|| panic!("value error in driver"), Some(b.clone()));
    let p = reader();
    let g = k.grant_capability("x.fail", &p, "").unwrap();
    let before = k.traces().len();
    let e = k
        .invoke(&g.token, &p, "x.fail", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "driver_failed");
    assert!(e.to_string().contains("panicked"));
    assert_eq!(b.remaining(), 10_000);
    assert_eq!(b.used(), 0);
    assert_eq!(k.traces().len(), before + 1);
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.driver_id.as_deref(), Some("only"));
    assert!(t.error.unwrap().contains("panicked"));
}

#[tokio::test]
async fn k175_k192_store_failure_releases_budget() {
    let b = budget_with_request(1000, 200);
    let calls = Arc::new(AtomicUsize::new(0));
    let store = HandleStore::new(HandleStoreConfig {
        max_entry_bytes: Some(64),
        ..HandleStoreConfig::default()
    })
    .unwrap();
    let k = builder(&calls)
        .budget(b.clone())
        .handle_store(Arc::new(store))
        .build()
        .unwrap();
    let p = reader();
    let e = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "handle_too_large");
    assert_eq!((b.remaining(), b.used(), b.reserved()), (1000, 0, 0));
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.error_code.as_deref(), Some("handle_too_large"));
    assert!(t.error.unwrap().contains("64-byte"));
}

#[tokio::test(start_paused = true)]
async fn k176_timeout() {
    let mut reg = Registry::new();
    reg.register(Capability::new("x.slow").route(["slow"]))
        .unwrap();
    let d = InMemoryDriver::new("slow").with_async_handler("x.slow", |_| async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(json!("late"))
    });
    let k = Kernel::builder(reg).driver(d).build().unwrap();
    let p = reader();
    let c = GrantConstraints {
        timeout_ms: Some(10),
        ..GrantConstraints::default()
    };
    let g = k
        .grant(GrantRequest::new("x.slow", "").constraints(c), &p)
        .unwrap();
    let e = k
        .invoke(&g.token, &p, "x.slow", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "driver_timeout");
    assert!(e.to_string().contains("timed out after 10 ms"));
    let t = k.traces().recent(1).pop().unwrap();
    assert!(t.error.unwrap().contains("timed out"));
}

#[tokio::test]
async fn k177_bad_timeout() {
    let (k, calls) = kernel();
    let p = reader();
    let zero = GrantConstraints {
        timeout_ms: Some(0),
        ..GrantConstraints::default()
    };
    // The policy refuses it at grant time …
    let e = k
        .grant(GrantRequest::new(LIST, "").constraints(zero.clone()), &p)
        .unwrap_err();
    assert_eq!(e.reason_code().unwrap().as_str(), "invalid_constraint");
    // … and a token issued around the policy is refused at invoke time.
    let t = k
        .tokens()
        .issue(LIST, &p.id, zero, Duration::from_secs(60), "")
        .unwrap();
    let e = k
        .invoke(&t, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_constraint");
    assert!(e.to_string().contains("timeout_ms"));
    let huge = GrantConstraints {
        timeout_ms: Some(u64::MAX),
        ..GrantConstraints::default()
    };
    let t = k
        .tokens()
        .issue(LIST, &p.id, huge, Duration::from_secs(60), "")
        .unwrap();
    let e = k
        .invoke(&t, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_constraint");
    assert_eq!(ran(&calls), 0);
}

#[tokio::test]
async fn l16_dry_run_validates_timeout() {
    let (k, _) = kernel();
    let p = reader();
    let zero = GrantConstraints {
        timeout_ms: Some(0),
        ..GrantConstraints::default()
    };
    let t = k
        .tokens()
        .issue(LIST, &p.id, zero, Duration::from_secs(60), "")
        .unwrap();
    let e = k
        .dry_run(&t, &p, LIST, &json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_constraint");
}

#[tokio::test]
async fn k179_l203_token_scope() {
    let (k, calls) = kernel();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let attacker = Principal::new("attacker-999")
        .with_role("reader")
        .with_attribute("tenant", "acme");
    let e = k
        .invoke(&g.token, &attacker, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_scope");
    // L16: the capability asked for is checked against the token's.
    let e = k
        .invoke(&g.token, &p, GET, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_scope");
    let e = k
        .dry_run(&g.token, &p, GET, &json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_scope");
    // Verified directly.
    assert!(k.tokens().verify(&g.token, &p.id, LIST).is_ok());
    assert_eq!(ran(&calls), 0);
}

#[tokio::test]
async fn k180_zeroed_signature() {
    let (k, calls) = kernel();
    let p = reader();
    let mut t = k.grant_capability(LIST, &p, "").unwrap().token;
    t.signature = "0".repeat(64);
    let e = k
        .invoke(&t, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_invalid");
    t.signature = "not hex".into();
    let e = k
        .invoke(&t, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "token_invalid");
    assert_eq!(ran(&calls), 0);
}

#[tokio::test]
async fn k181_handler_failure_traced() {
    let k = failing_kernel(|| Err(DriverError::new("synthetic driver failure")), None);
    let p = reader();
    let g = k.grant_capability("x.fail", &p, "").unwrap();
    let before = k.traces().len();
    let e = k
        .invoke(&g.token, &p, "x.fail", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "driver_failed");
    assert_eq!(k.traces().len(), before + 1);
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(t.event, TraceEvent::Invoke);
    assert!(t.error.unwrap().contains("synthetic driver failure"));
}

#[tokio::test]
async fn k182_dry_run() {
    let (k, calls) = kernel();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let d = k
        .dry_run(&g.token, &p, LIST, &json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(d.capability_id, LIST);
    assert_eq!(d.principal_id, p.id);
    assert_eq!(d.budget_remaining, None);
    assert_eq!(d.driver_id, "memory");
    assert_eq!(d.timeout_ms, 30_000);
    assert!(d.checks.contains(&"timeout_constraint"));
    assert_eq!(ran(&calls), 0);
    let t = k.explain(&d.action_id).unwrap();
    assert_eq!(t.event, TraceEvent::DryRun);
}

#[tokio::test]
async fn k183_estimated_cost() {
    let (k, _) = kernel();
    for (cap, p, cost) in [
        (SPEND, reader(), EstimatedCost::Low),
        (UPDATE, writer(), EstimatedCost::Medium),
        (DELETE, admin(), EstimatedCost::High),
    ] {
        let g = k.grant_capability(cap, &p, JUSTIFICATION).unwrap();
        let d = k
            .dry_run(&g.token, &p, cap, &json!({}), ResponseMode::Summary)
            .await
            .unwrap();
        assert_eq!(d.estimated_cost, cost, "{cap}");
    }
}

#[tokio::test]
async fn k184_operation() {
    let (k, _) = kernel();
    let p = reader();
    let g = k.grant_capability(SPEND, &p, "").unwrap();
    let args = json!({"operation": "billing.custom_op"});
    let d = k
        .dry_run(&g.token, &p, SPEND, &args, ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(d.operation, "billing.custom_op");
    let d = k
        .dry_run(&g.token, &p, SPEND, &json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(d.operation, SPEND);
    // And the real call runs that operation.
    let f = k
        .invoke(&g.token, &p, SPEND, args, ResponseMode::Table)
        .await
        .unwrap();
    assert_eq!(f.table_preview[0]["operation"], "billing.custom_op");
}

#[tokio::test]
async fn k185_dry_run_raw() {
    let (k, _) = kernel();
    for (p, mode) in [
        (reader(), ResponseMode::Summary),
        (admin(), ResponseMode::Raw),
    ] {
        let g = k.grant_capability(LIST, &p, "").unwrap();
        let d = k
            .dry_run(&g.token, &p, LIST, &json!({}), ResponseMode::Raw)
            .await
            .unwrap();
        assert_eq!(d.effective_mode, mode);
    }
}

#[tokio::test]
async fn k186_dry_run_budget() {
    let b = budget(10_000);
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls).budget(b.clone()).build().unwrap();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let d = k
        .dry_run(&g.token, &p, LIST, &json!({}), ResponseMode::Table)
        .await
        .unwrap();
    assert_eq!(d.budget_remaining, Some(10_000));
    assert_eq!(d.would_reserve, Some(4_000));
    assert_eq!((b.used(), b.reserved()), (0, 0));
    drain_to(&b, 200);
    let d = k
        .dry_run(&g.token, &p, LIST, &json!({}), ResponseMode::Table)
        .await
        .unwrap();
    assert_eq!(d.effective_mode, ResponseMode::HandleOnly);
    assert_eq!(d.budget_remaining, Some(200));
    assert_eq!(b.remaining(), 200);
    assert_eq!(ran(&calls), 0);
}

#[tokio::test]
async fn k187_dry_run_reason() {
    let (k, _) = kernel();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let d = k
        .dry_run(&g.token, &p, LIST, &json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    assert_eq!(d.reason_code.as_str(), "token_verified");
    assert_eq!(
        k.explain(&d.action_id).unwrap().reason_code.as_deref(),
        Some("token_verified")
    );
}
