//! Reference scenarios §20 L (tokens) and the §18 flaws L14–L16 inverted, plus the kernel
//! paths the reference left unaudited (failed expansions, scope, registry search). The
//! scenario → test table is in `kernel_reference.rs`.

mod kernel_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use kernel_support::*;
use serde_json::json;
use weaver_budget::ResponseMode;
use weaver_handles::ManualClock;
use weaver_kernel::{
    Capability, DriverError, GrantConstraints, GrantRequest, Principal, TraceEvent,
};

#[test]
fn l204_widened_constraints() {
    let (k, _) = kernel();
    let p = reader();
    let t = k.grant_capability(LIST, &p, "").unwrap().token;
    let mut wide = t.clone();
    wide.constraints.allowed_fields = Some(vec!["id".into(), "email".into()]);
    assert_eq!(
        k.tokens().verify(&wide, &p.id, LIST).unwrap_err().code(),
        "token_invalid"
    );
    let mut later = t.clone();
    later.expires_at_ms += 1;
    assert_eq!(
        k.tokens().verify(&later, &p.id, LIST).unwrap_err().code(),
        "token_invalid"
    );
    let mut other = t;
    other.principal_id = "reader-2".into();
    assert_eq!(
        k.tokens()
            .verify(&other, "reader-2", LIST)
            .unwrap_err()
            .code(),
        "token_invalid"
    );
}

#[test]
fn l205_revocation() {
    let clock = ManualClock::new(1_000_000);
    let calls = Arc::new(AtomicUsize::new(0));
    let k = builder(&calls)
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let p = reader();
    let t = k.grant_capability(LIST, &p, "").unwrap().token;
    assert!(k.tokens().revoke(&t).unwrap());
    assert!(!k.tokens().revoke(&t).unwrap(), "idempotent");
    assert_eq!(
        k.tokens().verify(&t, &p.id, LIST).unwrap_err().code(),
        "token_revoked"
    );
    clock.advance_ms(2 * 3_600_000);
    // Revoked and expired: revoked (revocation is checked before expiry).
    assert_eq!(
        k.tokens().verify(&t, &p.id, LIST).unwrap_err().code(),
        "token_revoked"
    );
    // Expired with a bad signature: invalid (nothing a token claims is believed before
    // its signature; the reference said expired).
    let mut bad = t.clone();
    bad.signature = "ab".repeat(32);
    assert_eq!(
        k.tokens().verify(&bad, &p.id, LIST).unwrap_err().code(),
        "token_invalid"
    );
    let a = k.grant_capability(LIST, &p, "").unwrap().token;
    let b = k.grant_capability(SPEND, &p, "").unwrap().token;
    let other = k.grant_capability(SPEND, &writer(), "").unwrap().token;
    assert_eq!(k.tokens().revoke_all(&p.id), 2);
    assert_eq!(k.tokens().revoke_all(&p.id), 0);
    for tok in [&a, &b] {
        assert_eq!(
            k.tokens()
                .verify(tok, &p.id, &tok.capability_id)
                .unwrap_err()
                .code(),
            "token_revoked"
        );
    }
    assert!(k.tokens().verify(&other, "writer-1", SPEND).is_ok());
}

#[test]
fn l206_other_secret_and_ttl0() {
    let calls = Arc::new(AtomicUsize::new(0));
    let k1 = builder(&calls).signing_key([7u8; 32]).build().unwrap();
    let k2 = builder(&calls).signing_key([8u8; 32]).build().unwrap();
    let k1b = builder(&calls).signing_key([7u8; 32]).build().unwrap();
    let p = reader();
    let t = k1.grant_capability(LIST, &p, "").unwrap().token;
    assert_eq!(
        k2.tokens().verify(&t, &p.id, LIST).unwrap_err().code(),
        "token_invalid"
    );
    assert!(
        k1b.tokens().verify(&t, &p.id, LIST).is_ok(),
        "same key, same verdict"
    );
    let t0 = k1
        .tokens()
        .issue(LIST, &p.id, GrantConstraints::default(), Duration::ZERO, "")
        .unwrap();
    assert_eq!(
        k1.tokens().verify(&t0, &p.id, LIST).unwrap_err().code(),
        "token_expired"
    );
    assert_eq!(
        builder(&calls)
            .signing_key([1u8; 16])
            .build()
            .unwrap_err()
            .code(),
        "invalid_config"
    );
}

