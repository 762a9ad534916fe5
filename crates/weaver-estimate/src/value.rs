//! The allocation-free walk over a `serde_json::Value`: recursive through the first levels,
//! iterative below them.

use alloc::vec::Vec;
use core::{hint::black_box, slice};

use serde_json::{Value, map};

use crate::{Size, number::number_len, string::str_len};

/// How many open containers the walk keeps in a fixed array on the call stack before it
/// spills further frames to the heap.
///
/// Only containers that still have children left to visit occupy a frame: a container's
/// frame is released as soon as its last child is entered. So a 100 000-deep chain of
/// single-child arrays uses one frame, and rows-of-records data uses two or three.
pub const INLINE_DEPTH: usize = 64;

/// A container being walked: the children not visited yet.
enum Frame<'a> {
    Array(slice::Iter<'a, Value>),
    Object(map::Iter<'a>),
}

/// The walk's stack: a fixed inline array, then a `Vec` for anything deeper.
struct Stack<'a> {
    inline: [Frame<'a>; INLINE_DEPTH],
    /// How many of the inline slots this walk may use: [`INLINE_DEPTH`] less the frames
    /// already open in the recursive part of [`estimate`] that handed the subtree over,
    /// so a value spills exactly when more than [`INLINE_DEPTH`] containers are open.
    cap: usize,
    len: usize,
    spill: Vec<Frame<'a>>,
}

impl<'a> Stack<'a> {
    fn new(open: usize) -> Self {
        Stack {
            inline: core::array::from_fn(|_| Frame::Array([].iter())),
            cap: INLINE_DEPTH.saturating_sub(open),
            len: 0,
            // `Vec::new` does not allocate; only a push past `cap` does.
            spill: Vec::new(),
        }
    }

    #[inline]
    fn push(&mut self, frame: Frame<'a>) {
        match self.inline.get_mut(self.len) {
            Some(slot) if self.len < self.cap => *slot = frame,
            _ => self.spill.push(frame),
        }
        self.len += 1;
    }

    #[inline]
    fn top(&mut self) -> Option<&mut Frame<'a>> {
        if self.len > self.cap {
            self.spill.last_mut()
        } else {
            self.inline.get_mut(self.len.checked_sub(1)?)
        }
    }

    #[inline]
    fn pop(&mut self) {
        if self.len > self.cap {
            self.spill.pop();
        }
        self.len = self.len.saturating_sub(1);
    }
}

/// Adds a string's escaped length to `total`, or reports `Exceeds` when even its unescaped
/// length passes `limit` — so a huge string over the limit is never scanned.
#[inline]
fn add_str<const LIMITED: bool>(total: u64, s: &str, limit: u64) -> Result<u64, Size> {
    let floor = total + s.len() as u64 + 2;
    if LIMITED && floor > limit {
        return Err(Size::Exceeds { at_least: floor });
    }
    Ok(total + str_len(s))
}

/// The exact length of `serde_json::to_vec(v)`, computed without serializing.
///
/// Any depth with a bounded call stack (recursive through the first 32 levels, iterative
/// below them) and allocation-free up to [`INLINE_DEPTH`] open containers (see the crate
/// docs).
///
/// ```
/// let v = serde_json::json!({"a": [1, 2.5, "x\ty"], "é": null});
/// assert_eq!(weaver_estimate::estimate(&v), 30);
/// assert_eq!(weaver_estimate::estimate(&v), serde_json::to_vec(&v).unwrap().len() as u64);
/// ```
#[inline]
pub fn estimate(v: &Value) -> u64 {
    nested(v, 0, 0)
}

/// How many levels of containers [`nested`] recurses into before it hands the rest of a
/// subtree to the iterative [`walk`]: this bounds its call stack whatever the value's
/// depth.
const RECURSION_DEPTH: usize = 32;

/// `true` for an array or object with at least one child (a value [`scalar_len`] does not
/// measure whole).
#[inline]
fn has_children(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        _ => false,
    }
}

/// The size of a value without children (scalars and empty containers); `0` for a
/// container with children, which [`nested`] and [`walk`] measure.
#[inline]
fn scalar_len(v: &Value) -> u64 {
    match v {
        Value::Null | Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => number_len(n),
        Value::String(s) => str_len(s),
        Value::Array(a) if a.is_empty() => 2,
        Value::Object(m) if m.is_empty() => 2,
        Value::Array(_) | Value::Object(_) => 0,
    }
}

/// The first byte of `s` (0 if empty).
#[inline]
fn first_byte(s: &str) -> u8 {
    s.as_bytes().first().copied().unwrap_or(0)
}

/// The size of a child at `depth` (its parent's depth + 1) with `open` containers open
/// around it; `last` is whether it is its parent's last child (the parent is then no
/// longer open, as in [`walk`]).
#[inline]
fn child(x: &Value, depth: usize, open: usize, last: bool) -> u64 {
    if has_children(x) {
        nested(x, depth, open + usize::from(!last))
    } else {
        scalar_len(x)
    }
}

