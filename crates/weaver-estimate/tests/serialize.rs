//! The counting `Serializer` against `serde_json::to_vec` on typed data: every serde data
//! model shape, map keys of every kind, serde_json's error cases, and the limit.

mod common;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use proptest::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, SerializeTupleVariant};
use serde_json::json;
use weaver_estimate::{Error, Size, estimate_serialize, estimate_serialize_with_limit};

/// Asserts that the estimator agrees with serde_json: same length, or both fail.
#[track_caller]
fn agrees<T: Serialize + ?Sized + fmt::Debug>(value: &T) {
    match (serde_json::to_vec(value), estimate_serialize(value)) {
        (Ok(bytes), Ok(n)) => assert_eq!(
            n,
            bytes.len() as u64,
            "{value:?} -> {}",
            String::from_utf8_lossy(&bytes)
        ),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("disagree on {value:?}: serde_json {a:?}, estimate {b:?}"),
    }
}

#[derive(Serialize, Debug)]
struct Unit;

#[derive(Serialize, Debug)]
struct Newtype(u32);

#[derive(Serialize, Debug)]
struct Tuple(i8, String, Option<f32>);

#[derive(Serialize, Debug)]
struct EmptyStruct {}

#[derive(Serialize, Debug)]
struct Record {
    id: u64,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    score: f64,
    ratio: f32,
    big: i128,
    huge: u128,
    initial: char,
    flags: Vec<bool>,
    unit: (),
    unit_struct: Unit,
    newtype: Newtype,
    tuple: Tuple,
    empty: EmptyStruct,
    kind: Kind,
    kinds: Vec<Kind>,
    #[serde(flatten)]
    extra: BTreeMap<String, i32>,
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Plain,
    Wrapped(u8),
    Pair(u8, String),
    NoFields(),
    Named { x: i16, label: String },
    NoNamed {},
}

#[derive(Serialize, Debug)]
#[serde(tag = "type")]
enum Internally {
    A { v: u8 },
    B(BTreeMap<String, u8>),
}

#[derive(Serialize, Debug)]
#[serde(tag = "t", content = "c")]
enum Adjacent {
    A(String),
    B { n: u8 },
}

#[derive(Serialize, Debug)]
#[serde(untagged)]
enum Untagged {
    N(i64),
    S(String),
    V(Vec<Untagged>),
}

/// Calls `serialize_bytes`, which serde_json writes as an array of numbers.
#[derive(Debug)]
struct Bytes(Vec<u8>);
impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

/// A map whose entries are arbitrary serializable (key, value) pairs.
#[derive(Debug)]
struct Pairs<K, V>(Vec<(K, V)>);
impl<K: Serialize, V: Serialize> Serialize for Pairs<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A sequence of unknown length (`serialize_seq(None)`), as a filtered iterator produces.
#[derive(Debug)]
struct Unsized(Vec<u32>);
impl Serialize for Unsized {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for x in &self.0 {
            seq.serialize_element(x)?;
        }
        seq.end()
    }
}

/// Announces length 0, then writes elements anyway: serde_json emits `[],1,2`.
#[derive(Debug)]
struct Liar(Vec<u8>, bool);
impl Serialize for Liar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.1 {
            let mut m = s.serialize_map(Some(0))?;
            for x in &self.0 {
                m.serialize_entry(&x.to_string(), x)?;
            }
            m.end()
        } else {
            let mut v = s.serialize_tuple_variant("Liar", 0, "V", 0)?;
            for x in &self.0 {
                v.serialize_field(x)?;
            }
            v.end()
        }
    }
}

/// Display output, written in several fragments, that needs escaping.
#[derive(Debug)]
struct Shown(&'static [&'static str]);
impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in self.0 {
            f.write_str(part)?;
        }
        write!(f, "{}", 12.5)
    }
}
impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A key written through `collect_str` inside a map.
#[derive(Debug)]
struct ShownKeys(Vec<Shown>);
impl Serialize for ShownKeys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for k in &self.0 {
            m.serialize_entry(k, &0)?;
        }
        m.end()
    }
}

fn record() -> Record {
    Record {
        id: 42,
        name: "Zoë \"the\" \u{1}\tcoder".into(),
        note: None,
        score: 1e21,
        ratio: 0.1,
        big: i128::MIN,
        huge: u128::MAX,
        initial: '"',
        flags: vec![true, false],
        unit: (),
        unit_struct: Unit,
        newtype: Newtype(7),
        tuple: Tuple(-3, "t".into(), Some(f32::NAN)),
        empty: EmptyStruct {},
        kind: Kind::Named {
            x: -1,
            label: "l\n".into(),
        },
        kinds: vec![
            Kind::Plain,
            Kind::Wrapped(3),
            Kind::Pair(1, "p".into()),
            Kind::NoFields(),
            Kind::NoNamed {},
        ],
        extra: [("zz".to_string(), 1), ("é".to_string(), -2)].into(),
    }
}

