//! Deterministic, bounded facts about a JSON value — no model involved.
//!
//! ```
//! use serde_json::json;
//! use weaver_summarize::{summarize, SummaryOptions};
//!
//! let rows = json!([
//!     {"id": 1, "status": "open", "amount": 10, "paid": true},
//!     {"id": 2, "status": "closed", "amount": 30, "paid": false},
//!     {"id": 3, "status": "open", "amount": 20, "paid": true},
//! ]);
//! let facts = summarize(&rows, &SummaryOptions::default()).into_facts();
//! assert_eq!(facts, [
//!     "Total rows: 3",
//!     "Top keys: id, status, amount, paid",
//!     "id: min=1.00, max=3.00, avg=2.00",
//!     "amount: min=10.00, max=30.00, avg=20.00",
//!     "status distribution: closed=1, open=2",
//!     "paid: True=2, False=1",
//! ]);
//! ```
//!
//! # When to use this crate
//!
//! Use it when a large tool result must be described to a language model in a few lines
//! instead of being pasted whole: a list of records becomes its row count, its most
//! frequent keys and per-column statistics; a map becomes its key list and one fact per
//! value; a long string becomes its head and its length. The context firewall
//! (`weaver-kernel`) builds its `summary` frames with it. On its own the crate depends only
//! on `serde_json`.
//!
//! # Rules
//!
//! * **List whose first element is a map** (a list of records): `Total rows: N`; `Non-record
//!   items: N` when some elements are not maps (mixed lists are summarized, never an
//!   error); `Top keys: …` — the 10 most frequent keys over **all** rows, ties in order of
//!   first appearance, with `(10 of N)` when more exist; for the first 5 top keys whose
//!   values are all numbers (booleans and nulls disqualify) `k: min=…, max=…, avg=…`; then,
//!   for each top key that is not numeric (all of them, not only the first 5): `k: True=t, False=f` when every
//!   value is a boolean, else `k distribution: v=c, …` (sorted by value) when its string
//!   values take 2–10 distinct values.
//! * **Map**: `Keys: …` (sorted, the first 20, with `(20 of N)` when cut), then one fact
//!   per entry in insertion order: the scalar, the head of a string, `list of N items`,
//!   or `dict with keys [...]`.
//! * **List of strings** (log lines, messages; non-empty, every element a string):
//!   `List of N strings (A–B chars, avg C; D distinct)` (the distinct count only up to
//!   1 000 distinct values); `Levels: ERROR=e, WARN=w, …, none=k` when at least one line
//!   carries a severity (a whole upper-case `FATAL`/`ERROR`/`WARN`/`WARNING`/`INFO`/
//!   `DEBUG`/`TRACE` token, or a `level=…` / `"level":"…"` field in any case), most severe
//!   first; then the first three and last three items, `#i: text`, scrubbed and cut to 100
//!   chars like a string head. A map entry holding such a list gets the same facts
//!   prefixed by its key (`lines: list of …`, `lines levels: …`, `lines #1: …`) when the
//!   depth limit is unset or at least 3 (else `lines: list of N items`).
//! * **Other list**: `List of N items`, then each item as compact JSON cut to 100 chars.
//! * **String**: the first 500 chars, then `… (N chars total)` when longer (`N` counts the
//!   original text).
//! * **Number, boolean, null**: its JSON text.
//!
//! At most `max_facts` facts (default 20): when there are more candidates, the last fact
//! is the marker `… (N more facts omitted; full data via handle)`; see [`Summary`].
//!
//! Lengths count characters (Unicode scalar values); text is never cut inside a code
//! point, and every cut says so (`…`).
//!
//! # Numbers
//!
//! Scalars are printed as their compact JSON text, exactly as `serde_json` writes them:
//! integers in full (`200`, `-3`), floats in shortest round-trip form (`1000.0`, `0.1`,
//! `1e+20`). Column statistics use two decimals (`{:.2}`: `min=1.00`); magnitudes of 10¹⁵
//! and more use two-decimal scientific form (`1.50e20`) so that a fact never spells out
//! hundreds of digits.
//!
//! # Guards
//!
//! A [`Guard`] decides what the facts may reveal: values under sensitive keys are never
//! described (`k: values withheld (sensitive key)`; a column is withheld whole as soon as
//! one of its values is, and so is the value column of a list of name/value pairs once one
//! row names a sensitive thing), integers it flags (for example card
//! numbers) are replaced, every printed string and key passes its `scrub`, projections
//! drop fields, and containers deeper than [`SummaryOptions::max_depth`] are shown only as
//! an elision marker. [`NoGuard`] reveals everything.
//!
//! # Cost
//!
//! One pass over the rows. Per row the summarizer does a key lookup per field (a row with
//! the previous row's keys in the same order, the usual case, only compares them) and
//! updates fixed-size statistics; it allocates only when it meets a new key or a new
//! distinct string value (at most 11 per column), never per row. A parsed row is scattered
//! over the heap, so on a list larger than the caches the pass would mostly wait on
//! memory: it asks the processor for the rows a few places ahead (a prefetch hint on
//! x86-64). [`ListSummarizer`] exposes the pass so that a streaming parser can feed it one
//! row at a time without building the whole value.
#![deny(missing_docs)]

