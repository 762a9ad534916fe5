//! JSON-RPC 2.0 messages as the relay sees them: what kind a line is, and the error
//! responses weaver itself writes.

use serde_json::{Map, Value, json};

/// JSON-RPC "Invalid Request".
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC "Internal error" (used when the server is gone before it answered).
pub const INTERNAL_ERROR: i64 = -32603;

/// What a parsed line is.
#[derive(Debug)]
pub(crate) enum Kind<'a> {
    /// A request: `method` and `id`.
    Request { id: &'a Value, method: &'a str },
    /// A notification: `method`, no `id`.
    Notification,
    /// A response: `id` and `result` or `error`.
    Response { id: &'a Value },
    /// A batch (an array): not supported by MCP since 2025-06-18, refused so that no
    /// result can slip past the firewall inside one.
    Batch,
    /// Not a JSON-RPC message; `id` when one can be read, so the sender gets an answer.
    Invalid {
        id: Option<&'a Value>,
        reason: &'static str,
    },
}

/// Classifies a parsed message. Unknown fields are allowed (forward compatible); only
/// what the relay needs is checked.
pub(crate) fn classify(v: &Value) -> Kind<'_> {
    let obj = match v {
        Value::Object(o) => o,
        Value::Array(_) => return Kind::Batch,
        _ => {
            return Kind::Invalid {
                id: None,
                reason: "a JSON-RPC message must be a JSON object",
            };
        }
    };
    let id = obj.get("id").filter(|id| valid_id(id));
    match obj.get("method") {
        Some(Value::String(method)) => match obj.get("id") {
            None => Kind::Notification,
            Some(raw) if valid_id(raw) => Kind::Request {
                id: raw,
                method: method.as_str(),
            },
            Some(_) => Kind::Invalid {
                id: None,
                reason: "a request id must be a string or a number",
            },
        },
        Some(_) => Kind::Invalid {
            id,
            reason: "`method` must be a string",
        },
        None => match id {
            Some(id) if obj.contains_key("result") || obj.contains_key("error") => {
                Kind::Response { id }
            }
            Some(id) => Kind::Invalid {
                id: Some(id),
                reason: "a message with an id needs `method`, `result` or `error`",
            },
            None => Kind::Invalid {
                id: None,
                reason: "a message needs `method`, or `id` with `result` or `error`",
            },
        },
    }
}

fn valid_id(id: &Value) -> bool {
    matches!(id, Value::String(_) | Value::Number(_))
}

/// The key under which a request id is tracked (its JSON text: `1` and `"1"` differ).
pub(crate) fn id_key(id: &Value) -> String {
    id.to_string()
}

/// An error response for `id`.
pub(crate) fn error_response(id: &Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// A successful response for `id`.
pub(crate) fn result_response(id: &Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

/// A `tools/call` result with one text content.
pub(crate) fn tool_text_result(text: String, is_error: bool) -> Value {
    let mut m = Map::new();
    m.insert("content".into(), json!([{"type": "text", "text": text}]));
    if is_error {
        m.insert("isError".into(), Value::Bool(true));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_kind() {
        let req = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "x": 1});
        assert!(matches!(
            classify(&req),
            Kind::Request {
                method: "tools/call",
                ..
            }
        ));
        let note = json!({"jsonrpc": "2.0", "method": "notifications/progress"});
        assert!(matches!(classify(&note), Kind::Notification));
        let resp = json!({"jsonrpc": "2.0", "id": "a", "result": {}});
        assert!(matches!(classify(&resp), Kind::Response { .. }));
        let err = json!({"jsonrpc": "2.0", "id": 2, "error": {"code": 1, "message": "m"}});
        assert!(matches!(classify(&err), Kind::Response { .. }));
        assert!(matches!(classify(&json!([req])), Kind::Batch));
        assert!(matches!(
            classify(&json!({"id": 3})),
            Kind::Invalid { id: Some(_), .. }
        ));
        assert!(matches!(
            classify(&json!({"id": 3, "method": 7})),
            Kind::Invalid { id: Some(_), .. }
        ));
        assert!(matches!(
            classify(&json!({"id": {"x": 1}, "method": "m"})),
            Kind::Invalid { id: None, .. }
        ));
        assert!(matches!(
            classify(&json!(17)),
            Kind::Invalid { id: None, .. }
        ));
        assert!(matches!(
            classify(&json!({})),
            Kind::Invalid { id: None, .. }
        ));
    }

    #[test]
    fn id_keys_keep_types_apart() {
        assert_ne!(id_key(&json!(1)), id_key(&json!("1")));
        assert_eq!(id_key(&json!("a")), id_key(&json!("a")));
    }
}
