//! One pass, no per-row allocation: summarizing 10× more rows of the same shape makes
//! exactly as many heap allocations. Counted with a per-thread counting allocator (this
//! file is its own test binary).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use serde_json::{Value, json};
use weaver_summarize::{SummaryOptions, summarize};

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

struct Counting;

#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn rows(n: usize) -> Value {
    let status = ["open", "closed", "pending"];
    Value::Array(
        (0..n)
            .map(|i| {
                json!({
                    "id": i,
                    "status": status[i % 3],
                    "amount": ((i % 100) as f64) * 1.5,
                    "paid": i % 2 == 0,
                    "note": format!("free text {i}"),
                    "meta": {"k": i},
                })
            })
            .collect(),
    )
}

fn allocations(v: &Value) -> (usize, Vec<String>) {
    let opts = SummaryOptions::default();
    let before = ALLOCS.with(Cell::get);
    let s = summarize(v, &opts);
    let after = ALLOCS.with(Cell::get);
    (after - before, s.into_facts())
}

#[test]
fn allocations_do_not_grow_with_rows() {
    // Sizes whose facts print with the same number of digits, so that formatting the facts
    // allocates the same; only the per-row work differs (4×).
    let small = rows(20_000);
    let big = rows(80_000);
    let (a, facts_a) = allocations(&small);
    let (b, facts_b) = allocations(&big);
    assert_eq!(facts_a[0], "Total rows: 20000");
    assert_eq!(facts_b[0], "Total rows: 80000");
    assert!(a < 200, "{a} allocations for 20000 rows");
    assert_eq!(a, b, "allocations grew with the row count: {a} vs {b}");
}
