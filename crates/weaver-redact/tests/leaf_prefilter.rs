//! The leaf prefilter ([`Redactor::may_change`]) and the structural walks that use it: a
//! string it lets pass must be one the scanner leaves unchanged (with no finding), and
//! `redact_value` / `redact_value_in_place` / `redact_json_bytes` must equal the plain
//! per-string redaction (`redact_str` / `redact_leaf` on every leaf and key, plus the key
//! rules) on generated values, for the default rules and for rule sets that change what the
//! filter derives.
#![cfg(feature = "json")]

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::{Map, Value};
use weaver_redact::{Kind, Policy, Redactor, Shape, elision_marker};

/// Rule sets with the default automaton (cheap to build) that differ in what the filter
/// derives: the default; no phone or SSN rule (the digit run is raised to what the card
/// check needs); the smallest hold cap.
fn redactors() -> &'static [Redactor] {
    static ALL: LazyLock<Vec<Redactor>> = LazyLock::new(|| {
        vec![
            Redactor::new(),
            Redactor::builder()
                .disable(Kind::Phone)
                .disable(Kind::Ssn)
                .build()
                .expect("valid"),
            Redactor::builder().max_hold(1024).build().expect("valid"),
        ]
    });
    &ALL
}

/// Rule sets with their own automaton (seconds to build in a debug build, so one test
/// uses them): every opt-in kind (more anchors, more digit checks); a user pattern with an
/// anchor; one without (the filter is off).
fn own_automaton() -> &'static [Redactor] {
    static ALL: LazyLock<Vec<Redactor>> = LazyLock::new(|| {
        vec![
            Redactor::builder().all_kinds().build().expect("valid"),
            Redactor::builder()
                .pattern("order", "ord_[a-z]{3,}")
                .build()
                .expect("valid"),
            Redactor::builder()
                .pattern("anchorless", "[a-z][0-9]{3}")
                .build()
                .expect("valid"),
        ]
    });
    &ALL
}

/// `word` with each ASCII letter in either case.
fn any_case(word: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<bool>(), word.len()).prop_map(move |up| {
        word.chars()
            .zip(up)
            .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
            .collect()
    })
}

/// Words that are, hold or nearly hold an anchor or a sensitive name.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        any_case("token"),
        any_case("toke"),
        any_case("okens"),
        any_case("password"),
        any_case("passwor"),
        any_case("pwd"),
        any_case("secret"),
        any_case("secre"),
        any_case("bearer"),
        any_case("basic"),
        any_case("auth"),
        any_case("cookie"),
        any_case("session"),
        any_case("api_key"),
        any_case("apikey"),
        any_case("api"),
        any_case("akia"),
        any_case("ghp_"),
        any_case("xox"),
        any_case("eyj"),
        any_case("aiza"),
        any_case("sk"),
        // Case-sensitive heads (`NT…`, `MT…` Discord leads, `sq0a`, `glpat`), which the
        // filter confirms with their case and follow byte.
        any_case("nt"),
        any_case("mti"),
        any_case("sq0a"),
        any_case("glpat"),
        "[A-Za-z0-9_-]{8,40}",
        any_case("ord_abc"),
        any_case("ord_"),
        any_case("cell"),
        any_case("ssn"),
        any_case("tel"),
        any_case("delivered"),
        any_case("pending"),
        "[a-zA-Z]{1,10}",
    ]
}

/// Digit groups with the separators of phones, SSNs and cards, with or without a `+`.
fn digits() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop_oneof![Just("+"), Just("("), Just("+1 ")]),
        prop::collection::vec(
            (
                "[0-9]{1,5}",
                prop_oneof![
                    Just(""),
                    Just(" "),
                    Just("-"),
                    Just("."),
                    Just(") "),
                    Just("/"),
                    Just("T"),
                ],
            ),
            1..6,
        ),
    )
        .prop_map(|(lead, groups)| {
            let mut s = lead.unwrap_or("").to_owned();
            for (g, sep) in groups {
                s.push_str(&g);
                s.push_str(sep);
            }
            s
        })
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => word(),
        3 => digits(),
        1 => "[0-9]{8,10}",
        1 => Just("2024-05-01T00:00:06Z".to_owned()),
        1 => Just("4111 1111 1111 1111".to_owned()),
        1 => Just("123-45-6789".to_owned()),
        1 => ("[a-z.]{1,6}", prop_oneof![Just("@"), Just("%40"), Just("\\u0040"), Just("(at)")], "[a-z]{1,5}", prop_oneof![Just(".io"), Just(".com"), Just("")])
            .prop_map(|(a, at, d, t)| format!("{a}{at}{d}{t}")),
        1 => Just("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl".to_owned()),
        1 => Just("postgres://user:pa55@db.example.com/x".to_owned()),
        1 => Just("AKIAIOSFODNN7EXAMPLE".to_owned()),
        1 => Just("[REDACTED]".to_owned()),
        3 => prop_oneof![Just(" "), Just("="), Just(": "), Just("\n"), Just("\\n"), Just("\""), Just("-"), Just("_"), Just("."), Just("|"), Just("é"), Just("€")].prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..8).prop_map(|p| p.concat())
}