#[test]
fn every_data_model_shape_matches_serde_json() {
    agrees(&record());
    agrees(&Unit);
    agrees(&Newtype(0));
    agrees(&Tuple(i8::MIN, String::new(), Some(1e-7)));
    agrees(&EmptyStruct {});
    agrees(&Internally::A { v: 1 });
    agrees(&Internally::B([("k".to_string(), 2)].into()));
    agrees(&Adjacent::A("x".into()));
    agrees(&Adjacent::B { n: 9 });
    agrees(&Untagged::V(vec![
        Untagged::N(-5),
        Untagged::S("s".into()),
        Untagged::V(vec![]),
    ]));
    agrees(&Bytes(vec![]));
    agrees(&Bytes(vec![0, 9, 10, 99, 100, 255]));
    agrees(&Unsized(vec![]));
    agrees(&Unsized(vec![1, 22, 333]));
    agrees(&Liar(vec![], true));
    agrees(&Liar(vec![1, 2], true));
    agrees(&Liar(vec![], false));
    agrees(&Liar(vec![1, 2], false));
    agrees(&Shown(&[]));
    agrees(&Shown(&["a\"", "\u{0}b", "é\\"]));
    agrees(&ShownKeys(vec![Shown(&["k\n"]), Shown(&[])]));
    agrees(&(1u8, 'x', "s", [1.5f64; 3], Some(()), None::<u8>));
    agrees(&json!({"nested": [{"a": null}]}));
    agrees(&vec![Some(1.0f32), Some(f32::INFINITY), None]);
}

#[test]
fn map_keys_are_written_like_serde_json() {
    agrees(&Pairs(vec![(1u8, 0), (255u8, 1)]));
    agrees(&Pairs(vec![(-1i64, 0), (i64::MIN, 1)]));
    agrees(&Pairs(vec![(u128::MAX, 0), (0, 1)]));
    agrees(&Pairs(vec![(i128::MIN, 0)]));
    agrees(&Pairs(vec![(true, 0), (false, 1)]));
    agrees(&Pairs(vec![(1.5f64, 0), (1e20, 1), (-0.0, 2)]));
    agrees(&Pairs(vec![(0.1f32, 0)]));
    agrees(&Pairs(vec![('"', 0), ('é', 1)]));
    agrees(&Pairs(vec![(Kind::Plain, 0)]));
    agrees(&Pairs(vec![(Newtype(5), 0)]));
    agrees(&Pairs(vec![(Some("k"), 0)]));
    agrees(&Pairs(vec![(i8::MIN, 0), (i8::MAX, 1)]));
    agrees(&Pairs(vec![(i16::MIN, 0)]));
    agrees(&Pairs(vec![(i32::MIN, 0)]));
    agrees(&Pairs(vec![(u16::MAX, 0)]));
    agrees(&Pairs(vec![(u32::MAX, 0)]));
    agrees(&Pairs(vec![(u64::MAX, 0)]));
    agrees(&Pairs(Vec::<(String, u8)>::new()));
    let mut by_kind = BTreeMap::new();
    by_kind.insert(Kind::Plain, vec![1]);
    agrees(&by_kind);
}

