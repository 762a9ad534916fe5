//! The context firewall: every raw tool result becomes a bounded, redacted [`Frame`].
//!
//! ```
//! use serde_json::json;
//! use weaver_budget::ResponseMode;
//! use weaver_kernel::{Budgets, Firewall, TransformContext};
//!
//! let fw = Firewall::new(Budgets::default().with_max_rows(2)).unwrap();
//! let rows = json!([{"id": 1, "password": "hunter2"}, {"id": 2}, {"id": 3}]);
//! let frame = fw.transform(&rows, &TransformContext::new(ResponseMode::Table)).unwrap();
//! assert_eq!(frame.table_preview.len(), 2);
//! assert_eq!(frame.table_preview[0]["password"], "[REDACTED]");
//! // No handle store here, so the marker does not promise one.
//! assert_eq!(frame.warnings, ["table_preview shows 2 of 3 rows; no handle: full data not kept"]);
//! ```
//!
//! # Modes
//!
//! * `summary` (default): up to 20 facts from `weaver-summarize`.
//! * `table`: up to `max_rows` rows of up to `max_fields` fields. A list gives its
//!   elements (non-map elements become `{"value": …}`), a map one row, a scalar
//!   `{"value": …}`.
//! * `handle_only`: no data, only the handle.
//! * `raw`: the whole redacted value, for the `admin` role only; anyone else gets a
//!   summary and a warning.
//!
//! # What leaves
//!
//! Redaction is unconditional and lazy: only what the frame shows is redacted, but all of
//! it is — every string and key through the redactor, every integer through its card
//! check, every value under a sensitive key replaced by `[REDACTED]` without being read.
//! The grant's `allowed_fields` projects the top-level map and every map that is an
//! element of a list (rows, at every level of nesting), except for `pii_reader`.
//! Containers at `max_depth` or deeper become `[elided: dict with N keys beyond depth D]`.
//!
//! # Budgets
//!
//! `facts`, `table_preview` and `warnings` together take at most `max_chars` bytes of
//! compact JSON (measured with `weaver-estimate`), markers and warnings included: the mode
//! warnings (projection, field cut, depth) first get at most half of `max_chars`, each cut
//! with `…` when they would not fit; then facts are dropped from the end and the omission
//! marker counts them, or rows are dropped from the end and a warning says
//! `table_preview shows K of N rows`. String cells longer than `max_chars / 8` characters
//! are cut (`… (N chars total)`). `max_rows` is `min(budget, grant)`; 0 means "no rows":
//! the table is empty and the warning still counts them, whatever the shape of the result
//! (a map or a scalar is one row). `max_fields` 0 is refused by [`Budgets::validate`] (a
//! row with no field shows nothing; use `max_rows` 0 or `handle_only`). Raw mode is the one
//! exception to the bound on the data: `raw_data` is never cut, and a warning says so when
//! it is over `max_chars`.
//!
//! Every cut marker ends by saying where the rest is: `full data via handle <id>` when the
//! context carries a handle, else the context's
//! [`full_data_note`](TransformContext::full_data_note), else
//! [`NO_HANDLE_NOTE`]. A frame never promises a handle it lacks.
//!
//! # Bytes
//!
//! [`Firewall::transform_json`] makes the same frame from JSON text in one pass without
//! building the whole value: table mode parses the rows it shows and counts the rest;
//! summary mode folds the statistics row by row. Containers deeper than the frame can
//! show are skipped iteratively, so any nesting depth is accepted.

mod budgets;
mod context;
mod error;
mod frame;
mod lazy;
mod scope;
mod stream;

use serde_json::{Map, Value};
use weaver_budget::ResponseMode;
use weaver_estimate::{estimate, str_len};
use weaver_redact::Redactor;
use weaver_summarize::{Summary, SummaryOptions, omission_marker_at, summarize_guarded};

