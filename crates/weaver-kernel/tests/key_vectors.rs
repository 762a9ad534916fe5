//! Key rules through the firewall, driven by testdata/redact/json_firewall.toml: every case
//! in raw, table and summary mode, on the `Value` path and the bytes path (fed the vector's
//! own text, so every JSON number form reaches the parser as written).

use std::path::PathBuf;

use serde_json::Value;
use weaver_kernel::{Budgets, Constraints, Firewall, Frame, ResponseMode, TransformContext};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: String,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    summary_present: Vec<String>,
    #[serde(default)]
    summary_absent: Vec<String>,
    allowed_fields: Option<Vec<String>>,
    max_fields: Option<usize>,
}

fn cases() -> Vec<Case> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/redact/json_firewall.toml");
    let text = std::fs::read_to_string(&path).expect("json_firewall.toml is readable");
    let file: File = toml::from_str(&text).expect("json_firewall.toml parses");
    file.case
}

fn frame(case: &Case, mode: ResponseMode) -> Result<Frame, String> {
    let mut budgets = Budgets::default();
    if let Some(f) = case.max_fields {
        budgets.max_fields = f;
    }
    let fw = Firewall::new(budgets).map_err(|e| e.to_string())?;
    let ctx = TransformContext::new(mode)
        .with_role("admin")
        .with_constraints(Constraints {
            max_rows: None,
            allowed_fields: case.allowed_fields.clone(),
        });
    let v: Value = serde_json::from_str(&case.input).map_err(|e| e.to_string())?;
    let a = fw.transform(&v, &ctx).map_err(|e| e.to_string())?;
    let b = fw
        .transform_json(case.input.as_bytes(), &ctx)
        .map_err(|e| e.to_string())?;
    if a != b {
        return Err(format!(
            "{mode:?}: the paths disagree\n  value {}\n  bytes {}",
            serde_json::to_string(&a).unwrap_or_default(),
            serde_json::to_string(&b).unwrap_or_default()
        ));
    }
    Ok(a)
}

fn check(case: &Case) -> Vec<String> {
    let mut errors = Vec::new();
    for mode in [
        ResponseMode::Raw,
        ResponseMode::Table,
        ResponseMode::Summary,
    ] {
        let f = match frame(case, mode) {
            Ok(f) => f,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        assert_eq!(
            f.response_mode, mode,
            "{}: the admin role keeps the mode",
            case.name
        );
        let text = serde_json::to_string(&f).unwrap_or_default();
        for s in &case.absent {
            if text.contains(s.as_str()) {
                errors.push(format!("{mode:?}: {s:?} leaked: {text}"));
            }
        }
        if mode == ResponseMode::Summary {
            for s in &case.summary_present {
                if !f.facts.contains(s) {
                    errors.push(format!("summary lacks {s:?}: {:?}", f.facts));
                }
            }
            for s in &case.summary_absent {
                if f.facts.iter().any(|fact| fact.contains(s.as_str())) {
                    errors.push(format!("summary shows {s:?}: {:?}", f.facts));
                }
            }
        } else {
            for s in &case.present {
                if !text.contains(s.as_str()) {
                    errors.push(format!("{mode:?}: {s:?} was lost: {text}"));
                }
            }
        }
    }
    errors
}

#[test]
fn firewall_key_vectors() {
    let cases = cases();
    assert!(cases.len() >= 12, "the vector file lost its cases");
    let mut failed = Vec::new();
    for case in &cases {
        let errors = check(case);
        if !errors.is_empty() {
            failed.push(format!("[{}]\n  {}", case.name, errors.join("\n  ")));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}
