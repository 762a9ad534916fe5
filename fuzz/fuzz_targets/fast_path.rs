//! cargo-fuzz target `fast_path`: the property is `checks::text::fast_path` (the two-stage
//! scanner against the exact one, one-shot and streamed; shared with the replay test of the
//! main workspace, which runs `fuzz/regressions/fast_path/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::text::fast_path(data));