pub use budgets::Budgets;
pub use context::{Constraints, NO_HANDLE_NOTE, ROLE_ADMIN, ROLE_PII_READER, TransformContext};
pub use error::FirewallError;
pub use frame::{Frame, Provenance};
pub(crate) use stream::push_warning;
pub use stream::{Chunk, FrameStreamer};

use scope::{At, Scope};

/// The warning for a raw request without the admin role.
pub const RAW_FALLBACK_WARNING: &str =
    "raw mode requires the admin role; returned a summary instead";

/// Turns raw tool results into frames under fixed [`Budgets`]. Cheap to share
/// (`Send + Sync`); one instance serves every call.
#[derive(Debug, Clone)]
pub struct Firewall {
    budgets: Budgets,
    redactor: Redactor,
}

/// The decisions for one call, taken before looking at the data.
struct Plan<'c> {
    mode: ResponseMode,
    fell_back: bool,
    max_rows: usize,
    allowed: Option<&'c [String]>,
}

/// What a mode produced, before the budget fit.
enum Body {
    Empty,
    Raw(Value),
    Table {
        rows: Vec<(Map<String, Value>, usize)>,
        total: u64,
    },
    Summary(Summary),
}

impl Firewall {
    /// A firewall with the default redactor. Fails on out-of-range budgets.
    pub fn new(budgets: Budgets) -> Result<Firewall, FirewallError> {
        Firewall::with_redactor(budgets, Redactor::new())
    }

    /// A firewall with a configured redactor (typed markers, extra patterns, …).
    pub fn with_redactor(budgets: Budgets, redactor: Redactor) -> Result<Firewall, FirewallError> {
        budgets.validate()?;
        Ok(Firewall { budgets, redactor })
    }

    /// The budgets.
    pub fn budgets(&self) -> &Budgets {
        &self.budgets
    }

