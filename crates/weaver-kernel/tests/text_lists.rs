//! Lists of strings (log lines) through the firewall: both paths give the same frame, the
//! budget holds, planted secrets never show, and the summary says something usable.

mod common;

use common::{both, carried, ctx, fw, fw_with};
use proptest::prelude::*;
use serde_json::{Value, json};
use weaver_kernel::{Budgets, ResponseMode};

const CANARIES: [&str; 4] = [
    "AKIAIOSFODNN7EXAMPLE",
    "postgres://svc:hunter2-canary@db.invalid/app",
    "canary.victim@example.invalid",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
];

#[test]
fn a_dict_of_log_lines_summarises_to_levels_and_edge_lines() {
    let doc = json!({
        "source": "kubectl logs api",
        "lines": [
            "2026-01-02T10:00:00Z INFO  up",
            format!("2026-01-02T10:00:01Z DEBUG db={}", CANARIES[1]),
            "2026-01-02T10:00:02Z WARN  slow",
            format!("2026-01-02T10:00:03Z ERROR key {}", CANARIES[0]),
            "2026-01-02T10:00:04Z INFO  ok",
            format!("2026-01-02T10:00:05Z INFO  mail {}", CANARIES[2]),
            "2026-01-02T10:00:06Z INFO  down",
        ]
    });
    let f = both(&fw(), &doc, &ctx(ResponseMode::Summary));
    assert_eq!(
        f.facts[2],
        "lines: list of 7 strings (29–74 chars, avg 43.7; 7 distinct)"
    );
    assert_eq!(f.facts[3], "lines levels: ERROR=1, WARN=1, INFO=4, DEBUG=1");
    assert_eq!(f.facts[4], "lines #1: 2026-01-02T10:00:00Z INFO  up");
    assert!(
        f.facts[5].starts_with("lines #2: 2026-01-02T10:00:01Z DEBUG db=postgres://[REDACTED]"),
        "{:?}",
        f.facts
    );
    assert_eq!(
        f.facts.last().unwrap(),
        "lines #7: 2026-01-02T10:00:06Z INFO  down"
    );
    let text = serde_json::to_string(&f).unwrap();
    for c in CANARIES {
        assert!(!text.contains(c), "{c} leaked: {text}");
    }
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => ("(INFO|WARN|ERROR|DEBUG|level=warn|)", "[a-z 0-9=:]{0,60}").prop_map(|(l, t)| format!("2026-01-02 {l} {t}")),
        2 => (0..CANARIES.len(), "[a-z ]{0,100}").prop_map(|(i, pad)| format!("{pad} {} {pad}", CANARIES[i])),
        1 => "[é😀\\x00-\\x1f\"\\\\]{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn text_lists_agree_fit_and_never_leak(
        lines in prop::collection::vec(line(), 0..30),
        in_map in any::<bool>(),
        max_chars in 512usize..1500,
        max_depth in 1usize..5,
    ) {
        let list = Value::Array(lines.into_iter().map(Value::String).collect());
        let doc = if in_map { json!({"source": "x", "lines": list}) } else { list };
        let fw = fw_with(Budgets::default().with_max_chars(max_chars).with_max_depth(max_depth));
        for mode in [ResponseMode::Summary, ResponseMode::Table] {
            let f = both(&fw, &doc, &ctx(mode));
            prop_assert!(carried(&f) <= max_chars as u64, "{} > {}", carried(&f), max_chars);
            let text = serde_json::to_string(&f).unwrap();
            for c in CANARIES {
                prop_assert!(!text.contains(c), "{} leaked: {}", c, text);
            }
        }
    }
}
