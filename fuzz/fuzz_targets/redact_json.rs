//! cargo-fuzz target `redact_json`: the property is `checks::json::redact_json` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/redact_json/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::json::redact_json(data));