    fn plan<'c>(&self, ctx: &'c TransformContext) -> Plan<'c> {
        let (mode, fell_back) = match ctx.mode {
            ResponseMode::Raw if !ctx.has_role(ROLE_ADMIN) => (ResponseMode::Summary, true),
            m => (m, false),
        };
        let grant = ctx
            .constraints
            .max_rows
            .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let allowed = if ctx.has_role(ROLE_PII_READER) {
            None
        } else {
            ctx.constraints.allowed_fields.as_deref()
        };
        Plan {
            mode,
            fell_back,
            max_rows: self.budgets.max_rows.min(grant),
            allowed,
        }
    }

    fn scope<'a>(&'a self, plan: &Plan<'a>) -> Scope<'a> {
        let mut scope = Scope::new(&self.redactor, plan.allowed, self.budgets.max_depth);
        if plan.mode == ResponseMode::Table {
            scope.cell_chars = Some((self.budgets.max_chars / 8).max(64));
        }
        scope
    }

    fn summary_options(&self) -> SummaryOptions {
        SummaryOptions::default().max_depth(self.budgets.max_depth)
    }

    /// Makes the frame for a parsed result.
    pub fn transform(&self, raw: &Value, ctx: &TransformContext) -> Result<Frame, FirewallError> {
        let plan = self.plan(ctx);
        let scope = self.scope(&plan);
        let body = match plan.mode {
            ResponseMode::HandleOnly => Body::Empty,
            ResponseMode::Raw => Body::Raw(scope.copy(raw, 0, true, At::ROOT)),
            ResponseMode::Table => {
                let (rows, total) = match raw {
                    Value::Array(items) => (
                        items
                            .iter()
                            .take(plan.max_rows)
                            .map(|item| self.table_row(&scope, item, 1, 0))
                            .collect(),
                        items.len() as u64,
                    ),
                    _ if plan.max_rows == 0 => (Vec::new(), 1),
                    other => (vec![self.table_row(&scope, other, 0, 0)], 1),
                };
                Body::Table { rows, total }
            }
            ResponseMode::Summary => {
                Body::Summary(summarize_guarded(raw, &self.summary_options(), &scope))
            }
        };
        Ok(self.assemble(&plan, &scope, body, ctx))
    }

    /// Makes the frame for a JSON document given as bytes, in one streaming pass that
    /// never builds the whole value; the frame equals `transform` of the parsed document.
    ///
    /// Errors: empty input, invalid JSON (`invalid JSON at line L column C: …`), trailing
    /// characters.
    pub fn transform_json(
        &self,
        json: &[u8],
        ctx: &TransformContext,
    ) -> Result<Frame, FirewallError> {
        if json.iter().all(u8::is_ascii_whitespace) {
            return Err(FirewallError::EmptyInput);
        }
        let plan = self.plan(ctx);
        let scope = self.scope(&plan);
        let mut de = serde_json::Deserializer::from_slice(json);
        let err = |e: serde_json::Error| FirewallError::from_json(&e);
        let body = match self.lazy_body(&plan, &scope, &mut de) {
            Ok(body) => body,
            // Rare: a map with a repeated key. The parsed `Value` keeps one entry per key
            // (the last value at the first position), which a one-pass walk cannot do
            // after the fact: the document is parsed and framed as that `Value`.
            Err(e) if e.to_string().starts_with(lazy::DUPLICATE_KEY) => {
                let value: serde_json::Value = serde_json::from_slice(json).map_err(err)?;
                return self.transform(&value, ctx);
            }
            Err(e) => return Err(err(e)),
        };
        de.end().map_err(err)?;
        Ok(self.assemble(&plan, &scope, body, ctx))
    }

    /// The body of a frame, read from `de` in one pass.
    fn lazy_body(
        &self,
        plan: &Plan<'_>,
        scope: &Scope<'_>,
        de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
    ) -> Result<Body, serde_json::Error> {
        use serde::de::DeserializeSeed;

        Ok(match plan.mode {
            ResponseMode::HandleOnly => {
                serde::Deserialize::deserialize(&mut *de).map(|_: lazy::Skip| ())?;
                Body::Empty
            }
            ResponseMode::Raw => {
                let seed = lazy::Bounded {
                    scope,
                    depth: 0,
                    project: true,
                    row: None,
                };
                let bounded = seed.deserialize(&mut *de)?;
                Body::Raw(scope.copy(&bounded, 0, true, At::ROOT))
            }
            ResponseMode::Table => {
                let parts = lazy::TableTop {
                    scope,
                    max_rows: plan.max_rows,
                    max_fields: self.budgets.max_fields,
                }
                .deserialize(&mut *de)?;
                let rows = parts
                    .rows
                    .iter()
                    .take(plan.max_rows)
                    .map(|(v, extra)| self.table_row(scope, v, parts.depth, *extra))
                    .collect();
                Body::Table {
                    rows,
                    total: parts.total,
                }
            }
            ResponseMode::Summary => {
                let opts = self.summary_options();
                let summary = lazy::SummaryTop { scope, opts: &opts }.deserialize(&mut *de)?;
                Body::Summary(summary)
            }
        })
    }

    /// [`transform_json`](Self::transform_json) over shared bytes.
    pub fn transform_bytes(
        &self,
        json: &::bytes::Bytes,
        ctx: &TransformContext,
    ) -> Result<Frame, FirewallError> {
        self.transform_json(json, ctx)
    }

    /// One table row from an element at `depth` (`extra`: allowed fields the bytes path
    /// already dropped past `max_fields`). Returns the row and its allowed field count.
    fn table_row(
        &self,
        scope: &Scope<'_>,
        item: &Value,
        depth: usize,
        extra: usize,
    ) -> (Map<String, Value>, usize) {
        let at = if depth == 0 { At::ROOT } else { At::ROWS };
        match item {
            Value::Object(map) if depth < self.budgets.max_depth => {
                let (row, fields) = scope.row(map.iter(), depth, self.budgets.max_fields, at);
                (row, fields + extra)
            }
            other => {
                let mut row = Map::new();
                row.insert("value".to_owned(), scope.copy(other, depth, true, at));
                (row, 1)
            }
        }
    }

    /// Applies the budgets to what the mode produced and builds the frame.
    fn assemble(
        &self,
        plan: &Plan<'_>,
        scope: &Scope<'_>,
        body: Body,
        ctx: &TransformContext,
    ) -> Frame {
        let b = &self.budgets;
        let max_chars = b.max_chars as u64;
        let at = fit_str(&ctx.full_data_pointer(), POINTER_BYTES);
        let mut warnings = Vec::new();
        if plan.fell_back {
            warnings.push(RAW_FALLBACK_WARNING.to_owned());
        }
        let mut facts = Vec::new();
        let mut table_preview = Vec::new();
        let mut raw_data = None;
        match body {
            Body::Empty => {}
            Body::Raw(v) => {
                push_projection_warning(&mut warnings, scope.take_notes());
                push_elided_warning(&mut warnings, scope.elided(), b.max_depth, &at);
                let size = estimate(&v);
                if size > b.max_chars as u64 {
                    warnings.push(format!(
                        "raw_data is {size} bytes of JSON, over max_chars {}: raw mode is never cut",
                        b.max_chars
                    ));
                }
                raw_data = Some(v);
            }
            Body::Table { rows, total } => {
                push_projection_warning(&mut warnings, scope.take_notes());
                let widest = rows.iter().map(|(_, n)| *n).max().unwrap_or(0);
                if widest > b.max_fields {
                    warnings.push(format!(
                        "rows show at most {} of their fields (widest row: {widest}); {at}",
                        b.max_fields
                    ));
                }
                push_elided_warning(&mut warnings, scope.elided(), b.max_depth, &at);
                fit_strings(&mut warnings, max_chars / 2);
                let sizes: Vec<u64> = rows.iter().map(|(r, _)| map_size(r)).collect();
                let fixed = list_size(&warnings) + 2;
                let mut keep = rows.len();
                loop {
                    let rows_warning = (keep as u64) < total;
                    let note = rows_note(keep, total, &at);
                    let extra = if rows_warning {
                        str_len(&note) + u64::from(!warnings.is_empty())
                    } else {
                        0
                    };
                    let table =
                        2 + sizes[..keep].iter().sum::<u64>() + keep.saturating_sub(1) as u64;
                    if fixed + extra + table <= max_chars || keep == 0 {
                        if rows_warning {
                            warnings.push(note);
                        }
                        break;
                    }
                    keep -= 1;
                }
                table_preview = rows.into_iter().take(keep).map(|(r, _)| r).collect();
            }
            Body::Summary(summary) => {
                let (names, more) = summary.omitted_fields();
                push_projection_warning(&mut warnings, (names.to_vec(), more));
                fit_strings(&mut warnings, max_chars / 2);
                let mut omitted = summary.omitted();
                // Belt and braces: every piece was scrubbed on its way into the fact, but
                // joining pieces can form a new match ("tel: 5551234567").
                let mut kept: Vec<String> = summary
                    .facts()
                    .iter()
                    .map(|f| scope.scrub_at(f, "/facts").into_owned())
                    .collect();
                let fixed = list_size(&warnings) + 2;
                loop {
                    let marker = (omitted > 0).then(|| omission_marker_at(omitted, &at));
                    let mut size = list_size(&kept);
                    if let Some(m) = &marker {
                        size += str_len(m) + u64::from(!kept.is_empty());
                    }
                    if fixed + size <= max_chars || kept.is_empty() {
                        kept.extend(marker);
                        break;
                    }
                    kept.pop();
                    omitted += 1;
                }
                facts = kept;
            }
        }
        // Whatever the mode put together, the warnings take only the room the data left:
        // each cut with `…` rather than overrun max_chars (a no-op unless the caller's
        // pointer text or hostile field names made them long).
        let data = list_size(&facts) + rows_size(&table_preview);
        fit_strings(&mut warnings, max_chars.saturating_sub(data));
        let include_elided = plan.mode != ResponseMode::Summary;
        Frame {
            action_id: ctx.action_id.clone(),
            capability_id: ctx.capability_id.clone(),
            response_mode: plan.mode,
            facts,
            table_preview,
            handle: ctx.handle.clone(),
            warnings,
            findings: scope.take_report(include_elided),
            provenance: Provenance {
                capability_id: ctx.capability_id.clone(),
                principal_id: ctx.principal_id.clone(),
                action_id: ctx.action_id.clone(),
                invoked_at_ms: ctx.invoked_at_ms,
            },
            raw_data,
            is_final: false,
        }
    }
}

