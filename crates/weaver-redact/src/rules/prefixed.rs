//! The checks of the prefix rules that predate the vendor table (AWS, GitHub, Slack,
//! OpenAI / Anthropic, Stripe, Google): each has its own pattern and kind, and shares the
//! table's placeholder test ([`super::vendors::placeholder`]).

use super::values::{ascending_run, filler_half, typed_sequence};
use super::vendors::{placeholder, sequential};
use super::{Check, Verdict};
use crate::Kind;

/// The checks of the prefix rules that predate the table (AWS, GitHub, Slack, OpenAI /
/// Anthropic, Stripe, Google) on their candidate `hay[s..e]`. Placeholders are kept where
/// the body is one word (GitHub, Stripe: no candidate can start inside it, so the engine's
/// skip past a rejected candidate stays exact); a GitHub token whose CRC32 checksum is valid
/// is masked even if it looks like one. AWS ids keep failing closed on `EXAMPLE`: the
/// documentation id `AKIA…EXAMPLE` is the workspace's own canary for a secret in many
/// tests; an id half of placeholder filler (`AKIAXXXXXXXXXXXXXXXX`) is kept, not one of
/// another letter (`AKIAZZZZ…`, a test's stand-in for a real id). A body typed by hand
/// ([`typed_sequence`]: `xoxp-1234-1234-1234-…`, `…-klmnopqrstuvwx-…`) and a token whose
/// tail was masked by hand (`xoxp-…-####…`: four or more `#` or `*` right after it) are
/// kept too.
pub(crate) fn check(check: Check, hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let whole = |k| Verdict::whole(s, e, k);
    let masked_tail = hay
        .get(e..e + 4)
        .is_some_and(|t| matches!(t[0], b'#' | b'*') && t.iter().all(|&b| b == t[0]));
    let body_at = match check {
        Check::Github if m.starts_with(b"github_pat_") => 11,
        Check::Stripe => 8,
        Check::Slack | Check::Google | Check::Aws | Check::Github => 4,
        _ => 3,
    };
    // Slack and OpenAI / Anthropic only: `ghp_1234567890abcdef…` and
    // `sk_live_abcdefghijklmnop` are the workspace's own canaries for a token.
    // A Slack body only by its repeated id groups (a run of letters in its secret part
    // is a test vector's stand-in for a real one).
    let body = &m[body_at.min(m.len())..];
    let typed = match check {
        Check::Slack => typed_sequence(body) && !ascending_run(body),
        Check::OpenAi => typed_sequence(body),
        _ => false,
    };
    if masked_tail || typed {
        return Verdict::Reject;
    }
    let ok = match check {
        Check::Aws => !filler_half(&m[4..]),
        Check::Github => {
            let pat = m.starts_with(b"github_pat_");
            let min = if pat { 30 } else { 24 };
            let body = &m[if pat { 11 } else { 4 }..];
            m.len() >= min && (!placeholder(body) || github_checksum_ok(m))
        }
        // Legacy `xoxo-` / `xoxs-` tokens are digit groups then hex (`xoxs-1-2-3-abc…`): a
        // file name such as `hugs-xoxo-party-2024.png` is not one.
        Check::Slack if m[3] == b'o' || m[3] == b's' => slack_legacy(&m[5..]) && m.len() >= 15,
        Check::Slack => slack_current(m),
        Check::OpenAi => {
            if let Some(body) = anthropic_body(m) {
                anthropic_shape(body)
            } else {
                let body = &m[3..];
                body.len() >= 20 && body.iter().any(u8::is_ascii_digit)
            }
        }
        Check::Stripe => m.len() >= 8 + 10 && !placeholder(&m[8..]),
        // `AIza` and exactly 35 more: a longer run is some other identifier.
        Check::Google => m.len() == 4 + 35 && !placeholder(&m[4..]) && !sequential(&m[4..]),
        _ => false,
    };
    if !ok {
        return Verdict::Reject;
    }
    whole(match check {
        Check::Aws => Kind::AwsKey,
        Check::Github => Kind::GithubToken,
        Check::Slack => Kind::SlackToken,
        Check::OpenAi if m.starts_with(b"sk-ant-") => Kind::AnthropicKey,
        Check::OpenAi => Kind::OpenAiKey,
        Check::Stripe => Kind::StripeKey,
        _ => Kind::GoogleApiKey,
    })
}

/// Whether a current Slack token (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`) has its shape: at
/// least 15 bytes with a digit after the prefix, and for bot and user tokens two digit
/// groups before the secret (`xoxb-<team>-<bot>-<secret>`), or one of 8+ digits (legacy
/// `xoxb-<team>-<secret>`), or 100+ bytes (configuration tokens, `xoxp-1-<…>`).
/// `xoxb-12345-abcd234` is a shortened example.
fn slack_current(m: &[u8]) -> bool {
    let body = &m[5..];
    if m.len() < 15 || !body.iter().any(u8::is_ascii_digit) {
        return false;
    }
    if m[3] != b'b' && m[3] != b'p' {
        return true;
    }
    let groups: Vec<&[u8]> = body.split(|&b| b == b'-').collect();
    let digits = |g: &&[u8]| !g.is_empty() && g.iter().all(u8::is_ascii_digit);
    let team = groups
        .first()
        .map_or(0, |g| if digits(g) { g.len() } else { 0 });
    let numbered = groups.len() >= 3 && groups[..2].iter().all(digits);
    team >= 8 || numbered || m.len() >= 100
}

