//! The properties every fuzz target checks, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and the replay test of the main workspace
//! (`crates/weaver-mcp/tests/fuzz_regressions.rs`), which runs every file under
//! `fuzz/regressions/<target>/` through the same function. Each check takes the raw
//! fuzzer bytes and panics when a property fails.
// Included by path into two kinds of crate root (each fuzz target and the replay test),
// each of which uses a different part of it.
#![allow(dead_code, unreachable_pub)]

pub mod expand;
pub mod firewall;
pub mod json;
pub mod kernel;
pub mod mcp;
pub mod text;

/// A property over raw fuzzer bytes: panics when it fails.
pub type Check = fn(&[u8]);

/// Every target: its name (the cargo-fuzz binary and the regressions folder) and check.
pub const TARGETS: &[(&str, Check)] = &[
    ("redact_text", text::redact_text),
    ("stream_equivalence", text::stream_equivalence),
    ("fast_path", text::fast_path),
    ("redact_json", json::redact_json),
    ("estimate_json", json::estimate_json),
    ("estimate_bytes", json::estimate_bytes),
    ("firewall_json", firewall::firewall_json),
    ("expand_query", expand::expand_query),
    ("kernel_invoke", kernel::kernel_invoke),
    ("mcp_message", mcp::mcp_message),
];

/// Secrets planted in the fixed data of the stateful targets: none may reach any output.
pub const CANARIES: &[&str] = &["ann.lee@example.org", "4111111111111111"];

/// Panics when `text` holds a canary.
pub fn assert_no_canary(what: &str, text: &str) {
    for c in CANARIES {
        assert!(!text.contains(c), "{what} leaks the canary {c}: {text}");
    }
}

/// Nesting depth of a JSON-ish byte string (brackets outside strings). serde_json is built
/// with `unbounded_depth` in this workspace, so parsing (and dropping) a `Value` deeper than
/// a few thousand levels would overflow the stack: the checks parse to a `Value` only below
/// [`VALUE_DEPTH`].
pub fn depth(data: &[u8]) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in data {
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                d += 1;
                max = max.max(d);
            }
            b']' | b'}' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Below this depth a document is parsed to a `Value` for the differential checks.
pub const VALUE_DEPTH: usize = 128;

/// `data` as a `Value` when it is JSON shallow enough to hold as one.
pub fn parse_value(data: &[u8]) -> Option<serde_json::Value> {
    if depth(data) > VALUE_DEPTH {
        return None;
    }
    serde_json::from_slice(data).ok()
}
