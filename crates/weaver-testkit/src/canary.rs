//! Planted secrets ("canaries"): their formats, their families, and the log of where each
//! one was put.
//!
//! A canary is the sensitive substring that must never survive redaction; it is planted
//! inside a *rendering* that gives it its usual context (`Bearer <token>`,
//! `api_key=<key>`, a full database URL …). Every canary of a workload is unique.

use std::collections::HashSet;
use std::io;

use serde_json::{Map, Value, json};

use crate::rng::{Deck, Rng};
use crate::vocab;

/// The secret families drawn at random, with their long-run weights.
pub(crate) const KINDS: [(&str, u32); 8] = [
    ("email", 20),
    ("phone", 18),
    ("card", 12),
    ("ssn", 8),
    ("bearer", 12),
    ("jwt", 10),
    ("api_key", 12),
    ("conn_str", 8),
];

const EMAIL: [(&str, u32); 2] = [("plain", 4), ("plus_tag", 1)];
const PHONE: [(&str, u32); 6] = [
    ("us_dash", 4),
    ("us_paren", 3),
    ("us_dot", 1),
    ("intl_us", 2),
    ("intl_uk", 1),
    ("bare10", 1),
];
const CARD: [(&str, u32); 5] = [
    ("visa_spaced", 3),
    ("visa_dashed", 1),
    ("visa_plain", 3),
    ("mc_plain", 2),
    ("amex_spaced", 1),
];
const SSN: [(&str, u32); 3] = [("dashed", 6), ("spaced", 2), ("bare", 1)];
const BEARER: [(&str, u32); 2] = [("header", 4), ("lower", 1)];
const API_KEY: [(&str, u32); 5] = [
    ("assign", 4),
    ("camel_colon", 2),
    ("x_api_key_header", 2),
    ("access_key", 1),
    ("json_pair", 1),
];
const CONN: [(&str, u32); 2] = [("postgres", 3), ("postgresql_params", 1)];

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

/// One drawn secret.
#[derive(Debug, Clone)]
pub(crate) struct Secret {
    /// The substring that must not survive.
    pub(crate) canary: String,
    /// How it appears in context (contains `canary`).
    pub(crate) rendered: String,
    /// The family (`email`, `phone` …).
    pub(crate) kind: &'static str,
    /// The format variant.
    pub(crate) variant: &'static str,
}

/// Draws unique secrets of every family.
pub(crate) struct SecretMaker {
    issued: HashSet<String>,
    kinds: Deck<&'static str>,
}

impl SecretMaker {
    pub(crate) fn new() -> SecretMaker {
        SecretMaker {
            issued: HashSet::new(),
            kinds: Deck::weighted(&KINDS.map(|(k, w)| (k, w.div_ceil(4)))),
        }
    }

