//! Adversarial inputs for the text redactor: one row per pathological shape, each a run of
//! 60 000 bytes (below the 64 KiB hold cap, where every exact rule really runs) repeated
//! one per line up to 1 MB × scale. The scanner is linear, so MB/s here stays within a
//! small factor of the clean-text rate and does not fall as the input grows (the same
//! generators, by hand at 1 and 10 MB: `cargo run --release -p weaver-redact --example
//! adversarial -- 1 10`).
//!
//! Each shape is also timed with runs four times shorter (15 000 bytes) to the same total:
//! a scanner linear in the length of a run takes the same time for both, one quadratic in
//! it four times as long for the long runs. The ratio is the DESIGN.md §7 linearity
//! verdict ([`LINEARITY`]).

use weaver_redact::Redactor;

use crate::Bench;

/// A named generator: builds one pathological run of about `n` bytes.
type Generator = (&'static str, fn(usize) -> String);

fn repeat_to(unit: &str, n: usize) -> String {
    unit.repeat(n.div_ceil(unit.len().max(1)))
}

const GENERATORS: [Generator; 12] = [
    ("'a'*n + '@b-.cc'", |n| "a".repeat(n) + "@b-.cc"),
    ("'sk-'*n", |n| repeat_to("sk-", n)),
    ("'0token='*n", |n| repeat_to("0token=", n)),
    ("digits '1-2'*n", |n| repeat_to("1-2", n)),
    ("digits '12 34 '*n", |n| repeat_to("12 34 ", n)),
    ("word characters", |n| "x".repeat(n)),
    ("'=:'*n", |n| repeat_to("=:", n)),
    ("base64-ish", |n| repeat_to("QUJDRGVm+/9z", n)),
    ("'x@y\\n'*n", |n| repeat_to("x@y\n", n)),
    ("'a@b.io '*n", |n| repeat_to("a@b.io ", n)),
    ("timestamps, one per line", |n| {
        repeat_to("1700000000123\n", n)
    }),
    ("'\\u0040a'*n (JSON escapes)", |n| repeat_to("\\u0040a", n)),
];

/// The operation suffix of the short-run rows.
pub const SHORT_RUNS: &str = " (runs of 15 000 B)";

/// The longest a shape may take with 60 000-byte runs over 15 000-byte runs of the same
/// total before the linearity target counts as missed: 1 for a linear scanner, 4 for a
/// quadratic one; the margin absorbs timing noise and cache effects of longer runs.
pub const LINEARITY: f64 = 2.0;

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let redactor = Redactor::new();
    let total = ((1_000_000.0 * b.scale()) as usize).max(120_000);
    for (name, generate) in GENERATORS {
        for (run_len, suffix) in [(60_000, ""), (15_000, SHORT_RUNS)] {
            let run = generate(run_len);
            let mut text = String::with_capacity(total + run.len());
            while text.len() < total {
                text.push_str(&run);
                text.push('\n');
            }
            b.measure(
                "adversarial",
                &format!("redact_str {name}{suffix}"),
                None,
                Some(text.len() as u64),
                None,
                || redactor.redact_str(&text).len(),
            );
        }
    }
}
