//! The size of the compact JSON a document re-prints to, computed on its bytes in one
//! streaming pass, without building a `Value`: by the block scan of `fast` where the
//! processor allows, else (and for every document it does not vouch for) by `Scan`, the
//! exact scanner.

// The fast path: x86-64 only (see `simd`), and the tests everywhere.
#[cfg(any(test, target_arch = "x86_64"))]
mod block;
mod dup;
mod error;
#[cfg(any(test, target_arch = "x86_64"))]
mod fast;
#[cfg(any(test, target_arch = "x86_64"))]
mod shape;
#[cfg(any(test, target_arch = "x86_64"))]
mod simd;
#[cfg(test)]
mod testgen;
#[cfg(test)]
mod tests;
mod token;

use alloc::vec::Vec;

pub use error::{BytesError, BytesErrorKind};

use dup::{Keys, Obj};
use error::BytesErrorKind as K;

/// The outcome of [`estimate_json_bytes_limited`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BytesEstimate {
    /// `serde_json::to_vec(&serde_json::from_slice::<Value>(input)?)?.len()`.
    pub size: u64,
    /// The deepest nesting of containers (a scalar document is 0, `[]` is 1, `[{}]` is 2).
    pub depth: usize,
    /// How many elements the document's top-level array holds (`[]` is 0, `[1, [2, 3]]` is
    /// 2); `None` when the document is not an array.
    pub top_level_len: Option<u64>,
}

/// The exact length of `serde_json::to_vec(&serde_json::from_slice::<Value>(input)?)`,
/// computed from the bytes in one pass without building the `Value`; any nesting depth.
///
/// The input is validated as strictly as serde_json validates it (the same documents are
/// accepted and refused: trailing commas, lone surrogates, raw control characters in
/// strings, invalid UTF-8, numbers out of range, trailing characters are errors), and
/// measured as serde_json re-prints it:
///
/// - whitespace is dropped, escapes are normalised (`\/` → `/`, `\u00e9` → `é` in two
///   bytes, `\u0001` stays six bytes, `\u000a` → `\n`);
/// - numbers are printed as parsed: `1E2` → `100.0`, `1.50` → `1.5`, `-0` → `-0.0`,
///   integers beyond `u64`/`i64` as floats (short numbers are measured directly; the rest
///   are parsed by serde_json itself, so its rounding is reproduced exactly);
/// - a key repeated in one object is printed once, with its last value.
///
/// Memory: a bit per open container, plus a 24-byte record per entry of each *open*
/// object (its key hash, position and printed size — needed because a duplicate key
/// shrinks the output), freed when the object closes. Time: linear in the input (objects
/// with hash-equal keys or more than 32 entries are sorted once at their end).
///
/// On x86-64 processors with AVX2 the document is first read 64 bytes at a time (whitespace,
/// strings and escapes found with vector compares, the grammar then checked token by
/// token); an object whose keys repeat those of an earlier object at its depth is not
/// hashed (this keeps the key positions of one object of up to 64 keys for each of the
/// first 16 levels, 16 bytes a key). A document that this pass does not accept — an error, a repeated key, the
/// depth limit — is read again by the exact scanner, which reports the error.
///
/// ```
/// use weaver_estimate::estimate_json_bytes;
///
/// let doc = br#"{ "a": [1.50, 1E2, "\u00e9\/"], "a": -0 }"#;
/// let value: serde_json::Value = serde_json::from_slice(doc).unwrap();
/// assert_eq!(serde_json::to_string(&value).unwrap(), r#"{"a":-0.0}"#);
/// assert_eq!(estimate_json_bytes(doc).unwrap(), 10);
///
/// let err = estimate_json_bytes(b"[1,\n 2,]").unwrap_err();
/// assert_eq!((err.line, err.column), (2, 4));
/// assert_eq!(err.to_string(), "trailing comma at line 2 column 4");
/// ```
///
/// Differences from serde_json: none in what is accepted or measured (a proptest checks
/// both on arbitrary and on mutated documents); the error *kinds* and positions may differ
/// slightly (serde_json sometimes points one byte further). Like serde_json, a UTF-8 byte
/// order mark is not accepted: strip it first if your input may carry one.
pub fn estimate_json_bytes(input: &[u8]) -> Result<u64, BytesError> {
    estimate_json_bytes_limited(input, usize::MAX).map(|e| e.size)
}

