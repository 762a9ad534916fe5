//! The copying walk of [`Redactor::redact_value`](crate::Redactor::redact_value): the
//! same decisions as in place, but nothing that is dropped, masked or elided is ever
//! copied, and the input is never modified.
//!
//! Like the in-place walk it holds one frame per open level: an array's elements are
//! visited through a cursor, so a list of a million records costs no queue beside its
//! output.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::in_place::is_container;
use super::{Ctx, Seg, Walk, keeps};
use crate::Kind;

/// Where a finished container goes in its parent.
enum Place<'a> {
    Root,
    Index(usize),
    Key(Cow<'a, str>),
}

impl Place<'_> {
    fn seg(&self) -> Seg<'_> {
        match self {
            Place::Key(k) => Seg::Key(k),
            Place::Root | Place::Index(_) => Seg::Index,
        }
    }
}

enum Out {
    Array(Vec<Value>),
    Object(Map<String, Value>),
}

/// The children of an open container still to be copied.
enum Next<'a> {
    /// An array's elements from `i` on (the containers among them within the budget).
    Array {
        src: &'a [Value],
        i: usize,
        ctx: Ctx,
    },
    /// An object's container fields, with their output names (at most its field count).
    Object(std::vec::IntoIter<(Cow<'a, str>, &'a Value, Ctx)>),
}

/// A container under construction: its leaves are in place, its containers are `Null`
/// placeholders until each is built and attached.
struct Frame<'a> {
    out: Out,
    place: Place<'a>,
    next: Next<'a>,
}

/// The pointer segments of the frames below the root, then `last`.
fn frames_at<'s>(frames: &'s [Frame<'_>], last: Option<Seg<'s>>) -> impl Iterator<Item = Seg<'s>> {
    frames.iter().skip(1).map(|f| f.place.seg()).chain(last)
}