mod column;
mod list;
mod map;
mod prefetch;
mod render;
mod text;

use std::borrow::Cow;

use serde_json::Value;

pub use list::{Cell, ListSummarizer};
pub use map::MapSummarizer;
pub use render::{format_stat, truncate_chars};

/// The default number of facts.
pub const DEFAULT_MAX_FACTS: usize = 20;

/// What a summary may reveal. Every method has a permissive default; see [`NoGuard`].
pub trait Guard {
    /// Whether the value under `key` must never be described.
    fn is_sensitive_key(&self, _key: &str) -> bool {
        false
    }

    /// Whether values under `key` may be withheld, so that
    /// [`withhold_value`](Self::withhold_value) must be asked for each (decided once per
    /// key). Defaults to [`is_sensitive_key`](Self::is_sensitive_key).
    fn checks_key(&self, key: &str) -> bool {
        self.is_sensitive_key(key)
    }

    /// Whether this value under `key` must never be described (a typed rule: a flag under
    /// `email_verified` may show, a string may not). Asked only when
    /// [`checks_key`](Self::checks_key) holds. Defaults to
    /// [`is_sensitive_key`](Self::is_sensitive_key).
    fn withhold_value(&self, key: &str, _value: Cell<'_>) -> bool {
        self.is_sensitive_key(key)
    }

    /// Whether a field of this name holds the *name* of a name/value pair (`name`, `key`,
    /// `header`): see [`pair_name_sensitive`](Self::pair_name_sensitive).
    fn is_pair_name(&self, _key: &str) -> bool {
        false
    }

    /// Whether a field of this name holds the *value* of a name/value pair (`value`, `val`).
    fn is_pair_value(&self, _key: &str) -> bool {
        false
    }

    /// Whether `name`, held by a pair-name field, makes the values of the pair-value
    /// fields of the same map withheld (`{"name": "DB_PASSWORD", "value": "…"}`). In a list
    /// of records the whole value column is then withheld.
    fn pair_name_sensitive(&self, _name: &str) -> bool {
        false
    }

    /// Whether a field may appear at all. Applied where a projection applies: the keys of
    /// the top-level map and of every map that is an element of a list.
    fn field_allowed(&self, _key: &str) -> bool {
        true
    }

    /// Whether an integer (its absolute value) must not be printed.
    fn withhold_integer(&self, _n: u64) -> bool {
        false
    }