/// Most bytes (compact JSON) of the "where the full data is" text in markers.
const POINTER_BYTES: u64 = 160;

fn rows_note(keep: usize, total: u64, at: &str) -> String {
    format!("table_preview shows {keep} of {total} rows; {at}")
}

fn push_projection_warning(warnings: &mut Vec<String>, (names, more): (Vec<String>, bool)) {
    if names.is_empty() {
        return;
    }
    let tail = if more { ", …" } else { "" };
    warnings.push(format!(
        "fields outside allowed_fields omitted: {}{tail}",
        names.join(", ")
    ));
}

fn push_elided_warning(warnings: &mut Vec<String>, elided: u64, max_depth: usize, at: &str) {
    if elided == 0 {
        return;
    }
    let unit = if elided == 1 {
        "container"
    } else {
        "containers"
    };
    warnings.push(format!(
        "{elided} nested {unit} beyond max_depth {max_depth} elided; {at}"
    ));
}

/// Compact JSON size of a list of strings.
fn list_size(items: &[String]) -> u64 {
    2 + items.iter().map(|s| str_len(s)).sum::<u64>() + items.len().saturating_sub(1) as u64
}

/// Compact JSON size of a list of rows.
fn rows_size(rows: &[Map<String, Value>]) -> u64 {
    2 + rows.iter().map(map_size).sum::<u64>() + rows.len().saturating_sub(1) as u64
}

