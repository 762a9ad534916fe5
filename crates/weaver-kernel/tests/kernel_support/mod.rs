//! The billing fixture the kernel tests share (the shape of the reference's, our values).
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use weaver_budget::{BudgetConfig, BudgetManager, ResponseMode};
use weaver_kernel::{
    Capability, DriverError, Frame, InMemoryDriver, Kernel, KernelBuilder, KernelError, Principal,
    Registry, SafetyClass, Sensitivity,
};

pub const LIST: &str = "billing.list_invoices";
pub const GET: &str = "billing.get_invoice";
pub const SPEND: &str = "billing.summarize_spend";
pub const UPDATE: &str = "billing.update_invoice";
pub const DELETE: &str = "billing.delete_invoice";

pub const JUSTIFICATION: &str = "customer asked for a correction of the amount";

/// `n` synthetic invoices: id, customer_name, email, phone, amount, currency, status,
/// date, line_items.
pub fn invoices(n: usize) -> Value {
    let currencies = ["USD", "EUR", "GBP"];
    let statuses = ["paid", "unpaid", "overdue"];
    Value::Array(
        (1..=n)
            .map(|i| {
                json!({
                    "id": format!("INV-{i:04}"),
                    "customer_name": format!("Customer {i}"),
                    "email": format!("customer{i}@example.com"),
                    "phone": format!("(555) 201-{:04}", 1000 + i),
                    "amount": (i * 37 % 1000) as f64 + 0.5,
                    "currency": currencies[i % 3],
                    "status": statuses[i % 3],
                    "date": format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                    "line_items": [
                        {"description": format!("Service {i}"), "qty": i % 5 + 1, "unit_price": 10.0},
                    ],
                })
            })
            .collect(),
    )
}

pub fn registry() -> Registry {
    let mut r = Registry::new();
    r.register_many([
        Capability::new(LIST)
            .describe(
                "List invoices",
                "List the tenant's invoices with amounts and status",
            )
            .sensitivity(Sensitivity::Pii)
            .allowed_fields(["id", "amount", "currency", "status", "date"])
            .tags(["billing", "invoices"]),
        Capability::new(GET)
            .describe("Get invoice", "One invoice by id")
            .sensitivity(Sensitivity::Pii),
        Capability::new(SPEND).describe("Summarize spend", "Total spend per currency"),
        Capability::new(UPDATE)
            .describe("Update invoice", "Change an invoice")
            .safety(SafetyClass::Write),
        Capability::new(DELETE)
            .describe("Delete invoice", "Remove an invoice")
            .safety(SafetyClass::Destructive),
    ])
    .unwrap();
    r
}

pub fn reader() -> Principal {
    Principal::new("reader-1")
        .with_role("reader")
        .with_attribute("tenant", "acme")
}

pub fn writer() -> Principal {
    Principal::new("writer-1")
        .with_role("reader")
        .with_role("writer")
        .with_attribute("tenant", "acme")
}

pub fn admin() -> Principal {
    Principal::new("admin-1")
        .with_role("reader")
        .with_role("writer")
        .with_role("admin")
        .with_attribute("tenant", "acme")
}

pub fn service() -> Principal {
    Principal::new("service-1")
        .with_role("reader")
        .with_role("service")
        .with_attribute("tenant", "acme")
}

pub fn pii_reader() -> Principal {
    Principal::new("pii-1")
        .with_role("reader")
        .with_role("pii_reader")
        .with_attribute("tenant", "acme")
}

/// The `memory` driver: 200 invoices for the list, the args echoed for everything else;
/// `calls` counts every execution.
pub fn memory_driver(calls: &Arc<AtomicUsize>) -> InMemoryDriver {
    let data = Arc::new(invoices(200));
    let mut d = InMemoryDriver::new("memory");
    let c = Arc::clone(calls);
    d = d.with_handler(LIST, move |_| {
        c.fetch_add(1, Ordering::SeqCst);
        Ok((*data).clone())
    });
    for op in [GET, SPEND, UPDATE, DELETE, "billing.custom_op"] {
        let c = Arc::clone(calls);
        d = d.with_handler(op, move |ctx| {
            c.fetch_add(1, Ordering::SeqCst);
            Ok(json!({"echo": ctx.args.clone(), "operation": ctx.operation.clone()}))
        });
    }
    d
}

pub fn builder(calls: &Arc<AtomicUsize>) -> KernelBuilder {
    Kernel::builder(registry()).driver(memory_driver(calls))
}

pub fn kernel() -> (Kernel, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    (builder(&calls).build().unwrap(), calls)
}

pub fn budget(total: u64) -> BudgetManager {
    BudgetManager::new(total, BudgetConfig::default()).unwrap()
}

pub fn budget_with_request(total: u64, request: u64) -> BudgetManager {
    BudgetManager::new(
        total,
        BudgetConfig {
            default_request: request,
            ..BudgetConfig::default()
        },
    )
    .unwrap()
}

/// Drains `b` until `remaining` tokens are left.
pub fn drain_to(b: &BudgetManager, remaining: u64) {
    let spend = b.remaining() - remaining;
    b.reserve(Some(spend)).unwrap().commit(spend);
    assert_eq!(b.remaining(), remaining);
}

pub fn ran(c: &Arc<AtomicUsize>) -> usize {
    c.load(Ordering::SeqCst)
}

pub fn json_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

/// A kernel with one capability `x.fail` on one driver `only` that runs `fail`.
pub fn failing_kernel(
    fail: impl Fn() -> Result<Value, DriverError> + Send + Sync + 'static,
    b: Option<weaver_kernel::BudgetManager>,
) -> Kernel {
    let mut reg = Registry::new();
    reg.register(Capability::new("x.fail").route(["only"]))
        .unwrap();
    let d = InMemoryDriver::new("only").with_handler("x.fail", move |_| fail());
    let mut kb = Kernel::builder(reg).driver(d);
    if let Some(b) = b {
        kb = kb.budget(b);
    }
    kb.build().unwrap()
}

/// Grants `cap` to `p` (no justification) and invokes it once.
pub async fn call(
    k: &Kernel,
    p: &Principal,
    cap: &str,
    args: Value,
    mode: ResponseMode,
) -> Result<Frame, KernelError> {
    let g = k.grant_capability(cap, p, "").unwrap();
    k.invoke(&g.token, p, cap, args, mode).await
}
