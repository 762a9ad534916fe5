//! cargo-fuzz target `expand_query`: the property is `checks::expand::expand_query` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/expand_query/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::expand::expand_query(data));