/// `s`, or its longest prefix that with a closing `…` takes at most `max` bytes as a JSON
/// string (quotes and escapes counted).
fn fit_str(s: &str, max: u64) -> String {
    if str_len(s) <= max {
        return s.to_owned();
    }
    // Quotes and the ellipsis (3 bytes: serde_json writes it unescaped).
    let mut used = 2 + 3;
    let mut end = 0;
    let mut buf = [0u8; 4];
    for (i, c) in s.char_indices() {
        let w = str_len(c.encode_utf8(&mut buf)) - 2;
        if used + w > max {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    format!("{}…", &s[..end])
}

/// Cuts the longest strings of `items` (with `…`) until the list takes at most `cap`
/// bytes of compact JSON. An item already cut to the bare `…` that still does not fit is
/// dropped; with `max_chars >= 512` that never happens.
fn fit_strings(items: &mut Vec<String>, cap: u64) {
    while list_size(items) > cap {
        let excess = list_size(items) - cap;
        let Some((i, len)) = items
            .iter()
            .map(|s| str_len(s))
            .enumerate()
            .max_by_key(|&(_, len)| len)
        else {
            return;
        };
        if len <= str_len("…") {
            items.remove(i);
            continue;
        }
        items[i] = fit_str(&items[i], len.saturating_sub(excess).max(str_len("…")));
    }
}

/// Compact JSON size of a row.
fn map_size(row: &Map<String, Value>) -> u64 {
    2 + row
        .iter()
        .map(|(k, v)| str_len(k) + 1 + estimate(v))
        .sum::<u64>()
        + row.len().saturating_sub(1) as u64
}
