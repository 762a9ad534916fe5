//! Invariants over generated values, budgets and contexts:
//!
//! * `transform` and `transform_json` give identical frames (the bytes path is exact);
//! * `facts + table_preview + warnings` fit `max_chars` in every mode but raw;
//! * nothing that eager redaction of the whole input removes survives in the lazily
//!   redacted frame (planted canaries: inline secrets, values under sensitive keys,
//!   card numbers as integers, secrets as keys).

use proptest::prelude::*;
use serde_json::{Map, Value};
use weaver_kernel::{Budgets, Constraints, Firewall, ResponseMode, TransformContext};
use weaver_redact::{Policy, Redactor};

const CANARIES: [&str; 6] = [
    "canary.victim@example.invalid",
    "Bearer canary-zzz-9999-do-not-leak-token",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Qk9HVVNfQ0FOQVJZX1NJRw",
    "api_key=ZZZZ_CANARYKEY_ABCDEF12345",
    "postgresql://canary:zzz-secret-pw@db.invalid/main",
    "hunter2-canary-pw",
];
/// A Luhn-valid Visa number, planted as an integer.
const CARD: u64 = 4_111_111_111_111_111;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z é😀]{0,12}",
        1 => (0usize..700).prop_map(|n| "w".repeat(n)),
        2 => (0..CANARIES.len(), "[a-z ]{0,6}").prop_map(|(i, pad)| format!("{pad}{} {pad}", CANARIES[i])),
        1 => prop_oneof![Just("open".to_owned()), Just("closed".to_owned())],
        1 => pair_name(),
    ]
}

/// Names a name/value pair may hold: sensitive (the value is masked), mentions and plain.
fn pair_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("DB_PASSWORD"),
        Just("Authorization"),
        Just("X-Api-Key"),
        Just("Cookie"),
        Just("LOG_LEVEL"),
        Just("password_min_length"),
        Just("email_verified"),
        Just("Email campaign"),
    ]
    .prop_map(str::to_owned)
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop_oneof![Just("id"), Just("name"), Just("status"), Just("amount"), Just("notes")].prop_map(str::to_owned),
        2 => prop_oneof![Just("password"), Just("email"), Just("api_key")].prop_map(str::to_owned),
        // Mentions, personal identifiers with typed exceptions, pair fields.
        2 => prop_oneof![
            Just("email_verified"), Just("password_min_length"), Just("token_expires_at"),
            Just("pan"), Just("tel"), Just("mobile"), Just("value"), Just("key"), Just("val"),
        ].prop_map(str::to_owned),
        1 => Just(CANARIES[0].to_owned()),
        2 => "[a-z]{1,5}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => any::<i64>().prop_map(Value::from),
        1 => Just(Value::from(CARD)),
        // The same card as a float (`4111111111111111.0`), and fractions (`pan: 0.5`).
        1 => Just(Value::from(CARD as f64)),
        1 => prop_oneof![Just(0.5f64), Just(-0.25)].prop_map(Value::from),
        1 => (-1e9f64..1e9).prop_map(Value::from),
        4 => text().prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let any_value = leaf().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    });
    let record = prop::collection::vec(
        (key(), prop_oneof![3 => leaf(), 1 => any_value.clone()]),
        0..8,
    )
    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()));
    // Name/value pairs, fields in either order, sometimes with a neighbour.
    let pair =
        (pair_name(), leaf(), any::<bool>(), any::<bool>()).prop_map(|(n, v, flip, extra)| {
            let mut m = Map::new();
            let name = Value::String(n);
            if flip {
                m.insert("value".to_owned(), v);
                m.insert("name".to_owned(), name);
            } else {
                m.insert("name".to_owned(), name);
                m.insert("value".to_owned(), v);
            }
            if extra {
                m.insert("id".to_owned(), Value::from(1));
            }
            Value::Object(m)
        });
    let row = prop_oneof![3 => record, 1 => pair];
    prop_oneof![
        2 => any_value,
        2 => prop::collection::vec(row, 0..30).prop_map(Value::Array),
    ]
}

fn context() -> impl Strategy<Value = TransformContext> {
    let mode = prop_oneof![
        Just(ResponseMode::Summary),
        Just(ResponseMode::Table),
        Just(ResponseMode::HandleOnly),
        Just(ResponseMode::Raw)
    ];
    let fields = prop::option::of(prop::collection::vec(
        prop_oneof![
            Just("id"),
            Just("name"),
            Just("status"),
            Just("password"),
            Just("notes"),
            Just("value")
        ]
        .prop_map(str::to_owned),
        0..4,
    ));
    (
        mode,
        any::<bool>(),
        any::<bool>(),
        fields,
        prop::option::of(0u64..12),
    )
        .prop_map(|(mode, admin, pii, allowed_fields, max_rows)| {
            let mut c = TransformContext::new(mode).with_constraints(Constraints {
                max_rows,
                allowed_fields,
            });
            if admin {
                c = c.with_role("admin");
            }
            if pii {
                c = c.with_role("pii_reader");
            }
            c
        })
}

