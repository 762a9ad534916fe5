//! The list handlers: records (per-column statistics in one pass) and plain lists.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::column::{Column, same_str};
use crate::render::{format_stat, json_preview, stat_withheld, truncate_chars};
use crate::text::TextStats;
use crate::{Guard, Summary, SummaryOptions, View, view};

/// Top keys listed.
const TOP_KEYS: usize = 10;
/// Numeric columns described (every top key is examined for booleans / distributions).
const DESCRIBED: usize = 5;
/// Distinct keys tracked; later new keys are counted but not ranked (memory bound).
const MAX_COLUMNS: usize = 1024;
/// Characters of one value shown in a distribution.
const DISTRIBUTION_VALUE_CHARS: usize = 40;
/// Names of projected-out fields remembered for the caller's warning.
const NOTED_FIELDS: usize = 3;
/// Characters of a noted field name.
const NOTED_FIELD_CHARS: usize = 24;

/// One field value of a record, as the statistics see it. A streaming parser can produce
/// it without allocating (`Str` borrows the input).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (integers converted; statistics are computed in `f64`).
    Number(f64),
    /// A string.
    Str(&'a str),
    /// A list or map (not described).
    Container,
}

impl<'a> Cell<'a> {
    /// The cell for a parsed value.
    pub fn of(value: &'a Value) -> Cell<'a> {
        match value {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => Cell::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Cell::Str(s),
            Value::Array(_) | Value::Object(_) => Cell::Container,
        }
    }
}

/// Names of fields dropped by a projection: the first few distinct, scrubbed and cut.
#[derive(Debug, Default)]
pub(crate) struct FieldNotes {
    names: Vec<String>,
    more: bool,
}

impl FieldNotes {
    pub(crate) fn note(&mut self, key: &str, guard: &dyn Guard) {
        let clean = guard.scrub(key);
        let (shown, cut) = truncate_chars(&clean, NOTED_FIELD_CHARS);
        let name = if cut {
            format!("{shown}…")
        } else {
            shown.to_owned()
        };
        if self.names.contains(&name) {
            return;
        }
        if self.names.len() < NOTED_FIELDS {
            self.names.push(name);
        } else {
            self.more = true;
        }
    }

    pub(crate) fn into_parts(self) -> (Vec<String>, bool) {
        (self.names, self.more)
    }
}

/// The scrubbed head of a distribution value, scrubbed as it will be read: after its
/// column name (`tel: 2125550101`). A name can give a value context (a bare 10-digit
/// number is a phone after `tel`); scrubbed alone, every label would pass and the joined
/// fact would then show all but the first. Fails closed (the guard's marker) when the
/// name and value cannot be told apart after scrubbing.
fn label_in_context(name: &str, value: &str, guard: &dyn Guard) -> String {
    let text = in_context(name, value);
    let prefix = &text[..name.len() + 2];
    let max = prefix.chars().count() + DISTRIBUTION_VALUE_CHARS;
    let (head, cut) = guard.scrub_head(&text, max);
    match head.strip_prefix(prefix) {
        Some(label) if cut => {
            let mut out = String::with_capacity(label.len() + '…'.len_utf8());
            out.push_str(label);
            out.push('…');
            out
        }
        Some(label) => label.to_owned(),
        None => guard.withheld().to_owned(),
    }
}

/// `"{name}: {value}"`, built without the formatting machinery (a summary builds one per
/// distinct value and per statistic).
fn in_context(name: &str, value: &str) -> String {
    let mut text = String::with_capacity(name.len() + 2 + value.len());
    text.push_str(name);
    text.push_str(": ");
    text.push_str(value);
    text
}

/// Whether a printed statistic changes when scrubbed after its column name.
fn changes_in_context(name: &str, stat: &str, guard: &dyn Guard) -> bool {
    let text = in_context(name, stat);
    guard.scrub(&text) != text
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Undecided,
    Records,
    Plain,
}

/// Summarizes a list one element at a time.
///
/// The first element decides the shape: a map (within the depth limit) makes a list of
/// records, anything else a plain list. For records, each further map is a row and any
/// other element is counted as a non-record item.
///
/// Feed parsed elements with [`push`](Self::push), or — from a streaming parser — rows
/// field by field with [`begin_row`](Self::begin_row), [`cell`](Self::cell) and
/// [`end_row`](Self::end_row), and items that need no preview with
/// [`push_skipped`](Self::push_skipped).
pub struct ListSummarizer<'g> {
    opts: SummaryOptions,
    guard: &'g dyn Guard,
    mode: Mode,
    total: u64,
    non_records: u64,
    row: u64,
    columns: Vec<Column>,
    index: HashMap<Box<str>, usize>,
    untracked: bool,
    prev_order: Vec<usize>,
    cur_order: Vec<usize>,
    /// The current row names a sensitive thing in a pair-name field.
    row_pair: bool,
    previews: Vec<String>,
    fields: FieldNotes,
    /// Every element so far is a string (a list of lines or messages).
    all_strings: bool,
    text: TextStats,
}

