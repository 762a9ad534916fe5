//! `estimate(v) == serde_json::to_vec(v).len()` for arbitrary values, and the limit
//! contract of `estimate_with_limit`.

mod common;

use common::{
    EDGE_FLOATS, arb_f64, arb_leaf, arb_level, arb_string, arb_value, build_deep, drop_deep,
};
use proptest::prelude::*;
use serde_json::{Number, Value, json};
use weaver_estimate::{
    Size, estimate, estimate_serialize, estimate_serialize_with_limit, estimate_with_limit,
    f32_len, f64_len, i64_len, i128_len, number_len, str_len, u64_len, u128_len,
};

fn reference(v: &Value) -> u64 {
    serde_json::to_vec(v).unwrap().len() as u64
}

/// Checks the limit contract: Exact iff size <= limit; otherwise limit < at_least <= size.
fn check_limit(size: u64, got: Size, limit: u64) -> Result<(), TestCaseError> {
    if size <= limit {
        prop_assert_eq!(got, Size::Exact(size));
    } else {
        match got {
            Size::Exceeds { at_least } => {
                prop_assert!(at_least > limit, "at_least {} <= limit {}", at_least, limit);
                prop_assert!(at_least <= size, "at_least {} > size {}", at_least, size);
            }
            Size::Exact(n) => {
                prop_assert!(false, "Exact({}) for size {} > limit {}", n, size, limit);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn value_size_matches_serde_json(v in arb_value()) {
        let expect = reference(&v);
        prop_assert_eq!(estimate(&v), expect);
        prop_assert_eq!(estimate_with_limit(&v, u64::MAX), Size::Exact(expect));
        // The Serialize path over the same Value must agree too.
        prop_assert_eq!(estimate_serialize(&v).unwrap(), expect);
    }

    #[test]
    fn limit_contract_holds_for_every_limit(v in arb_value(), frac in 0.0f64..1.5, off in 0u64..3) {
        let size = reference(&v);
        // Limits around the true size and across the whole range below it.
        let scaled = (size as f64 * frac) as u64;
        for limit in [scaled, size.saturating_sub(off), size + off, 0] {
            check_limit(size, estimate_with_limit(&v, limit), limit)?;
            check_limit(size, estimate_serialize_with_limit(&v, limit).unwrap(), limit)?;
        }
    }

    #[test]
    fn string_len_matches_serde_json(s in arb_string()) {
        prop_assert_eq!(str_len(&s), serde_json::to_vec(&s).unwrap().len() as u64);
    }

    #[test]
    fn float_len_matches_serde_json(f in arb_f64()) {
        prop_assert_eq!(f64_len(f), serde_json::to_vec(&f).unwrap().len() as u64);
        let g = f as f32;
        prop_assert_eq!(f32_len(g), serde_json::to_vec(&g).unwrap().len() as u64);
        prop_assert_eq!(f32_len(f32::from_bits(f.to_bits() as u32)),
            serde_json::to_vec(&f32::from_bits(f.to_bits() as u32)).unwrap().len() as u64);
        if let Some(n) = Number::from_f64(f) {
            prop_assert_eq!(number_len(&n), serde_json::to_vec(&n).unwrap().len() as u64);
        }
    }

    #[test]
    fn integer_len_matches_serde_json(u in any::<u64>(), i in any::<i64>(), uu in any::<u128>(), ii in any::<i128>(), shift in 0u32..128) {
        prop_assert_eq!(u64_len(u), serde_json::to_vec(&u).unwrap().len() as u64);
        prop_assert_eq!(i64_len(i), serde_json::to_vec(&i).unwrap().len() as u64);
        prop_assert_eq!(u128_len(uu), serde_json::to_vec(&uu).unwrap().len() as u64);
        prop_assert_eq!(i128_len(ii), serde_json::to_vec(&ii).unwrap().len() as u64);
        // Small magnitudes are far more interesting for digit counts than uniform ones.
        let small = uu >> shift;
        prop_assert_eq!(u128_len(small), serde_json::to_vec(&small).unwrap().len() as u64);
        let neg = -((small >> 1) as i128);
        prop_assert_eq!(i128_len(neg), serde_json::to_vec(&neg).unwrap().len() as u64);
    }
}

proptest! {
    // Each case builds a few hundred levels and runs serde_json on a big-stack thread.
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn deep_random_spines_match_serde_json(levels in proptest::collection::vec(arb_level(), 0..300), core in arb_leaf()) {
        // Up to 300 levels with siblings after the deep child: more open frames than the
        // inline stack holds, so the spill path is compared too.
        let v = build_deep(&levels, core);
        let expect = common::reference_len(&v);
        prop_assert_eq!(estimate(&v), expect);
        let limit = expect / 2;
        check_limit(expect, estimate_with_limit(&v, limit), limit)?;
        drop_deep(v);
    }
}

proptest! {
    // Wide containers are slow to generate in a debug build; fewer, bigger cases.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn wide_containers_match_serde_json(
        items in proptest::collection::vec(arb_leaf(), 0..1000),
        keys in proptest::collection::vec(arb_string(), 0..300),
    ) {
        let obj: serde_json::Map<String, Value> =
            keys.into_iter().zip(items.iter().cloned().cycle()).collect();
        let v = Value::Array(vec![Value::Array(items), Value::Object(obj)]);
        let expect = reference(&v);
        prop_assert_eq!(estimate(&v), expect);
        check_limit(expect, estimate_with_limit(&v, expect / 3), expect / 3)?;
    }
}

#[test]
fn every_single_byte_escape_matches_serde_json() {
    for c in (0u32..0x80).chain([0xe9, 0x20ac, 0x1d11e, 0x2028, 0xfeff, 0x10ffff]) {
        let c = char::from_u32(c).unwrap();
        for s in [
            c.to_string(),
            format!("ab{c}cd"),
            format!("{}{c}", "x".repeat(15)),
            format!("{}{c}", "x".repeat(16)),
        ] {
            let expect = serde_json::to_vec(&s).unwrap().len() as u64;
            assert_eq!(str_len(&s), expect, "{s:?}");
            let v = json!({ s.clone(): s });
            assert_eq!(estimate(&v), reference(&v), "{v:?}");
        }
    }
}

#[test]
fn edge_numbers_match_serde_json() {
    let mut values = vec![
        json!(0),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(i64::MAX),
        json!(-1),
    ];
    for &f in EDGE_FLOATS {
        values.push(json!(f));
        values.push(json!(-f));
    }
    for p in 0..20u32 {
        values.push(json!(10u64.pow(p)));
        values.push(json!(10u64.pow(p) - 1));
        values.push(json!(-(10i64.pow(p.min(18)))));
    }
    for v in &values {
        assert_eq!(estimate(v), reference(v), "{v}");
    }
    // Non-finite floats are written as null by serde_json.
    for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(f64_len(f), serde_json::to_vec(&f).unwrap().len() as u64);
        assert_eq!(
            f32_len(f as f32),
            serde_json::to_vec(&(f as f32)).unwrap().len() as u64
        );
    }
}

#[test]
fn scalars_and_empty_containers() {
    for v in [
        json!(null),
        json!(true),
        json!(false),
        json!(""),
        json!([]),
        json!({}),
        json!([[]]),
        json!({"": {}}),
    ] {
        assert_eq!(estimate(&v), reference(&v), "{v}");
    }
}

#[test]
fn limit_zero_and_exact_boundary() {
    let v = json!({"a": [1, 2, {"b": "c"}]});
    let n = reference(&v);
    assert_eq!(estimate_with_limit(&v, n), Size::Exact(n));
    assert!(estimate_with_limit(&v, n - 1).exceeds());
    assert!(estimate_with_limit(&v, 0).exceeds());
    assert_eq!(estimate_with_limit(&json!(null), 4), Size::Exact(4));
    assert_eq!(
        estimate_with_limit(&json!(null), 3),
        Size::Exceeds { at_least: 4 }
    );
}
