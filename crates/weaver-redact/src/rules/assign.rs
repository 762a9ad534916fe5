//! The keyword rules' checks: where a name starts, where its value starts and ends
//! (separators, quotes), and the tests on the words around Bearer / Basic credentials.

use super::{Check, Span, Verdict};
use crate::Kind;

/// Whether the keyword at `s` names something: it starts a name token
/// ([`keyword_boundary`]) and is not itself a value, right after `=` or `:`
/// (`key=auth:abc…` is a cache key whose value mentions `auth`, not an `auth` assignment).
pub(crate) fn names_at(hay: &[u8], s: usize) -> bool {
    keyword_boundary(hay, s) && !matches!(s.checked_sub(1).map(|i| hay[i]), Some(b'=' | b':'))
}

/// Whether `word` (lowercase) occurs case-insensitively within `dist` bytes before `s`.
pub(crate) fn has_word_before(hay: &[u8], s: usize, word: &[u8], dist: usize) -> bool {
    let lo = s.saturating_sub(dist);
    hay[lo..s]
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word))
}

pub(crate) fn token_after_word(m: &[u8]) -> &[u8] {
    let sp = m
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(m.len());
    let rest = &m[sp..];
    let t = rest
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(rest.len());
    &rest[t..]
}

/// Whether `tok` is standard base64 whose decoded bytes contain `:` (Basic's `user:pass`).
pub(crate) fn base64_has_colon(tok: &[u8]) -> bool {
    if tok.len() < 8 || !tok.len().is_multiple_of(4) {
        return false;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    for quad in tok.chunks(4) {
        let mut acc = 0u32;
        let mut n = 0;
        for &c in quad {
            if c == b'=' {
                break;
            }
            let Some(v) = val(c) else { return false };
            acc = (acc << 6) | v;
            n += 1;
        }
        let bytes = acc.to_be_bytes();
        let decoded: &[u8] = match n {
            4 => &bytes[1..4],
            3 => &[(acc >> 10) as u8, (acc >> 2) as u8],
            2 => &[(acc >> 4) as u8],
            _ => &[],
        };
        if decoded.contains(&b':') {
            return true;
        }
    }
    false
}

/// Whether the keyword at `s` starts a key name token: not glued to a preceding lowercase
/// letter or digit, except at a camelCase step (`nextPageToken`).
pub(crate) fn keyword_boundary(hay: &[u8], s: usize) -> bool {
    let Some(&prev) = s.checked_sub(1).and_then(|i| hay.get(i)) else {
        return true;
    };
    if prev.is_ascii_digit() {
        return false;
    }
    if prev.is_ascii_alphabetic() {
        return prev.is_ascii_lowercase() && hay[s].is_ascii_uppercase();
    }
    true
}

/// Where the value starts in an assignment match: after the keyword, quotes, spaces and
/// the separator (`=`, `:`, `=>`, `:=`).
pub(crate) fn value_start(m: &[u8]) -> usize {
    let sep = m.iter().position(|&b| b == b':' || b == b'=').unwrap_or(0);
    let mut i = sep + 1;
    if matches!(m.get(i), Some(b'=' | b'>')) {
        i += 1;
    }
    while i < m.len() && matches!(m[i], b' ' | b'\t') {
        i += 1;
    }
    if i < m.len() && matches!(m[i], b'"' | b'\'') {
        i += 1;
    }
    i
}

/// The value of an assignment match `m` as a range: after [`value_start`], without the
/// closing quote of a quoted value (which may hold spaces).
pub(crate) fn value_range(m: &[u8]) -> (usize, usize) {
    let vs = value_start(m);
    let quote = vs
        .checked_sub(1)
        .map(|i| m[i])
        .filter(|q| matches!(q, b'"' | b'\''));
    match quote {
        Some(q) if m.len() > vs && m[m.len() - 1] == q => (vs, m.len() - 1),
        _ => (vs, m.len()),
    }
}

/// Where the value starts in a spaced API-key match (`api key <value>`).
pub(crate) fn spaced_value_start(m: &[u8]) -> usize {
    let sp = m
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(m.len());
    sp + m[sp..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

pub(crate) fn assignment_check(check: Check, hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    if !names_at(hay, s) {
        return Verdict::Reject;
    }
    let (vs, ve) = if check == Check::AssignmentSpaced {
        (spaced_value_start(m), m.len())
    } else {
        value_range(m)
    };
    let value = &m[vs..ve];
    let lower_kw: Vec<u8> = m[..vs].iter().map(u8::to_ascii_lowercase).collect();
    let password_like = lower_kw.starts_with(b"pass")
        || lower_kw.starts_with(b"pwd")
        || lower_kw.starts_with(b"secret")
        || lower_kw.starts_with(b"cred");
    let min = if password_like { 4 } else { 8 };
    if value.len() < min {
        return Verdict::Reject;
    }
    // A plural name with a number is a count (`tokens: 12345678`), as a count qualifier
    // keeps a number under a key: `password: 12345678` is still masked.
    let name_end = m[..vs]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')))
        .unwrap_or(vs);
    if m[..name_end]
        .last()
        .is_some_and(|b| b.eq_ignore_ascii_case(&b's'))
        && value.iter().all(u8::is_ascii_digit)
    {
        return Verdict::Reject;
    }
    if check == Check::AssignmentSpaced && value.iter().all(u8::is_ascii_lowercase) {
        // "api key generation": prose, not a key.
        return Verdict::Reject;
    }
    let kind = if lower_kw.starts_with(b"bearer") {
        Kind::Bearer
    } else {
        Kind::ApiKey
    };
    Verdict::Mask(
        Span {
            start: s + vs,
            end: s + ve,
            kind,
        },
        e,
    )
}