impl<'g> ListSummarizer<'g> {
    /// An empty list summary.
    pub fn new(opts: &SummaryOptions, guard: &'g dyn Guard) -> Self {
        ListSummarizer {
            opts: opts.clone(),
            guard,
            mode: Mode::Undecided,
            total: 0,
            non_records: 0,
            row: 0,
            columns: Vec::new(),
            index: HashMap::new(),
            untracked: false,
            prev_order: Vec::new(),
            cur_order: Vec::new(),
            row_pair: false,
            previews: Vec::new(),
            fields: FieldNotes::default(),
            all_strings: true,
            text: TextStats::default(),
        }
    }

    /// Whether a map element may start (or continue) a list of records: rows sit at depth
    /// 1, so they are described only when the depth limit lets depth 1 be opened.
    pub fn records_allowed(&self) -> bool {
        self.mode != Mode::Plain && self.opts.max_depth.is_none_or(|d| d > 1)
    }

    /// Whether the next non-record element will be previewed, so the caller must pass it
    /// to [`push`](Self::push) rather than [`push_skipped`](Self::push_skipped).
    pub fn wants_item(&self) -> bool {
        self.mode != Mode::Records && self.previews.len() < self.opts.max_facts
    }

    /// Adds one element.
    pub fn push(&mut self, item: &Value) {
        if let Value::String(s) = item {
            self.push_str(s);
            return;
        }
        self.push_other(item);
    }

    /// Adds an element that was a list or a map in the input, given as the value that
    /// stands for it — possibly the elision marker a depth-limited parser put in its
    /// place, which must not count as a string of a text list.
    pub fn push_container(&mut self, item: &Value) {
        self.push_other(item);
    }

    fn push_other(&mut self, item: &Value) {
        if let View::Value(Value::Object(map)) = view(item, 1, &self.opts, self.guard)
            && self.records_allowed()
        {
            self.begin_row();
            if !self.row_like_previous(map) {
                for (k, v) in map {
                    // A parsed map has no repeated key.
                    self.cell(k, Cell::of(v));
                }
            }
            self.end_row();
            return;
        }
        if self.mode == Mode::Records {
            self.total += 1;
            self.non_records += 1;
            return;
        }
        self.mode = Mode::Plain;
        self.all_strings = false;
        self.total += 1;
        if self.previews.len() < self.opts.max_facts {
            let p = json_preview(item, 1, true, &self.opts, self.guard);
            self.previews.push(p);
        }
    }

    /// Adds the fields of the current row when its keys are those of the previous row in
    /// the same order (most rows of a list), as [`cell`](Self::cell) would, and returns
    /// true; returns false, having added nothing, for any other row. Comparing the keys
    /// first, in a loop of their own, leaves a loop over the values with no lookup.
    fn row_like_previous(&mut self, map: &Map<String, Value>) -> bool {
        let order = &self.prev_order;
        if map.len() != order.len()
            || !map
                .keys()
                .zip(order)
                .all(|(k, &i)| same_str(&self.columns[i].key, k))
        {
            return false;
        }
        // The keys of a parsed map are distinct, so are their columns: no field repeats
        // within the row, which is all `last_row` is there to tell.
        self.cur_order.extend_from_slice(&self.prev_order);
        for (pos, (k, v)) in map.iter().enumerate() {
            self.fill(self.prev_order[pos], k, Cell::of(v));
        }
        true
    }

    /// Adds one string element (the same as [`push`](Self::push) of a `Value::String`,
    /// without building one). A list whose elements are all strings is summarized as text:
    /// see the crate docs.
    pub fn push_str(&mut self, s: &str) {
        if self.mode == Mode::Records {
            self.total += 1;
            self.non_records += 1;
            return;
        }
        self.mode = Mode::Plain;
        self.total += 1;
        if self.previews.len() < self.opts.max_facts {
            let p = json_preview(
                &Value::String(s.to_owned()),
                1,
                true,
                &self.opts,
                self.guard,
            );
            self.previews.push(p);
        }
        if self.all_strings {
            self.text.push(s);
        }
    }