/// [`estimate_json_bytes`] that also reports the nesting depth and the length of a top-level
/// array, and refuses documents nested deeper than `max_depth` containers
/// ([`BytesErrorKind::DepthLimitExceeded`], at the first container past the limit).
///
/// Use it as a cheap validating pre-pass before handing a document to code whose cost
/// grows with depth (a recursive parser, a `Value`): it accepts exactly the documents
/// `serde_json::from_slice` accepts when its recursion limit is disabled.
///
/// ```
/// use weaver_estimate::{estimate_json_bytes_limited, BytesErrorKind};
///
/// let e = estimate_json_bytes_limited(b"[[[]], {}]", 8).unwrap();
/// assert_eq!((e.size, e.depth, e.top_level_len), (9, 3, Some(2)));
/// let err = estimate_json_bytes_limited(b"[[[]]]", 2).unwrap_err();
/// assert_eq!(err.kind, BytesErrorKind::DepthLimitExceeded { limit: 2 });
/// ```
pub fn estimate_json_bytes_limited(
    input: &[u8],
    max_depth: usize,
) -> Result<BytesEstimate, BytesError> {
    // The fast path vouches for what it returns and gives up on anything else (errors
    // included), which the exact scanner then reads from the start.
    #[cfg(target_arch = "x86_64")]
    if let Some(e) = simd::Impl::detect().and_then(|imp| fast::estimate(input, max_depth, imp)) {
        return Ok(e);
    }
    exact(input, max_depth)
}

/// The exact scanner alone: token by token, every error with its kind and position.
fn exact(input: &[u8], max_depth: usize) -> Result<BytesEstimate, BytesError> {
    Scan {
        b: input,
        size: 0,
        depth: 0,
        max_seen: 0,
        top_level_len: None,
        limit: max_depth,
        in_object: false,
        kinds: Vec::new(),
        objs: Vec::new(),
        keys: Keys::default(),
    }
    .run()
}

/// Skips JSON whitespace.
#[inline]
fn ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(i) {
        i += 1;
    }
    i
}

struct Scan<'a> {
    b: &'a [u8],
    size: u64,
    depth: usize,
    max_seen: usize,
    /// Elements of the top-level array seen so far (`None` unless the root is an array).
    top_level_len: Option<u64>,
    limit: usize,
    /// Whether the innermost open container is an object (the top bit of `kinds`).
    in_object: bool,
    /// One bit per open container: set for an object.
    kinds: Vec<u64>,
    /// The open objects, innermost last.
    objs: Vec<Obj>,
    keys: Keys,
}