    /// A random family: every family once per round, then weighted extras.
    pub(crate) fn pick_kind(&mut self, rng: &mut Rng) -> &'static str {
        self.kinds.draw(rng)
    }

    fn unique(
        &mut self,
        rng: &mut Rng,
        mut draw: impl FnMut(&mut Rng) -> String,
    ) -> io::Result<String> {
        for _ in 0..1000 {
            let v = draw(rng);
            if self.issued.insert(v.clone()) {
                return Ok(v);
            }
        }
        Err(io::Error::other(
            "could not draw a unique secret in 1000 tries",
        ))
    }

    /// A secret of `kind` in a random variant of that family.
    pub(crate) fn make(&mut self, rng: &mut Rng, kind: &str) -> io::Result<Secret> {
        self.make_variant(rng, kind, None)
    }

    /// A secret of `kind`; `variant` forces one format of the family.
    pub(crate) fn make_variant(
        &mut self,
        rng: &mut Rng,
        kind: &str,
        variant: Option<&'static str>,
    ) -> io::Result<Secret> {
        let mut pick =
            |table: &[(&'static str, u32)]| variant.unwrap_or_else(|| *rng.weighted(table));
        let (kind, variant): (&'static str, &'static str) = match kind {
            "email" => ("email", pick(&EMAIL)),
            "phone" => ("phone", pick(&PHONE)),
            "card" => ("card", pick(&CARD)),
            "ssn" => ("ssn", pick(&SSN)),
            "bearer" => ("bearer", pick(&BEARER)),
            "jwt" => ("jwt", "hs256"),
            "api_key" => ("api_key", pick(&API_KEY)),
            "conn_str" => ("conn_str", pick(&CONN)),
            "password" => ("password", "plain"),
            other => return Err(io::Error::other(format!("unknown secret family {other:?}"))),
        };
        let (canary, rendered) = match kind {
            "email" => {
                let v = self.unique(rng, |r| email(r, variant))?;
                (v.clone(), v)
            }
            "phone" => {
                let v = self.unique(rng, |r| phone(r, variant))?;
                (v.clone(), v)
            }
            "card" => {
                let v = self.unique(rng, |r| card(r, variant))?;
                (v.clone(), v)
            }
            "ssn" => {
                let v = self.unique(rng, |r| ssn(r, variant))?;
                (v.clone(), v)
            }
            "bearer" => {
                let tok = self.unique(rng, |r| {
                    let n = r.int(28, 44) as usize;
                    format!("tok_{}", r.string(B64URL, n))
                })?;
                let scheme = if variant == "header" {
                    "Bearer"
                } else {
                    "bearer"
                };
                let rendered = format!("{scheme} {tok}");
                (tok, rendered)
            }
            "jwt" => {
                let v = self.unique(rng, jwt)?;
                (v.clone(), v)
            }
            "api_key" => {
                let v = self.unique(rng, |r| match r.below(3) {
                    0 => format!("sk_live_{}", r.string(ALNUM, 24)),
                    1 => format!("AKIA{}", r.string(UPPER_ALNUM, 16)),
                    _ => r.string(HEX, 32),
                })?;
                let rendered = match variant {
                    "assign" => format!("api_key={v}"),
                    "camel_colon" => format!("apiKey: {v}"),
                    "x_api_key_header" => format!("X-API-Key: {v}"),
                    "access_key" => format!("access_key={v}"),
                    _ => format!("\"api_key\": \"{v}\""),
                };
                (v, rendered)
            }
            "conn_str" => {
                let pw = self.unique(rng, |r| format!("pw{}", r.string(ALNUM, 14)))?;
                let user = rng.pick(&["app", "svc_orders", "readonly", "etl_user", "admin"]);
                let url = if variant == "postgres" {
                    let db = rng.pick(&["orders", "app", "billing"]);
                    format!(
                        "postgres://{user}:{pw}@db-{}.internal.example.com:5432/{db}",
                        rng.int(1, 40)
                    )
                } else {
                    format!(
                        "postgresql://{user}:{pw}@pg{}/app?sslmode=require",
                        rng.int(1, 40)
                    )
                };
                (pw, url)
            }
            _ => {
                let v = self.unique(rng, |r| format!("Pw!{}", r.string(ALNUM, 13)))?;
                (v.clone(), v)
            }
        };
        Ok(Secret {
            canary,
            rendered,
            kind,
            variant,
        })
    }
}

fn email(rng: &mut Rng, variant: &str) -> String {
    let given = rng.pick(&vocab::GIVEN);
    let family = rng.pick(&vocab::FAMILY);
    let n = rng.int(10, 99_999);
    let domain = rng.pick(&vocab::MAIL_DOMAINS);
    if variant == "plus_tag" {
        let tag = rng.string(b"abcdefghijklmnopqrstuvwxyz", 5);
        format!("{given}+{tag}{n}@{domain}")
    } else {
        format!("{given}.{family}{n}@{domain}")
    }
}

fn phone(rng: &mut Rng, variant: &str) -> String {
    let (a, e, l) = (rng.int(201, 989), rng.int(201, 999), rng.int(0, 9999));
    match variant {
        "us_dash" => format!("{a}-{e}-{l:04}"),
        "us_paren" => format!("({a}) {e}-{l:04}"),
        "us_dot" => format!("{a}.{e}.{l:04}"),
        "intl_us" => format!("+1 {a}-{e}-{l:04}"),
        "intl_uk" => format!("+44 20 {} {l:04}", rng.int(7000, 8999)),
        _ => format!("{a}{e}{l:04}"),
    }
}

/// A Luhn-valid number of `len` digits starting with `prefix`.
pub(crate) fn luhn_number(rng: &mut Rng, prefix: &str, len: usize) -> String {
    let mut digits: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
    while digits.len() + 1 < len {
        digits.push(rng.below(10) as u8);
    }
    // Walking from the right of the body, every other digit (starting with the rightmost)
    // is doubled once the check digit is appended.
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    digits.push(((10 - sum % 10) % 10) as u8);
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

fn card(rng: &mut Rng, variant: &str) -> String {
    let num = match variant {
        "mc_plain" => {
            let p = rng.int(51, 55).to_string();
            luhn_number(rng, &p, 16)
        }
        "amex_spaced" => {
            let p = *rng.pick(&["34", "37"]);
            luhn_number(rng, p, 15)
        }
        _ => luhn_number(rng, "4", 16),
    };
    let groups = |sep: &str| [&num[0..4], &num[4..8], &num[8..12], &num[12..16]].join(sep);
    match variant {
        "visa_spaced" => groups(" "),
        "visa_dashed" => groups("-"),
        "amex_spaced" => format!("{} {} {}", &num[..4], &num[4..10], &num[10..]),
        _ => num,
    }
}

fn ssn(rng: &mut Rng, variant: &str) -> String {
    let mut area = rng.int(1, 899);
    while area == 666 {
        area = rng.int(1, 899);
    }
    let (group, serial) = (rng.int(1, 99), rng.int(1, 9999));
    match variant {
        "dashed" => format!("{area:03}-{group:02}-{serial:04}"),
        "spaced" => format!("{area:03} {group:02} {serial:04}"),
        _ => format!("{area:03}{group:02}{serial:04}"),
    }
}

/// Unpadded base64url.
fn b64url(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(B64URL[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn jwt(rng: &mut Rng) -> String {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = json!({
        "sub": format!("user_{}", rng.int(1000, 999_999)),
        "iat": 1_714_500_000 + rng.int(0, 10_000_000),
        "scope": rng.pick(&["read", "read write", "admin"]),
        "jti": rng.string(HEX, 12),
    });
    let body = b64url(claims.to_string().as_bytes());
    let sig = rng.string(B64URL, 43);
    format!("{header}.{body}.{sig}")
}

/// A sentence carrying `rendered` the way free text mentions a secret of `kind`.
///
/// Bare digit runs (10-digit phones, 9-digit SSNs) get a cue word close before them, as a
/// human would write them; the other families are recognisable on their own.
pub(crate) fn sentence_with(rng: &mut Rng, kind: &str, rendered: &str) -> String {
    let r = rendered;
    let n = rng.below(3);
    match (kind, n) {
        ("email", 0) => format!("Please send the invoice to {r} from now on."),
        ("email", 1) => format!("Reach the buyer at {r}"),
        ("email", _) => format!("loop in {r} on any update"),
        ("phone", 0) => format!("Call the buyer on {r} before delivery."),
        ("phone", 1) => format!("mobile {r} (preferred)"),
        ("phone", _) => format!("sms {r} once dispatched"),
        ("card", 0 | 1) => format!("Charged card {r}, authorised."),
        ("card", _) => format!("stored card {r}"),
        ("ssn", 0 | 1) => format!("Agent confirmed SSN {r}."),
        ("ssn", _) => format!("tax id on file: {r}"),
        ("bearer", 0 | 1) => format!("debug: sent Authorization: {r} and got 401"),
        ("bearer", _) => format!("replayed with Authorization: {r}"),
        ("jwt", 0 | 1) => format!("session jwt {r} attached"),
        ("jwt", _) => format!("jwt={r}"),
        ("api_key", 0 | 1) => format!("integration uses {r}"),
        ("api_key", _) => format!("partner settings: {r} zone=eu-west-1"),
        ("conn_str", 0 | 1) => format!("moved off {r} last sprint"),
        (_, _) => format!("DSN: {r}"),
    }
}

/// A fresh secret of a random family inside a sentence: `(sentence, secret)`.
pub(crate) fn inline_secret(rng: &mut Rng, sm: &mut SecretMaker) -> io::Result<(String, Secret)> {
    let kind = sm.pick_kind(rng);
    let secret = sm.make(rng, kind)?;
    Ok((sentence_with(rng, kind, &secret.rendered), secret))
}

/// The canaries of one workload, in planting order, with where each went.
#[derive(Debug, Default)]
pub(crate) struct CanaryLog {
    pub(crate) items: Vec<Map<String, Value>>,
}

impl CanaryLog {
    /// Records `secret` at `placement`; `at` adds location fields (path, depth, row …).
    pub(crate) fn add(&mut self, secret: &Secret, placement: &str, at: Value) {
        let mut m = Map::new();
        m.insert("value".into(), secret.canary.clone().into());
        m.insert("kind".into(), secret.kind.into());
        m.insert("variant".into(), secret.variant.into());
        m.insert("placement".into(), placement.into());
        if let Value::Object(extra) = at {
            m.extend(extra);
        }
        self.items.push(m);
    }

    /// The canary strings, in order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .filter_map(|m| m.get("value").and_then(Value::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luhn_ok(s: &str) -> bool {
        let d: Vec<u32> = s
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| u32::from(b - b'0'))
            .collect();
        let sum: u32 = d
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &x)| {
                if i % 2 == 1 {
                    if x * 2 > 9 { x * 2 - 9 } else { x * 2 }
                } else {
                    x
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    #[test]
    fn cards_pass_luhn_and_secrets_are_unique() {
        let mut rng = Rng::new(3, "c");
        let mut sm = SecretMaker::new();
        let mut seen = HashSet::new();
        for _ in 0..300 {
            let s = sm.make(&mut rng, "card").unwrap();
            assert!(luhn_ok(&s.canary), "{}", s.canary);
            assert!(seen.insert(s.canary.clone()));
            assert!(s.rendered.contains(&s.canary));
        }
        for kind in [
            "email", "phone", "ssn", "bearer", "jwt", "api_key", "conn_str", "password",
        ] {
            let s = sm.make(&mut rng, kind).unwrap();
            assert!(s.rendered.contains(&s.canary), "{kind}");
            assert!(seen.insert(s.canary));
        }
    }

    #[test]
    fn jwt_header_is_the_standard_one() {
        assert_eq!(
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        );
    }
}
