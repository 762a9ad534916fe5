//! A `serde::Serializer` that counts the bytes serde_json's compact formatter would write.
//!
//! Every method mirrors the corresponding one of `serde_json::Serializer<_, CompactFormatter>`
//! and its map-key serializer, byte for byte, including their odd corners (a sequence that
//! announced length 0 and then received elements anyway is written as `[],x` by serde_json,
//! and counted so here).

use alloc::string::ToString;
use core::fmt;

use serde::ser::{self, Impossible, Serialize};

use crate::number::{f32_len, f64_len, i64_len, i128_len, u64_len, u128_len};
use crate::string::{fragment_len, str_len};
use crate::{Error, Size};

/// The exact length of `serde_json::to_vec(value)` for any `T: Serialize`, without
/// serializing.
///
/// Fails with the [`Error`] serde_json would report (non-string map keys, non-finite float
/// keys, or an error raised by `T`'s own `Serialize` impl).
///
/// ```
/// use std::collections::BTreeMap;
/// #[derive(serde::Serialize)]
/// enum Shape { Circle { r: f64 }, Empty }
///
/// let mut by_id = BTreeMap::new();
/// by_id.insert(1u32, Shape::Circle { r: 0.5 });
/// by_id.insert(2u32, Shape::Empty);
/// let n = weaver_estimate::estimate_serialize(&by_id).unwrap();
/// assert_eq!(n, serde_json::to_vec(&by_id).unwrap().len() as u64); // {"1":{"Circle":{"r":0.5}},"2":"Empty"}
/// ```
///
/// Unlike [`estimate`](crate::estimate), this follows `T::serialize`, which recurses once
/// per nesting level (as serde_json does when it serializes `T`).
pub fn estimate_serialize<T: Serialize + ?Sized>(value: &T) -> Result<u64, Error> {
    estimate_serialize_with_limit(value, u64::MAX).map(Size::lower_bound)
}

/// Like [`estimate_serialize`], but stops as soon as the running size exceeds `limit`.
///
/// An error that serde_json would only meet after the first `limit + 1` bytes is not
/// reported: the walk has stopped before reaching it and the answer is
/// [`Size::Exceeds`].
///
/// ```
/// use weaver_estimate::{estimate_serialize_with_limit, Size};
/// let rows: Vec<(u32, &str)> = (0..1000).map(|i| (i, "row")).collect();
/// assert!(estimate_serialize_with_limit(&rows, 100).unwrap().exceeds());
/// assert_eq!(estimate_serialize_with_limit(&rows[..1], 100).unwrap(), Size::Exact(11));
/// ```
pub fn estimate_serialize_with_limit<T: Serialize + ?Sized>(
    value: &T,
    limit: u64,
) -> Result<Size, Error> {
    let mut counter = Counter { total: 0, limit };
    match value.serialize(&mut counter) {
        Ok(()) => Ok(Size::Exact(counter.total)),
        Err(Abort::Limit) => Ok(Size::Exceeds {
            at_least: counter.total,
        }),
        Err(Abort::Fail(e)) => Err(e),
    }
}

/// Why counting stopped: the limit (not an error for the caller) or a real error.
#[derive(Debug)]
enum Abort {
    Limit,
    Fail(Error),
}

impl fmt::Display for Abort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Abort::Limit => f.write_str("size limit exceeded"),
            Abort::Fail(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl core::error::Error for Abort {}

impl ser::Error for Abort {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Abort::Fail(Error::Custom(msg.to_string()))
    }
}

type Result<T = (), E = Abort> = core::result::Result<T, E>;

/// The running byte count.
struct Counter {
    total: u64,
    limit: u64,
}

impl Counter {
    /// Counts `n` bytes; stops the walk once the total passes the limit.
    #[inline]
    fn add(&mut self, n: u64) -> Result {
        // Saturating: a hostile `Display` impl could claim more than u64::MAX bytes.
        self.total = self.total.saturating_add(n);
        if self.total > self.limit {
            Err(Abort::Limit)
        } else {
            Ok(())
        }
    }

    /// Counts a string; a string whose unescaped length alone passes the limit is not
    /// scanned.
    #[inline]
    fn add_str(&mut self, s: &str) -> Result {
        let floor = self.total.saturating_add(s.len() as u64 + 2);
        if floor > self.limit {
            self.total = floor;
            return Err(Abort::Limit);
        }
        self.add(str_len(s))
    }

    /// Counts `{"variant":`, the opening of every externally tagged non-unit variant.
    #[inline]
    fn open_variant(&mut self, variant: &str) -> Result {
        self.add(2)?; // `{` and `:`
        self.add_str(variant)
    }

    /// Counts `collect_str` output: the escaped `Display` text between quotes.
    fn add_display<T: fmt::Display + ?Sized>(&mut self, value: &T) -> Result {
        /// Counts the escaped length of each fragment `Display` writes, without buffering.
        struct Escaped<'c> {
            counter: &'c mut Counter,
        }
        impl fmt::Write for Escaped<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                // Stop formatting as soon as the limit is passed.
                self.counter.add(fragment_len(s)).map_err(|_| fmt::Error)
            }
        }
        self.add(2)?;
        let mut w = Escaped { counter: self };
        match fmt::write(&mut w, format_args!("{value}")) {
            Ok(()) => Ok(()),
            // Our writer only fails on the limit; anything else is the Display impl's own
            // error, which serde_json turns into an I/O error, so report it likewise.
            Err(fmt::Error) if self.total > self.limit => Err(Abort::Limit),
            Err(fmt::Error) => Err(Abort::Fail(Error::Custom(
                "a Display implementation returned an error unexpectedly".into(),
            ))),
        }
    }
}

