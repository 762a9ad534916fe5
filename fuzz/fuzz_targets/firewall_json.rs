//! cargo-fuzz target `firewall_json`: the property is `checks::firewall::firewall_json` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/firewall_json/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::firewall::firewall_json(data));