    /// Filters every string and key before it is printed.
    fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(text)
    }

    /// The text that replaces a container beyond the depth limit: a map (`is_map`) or
    /// list with `len` direct children. Defaults to [`elision_text`].
    fn elided(&self, is_map: bool, len: usize, max_depth: usize) -> String {
        elision_text(is_map, len, max_depth)
    }

    /// The first `max_chars` characters of `scrub(text)`, and whether `scrub(text)` is
    /// longer. Override it to scrub only as much of a long text as the head needs; the
    /// result must equal this default.
    fn scrub_head(&self, text: &str, max_chars: usize) -> (String, bool) {
        let clean = self.scrub(text);
        let (shown, cut) = truncate_chars(&clean, max_chars);
        (shown.to_owned(), cut)
    }

    /// What replaces a withheld value.
    #[allow(clippy::unnecessary_literal_bound)] // implementors may return their own text
    fn withheld(&self) -> &str {
        "[withheld]"
    }
}

/// A guard that reveals everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoGuard;

impl Guard for NoGuard {}

/// Knobs of a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryOptions {
    /// The most facts returned, omission marker included (0 gives no facts).
    pub max_facts: usize,
    /// Containers at this depth or deeper (the value itself is depth 0) are shown only as
    /// an elision marker (see [`Guard::elided`]). `None`: no limit.
    pub max_depth: Option<usize>,
    /// Characters of a top-level string shown (default 500).
    pub text_chars: usize,
    /// Characters of a map entry's string value shown (default 80).
    pub value_chars: usize,
    /// Characters of a list item's JSON shown (default 100).
    pub item_chars: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            max_facts: DEFAULT_MAX_FACTS,
            max_depth: None,
            text_chars: 500,
            value_chars: 80,
            item_chars: 100,
        }
    }
}

impl SummaryOptions {
    /// Sets [`max_facts`](Self::max_facts).
    pub fn max_facts(mut self, n: usize) -> Self {
        self.max_facts = n;
        self
    }

    /// Sets [`max_depth`](Self::max_depth).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = Some(depth);
        self
    }
}

/// The default elision marker: it names what was elided and how big it was, e.g.
/// `[elided: dict with 3 keys beyond depth 3]`.
pub fn elision_text(is_map: bool, len: usize, max_depth: usize) -> String {
    let what = match (is_map, len == 1) {
        (true, true) => "dict with 1 key".to_owned(),
        (true, false) => format!("dict with {len} keys"),
        (false, true) => "list of 1 item".to_owned(),
        (false, false) => format!("list of {len} items"),
    };
    format!("[elided: {what} beyond depth {max_depth}]")
}

/// The marker that ends a cut fact list (the text of a summary whose full data sits behind
/// a handle; see [`omission_marker_at`] to say where it is otherwise).
pub fn omission_marker(omitted: u64) -> String {
    omission_marker_at(omitted, "full data via handle")
}

/// The marker that ends a cut fact list, ending with `at`, the place the full data can be
/// found (`full data via handle h1`, `full data in the input`, …).
///
/// ```
/// assert_eq!(weaver_summarize::omission_marker_at(3, "full data in the input"),
///            "… (3 more facts omitted; full data in the input)");
/// ```
pub fn omission_marker_at(omitted: u64, at: &str) -> String {
    format!("… ({omitted} more facts omitted; {at})")
}

/// The facts about a value: the kept facts, and how many candidates were left out.
///
/// [`into_facts`](Self::into_facts) appends the omission marker when anything was left
/// out; [`drop_last`](Self::drop_last) lets a caller with a tighter size budget cut more
/// while keeping the count exact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    facts: Vec<String>,
    omitted: u64,
    omitted_fields: Vec<String>,
    more_omitted_fields: bool,
}