#[test]
fn refuses_what_serde_json_refuses() {
    let cases: Vec<(Result<u64, Error>, Error)> = vec![
        (
            estimate_serialize(&Pairs(vec![(vec![1], 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(None::<u8>, 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![((), 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(Unit, 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(Kind::Wrapped(1), 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(Kind::Pair(1, String::new()), 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(
                Kind::Named {
                    x: 0,
                    label: String::new(),
                },
                0,
            )])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(Bytes(vec![1]), 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(Pairs(vec![(1, 1)]), 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![((1, 2), 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(Tuple(1, String::new(), None), 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(EmptyStruct {}, 0)])),
            Error::KeyMustBeAString,
        ),
        (
            estimate_serialize(&Pairs(vec![(f64::NAN, 0)])),
            Error::FloatKeyMustBeFinite,
        ),
        (
            estimate_serialize(&Pairs(vec![(f32::NEG_INFINITY, 0)])),
            Error::FloatKeyMustBeFinite,
        ),
    ];
    for (i, (got, want)) in cases.into_iter().enumerate() {
        assert_eq!(got, Err(want), "case {i}");
    }
    // And serde_json does refuse each of those shapes.
    assert!(serde_json::to_vec(&Pairs(vec![(vec![1], 0)])).is_err());
    assert!(serde_json::to_vec(&Pairs(vec![(f64::NAN, 0)])).is_err());
    assert!(serde_json::to_vec(&Pairs(vec![(Kind::Wrapped(1), 0)])).is_err());
}

/// A type whose own `Serialize` impl fails.
struct Fails;
impl Serialize for Fails {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("no can do"))
    }
}

#[test]
fn custom_errors_carry_their_message() {
    assert_eq!(
        estimate_serialize(&(1, Fails)),
        Err(Error::Custom("no can do".into()))
    );
    assert!(serde_json::to_vec(&(1, Fails)).is_err());
    assert_eq!(Error::Custom("no can do".into()).to_string(), "no can do");
    assert_eq!(Error::KeyMustBeAString.to_string(), "key must be a string");
}

/// Counts how many elements a serializer actually pulled.
struct Counted<'a> {
    n: u64,
    pulled: &'a Cell<u64>,
}
impl Serialize for Counted<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let pulled = self.pulled;
        s.collect_seq((0..self.n).map(|i| {
            pulled.set(pulled.get() + 1);
            i % 10 // one digit + a comma: 2 bytes per element after the first
        }))
    }
}

#[test]
fn limit_stops_the_serializer_early() {
    let pulled = Cell::new(0);
    let big = Counted {
        n: 1_000_000,
        pulled: &pulled,
    };
    let size = estimate_serialize_with_limit(&big, 100).unwrap();
    assert!(size.exceeds());
    assert!(size.lower_bound() > 100);
    // After k elements the count is `[` + 1 + 2 (k - 1) = 2k; the 51st element's comma
    // brings it to 101 > 100, so exactly 51 elements are pulled out of a million.
    assert_eq!(pulled.get(), 51);
    pulled.set(0);
    let exact = estimate_serialize(&big).unwrap();
    assert_eq!(pulled.get(), 1_000_000);
    assert_eq!(exact, 1 + 1 + 2 * 999_999 + 1);
    // An error serde_json would only meet past the limit is not reached.
    assert!(
        estimate_serialize_with_limit(&("x".repeat(50), Fails), 10)
            .unwrap()
            .exceeds()
    );
    assert_eq!(
        estimate_serialize_with_limit(&Shown(&["0123456789"]), 5).unwrap(),
        Size::Exceeds { at_least: 12 }
    );
}

fn arb_kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Plain),
        any::<u8>().prop_map(Kind::Wrapped),
        (any::<u8>(), common::arb_string()).prop_map(|(a, b)| Kind::Pair(a, b)),
        Just(Kind::NoFields()),
        (any::<i16>(), common::arb_string()).prop_map(|(x, label)| Kind::Named { x, label }),
        Just(Kind::NoNamed {}),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn typed_values_match_serde_json(
        id in any::<u64>(),
        name in common::arb_string(),
        note in proptest::option::of(common::arb_string()),
        score in common::arb_f64(),
        ratio in any::<f32>(),
        big in any::<i128>(),
        huge in any::<u128>(),
        initial in common::arb_char(),
        flags in proptest::collection::vec(any::<bool>(), 0..4),
        kind in arb_kind(),
        kinds in proptest::collection::vec(arb_kind(), 0..4),
        extra in proptest::collection::btree_map(common::arb_string(), any::<i32>(), 0..4),
        bytes in proptest::collection::vec(any::<u8>(), 0..20),
        float_keys in proptest::collection::vec((common::arb_f64(), any::<u8>()), 0..4),
        int_keys in proptest::collection::vec((any::<i64>(), common::arb_string()), 0..4),
        limit in 0u64..400,
    ) {
        let r = Record {
            id, name, note, score, ratio, big, huge, initial, flags,
            unit: (), unit_struct: Unit, newtype: Newtype(id as u32),
            tuple: Tuple(big as i8, String::new(), Some(ratio)),
            empty: EmptyStruct {}, kind, kinds, extra,
        };
        let whole = (r, Bytes(bytes), Pairs(float_keys), Pairs(int_keys));
        agrees(&whole);
        if let Ok(bytes) = serde_json::to_vec(&whole) {
            let size = bytes.len() as u64;
            let got = estimate_serialize_with_limit(&whole, limit).unwrap();
            if size <= limit {
                prop_assert_eq!(got, Size::Exact(size));
            } else {
                prop_assert!(got.exceeds());
                prop_assert!(got.lower_bound() > limit && got.lower_bound() <= size);
            }
        }
    }
}
