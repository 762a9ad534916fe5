//! Any JSON document: structural redaction never panics, and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weaver_redact::{Policy, Redactor};

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let r = Redactor::new();
        let (once, _) = r.redact_value(&v, &Policy::new());
        let (twice, _) = r.redact_value(&once, &Policy::new());
        assert_eq!(once, twice);
    }
});
