//! The vectors of `testdata/estimate/vectors.toml` through `estimate_json_bytes`, each
//! also checked against serde_json (the vectors cannot drift from the reference).

use serde::Deserialize;
use serde_json::Value;
use weaver_estimate::estimate_json_bytes;

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(rename = "in")]
    input: String,
    compact: Option<String>,
    size: Option<u64>,
    error: Option<String>,
}

#[test]
fn vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/estimate/vectors.toml"
    );
    let text = std::fs::read_to_string(path).expect("read vectors");
    let file: File = toml::from_str(&text).expect("vectors parse");
    assert!(file.case.len() >= 40);
    for c in &file.case {
        let ours = estimate_json_bytes(c.input.as_bytes());
        let reference = serde_json::from_slice::<Value>(c.input.as_bytes())
            .map(|v| serde_json::to_string(&v).unwrap());
        match (&c.size, &c.error) {
            (Some(size), None) => {
                let printed = reference.unwrap_or_else(|e| panic!("{}: serde_json: {e}", c.name));
                assert_eq!(
                    printed.len() as u64,
                    *size,
                    "{}: vector vs serde_json ({printed})",
                    c.name
                );
                if let Some(compact) = &c.compact {
                    assert_eq!(&printed, compact, "{}", c.name);
                }
                assert_eq!(ours, Ok(*size), "{}", c.name);
            }
            (None, Some(kind)) => {
                assert!(reference.is_err(), "{}: serde_json accepts it", c.name);
                let err = ours.expect_err(&c.name);
                assert_eq!(&format!("{:?}", err.kind), kind, "{}: {err}", c.name);
            }
            _ => panic!("{}: give exactly one of size and error", c.name),
        }
    }
}
