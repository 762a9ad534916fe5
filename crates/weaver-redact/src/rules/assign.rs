//! The keyword rules' checks: where a name starts, where its value starts and ends
//! (separators, quotes), and the tests on the words around Bearer / Basic credentials.

use super::syntax::{self, Form};
use super::{Check, Span, Verdict, names, values};
use crate::Kind;
use crate::keys::{KeyRule, Rule, Shape};
use crate::vocab::Class;

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

/// Whether the keyword at `s` starts a key name token: not glued to a preceding letter or
/// digit, except at a camelCase step (`nextPageToken`) or after an acronym (`ETSYToken`).
pub(crate) fn keyword_boundary(hay: &[u8], s: usize) -> bool {
    let Some(&prev) = s.checked_sub(1).and_then(|i| hay.get(i)) else {
        return true;
    };
    if prev.is_ascii_digit() {
        return false;
    }
    if prev.is_ascii_alphabetic() {
        // A camelCase step (`nextPageToken`), or an acronym before a capitalized word
        // (`ETSYToken`, `__COMToken`): the keyword's capital is followed by a lowercase
        // letter, as `keys.rs` splits `APIKey`.
        let cur = hay[s];
        let next_lower = hay.get(s + 1).is_some_and(u8::is_ascii_lowercase);
        return cur.is_ascii_uppercase() && (prev.is_ascii_lowercase() || next_lower);
    }
    true
}

/// Whether `name` (from the keyword on) is a keyword of the vocabulary alone or with a
/// number (`token`, `api_key_2`, `secret-1`): the names a plain verdict of the key rules
/// still masks in text. A longer name holds the keyword as one of its words, and then only
/// the key rules' own verdict counts.
fn keyword_ends_name(name: &[u8]) -> bool {
    static WHOLE: std::sync::OnceLock<Option<regex_automata::meta::Regex>> =
        std::sync::OnceLock::new();
    WHOLE
        .get_or_init(|| {
            let kw = super::keywords();
            regex_automata::meta::Regex::new(&format!(r"^(?i:{kw})(?:[_\-]?[0-9]{{1,4}})?$")).ok()
        })
        .as_ref()
        // Unreachable (the same alternation builds the automaton); masking is the safe side.
        .is_none_or(|re| re.is_match(name))
}

