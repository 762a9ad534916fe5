//! JSON values: structural redaction and the two size estimators.

use weaver_redact::{Policy, Redactor};

/// Any JSON document: structural redaction never panics and is idempotent.
pub fn redact_json(data: &[u8]) {
    let Some(v) = super::parse_value(data) else {
        return;
    };
    let r = Redactor::new();
    let (once, _) = r.redact_value(&v, &Policy::new());
    let (twice, _) = r.redact_value(&once, &Policy::new());
    assert_eq!(once, twice, "structural redaction is not idempotent");
}

/// Any JSON document: `estimate(v)` equals serde_json's compact serialization length.
pub fn estimate_json(data: &[u8]) {
    if let Some(v) = super::parse_value(data) {
        let expected = serde_json::to_vec(&v).expect("a Value serializes").len() as u64;
        assert_eq!(weaver_estimate::estimate(&v), expected);
    }
}

/// Any bytes: `estimate_json_bytes` never panics; it equals the serialized length whenever
/// serde_json parses the bytes, and errors exactly when serde_json errors.
pub fn estimate_bytes(data: &[u8]) {
    let got = weaver_estimate::estimate_json_bytes(data);
    if super::depth(data) > super::VALUE_DEPTH {
        // Too deep to hold as a Value here; only "no panic" is checked.
        return;
    }
    match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(v) => {
            let expected = serde_json::to_vec(&v).expect("a Value serializes").len() as u64;
            match got {
                Ok(n) => assert_eq!(n, expected, "estimate_json_bytes != serialized length"),
                Err(e) => panic!("serde_json parses but estimate_json_bytes errs: {e}"),
            }
        }
        Err(e) => assert!(
            got.is_err(),
            "serde_json errs ({e}) but estimate_json_bytes gives {got:?}"
        ),
    }
}
