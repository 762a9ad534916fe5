//! The map handler: sorted key list, then one fact per entry.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use crate::list::{Cell, FieldNotes};
use crate::render::{head, scalar_text};
use crate::text::TextStats;
use crate::{Guard, Summary, SummaryOptions, View, view};

/// How many sorted keys the `Keys:` fact lists.
const LISTED_KEYS: usize = 20;
/// How many keys a `dict with keys [...]` fact lists.
const NESTED_KEYS: usize = 5;

/// Summarizes a map entry by entry, so that a streaming parser can feed it keys without
/// building the map: values are needed only while [`wants_value`](Self::wants_value)
/// says so.
pub struct MapSummarizer<'g> {
    opts: SummaryOptions,
    guard: &'g dyn Guard,
    keys: u64,
    smallest: BTreeSet<String>,
    entry_facts: Vec<String>,
    /// Entries described (a list of strings takes several facts).
    described: u64,
    /// Entry facts of pair-value fields (index, scrubbed key), withheld at the end when a
    /// pair-name field names a sensitive thing.
    pair_values: Vec<(usize, String)>,
    pair_sensitive: bool,
    fields: FieldNotes,
}

impl<'g> MapSummarizer<'g> {
    /// An empty map summary.
    pub fn new(opts: &SummaryOptions, guard: &'g dyn Guard) -> Self {
        MapSummarizer {
            opts: opts.clone(),
            guard,
            keys: 0,
            smallest: BTreeSet::new(),
            entry_facts: Vec::new(),
            described: 0,
            pair_values: Vec::new(),
            pair_sensitive: false,
            fields: FieldNotes::default(),
        }
    }

    /// Whether the value of the next entry with this key is needed (so the caller must
    /// pass it to [`push`](Self::push)): it will be described or type-checked, or it is a
    /// pair name that may withhold a sibling. Under a key the guard checks
    /// ([`Guard::checks_key`]), only the value's type and scalar matter: a caller may pass
    /// any string (such as a marker) in place of a container.
    pub fn wants_value(&self, key: &str) -> bool {
        (self.entry_facts.len() < self.opts.max_facts && self.guard.field_allowed(key))
            || self.guard.is_pair_name(key)
    }

    /// Adds an entry. `value` may be `None` when [`wants_value`](Self::wants_value) was
    /// false; a needed value that is missing is described as `null`.
    pub fn push(&mut self, key: &str, value: Option<&Value>) {
        if self.guard.is_pair_name(key)
            && let Some(Value::String(name)) = value
            && self.guard.pair_name_sensitive(name)
        {
            self.pair_sensitive = true;
        }
        if !self.guard.field_allowed(key) {
            self.fields.note(key, self.guard);
            return;
        }
        self.keys += 1;
        if self.smallest.len() < LISTED_KEYS {
            self.smallest.insert(key.to_owned());
        } else if self.smallest.last().is_some_and(|last| key < last.as_str()) {
            self.smallest.pop_last();
            self.smallest.insert(key.to_owned());
        }
        if self.entry_facts.len() < self.opts.max_facts {
            self.described += 1;
            let label = self.guard.scrub(key).into_owned();
            let value = value.unwrap_or(&Value::Null);
            let is_pair_value = self.guard.is_pair_value(key);
            let fact =
                if self.guard.checks_key(key) && self.guard.withhold_value(key, Cell::of(value)) {
                    format!("{label}: {}", self.guard.withheld())
                } else if let Some(text) = (!is_pair_value).then(|| self.strings(value)).flatten() {
                    // A pair's value field is never spread over several facts: the end of
                    // the summary may have to withhold it as one fact.
                    self.entry_facts
                        .push(format!("{label}: list of {}", text.shape()));
                    if let Some(levels) = text.levels() {
                        self.entry_facts.push(format!("{label} levels: {levels}"));
                    }
                    for (i, item) in text.edges(&self.opts, self.guard) {
                        self.entry_facts.push(format!("{label} #{i}: {item}"));
                    }
                    return;
                } else {
                    let described = self.describe(value);
                    format!("{label}: {described}")
                };
            if is_pair_value {
                self.pair_values.push((self.entry_facts.len(), label));
            }
            self.entry_facts.push(fact);
        }
    }

    /// Text statistics of a non-empty list of strings within the depth limit.
    ///
    /// The list sits at depth 1 and its items at depth 2, so the depth limit must leave
    /// depth 2 open (no limit, or at least 3): a streaming parser bounded at depth 2 hands
    /// over elision markers (strings) where the input had containers, and the two must
    /// summarize alike.
    fn strings(&self, value: &Value) -> Option<TextStats> {
        if self.opts.max_depth.is_some_and(|d| d < 3) {
            return None;
        }
        let View::Value(Value::Array(items)) = view(value, 1, &self.opts, self.guard) else {
            return None;
        };
        if items.is_empty() || !items.iter().all(Value::is_string) {
            return None;
        }
        let mut text = TextStats::default();
        for s in items.iter().filter_map(Value::as_str) {
            text.push(s);
        }
        Some(text)
    }

    fn describe(&self, value: &Value) -> String {
        let value = match view(value, 1, &self.opts, self.guard) {
            View::Elided(marker) => return head(&marker, self.opts.value_chars, self.guard),
            View::Value(v) => v,
        };
        match value {
            Value::String(s) => head(s, self.opts.value_chars, self.guard),
            Value::Array(items) => {
                let unit = if items.len() == 1 { "item" } else { "items" };
                format!("list of {} {unit}", items.len())
            }
            Value::Object(map) => {
                let shown: Vec<String> = map
                    .keys()
                    .take(NESTED_KEYS)
                    .map(|k| self.guard.scrub(k).into_owned())
                    .collect();
                let mut s = format!("dict with keys [{}", shown.join(", "));
                if map.len() > NESTED_KEYS {
                    let _ = write!(s, ", …] ({NESTED_KEYS} of {})", map.len());
                } else {
                    s.push(']');
                }
                s
            }
            scalar => scalar_text(scalar, self.guard).unwrap_or_default(),
        }
    }

    /// The summary: `Keys: …` then the entry facts, cut to `max_facts`.
    pub fn finish(mut self) -> Summary {
        if self.pair_sensitive {
            for (i, label) in std::mem::take(&mut self.pair_values) {
                self.entry_facts[i] = format!("{label}: {}", self.guard.withheld());
            }
        }
        let listed: Vec<String> = self
            .smallest
            .iter()
            .map(|k| self.guard.scrub(k).into_owned())
            .collect();
        let mut keys_fact = format!("Keys: {}", listed.join(", "));
        if self.keys > LISTED_KEYS as u64 {
            let _ = write!(keys_fact, ", … ({LISTED_KEYS} of {})", self.keys);
        }
        let materialised = self.described;
        let mut facts = Vec::with_capacity(1 + self.entry_facts.len());
        facts.push(keys_fact);
        facts.extend(self.entry_facts);
        let mut summary =
            Summary::from_candidates(facts, self.keys - materialised, self.opts.max_facts);
        let (names, more) = self.fields.into_parts();
        summary.set_omitted_fields(names, more);
        summary
    }
}