/// Whether the string whose opening quote is at `q` is a JSON value: a quoted key and a
/// `:` stand before it (`"kind":"Secret"`, `\"kind\": \"Secret\"`, a Python dict's
/// `'name': 'X'`), spaces aside. A bare label (`msg: "…"`) is not a key.
fn json_value(hay: &[u8], q: usize) -> bool {
    let mut i = q;
    if i > 0 && hay[i - 1] == b'\\' {
        i -= 1;
    }
    let skip = |mut i: usize| {
        while i > 0 && matches!(hay[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        i
    };
    let i = skip(i);
    if i == 0 || hay[i - 1] != b':' {
        return false;
    }
    let i = skip(i - 1);
    i > 0 && matches!(hay[i - 1], b'"' | b'\'')
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

/// The check of the assignment and flag rules (see [`super::syntax`]): the whole name must
/// name a secret by the JSON key rules (a mention keeps a value its qualifier fits), the
/// form must fit its context (`<` before an XML name, quotes around a call's or an
/// attribute pair's name and value, `-` before a flag), and the value must be neither a
/// reference nor a placeholder ([`super::values`]).
pub(crate) fn assignment_check(check: Check, hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    if !names_at(hay, s) {
        return Verdict::Reject;
    }
    if check == Check::AssignmentSpaced {
        return spaced_check(hay, s, e);
    }
    let p = syntax::parse(m, check == Check::AssignmentFlag);
    let ns = syntax::name_start(hay, s);
    // A typed marker's kind name (`[REDACTED:url_credentials] : …`) is no name: redacting
    // the output again must change nothing.
    if hay[..ns].ends_with(b"[REDACTED:") {
        return Verdict::Reject;
    }
    let before_name = ns.checked_sub(1).map(|i| hay[i]);
    let name = &hay[ns..s + p.name_end];
    let quoted_name = matches!(before_name, Some(b'"' | b'\'' | b'`')) && p.name_quoted;
    let form_ok = match p.form {
        Form::Sep => true,
        Form::Xml => before_name == Some(b'<') && !p.name_quoted,
        // Not a JSON object: in `"kind":"Secret","metadata":{…}` the quoted word is a
        // value (a quoted key and `:` before it) and the next string a key, not a call's
        // arguments.
        Form::Call => quoted_name && p.quoted && !json_value(hay, ns.saturating_sub(1)),
        Form::Attr => quoted_name && p.quoted,
        Form::Flag => name.first() == Some(&b'-') && !p.name_quoted,
    };
    if !form_ok {
        return Verdict::Reject;
    }
    let trimmed = trim_name(name);
    if names::is_anti_forgery(trimmed) {
        return Verdict::Reject;
    }
    // The keyword is one word of a longer name (`DB_PASSWORD_PROD`, `clientSecretValue`):
    // only a name the key rules say holds a secret, and not one that points at a secret
    // (`CREDENTIALS_ID`, `SECRET_NAME`), masks its value.
    let tail = !keyword_ends_name(&m[..p.name_end]);
    let class = match crate::keys::builtin_rule(std::str::from_utf8(trimmed).unwrap_or("")) {
        Rule::Names(_) if tail && names::names_a_reference(trimmed) => return Verdict::Reject,
        Rule::Mentions(..) | Rule::Plain if tail => return Verdict::Reject,
        Rule::Names(c) => c,
        // Only a pair rule; a key is never one.
        Rule::SecretManifest => Class::Secret,
        Rule::Mentions(c, q) => {
            if !KeyRule(Rule::Mentions(c, q)).masks_type(shape_of(&m[p.vs..p.ve])) {
                return Verdict::Reject;
            }
            c
        }
        // Plain by the key rules: a counter (`max_token = 4096`) or a public token is
        // kept; a cursor's opaque string (`nextPageToken=CAEQ…`) is still masked in text,
        // where nothing tells it from a credential.
        Rule::Plain => {
            let value = &m[p.vs..p.ve];
            let public = trimmed
                .windows(6)
                .any(|w| w.eq_ignore_ascii_case(b"public"));
            if (public && value.len() <= KEEP_MAX) || value.iter().all(u8::is_ascii_digit) {
                return Verdict::Reject;
            }
            // A vendor's name (`HEROKU_KEY`, `sonar.login`) holds a generated value only.
            if names::is_vendor(trimmed) && !names::generated(value) {
                return Verdict::Reject;
            }
            Class::Token
        }
    };
    let value = &m[p.vs..p.ve];
    // A backquoted command (`` `vault read secret/x` ``) is a shell substitution.
    let command = p.quoted && m[p.vs - 1] == b'`' && value.contains(&b' ');
    let next = hay.get(s + p.ve + usize::from(p.quoted)).copied();
    if (command && value.len() <= KEEP_MAX) || value_kept(class, trimmed, value, p.quoted, next) {
        return Verdict::Reject;
    }
    let kind = if m.len() >= 6 && m[..6].eq_ignore_ascii_case(b"bearer") {
        Kind::Bearer
    } else {
        Kind::ApiKey
    };
    Verdict::Mask(
        Span {
            start: s + p.vs,
            end: s + p.ve,
            kind,
        },
        e,
    )
}

/// Whether the value of a name of class `class` (its name `name`, trimmed) is kept: too
/// short for what the name holds, a count under a plural name, or — when at most
/// [`KEEP_MAX`] bytes — a reference, a placeholder, a stand-in, a secret's name or a
/// locator. `next` is the byte after an unquoted value.
pub(crate) fn value_kept(
    class: Class,
    name: &[u8],
    value: &[u8],
    quoted: bool,
    next: Option<u8>,
) -> bool {
    let min = if matches!(class, Class::Password | Class::Secret | Class::Credential) {
        4
    } else {
        8
    };
    // A plural name with a number is a count (`tokens: 12345678`), as a count qualifier
    // keeps a number under a key: `password: 12345678` is still masked.
    value.len() < min
        || (name.last().is_some_and(|b| b.eq_ignore_ascii_case(&b's'))
            && value.iter().all(u8::is_ascii_digit))
        || (value.len() <= KEEP_MAX
            && (values::is_reference(value, if quoted { None } else { next })
                || values::is_placeholder(value)
                || values::is_stand_in(value)
                || values::is_secret_name(value)
                || names::is_locator_value(name, value)))
}

/// The longest value a keyword rule keeps for what it holds (a reference, a placeholder, a
/// public token); a longer one is masked. Keeps the search linear: a rejected candidate
/// resumes one byte later, so a rejected value must be short — else a run of glued
/// assignments with rejected values (`-token=----…-token=----…`) would be read once per
/// keyword.
const KEEP_MAX: usize = 256;

/// A name without the flag dashes and other punctuation around it.
fn trim_name(name: &[u8]) -> &[u8] {
    let a = name
        .iter()
        .position(u8::is_ascii_alphanumeric)
        .unwrap_or(name.len());
    let b = name
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .map_or(a, |i| i + 1);
    &name[a..b.max(a)]
}

/// The type a value written as text has, for a mention's qualifier.
pub(crate) fn shape_of(v: &[u8]) -> Shape<'_> {
    let s = std::str::from_utf8(v).unwrap_or("");
    match s {
        "true" | "false" | "True" | "False" => Shape::Bool(s.eq_ignore_ascii_case("true")),
        "null" | "nil" | "None" => Shape::Null,
        _ => s.parse::<f64>().map_or(Shape::Str(s), Shape::Number),
    }
}

/// The spaced API-key rule (`api key <value>`).
fn spaced_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let vs = spaced_value_start(m);
    let value = &m[vs..];
    // "api key generation": prose, not a key.
    if value.len() < 8
        || value.iter().all(u8::is_ascii_lowercase)
        || values::is_placeholder(value)
        || values::is_stand_in(value)
        || values::is_reference(value, hay.get(e).copied())
    {
        return Verdict::Reject;
    }
    Verdict::Mask(
        Span {
            start: s + vs,
            end: e,
            kind: Kind::ApiKey,
        },
        e,
    )
}

/// The check of a user-and-password flag (`curl -u user:pass`): the flag starts a word, the
/// value holds a `:` and is not a `uid:gid` pair of numbers, a reference or a placeholder.
/// Masks the value inside its quotes.
pub(crate) fn user_flag_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    if s.checked_sub(1)
        .is_some_and(|i| !matches!(hay[i], b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Verdict::Reject;
    }
    let vs = spaced_value_start(m);
    let mut a = vs;
    let mut b = m.len();
    if matches!(m.get(a), Some(b'"' | b'\'')) {
        a += 1;
    }
    if b > a && matches!(m[b - 1], b'"' | b'\'') {
        b -= 1;
    }
    let value = &m[a..b];
    let Some(colon) = value.iter().position(|&c| c == b':') else {
        return Verdict::Reject;
    };
    let numbers = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    let (user, pass) = (&value[..colon], &value[colon + 1..]);
    if (numbers(user) && numbers(pass))
        || value.len() < 4
        || user.first() == Some(&b'$')
        || pass.first() == Some(&b'$')
        || values::is_placeholder(value)
        || values::is_stand_in(pass)
        || user == pass
        || slot(pass)
        || repeated(user) && repeated(pass)
        || PASS_WORDS.iter().any(|w| pass.eq_ignore_ascii_case(w))
    {
        return Verdict::Reject;
    }
    Verdict::Mask(
        Span {
            start: s + a,
            end: s + b,
            kind: Kind::BasicAuth,
        },
        e,
    )
}

/// Words written in a password's place in documentation (`curl -u user:password`).
const PASS_WORDS: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"pass",
    b"pwd",
    b"secret",
    b"token",
    b"apikey",
    b"api_key",
    b"key",
];

