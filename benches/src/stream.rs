//! Benchmarks for the stream area: the StreamRedactor over stream_chunks.

use weaver_redact::Redactor;

use crate::Bench;

/// Runs this area's benchmarks.
pub fn run(b: &mut Bench) {
    let w = b.workloads().clone();
    let redactor = Redactor::new();
    let chunks = w.chunks().expect("stream_chunks");
    let canaries = w.canaries("stream_chunks").expect("stream_chunks canaries");
    let total: usize = chunks.iter().map(String::len).sum();

    let run = || {
        let mut s = redactor.stream();
        let mut out = Vec::with_capacity(total + 4096);
        let mut max_held = 0;
        for c in &chunks {
            s.push(c.as_bytes(), &mut out);
            max_held = max_held.max(s.held());
        }
        s.finish(&mut out);
        (out, max_held)
    };
    let (out, max_held) = run();
    let out = String::from_utf8(out).expect("utf-8");
    let leaked = weaver_testkit::leaked(&canaries, &out).len();
    let one_shot = redactor.redact_str(&chunks.concat()).into_owned();
    let same = out == one_shot;
    drop((out, one_shot));

    b.measure(
        "stream_chunks",
        "StreamRedactor push+finish",
        Some("StreamRedactor feed+flush"),
        Some(total as u64),
        Some(chunks.len() as u64),
        || run().0.len(),
    );
    let t = b.rows().last().map_or(f64::INFINITY, |r| r.median_s);
    let mbs = total as f64 / 1e6 / t;
    b.note(format!(
        "{leaked} of {} canaries leaked; output == one-shot: {same}; max held {max_held} B; \
         target ≥ 500 MB/s: {}",
        canaries.len(),
        if mbs >= 500.0 { "met" } else { "missed" }
    ));
}