    /// Counts an element that is not described and is not a string (strings go to
    /// [`push_str`](Self::push_str), which the text statistics need): a non-record item of
    /// a list of records, or an item of a plain list past the previews
    /// ([`wants_item`](Self::wants_item) false). The first element must be pushed, not
    /// skipped.
    pub fn push_skipped(&mut self) {
        self.total += 1;
        if self.mode == Mode::Records {
            self.non_records += 1;
        } else {
            self.mode = Mode::Plain;
            self.all_strings = false;
        }
    }

    /// Starts a row (a map element).
    pub fn begin_row(&mut self) {
        self.mode = Mode::Records;
        self.total += 1;
        self.row += 1;
        self.cur_order.clear();
        self.row_pair = false;
    }

    /// Adds one field of the current row. A key repeated within a row counts once, with
    /// its first value; the return value is `false` for such a repeat (a parsed JSON
    /// object would keep the *last* value instead, so a caller feeding raw JSON rows can
    /// fall back to parsing them). Keys past the column limit are not tracked and return
    /// `true`.
    //
    // The common case (the key where the previous row had it, a column the guard has
    // nothing to say about) is a few branches; everything else is out of line.
    #[inline]
    pub fn cell(&mut self, key: &str, cell: Cell<'_>) -> bool {
        let pos = self.cur_order.len();
        // Rows of one list usually repeat the same keys in the same order: try the column
        // at this position in the previous row before hashing.
        let idx = match self.prev_order.get(pos) {
            Some(&i) if same_str(&self.columns[i].key, key) => i,
            _ => match self.lookup(key) {
                Some(i) => i,
                None => return true,
            },
        };
        self.cur_order.push(idx);
        let row = self.row;
        let col = &mut self.columns[idx];
        if col.last_row == row {
            return false;
        }
        col.last_row = row;
        self.fill(idx, key, cell);
        true
    }

    /// Adds a field's value to its column `idx` (`last_row` already checked).
    #[inline]
    fn fill(&mut self, idx: usize, key: &str, cell: Cell<'_>) {
        let col = &mut self.columns[idx];
        if col.plain() {
            col.count += 1;
            col.add(cell);
        } else {
            self.guarded_cell(idx, key, cell);
        }
    }

    /// The rest of [`cell`](Self::cell) for a column the guard watches: a pair name, a
    /// projected-out field, a key whose values are checked, a withheld column.
    #[inline(never)]
    fn guarded_cell(&mut self, idx: usize, key: &str, cell: Cell<'_>) {
        let col = &mut self.columns[idx];
        // A pair name protects its value even when the name itself is projected out.
        if col.pair_name
            && let Cell::Str(name) = cell
            && self.guard.pair_name_sensitive(name)
        {
            self.row_pair = true;
        }
        if !col.allowed {
            return;
        }
        col.count += 1;
        if col.checks && !col.withheld && self.guard.withhold_value(key, cell) {
            col.withheld = true;
            // Nothing of a withheld column is ever printed: drop what it collected.
            col.strings = Vec::new();
        }
        if !col.withheld {
            col.add(cell);
        }
    }

    #[inline(never)]
    fn lookup(&mut self, key: &str) -> Option<usize> {
        if let Some(&i) = self.index.get(key) {
            return Some(i);
        }
        if self.columns.len() >= MAX_COLUMNS {
            self.untracked = true;
            return None;
        }
        let col = Column::new(key, self.guard);
        if !col.allowed {
            self.fields.note(key, self.guard);
        }
        let i = self.columns.len();
        self.index.insert(key.into(), i);
        self.columns.push(col);
        Some(i)
    }

    /// Ends the current row. A row whose pair-name field names a sensitive thing
    /// withholds its pair-value columns (whatever order the fields came in).
    pub fn end_row(&mut self) {
        if self.row_pair {
            for &i in &self.cur_order {
                let col = &mut self.columns[i];
                if col.pair_value {
                    col.withheld = true;
                    col.strings = Vec::new();
                }
            }
        }
        std::mem::swap(&mut self.prev_order, &mut self.cur_order);
    }