/// [`estimate`]: recursive for speed down to [`RECURSION_DEPTH`] levels, then the
/// iterative [`walk`] for what lies deeper (told how many containers are open, so the
/// [`INLINE_DEPTH`] allocation bound stays exact).
///
/// The time goes into cache misses, not arithmetic: a parsed `Value` is spread over the
/// heap (each map's entries, each key and each string in its own allocation). So an
/// object is first swept once, loading only the first byte of every key and string value
/// — independent loads the processor overlaps — and only then measured entry by entry,
/// from the cache. (About 15 % less time on the rows_50k benchmark than one pass.)
fn nested(v: &Value, depth: usize, open: usize) -> u64 {
    if depth >= RECURSION_DEPTH && has_children(v) {
        return walk_from::<false, false>(v, u64::MAX, open).0.lower_bound();
    }
    match v {
        // `[` + `]` + a comma between each pair: n + 1 bytes for n >= 1 elements.
        Value::Array(a) if !a.is_empty() => {
            let mut total = a.len() as u64 + 1;
            let n = a.len();
            for (i, x) in a.iter().enumerate() {
                total += child(x, depth + 1, open, i + 1 == n);
            }
            total
        }
        // `{` + `}` + n colons + (n - 1) commas.
        Value::Object(m) if !m.is_empty() => {
            let mut touch = 0u8;
            for (k, x) in m {
                touch ^= first_byte(k);
                if let Value::String(s) = x {
                    touch ^= first_byte(s);
                }
            }
            // Keeps the sweep's loads: their values are not needed, their cache lines are.
            black_box(touch);
            let mut total = 2 * m.len() as u64 + 1;
            let n = m.len();
            for (i, (k, x)) in m.iter().enumerate() {
                total += str_len(k) + child(x, depth + 1, open, i + 1 == n);
            }
            total
        }
        _ => scalar_len(v),
    }
}

/// Like [`estimate`], but stops as soon as the running size exceeds `limit`.
///
/// Returns [`Size::Exact`] when the serialization is at most `limit` bytes and
/// [`Size::Exceeds`] otherwise. Bytes are counted as soon as they are certain (a
/// container's brackets and separators when it is entered, a string's unescaped length
/// before it is scanned), so the walk ends at the first node that tips the count over and
/// never scans a string that alone exceeds the budget.
///
/// ```
/// use weaver_estimate::{estimate_with_limit, Size};
/// let v = serde_json::json!({"payload": "x".repeat(100_000)});
/// assert!(estimate_with_limit(&v, 100).exceeds());
/// assert_eq!(estimate_with_limit(&v, 200_000), Size::Exact(100_014));
/// ```
#[inline]
pub fn estimate_with_limit(v: &Value, limit: u64) -> Size {
    walk::<false, true>(v, limit).0
}

/// The walk. With `COUNT`, also returns how many nodes (values) it visited — used by tests
/// to prove that the limit path returns early; compiled out otherwise. Without `LIMITED`
/// the limit checks are compiled out too (the part of [`estimate`] below its recursion).
fn walk<const COUNT: bool, const LIMITED: bool>(root: &Value, limit: u64) -> (Size, u64) {
    walk_from::<COUNT, LIMITED>(root, limit, 0)
}

