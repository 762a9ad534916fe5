//! Token families recognisable by their own shape, as data: one [`FAMILIES`] line per
//! family (a literal prefix, the body's alphabet, its length range, an optional entropy
//! floor or checksum). Adding a family is one line here plus vectors in
//! `testdata/redact/vendor_*.toml`.
//!
//! All prefixes go into the one scanning DFA, in the token trigger's alternation (so they end
//! in its shared token loop, see [`trigger_alternation`]). The exact pattern
//! ([`regex`]) finds only the prefix on a word boundary; [`check`] then finds the family by
//! prefix, reads its body (at most the family's longest length plus one byte, so a rejected
//! candidate costs a bounded amount and the scan stays linear) and verifies it.
//!
//! Every body alphabet is a subset of the trigger's token class, so the whole token lies in
//! the segment the DFA delimited and the check reads the same bytes in every chunking.
//!
//! Placeholders are kept ([`placeholder`]): a body that holds `EXAMPLE` (any case), one
//! byte repeated for a third of its length, or fewer than four distinct bytes, is
//! documentation, not a credential — unless the family's checksum proves it real.

use super::{Span, Verdict};
use crate::Kind;

/// Which bytes a family's body is made of: a set of classes plus extra bytes.
#[derive(Clone, Copy)]
struct Alpha(u8, &'static [u8]);

const UP: u8 = 1;
const LO: u8 = 2;
const DI: u8 = 4;
/// `a-f` (with [`DI`]: lowercase hex).
const HL: u8 = 8;
/// `A-F` (with [`DI`] and [`HL`]: hex of either case).
const HU: u8 = 16;

const AN: Alpha = Alpha(UP | LO | DI, b"");
const ANL: Alpha = Alpha(LO | DI, b"");
const ANU: Alpha = Alpha(UP | DI, b"");
const HEX: Alpha = Alpha(DI | HL | HU, b"");
const HEXL: Alpha = Alpha(DI | HL, b"");
const WORD: Alpha = Alpha(UP | LO | DI, b"_");
const WD: Alpha = Alpha(UP | LO | DI, b"_-");
const B64: Alpha = Alpha(UP | LO | DI, b"+/=");

impl Alpha {
    fn has(self, b: u8) -> bool {
        let Alpha(f, extra) = self;
        (f & UP != 0 && b.is_ascii_uppercase())
            || (f & LO != 0 && b.is_ascii_lowercase())
            || (f & DI != 0 && b.is_ascii_digit())
            || (f & HL != 0 && (b'a'..=b'f').contains(&b))
            || (f & HU != 0 && (b'A'..=b'F').contains(&b))
            || extra.contains(&b)
    }
}

/// Which lead a [`Lead`] family has, without its parameters: one exact pattern (and one
/// needle) each, so the literal prefixes keep a pure literal pattern the regex engine
/// prefilters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeadKind {
    /// Telegram: digits, then `:A`.
    Digits,
    /// Azure AD: four bytes, then `Q~`.
    Azure,
    /// Terraform Cloud: fourteen bytes, then `.atlasv1.`.
    Terraform,
    /// Facebook app tokens: the app id's digits, then `|`.
    AppId,
    /// Mailchimp: 32 lowercase hex, then `-us` and the data centre's number.
    Mailchimp,
    /// Discord bot tokens: the base64 user id, then `.`.
    Discord,
}

/// How a family's token may begin before its literal prefix.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// The token starts with the prefix.
    None,
    /// `min..=max` digits, then the prefix (Telegram bot tokens: `<bot id>:A…`).
    Digits(usize, usize),
    /// Three of `[A-Za-z0-9_~.]` and one digit, then the prefix (Azure AD secrets: `…8Q~…`).
    Azure,
    /// Fourteen of `[a-z0-9]` and a `.` (Terraform Cloud tokens: `….atlasv1.…`).
    Terraform,
    /// `min..=max` digits, then the prefix `|` (Facebook app tokens: `<app id>|<secret>`).
    AppId(usize, usize),
    /// Exactly this many lowercase hex bytes (Mailchimp: `<32 hex>-us<N>`); the entropy
    /// floor and the placeholder test apply to them, not to the short body.
    Hex(usize),
    /// A Discord bot token's first part: the user id (17 to 19 decimal digits) in
    /// base64, 24 to 26 of `[A-Za-z0-9_-]`. Base64 of ASCII digits starts with one of
    /// [`SNOWFLAKE_HEADS`] (first digit 1-9, second any) and a third byte of
    /// `[AEIMQUYcgk]` (third digit's top bits are always `0011`).
    Snowflake,
}

/// The first two bytes of the base64 of a decimal number that does not start with `0`.
const SNOWFLAKE_HEADS: [&[u8; 2]; 9] = [
    b"MT", b"Mj", b"Mz", b"ND", b"NT", b"Nj", b"Nz", b"OD", b"OT",
];

