//! Peak heap of `Firewall::transform` on rows_50k, measured by a counting global allocator,
//! against the heap the parsed input itself takes (DESIGN.md §7: ≤ 1.3× the parsed input).
//! Also counts the allocations of `estimate(&Value)` (target: none).
//!
//! ```text
//! cargo run --release -p weaver-benches --example peak_memory [-- SCALE]
//! ```
//!
//! Prints `key=value` lines (bytes, ratios, counts) that the bench's `memory` area reads;
//! the counters are process-wide and the measurement runs on one thread.
//!
//! The workspace denies `unsafe_code`; implementing `GlobalAlloc` needs it, in this
//! example binary only.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use weaver_kernel::{Budgets, Firewall, ResponseMode, TransformContext};

/// Live heap bytes, their high-water mark since the last reset, and allocation calls.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicU64 = AtomicU64::new(0);

struct Counting;

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
    CALLS.fetch_add(1, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are
// plain atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Runs `f`; returns its result and the peak heap above what was live when it started.
fn peak_above<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = live();
    PEAK.store(base, Ordering::Relaxed);
    let r = std::hint::black_box(f());
    (r, PEAK.load(Ordering::Relaxed) - base)
}

fn main() {
    let scale: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let w = match weaver_testkit::workloads(scale) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("cannot prepare workloads: {e}");
            std::process::exit(1);
        }
    };
    let raw = match w.bytes("rows_50k") {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read rows_50k: {e}");
            std::process::exit(1);
        }
    };
    let fw = Firewall::new(Budgets::default()).expect("default budgets are valid");
    // Built (and its automaton loaded) before anything is measured.
    let mut warm = TransformContext::new(ResponseMode::Summary);
    "bench.cap".clone_into(&mut warm.capability_id);
    let _ = fw.transform(&serde_json::json!([{"a": 1}]), &warm);

    let before = live();
    let value: serde_json::Value = match serde_json::from_slice(&raw) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("rows_50k is not JSON: {e}");
            std::process::exit(1);
        }
    };
    let input = live() - before;
    println!("file_bytes={}", raw.len());
    println!("parsed_input_heap_bytes={input}");
    for (name, mode) in [
        ("summary", ResponseMode::Summary),
        ("table", ResponseMode::Table),
    ] {
        let mut ctx = TransformContext::new(mode).with_role("analyst");
        "bench.cap".clone_into(&mut ctx.capability_id);
        let (frame, extra) = peak_above(|| fw.transform(&value, &ctx).is_ok());
        assert!(frame, "transform {name} failed");
        println!("transform_{name}_peak_extra_bytes={extra}");
        #[allow(clippy::cast_precision_loss)]
        let ratio = (input + extra) as f64 / input.max(1) as f64;
        println!("transform_{name}_peak_ratio={ratio:.4}");
    }
    let calls = CALLS.load(Ordering::Relaxed);
    let size = weaver_estimate::estimate(&value);
    let allocs = CALLS.load(Ordering::Relaxed) - calls;
    println!("estimate_bytes={size}");
    println!("estimate_allocations={allocs}");
}