impl Scan<'_> {
    fn err(&self, kind: K, at: usize) -> BytesError {
        BytesError::at(kind, self.b, at)
    }

    /// `UnexpectedEof` at the end, `other` elsewhere.
    fn err_or_eof(&self, other: K, at: usize) -> BytesError {
        self.err(
            if at >= self.b.len() {
                K::UnexpectedEof
            } else {
                other
            },
            at,
        )
    }

    fn push(&mut self, object: bool, at: usize) -> Result<(), BytesError> {
        if self.depth >= self.limit {
            return Err(self.err(K::DepthLimitExceeded { limit: self.limit }, at));
        }
        let (word, bit) = (self.depth / 64, self.depth % 64);
        if word == self.kinds.len() {
            self.kinds.push(0);
        }
        if object {
            self.kinds[word] |= 1 << bit;
            self.objs.push(self.keys.open());
        } else {
            self.kinds[word] &= !(1 << bit);
        }
        self.depth += 1;
        self.in_object = object;
        self.max_seen = self.max_seen.max(self.depth);
        Ok(())
    }

    fn top_is_object(&self) -> bool {
        let d = self.depth - 1;
        self.kinds[d / 64] >> (d % 64) & 1 == 1
    }

    /// Measures the key at `b[i]` (an opening quote), its colon and the whitespace after;
    /// returns where the value starts.
    #[inline]
    fn key(&mut self, i: usize) -> Result<usize, BytesError> {
        let s = token::string(self.b, i)?;
        if let Some(obj) = self.objs.last_mut() {
            self.keys.key(obj, self.b, i, &s, self.size);
        }
        self.size += s.out;
        let j = ws(self.b, s.end);
        if self.b.get(j) != Some(&b':') {
            return Err(self.err_or_eof(K::ExpectedColon, j));
        }
        self.size += 1;
        Ok(ws(self.b, j + 1))
    }

    /// After `{` and whitespace at `b[i]`: the first key, or a misplaced byte.
    fn expect_key(&self, i: usize, after_comma: bool) -> Result<(), BytesError> {
        match self.b.get(i) {
            Some(b'"') => Ok(()),
            Some(b'}') if after_comma => Err(self.err(K::TrailingComma, i)),
            _ => Err(self.err_or_eof(K::KeyMustBeAString, i)),
        }
    }

    fn run(mut self) -> Result<BytesEstimate, BytesError> {
        let b = self.b;
        let mut i = ws(b, 0);
        'value: loop {
            // One value starts at `b[i]` (whitespace already skipped).
            match b.get(i) {
                Some(b'"') => {
                    let s = token::string(b, i)?;
                    self.size += s.out;
                    i = s.end;
                }
                Some(b'{') => {
                    self.push(true, i)?;
                    self.size += 1;
                    i = ws(b, i + 1);
                    if b.get(i) == Some(&b'}') {
                        self.close(i);
                        i += 1;
                    } else {
                        self.expect_key(i, false)?;
                        i = self.key(i)?;
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.push(false, i)?;
                    self.size += 1;
                    i = ws(b, i + 1);
                    let empty = b.get(i) == Some(&b']');
                    if self.depth == 1 {
                        self.top_level_len = Some(u64::from(!empty));
                    }
                    if empty {
                        self.close(i);
                        i += 1;
                    } else {
                        continue 'value;
                    }
                }
                Some(b't') => {
                    i = token::literal(b, i, b"true")?;
                    self.size += 4;
                }
                Some(b'f') => {
                    i = token::literal(b, i, b"false")?;
                    self.size += 5;
                }
                Some(b'n') => {
                    i = token::literal(b, i, b"null")?;
                    self.size += 4;
                }
                Some(b'-' | b'0'..=b'9') => {
                    let (n, end) = token::number(b, i)?;
                    self.size += n;
                    i = end;
                }
                _ => return Err(self.err_or_eof(K::ExpectedValue, i)),
            }
            // A value ended: close containers until one continues with a comma.
            loop {
                i = ws(b, i);
                if self.depth == 0 {
                    if i < b.len() {
                        return Err(self.err(K::TrailingCharacters, i));
                    }
                    return Ok(BytesEstimate {
                        size: self.size,
                        depth: self.max_seen,
                        top_level_len: self.top_level_len,
                    });
                }
                if self.in_object {
                    match b.get(i) {
                        Some(b',') => {
                            self.size += 1;
                            i = ws(b, i + 1);
                            self.expect_key(i, true)?;
                            i = self.key(i)?;
                            continue 'value;
                        }
                        Some(b'}') => {
                            self.close(i);
                            i += 1;
                        }
                        _ => return Err(self.err_or_eof(K::ExpectedCommaOrEndOfObject, i)),
                    }
                } else {
                    match b.get(i) {
                        Some(b',') => {
                            self.size += 1;
                            if self.depth == 1
                                && let Some(n) = &mut self.top_level_len
                            {
                                *n += 1;
                            }
                            i = ws(b, i + 1);
                            if b.get(i) == Some(&b']') {
                                return Err(self.err(K::TrailingComma, i));
                            }
                            continue 'value;
                        }
                        Some(b']') => {
                            self.close(i);
                            i += 1;
                        }
                        _ => return Err(self.err_or_eof(K::ExpectedCommaOrEndOfArray, i)),
                    }
                }
            }
        }
    }

    /// Closes the innermost container at `b[_at]` (its `}` or `]`).
    fn close(&mut self, _at: usize) {
        if self.in_object
            && let Some(obj) = self.objs.pop()
        {
            self.size -= self.keys.close(&obj, self.b);
        }
        self.size += 1;
        self.depth -= 1;
        self.in_object = self.depth > 0 && self.top_is_object();
    }
}