/// Where a sequence or map is in its element list, as serde_json tracks it: a comma
/// precedes every element except in state `First`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Announced length 0: the closing bracket is already counted.
    Empty,
    First,
    Rest,
}

/// An open sequence, tuple, map or struct (possibly inside a variant's `{"V":…}`).
struct Compound<'c> {
    counter: &'c mut Counter,
    state: State,
    /// 1 when this is the body of a tuple or struct variant (the wrapper's `}`), else 0.
    closing_extra: u64,
}

impl<'c> Compound<'c> {
    /// Counts the opening bracket and, for an announced empty container, its close too.
    fn open(counter: &'c mut Counter, len: Option<usize>, closing_extra: u64) -> Result<Self> {
        counter.add(1)?;
        let state = if len == Some(0) {
            counter.add(1)?;
            State::Empty
        } else {
            State::First
        };
        Ok(Compound {
            counter,
            state,
            closing_extra,
        })
    }

    #[inline]
    fn separator(&mut self) -> Result {
        let first = self.state == State::First;
        self.state = State::Rest;
        if first { Ok(()) } else { self.counter.add(1) }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.separator()?;
        value.serialize(&mut *self.counter)
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.separator()?;
        key.serialize(KeyCounter {
            counter: self.counter,
        })
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.counter.add(1)?; // `:`
        value.serialize(&mut *self.counter)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        self.separator()?;
        self.counter.add_str(key)?;
        self.value(value)
    }

    fn close(self) -> Result {
        let bracket = u64::from(self.state != State::Empty);
        self.counter.add(bracket + self.closing_extra)
    }
}

impl<'c> ser::Serializer for &'c mut Counter {
    type Ok = ();
    type Error = Abort;
    type SerializeSeq = Compound<'c>;
    type SerializeTuple = Compound<'c>;
    type SerializeTupleStruct = Compound<'c>;
    type SerializeTupleVariant = Compound<'c>;
    type SerializeMap = Compound<'c>;
    type SerializeStruct = Compound<'c>;
    type SerializeStructVariant = Compound<'c>;

    fn serialize_bool(self, v: bool) -> Result {
        self.add(if v { 4 } else { 5 })
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.add(i64_len(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.add(i64_len(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.add(i64_len(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.add(i64_len(v))
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.add(i128_len(v))
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.add(u64_len(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.add(u64_len(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.add(u64_len(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.add(u64_len(v))
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.add(u128_len(v))
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.add(f32_len(v))
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.add(f64_len(v))
    }
    fn serialize_char(self, v: char) -> Result {
        self.add_str(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.add_str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        // An array of numbers: brackets, a comma between each pair, and the digits.
        let punctuation = 2 + (v.len() as u64).saturating_sub(1);
        self.add(punctuation)?;
        for &b in v {
            self.add(u64_len(b.into()))?;
        }
        Ok(())
    }
    fn serialize_none(self) -> Result {
        self.add(4)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.add(4)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.add(4)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.add_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        self.add(1)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'c>> {
        Compound::open(self, len, 0)
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'c>> {
        Compound::open(self, Some(len), 0)
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'c>> {
        Compound::open(self, Some(len), 0)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'c>> {
        self.open_variant(variant)?;
        Compound::open(self, Some(len), 1)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'c>> {
        Compound::open(self, len, 0)
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'c>> {
        Compound::open(self, Some(len), 0)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'c>> {
        self.open_variant(variant)?;
        Compound::open(self, Some(len), 1)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        self.add_display(value)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Abort;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Abort;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Abort;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Abort;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Abort;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.value(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Abort;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Abort;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

/// Counts a map key. serde_json writes strings as they are, integers, floats and bools
/// inside quotes, and refuses everything else.
struct KeyCounter<'c> {
    counter: &'c mut Counter,
}

fn not_a_string<T>() -> Result<T> {
    Err(Abort::Fail(Error::KeyMustBeAString))
}

impl ser::Serializer for KeyCounter<'_> {
    type Ok = ();
    type Error = Abort;
    type SerializeSeq = Impossible<(), Abort>;
    type SerializeTuple = Impossible<(), Abort>;
    type SerializeTupleStruct = Impossible<(), Abort>;
    type SerializeTupleVariant = Impossible<(), Abort>;
    type SerializeMap = Impossible<(), Abort>;
    type SerializeStruct = Impossible<(), Abort>;
    type SerializeStructVariant = Impossible<(), Abort>;

    fn serialize_bool(self, v: bool) -> Result {
        self.counter.add(if v { 6 } else { 7 })
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.counter.add(2 + i64_len(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.counter.add(2 + i64_len(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.counter.add(2 + i64_len(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.counter.add(2 + i64_len(v))
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.counter.add(2 + i128_len(v))
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.counter.add(2 + u64_len(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.counter.add(2 + u64_len(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.counter.add(2 + u64_len(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.counter.add(2 + u64_len(v))
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.counter.add(2 + u128_len(v))
    }
    fn serialize_f32(self, v: f32) -> Result {
        if !v.is_finite() {
            return Err(Abort::Fail(Error::FloatKeyMustBeFinite));
        }
        self.counter.add(2 + f32_len(v))
    }
    fn serialize_f64(self, v: f64) -> Result {
        if !v.is_finite() {
            return Err(Abort::Fail(Error::FloatKeyMustBeFinite));
        }
        self.counter.add(2 + f64_len(v))
    }
    fn serialize_char(self, v: char) -> Result {
        self.counter.add_str(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.counter.add_str(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        not_a_string()
    }
    fn serialize_none(self) -> Result {
        not_a_string()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        not_a_string()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        not_a_string()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.counter.add_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        not_a_string()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        not_a_string()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        not_a_string()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        not_a_string()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        not_a_string()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        not_a_string()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        not_a_string()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        not_a_string()
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        self.counter.add_display(value)
    }
}
