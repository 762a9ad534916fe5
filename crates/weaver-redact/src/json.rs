//! Structural redaction of `serde_json::Value`: string leaves, keys and numbers are
//! scanned, values under sensitive keys and of sensitive name/value pairs are masked by the
//! typed key rule ([`Redactor::rule_masks`]), an optional field
//! projection applies to every record of a list-of-records shape, and a depth budget elides
//! deep containers behind a marker that says what was elided.
//!
//! Every walk here is iterative (an explicit stack), and everything the walk throws away
//! (elided subtrees, masked values, dropped fields) goes through [`drop_deep`], so a
//! 100 000-deep value can neither overflow the stack while it is redacted nor when its
//! pieces are freed.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::{KeyRule, Kind, Redactor, Report, Shape};

mod bytes;
mod copy;
mod deep;
mod in_place;
pub(crate) mod keymemo;

pub use deep::{clone_deep, drop_deep};

/// What a structural redaction projects and how deep it keeps the shape.
///
/// # Projection (`allowed_fields`)
///
/// The projection keeps, in every *record*, only the allowed fields (exact, case-sensitive
/// names). Records are found through the shape of the value:
///
/// * the root, if it is an object, is a record; if it is an array, it is a *record list*;
/// * in a record list, every object element is a record and every array element is again a
///   record list (`[[{…}]]`);
/// * in a record, a field whose value is a non-empty array of objects only — a wrapper such
///   as `{"rows": [{…}, …]}` — is **kept even when its name is not allowed** (unless the name
///   is sensitive), and that array is a record list: the projection applies inside it, at
///   any depth
///   (`{"rows":[{"id":1,"email":"…"}]}` with `["id"]` gives `{"rows":[{"id":1}]}`);
/// * any other field that is not allowed is dropped; an allowed field's value is kept as it
///   is, scanned but not projected (`{"id":{"name":"a"}}` with `["id"]` is unchanged), except
///   that a wrapper value is still projected.
///
/// An allowed field whose name is sensitive is still masked. Dropped fields are counted in
/// the [`Report`] (`dropped_fields`, by collapsed pointer), never one line per row.
///
/// # Depth (`max_depth`)
///
/// The root is at depth 0 and the children of a container at depth `d` are at depth `d+1`.
/// A container (object or array, empty or not) at depth `≥ max_depth` is replaced by the
/// string `[ELIDED: object with N entries beyond max_depth D]` (or `array with N items`),
/// where `N` counts its direct children; strings at any depth are still scanned (fail
/// closed). A value under a sensitive key is masked before the depth rule applies. Without a
/// limit every depth is scanned.
///
/// # Idempotence
///
/// Redacting an output again with the same policy gives the same output, with two
/// exceptions, both under a projection: with a depth budget too, a wrapper list whose
/// records were all elided is a list of strings the second time, no longer a wrapper, so a
/// second pass drops it (when its name is not allowed); and an allowed field name that
/// redaction changes (it holds an e-mail, say) is no longer allowed under its new name.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Sorted and deduplicated, for binary search.
    allowed_fields: Option<Vec<String>>,
    max_depth: Option<usize>,
}

impl Policy {
    /// No projection, no depth limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps only these fields in every record of a list-of-records shape, at every level
    /// (see the type's documentation for what a record is).
    ///
    /// An empty list keeps no field at all (every record becomes `{}` apart from wrapper
    /// lists); to not project, do not call this.
    pub fn allowed_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        let mut fields: Vec<String> = fields.into_iter().map(Into::into).collect();
        fields.sort_unstable();
        fields.dedup();
        self.allowed_fields = Some(fields);
        self
    }

    /// Replaces containers at depth `≥ depth` (the root is depth 0) by a marker naming how
    /// many items were elided. Strings at the boundary are still scanned (fail closed).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = Some(depth);
        self
    }

    /// The projection, if any (sorted, without duplicates).
    pub fn fields(&self) -> Option<&[String]> {
        self.allowed_fields.as_deref()
    }

    /// The depth budget, if any.
    pub fn depth_limit(&self) -> Option<usize> {
        self.max_depth
    }
}

/// The marker that replaces a container elided by the depth budget.
///
/// `len` is the number of its direct children. The text matches no redaction rule, so
/// redacting it again leaves it unchanged.
pub fn elision_marker(is_object: bool, len: usize, max_depth: usize) -> String {
    let (what, unit) = match (is_object, len == 1) {
        (true, true) => ("object", "entry"),
        (true, false) => ("object", "entries"),
        (false, true) => ("array", "item"),
        (false, false) => ("array", "items"),
    };
    format!("[ELIDED: {what} with {len} {unit} beyond max_depth {max_depth}]")
}

