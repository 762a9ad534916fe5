//! Name/value pairs in text: `{"name": "DB_PASSWORD", "value": "…"}` printed in a log,
//! `- name: API_TOKEN` then `  value: …` in a Kubernetes `env` list,
//! `ParameterKey=DbPassword,ParameterValue=…` on an AWS command line.
//!
//! The secret's name is itself a value (of a name field), so the keyword rules, which read
//! a name then its value, never see an assignment. The JSON walk reads these pairs from
//! parsed JSON ([`crate::Redactor::pair_rule`]); this rule reads the same pairs in text,
//! starting from the value field and looking back at the name: the value field (`value`,
//! `Value`, `ParameterValue`, `val`) must directly follow the name field's value, on the
//! same line after a `,` or as the next line's first field, and the name field's last word
//! must be a pair-name word (`name`, `key`, `type`, …), as in the JSON walk
//! ([`crate::keys::is_pair_name_word_last`]). The name is then decided by the key rules, as a JSON
//! key is, and the value by the same tests as an assignment's
//! ([`super::assign::value_kept`]).
//!
//! Found from the value field because the automaton cannot afford to follow every
//! sensitive name on to a second field: that multiplied its states past the all-kinds
//! limit. A `value` head is one short literal thread.

use super::assign::{shape_of, value_kept};
use super::{Span, Verdict};
use crate::Kind;
use crate::keys::{KeyRule, Rule};