/// A string whose bytes all keep the scanner in its token loop, around the smallest hold
/// cap: past the cap the scanner fails closed without any anchor.
fn long_token() -> impl Strategy<Value = String> {
    (1000usize..1100, "[a-zA-Z0-9]{1,8}").prop_map(|(n, unit)| unit.repeat(n / unit.len() + 1))
}

/// What the filter lets pass, the scanner leaves unchanged and reports nothing in.
fn unchanged_unless_anchored(r: &Redactor, t: &str) -> Result<(), TestCaseError> {
    if !r.may_change(t) {
        prop_assert_eq!(scanned(r, t), (true, 0), "{:?}", t);
    }
    Ok(())
}

/// The plain redaction of `s`: `redact_bytes_with`, which never consults the filter.
fn scanned(r: &Redactor, s: &str) -> (bool, usize) {
    let mut findings = 0;
    let out = r.redact_bytes_with(s.as_bytes(), &mut |_| findings += 1);
    (matches!(out, Cow::Borrowed(_)), findings)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn a_string_without_anchor_is_unchanged(t in text(), which in 0usize..3) {
        unchanged_unless_anchored(&redactors()[which], &t)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_string_past_the_hold_cap_is_never_skipped(t in long_token()) {
        let r = &redactors()[2];
        prop_assert!(t.len() <= r.max_hold() || r.may_change(&t));
        if !r.may_change(&t) {
            prop_assert_eq!(scanned(r, &t), (true, 0), "{:?}", t);
        }
    }
}

#[test]
fn the_filter_skips_plain_values_and_keeps_anchored_ones() {
    let r = Redactor::new();
    // Shapes every row of a record list holds: none of them is scanned.
    for plain in [
        "",
        "delivered",
        "USD",
        "Jonas Jansen",
        "2024-05-01T00:00:06Z",
        "ORD-F9BA5CAB",
        "12345678",
        "python-requests/2.31",
        // A vendor head in the other case (`NT`, `ND`, `SK`, which the filter itself
        // rejects) or a keyword with nothing after it (which only the trigger walk does).
        "amount",
        "android",
        "notes",
        "task",
        "auth",
    ] {
        assert!(!r.may_change(plain), "{plain:?}");
        assert!(matches!(r.redact_str(plain), Cow::Borrowed(_)));
    }
    // Matches, in any case: the filter never lets them pass.
    for secret in [
        "bob@example.com",
        "BOB%40EXAMPLE.COM",
        "Api_Key=k-123abc",
        "ssn 123-45-6789",
        "call +1 212 555 0101",
        "4111 1111 1111 1111",
    ] {
        assert!(r.may_change(secret), "{secret:?}");
        assert!(matches!(r.redact_str(secret), Cow::Owned(_)), "{secret:?}");
    }
    // Longer than the hold cap: always scanned.
    assert!(r.may_change(&"a".repeat(r.max_hold() + 1)));
}

// ---- structural redaction against the plain per-string model ----

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop_oneof![
            any_case("password"),
            any_case("api_key"),
            any_case("apiKey"),
            any_case("token"),
            any_case("max_tokens"),
            any_case("session_id"),
            any_case("email"),
            any_case("email_verified"),
            any_case("cell"),
            any_case("ssn"),
            any_case("tel"),
            any_case("card_number"),
            any_case("name"),
            any_case("value"),
            any_case("key"),
            any_case("status"),
            any_case("notes"),
        ],
        1 => Just("bob@example.com".to_owned()),
        1 => Just("[REDACTED]".to_owned()),
        1 => Just("ord_abc".to_owned()),
        1 => "[a-z_]{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any::<u64>().prop_map(Value::from),
        1 => Just(Value::from(4_111_111_111_111_111_u64)),
        1 => Just(Value::from(2_125_550_101_u64)),
        6 => text().prop_map(Value::String),
        1 => prop_oneof![Just("DB_PASSWORD"), Just("LOG_LEVEL"), Just("Authorization")]
            .prop_map(Value::from),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// The new names of an object's keys: `redact_str` of each key, with the first free `#n`
/// (n ≥ 2) when the redacted name is an existing key or an earlier new name.
fn renamed(r: &Redactor, m: &Map<String, Value>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut next: HashMap<String, u64> = HashMap::new();
    let mut names = Vec::new();
    for k in m.keys() {
        let Cow::Owned(base) = r.redact_str(k) else {
            names.push(k.clone());
            continue;
        };
        let name = if m.contains_key(&base) || taken.contains(&base) {
            let n = next.entry(base.clone()).or_insert(2);
            loop {
                let c = format!("{base}#{n}");
                *n += 1;
                if !m.contains_key(&c) && !taken.contains(&c) {
                    break c;
                }
            }
        } else {
            base
        };
        taken.insert(name.clone());
        names.push(name);
    }
    names
}

/// The plain model: every leaf and key through the public per-string calls, the typed key
/// rule and the name/value pair rule on each object, containers at `max` elided.
fn model(r: &Redactor, v: &Value, depth: usize, max: usize, key: Option<&str>) -> Value {
    match v {
        Value::String(s) => Value::String(
            match key {
                Some(k) => r.redact_leaf(k, s),
                None => r.redact_str(s),
            }
            .into_owned(),
        ),
        Value::Number(n) => match r.scan_number(n) {
            Some(kind) => Value::String(r.marker(kind).to_owned()),
            None => v.clone(),
        },
        Value::Array(a) if depth >= max => Value::String(elision_marker(false, a.len(), max)),
        Value::Object(m) if depth >= max => Value::String(elision_marker(true, m.len(), max)),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| model(r, x, depth + 1, max, None))
                .collect(),
        ),
        Value::Object(m) => {
            let pair = r.pair_rule(m);
            let mut out = Map::new();
            for (name, x) in renamed(r, m).into_iter().zip(m.values()) {
                let masked =
                    r.rule_masks(r.key_rule(&name), Shape::of(x)) || r.pair_masks(pair, &name, x);
                let y = if masked {
                    Value::String(r.marker(Kind::SensitiveKey).to_owned())
                } else {
                    model(r, x, depth + 1, max, Some(&name))
                };
                out.insert(name, y);
            }
            Value::Object(out)
        }
        Value::Bool(_) | Value::Null => v.clone(),
    }
}

