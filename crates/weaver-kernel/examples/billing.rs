//! End to end: a billing capability with personal data behind the kernel.
//!
//! `cargo run -p weaver-kernel --example billing` prints each step: a grant, a summary
//! frame, page 2 of the stored result, a dry run, a session budget draining until frames
//! become handle-only, and the audit record of a call.

use serde_json::{Value, json};
use weaver_budget::{BudgetConfig, BudgetManager};
use weaver_kernel::{
    Capability, InMemoryDriver, Kernel, KernelError, Principal, Registry, ResponseMode, Sensitivity,
};

fn invoices(n: usize) -> Value {
    let statuses = ["paid", "unpaid", "overdue"];
    let currencies = ["USD", "EUR", "GBP"];
    Value::Array(
        (1..=n)
            .map(|i| {
                let note = if i % 50 == 0 {
                    format!("card on file 4111 1111 1111 1111, call (555) 201-{i:04}")
                } else {
                    String::new()
                };
                json!({
                    "id": format!("INV-{i:04}"),
                    "customer": format!("Customer {i}"),
                    "email": format!("customer{i}@example.com"),
                    "phone": format!("(555) 201-{:04}", 1000 + i),
                    "amount": (i * 37 % 1000) as f64 + 0.5,
                    "currency": currencies[i % 3],
                    "status": statuses[i % 3],
                    "note": note,
                })
            })
            .collect(),
    )
}

fn show(title: &str, v: &impl serde::Serialize) {
    println!("\n== {title}");
    println!(
        "{}",
        serde_json::to_string_pretty(v).unwrap_or_else(|e| e.to_string())
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), KernelError> {
    let mut registry = Registry::new();
    registry.register(
        Capability::new("billing.list_invoices")
            .describe("List invoices", "All invoices of the tenant")
            .sensitivity(Sensitivity::Pii)
            .allowed_fields(["id", "amount", "currency", "status", "note"])
            .tags(["billing", "invoices"]),
    )?;
    let budget = BudgetManager::new(
        6_000,
        BudgetConfig {
            default_request: 1_500,
            ..BudgetConfig::default()
        },
    )
    .map_err(|e| KernelError::Config(e.to_string()))?;
    let kernel = Kernel::builder(registry)
        .driver(InMemoryDriver::new("memory").with_data("billing.list_invoices", invoices(200)))
        .budget(budget.clone())
        .build()?;
    let alice = Principal::new("alice")
        .with_role("reader")
        .with_attribute("tenant", "acme");

    println!("capabilities for \"show me the invoices\":");
    for hit in kernel.request_capabilities("show me the invoices") {
        println!("  {} (score {})", hit.capability_id, hit.score);
    }

    let grant = kernel.grant_capability("billing.list_invoices", &alice, "")?;
    show("grant: decision", &grant.decision);
    println!(
        "token {} for {} on {}, signature {}…",
        grant.token.token_id,
        grant.token.principal_id,
        grant.token.capability_id,
        &grant.token.signature[..16]
    );

    let cap = "billing.list_invoices";
    let frame = kernel
        .invoke(&grant.token, &alice, cap, json!({}), ResponseMode::Summary)
        .await?;
    show("invoke (summary): the frame the model sees", &frame);
    let handle = frame
        .handle
        .clone()
        .ok_or_else(|| KernelError::Config("a summary frame carries a handle".into()))?;

    let page2 = kernel
        .expand(
            handle.id.as_str(),
            &json!({"offset": 5, "limit": 5, "filter": {"status": "paid"}}),
            &alice,
        )
        .await?;
    show("expand page 2 (paid invoices 6-10)", &page2);

    let mallory = Principal::new("mallory").with_attribute("tenant", "acme");
    match kernel
        .expand(handle.id.as_str(), &json!({}), &mallory)
        .await
    {
        Ok(_) => println!("\nmallory expanded alice's handle (must not happen)"),
        Err(e) => println!("\nmallory's expand is refused: [{}] {e}", e.code()),
    }

    let dry = kernel
        .dry_run(&grant.token, &alice, cap, &json!({}), ResponseMode::Table)
        .await?;
    show("dry run (table)", &dry);

    println!(
        "\n== a session budget of {} tokens draining",
        budget.total()
    );
    let mut last = frame.action_id.clone();
    for call in 1..=14 {
        match kernel
            .invoke(&grant.token, &alice, cap, json!({}), ResponseMode::Table)
            .await
        {
            Ok(f) => {
                let t = kernel.explain(&f.action_id)?;
                let cost = t.tokens.map_or(0, |u| u.charged);
                println!(
                    "call {call:>2}: asked table, got {:<11} cost {cost:>4} tokens, remaining {:>4}",
                    f.response_mode.as_str(),
                    budget.remaining()
                );
                last = f.action_id;
            }
            Err(e) => {
                println!("call {call:>2}: refused [{}] {e}", e.code());
                break;
            }
        }
    }

    show(
        "explain (the last successful call)",
        &kernel.explain(&last)?,
    );
    show("stats", &kernel.stats());
    Ok(())
}