/// `base#n` for the first `n` (from `*next`, then counting up) that `taken` does not claim.
/// The one collision rule for redacted keys: nothing is ever overwritten.
fn free_name(base: &str, next: &mut u64, taken: impl Fn(&str) -> bool) -> String {
    let mut name = String::with_capacity(base.len() + 3);
    loop {
        name.clear();
        let _ = write!(name, "{base}#{next}");
        *next += 1;
        if !taken(&name) {
            return name;
        }
    }
}

/// Inserts `value` under `key`, or under `key#2`, `key#3`, … when `key` is taken — the
/// rule [`Redactor::redact_value`] applies to redacted keys, for callers that build their own
/// maps from redacted keys (two e-mail keys both become `[REDACTED]`; neither may overwrite
/// the other).
///
/// ```
/// use serde_json::{Map, json};
/// let mut m = Map::new();
/// weaver_redact::insert_unique(&mut m, "[REDACTED]".into(), json!(1));
/// weaver_redact::insert_unique(&mut m, "[REDACTED]".into(), json!(2));
/// assert_eq!(serde_json::Value::Object(m), json!({"[REDACTED]": 1, "[REDACTED]#2": 2}));
/// ```
pub fn insert_unique(map: &mut Map<String, Value>, key: String, value: Value) {
    let key = if map.contains_key(&key) {
        free_name(&key, &mut 2, |c| map.contains_key(c))
    } else {
        key
    };
    map.insert(key, value);
}

impl Redactor {
    /// A redacted copy of `value` and the findings (see [`Policy`] for projection and
    /// depth), with the same result as [`redact_value_in_place`](Self::redact_value_in_place)
    /// on a copy. The input is untouched, and nothing that is dropped, masked or elided is
    /// copied.
    ///
    /// ```
    /// use serde_json::json;
    /// use weaver_redact::{Kind, Policy, Redactor};
    ///
    /// let r = Redactor::new();
    /// let input = json!({"rows": [{"id": 1, "api_key": "k-123", "note": "ok"}]});
    /// let (out, report) = r.redact_value(&input, &Policy::new().allowed_fields(["id", "api_key"]));
    /// assert_eq!(out, json!({"rows": [{"id": 1, "api_key": "[REDACTED]"}]}));
    /// assert_eq!(report.entries()[0].pointer, "/rows/*/api_key");
    /// assert_eq!(report.entries()[0].kind, Kind::SensitiveKey);
    /// assert_eq!(report.dropped_total(), 1);
    /// ```
    pub fn redact_value(&self, value: &Value, policy: &Policy) -> (Value, Report) {
        let mut walk = Walk::new(self, policy);
        let out = walk.copy(value);
        (out, walk.report)
    }

    /// Redacts `value` in place and returns the findings.
    ///
    /// String leaves and keys go through [`redact_str`](Self::redact_str) (a key that
    /// changes and then collides with another key of the same object gets a `#2`, `#3`, …
    /// suffix: nothing is overwritten); integers whose digits form a card number become the
    /// marker; the value under a sensitive key (see
    /// [`is_sensitive_key`](Self::is_sensitive_key), decided on the key as it leaves, i.e.
    /// redacted) becomes the marker whatever its type. Floats, booleans and null pass.
    ///
    /// Findings are reported in walk order: an object's or array's own entries first, then
    /// its nested containers, each in document order. The walk is iterative; it never
    /// panics, and what it discards is freed with [`drop_deep`].
    pub fn redact_value_in_place(&self, value: &mut Value, policy: &Policy) -> Report {
        let mut walk = Walk::new(self, policy);
        walk.run(value);
        walk.report
    }
}

/// One step of a JSON pointer.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    /// An array element: written `*` (indices are collapsed for aggregation).
    Index,
}

/// The segments of `path` followed by `last`.
fn at<'s>(path: &'s [Seg<'_>], last: Option<Seg<'s>>) -> impl Iterator<Item = Seg<'s>> {
    path.iter()
        .map(|s| match *s {
            Seg::Key(k) => Seg::Key(k),
            Seg::Index => Seg::Index,
        })
        .chain(last)
}

/// Where a value sits in the record structure of a projection.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// No projection applies here.
    Plain,
    /// An object whose unknown fields are dropped.
    Record,
    /// An array whose object elements are records.
    RecordList,
}

impl Ctx {
    fn root(projection: bool, v: &Value) -> Ctx {
        match (projection, v) {
            (true, Value::Object(_)) => Ctx::Record,
            (true, Value::Array(_)) => Ctx::RecordList,
            _ => Ctx::Plain,
        }
    }

    /// The context of an element of an array in context `self`.
    fn element(self, v: &Value) -> Ctx {
        match (self, v) {
            (Ctx::RecordList, Value::Object(_)) => Ctx::Record,
            (Ctx::RecordList, Value::Array(_)) => Ctx::RecordList,
            _ => Ctx::Plain,
        }
    }

