//! Benchmarks for the redact area (filled in by its issue).

use crate::Bench;

/// Runs this area's benchmarks.
pub fn run(_b: &mut Bench) {}
