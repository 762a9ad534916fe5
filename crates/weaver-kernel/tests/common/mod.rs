//! Helpers shared by the firewall tests.
#![allow(dead_code, unreachable_pub)]

use serde_json::Value;
use weaver_kernel::{Budgets, Constraints, Firewall, Frame, ResponseMode, TransformContext};

pub fn fw() -> Firewall {
    Firewall::new(Budgets::default()).unwrap()
}

pub fn fw_with(b: Budgets) -> Firewall {
    Firewall::new(b).unwrap()
}

pub fn ctx(mode: ResponseMode) -> TransformContext {
    TransformContext::new(mode)
}

pub fn allowed(mode: ResponseMode, fields: &[&str]) -> TransformContext {
    TransformContext::new(mode).with_constraints(Constraints {
        max_rows: None,
        allowed_fields: Some(fields.iter().map(|s| (*s).to_owned()).collect()),
    })
}

/// Transforms through both entry points, checks they agree, returns the frame.
pub fn both(fw: &Firewall, v: &Value, ctx: &TransformContext) -> Frame {
    let a = fw.transform(v, ctx).unwrap();
    let bytes = serde_json::to_vec(v).unwrap();
    let parsed: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        &a,
        &fw.transform(&parsed, ctx).unwrap(),
        "fixture does not round-trip"
    );
    let b = fw.transform_json(&bytes, ctx).unwrap();
    assert_eq!(a, b, "transform and transform_json disagree");
    a
}

pub fn text(frame: &Frame) -> String {
    serde_json::to_string(frame).unwrap()
}

/// Compact JSON size of what the budget covers: facts, table_preview, warnings.
pub fn carried(frame: &Frame) -> u64 {
    let facts = serde_json::to_vec(&frame.facts).unwrap().len();
    let rows = serde_json::to_vec(&frame.table_preview).unwrap().len();
    let warnings = serde_json::to_vec(&frame.warnings).unwrap().len();
    (facts + rows + warnings) as u64
}
