//! JSON string escapes in text mode: NDJSON logs and JSON documents redacted as text carry
//! their line breaks, slashes and sometimes `@`/`&` as escapes (`\n`, `\/`, `\u0040`). The
//! rules must see word boundaries *as if decoded* (`creds:\nAKIA…` holds a key after a line
//! break, not a word `nAKIA…`), and a mask must cover whole escapes so the output stays
//! valid JSON (`"hi\n[REDACTED]"`, never `"hi\[REDACTED]"`).
//!
//! [`Decoded::new`] turns a haystack into its decoded bytes plus, for each decoded byte,
//! the original range it came from; the engine matches on the decoded bytes and maps every
//! span back through [`Decoded::original`]. The decoding depends only on the bytes given,
//! so a stream and a one-shot call decode a segment the same way.

/// A decoded haystack and its map back to the original bytes.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    /// The decoded bytes.
    pub(crate) bytes: Vec<u8>,
    /// For decoded byte `i`: where the original text it came from starts…
    start: Vec<u32>,
    /// …and ends (a whole escape for escaped bytes).
    end: Vec<u32>,
}

impl Decoded {
    /// Decodes the JSON escapes of `hay` (`\n \t \r \b \f \" \\ \/` and `\uXXXX`, surrogate
    /// pairs included; a lone surrogate or a malformed escape stays as it is). `None` when
    /// `hay` holds no escape, so callers keep the original bytes.
    pub(crate) fn new(hay: &[u8]) -> Option<Decoded> {
        let first = memchr::memchr(b'\\', hay)?;
        let mut d = Decoded {
            bytes: Vec::with_capacity(hay.len()),
            start: Vec::with_capacity(hay.len()),
            end: Vec::with_capacity(hay.len()),
        };
        d.raw(hay, 0, first);
        let mut i = first;
        let mut escaped = false;
        while i < hay.len() {
            let Some(off) = memchr::memchr(b'\\', &hay[i..]) else {
                d.raw(hay, i, hay.len());
                break;
            };
            d.raw(hay, i, i + off);
            i += off;
            let (len, ch) = escape_at(hay, i);
            if len == 0 {
                d.raw(hay, i, i + 1);
                i += 1;
                continue;
            }
            escaped = true;
            let mut buf = [0u8; 4];
            for &b in ch.encode_utf8(&mut buf).as_bytes() {
                d.push(b, i, i + len);
            }
            i += len;
        }
        escaped.then_some(d)
    }

    fn push(&mut self, b: u8, s: usize, e: usize) {
        self.bytes.push(b);
        // Haystacks are segments of at most the hold cap plus context: far below 4 GiB.
        self.start.push(u32::try_from(s).unwrap_or(u32::MAX));
        self.end.push(u32::try_from(e).unwrap_or(u32::MAX));
    }

    fn raw(&mut self, hay: &[u8], a: usize, b: usize) {
        for (k, &byte) in hay[a..b].iter().enumerate() {
            self.push(byte, a + k, a + k + 1);
        }
    }

    /// The first decoded index whose original text starts at or after `pos`.
    pub(crate) fn index_at(&self, pos: usize) -> usize {
        self.start.partition_point(|&s| (s as usize) < pos)
    }

    /// The original range of the decoded range `[a, b)` (whole escapes, `a < b`).
    pub(crate) fn original(&self, a: usize, b: usize) -> (usize, usize) {
        (self.start[a] as usize, self.end[b - 1] as usize)
    }
}

/// The escape starting at `hay[i]` (a backslash): its length and the character it stands
/// for, or length 0 when it is not a JSON escape.
fn escape_at(hay: &[u8], i: usize) -> (usize, char) {
    let Some(&c) = hay.get(i + 1) else {
        return (0, '\0');
    };
    let simple = match c {
        b'n' => '\n',
        b't' => '\t',
        b'r' => '\r',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'u' => {
            let Some(hi) = hex4(hay, i + 2) else {
                return (0, '\0');
            };
            if let Some(ch) = char::from_u32(hi) {
                return (6, ch);
            }
            // A high surrogate followed by a low one: one character from twelve bytes.
            let lo = (hay.get(i + 6) == Some(&b'\\') && hay.get(i + 7) == Some(&b'u'))
                .then(|| hex4(hay, i + 8))
                .flatten();
            if let Some(lo) = lo
                && (0xD800..0xDC00).contains(&hi)
                && (0xDC00..0xE000).contains(&lo)
                && let Some(ch) = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
            {
                return (12, ch);
            }
            return (0, '\0');
        }
        _ => return (0, '\0'),
    };
    (2, simple)
}

fn hex4(hay: &[u8], at: usize) -> Option<u32> {
    let digits = hay.get(at..at + 4)?;
    let mut v = 0u32;
    for &d in digits {
        v = v * 16 + char::from(d).to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_maps_back_whole_escapes() {
        let hay = br"a\nb\u0040c\\n\uD83D\uDE00\q";
        let d = Decoded::new(hay).expect("has escapes");
        assert_eq!(d.bytes, "a\nb@c\\n\u{1F600}\\q".as_bytes());
        // The `@` maps back to the whole `\u0040`.
        let at = d.bytes.iter().position(|&b| b == b'@').unwrap();
        assert_eq!(d.original(at, at + 1), (4, 10));
        // `\\n` is an escaped backslash then a plain `n`, not a line break.
        assert_eq!(d.bytes[6], b'n');
        // The emoji's four bytes all map to the twelve-byte surrogate pair.
        let e = d.bytes.len() - 6;
        assert_eq!(d.original(e, e + 4), (14, 26));
        assert_eq!(d.index_at(4), at);
        assert!(Decoded::new(b"no escapes").is_none());
        assert!(Decoded::new(br"C:\q \x").is_none());
    }
}
