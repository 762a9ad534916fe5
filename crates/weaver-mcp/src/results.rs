//! Firewalling server results: `tools/list`, `tools/call`, `resources/read`, errors.

use std::collections::HashMap;

use serde_json::{Value, json};
use weaver_kernel::{
    ActionTrace, DriverOutput, JsonText, KernelError, ResponseMode, TokenUsage, TraceEvent,
};
use weaver_redact::Policy;

use crate::config::{CAP_RESOURCE, CAP_TOOL_RESULT};
use crate::expand::{EXPAND_TOOL, expand_tool};
use crate::jsonrpc::tool_text_result;
use crate::relay::Method;
use crate::{Inner, text};

/// Why a result cannot be shown: the message becomes an `isError` tool result.
pub(crate) struct Refusal(pub(crate) String);

/// Texts already firewalled in one result (a server often repeats its text content in
/// `structuredContent`): one frame, one handle, one charge. `None` when the result has a
/// single text part (hashing a 2 MB text for nothing costs a millisecond or two).
type Memo = Option<HashMap<u64, String>>;

/// Tokens shown in pass-through texts of one result.
#[derive(Default)]
struct Shown {
    tokens: u64,
    texts: usize,
}

impl Inner {
    /// Rewrites a server response in place as the client may see it.
    pub(crate) async fn firewall_response(&self, method: &Method, msg: &mut Value) {
        if let Some(err) = msg.get_mut("error") {
            let (red, _) = self.redactor.redact_value(err, &Policy::new());
            *err = red;
            return;
        }
        let Some(result) = msg.get_mut("result") else {
            return;
        };
        match method {
            Method::ToolsList { first_page } => {
                if *first_page {
                    self.add_expand_tool(result);
                }
            }
            Method::ToolsCall { tool } => self.firewall_result(CAP_TOOL_RESULT, tool, result).await,
            Method::ResourcesRead { uri } => self.firewall_result(CAP_RESOURCE, uri, result).await,
            Method::Other => {}
        }
    }

    fn add_expand_tool(&self, result: &mut Value) {
        let Some(tools) = result.get_mut("tools").and_then(Value::as_array_mut) else {
            return;
        };
        if tools
            .iter()
            .any(|t| t.get("name").and_then(Value::as_str) == Some(EXPAND_TOOL))
        {
            self.log(&format!(
                "weaver mcp: the server has its own `{EXPAND_TOOL}` tool; weaver answers calls to it"
            ));
            return;
        }
        tools.push(expand_tool());
    }

    /// A `tools/call` or `resources/read` result: every text content, embedded resource
    /// text and `structuredContent`. On a refusal the whole result becomes an `isError`
    /// tool result saying why.
    async fn firewall_result(&self, cap: &str, name: &str, result: &mut Value) {
        let parts = ["content", "contents"]
            .iter()
            .filter_map(|k| result.get(*k).and_then(Value::as_array))
            .map(Vec::len)
            .sum::<usize>()
            + usize::from(result.get("structuredContent").is_some());
        let mut memo: Memo = (parts > 1).then(HashMap::new);
        let mut shown = Shown::default();
        if let Err(Refusal(message)) = self
            .firewall_parts(cap, name, result, &mut memo, &mut shown)
            .await
        {
            *result = tool_text_result(message, true);
            return;
        }
        if shown.texts > 0 {
            self.record_passthrough(cap, name, &shown);
        }
    }

    async fn firewall_parts(
        &self,
        cap: &str,
        name: &str,
        result: &mut Value,
        memo: &mut Memo,
        shown: &mut Shown,
    ) -> Result<(), Refusal> {
        for key in ["content", "contents"] {
            let Some(items) = result.get_mut(key).and_then(Value::as_array_mut) else {
                continue;
            };
            for item in items {
                // A text content, a resource content, or an embedded resource's text.
                let slot = if item.get("text").is_some_and(Value::is_string) {
                    item.get_mut("text")
                } else {
                    item.pointer_mut("/resource/text")
                };
                if let Some(slot) = slot
                    && let Value::String(text) = slot
                {
                    *text = self.firewall_text(cap, name, text, memo, shown).await?;
                }
            }
        }
        if let Some(sc) = result.get_mut("structuredContent") {
            let v = sc.take();
            *sc = self.firewall_structured(cap, name, v, memo, shown).await?;
        }
        Ok(())
    }

