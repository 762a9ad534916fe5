//! The opt-in kinds ([`Kind::OPT_IN`]): IP addresses (v4, v6), MAC addresses, URLs and
//! cryptocurrency wallet addresses. Each is an exact pattern (bounded, so a rejected
//! candidate costs a bounded search) plus a check here; the DFA trigger of each is the
//! same pattern with its tail looping.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::Verdict;
use crate::Kind;

/// IPv4, with an optional CIDR suffix (kept only when it is a valid prefix length).
pub(crate) const IPV4: &str = r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?:/[0-9]{1,3})?";
/// IPv6 candidates: a group and `:` (or `::`), then at most 45 address characters.
pub(crate) const IPV6: &str =
    r"(?:[0-9A-Fa-f]{1,4}:|::)[0-9A-Fa-f:.]{0,45}(?:/[0-9]{1,3})?(?:%[A-Za-z0-9]{1,16})?";
/// MAC addresses: six pairs joined by `:` or `-`. (Cisco's dotted quads, `0012.3a9b.77c4`,
/// would need a trigger branch of their own: `[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.` alone
/// grows the all-kinds automaton by 5 MB, past its size limit; they are not matched.)
pub(crate) const MAC: &str = r"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}";
/// URLs with a scheme, in the token class (a URL ends at whitespace, quotes, brackets,
/// `,`, `;` or `&`); at most 2 KiB.
pub(crate) const URL: &str = r#"(?i:https?|ftp|wss?)://[^\s"'`<>,;&\[\](){}\\]{1,2048}"#;
/// Bitcoin bech32 (`bc1…`/`tb1…`) and Ethereum (`0x` + 40 hex). Legacy base58 Bitcoin
/// addresses have no mark the automaton can afford to fire on, and are not matched.
pub(crate) const CRYPTO: &str =
    r"(?:bc|tb)1[02-9ac-hj-np-z]{8,87}|(?:BC|TB)1[02-9AC-HJ-NP-Z]{8,87}|0x[0-9a-fA-F]{40}";

/// The DFA trigger of the opt-in rules: short marks that fire inside an address or URL
/// (`1.2.3`, `::`, `a:1`, `://`, `aa-bb-cc-`, `0x`, `bc1`). Each of these kinds is one
/// token, which trigger 0's loop never cuts (it is built whenever an opt-in kind is on),
/// so firing anywhere inside is enough. Loops or long counters here multiply the
/// automaton: the exact patterns as triggers do not fit the size limit, a URL loop alone
/// adds 9.5 MB; this one adds about 2.5 MB to the default 5.8 MB.
pub(crate) fn trigger() -> String {
    r"[0-9]\.[0-9]{1,3}\.[0-9]|::|[0-9A-Fa-f]:[0-9A-Fa-f]|://|[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-|0x|[bt]c1|[BT]C1".to_owned()
}

fn word(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn mask(s: usize, e: usize, kind: Kind) -> Verdict {
    Verdict::whole(s, e, kind)
}

/// Words that make a dotted quad a version, not an address (`version 1.2.3.4`, `v1.2.3.4`).
fn version_before(hay: &[u8], s: usize) -> bool {
    let lo = s.saturating_sub(12);
    let win: Vec<u8> = hay[lo..s].iter().map(u8::to_ascii_lowercase).collect();
    let tail = win.trim_ascii_end();
    tail.ends_with(b"version")
        || tail.ends_with(b"ver")
        || tail.ends_with(b"release")
        || tail.ends_with(b"build")
        || tail.ends_with(b"v")
}

/// The length of a valid prefix suffix `/n` (`n` ≤ `max`) at `hay[i..]`, or 0.
fn prefix_len(hay: &[u8], i: usize, max: u32) -> usize {
    if hay.get(i) != Some(&b'/') {
        return 0;
    }
    let digits = hay[i + 1..]
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let text = std::str::from_utf8(&hay[i + 1..i + 1 + digits]).unwrap_or("");
    match text.parse::<u32>() {
        Ok(n) if digits <= 3 && n <= max && !word(hay.get(i + 1 + digits).copied()) => digits + 1,
        _ => 0,
    }
}

/// IPv4: four octets of at most 255 without leading zeros, not glued to a word or to more
/// dotted numbers, not a version (`v1.2.3.4`, `version 10.0.0.1`).
pub(crate) fn ipv4_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let ip_end = s + m.iter().position(|&b| b == b'/').unwrap_or(m.len());
    let text = std::str::from_utf8(&hay[s..ip_end]).unwrap_or("");
    let b1 = s.checked_sub(1).map(|i| hay[i]);
    let b2 = s.checked_sub(2).map(|i| hay[i]);
    let glued_before =
        word(b1) || (matches!(b1, Some(b'.')) && b2.is_some_and(|b| b.is_ascii_digit()));
    let a0 = hay.get(ip_end).copied();
    let a1 = hay.get(ip_end + 1).copied();
    let glued_after =
        word(a0) || (matches!(a0, Some(b'.')) && a1.is_some_and(|b| b.is_ascii_digit()));
    if glued_before || glued_after || text.parse::<Ipv4Addr>().is_err() || version_before(hay, s) {
        return Verdict::Reject;
    }
    let end = ip_end + prefix_len(hay, ip_end, 32);
    mask(s, end, Kind::Ip)
}

