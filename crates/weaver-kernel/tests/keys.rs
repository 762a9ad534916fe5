//! Keys that redact to the same text never overwrite each other in a frame.

mod common;

use common::{ctx, fw};
use serde_json::json;
use weaver_kernel::ResponseMode;

#[test]
fn colliding_redacted_keys_keep_every_entry() {
    let doc = json!([{
        "ann@example.com": 1,
        "bob@example.com": 2,
        "[REDACTED]": 3,
        "id": 7
    }]);
    let bytes = serde_json::to_vec(&doc).unwrap();
    for frame in [
        fw().transform(&doc, &ctx(ResponseMode::Table)).unwrap(),
        fw().transform_json(&bytes, &ctx(ResponseMode::Table))
            .unwrap(),
    ] {
        let row = &frame.table_preview[0];
        let text = serde_json::to_string(row).unwrap();
        assert!(!text.contains("example.com"), "{text}");
        assert_eq!(row.len(), 4, "an entry was overwritten: {text}");
        let mut values: Vec<i64> = row.values().filter_map(serde_json::Value::as_i64).collect();
        values.sort_unstable();
        assert_eq!(values, [1, 2, 3, 7], "{text}");
    }
}