/// A slot to fill in: `[PASSWORD]`, `<pass>`, `{secret}`.
fn slot(v: &[u8]) -> bool {
    matches!(
        (v.first(), v.last()),
        (Some(b'['), Some(b']')) | (Some(b'<'), Some(b'>')) | (Some(b'{'), Some(b'}'))
    ) && v.len() >= 3
}

/// One byte repeated (`xxx`).
fn repeated(v: &[u8]) -> bool {
    v.first().is_some_and(|&f| v.iter().all(|&b| b == f))
}

/// The check of a Bundler source credential (`BUNDLE_GEMS__EXAMPLE__COM=user:pass`,
/// Bundler's per-host setting read from the environment): masks a `user:password` pair or a
/// token, and keeps what other `BUNDLE_…__…` settings hold — build flags
/// (`BUNDLE_BUILD__PG=--with-pg-config=…`), mirror URLs (`https://…`), references and
/// stand-ins.
pub(crate) fn bundler_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let vs = m
        .iter()
        .position(|&b| b == b':' || b == b'=')
        .map_or(m.len(), |i| {
            let mut j = i + 1;
            while j < m.len() && matches!(m[j], b' ' | b'\t' | b'"' | b'\'') {
                j += 1;
            }
            j
        });
    let value = &m[vs..];
    let pair = value
        .iter()
        .position(|&b| b == b':')
        .is_some_and(|c| c > 0 && c + 1 < value.len());
    let token = value.len() >= 16
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(b));
    if value.first() == Some(&b'-')
        || value.contains(&b'/')
        || !(pair || token)
        || values::is_reference(value, hay.get(e).copied())
        || values::is_placeholder(value)
        || values::is_stand_in(value)
    {
        return Verdict::Reject;
    }
    Verdict::Mask(
        Span {
            start: s + vs,
            end: e,
            kind: Kind::ApiKey,
        },
        e,
    )
}
