//! Freeing and copying values of any depth without recursion.

use serde_json::{Map, Value};

/// Drops a value without recursion.
///
/// `serde_json::Value`'s own `Drop` recurses once per nesting level and overflows the stack
/// near 100 000 levels; this frees the same memory from an explicit stack. Use it for any
/// value that may be deep (untrusted input, elided subtrees).
pub fn drop_deep(value: Value) {
    /// A container being emptied: one per open level, so a wide value costs no more stack
    /// than a narrow one (its children are taken one at a time).
    enum Drain {
        Array(std::vec::IntoIter<Value>),
        Object(serde_json::map::IntoIter),
    }
    fn open(v: Value) -> Option<Drain> {
        match v {
            Value::Array(a) if !a.is_empty() => Some(Drain::Array(a.into_iter())),
            Value::Object(m) if !m.is_empty() => Some(Drain::Object(m.into_iter())),
            // Scalars and empty containers drop without recursing.
            _ => None,
        }
    }
    let mut stack: Vec<Drain> = open(value).into_iter().collect();
    while let Some(top) = stack.last_mut() {
        let next = match top {
            Drain::Array(it) => it.next(),
            Drain::Object(it) => it.next().map(|(_, v)| v),
        };
        match next {
            Some(v) => stack.extend(open(v)),
            None => {
                stack.pop();
            }
        }
    }
}

/// Clones a value without recursion (`Value::clone` recurses once per nesting level).
pub fn clone_deep(value: &Value) -> Value {
    enum Frame<'a> {
        Array(std::slice::Iter<'a, Value>, Vec<Value>),
        Object(
            serde_json::map::Iter<'a>,
            Map<String, Value>,
            Option<&'a String>,
        ),
    }
    fn open(v: &Value) -> Option<Frame<'_>> {
        match v {
            Value::Array(a) if !a.is_empty() => {
                Some(Frame::Array(a.iter(), Vec::with_capacity(a.len())))
            }
            Value::Object(m) if !m.is_empty() => {
                Some(Frame::Object(m.iter(), Map::with_capacity(m.len()), None))
            }
            _ => None,
        }
    }
    fn close(frame: Frame<'_>) -> Value {
        match frame {
            Frame::Array(_, out) => Value::Array(out),
            Frame::Object(_, out, _) => Value::Object(out),
        }
    }
    let Some(root) = open(value) else {
        return value.clone();
    };
    let mut stack = vec![root];
    loop {
        // The stack is never empty here: the last frame's value is returned when it closes.
        let Some(top) = stack.last_mut() else {
            return Value::Null;
        };
        let next = match top {
            Frame::Array(it, _) => it.next(),
            Frame::Object(it, _, key) => it.next().map(|(k, v)| {
                *key = Some(k);
                v
            }),
        };
        let finished = if let Some(child) = next {
            if let Some(frame) = open(child) {
                stack.push(frame);
                continue;
            }
            child.clone()
        } else {
            let Some(frame) = stack.pop() else {
                return Value::Null;
            };
            let value = close(frame);
            if stack.is_empty() {
                return value;
            }
            value
        };
        match stack.last_mut() {
            Some(Frame::Array(_, out)) => out.push(finished),
            Some(Frame::Object(_, out, key)) => {
                if let Some(k) = key.take() {
                    out.insert(k.clone(), finished);
                }
            }
            None => return finished,
        }
    }
}