/// Extra structure verified on the body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extra {
    None,
    /// The body must contain this substring.
    Contains(&'static [u8]),
    /// The body ends with this byte and then exactly this many bytes (Sentry's
    /// `…_<43-byte signature>`).
    Tail(u8, usize),
    /// The body holds exactly one `.`, at this index (Discord's `<6>.<27+>` after the id).
    DotAt(usize),
    /// The prefix is a name (`AccountKey=`): only the body is masked, the name is kept.
    Named,
}

/// One token family.
struct Family {
    /// A stable name (gitleaks' rule id where there is one).
    #[cfg_attr(not(test), allow(dead_code))]
    id: &'static str,
    kind: Kind,
    /// The literal prefix, case-sensitive.
    prefix: &'static str,
    /// What stands before the prefix, if anything.
    lead: Lead,
    /// The trigger text, when the bare prefix is too short to anchor the DFA cheaply
    /// (empty: the escaped prefix).
    trigger: &'static str,
    body: Alpha,
    /// Body length range (bytes after the prefix).
    min: usize,
    max: usize,
    /// Shannon entropy floor of the body, bits per byte (0: none).
    entropy: f32,
    extra: Extra,
}

mod families;
use families::FAMILIES;

/// The regex-escaped literal of `s` (the prefixes hold only `.` as a meta character, but
/// escape every one to be safe).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How much of a prefix the DFA needs: the first bytes are distinctive enough to start a
/// candidate, and every further literal byte multiplies with the other patterns' states
/// (a 20-byte prefix costs far more automaton than it saves segments).
fn trigger_head(prefix: &str) -> &str {
    &prefix[..prefix.len().min(TRIGGER_HEAD)]
}

/// The longest literal prefix the DFA holds (see [`trigger_head`]).
const TRIGGER_HEAD: usize = 4;

/// The DFA's alternatives for every family (joined by `|`, to be placed in the token
/// trigger's alternation before its token loop): the literal prefix, or the family's own
/// trigger text where the prefix alone is too short or stands after a lead.
pub(crate) fn trigger_alternation() -> String {
    let mut alts: Vec<String> = FAMILIES
        .iter()
        .map(|fam| {
            if fam.trigger.is_empty() {
                escape(trigger_head(fam.prefix))
            } else {
                fam.trigger.to_owned()
            }
        })
        .collect();
    alts.sort();
    alts.dedup();
    alts.join("|")
}

/// The exact pattern of the families without a lead: their literal prefix on a word
/// boundary. Only the start: the body is read and verified by [`check`].
pub(crate) fn regex() -> String {
    let mut plain: Vec<String> = FAMILIES
        .iter()
        .filter(|fam| fam.lead == Lead::None)
        .map(|fam| escape(fam.prefix))
        .collect();
    plain.sort();
    plain.dedup();
    format!(r"\b(?:{})", plain.join("|"))
}

/// The exact pattern of the families with the lead `which`: lead and literal.
pub(crate) fn lead_regex(which: LeadKind) -> String {
    let mut alts: Vec<String> = Vec::new();
    for fam in FAMILIES {
        let p = escape(fam.prefix);
        match (fam.lead, which) {
            (Lead::Digits(lo, hi), LeadKind::Digits) => {
                alts.push(format!(r"\b[0-9]{{{lo},{hi}}}{p}"));
            }
            // No `\b`: the lead may start with `.` or `~`; the check tests what precedes.
            (Lead::Azure, LeadKind::Azure) => alts.push(format!(r"[A-Za-z0-9_~.]{{3}}[0-9]{p}")),
            (Lead::Terraform, LeadKind::Terraform) => {
                alts.push(format!(r"\b[A-Za-z0-9]{{14}}\.{p}"));
            }
            (Lead::AppId(lo, hi), LeadKind::AppId) => {
                alts.push(format!(r"\b[0-9]{{{lo},{hi}}}{p}"));
            }
            (Lead::Hex(n), LeadKind::Mailchimp) => alts.push(format!(r"\b[0-9a-f]{{{n}}}{p}")),
            (Lead::Snowflake, LeadKind::Discord) => {
                alts.push(format!(
                    r"\b(?:M[Tjz]|N[DTjz]|O[DT])[AEIMQUYcgk][A-Za-z0-9_\-]{{21,23}}{p}"
                ));
            }
            _ => {}
        }
    }
    alts.sort();
    alts.dedup();
    alts.join("|")
}

/// A substring every candidate of the lead pattern `which` holds.
pub(crate) fn lead_needle(which: LeadKind) -> &'static [u8] {
    match which {
        LeadKind::Digits => b":A",
        LeadKind::Azure => b"Q~",
        LeadKind::Terraform => b".atlasv1.",
        LeadKind::AppId => b"|",
        LeadKind::Mailchimp => b"-us",
        LeadKind::Discord => b".",
    }
}