/// `redact_value`, `redact_value_in_place` and `redact_json_bytes` all equal the model.
fn walks_equal_model(r: &Redactor, v: &Value, depth: Option<usize>) -> Result<(), TestCaseError> {
    let policy = depth.map_or_else(Policy::new, |d| Policy::new().max_depth(d));
    let want =
        serde_json::to_string(&model(r, v, 0, depth.unwrap_or(usize::MAX), None)).expect("ser");
    let (copy, report) = r.redact_value(v, &policy);
    prop_assert_eq!(&serde_json::to_string(&copy).expect("ser"), &want);
    let mut in_place = v.clone();
    let report2 = r.redact_value_in_place(&mut in_place, &policy);
    prop_assert_eq!(&serde_json::to_string(&in_place).expect("ser"), &want);
    prop_assert_eq!(&report2, &report);
    let mut bytes = Vec::new();
    let report3 = r
        .redact_json_bytes(&serde_json::to_vec(v).expect("ser"), &policy, &mut bytes)
        .expect("valid");
    prop_assert_eq!(String::from_utf8(bytes).expect("utf8"), want);
    prop_assert_eq!(report3.total(), report.total());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn walks_equal_the_plain_per_string_model(
        v in value(),
        which in 0usize..3,
        depth in prop::option::of(0usize..5),
    ) {
        walks_equal_model(&redactors()[which], &v, depth)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Both properties on rule sets with their own automaton.
    #[test]
    fn rule_sets_with_their_own_automaton(
        t in text(),
        v in value(),
        which in 0usize..3,
        depth in prop::option::of(0usize..5),
    ) {
        let r = &own_automaton()[which];
        // A user pattern brings its anchor.
        if which == 1 {
            prop_assert!(r.may_change("an ord_abc here") && !r.may_change("delivered"));
        }
        unchanged_unless_anchored(r, &t)?;
        walks_equal_model(r, &v, depth)?;
    }
}
