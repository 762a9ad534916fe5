//! Benchmarks for the redact area: one-shot text redaction on text_20mb (against the DESIGN
//! §7 target, and beside the exact scanner alone, the oracle of the two-stage path), the
//! anchor-dense worst cases of the two-stage scanner (an e-mail list, a line of `api_key=`
//! pairs, 1 MB of digits with separators), and the structural redaction of rows_50k for
//! comparison with the reference's default call.

use weaver_redact::{Policy, Redactor};

use crate::Bench;

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let w = b.workloads().clone();
    let redactor = Redactor::new();

    let text = w.text().expect("text_20mb");
    let canaries = w.canaries("text_20mb").expect("text_20mb canaries");
    let out = redactor.redact_str(&text);
    let leaked = weaver_testkit::leaked(&canaries, &out).len();
    let mut masks = 0u64;
    let _ = redactor.redact_bytes_with(text.as_bytes(), &mut |_| masks += 1);
    drop(out);
    b.measure(
        "text_20mb",
        "redact_str",
        Some("redact (string)"),
        Some(text.len() as u64),
        None,
        || redactor.redact_str(&text).len(),
    );
    let t = b.rows().last().map_or(f64::INFINITY, |r| r.median_s);
    let mbs = text.len() as f64 / 1e6 / t;
    b.note(format!(
        "{leaked} of {} canaries leaked; {masks} masks; target ≥ 1000 MB/s: {}",
        canaries.len(),
        if mbs >= 1000.0 { "met" } else { "missed" }
    ));
    b.measure(
        "text_20mb",
        "redact (exact scanner alone, the oracle)",
        None,
        Some(text.len() as u64),
        None,
        || {
            redactor
                .redact_bytes_exact_with(text.as_bytes(), &mut |_| {})
                .len()
        },
    );

    let size = ((1_000_000.0 * b.scale()) as usize).max(100_000);
    for (name, dense) in worst_cases(size) {
        b.measure(
            "anchor-dense",
            &format!("redact_str {name}"),
            None,
            Some(dense.len() as u64),
            None,
            || redactor.redact_str(&dense).len(),
        );
    }

    // The scan alone (no output built when nothing matched) bounds the one-shot path.
    let clean: String = text
        .lines()
        .filter(|l| redactor.is_clean(l))
        .take(20_000)
        .collect::<Vec<_>>()
        .join("\n");
    b.measure(
        "text_20mb",
        "redact_str (clean lines only, no masks)",
        None,
        Some(clean.len() as u64),
        None,
        || redactor.redact_str(&clean).len(),
    );

    let rows = w.json("rows_50k").expect("rows_50k");
    let bytes = std::fs::metadata(w.path("rows_50k")).map(|m| m.len()).ok();
    let policy = Policy::new().max_depth(3);
    b.measure(
        "rows_50k",
        "redact_value (max_depth=3)",
        Some("redact (max_depth=3, default)"),
        bytes,
        None,
        || redactor.redact_value(&rows, &policy).1.total(),
    );
    // The same redaction on values the caller owns: no copy of the document. The copies
    // are made before timing and dropped after it, so the row is the redaction alone.
    let mut copies: Vec<serde_json::Value> = (0..=b.runs()).map(|_| rows.clone()).collect();
    let mut done = Vec::with_capacity(copies.len());
    b.measure(
        "rows_50k",
        "redact_value_in_place (max_depth=3; copy not timed)",
        None,
        bytes,
        None,
        || {
            let Some(mut v) = copies.pop() else {
                return 0;
            };
            let found = redactor.redact_value_in_place(&mut v, &policy).total();
            done.push(v);
            found
        },
    );
    drop(done);
}

/// Inputs where stage 1 finds an anchor on every line or token, so most bytes go through
/// the exact scanner: the two-stage path's worst cases, each about `size` bytes.
fn worst_cases(size: usize) -> Vec<(&'static str, String)> {
    use std::fmt::Write as _;
    let mut emails = String::new();
    let mut i = 0usize;
    while emails.len() < size {
        let _ = writeln!(emails, "user{i}.name@example{}.com", i % 97);
        i += 1;
    }
    let mut pairs = String::new();
    while pairs.len() < size {
        let _ = write!(pairs, "api_key=k{i:08x} ");
        i += 1;
    }
    let mut digits = String::new();
    while digits.len() < size {
        let _ = write!(
            digits,
            "{:03}-{:03}-{:04} ",
            i % 1000,
            (i * 7) % 1000,
            (i * 13) % 10_000
        );
        i += 1;
        if i.is_multiple_of(8) {
            digits.push('\n');
        }
    }
    vec![
        ("e-mail list, one per line", emails),
        ("a line of api_key= pairs", pairs),
        ("digits with separators", digits),
    ]
}