    /// The context of a field value of an object in context `self`.
    fn field(self, v: &Value) -> Ctx {
        if self == Ctx::Record && is_wrapper(v) {
            Ctx::RecordList
        } else {
            Ctx::Plain
        }
    }
}

/// Whether a record keeps field `k`: allowed, or a wrapper list under a plain name (a
/// container under any other name is masked). (Kept, a sensitive wrapper would be masked whole, and a second pass would then
/// drop the marker: redaction must be idempotent.)
fn keeps(allowed: Option<&[String]>, redactor: &Redactor, k: &str, v: &Value) -> bool {
    allowed.is_none_or(|a| a.binary_search_by(|f| f.as_str().cmp(k)).is_ok())
        || (is_wrapper(v) && redactor.key_rule(k).is_plain())
}

/// A non-empty array of objects only: a record list inside a record.
fn is_wrapper(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object))
}

struct Walk<'r> {
    redactor: &'r Redactor,
    allowed: Option<&'r [String]>,
    max_depth: usize,
    report: Report,
    /// Scratch for building pointers, only when something is recorded.
    pointer: String,
    /// Scratch for the kinds found in one string.
    kinds: Vec<(Kind, u64)>,
    /// Scratch: the rule of each key of the object being handled (`None`: it changes).
    key_rules: Vec<Option<KeyRule>>,
    /// Depth markers already written, by (is object, entries): rows of a record list
    /// elide the same few shapes, and formatting each marker costs more than a copy.
    markers: Vec<(bool, usize, String)>,
}

/// The most distinct depth markers a walk keeps.
const MAX_MARKERS: usize = 16;

/// Pointers name at most this many levels (deeper ones end in `/…`)…
const MAX_POINTER_SEGMENTS: usize = 32;
/// …and keep at most this many bytes of each key (then `…`), so a report stays small even
/// for 100 000-deep values or megabyte-long keys.
const MAX_SEGMENT_BYTES: usize = 64;

// Rules shared by both walks.
impl<'r> Walk<'r> {
    fn new(redactor: &'r Redactor, policy: &'r Policy) -> Self {
        Walk {
            redactor,
            allowed: policy.allowed_fields.as_deref(),
            max_depth: policy.max_depth.unwrap_or(usize::MAX),
            report: Report::new(),
            pointer: String::new(),
            kinds: Vec::new(),
            key_rules: Vec::new(),
            markers: Vec::new(),
        }
    }

    fn keeps(&self, k: &str, v: &Value) -> bool {
        keeps(self.allowed, self.redactor, k, v)
    }

    /// `None` when redaction changes `key`; otherwise its rule (remembered per thread:
    /// see [`keymemo`]).
    fn clean_key(&mut self, key: &str) -> Option<KeyRule> {
        keymemo::clean_key_rule(self.redactor, key)
    }

