//! Any bytes, any split: the streamed output equals the one-shot output byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weaver_redact::Redactor;

fuzz_target!(|data: &[u8]| {
    // The first byte seeds the chunking; the rest is the stream.
    let Some((&seed, text)) = data.split_first() else {
        return;
    };
    let r = Redactor::new();
    let expected = r.redact_bytes(text).into_owned();
    let mut s = r.stream();
    let mut out = Vec::new();
    let mut at = 0;
    let mut step = usize::from(seed % 17);
    while at < text.len() {
        let end = (at + step).min(text.len());
        s.push(&text[at..end], &mut out);
        at = end;
        step = (step * 5 + 3) % 23;
    }
    s.finish(&mut out);
    assert_eq!(out, expected);
});
