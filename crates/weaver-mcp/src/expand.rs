//! `weaver_expand`: the tool weaver adds to every server, answered by weaver itself.

use serde_json::{Map, Value, json};

use crate::Inner;
use crate::jsonrpc::tool_text_result;
use crate::results::Refusal;

/// The name of the tool weaver adds.
pub const EXPAND_TOOL: &str = "weaver_expand";

/// The `weaver_expand` tool definition added to `tools/list` results.
pub fn expand_tool() -> Value {
    json!({
        "name": EXPAND_TOOL,
        "title": "Expand a weaver frame",
        "description": "Read more of a large tool result that weaver replaced with a frame. \
    A frame is JSON with `facts`, maybe a `table_preview`, and `handle.id`. Call this tool with \
    that id as `handle` to get one page: JSON with `rows`, `offset`, `next_offset` (null on the \
    last page) and `total_rows`. For a JSON result, `offset` and `limit` count rows; for a \
    plain-text result, `rows` holds one string (a page of the text) and `offset` counts bytes. To read \
    on, call again with `offset` set to the previous `next_offset`. Optional: `fields` keeps only \
    these top-level fields of each row; `filter` keeps rows whose fields match, e.g. \
    {\"status\": \"paid\"} or {\"amount\": {\"gte\": 100}} (operators: eq, ne, in, lt, lte, gt, \
    gte, contains). Pages are bounded and redacted; handles expire after an hour and only the \
    principal whose session made them can read them.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "handle": {"type": "string", "description": "handle.id from a weaver frame"},
                "offset": {"type": "integer", "minimum": 0, "description": "rows to skip (bytes for a text result); default 0"},
                "limit": {"type": "integer", "minimum": 1, "description": "most rows wanted; weaver caps it (text pages have a fixed size)"},
                "fields": {"type": "array", "items": {"type": "string"}, "description": "top-level fields to keep"},
                "filter": {"type": "object", "description": "field conditions, all of which must hold"}
            },
            "required": ["handle"]
        },
        "annotations": {"readOnlyHint": true, "openWorldHint": false}
    })
}

impl Inner {
    /// The result of a `weaver_expand` call: a page, or `isError` with what went wrong.
    pub(crate) async fn expand(&self, args: &Value) -> Value {
        match self.expand_page(args).await {
            Ok(text) => tool_text_result(text, false),
            Err(Refusal(message)) => tool_text_result(message, true),
        }
    }

    async fn expand_page(&self, args: &Value) -> Result<String, Refusal> {
        let Some(handle) = args.get("handle").and_then(Value::as_str) else {
            return Err(Refusal(format!(
                "{EXPAND_TOOL} needs a `handle` argument: the handle.id string of a weaver frame"
            )));
        };
        let mut query = Map::new();
        for key in ["offset", "limit", "fields", "filter"] {
            if let Some(v) = args.get(key).filter(|v| !v.is_null()) {
                query.insert(key.to_owned(), v.clone());
            }
        }
        if let Some(extra) = args.as_object().and_then(|m| {
            m.keys().find(|k| {
                !matches!(
                    k.as_str(),
                    "handle" | "offset" | "limit" | "fields" | "filter"
                )
            })
        }) {
            return Err(Refusal(format!(
                "{EXPAND_TOOL} takes handle, offset, limit, fields and filter; unknown argument {}",
                shown(extra)
            )));
        }
        let s = &self.session;
        let page = s
            .kernel
            .expand(handle, &Value::Object(query), &s.principal)
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                let hint = match e.code() {
                    "handle_not_found" => {
                        " No such handle: it is unknown, or it expired (handles live an hour). Use the exact handle.id of a frame weaver returned, or call the original tool again."
                    }
                    "handle_expired" => " The handle has expired: call the original tool again.",
                    "handle_principal_mismatch" => {
                        " The handle belongs to another principal and cannot be read here."
                    }
                    _ => "",
                };
                self.log(&format!("weaver mcp: {EXPAND_TOOL} refused ({})", e.code()));
                return Err(Refusal(format!(
                    "{EXPAND_TOOL} failed ({}): {e}.{hint}",
                    e.code()
                )));
            }
        };
        self.log_action(&page.action_id);
        let text = serde_json::to_string(&page).unwrap_or_default();
        self.charge(&text)?;
        Ok(text)
    }
}

/// An argument name from the agent as the refusal may repeat it: quoted when it is plain
/// ([`weaver_handles::is_plain_name`], the rule of the handles' query errors), not at all
/// otherwise — a redactor cannot be trusted with every string glued into a name.
fn shown(name: &str) -> String {
    if weaver_handles::is_plain_name(name) {
        format!("`{name}`")
    } else {
        "(a name not shown)".to_owned()
    }
}
