//! The weaver kernel: capabilities, signed grants, drivers, and a context firewall between
//! every tool result and the model.
//!
//! ```
//! use serde_json::json;
//! use weaver_budget::{BudgetConfig, BudgetManager};
//! use weaver_kernel::{
//!     Capability, InMemoryDriver, Kernel, Principal, Registry, ResponseMode, Sensitivity,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), weaver_kernel::KernelError> {
//! let mut registry = Registry::new();
//! registry.register(
//!     Capability::new("billing.list_invoices")
//!         .sensitivity(Sensitivity::Pii)
//!         .allowed_fields(["id", "amount", "status"]),
//! )?;
//! let rows = json!([
//!     {"id": "INV-1", "amount": 10, "status": "paid", "email": "ann@example.com"},
//!     {"id": "INV-2", "amount": 30, "status": "open", "email": "bob@example.com"},
//! ]);
//! let kernel = Kernel::builder(registry)
//!     .driver(InMemoryDriver::new("memory").with_data("billing.list_invoices", rows))
//!     .budget(BudgetManager::new(20_000, BudgetConfig::default()).unwrap())
//!     .build()?;
//!
//! // 1. Grant: the policy decides, the kernel signs a token bound to principal + capability.
//! let alice = Principal::new("alice").with_role("reader").with_attribute("tenant", "acme");
//! let grant = kernel.grant_capability("billing.list_invoices", &alice, "")?;
//!
//! // 2. Invoke: a bounded, redacted frame; the full result stays behind a handle.
//! let frame = kernel
//!     .invoke(&grant.token, &alice, "billing.list_invoices", json!({}), ResponseMode::Summary)
//!     .await?;
//! assert!(frame.is_final);
//! assert!(!serde_json::to_string(&frame).unwrap().contains("example.com"));
//!
//! // 3. Expand: only alice may page through it, within her grant.
//! let handle = frame.handle.as_ref().unwrap();
//! let page = kernel.expand(handle.id.as_str(), &json!({"limit": 1}), &alice).await?;
//! assert_eq!(page.page.rows, [json!({"id": "INV-1", "amount": 10, "status": "paid"})]);
//! let mallory = Principal::new("mallory").with_attribute("tenant", "acme");
//! assert!(kernel.expand(handle.id.as_str(), &json!({}), &mallory).await.is_err());
//!
//! // 4. Every action is audited.
//! let trace = kernel.explain(&frame.action_id)?;
//! assert_eq!(trace.principal_id, "alice");
//! assert!(trace.ok());
//! # Ok(()) }
//! ```
//!
//! # When to use this crate
//!
//! Put a [`Kernel`] between an agent and its tools: it decides who may call what
//! ([`Registry`], [`PolicyEngine`], signed [`CapabilityToken`]s), runs the call through
//! [`Driver`]s with a fallback chain and a timeout, keeps the full result server-side
//! behind a principal-bound handle, and hands the model a [`Frame`] that fits a fixed
//! budget and carries no secret the redactor knows. A session [`BudgetManager`]
//! (optional) escalates the mode (raw → table → summary → handle only) as it drains.
//! Use the [`Firewall`] alone when you only need frames.
//!
//! # The kernel
//!
//! * [`Kernel::grant_capability`]: policy → token, or a typed denial with a stable
//!   [`ReasonCode`]. Traced either way.
//! * [`Kernel::invoke`]: see its documentation for the order of checks. Reservations are
//!   RAII guards: released on every error, panic and dropped future.
//! * [`Kernel::expand`]: pages of the stored result; principal and grant come from the
//!   store, never from the caller.
//! * [`Kernel::dry_run`]: every check of `invoke` without the driver or the budget.
//! * [`Kernel::explain`]: the [`ActionTrace`] of any action — every path leaves one
//!   (invalid token, unknown capability, denial, exhausted budget, driver failure,
//!   timeout, failed expansion, cancellation, success), with arguments and error text
//!   redacted. Errors returned to callers are redacted too.
//!
//! # The firewall
//!
//! [`Firewall::transform`] and [`Firewall::transform_json`] make the same [`Frame`] from
//! a value or from JSON bytes (without building the whole value): a summary, a table
//! preview or just a handle, within [`Budgets`], every string, key and number that
//! reaches it redacted, every cut marked.
//!
//! ```
//! use serde_json::json;
//! use weaver_budget::ResponseMode;
//! use weaver_kernel::{Budgets, Firewall, TransformContext};
//!
//! let fw = Firewall::new(Budgets::default()).unwrap();
//! let result = json!([
//!     {"id": 1, "status": "paid", "email": "ann@example.com", "amount": 10},
//!     {"id": 2, "status": "open", "email": "bob@example.com", "amount": 30},
//! ]);
//! let frame = fw.transform(&result, &TransformContext::new(ResponseMode::Summary)).unwrap();
//! assert_eq!(frame.facts[0], "Total rows: 2");
//! assert!(!serde_json::to_string(&frame).unwrap().contains("example.com"));
//! ```
#![deny(missing_docs)]

mod driver;
mod driver_stream;
mod error;
pub mod firewall;
mod kernel;
pub mod metrics;
#[cfg(feature = "otel")]
pub mod otel;
mod policy;
mod registry;
mod telemetry;
mod token;
mod trace;

pub use firewall::{
    Budgets, Chunk, Constraints, Firewall, FirewallError, Frame, FrameStreamer, Provenance,
    ROLE_ADMIN, ROLE_PII_READER, TransformContext,
};
pub use weaver_budget::ResponseMode;
pub use weaver_budget::{BudgetConfig, BudgetManager};

pub use driver::{
    Driver, DriverError, DriverFuture, DriverOutput, ExecutionContext, InMemoryDriver,
};
pub use driver_stream::{
    ChunkStream, MAX_NDJSON_LINE, StreamDriver, StreamingDriver, merge_chunk, ndjson_chunks,
};
pub use error::KernelError;
pub use kernel::{
    CANCELLED_BY_CONSUMER, DEFAULT_STORE_BYTES, DryRun, EstimatedCost, ExpansionFrame, FrameStream,
    IssuedGrant, Kernel, KernelBuilder, KernelStats, MAX_STREAM_STORE_BYTES, MAX_TRACE_ARGS_BYTES,
};
pub use metrics::{DurationHistogram, MetricsSnapshot};
pub use policy::{
    ATTR_TENANT, DEFAULT_ROW_CAP, DefaultPolicy, GrantConstraints, GrantRequest, MAX_TIMEOUT_MS,
    MIN_JUSTIFICATION_CHARS, PolicyDecision, PolicyDenial, PolicyEngine, PolicyStep, Principal,
    ROLE_SECRETS_READER, ROLE_SERVICE, ROLE_WRITER, ReasonCode, SERVICE_ROW_CAP,
};
pub use registry::{Capability, CapabilityRequest, Registry, SafetyClass, Sensitivity};
pub use token::{CapabilityToken, MIN_KEY_BYTES, TokenSigner};
pub use trace::{
    ActionTrace, InMemoryTraceStore, ResultSummary, TokenUsage, TraceEvent, TraceStore,
};
/// Re-exported from `weaver-handles`: the JSON text a [`DriverOutput::Json`] carries.
pub use weaver_handles::{JsonText, JsonTextError};
