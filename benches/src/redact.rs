//! Benchmarks for the redact area: one-shot text redaction on text_20mb (and the structural
//! redaction of rows_50k for comparison with the reference's default call).

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
    b.note(format!(
        "{leaked} of {} canaries leaked; {masks} masks",
        canaries.len()
    ));

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
}