fn budgets() -> impl Strategy<Value = Budgets> {
    (0usize..10, 1usize..7, 512usize..3000, 1usize..6).prop_map(|(r, f, c, d)| Budgets {
        max_rows: r,
        max_fields: f,
        max_chars: c,
        max_depth: d,
    })
}

fn carried(frame: &weaver_kernel::Frame) -> usize {
    serde_json::to_vec(&frame.facts).unwrap().len()
        + serde_json::to_vec(&frame.table_preview).unwrap().len()
        + serde_json::to_vec(&frame.warnings).unwrap().len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn bytes_path_equals_value_path_and_budgets_hold(v in value(), ctx in context(), b in budgets()) {
        let fw = Firewall::new(b).unwrap();
        // "Parse, then transform" versus the bytes path (parsing the text is part of the
        // contract: serde_json's float parsing is not an exact round trip).
        let bytes = serde_json::to_vec(&v).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let a = fw.transform(&v, &ctx).unwrap();
        let c = fw.transform_json(&bytes, &ctx).unwrap();
        prop_assert_eq!(&a, &c);
        if a.response_mode != ResponseMode::Raw {
            prop_assert!(carried(&a) <= b.max_chars, "{} > {}", carried(&a), b.max_chars);
        }
        // Same input, same frame, byte for byte.
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&fw.transform(&v, &ctx).unwrap()).unwrap());
    }

    #[test]
    fn lazy_frame_never_shows_what_eager_redaction_removes(v in value(), ctx in context(), b in budgets()) {
        let fw = Firewall::new(b).unwrap();
        let frame = serde_json::to_string(&fw.transform(&v, &ctx).unwrap()).unwrap();
        let mut policy = Policy::new().max_depth(b.max_depth);
        if let Some(f) = &ctx.constraints.allowed_fields
            && !ctx.roles.iter().any(|r| r == "pii_reader")
        {
            policy = policy.allowed_fields(f.clone());
        }
        let (eager, _) = Redactor::new().redact_value(&v, &policy);
        let eager = serde_json::to_string(&eager).unwrap();
        let input = serde_json::to_string(&v).unwrap();
        let card = CARD.to_string();
        for canary in CANARIES.iter().copied().chain([card.as_str()]) {
            if input.contains(canary) && !eager.contains(canary) {
                prop_assert!(!frame.contains(canary), "{canary} leaked: {frame}");
            }
        }
    }
}

/// The lazy-versus-eager property is only as strong as eager redaction: check that it
/// removes every planted canary, so the property above is never vacuous.
#[test]
fn eager_redaction_removes_every_planted_canary() {
    let mut row = Map::new();
    // The last canary is a plain word: it is secret only under a sensitive key.
    for (i, c) in CANARIES[..5].iter().enumerate() {
        row.insert(format!("note{i}"), Value::String(format!("x {c} y")));
    }
    row.insert("password".to_owned(), Value::String(CANARIES[5].to_owned()));
    row.insert(CANARIES[0].to_owned(), Value::from(1));
    row.insert("n".to_owned(), Value::from(CARD));
    let v = Value::Array(vec![Value::Object(row)]);
    let (eager, _) = Redactor::new().redact_value(&v, &Policy::new().max_depth(3));
    let eager = serde_json::to_string(&eager).unwrap();
    for canary in CANARIES.iter().copied().chain([CARD.to_string().as_str()]) {
        assert!(
            !eager.contains(canary),
            "eager redaction kept {canary}: {eager}"
        );
    }
}

fn long_text() -> impl Strategy<Value = String> {
    // Secrets planted near the 500-character cut and near 4 KiB chunk edges, in texts past
    // the one-shot threshold (16 KiB), so the stream-redacted head is what is tested.
    (
        prop::collection::vec((0usize..900, 0..CANARIES.len() - 1), 1..6),
        16_500usize..40_000,
    )
        .prop_map(|(plants, len)| {
            let mut s = String::new();
            for (gap, which) in plants {
                s.push_str(&"é w".repeat(gap / 3));
                s.push(' ');
                s.push_str(CANARIES[which]);
                s.push(' ');
            }
            while s.len() < len {
                s.push_str("lorem ipsum 42 ");
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn lazily_redacted_heads_equal_the_head_of_full_redaction(text in long_text()) {
        let full = Redactor::new().redact_str(&text).into_owned();
        let total = text.chars().count();
        let head = |n: usize| -> String {
            let shown: String = full.chars().take(n).collect();
            if full.chars().count() > n { format!("{shown}… ({total} chars total)") } else { shown }
        };
        let fw = Firewall::new(Budgets::default()).unwrap();
        let v = Value::String(text.clone());
        let f = fw.transform(&v, &TransformContext::new(ResponseMode::Summary)).unwrap();
        prop_assert_eq!(&f.facts[0], &head(500));
        let f = fw.transform(&v, &TransformContext::new(ResponseMode::Table)).unwrap();
        prop_assert_eq!(f.table_preview[0]["value"].as_str().unwrap(), head(500));
        for c in CANARIES {
            prop_assert!(!serde_json::to_string(&f).unwrap().contains(c));
        }
    }
}
