//! The in-place walk of [`Redactor::redact_value_in_place`](crate::Redactor::redact_value_in_place).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{Ctx, Seg, Walk, at, drop_deep};
use crate::Kind;

/// An open container of the in-place walk: its leaves are done; its children are visited
/// one at a time, so the walk holds one frame per level, not one entry per container.
enum Open<'a> {
    Array(std::slice::IterMut<'a, Value>, Ctx),
    Object(serde_json::map::IterMut<'a>, Ctx),
}

pub(super) fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

impl<'a> Walk<'_> {
    pub(super) fn run(&mut self, root: &'a mut Value) {
        self.run_at(root, 0, None);
    }

    /// Walks `root` as if it sat at depth `base` under `seg` (an element of the top-level
    /// list: depth 1, `/*`), with the same decisions, pointers and depth markers as a walk
    /// of the whole value.
    pub(super) fn run_at(&mut self, root: &'a mut Value, base: usize, seg: Option<Seg<'a>>) {
        // An element of a top-level list has the context a root of its shape has.
        let ctx = Ctx::root(self.allowed.is_some(), root);
        // `frames[i]` is the container at depth `base + i`; `path` holds the segments of
        // the frames below depth 0.
        let mut frames: Vec<Open<'a>> = Vec::new();
        let mut path: Vec<Seg<'a>> = Vec::new();
        self.slot(root, base, &path, seg);
        path.extend(seg);
        if let Some(open) = self.enter(root, base, ctx, &path) {
            frames.push(open);
        }
        while let Some(top) = frames.last_mut() {
            // The next child still holding a container (everything else was handled when
            // its parent was entered), in document order.
            let next = match top {
                Open::Array(it, ctx) => it
                    .find(|v| is_container(v))
                    .map(|v| (Seg::Index, ctx.element(v), v)),
                Open::Object(it, ctx) => it
                    .find(|(_, v)| is_container(v))
                    .map(|(k, v)| (Seg::Key(k.as_str()), ctx.field(v), v)),
            };
            let Some((seg, cctx, child)) = next else {
                frames.pop();
                path.pop();
                continue;
            };
            path.push(seg);
            match self.enter(child, base + frames.len(), cctx, &path) {
                Some(open) => frames.push(open),
                None => {
                    path.pop();
                }
            }
        }
    }

    /// Handles the leaves of a container at `depth` (`path` is its pointer) and returns it
    /// open for its child containers; `None` for a leaf.
    fn enter(
        &mut self,
        value: &'a mut Value,
        depth: usize,
        ctx: Ctx,
        path: &[Seg<'_>],
    ) -> Option<Open<'a>> {
        match value {
            Value::Object(map) => {
                self.object(map, depth, ctx, path);
                Some(Open::Object(map.iter_mut(), ctx))
            }
            Value::Array(items) => {
                for child in items.iter_mut() {
                    self.slot(child, depth + 1, path, Some(Seg::Index));
                }
                Some(Open::Array(items.iter_mut(), ctx))
            }
            _ => None,
        }
    }

    /// Handles one value at `depth`: leaves are scanned now, containers beyond the budget
    /// are elided, other containers are left for the walk.
    fn slot(&mut self, value: &mut Value, depth: usize, path: &[Seg<'_>], seg: Option<Seg<'_>>) {
        match value {
            Value::String(s) => {
                if let Cow::Owned(clean) = self.redact_leaf(s, seg) {
                    self.record_kinds(at(path, seg));
                    *s = clean;
                }
            }
            Value::Number(n) => {
                if let Some(kind) = self.integer(n) {
                    *value = Value::String(self.redactor.marker(kind).to_owned());
                    self.record(kind, at(path, seg));
                }
            }
            Value::Array(_) | Value::Object(_) if depth >= self.max_depth => {
                let marker = self.elide(value);
                drop_deep(std::mem::replace(value, marker));
                self.record(Kind::DepthLimit, at(path, seg));
            }
            Value::Array(_) | Value::Object(_) | Value::Bool(_) | Value::Null => {}
        }
    }

    fn object(&mut self, map: &mut Map<String, Value>, depth: usize, ctx: Ctx, path: &[Seg<'_>]) {
        let pair = self.redactor.pair_rule(map.iter());
        if ctx == Ctx::Record && !map.iter().all(|(k, v)| self.keeps(k, v)) {
            map.retain(|k, v| {
                if self.keeps(k, v) {
                    return true;
                }
                drop_deep(std::mem::take(v));
                self.record_dropped(k, at(path, None));
                false
            });
        }
        let mut rules = std::mem::take(&mut self.key_rules);
        let renamed = self.key_rules(map.keys().map(String::as_str), &mut rules);
        if renamed {
            let old = std::mem::take(map);
            let names = self.rename_plan(
                old.keys().map(String::as_str),
                |n| old.contains_key(n),
                &mut |w, k, name| w.record_text(k, at(path, Some(Seg::Key(name)))),
            );
            for ((k, v), name) in old.into_iter().zip(names) {
                // Names are unique by construction, so nothing is replaced here.
                map.insert(name.unwrap_or(k), v);
            }
        }
        for (i, (k, v)) in map.iter_mut().enumerate() {
            let seg = Some(Seg::Key(k.as_str()));
            // Sensitivity is decided on the key as it leaves (redacted), so a second pass
            // decides the same way; a key that stayed keeps the rule decided above.
            let known = if renamed {
                None
            } else {
                rules.get(i).copied().flatten()
            };
            if self.masks_entry(k, v, pair, known) {
                let marker = self.redactor.marker(Kind::SensitiveKey);
                if v.as_str() != Some(marker) {
                    drop_deep(std::mem::replace(v, Value::String(marker.to_owned())));
                }
                self.record(Kind::SensitiveKey, at(path, seg));
                continue;
            }
            self.slot(v, depth + 1, path, seg);
        }
        self.key_rules = rules;
    }
}
