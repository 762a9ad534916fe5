//! The TOML vector format of `testdata/redact/` (and its `optin/` folder), shared by the
//! test files that read it. Unknown tables or keys are errors: a misspelled vector must
//! fail, not silently vanish.
#![allow(dead_code, unreachable_pub)]

/// One vector file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(default)]
    pub case: Vec<Case>,
}

/// One vector: `in`, the expected `out` (absent: unchanged), a note.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[serde(rename = "in")]
    pub input: String,
    pub out: Option<String>,
    pub note: Option<String>,
}
