//! Structural redaction of `serde_json::Value`. (Contract stub.)

use serde_json::Value;

use crate::{Redactor, Report};

/// What a structural redaction projects and how deep it keeps the shape.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    allowed_fields: Option<Vec<String>>,
    max_depth: Option<usize>,
}

impl Policy {
    /// No projection, no depth limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps only these fields in every record of a list-of-records shape, at every level.
    pub fn allowed_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.allowed_fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    /// Replaces containers deeper than `depth` (the root is depth 0) by a marker naming how
    /// many items were elided. Strings at the boundary are still scanned (fail closed).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = Some(depth);
        self
    }
}

impl Redactor {
    /// A redacted copy of `value` and the findings.
    pub fn redact_value(&self, value: &Value, policy: &Policy) -> (Value, Report) {
        let mut v = value.clone();
        let report = self.redact_value_in_place(&mut v, policy);
        (v, report)
    }

    /// Redacts `value` in place.
    pub fn redact_value_in_place(&self, _value: &mut Value, _policy: &Policy) -> Report {
        Report::new()
    }
}