/// [`walk`] of a subtree entered with `open` containers already open around it (in the
/// recursive part of [`estimate`]): they count against [`INLINE_DEPTH`].
fn walk_from<const COUNT: bool, const LIMITED: bool>(
    root: &Value,
    limit: u64,
    open: usize,
) -> (Size, u64) {
    let mut visited = 0u64;
    let mut total = 0u64;
    // Scalars at the top need no stack at all.
    let mut stack: Option<Stack<'_>> = None;
    let mut next = root;
    loop {
        if COUNT {
            visited += 1;
        }
        match next {
            Value::String(s) => match add_str::<LIMITED>(total, s, limit) {
                Ok(t) => total = t,
                Err(size) => return (size, visited),
            },
            // `[` + `]` + a comma between each pair: n + 1 bytes for n >= 1 elements.
            Value::Array(a) if !a.is_empty() => {
                total += a.len() as u64 + 1;
                stack
                    .get_or_insert_with(|| Stack::new(open))
                    .push(Frame::Array(a.iter()));
            }
            // `{` + `}` + n colons + (n - 1) commas; the keys are added as they are met.
            Value::Object(m) if !m.is_empty() => {
                total += 2 * m.len() as u64 + 1;
                stack
                    .get_or_insert_with(|| Stack::new(open))
                    .push(Frame::Object(m.iter()));
            }
            // Null, booleans, numbers and empty containers.
            _ => total += scalar_len(next),
        }
        if LIMITED && total > limit {
            return (Size::Exceeds { at_least: total }, visited);
        }
        // Find the next value: the next child of the innermost container that has one.
        let Some(frames) = stack.as_mut() else {
            return (Size::Exact(total), visited);
        };
        loop {
            let Some(frame) = frames.top() else {
                return (Size::Exact(total), visited);
            };
            let step = match frame {
                Frame::Array(it) => it.next().map(|v| (None, v, it.len() == 0)),
                Frame::Object(it) => it.next().map(|(k, v)| (Some(k), v, it.len() == 0)),
            };
            // Unreachable in practice (frames are released when their last child is
            // entered), but an exhausted frame is simply dropped.
            let Some((key, child, last)) = step else {
                frames.pop();
                continue;
            };
            if let Some(k) = key {
                match add_str::<LIMITED>(total, k, limit) {
                    Ok(t) => total = t,
                    Err(size) => return (size, visited),
                }
            }
            // Entering the last child: the container has nothing left, so release its
            // frame now. This keeps chains of single-child containers at one frame.
            if last {
                frames.pop();
            }
            next = child;
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recursive_and_iterative_parts_agree_across_the_hand_off() {
        // Spines from 0 to 2 * RECURSION_DEPTH + 6 levels, each level an array or object
        // with scalar siblings (strings with escapes, numbers) before and/or after the
        // deep child, so the hand-off to the walk happens with 0..=depth open frames.
        for depth in 0..=2 * RECURSION_DEPTH + 6 {
            for pattern in 0..4usize {
                let mut v = json!({"leaf": ["x\"y", 1.5, -7, null, {}, []]});
                for level in 0..depth {
                    let sibling = json!(format!("s\n{level}"));
                    let after = (level + pattern) % 3 != 0;
                    v = if (level + pattern) % 2 == 0 {
                        let mut a = vec![json!(level), v];
                        if after {
                            a.push(sibling);
                        }
                        Value::Array(a)
                    } else {
                        let mut m = serde_json::Map::new();
                        m.insert("é\u{1}".into(), v);
                        if after {
                            m.insert(format!("k{level}"), sibling);
                        }
                        Value::Object(m)
                    };
                }
                let expect = serde_json::to_vec(&v).unwrap().len() as u64;
                assert_eq!(estimate(&v), expect, "depth {depth} pattern {pattern}");
                assert_eq!(walk::<false, false>(&v, u64::MAX).0, Size::Exact(expect));
            }
        }
    }

    #[test]
    fn limit_path_stops_at_the_node_that_tips_the_count_over() {
        // 10 000 elements of 5 bytes ("true" + comma): a limit of 100 is passed after about
        // 20 of them, so the walk must stop there instead of visiting all 10 001 nodes.
        let v = Value::Array(vec![Value::Bool(true); 10_000]);
        let (full, all) = walk::<true, true>(&v, u64::MAX);
        assert_eq!(all, 10_001);
        assert_eq!(
            full.exact(),
            Some(serde_json::to_vec(&v).unwrap().len() as u64)
        );
        let (size, visited) = walk::<true, true>(&v, 100);
        assert!(size.exceeds());
        assert!(size.lower_bound() > 100);
        // The brackets and commas (10 001 bytes) are certain as soon as the array is
        // entered, so the root alone already exceeds 100.
        assert_eq!(visited, 1);
        let (size, visited) = walk::<true, true>(&v, 10_001 + 400);
        assert!(size.exceeds());
        // 10 001 + 4 * k > 10 401  <=>  k > 100: the 101st element tips it.
        assert_eq!(visited, 1 + 101);
    }

    #[test]
    fn limit_path_stops_inside_nested_rows() {
        let row = json!({"id": 1, "name": "abc", "tags": ["x", "y"]});
        let per_row = serde_json::to_vec(&row).unwrap().len() as u64;
        let v = Value::Array(vec![row; 50_000]);
        let nodes_per_row = 1 + 3 + 2;
        let (_, all) = walk::<true, true>(&v, u64::MAX);
        assert_eq!(all, 1 + 50_000 * nodes_per_row);
        let limit = 50_000 + 1 + 10 * per_row;
        let (size, visited) = walk::<true, true>(&v, limit);
        assert!(size.exceeds());
        assert!(size.lower_bound() > limit);
        // Just past ten rows' worth of nodes, never the other 49 990 rows.
        assert!(visited <= 1 + 12 * nodes_per_row, "visited {visited}");
        assert!(visited > 10 * nodes_per_row, "visited {visited}");
    }

    #[test]
    fn a_string_over_the_limit_is_not_scanned_and_the_bound_is_exact() {
        let s = "\n".repeat(1000); // escapes to 2000 bytes + quotes
        let v = Value::String(s);
        assert_eq!(walk::<false, true>(&v, 2002).0, Size::Exact(2002));
        // Unescaped floor 1002 <= 1500 → scanned → 2002 > 1500.
        assert_eq!(
            walk::<false, true>(&v, 1500).0,
            Size::Exceeds { at_least: 2002 }
        );
        // Floor 1002 > 1000 → reported without scanning.
        assert_eq!(
            walk::<false, true>(&v, 1000).0,
            Size::Exceeds { at_least: 1002 }
        );
    }
}
