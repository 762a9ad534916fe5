//! The text redactor: `redact_text`, `stream_equivalence` and `fast_path`.

use weaver_redact::Redactor;

fn redactor() -> &'static Redactor {
    static R: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();
    R.get_or_init(Redactor::new)
}

/// Any bytes: no panic; the output is a fixed point (re-redacting changes nothing); the
/// `str` and bytes paths agree on UTF-8.
pub fn redact_text(data: &[u8]) {
    let r = redactor();
    let once = r.redact_bytes(data).into_owned();
    let twice = r.redact_bytes(&once).into_owned();
    assert!(
        once == twice,
        "redaction is not a fixed point:\n once: {:?}\ntwice: {:?}",
        String::from_utf8_lossy(&once),
        String::from_utf8_lossy(&twice)
    );
    if let Ok(s) = std::str::from_utf8(data) {
        let out = r.redact_str(s);
        assert_eq!(
            out.as_bytes(),
            &once[..],
            "redact_str and redact_bytes disagree"
        );
        let again = r.redact_str(&out);
        assert_eq!(again, out, "redact_str output is not a fixed point");
    }
}

/// Any bytes, any split (the first byte seeds the chunking): streamed output equals the
/// one-shot output byte for byte.
pub fn stream_equivalence(data: &[u8]) {
    let Some((&seed, text)) = data.split_first() else {
        return;
    };
    let r = redactor();
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
    assert_eq!(
        out, expected,
        "streamed output differs from one-shot output"
    );
}

/// Any bytes, any split (the first byte seeds the chunking): the two-stage scanner (stage 1
/// jumps between proven cuts) gives the exact scanner's output and findings, one-shot and
/// streamed.
/// The default rules forced through the two-stage scanner on every input (by default they
/// use it only from 4 MiB on: too many anchor literals for stage 1 to pay on less).
fn two_stage() -> &'static Redactor {
    static R: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let r = Redactor::builder()
            .force_two_stage()
            .build()
            .expect("default rules build");
        assert!(
            r.uses_fast_path(),
            "the default rules yield no two-stage scanner"
        );
        r
    })
}

pub fn fast_path(data: &[u8]) {
    let Some((&seed, text)) = data.split_first() else {
        return;
    };
    let r = two_stage();
    let mut exact_found = Vec::new();
    let exact = r.redact_bytes_exact_with(text, &mut |f| exact_found.push(f));
    let mut fast_found = Vec::new();
    let fast = r.redact_bytes_with(text, &mut |f| fast_found.push(f));
    assert!(
        fast.as_ref() == exact.as_slice(),
        "two-stage output differs from the exact scanner:\n fast: {:?}\nexact: {:?}",
        String::from_utf8_lossy(&fast),
        String::from_utf8_lossy(&exact)
    );
    assert_eq!(fast_found, exact_found, "findings differ");
    let mut s = r.stream();
    let mut out = Vec::new();
    let mut at = 0;
    let mut step = usize::from(seed % 29) + 1;
    while at < text.len() {
        let end = (at + step).min(text.len());
        s.push(&text[at..end], &mut out);
        at = end;
        step = (step * 7 + usize::from(seed)) % 61 + 1;
    }
    s.finish(&mut out);
    assert!(
        out == exact,
        "streamed two-stage output differs from the exact scanner"
    );
}
