//! Any JSON document: the estimate equals serde_json's compact serialization length.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let expected = serde_json::to_vec(&v).unwrap().len() as u64;
        assert_eq!(weaver_estimate::estimate(&v), expected);
    }
});