/// IPv6: what `std` parses (embedded IPv4 included), at least two colons, standing alone;
/// a valid `/prefix` and a `%zone` are masked with it.
pub(crate) fn ipv6_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let mut n = m
        .iter()
        .position(|&b| b == b'/' || b == b'%')
        .unwrap_or(m.len());
    // A sentence may end right after an address (`… 2001:db8::1.`).
    while n > 0 && m[n - 1] == b'.' {
        n -= 1;
    }
    let text = std::str::from_utf8(&m[..n]).unwrap_or("");
    let colons = memchr::memchr_iter(b':', &m[..n]).count();
    let b1 = s.checked_sub(1).map(|i| hay[i]);
    let after = hay.get(s + n).copied();
    // A lone `::` inside a line (a C++ scope, a Haskell type `f :: Int`) is not an
    // address; with a prefix (`::/0`, the default route), as a key's value (`src=::`) or
    // ending its line after a space (`bind ::`) it is the unspecified address.
    let bare_route = n == 2 && prefix_len(hay, s + n, 128) > 0;
    let line_end = matches!(after, None | Some(b'\n' | b'\r'));
    let bare_value = n == 2 && (b1 == Some(b'=') || (line_end && matches!(b1, Some(b' ' | b'\t'))));
    if colons < 2
        || (n < 3 && !bare_route && !bare_value)
        || word(b1)
        || matches!(b1, Some(b':' | b'.'))
        || word(after)
        || matches!(after, Some(b':'))
        || text.parse::<Ipv6Addr>().is_err()
    {
        return Verdict::Reject;
    }
    let mut end = s + n;
    end += prefix_len(hay, end, 128);
    if hay.get(end) == Some(&b'%') {
        let zone = hay[end + 1..]
            .iter()
            .take(16)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if zone > 0 {
            end += zone + 1;
        }
    }
    mask(s, end, Kind::Ip)
}

/// MAC: one separator throughout, standing alone, not all zeros nor the broadcast address.
pub(crate) fn mac_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let seps: Vec<u8> = m
        .iter()
        .filter(|b| !b.is_ascii_hexdigit())
        .copied()
        .collect();
    let hex: Vec<u8> = m
        .iter()
        .filter(|b| b.is_ascii_hexdigit())
        .map(u8::to_ascii_lowercase)
        .collect();
    let b1 = s.checked_sub(1).map(|i| hay[i]);
    let a0 = hay.get(e).copied();
    let a1 = hay.get(e + 1).copied();
    let glued = word(b1)
        || matches!(b1, Some(b':' | b'-' | b'.'))
        || word(a0)
        || (matches!(a0, Some(b':' | b'-' | b'.')) && a1.is_some_and(|b| b.is_ascii_hexdigit()));
    if glued
        || seps.windows(2).any(|w| w[0] != w[1])
        || hex.iter().all(|&b| b == b'0')
        || hex.iter().all(|&b| b == b'f')
    {
        return Verdict::Reject;
    }
    mask(s, e, Kind::Mac)
}

/// URL: trailing sentence punctuation trimmed, and a host with a dot and a letter TLD (or
/// a bracketed IPv6 host, or `localhost`).
pub(crate) fn url_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let mut m = &hay[s..e];
    if word(s.checked_sub(1).map(|i| hay[i])) {
        return Verdict::Reject;
    }
    while let Some((&last, rest)) = m.split_last() {
        let unbalanced =
            (last == b')' && !rest.contains(&b'(')) || (last == b']' && !rest.contains(&b'['));
        if b".,;:!?'\"".contains(&last) || unbalanced {
            m = rest;
        } else {
            break;
        }
    }
    let body = memchr::memmem::find(m, b"://").map_or(m, |i| &m[i + 3..]);
    let host_end = body
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(body.len());
    let host = &body[..host_end];
    let host = host.rsplit(|&b| b == b'@').next().unwrap_or(host);
    let host = if host.first() == Some(&b'[') {
        host
    } else {
        host.split(|&b| b == b':').next().unwrap_or(host)
    };
    let tld = host.rsplit(|&b| b == b'.').next().unwrap_or(b"");
    let named = host.contains(&b'.')
        && tld.len() >= 2
        && tld.iter().all(u8::is_ascii_alphabetic)
        && !host.starts_with(b".");
    let www_only = host.len() >= 4
        && host[..4].eq_ignore_ascii_case(b"www.")
        && memchr::memchr_iter(b'.', host).count() < 2;
    let ok = (named && !www_only)
        || host.first() == Some(&b'[')
        || host.eq_ignore_ascii_case(b"localhost");
    if ok && !host.is_empty() {
        mask(s, s + m.len(), Kind::Url)
    } else {
        Verdict::Reject
    }
}

/// Wallet addresses: the bech32 / bech32m checksum for `bc1…`, the shape alone for
/// Ethereum's `0x` + 40 hex.
pub(crate) fn crypto_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    if word(s.checked_sub(1).map(|i| hay[i])) || word(hay.get(e).copied()) {
        return Verdict::Reject;
    }
    let ok = if m.starts_with(b"0x") {
        true
    } else {
        bech32_ok(m)
    };
    if ok {
        mask(s, e, Kind::Crypto)
    } else {
        Verdict::Reject
    }
}

/// The bech32 / bech32m checksum (BIP 173 / BIP 350).
pub(crate) fn bech32_ok(m: &[u8]) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let lower: Vec<u8> = m.iter().map(u8::to_ascii_lowercase).collect();
    let Some(sep) = lower.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if data.len() < 6 {
        return false;
    }
    let mut chk: u32 = 1;
    let mut step = |v: u32| {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    };
    for &c in hrp {
        step(u32::from(c >> 5));
    }
    step(0);
    for &c in hrp {
        step(u32::from(c & 31));
    }
    for &c in data {
        let Some(v) = CHARSET.iter().position(|&x| x == c) else {
            return false;
        };
        step(u32::try_from(v).unwrap_or(0));
    }
    chk == 1 || chk == 0x2bc8_30a3
}