impl Walk<'_> {
    pub(super) fn copy(&mut self, root: &Value) -> Value {
        let ctx = Ctx::root(self.allowed.is_some(), root);
        let mut frames: Vec<Frame<'_>> = Vec::new();
        if let Some(v) = self.copy_child(root, 0, &frames, None) {
            return v;
        }
        self.open(root, Place::Root, 0, ctx, &mut frames);
        loop {
            // `frames.len()` is the depth of the children of the top frame.
            let depth = frames.len();
            let Some(top) = frames.last_mut() else {
                // Unreachable: the root frame's value is returned when it closes.
                return Value::Null;
            };
            let next = match &mut top.next {
                Next::Array { src, i, ctx } => {
                    let mut found = None;
                    while let Some(c) = src.get(*i) {
                        let at = *i;
                        *i += 1;
                        // What `copy_child` left as a placeholder: a container within budget.
                        if is_container(c) && depth < self.max_depth {
                            found = Some((Place::Index(at), c, ctx.element(c)));
                            break;
                        }
                    }
                    found
                }
                Next::Object(it) => it.next().map(|(name, v, ctx)| (Place::Key(name), v, ctx)),
            };
            if let Some((place, src, ctx)) = next {
                self.open(src, place, depth, ctx, &mut frames);
                continue;
            }
            let Some(frame) = frames.pop() else {
                return Value::Null;
            };
            let value = match frame.out {
                Out::Array(a) => Value::Array(a),
                Out::Object(m) => Value::Object(m),
            };
            let Some(parent) = frames.last_mut() else {
                return value;
            };
            match (&mut parent.out, &frame.place) {
                (Out::Array(a), Place::Index(i)) => {
                    if let Some(slot) = a.get_mut(*i) {
                        *slot = value;
                    }
                }
                (Out::Object(m), Place::Key(k)) => {
                    if let Some(slot) = m.get_mut(k.as_ref()) {
                        *slot = value;
                    }
                }
                _ => {}
            }
        }
    }

    /// A copy of a leaf, or a marker for a container beyond the budget; `None` for a
    /// container to copy later.
    fn copy_child<'s>(
        &mut self,
        v: &Value,
        depth: usize,
        frames: &'s [Frame<'_>],
        seg: Option<Seg<'s>>,
    ) -> Option<Value> {
        match v {
            Value::String(s) => Some(match self.redact_leaf(s, seg) {
                Cow::Borrowed(_) => Value::String(s.clone()),
                Cow::Owned(clean) => {
                    self.record_kinds(frames_at(frames, seg));
                    Value::String(clean)
                }
            }),
            Value::Number(n) => Some(match self.integer(n) {
                Some(kind) => {
                    self.record(kind, frames_at(frames, seg));
                    Value::String(self.redactor.marker(kind).to_owned())
                }
                None => Value::Number(n.clone()),
            }),
            Value::Array(_) | Value::Object(_) if depth >= self.max_depth => {
                self.record(Kind::DepthLimit, frames_at(frames, seg));
                Some(self.elide(v))
            }
            Value::Array(_) | Value::Object(_) => None,
            Value::Bool(b) => Some(Value::Bool(*b)),
            Value::Null => Some(Value::Null),
        }
    }

    /// Opens the container `src` at `depth`: pushes its frame with its leaves copied.
    fn open<'a>(
        &mut self,
        src: &'a Value,
        place: Place<'a>,
        depth: usize,
        ctx: Ctx,
        frames: &mut Vec<Frame<'a>>,
    ) {
        // Pushed first (with an empty output) so that pointers of its children include it.
        frames.push(Frame {
            out: Out::Array(Vec::new()),
            place,
            next: Next::Object(Vec::new().into_iter()),
        });
        let (out, next) = match src {
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for child in items {
                    let copy = self.copy_child(child, depth + 1, frames, Some(Seg::Index));
                    out.push(copy.unwrap_or(Value::Null));
                }
                (
                    Out::Array(out),
                    Next::Array {
                        src: items,
                        i: 0,
                        ctx,
                    },
                )
            }
            Value::Object(map) => {
                let mut todo = Vec::new();
                let out = self.copy_object(map, depth + 1, ctx, frames, &mut todo);
                (Out::Object(out), Next::Object(todo.into_iter()))
            }
            _ => (Out::Array(Vec::new()), Next::Object(Vec::new().into_iter())),
        };
        if let Some(frame) = frames.last_mut() {
            frame.out = out;
            frame.next = next;
        }
    }

    fn copy_object<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        depth: usize,
        ctx: Ctx,
        frames: &[Frame<'_>],
        todo: &mut Vec<(Cow<'a, str>, &'a Value, Ctx)>,
    ) -> Map<String, Value> {
        let pair = self.redactor.pair_rule(map);
        // Which fields the projection keeps (computed once, only if it drops any).
        let mut kept: Option<Vec<bool>> = None;
        if ctx == Ctx::Record && !map.iter().all(|(k, v)| self.keeps(k, v)) {
            let flags: Vec<bool> = map.iter().map(|(k, v)| self.keeps(k, v)).collect();
            for ((k, _), keep) in map.iter().zip(&flags) {
                if !keep {
                    self.record_dropped(k, frames_at(frames, None));
                }
            }
            kept = Some(flags);
        }
        let keep = |i: usize| kept.as_ref().is_none_or(|f| f[i]);
        let entries = || {
            map.iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, e)| e)
        };
        // Collisions are checked against the keys that leave: all of them, or in a record
        // the ones the projection keeps.
        let (allowed, redactor, projected) = (self.allowed, self.redactor, kept.is_some());
        let mut names: Vec<Option<String>> = Vec::new();
        let mut rules = std::mem::take(&mut self.key_rules);
        if self.key_rules(entries().map(|(k, _)| k.as_str()), &mut rules) {
            names = self.rename_plan(
                entries().map(|(k, _)| k.as_str()),
                |n| {
                    map.get(n)
                        .is_some_and(|v| !projected || keeps(allowed, redactor, n, v))
                },
                &mut |w, k, name| w.record_text(k, frames_at(frames, Some(Seg::Key(name)))),
            );
        }
        let mut names = names.into_iter();
        let mut out = Map::with_capacity(map.len());
        for ((k, v), rule) in entries().zip(&rules) {
            let (name, known): (Cow<'a, str>, _) = match names.next().flatten() {
                Some(n) => (Cow::Owned(n), None),
                None => (Cow::Borrowed(k.as_str()), *rule),
            };
            if self.masks_entry(&name, v, pair, known) {
                self.record(Kind::SensitiveKey, frames_at(frames, Some(Seg::Key(&name))));
                let marker = self.redactor.marker(Kind::SensitiveKey);
                out.insert(name.into_owned(), Value::String(marker.to_owned()));
                continue;
            }
            if let Some(copy) = self.copy_child(v, depth, frames, Some(Seg::Key(&name))) {
                out.insert(name.into_owned(), copy);
            } else {
                out.insert(name.to_string(), Value::Null);
                todo.push((name, v, ctx.field(v)));
            }
        }
        self.key_rules = rules;
        out
    }
}