/// The versioned body of an Anthropic key whose layout is public (`sk-ant-api03-` and
/// `sk-ant-admin01-`: 93 bytes of `[A-Za-z0-9_-]`, then `AA`), if `m` starts so.
fn anthropic_body(m: &[u8]) -> Option<&[u8]> {
    [b"sk-ant-api03-".as_slice(), b"sk-ant-admin01-"]
        .iter()
        .find(|p| m.starts_with(p))
        .map(|p| &m[p.len()..])
}

/// Whether an Anthropic body has the public layout (see [`anthropic_body`]) and is not a
/// placeholder.
fn anthropic_shape(body: &[u8]) -> bool {
    body.len() == 95 && body.ends_with(b"AA") && !placeholder(&body[..93])
}

/// Whether a JWT candidate (`eyJ….eyJ…[.sig]`) has a real header or payload: one of its
/// first two segments decodes (base64url) to text that reads as a whole JSON object,
/// `{"…"…}`. Samples made of filler (`eyJ0.eyJ1.…`) decode to objects that never close, or
/// to binary. One good segment is enough (fail closed: an edited header does not make a
/// token's claims and signature harmless).
pub(crate) fn jwt_ok(m: &[u8]) -> bool {
    let mut parts = m.split(|&b| b == b'.');
    let header = parts.next().unwrap_or(b"");
    let payload = parts.next().unwrap_or(b"");
    json_object(header) || json_object(payload)
}

/// Whether a base64url segment decodes to text reading as a whole JSON object.
fn json_object(segment: &[u8]) -> bool {
    let Some(json) = base64url(segment) else {
        return false;
    };
    let end = json.iter().rposition(|b| !b.is_ascii_whitespace());
    let text = std::str::from_utf8(&json).is_ok_and(|t| {
        !t.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    });
    text && json.starts_with(b"{\"") && end.is_some_and(|i| json[i] == b'}')
}

/// Decodes unpadded base64url (or standard base64) text; `None` if a byte is outside the
/// alphabet or the length cannot be a whole encoding.
fn base64url(s: &[u8]) -> Option<Vec<u8>> {
    let val = |b: u8| -> Option<u32> {
        Some(u32::from(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        }))
    };
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            n |= val(b)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// Whether a private key block holds a key: a header line (`Proc-Type:`, `Version:`), at
/// least 16 base64 bytes of body, or a shorter body that is not a bare word (a digit or one
/// of `+/=`). A block around a word (`anything`) or around nothing is a sample of the
/// framing, not a key.
pub(crate) fn pem_ok(m: &[u8]) -> bool {
    // The BEGIN line ends at the first `-----` after `PRIVATE KEY`.
    let key = memchr::memmem::find(m, b"PRIVATE KEY").map_or(0, |i| i + 11);
    let start = memchr::memmem::find(&m[key..], b"-----").map_or(m.len(), |i| key + i + 5);
    let rest = &m[start..];
    let end = memchr::memmem::find(rest, b"-----END").unwrap_or(rest.len());
    let body = &rest[..end];
    let header = body.split(|&b| b == b'\n').any(|l| {
        let l = l.trim_ascii();
        memchr::memchr(b':', l).is_some_and(|i| {
            i > 0
                && l[..i]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        })
    });
    let b64 = body
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b))
        .count();
    // A short body may still be a cut key (`MIIEvQ==`), but not a word: letters only.
    let word = !body
        .iter()
        .any(|b| b.is_ascii_digit() || b"+/=".contains(b));
    header || b64 >= 16 || (b64 > 0 && !word)
}

/// `<digits>-<digits>-<digits>-<hex>`: the body of a legacy Slack token.
fn slack_legacy(body: &[u8]) -> bool {
    let parts: Vec<&[u8]> = body.split(|&b| b == b'-').collect();
    parts.len() >= 4
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
        && parts[parts.len() - 1].iter().all(u8::is_ascii_hexdigit)
        && !parts[parts.len() - 1].is_empty()
}

/// CRC-32 (IEEE, reflected), bitwise: only run on the few tokens that look like
/// placeholders.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Whether a classic GitHub token (`gh?_` + 30 random base62 + 6 checksum) carries a valid
/// checksum: the last six bytes are the CRC-32 of the 30 random ones in base62
/// (`0-9A-Za-z`), left-padded with `0`.
fn github_checksum_ok(m: &[u8]) -> bool {
    if m.len() != 40 || m[3] != b'_' {
        return false;
    }
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = crc32(&m[4..34]);
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    n == 0 && enc == m[34..40]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_checksum() {
        // A body of 30 random bytes and its own CRC-32 in base62.
        let random = b"Zq3T9xY7LmN2pR8sK4vW1bC6dF0gH5";
        let mut n = crc32(random);
        let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut sum = [b'0'; 6];
        for slot in sum.iter_mut().rev() {
            *slot = digits[(n % 62) as usize];
            n /= 62;
        }
        let mut token = b"ghp_".to_vec();
        token.extend_from_slice(random);
        token.extend_from_slice(&sum);
        assert!(github_checksum_ok(&token));
        token[10] ^= 1;
        assert!(!github_checksum_ok(&token));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