/// The exact pattern: the value field's last word, its separator and the value (quoted,
/// spaces allowed, or a token).
pub(crate) fn pattern() -> String {
    use super::syntax::{QUOTED, VALUE};
    format!(r#"(?i:{HEADS})\\?["'`]?[ \t]*[:=][ \t]*(?:\\?(?:{QUOTED})|\\?["'`]?{VALUE})"#)
}

/// The value field's last words, as heads of the keyword trigger: a value field then reads
/// as an assignment does (separator, quoted value), in the keyword rules' states.
pub(crate) const HEADS: &str = "value|val";

/// The longest name read back (a path such as `/prod/db/password` included).
const NAME_MAX: usize = 64;

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// `i` moved back over bytes of `set`.
fn back_over(hay: &[u8], mut i: usize, set: &[u8]) -> usize {
    while i > 0 && set.contains(&hay[i - 1]) {
        i -= 1;
    }
    i
}

/// `i` moved back over a closing or opening quote, escaped or not, if one stands there.
fn back_over_quote(hay: &[u8], mut i: usize) -> (usize, bool) {
    if i > 0 && is_quote(hay[i - 1]) {
        i -= 1;
        if i > 0 && hay[i - 1] == b'\\' {
            i -= 1;
        }
        (i, true)
    } else {
        (i, false)
    }
}

/// `i` moved back over field-name bytes, at most 40.
fn back_over_field(hay: &[u8], end: usize) -> usize {
    let lo = end.saturating_sub(40);
    let mut i = end;
    while i > lo && (hay[i - 1].is_ascii_alphanumeric() || matches!(hay[i - 1], b'_' | b'-')) {
        i -= 1;
    }
    i
}

/// The name the pair gives its value, found back from where the value field starts
/// (`field_start`, before its quote): `None` unless a pair's name field holds it.
fn pair_name(hay: &[u8], field_start: usize) -> Option<&[u8]> {
    let (i, _) = back_over_quote(hay, field_start);
    let i = back_over(hay, i, b" \t");
    // The separator between the two fields: a `,` on one line, or a line break (YAML).
    let i = if i > 0 && hay[i - 1] == b',' {
        back_over(hay, i - 1, b" \t")
    } else if i > 0 && hay[i - 1] == b'\n' {
        let j = i - 1;
        let j = if j > 0 && hay[j - 1] == b'\r' {
            j - 1
        } else {
            j
        };
        back_over(hay, j, b" \t")
    } else {
        return None;
    };
    // The name, quoted (any bytes but quotes and line breaks: a path, a header name) or a
    // bare token.
    let (end, quoted) = back_over_quote(hay, i);
    let lo = end.saturating_sub(NAME_MAX);
    let mut start = end;
    while start > lo
        && !matches!(hay[start - 1], b'\n' | b'\r')
        && if quoted {
            !is_quote(hay[start - 1]) && hay[start - 1] != b'\\'
        } else {
            hay[start - 1].is_ascii_alphanumeric()
                || matches!(hay[start - 1], b'_' | b'-' | b'.' | b'/')
        }
    {
        start -= 1;
    }
    if start == end {
        return None;
    }
    let name = &hay[start..end];
    let (i, opened) = back_over_quote(hay, start);
    if opened != quoted {
        return None;
    }
    // The name field: `name:`, `"key": `, `ParameterKey=`.
    let i = back_over(hay, i, b" \t");
    if i == 0 || !matches!(hay[i - 1], b':' | b'=') {
        return None;
    }
    let i = back_over(hay, i - 1, b" \t");
    let (i, _) = back_over_quote(hay, i);
    let field_start = back_over_field(hay, i);
    let field = std::str::from_utf8(&hay[field_start..i]).ok()?;
    crate::keys::is_pair_name_word_last(field).then_some(name)
}

/// The check of [`pattern`]'s candidates at `hay[s..e]`.
pub(crate) fn pair_value_check(hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    // The value field: the letters before the head belong to it (`ParameterValue`).
    let head_end = s + m.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let mut field_start = s;
    let lo = s.saturating_sub(40);
    while field_start > lo
        && (hay[field_start - 1].is_ascii_alphabetic() || hay[field_start - 1] == b'_')
    {
        field_start -= 1;
    }
    let field = std::str::from_utf8(&hay[field_start..head_end]).unwrap_or("");
    if !crate::keys::is_pair_value_word_last(field) {
        return Verdict::Reject;
    }
    let Some(name) = pair_name(hay, field_start) else {
        return Verdict::Reject;
    };
    // A key-shaped name, as the JSON walk reads one (`pair_name_rule`).
    if name.iter().any(u8::is_ascii_whitespace) {
        return Verdict::Reject;
    }
    let Ok(name_str) = std::str::from_utf8(name) else {
        return Verdict::Reject;
    };

    // The value: after the separator, spaces and an opening quote.
    let sep = head_end - s
        + m[head_end - s..]
            .iter()
            .position(|&b| b == b':' || b == b'=')
            .unwrap_or(0);
    let mut vs = sep + 1;
    while vs < m.len() && matches!(m[vs], b' ' | b'\t') {
        vs += 1;
    }
    if vs < m.len() && m[vs] == b'\\' {
        vs += 1;
    }
    let open = m.get(vs).copied().filter(|&b| is_quote(b));
    if open.is_some() {
        vs += 1;
    }
    let mut ve = m.len();
    if open.is_some_and(|q| ve > vs && m[ve - 1] == q) {
        ve -= 1;
    }
    // An escaped closing quote (`\"x\"` in a JSON string) ends a token value.
    if ve > vs && m[ve - 1] == b'\\' {
        ve -= 1;
    }
    if vs >= ve {
        return Verdict::Reject;
    }
    let value = &m[vs..ve];

    let class = match crate::keys::builtin_rule(name_str) {
        Rule::Plain | Rule::SecretManifest => return Verdict::Reject,
        Rule::Names(c) => c,
        Rule::Mentions(c, q) => {
            if !KeyRule(Rule::Mentions(c, q)).masks_type(shape_of(value)) {
                return Verdict::Reject;
            }
            c
        }
    };
    let next = hay.get(s + ve).copied();
    if value_kept(class, name, value, open.is_some(), next) {
        return Verdict::Reject;
    }
    Verdict::Mask(
        Span {
            start: s + vs,
            end: s + ve,
            kind: Kind::ApiKey,
        },
        e,
    )
}