    /// One text: redacted when it fits `max_chars`, else a frame (JSON text).
    async fn firewall_text(
        &self,
        cap: &str,
        name: &str,
        text: &str,
        memo: &mut Memo,
        shown: &mut Shown,
    ) -> Result<String, Refusal> {
        let key = memo.as_ref().map(|_| self.text_hash(text));
        if let (Some(m), Some(k)) = (memo.as_ref(), key)
            && let Some(done) = m.get(&k)
        {
            return Ok(done.clone());
        }
        let max = self.config.budgets.max_chars;
        let small = if text.len() <= max {
            Some(self.redact_text(text)).filter(|r| r.len() <= max)
        } else {
            None
        };
        let out = if let Some(redacted) = small {
            shown.tokens += self.charge(&redacted)?;
            shown.texts += 1;
            redacted
        } else {
            let frame = self.frame_text(cap, name, text).await?;
            serde_json::to_string(&frame).unwrap_or_default()
        };
        if let (Some(m), Some(k)) = (memo.as_mut(), key) {
            m.insert(k, out.clone());
        }
        Ok(out)
    }

    /// JSON text is redacted as JSON (so values under sensitive keys are masked) and kept
    /// byte for byte when nothing was found; other text through the text redactor.
    fn redact_text(&self, text: &str) -> String {
        let t = text.trim_start();
        if (t.starts_with('{') || t.starts_with('['))
            && let Ok(v) = serde_json::from_str::<Value>(text)
        {
            let (red, report) = self.redactor.redact_value(&v, &Policy::new());
            if report.is_empty() {
                return text.to_owned();
            }
            return serde_json::to_string(&red).unwrap_or_default();
        }
        self.redactor.redact_str(text).into_owned()
    }

    /// A large text through `Kernel::invoke`: JSON as checked text (framed in one pass,
    /// parsed only if the handle is expanded), anything else as a string (the handle then
    /// pages it by byte offset).
    async fn frame_text(&self, cap: &str, name: &str, text: &str) -> Result<Value, Refusal> {
        let t = text.trim_start();
        let json = if t.starts_with('{') || t.starts_with('[') {
            JsonText::new(text).ok()
        } else {
            None
        };
        if let Some(json) = json {
            self.invoke(cap, name, json.into(), None).await
        } else {
            let facts = text::text_facts(text, &self.redactor, self.config.budgets.max_chars);
            let payload = Value::String(text.to_owned());
            self.invoke(cap, name, payload.into(), Some(facts)).await
        }
    }

    /// `structuredContent`: redacted when it fits; else its long strings become frames
    /// (keeping the shape an output schema expects); else the whole value becomes a frame.
    async fn firewall_structured(
        &self,
        cap: &str,
        name: &str,
        value: Value,
        memo: &mut Memo,
        shown: &mut Shown,
    ) -> Result<Value, Refusal> {
        let max = self.config.budgets.max_chars;
        let mut value = value;
        let mut long = Vec::new();
        long_strings(&value, max, &mut String::new(), &mut long);
        for pointer in long {
            if let Some(Value::String(s)) = value.pointer_mut(&pointer) {
                let framed = self.firewall_text(cap, name, s, memo, shown).await?;
                *s = framed;
            }
        }
        let (red, _) = self.redactor.redact_value(&value, &Policy::new());
        if weaver_estimate::estimate(&red) <= max as u64 {
            let text = serde_json::to_string(&red).unwrap_or_default();
            shown.tokens += self.charge(&text)?;
            shown.texts += 1;
            return Ok(red);
        }
        weaver_redact::drop_deep(red);
        // Through the text path, so a value the text content repeats shares its frame.
        let text = serde_json::to_string(&value).unwrap_or_default();
        weaver_redact::drop_deep(value);
        let out = self.firewall_text(cap, name, &text, memo, shown).await?;
        Ok(serde_json::from_str(&out).unwrap_or(Value::String(out)))
    }

