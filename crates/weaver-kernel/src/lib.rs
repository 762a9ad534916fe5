//! The weaver kernel — for now, its context firewall: raw tool results in, bounded and
//! redacted [`Frame`]s out.
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
//!
//! // The same frame straight from JSON bytes, without building the whole value.
//! let bytes = serde_json::to_vec(&result).unwrap();
//! let same = fw.transform_json(&bytes, &TransformContext::new(ResponseMode::Summary)).unwrap();
//! assert_eq!(frame, same);
//! ```
//!
//! # When to use this crate
//!
//! Put a [`Firewall`] between the tools an agent calls and the model that reads their
//! results: every result becomes a [`Frame`] — a summary, a table preview or just a
//! handle — that fits a fixed budget, never carries a secret or personal datum the
//! redactor knows, and says explicitly what it cut. Use
//! [`Firewall::transform_json`] when results arrive as bytes (gateways, the `weaver`
//! command line): it never builds the whole value.
//!
//! # Roadmap
//!
//! This crate will grow into the whole kernel around the firewall: a capability
//! registry and default policy (roles, sensitivity, `allowed_fields` grants), signed
//! capability tokens, drivers with `invoke` / `invoke_stream` / `expand` / `dry_run`,
//! streaming frames (`apply_stream`), ActionTrace audit records and telemetry. Only the
//! [`firewall`] module exists today.
#![deny(missing_docs)]

pub mod firewall;

pub use firewall::{
    Budgets, Constraints, Firewall, FirewallError, Frame, Provenance, ROLE_ADMIN, ROLE_PII_READER,
    TransformContext,
};
pub use weaver_budget::ResponseMode;
