//! cargo-fuzz target `stream_equivalence`: the property is `checks::text::stream_equivalence` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/stream_equivalence/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::text::stream_equivalence(data));