#[tokio::test]
async fn l14_errors_to_callers_redacted() {
    let secret = "sk_live_51HqLyjWDarjtT1zdp7dcXYZ";
    let k = failing_kernel(
        move || {
            Err(DriverError::new(format!(
                "upstream 500: {{\"email\": \"jane.doe@example.com\", \"key\": \"{secret}\"}}"
            )))
        },
        None,
    );
    let p = reader();
    let e = call(&k, &p, "x.fail", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(text.contains("upstream 500"));
    assert!(!text.contains("jane.doe@example.com"), "{text}");
    assert!(!text.contains(secret), "{text}");
    let t = json_of(&k.traces().recent(1));
    assert!(!t.contains("jane.doe@example.com") && !t.contains(secret));
}

#[tokio::test]
async fn l15_every_pre_driver_failure_traced() {
    let (k, calls) = kernel();
    let p = reader();
    let g = k.grant_capability(LIST, &p, "").unwrap();
    let mut forged = g.token.clone();
    forged.signature = "0".repeat(64);
    let other = Principal::new("other").with_attribute("tenant", "acme");
    let cases: Vec<(&str, weaver_kernel::CapabilityToken, Principal, &str)> = vec![
        ("token_invalid", forged, p.clone(), LIST),
        ("token_scope", g.token.clone(), other, LIST),
        ("token_scope", g.token.clone(), p.clone(), "billing.nope"),
    ];
    for (code, token, who, cap) in cases {
        let before = k.traces().len();
        let e = k
            .invoke(&token, &who, cap, json!({"q": 1}), ResponseMode::Summary)
            .await
            .unwrap_err();
        assert_eq!(e.code(), code);
        assert_eq!(k.traces().len(), before + 1, "{code} traced");
        let t = k.traces().recent(1).pop().unwrap();
        assert_eq!(t.error_code.as_deref(), Some(code));
        assert_eq!(t.principal_id, who.id);
        assert_eq!(t.capability_id, cap);
    }
    // Unknown capability with a genuine token for it: issued around the registry.
    let t = k
        .tokens()
        .issue(
            "billing.nope",
            &p.id,
            GrantConstraints::default(),
            Duration::from_secs(60),
            "",
        )
        .unwrap();
    let e = k
        .invoke(&t, &p, "billing.nope", json!({}), ResponseMode::Summary)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "capability_not_found");
    assert_eq!(
        k.traces().recent(1)[0].error_code.as_deref(),
        Some("capability_not_found")
    );
    // Unknown capability at grant time: a deny trace.
    assert_eq!(
        k.grant_capability("billing.nope", &p, "")
            .unwrap_err()
            .code(),
        "capability_not_found"
    );
    assert_eq!(k.traces().recent(1)[0].event, TraceEvent::Deny);
    // Failed expansions.
    for id in ["0123456789abcdef0123456789abcdef", "not-a-handle"] {
        let e = k.expand(id, &json!({}), &p).await.unwrap_err();
        assert_eq!(e.code(), "handle_not_found");
        let t = k.traces().recent(1).pop().unwrap();
        assert_eq!(t.event, TraceEvent::Expand);
        assert_eq!(t.error_code.as_deref(), Some("handle_not_found"));
    }
    assert_eq!(ran(&calls), 0);
    assert_eq!(k.stats().invocation_failures, 4);
}

#[tokio::test]
async fn foreign_and_bad_expansions_refused() {
    let (k, _) = kernel();
    let p = reader();
    let f = call(&k, &p, LIST, json!({}), ResponseMode::Summary)
        .await
        .unwrap();
    let id = f.handle.unwrap().id;
    let mallory = Principal::new("mallory").with_attribute("tenant", "acme");
    let e = k
        .expand(id.as_str(), &json!({}), &mallory)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "handle_principal_mismatch");
    let t = k.traces().recent(1).pop().unwrap();
    assert_eq!(
        (t.capability_id.as_str(), t.principal_id.as_str()),
        (LIST, "mallory")
    );
    // A field outside the grant, a limit over it, a malformed query.
    let e = k
        .expand(id.as_str(), &json!({"fields": ["email"]}), &p)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "handle_constraint_violation");
    let e = k
        .expand(id.as_str(), &json!({"limit": -1}), &p)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_constraint");
    let page = k
        .expand(id.as_str(), &json!({"offset": 10, "limit": 500}), &p)
        .await
        .unwrap();
    assert!(page.page.rows.len() <= 50);
    assert_eq!(page.page.rows[0]["id"], "INV-0011");
    assert_eq!(k.stats().expansion_failures, 3);
}

