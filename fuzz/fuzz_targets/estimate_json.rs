//! cargo-fuzz target `estimate_json`: the property is `checks::json::estimate_json` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/estimate_json/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::json::estimate_json(data));
