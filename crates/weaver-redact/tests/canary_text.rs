//! Planted secrets of the shared workloads: none survives, and streaming the chunked
//! workload gives exactly the one-shot output.

use weaver_redact::Redactor;

#[test]
fn no_canary_survives_text_20mb() {
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let text = w.text().expect("text");
    let canaries = w.canaries("text_20mb").expect("canaries");
    assert!(!canaries.is_empty());
    let out = Redactor::new().redact_str(&text);
    let leaked = weaver_testkit::leaked(&canaries, &out);
    let show: Vec<_> = leaked
        .iter()
        .map(|c| (&c.kind, &c.variant, &c.value))
        .collect();
    assert!(
        leaked.is_empty(),
        "{} of {} canaries leaked: {show:?}",
        leaked.len(),
        canaries.len()
    );
}

#[test]
fn stream_chunks_leak_nothing_and_equal_one_shot() {
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let chunks = w.chunks().expect("chunks");
    let canaries = w.canaries("stream_chunks").expect("canaries");
    let r = Redactor::new();
    let mut s = r.stream();
    let mut out = Vec::new();
    let mut max_held = 0;
    for c in &chunks {
        s.push(c.as_bytes(), &mut out);
        max_held = max_held.max(s.held());
    }
    s.finish(&mut out);
    let whole: String = chunks.concat();
    let one_shot = r.redact_str(&whole);
    let out = String::from_utf8(out).expect("utf-8 output");
    assert!(out == one_shot, "stream output differs from one-shot");
    let leaked = weaver_testkit::leaked(&canaries, &out);
    assert!(leaked.is_empty(), "{} canaries leaked", leaked.len());
    assert!(max_held <= r.max_hold(), "held {max_held} bytes");
}

#[test]
fn segmented_scan_equals_whole_text_oracle_on_text_20mb() {
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let text = w.text().expect("text");
    let r = Redactor::new();
    let mut got = Vec::new();
    let _ = r.redact_bytes_with(text.as_bytes(), &mut |f| {
        got.push((f.start, f.end, f.kind));
    });
    let want = r.unsegmented_spans(text.as_bytes());
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn no_canary_survives_in_rows_50k_strings() {
    // Every string of rows_50k, one string at a time, with no key context.
    let w = weaver_testkit::workloads(0.1).expect("workloads");
    let r = Redactor::new();
    let rows = w.json("rows_50k").expect("rows");
    let mut strings = Vec::new();
    let mut stack = vec![&rows];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) => strings.push(s.as_str()),
            serde_json::Value::Array(a) => stack.extend(a),
            serde_json::Value::Object(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    let out: Vec<String> = strings
        .iter()
        .map(|s| r.redact_str(s).into_owned())
        .collect();
    let joined = out.join("\n");
    // Excluded, because their only context is the key above them (the JSON side masks
    // them by key): "password" canaries, and bare digit runs (9-digit SSNs, 10-digit
    // phones) that are a whole field value.
    let canaries: Vec<_> = w
        .canaries("rows_50k")
        .expect("canaries")
        .into_iter()
        .filter(|c| c.kind != "password")
        .filter(|c| !(c.variant.starts_with("bare") && c.placement != "inline_text"))
        .collect();
    let leaked = weaver_testkit::leaked(&canaries, &joined);
    let show: Vec<_> = leaked
        .iter()
        .map(|c| (&c.kind, &c.variant, &c.value))
        .collect();
    assert!(leaked.is_empty(), "{} leaked: {show:?}", leaked.len());
}
