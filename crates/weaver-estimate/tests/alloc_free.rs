//! Zero heap allocations: a per-thread counting global allocator around each measurement.
//!
//! The workspace denies `unsafe_code`; implementing `GlobalAlloc` needs it, in this test
//! binary only.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use serde::Serialize;
use serde_json::{Map, Value, json};
use weaver_estimate::{
    INLINE_DEPTH, estimate, estimate_serialize, estimate_serialize_with_limit, estimate_with_limit,
    str_len,
};

struct Counting;

thread_local! {
    // `const` initialisation: touching the counter never allocates, and each test thread
    // counts only its own allocations.
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the number of allocations it made.
fn allocs<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = ALLOCS.with(Cell::get);
    let r = std::hint::black_box(f());
    (r, ALLOCS.with(Cell::get) - before)
}

#[test]
fn the_counter_sees_allocations() {
    // Without this the zeros below could come from a counter that never counts.
    let (v, n) = allocs(|| vec![1u8; 100]);
    assert_eq!(n, 1);
    drop(v);
    let (s, n) = allocs(|| serde_json::to_vec(&json!([1, 2, 3])).unwrap());
    assert!(n >= 1);
    drop(s);
}

#[test]
fn rows_50k_walk_allocates_nothing() {
    let w = weaver_testkit::workloads(0.1).unwrap();
    let rows = w.json("rows_50k").unwrap();
    let expect = serde_json::to_vec(&rows).unwrap().len() as u64;
    let (n, a) = allocs(|| estimate(&rows));
    assert_eq!((n, a), (expect, 0));
    let (size, a) = allocs(|| estimate_with_limit(&rows, expect / 2));
    assert!(size.exceeds());
    assert_eq!(a, 0);
    let (n, a) = allocs(|| estimate_serialize(&rows).unwrap());
    assert_eq!((n, a), (expect, 0));
    let (size, a) = allocs(|| estimate_serialize_with_limit(&rows, 1000).unwrap());
    assert!(size.exceeds());
    assert_eq!(a, 0);
}

#[test]
fn small_calls_and_text_allocate_nothing() {
    let w = weaver_testkit::workloads(0.1).unwrap();
    let calls = w.json("small_calls").unwrap();
    for call in calls.as_array().unwrap() {
        let (_, a) = allocs(|| estimate(call));
        assert_eq!(a, 0);
    }
    let text = w.text().unwrap();
    let (n, a) = allocs(|| str_len(&text));
    assert_eq!(a, 0);
    assert_eq!(n, serde_json::to_vec(&text).unwrap().len() as u64);
}

#[test]
fn nested_deep_allocates_nothing() {
    // 200 levels, but each level's `child` is its last key, so its frame is released
    // before the walk descends: the open frames stay far below INLINE_DEPTH.
    let v = weaver_testkit::workloads(0.1)
        .unwrap()
        .json("nested_deep")
        .unwrap();
    let expect = serde_json::to_vec(&v).unwrap().len() as u64;
    let (n, a) = allocs(|| estimate(&v));
    assert_eq!((n, a), (expect, 0));
}

/// Alternating arrays and objects, `depth` levels, each with a single child.
fn chain(depth: usize) -> Value {
    let mut v = json!("leaf");
    for i in 0..depth {
        v = if i % 2 == 0 {
            Value::Array(vec![v])
        } else {
            let mut m = Map::new();
            m.insert("k".into(), v);
            Value::Object(m)
        };
    }
    v
}

#[test]
fn a_100_000_deep_chain_allocates_nothing() {
    let depth = 100_000;
    let v = chain(depth);
    // Per array level `[` `]`; per object level `{"k":` `}`; plus `"leaf"`.
    let expect = (depth as u64 / 2) * 2 + (depth as u64 / 2) * 6 + 6;
    let (n, a) = allocs(|| estimate(&v));
    assert_eq!((n, a), (expect, 0));
    let (size, a) = allocs(|| estimate_with_limit(&v, expect - 1));
    assert!(size.exceeds());
    assert_eq!(a, 0);
    common::drop_deep(v);
}

