//! What a transform knows about the call: mode, caller, grant constraints, handle.

use serde_json::Value;
use weaver_budget::ResponseMode;
use weaver_handles::Handle;

use super::FirewallError;

/// Limits a grant puts on its results, on top of the firewall's [`Budgets`](super::Budgets).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Constraints {
    /// Rows the grant allows; the frame shows `min(budget, this)`.
    pub max_rows: Option<u64>,
    /// The only fields a record may show (the projection); `None`: no projection. An
    /// empty list allows no field at all. Ignored for the `pii_reader` role.
    pub allowed_fields: Option<Vec<String>>,
}

impl Constraints {
    /// Reads the firewall's constraints out of a grant's JSON constraint map; other keys
    /// are ignored. `max_rows` must be a non-negative integer, `allowed_fields` a list of
    /// strings; anything else is a typed error (never a silent default).
    ///
    /// ```
    /// use weaver_kernel::Constraints;
    /// let c = Constraints::from_json(&serde_json::json!({"max_rows": 5, "allowed_fields": ["id"]})).unwrap();
    /// assert_eq!(c.max_rows, Some(5));
    /// let e = Constraints::from_json(&serde_json::json!({"max_rows": -1})).unwrap_err();
    /// assert_eq!(e.to_string(), "invalid constraint max_rows: must not be negative, got -1");
    /// ```
    pub fn from_json(constraints: &Value) -> Result<Constraints, FirewallError> {
        let map = match constraints {
            Value::Null => return Ok(Constraints::default()),
            Value::Object(m) => m,
            other => {
                return Err(FirewallError::InvalidConstraint {
                    name: "constraints",
                    reason: format!("must be a map, got {}", type_name(other)),
                });
            }
        };
        let max_rows = match map.get("max_rows") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => {
                if let Some(u) = n.as_u64() {
                    Some(u)
                } else if let Some(i) = n.as_i64() {
                    return Err(FirewallError::InvalidConstraint {
                        name: "max_rows",
                        reason: format!("must not be negative, got {i}"),
                    });
                } else {
                    return Err(FirewallError::InvalidConstraint {
                        name: "max_rows",
                        reason: format!("must be an integer, got {n}"),
                    });
                }
            }
            Some(other) => {
                return Err(FirewallError::InvalidConstraint {
                    name: "max_rows",
                    reason: format!("must be a non-negative integer, got {}", type_name(other)),
                });
            }
        };
        let allowed_fields = match map.get("allowed_fields") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let mut fields = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => fields.push(s.clone()),
                        other => {
                            return Err(FirewallError::InvalidConstraint {
                                name: "allowed_fields",
                                reason: format!(
                                    "must be a list of strings, found {}",
                                    type_name(other)
                                ),
                            });
                        }
                    }
                }
                Some(fields)
            }
            Some(other) => {
                return Err(FirewallError::InvalidConstraint {
                    name: "allowed_fields",
                    reason: format!("must be a list of strings, got {}", type_name(other)),
                });
            }
        };
        Ok(Constraints {
            max_rows,
            allowed_fields,
        })
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// The role that may ask for raw mode.
pub const ROLE_ADMIN: &str = "admin";
/// The role that skips the `allowed_fields` projection (and nothing else: redaction
/// still applies).
pub const ROLE_PII_READER: &str = "pii_reader";

/// Everything a transform needs besides the data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransformContext {
    /// The requested mode (raw needs [`ROLE_ADMIN`], else the frame is a summary).
    pub mode: ResponseMode,
    /// The caller's roles.
    pub roles: Vec<String>,
    /// The grant's constraints.
    pub constraints: Constraints,
    /// Copied into the frame.
    pub capability_id: String,
    /// Copied into the frame.
    pub action_id: String,
    /// Copied into the frame's provenance.
    pub principal_id: String,
    /// When the call was made (ms since the Unix epoch), if the caller tracks it: the
    /// firewall never reads a clock, so equal inputs give equal frames.
    pub invoked_at_ms: Option<u64>,
    /// The handle of the stored full result, attached to the frame. Cut markers then say
    /// `full data via handle <id>`.
    pub handle: Option<Handle>,
    /// Where the full result is when no handle is attached, as the cut markers should say
    /// it (for example `full data in the input; the CLI keeps no handle`). `None` and no
    /// handle: markers say [`NO_HANDLE_NOTE`]. Ignored when a handle is attached. A frame
    /// never promises a handle it does not carry.
    pub full_data_note: Option<String>,
}

/// What cut markers say when the frame has no handle and the caller gave no
/// [`full_data_note`](TransformContext::full_data_note).
pub const NO_HANDLE_NOTE: &str = "no handle: full data not kept";

impl TransformContext {
    /// A context for `mode` with no roles, constraints or ids.
    pub fn new(mode: ResponseMode) -> Self {
        TransformContext {
            mode,
            ..TransformContext::default()
        }
    }

    /// Adds a role.
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Sets the constraints.
    pub fn with_constraints(mut self, constraints: Constraints) -> Self {
        self.constraints = constraints;
        self
    }

    /// Sets the handle.
    pub fn with_handle(mut self, handle: Handle) -> Self {
        self.handle = Some(handle);
        self
    }

    /// Sets where the full result is when there is no handle (see
    /// [`full_data_note`](Self::full_data_note)).
    pub fn with_full_data_note(mut self, note: impl Into<String>) -> Self {
        self.full_data_note = Some(note.into());
        self
    }

    /// The text cut markers end with: the handle's id when one is attached, else the
    /// caller's note, else [`NO_HANDLE_NOTE`].
    ///
    /// ```
    /// use weaver_kernel::{ResponseMode, TransformContext};
    /// let ctx = TransformContext::new(ResponseMode::Table);
    /// assert_eq!(ctx.full_data_pointer(), "no handle: full data not kept");
    /// let ctx = ctx.with_full_data_note("full data in the input");
    /// assert_eq!(ctx.full_data_pointer(), "full data in the input");
    /// ```
    pub fn full_data_pointer(&self) -> String {
        match (&self.handle, &self.full_data_note) {
            (Some(h), _) => format!("full data via handle {}", h.id),
            (None, Some(note)) => note.clone(),
            (None, None) => NO_HANDLE_NOTE.to_owned(),
        }
    }

    pub(crate) fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}