    /// The summary.
    pub fn finish(self) -> Summary {
        let mut summary = match self.mode {
            Mode::Records => self.finish_records(),
            Mode::Plain if self.all_strings && self.text.count() == self.total => {
                let mut facts = vec![format!("List of {}", self.text.shape())];
                if let Some(levels) = self.text.levels() {
                    facts.push(format!("Levels: {levels}"));
                }
                for (i, item) in self.text.edges(&self.opts, self.guard) {
                    facts.push(format!("#{i}: {item}"));
                }
                Summary::from_candidates(facts, 0, self.opts.max_facts)
            }
            Mode::Undecided | Mode::Plain => {
                let mut facts = Vec::with_capacity(1 + self.previews.len());
                let unit = if self.total == 1 { "item" } else { "items" };
                facts.push(format!("List of {} {unit}", self.total));
                let shown = self.previews.len() as u64;
                facts.extend(self.previews);
                let mut s =
                    Summary::from_candidates(facts, self.total - shown, self.opts.max_facts);
                let (names, more) = self.fields.into_parts();
                s.set_omitted_fields(names, more);
                return s;
            }
        };
        let (names, more) = self.fields.into_parts();
        summary.set_omitted_fields(names, more);
        summary
    }

    fn finish_records(&self) -> Summary {
        let mut facts = vec![format!("Total rows: {}", self.total)];
        if self.non_records > 0 {
            facts.push(format!("Non-record items: {}", self.non_records));
        }
        let mut ranked: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.columns[i].allowed && self.columns[i].count > 0)
            .collect();
        // Stable: equal counts keep first-appearance order.
        ranked.sort_by(|&a, &b| self.columns[b].count.cmp(&self.columns[a].count));
        let ranked_len = ranked.len();
        ranked.truncate(TOP_KEYS);
        let names: Vec<String> = ranked
            .iter()
            .map(|&i| self.guard.scrub(&self.columns[i].key).into_owned())
            .collect();
        let mut top = format!("Top keys: {}", names.join(", "));
        if self.untracked {
            let _ = write!(top, " ({} of {MAX_COLUMNS}+)", ranked.len());
        } else if ranked_len > TOP_KEYS {
            let _ = write!(top, " ({TOP_KEYS} of {ranked_len})");
        }
        facts.push(top);

        for (&i, name) in ranked
            .iter()
            .zip(&names)
            .filter(|(i, _)| self.columns[**i].is_numeric())
            .take(DESCRIBED)
        {
            let col = &self.columns[i];
            let avg = col.sum / col.n_num as f64;
            let (min, max, avg) = (format_stat(col.min), format_stat(col.max), format_stat(avg));
            let withheld = [&min, &max, &avg]
                .iter()
                .any(|s| stat_withheld(s, self.guard) || changes_in_context(name, s, self.guard));
            facts.push(if withheld {
                format!("{name}: min/max/avg {}", self.guard.withheld())
            } else {
                format!("{name}: min={min}, max={max}, avg={avg}")
            });
        }

        // Unlike the reference (first 5 top keys only), every top key is examined: a
        // `status` column in 7th place is often the most telling fact, and max_facts caps
        // the total anyway.
        for (&i, name) in ranked.iter().zip(&names) {
            let col = &self.columns[i];
            if col.is_numeric() {
                continue;
            }
            if col.withheld {
                facts.push(format!("{name}: values withheld (sensitive key)"));
            } else if col.boolean && col.trues + col.falses > 0 {
                facts.push(format!("{name}: True={}, False={}", col.trues, col.falses));
            } else if !col.strings_overflow && col.strings.len() >= 2 {
                let mut values: Vec<&(Box<str>, u64)> = col.strings.iter().collect();
                values.sort_by(|a, b| a.0.cmp(&b.0));
                // Distinct values can scrub to the same label (five card numbers all become
                // the marker): merge their counts instead of listing the marker five times.
                let mut shown: Vec<(String, u64)> = Vec::with_capacity(values.len());
                for (v, c) in values {
                    let label = label_in_context(name, v, self.guard);
                    match shown.iter_mut().find(|(l, _)| *l == label) {
                        Some((_, n)) => *n += c,
                        None => shown.push((label, *c)),
                    }
                }
                let mut fact = String::with_capacity(
                    name.len() + 16 + shown.iter().map(|(l, _)| l.len() + 8).sum::<usize>(),
                );
                fact.push_str(name);
                fact.push_str(" distribution: ");
                for (i, (l, c)) in shown.iter().enumerate() {
                    if i > 0 {
                        fact.push_str(", ");
                    }
                    fact.push_str(l);
                    let _ = write!(fact, "={c}");
                }
                facts.push(fact);
            }
        }
        Summary::from_candidates(facts, 0, self.opts.max_facts)
    }
}