#[test]
fn deep_open_frames_spill_with_few_allocations() {
    // Every level has a sibling after the deep child, so every level's frame stays open:
    // the first INLINE_DEPTH live on the call stack, the rest in one growing Vec.
    let levels: Vec<common::Level> = (0..10_000)
        .map(|i| common::Level {
            object: i % 3 == 0,
            before: 0,
            after: 1,
            key: "k".into(),
        })
        .collect();
    let v = common::build_deep(&levels, Value::Null);
    let expect = common::reference_len(&v);
    let (n, a) = allocs(|| estimate(&v));
    assert_eq!(n, expect);
    // Geometric growth: about log2(10 000 - INLINE_DEPTH) reallocations, not one per level.
    assert!(a >= 1, "spilling must allocate (the counter works)");
    assert!(
        a <= 16,
        "{a} allocations for {} spilled frames",
        10_000 - INLINE_DEPTH
    );
    // Exactly INLINE_DEPTH open frames still fit inline.
    let v2 = common::build_deep(&levels[..INLINE_DEPTH], Value::Null);
    let (n, a) = allocs(|| estimate(&v2));
    assert_eq!((n, a), (common::reference_len(&v2), 0));
    let v3 = common::build_deep(&levels[..=INLINE_DEPTH], Value::Null);
    let (_, a) = allocs(|| estimate(&v3));
    assert!(a >= 1);
    for v in [v, v2, v3] {
        common::drop_deep(v);
    }
}

#[test]
fn the_spill_threshold_counts_open_containers_on_both_sides_of_the_recursion() {
    // `estimate` recurses through the first levels and walks the rest iteratively; the
    // allocation bound must still be "more than INLINE_DEPTH open containers", wherever
    // they sit. `closed` levels (the deep child is the last one) open nothing.
    let level = |i: usize, open: bool| common::Level {
        object: i.is_multiple_of(2),
        before: usize::from(i.is_multiple_of(3)),
        after: usize::from(open),
        key: "k".into(),
    };
    for (closed_first, open_a, closed_mid) in [(0, 0, 40), (40, 0, 0), (10, 20, 10), (31, 1, 1)] {
        for extra in [0, 1] {
            let open_b = INLINE_DEPTH - open_a + extra;
            let levels: Vec<common::Level> = (0..closed_first)
                .map(|i| level(i, false))
                .chain((0..open_a).map(|i| level(i, true)))
                .chain((0..closed_mid).map(|i| level(i, false)))
                .chain((0..open_b).map(|i| level(i, true)))
                .collect();
            let v = common::build_deep(&levels, json!("leaf"));
            let (n, a) = allocs(|| estimate(&v));
            assert_eq!(n, common::reference_len(&v));
            let case = (closed_first, open_a, closed_mid, open_b);
            if extra == 0 {
                assert_eq!(a, 0, "{case:?}: exactly INLINE_DEPTH open containers");
            } else {
                assert!(a >= 1, "{case:?}: one open container past INLINE_DEPTH");
            }
            common::drop_deep(v);
        }
    }
}

#[derive(Serialize)]
struct Order<'a> {
    id: u64,
    customer: &'a str,
    amount: f64,
    tags: [&'a str; 2],
    shipping: Option<(f32, char)>,
    lines: Vec<Line>,
}

#[derive(Serialize)]
enum Line {
    Item { sku: u32, qty: u8 },
    Note(String),
}

#[test]
fn serialize_path_allocates_nothing() {
    let orders: Vec<Order<'_>> = (0..1000)
        .map(|i| Order {
            id: i,
            customer: "Zoë \"Q\" Ng",
            amount: i as f64 * 1.01,
            tags: ["a\n", "b"],
            shipping: (i % 2 == 0).then_some((2.5, 'é')),
            lines: vec![
                Line::Item { sku: 7, qty: 2 },
                Line::Note("fragile\t!".into()),
            ],
        })
        .collect();
    let expect = serde_json::to_vec(&orders).unwrap().len() as u64;
    let (n, a) = allocs(|| estimate_serialize(&orders).unwrap());
    assert_eq!((n, a), (expect, 0));
    // collect_str (Display) is counted without buffering the text (serde's default
    // collect_str would build a String).
    let shown = Shown(12345.678);
    let expect = serde_json::to_vec(&shown).unwrap().len() as u64;
    let (n, a) = allocs(|| estimate_serialize(&shown).unwrap());
    assert_eq!((n, a), (expect, 0));
}

/// Serialized through `collect_str`: `"<value> \"units\"\n"`.
struct Shown(f64);
impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{:.2} \"units\"", self.0)
    }
}
impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
