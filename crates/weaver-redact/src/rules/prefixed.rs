//! The checks of the prefix rules that predate the vendor table (AWS, GitHub, Slack,
//! OpenAI / Anthropic, Stripe, Google): each has its own pattern and kind, and shares the
//! table's placeholder test ([`super::vendors::placeholder`]).

use super::vendors::placeholder;
use super::{Check, Verdict};
use crate::Kind;

/// The checks of the prefix rules that predate the table (AWS, GitHub, Slack, OpenAI /
/// Anthropic, Stripe, Google) on their candidate `hay[s..e]`. Placeholders are kept where
/// the body is one word (GitHub, Stripe: no candidate can start inside it, so the engine's
/// skip past a rejected candidate stays exact); a GitHub token whose CRC32 checksum is valid
/// is masked even if it looks like one. AWS ids keep failing closed: the documentation id
/// `AKIA…EXAMPLE` is the workspace's own canary for a secret in many tests.
pub(crate) fn check(check: Check, hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let whole = |k| Verdict::whole(s, e, k);
    let ok = match check {
        Check::Aws => true,
        Check::Github => {
            let pat = m.starts_with(b"github_pat_");
            let min = if pat { 30 } else { 24 };
            let body = &m[if pat { 11 } else { 4 }..];
            m.len() >= min && (!placeholder(body) || github_checksum_ok(m))
        }
        // Legacy `xoxo-` / `xoxs-` tokens are digit groups then hex (`xoxs-1-2-3-abc…`): a
        // file name such as `hugs-xoxo-party-2024.png` is not one.
        Check::Slack if m[3] == b'o' || m[3] == b's' => slack_legacy(&m[5..]) && m.len() >= 15,
        Check::Slack => m.len() >= 15 && m[5..].iter().any(u8::is_ascii_digit),
        Check::OpenAi => {
            let body = &m[3..];
            body.len() >= 20 && body.iter().any(u8::is_ascii_digit)
        }
        Check::Stripe => m.len() >= 8 + 10 && !placeholder(&m[8..]),
        Check::Google => m.len() >= 4 + 30,
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
