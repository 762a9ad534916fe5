//! A kernel and a run over every telemetry path, with canaries planted in principal ids,
//! arguments, justifications, caller-supplied ids, driver error texts and result values.
#![allow(dead_code, unreachable_pub)]

use serde_json::{Value, json};
use weaver_budget::{BudgetConfig, BudgetManager};
use weaver_kernel::{
    Capability, DriverError, InMemoryDriver, Kernel, Principal, Registry, ResponseMode, Sensitivity,
};

pub const LIST: &str = "shop.list_orders";
pub const FAIL: &str = "shop.broken";

/// Every planted secret; none may reach a span attribute or a metric label.
pub const CANARIES: [&str; 6] = [
    "cnry-principal-5e1",
    "cnry-arg-77d",
    "cnry-just-0a9",
    "cnry-driver-msg-3b4",
    "cnry-value-c12",
    "cnry-cap-9f0",
];

pub fn kernel() -> Kernel {
    let mut reg = Registry::new();
    reg.register(
        Capability::new(LIST)
            .sensitivity(Sensitivity::Pii)
            .allowed_fields(["id", "email", "note"]),
    )
    .unwrap();
    reg.register(Capability::new(FAIL)).unwrap();
    let rows = json!([
        {"id": 1, "email": "ann@example.com", "note": "cnry-value-c12"},
        {"id": 2, "email": "bob@example.com", "note": "plain"},
        {"id": 3, "email": "cy@example.com", "note": "plain"},
    ]);
    let driver = InMemoryDriver::new("memory")
        .with_data(LIST, rows)
        .with_handler(FAIL, |_| {
            Err(DriverError::new("upstream said cnry-driver-msg-3b4"))
        });
    Kernel::builder(reg)
        .driver(driver)
        .budget(BudgetManager::new(50_000, BudgetConfig::default()).unwrap())
        .build()
        .unwrap()
}

pub fn principal() -> Principal {
    Principal::new("cnry-principal-5e1")
        .with_role("reader")
        .with_attribute("tenant", "acme")
}

pub fn intruder() -> Principal {
    Principal::new("intruder-cnry-principal-5e1").with_attribute("tenant", "acme")
}

/// What the run did, for the assertions.
pub struct Run {
    pub handle: String,
}

/// Grant ok and denied (unknown capability), invoke ok (summary), invoke downgraded (raw
/// without admin), invoke failed (driver error), expand ok, expand refused (another
/// principal), one dry run.
pub async fn every_path(k: &Kernel) -> Run {
    let p = principal();
    let args = json!({"filter": "cnry-arg-77d", "api_key": "cnry-arg-77d"});
    let g = k.grant_capability(LIST, &p, "cnry-just-0a9").unwrap();
    assert!(
        k.grant_capability("cnry-cap-9f0", &p, "cnry-just-0a9")
            .is_err()
    );
    let f = k
        .invoke(&g.token, &p, LIST, args.clone(), ResponseMode::Summary)
        .await
        .unwrap();
    let raw = k
        .invoke(&g.token, &p, LIST, args.clone(), ResponseMode::Raw)
        .await
        .unwrap();
    assert_eq!(raw.response_mode, ResponseMode::Summary);
    let gf = k.grant_capability(FAIL, &p, "").unwrap();
    let err = k
        .invoke(&gf.token, &p, FAIL, args.clone(), ResponseMode::Table)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "driver_failed");
    let handle = f.handle.unwrap().id.to_string();
    k.expand(&handle, &json!({"limit": 2}), &p).await.unwrap();
    assert!(k.expand(&handle, &json!({}), &intruder()).await.is_err());
    k.dry_run(&g.token, &p, LIST, &Value::Null, ResponseMode::Table)
        .await
        .unwrap();
    Run { handle }
}