#[tokio::test]
async fn scope_constraint_filters_result_and_expansion() {
    let (k, _) = kernel();
    let p = reader();
    let mut scope = serde_json::Map::new();
    scope.insert("status".into(), json!("paid"));
    let c = GrantConstraints {
        scope,
        ..GrantConstraints::default()
    };
    let g = k
        .grant(GrantRequest::new(LIST, "").constraints(c), &p)
        .unwrap();
    let f = k
        .invoke(&g.token, &p, LIST, json!({}), ResponseMode::Table)
        .await
        .unwrap();
    assert!(f.table_preview.iter().all(|r| r["status"] == "paid"));
    let h = f.handle.unwrap();
    assert_eq!(h.total_rows, 66);
    let page = k
        .expand(h.id.as_str(), &json!({"filter": {"status": "unpaid"}}), &p)
        .await;
    assert!(page.is_err() || page.unwrap().page.rows.is_empty());
}

#[test]
fn request_capabilities_finds_by_keyword() {
    let (k, _) = kernel();
    let hits = k.request_capabilities("list all invoices for a customer");
    assert_eq!(hits[0].capability_id, LIST);
    assert!(k.request_capabilities("zzz qqq").is_empty());
    let hits = k.request_capabilities("delete an invoice");
    assert_eq!(hits[0].capability_id, DELETE);
    let mut reg = registry();
    assert_eq!(
        reg.register(Capability::new(LIST)).unwrap_err().code(),
        "capability_already_registered"
    );
    assert_eq!(
        reg.register(Capability::new(" ")).unwrap_err().code(),
        "invalid_capability"
    );
    assert_eq!(reg.get("x").unwrap_err().code(), "capability_not_found");
    let _ = Ordering::SeqCst;
}

#[test]
fn pii_needs_tenant() {
    let (k, _) = kernel();
    let p = Principal::new("no-tenant").with_role("reader");
    let e = k.grant_capability(LIST, &p, "").unwrap_err();
    assert_eq!(
        e.reason_code().unwrap().as_str(),
        "missing_tenant_attribute"
    );
    assert_eq!(k.stats().denials, 1);
}

#[test]
fn trace_store_is_bounded_and_replaces_in_place() {
    use weaver_kernel::{ActionTrace, InMemoryTraceStore, TraceStore};
    let store = InMemoryTraceStore::new(3);
    for i in 0..5 {
        store.record(ActionTrace {
            action_id: format!("a{i}"),
            ..ActionTrace::default()
        });
    }
    assert_eq!(store.len(), 3);
    assert_eq!(store.evicted(), 2);
    assert!(store.get("a0").is_none() && store.get("a1").is_none());
    store.record(ActionTrace {
        action_id: "a2".into(),
        principal_id: "again".into(),
        ..ActionTrace::default()
    });
    let ids: Vec<String> = store.recent(10).into_iter().map(|t| t.action_id).collect();
    assert_eq!(ids, ["a2", "a3", "a4"]);
    assert_eq!(store.get("a2").unwrap().principal_id, "again");
    assert_eq!(store.recent(1)[0].action_id, "a4");
}

mod token_properties {
    use super::*;
    use proptest::prelude::*;

    fn signer() -> weaver_kernel::TokenSigner {
        weaver_kernel::TokenSigner::new(&[42u8; 32], Arc::new(weaver_handles::SystemClock)).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Changing any signed field (to anything else) invalidates the token; the
        /// untouched token verifies; a token's JSON round trip verifies.
        #[test]
        fn any_change_is_detected(field in 0usize..8, text in "[a-z0-9@. ]{0,12}", n in any::<u64>()) {
            let s = signer();
            let mut scope = serde_json::Map::new();
            scope.insert("region".into(), json!("eu"));
            let c = GrantConstraints { max_rows: Some(5), allowed_fields: Some(vec!["id".into()]), scope, timeout_ms: None };
            let t = s.issue("cap.a", "alice", c, Duration::from_secs(600), "audit-1").unwrap();
            prop_assert!(s.verify(&t, "alice", "cap.a").is_ok());
            let back: weaver_kernel::CapabilityToken =
                serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
            prop_assert!(s.verify(&back, "alice", "cap.a").is_ok());
            let mut m = t.clone();
            match field {
                0 => m.token_id = text.clone(),
                1 => m.audit_id = text.clone(),
                2 => m.issued_at_ms = n,
                3 => m.expires_at_ms = n,
                4 => m.constraints.max_rows = Some(n),
                5 => m.constraints.allowed_fields = Some(vec![text.clone()]),
                6 => { m.constraints.scope.insert("region".into(), json!(text.clone())); }
                _ => m.constraints.timeout_ms = Some(n),
            }
            prop_assume!(m != t);
            let e = s.verify(&m, "alice", "cap.a").unwrap_err();
            prop_assert_eq!(e.code(), "token_invalid");
        }
    }
}
