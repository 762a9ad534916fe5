//! cargo-fuzz target `kernel_invoke`: the property is `checks::kernel::kernel_invoke` (shared with the replay
//! test of the main workspace, which runs `fuzz/regressions/kernel_invoke/` through it).
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::kernel::kernel_invoke(data));