    /// The rules of `keys` into `rules` (`None` for a key that changes); whether any
    /// changes. Each key is decided once per object: the walk then reuses its rule.
    fn key_rules<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k str>,
        rules: &mut Vec<Option<KeyRule>>,
    ) -> bool {
        rules.clear();
        let mut changes = false;
        for k in keys {
            let rule = self.clean_key(k);
            changes |= rule.is_none();
            rules.push(rule);
        }
        changes
    }

    /// Whether `value` under `name` (a key as it leaves) must be masked: by the typed key
    /// rule, or as the value of a sensitive name/value pair (`pair`, decided on the whole
    /// map before any projection). `known`: the rule of `name` when the walk has it.
    fn masks_entry(
        &mut self,
        name: &str,
        value: &Value,
        pair: Option<KeyRule>,
        known: Option<KeyRule>,
    ) -> bool {
        let rule = match known.or_else(|| self.clean_key(name)) {
            Some(rule) => rule,
            None => self.redactor.key_rule(name),
        };
        self.redactor.rule_masks(rule, Shape::of(value))
            || self.redactor.pair_masks(pair, name, value)
    }

    /// New names for the keys of one object (in order; `None` = unchanged), given that at
    /// least one changes. A redacted key that equals a key of the object or an earlier new
    /// name gets the first free `#n` suffix, n ≥ 2: nothing is ever overwritten. Records
    /// each renamed key's findings under its new name.
    fn rename_plan<'k, I>(
        &mut self,
        keys: I,
        exists: impl Fn(&str) -> bool,
        on_rename: &mut dyn FnMut(&mut Self, &str, &str),
    ) -> Vec<Option<String>>
    where
        I: Iterator<Item = &'k str>,
    {
        let mut names = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        let mut next_suffix: HashMap<String, u64> = HashMap::new();
        for k in keys {
            let Cow::Owned(base) = self.redactor.redact_str(k) else {
                names.push(None);
                continue;
            };
            let name = if exists(&base) || taken.contains(&base) {
                let n = next_suffix.entry(base.clone()).or_insert(2);
                free_name(&base, n, |c| exists(c) || taken.contains(c))
            } else {
                base
            };
            on_rename(self, k, &name);
            taken.insert(name.clone());
            names.push(Some(name));
        }
        names
    }

    /// The marker for a container beyond the depth budget.
    fn elide(&mut self, v: &Value) -> Value {
        let (is_object, len) = match v {
            Value::Object(m) => (true, m.len()),
            Value::Array(a) => (false, a.len()),
            _ => (false, 0),
        };
        if let Some((_, _, m)) = self
            .markers
            .iter()
            .find(|(o, n, _)| *o == is_object && *n == len)
        {
            return Value::String(m.clone());
        }
        let marker = elision_marker(is_object, len, self.max_depth);
        if self.markers.len() < MAX_MARKERS {
            self.markers.push((is_object, len, marker.clone()));
        }
        Value::String(marker)
    }

    /// The marker replacing a number whose digits must not leave (in any JSON form), if any.
    fn integer(&self, n: &serde_json::Number) -> Option<Kind> {
        self.redactor.scan_number(n)
    }

    /// Records the findings of `text` (a key known to change under redaction).
    fn record_text<'s>(&mut self, text: &str, at: impl Iterator<Item = Seg<'s>>) {
        self.kinds.clear();
        let kinds = &mut self.kinds;
        let mut sink = String::new();
        self.redactor
            .redact_str_into(text, &mut sink, &mut |f| count_kind(kinds, f.kind));
        self.record_kinds(at);
    }

    /// Records the kinds counted in `self.kinds` at `at` (a text that changed: when no
    /// finding was reported, the mask is still counted).
    fn record_kinds<'s>(&mut self, at: impl Iterator<Item = Seg<'s>>) {
        if self.kinds.is_empty() {
            self.kinds.push((Kind::Custom, 1));
        }
        build_pointer(&mut self.pointer, at);
        for &(kind, n) in &self.kinds {
            self.report.record(kind, &self.pointer, n);
        }
    }

    /// The redaction of a string leaf: after its key when it has one (see
    /// [`Redactor::redact_leaf`]); its findings are counted in `self.kinds` in the same
    /// pass. A leaf the key gives no context and that holds no anchor
    /// ([`Redactor::may_change`]) is not scanned.
    fn redact_leaf<'t>(&mut self, text: &'t str, seg: Option<Seg<'_>>) -> Cow<'t, str> {
        self.kinds.clear();
        let kinds = &mut self.kinds;
        let mut on = |f: crate::Finding| count_kind(kinds, f.kind);
        match seg {
            Some(Seg::Key(k)) if self.redactor.leaf_wants_key(text) => {
                self.redactor.redact_leaf_with(k, text, &mut on)
            }
            _ if !self.redactor.may_change(text) => Cow::Borrowed(text),
            _ => self.redactor.redact_str_with(text, &mut on),
        }
    }

    fn record<'s>(&mut self, kind: Kind, at: impl Iterator<Item = Seg<'s>>) {
        build_pointer(&mut self.pointer, at);
        self.report.record(kind, &self.pointer, 1);
    }

    /// Records a field dropped by the projection, by its redacted name (a key may hold an
    /// e-mail).
    fn record_dropped<'s>(&mut self, key: &str, parent: impl Iterator<Item = Seg<'s>>) {
        let name = self.redactor.redact_str(key);
        let parent = parent.map(|s| match s {
            Seg::Key(k) => Seg::Key(k),
            Seg::Index => Seg::Index,
        });
        build_pointer(&mut self.pointer, parent.chain([Seg::Key(&name)]));
        self.report.record_dropped(&self.pointer, 1);
    }
}

/// Counts one finding of `kind`.
fn count_kind(kinds: &mut Vec<(Kind, u64)>, kind: Kind) {
    match kinds.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, n)) => *n += 1,
        None => kinds.push((kind, 1)),
    }
}

/// Writes the (bounded, collapsed) JSON pointer of the segments `at` into `out`.
fn build_pointer<'s>(out: &mut String, at: impl Iterator<Item = Seg<'s>>) {
    out.clear();
    for (i, seg) in at.enumerate() {
        if i == MAX_POINTER_SEGMENTS {
            out.push_str("/…");
            break;
        }
        out.push('/');
        match seg {
            Seg::Index => out.push('*'),
            Seg::Key(k) => {
                let mut end = k.len().min(MAX_SEGMENT_BYTES);
                while !k.is_char_boundary(end) {
                    end -= 1;
                }
                for c in k[..end].chars() {
                    match c {
                        '~' => out.push_str("~0"),
                        '/' => out.push_str("~1"),
                        c => out.push(c),
                    }
                }
                if end < k.len() {
                    out.push('…');
                }
            }
        }
    }
}