impl Summary {
    /// Builds a summary from candidate facts and the number of further candidates that
    /// were never materialised, applying the `max_facts` rule: when everything fits it is
    /// kept; otherwise the first `max_facts - 1` are kept and the marker counts the rest.
    pub fn from_candidates(mut facts: Vec<String>, unmaterialised: u64, max_facts: usize) -> Self {
        let total = facts.len() as u64 + unmaterialised;
        if max_facts == 0 {
            return Summary {
                facts: Vec::new(),
                omitted: 0,
                ..Summary::default()
            };
        }
        if total <= max_facts as u64 {
            return Summary {
                facts,
                omitted: 0,
                ..Summary::default()
            };
        }
        facts.truncate(max_facts - 1);
        let omitted = total - facts.len() as u64;
        Summary {
            facts,
            omitted,
            ..Summary::default()
        }
    }

    /// The kept facts, without the omission marker.
    pub fn facts(&self) -> &[String] {
        &self.facts
    }

    /// How many candidate facts were left out.
    pub fn omitted(&self) -> u64 {
        self.omitted
    }

    /// Moves the last kept fact to the omitted count. Returns false when none is left.
    pub fn drop_last(&mut self) -> bool {
        if self.facts.pop().is_some() {
            self.omitted += 1;
            true
        } else {
            false
        }
    }

    /// Names of fields dropped by the guard's projection (first few distinct, scrubbed)
    /// and whether more were dropped.
    pub fn omitted_fields(&self) -> (&[String], bool) {
        (&self.omitted_fields, self.more_omitted_fields)
    }

    pub(crate) fn set_omitted_fields(&mut self, names: Vec<String>, more: bool) {
        self.omitted_fields = names;
        self.more_omitted_fields = more;
    }

    /// The facts, with the omission marker last when anything was left out.
    pub fn into_facts(self) -> Vec<String> {
        let mut facts = self.facts;
        if self.omitted > 0 {
            facts.push(omission_marker(self.omitted));
        }
        facts
    }
}

/// Summarizes `value` revealing everything (see [`summarize_guarded`]).
pub fn summarize(value: &Value, opts: &SummaryOptions) -> Summary {
    summarize_guarded(value, opts, &NoGuard)
}

/// Summarizes `value`, revealing only what `guard` allows.
pub fn summarize_guarded(value: &Value, opts: &SummaryOptions, guard: &dyn Guard) -> Summary {
    match view(value, 0, opts, guard) {
        View::Elided(marker) => summarize_text(&marker, opts, guard),
        View::Value(Value::Array(items)) => {
            let mut s = ListSummarizer::new(opts, guard);
            for (i, item) in items.iter().enumerate() {
                prefetch::rows_ahead(items, i);
                s.push(item);
            }
            s.finish()
        }
        View::Value(Value::Object(map)) => {
            let mut s = MapSummarizer::new(opts, guard);
            for (k, v) in map {
                s.push(k, Some(v));
            }
            s.finish()
        }
        View::Value(Value::String(text)) => summarize_text(text, opts, guard),
        View::Value(scalar) => {
            let fact = render::scalar_text(scalar, guard).unwrap_or_default();
            Summary::from_candidates(vec![fact], 0, opts.max_facts)
        }
    }
}

/// Summarizes a top-level string: its head and, when cut, its total length.
///
/// When cut, the fact ends with `… (N chars total)`, `N` counting the characters of the
/// original text.
pub fn summarize_text(text: &str, opts: &SummaryOptions, guard: &dyn Guard) -> Summary {
    let fact = render::head(text, opts.text_chars, guard);
    Summary::from_candidates(vec![fact], 0, opts.max_facts)
}

/// A value as the summary sees it at some depth: itself, or the marker that replaces a
/// container beyond the depth limit.
pub(crate) enum View<'a> {
    Value(&'a Value),
    Elided(String),
}

pub(crate) fn view<'a>(
    value: &'a Value,
    depth: usize,
    opts: &SummaryOptions,
    guard: &dyn Guard,
) -> View<'a> {
    if let Some(limit) = opts.max_depth
        && depth >= limit
    {
        match value {
            Value::Array(a) => return View::Elided(guard.elided(false, a.len(), limit)),
            Value::Object(m) => return View::Elided(guard.elided(true, m.len(), limit)),
            _ => {}
        }
    }
    View::Value(value)
}