    /// Invokes the kernel with a payload the proxy already holds; returns the frame as
    /// JSON, with a hint on how to page it and, for text, the text facts.
    async fn invoke(
        &self,
        cap: &str,
        name: &str,
        payload: DriverOutput,
        text_facts: Option<Vec<String>>,
    ) -> Result<Value, Refusal> {
        let s = &self.session;
        let grant = if cap == CAP_RESOURCE {
            &s.resource_grant
        } else {
            &s.tool_grant
        };
        let is_text = matches!(&payload, DriverOutput::Value(v) if v.is_string());
        let key = s.payloads.park(payload);
        let label = if cap == CAP_RESOURCE { "uri" } else { "tool" };
        let args = json!({label: name, "payload": key});
        let result = s
            .kernel
            .invoke(grant, &s.principal, cap, args, self.config.mode)
            .await;
        s.payloads.discard(key);
        let mut frame = match result {
            Ok(f) => f,
            Err(e) => return Err(self.refusal(&e)),
        };
        self.log_action(&frame.action_id);
        // A text frame: line facts instead of the firewall's view of one long string
        // (none in handle_only: the budget asked for the handle alone).
        if let Some(facts) = text_facts {
            frame.table_preview.clear();
            frame.facts = if frame.response_mode == ResponseMode::HandleOnly {
                Vec::new()
            } else {
                facts
            };
        }
        if let Some(h) = &frame.handle {
            let unit = if is_text {
                "offset counts bytes of text"
            } else {
                "offset and limit count rows"
            };
            frame.warnings.push(format!(
                "full result behind handle {}: call {EXPAND_TOOL} with {{\"handle\": \"{}\", \"offset\": 0}} ({unit}; pass next_offset to continue)",
                h.id, h.id
            ));
        }
        // The kernel charged the frame's payload (facts, rows, warnings); the client sees
        // the whole frame (handle, provenance, findings too): charge the rest.
        let text = serde_json::to_string(&frame).unwrap_or_default();
        let charged = s
            .kernel
            .explain(&frame.action_id)
            .ok()
            .and_then(|t| t.tokens)
            .map_or(0, |t| t.charged);
        if let Some(budget) = s.kernel.budget() {
            let all = budget.counter().count_str(&text);
            self.charge_tokens(all.saturating_sub(charged))?;
        }
        Ok(serde_json::to_value(&frame).unwrap_or(Value::Null))
    }

    pub(crate) fn refusal(&self, e: &KernelError) -> Refusal {
        if let KernelError::BudgetExhausted(b) = e {
            return self.budget_refusal(&b.to_string());
        }
        Refusal(format!(
            "weaver could not firewall this result ({}): {e}",
            e.code()
        ))
    }

    pub(crate) fn budget_refusal(&self, detail: &str) -> Refusal {
        Refusal(format!(
            "weaver: the session token budget is exhausted (--budget-tokens {}): {detail}. \
             No more tool results can be shown in this session; start a new session or raise --budget-tokens.",
            self.config.budget_tokens
        ))
    }

    /// Charges the session budget for text the client will see.
    pub(crate) fn charge(&self, text: &str) -> Result<u64, Refusal> {
        let Some(budget) = self.session.kernel.budget() else {
            return Ok(0);
        };
        let n = budget.counter().count_str(text);
        self.charge_tokens(n)
    }

    /// Charges `n` tokens to the session budget.
    fn charge_tokens(&self, n: u64) -> Result<u64, Refusal> {
        let Some(budget) = self.session.kernel.budget() else {
            return Ok(0);
        };
        let r = budget
            .reserve(Some(n))
            .map_err(|e| self.budget_refusal(&e.to_string()))?;
        Ok(r.commit(n).charged)
    }

    /// The trace of a call whose texts passed through without a frame.
    fn record_passthrough(&self, cap: &str, name: &str, shown: &Shown) {
        let label = if cap == CAP_RESOURCE { "uri" } else { "tool" };
        let Ok(id) = weaver_handles::HandleId::random() else {
            return;
        };
        let trace = ActionTrace {
            action_id: id.to_string(),
            event: TraceEvent::Invoke,
            capability_id: cap.to_owned(),
            principal_id: self.session.principal.id.clone(),
            started_at_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            args: json!({label: self.redactor.redact_str(name), "passthrough_texts": shown.texts}),
            driver_id: Some("mcp-passthrough".to_owned()),
            tokens: Some(TokenUsage {
                reserved: shown.tokens,
                actual: shown.tokens,
                charged: shown.tokens,
            }),
            ..ActionTrace::default()
        };
        self.log_trace(&trace);
        self.session.kernel.traces().record(trace);
    }
}

/// JSON pointers of the strings in `v` longer than `max` bytes.
fn long_strings(v: &Value, max: usize, at: &mut String, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.len() > max => out.push(at.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                long_strings(item, max, at, out);
                at.truncate(len);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                let len = at.len();
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                long_strings(item, max, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}
