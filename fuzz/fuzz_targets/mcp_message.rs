//! cargo-fuzz target `mcp_message`: the property is `checks::mcp::mcp_message` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/mcp_message/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::mcp::mcp_message(data));
