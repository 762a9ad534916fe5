//! cargo-fuzz target `redact_text`: the property is `checks::text::redact_text` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/redact_text/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::text::redact_text(data));
