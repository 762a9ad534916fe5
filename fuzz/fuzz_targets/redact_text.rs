//! Any bytes: redaction never panics, is idempotent, and str/bytes paths agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weaver_redact::Redactor;

fuzz_target!(|data: &[u8]| {
    let r = Redactor::new();
    let once = r.redact_bytes(data).into_owned();
    let twice = r.redact_bytes(&once).into_owned();
    assert_eq!(once, twice, "redaction must be idempotent");
    if let Ok(s) = std::str::from_utf8(data) {
        assert_eq!(r.redact_str(s).as_bytes(), &once[..]);
    }
});