/// Whether some family of the table has the kind `k` (the vendor rule is on when any is).
pub(crate) fn has_kind(k: &[Kind]) -> bool {
    FAMILIES.iter().any(|fam| k.contains(&fam.kind))
}

/// How many bytes of lead stand at `s` before `fam`'s prefix, if its lead fits there.
fn lead_len(fam: &Family, hay: &[u8], s: usize) -> Option<usize> {
    let at = |i: usize| hay.get(s + i).copied();
    match fam.lead {
        Lead::None => Some(0),
        Lead::Digits(lo, hi) | Lead::AppId(lo, hi) => {
            let n = hay[s..]
                .iter()
                .take(hi + 1)
                .take_while(|b| b.is_ascii_digit())
                .count();
            (lo..=hi).contains(&n).then_some(n)
        }
        Lead::Azure => {
            let before = s.checked_sub(1).map(|i| hay[i]);
            let glued = before.is_some_and(|b| b.is_ascii_alphanumeric() || b"_~.-".contains(&b));
            let ok = (0..3)
                .all(|i| at(i).is_some_and(|b| b.is_ascii_alphanumeric() || b"_~.".contains(&b)))
                && at(3).is_some_and(|b| b.is_ascii_digit());
            (ok && !glued).then_some(4)
        }
        Lead::Terraform => {
            let ok = (0..14).all(|i| at(i).is_some_and(|b| b.is_ascii_alphanumeric()))
                && at(14) == Some(b'.');
            ok.then_some(15)
        }
        Lead::Hex(n) => {
            let glued = s
                .checked_sub(1)
                .is_some_and(|i| hay[i].is_ascii_alphanumeric());
            let ok = !glued
                && (0..n).all(|i| {
                    at(i).is_some_and(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                });
            ok.then_some(n)
        }
        Lead::Snowflake => {
            let id = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
            let glued = s.checked_sub(1).is_some_and(|i| id(hay[i]));
            let n = hay[s..].iter().take(27).take_while(|&&b| id(b)).count();
            let head = SNOWFLAKE_HEADS.iter().any(|h| hay[s..].starts_with(*h));
            let third = at(2).is_some_and(|b| b"AEIMQUYcgk".contains(&b));
            let ok = head && third && (24..=26).contains(&n);
            (ok && !glued).then_some(n)
        }
    }
}

/// Shannon entropy of `body` in bits per byte.
fn entropy(body: &[u8]) -> f32 {
    let mut counts = [0u32; 256];
    for &b in body {
        counts[usize::from(b)] += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = body.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            #[allow(clippy::cast_precision_loss)]
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a token body is a documentation placeholder rather than a credential: it holds
/// `EXAMPLE` (any case), or one byte repeated for a third of its length (`xxxxxxxx…`,
/// `00000000…`), or fewer than four distinct bytes (`abababab…`). Bodies shorter than
/// eight bytes are judged by length rules alone.
pub(crate) fn placeholder(body: &[u8]) -> bool {
    if body.len() < 8 {
        return false;
    }
    if body.windows(7).any(|w| w.eq_ignore_ascii_case(b"example")) {
        return true;
    }
    let (mut run, mut longest) = (0usize, 0usize);
    let mut seen = [false; 256];
    let mut distinct = 0;
    for (i, &b) in body.iter().enumerate() {
        run = if i > 0 && body[i - 1] == b {
            run + 1
        } else {
            1
        };
        longest = longest.max(run);
        if !std::mem::replace(&mut seen[usize::from(b)], true) {
            distinct += 1;
        }
    }
    longest * 3 >= body.len() || distinct < 4
}

/// Whether half of `body` or more lies in ascending runs of four or more bytes (`abcd`,
/// `1234`, `ABCDEF`): a body typed as `abcdefghijklmnopqrstuvwxyz1234567` is a slot, not a
/// key. Random bytes almost never form such runs (for base62, one start in ~10⁵). Used
/// where a family's fixtures are known to be written so (Google's `AIza…`); the table's
/// [`placeholder`] does not apply it, since many tests' sample tokens are such runs.
pub(crate) fn sequential(body: &[u8]) -> bool {
    let mut covered = 0;
    let mut run = 1;
    for i in 1..=body.len() {
        if i < body.len() && body[i] == body[i - 1].wrapping_add(1) {
            run += 1;
            continue;
        }
        if run >= 4 {
            covered += run;
        }
        run = 1;
    }
    !body.is_empty() && covered * 2 >= body.len()
}

/// Verifies the candidate starting at `s` of the vendor pattern: the first family whose
/// lead, prefix, body length, closing boundary, entropy floor and extra check fit. Reads at
/// most the family's longest body plus two bytes.
pub(crate) fn check(hay: &[u8], s: usize) -> Verdict {
    for fam in FAMILIES {
        let Some(lead) = lead_len(fam, hay, s) else {
            continue;
        };
        // After a `.` a prefix is a file extension or a host label (`video_box.ico-…`),
        // unless the family is a URL path (`…/hooks.slack.com/…`, `acme.webhook.office.com`).
        if lead == 0 && s.checked_sub(1).map(|i| hay[i]) == Some(b'.') && !fam.prefix.contains('/')
        {
            continue;
        }
        let p = s + lead;
        if !hay[p..].starts_with(fam.prefix.as_bytes()) {
            continue;
        }
        let b = p + fam.prefix.len();
        let run = hay[b..]
            .iter()
            .take(fam.max + 2)
            .take_while(|&&c| fam.body.has(c))
            .count();
        // A token never ends with a dot: one that closes a sentence is not part of it.
        let dots = hay[b..b + run]
            .iter()
            .rev()
            .take_while(|&&c| c == b'.')
            .count();
        let n = run - dots;
        let end = b + n;
        let body = &hay[b..end];
        // The token must end here: not glued to more word bytes.
        let glued = hay
            .get(b + run)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_');
        if n < fam.min || n > fam.max || glued {
            continue;
        }
        // A Mailchimp key's randomness is in its lead; its body is the data centre.
        let random = if matches!(fam.lead, Lead::Hex(_)) {
            &hay[s..p]
        } else {
            body
        };
        if (fam.entropy > 0.0 && entropy(random) < fam.entropy) || placeholder(random) {
            continue;
        }
        let extra_ok = match fam.extra {
            Extra::None => true,
            Extra::Contains(sub) => memchr::memmem::find(body, sub).is_some(),
            Extra::Tail(sep, k) => {
                memchr::memrchr(sep, body).is_some_and(|i| body.len() - i - 1 == k)
            }
            Extra::DotAt(k) => {
                memchr::memchr(b'.', body) == Some(k) && memchr::memrchr(b'.', body) == Some(k)
            }
            Extra::Named => true,
        };
        if !extra_ok {
            continue;
        }
        return Verdict::Mask(
            Span {
                start: if fam.extra == Extra::Named { b } else { s },
                end,
                kind: fam.kind,
            },
            end,
        );
    }
    Verdict::Reject
}

/// How many families the table holds (for the docs and tests).
#[cfg(test)]
pub(crate) fn family_count() -> usize {
    let mut ids: Vec<&str> = FAMILIES.iter().map(|fam| fam.id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_anchored_in_the_trigger_and_found_by_the_regex() {
        let trig = trigger_alternation();
        let exact = [
            regex(),
            lead_regex(LeadKind::Digits),
            lead_regex(LeadKind::Azure),
            lead_regex(LeadKind::Terraform),
            lead_regex(LeadKind::AppId),
            lead_regex(LeadKind::Mailchimp),
            lead_regex(LeadKind::Discord),
        ]
        .join("|");
        for fam in FAMILIES {
            let t = if fam.trigger.is_empty() {
                escape(trigger_head(fam.prefix))
            } else {
                fam.trigger.to_owned()
            };
            // (A trigger text may itself be an alternation: compare it whole.)
            assert!(
                format!("|{trig}|").contains(&format!("|{t}|")),
                "{}: not in the trigger",
                fam.id
            );
            assert!(
                exact.contains(&escape(fam.prefix)),
                "{}: not in the regex",
                fam.id
            );
            assert!(
                fam.min <= fam.max && fam.max <= 8000,
                "{}: bad range",
                fam.id
            );
            // Every body byte must lie in the trigger's token class, so the whole token
            // stays inside the segment the DFA delimited.
            for b in 0..=255u8 {
                if fam.body.has(b) {
                    assert!(
                        b.is_ascii_graphic() && !b"\"'`<>,;&".contains(&b),
                        "{}: body byte {b} outside the token class",
                        fam.id
                    );
                }
            }
        }
        assert!(family_count() >= 100, "{} families", family_count());
    }

    #[test]
    fn placeholders() {
        assert!(placeholder(b"xxxxxxxxxxxxxxxxxxxx"));
        assert!(placeholder(b"abEXAMPLEcdefgh1234"));
        assert!(placeholder(b"abababababababab"));
        assert!(placeholder(b"a0000000000000000000b1c2"));
        assert!(sequential(b"Syabcdefghijklmnopqrstuvwxyz1234567"));
        assert!(!sequential(b"q8Zr2Lmabcd0pT4vN7wK3sY9"));
        assert!(!sequential(b""));
        assert!(!placeholder(b"q8Zr2LmX0pT4vN7w"));
        assert!(!placeholder(b"short"));
    }
}
