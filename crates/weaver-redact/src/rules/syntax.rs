//! The assignment syntaxes the keyword rules understand, as regex text (for the DFA
//! trigger and the exact patterns) and as a parser that splits a match into name, form and
//! value.
//!
//! A candidate starts at a sensitive keyword (the head the engine finds first) and reads:
//!
//! * an optional number (`token1`, `api_token_123`);
//! * the name it ends (the checks read back over name bytes to its start and decide the
//!   whole name with the JSON key rules, so `max_token` stays a counter and `publicToken`
//!   plain);
//! * an optional closing quote (and `]`: `os.environ['X_TOKEN'] = …`);
//! * one of the forms of [`Form`]: a separator (`=`, `:`, `=>`, `:=`, `::=`, `:::=`, `?=`,
//!   `.=`, `+=`), a typed declaration (`var x string = …`, `x: String = …`), an XML element
//!   (`<x>` then the value, line breaks allowed), a call's next argument (`("X", "…")`), an
//!   attribute pair (`key="X" value="…"`), or — for command-line flags only — spaces;
//! * the value: quoted (`"…"`, `'…'`, `` `…` ``, spaces allowed) or a token.
//!
//! Every loop of the exact patterns is bounded by a class the DFA trigger loops on too, so
//! an exact match never outlives the trigger's thread.

/// Bytes of a name (the keyword, what follows it and what precedes it).
pub(crate) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// The most name bytes read before the keyword when the checks rebuild the whole name.
const LEAD_MAX: usize = 40;

/// The rest of a name after its sensitive word (`DB_PASSWORD_PROD`, `mySecretString`,
/// `token1`): the checks decide the whole name (`token_expires_at` stays plain).
const NAME_TAIL: &str = r"[A-Za-z0-9_\-]{0,40}";

/// Assignment separators, longest first.
pub(crate) const SEP: &str = r":::=|::=|=>|:=|\?=|\.=|\+=|[:=]";

/// Type names of typed declarations (`var t string = …`, `val t: String = …`).
pub(crate) const TYPES: &str = "string|String|str|&str";

/// A quoted value (spaces allowed). Neither `"` nor `'` occurs inside, as in the trigger,
/// so the exact match never outlives the DFA's thread. Only a line feed ends it: a carriage
/// return inside is a string escape (`"…\r…"` in source code reads as one after the JSON
/// escapes are decoded), and a CRLF line end still stops at its `\n`.
pub(crate) const QUOTED: &str = r#""[^"'\n]*"|'[^"'\n]*'|`[^`"'\n]*`"#;

/// An unquoted value: a token, which may hold brackets inside (`pa[ss]wd`) but never starts
/// or ends with one, so `f(password=x)` keeps its `)` and the marker itself (`[REDACTED]`)
/// is never a value (idempotence).
pub(crate) const VALUE: &str = r#"[^\s"'`<>,;&\[\](){}]+(?:[\[\](){}]+[^\s"'`<>,;&\[\](){}]+)*"#;

/// The token class with brackets: the DFA's loop after a keyword (a superset of [`VALUE`]).
pub(crate) const TB: &str = r#"[^\s"'`<>,;&]"#;

/// The exact forms between the name and the value, in the order the regex prefers them.
fn forms() -> String {
    format!(
        r"[ \t]+(?:{TYPES})[ \t]*=[ \t]*|[ \t]*:[ \t]*(?:{TYPES})[ \t]*=[ \t]*|[ \t]*(?:{SEP})[ \t]*|>[ \t\r\n]*|[ \t]*,[ \t]*|[ \t]+value[ \t]*=[ \t]*"
    )
}

/// The exact assignment pattern for the keyword alternation `kw`.
pub(crate) fn assignment(kw: &str) -> String {
    let forms = forms();
    format!(r#"(?i:{kw}){NAME_TAIL}\\?["'`]?\]?(?:{forms})(?:{QUOTED}|["'`]?{VALUE})"#)
}

/// The words of command-line flags whose argument is a secret (`--token VALUE`,
/// `-password VALUE`). Few on purpose: each word after a dash is one more thread in the
/// scanning automaton (the whole vocabulary there doubles its size).
pub(crate) const FLAG_WORDS: &str = "token|password";

/// The exact command-line flag pattern: the word then spaces, then the value; the engine
/// tests the dash before the word (`rules::head_ok`) and the check the whole name.
pub(crate) fn flag() -> String {
    format!(r#"(?i:{FLAG_WORDS})[ \t]+["'`]?{VALUE}["'`]?"#)
}

/// The exact pattern of a user-and-password flag (`curl -u user:pass`, `--user 'u:p'`).
pub(crate) const USER_FLAG: &str = r#"(?:--user|-u)[ \t]+["']?[^\s"'`<>,;&]+["']?"#;

/// The keyword part of the DFA trigger: a superset of [`assignment`], [`flag`] and the
/// Authorization pattern with the same or a larger extent, ending where the trigger's token
/// loop takes over; and the head of [`bundler`]. `kw` already holds `authorization`.
///
/// The name may go on after the keyword (`DB_PASSWORD_PROD`, `clientSecretValue`). That
/// doubled the automaton (the prebuilt file 12.0 → 25.7 MB; building one with opt-in kinds
/// 12 → 24 s of CPU, once per cache) and left text_20mb's speed as it was: the tail holds
/// no `.`, so a host such as `auth-3.svc.local:8080` ends the thread at its first dot.
/// Any vocabulary word as a flag would double it again: left out.
///
/// `pair_heads` are the value fields of name/value pairs (`value: …`, see `pairs`): only
/// a separator after them, then the same value part as an assignment's. Sharing that part
/// keeps the automaton's size (a value part of their own cost +77 %).
pub(crate) fn trigger(kw: &str, pair_heads: &str) -> String {
    format!(
        r#"(?:(?i:{kw})[A-Za-z0-9_\-]*\\?["'`]?\]?(?:[ \t]*:?[ \t]*(?:{TYPES})[ \t]*=|[ \t]*(?:{SEP})|>(?:[ \t\r\n]|\\[nrt])*|[ \t]*,|[ \t]+value[ \t]*=)|(?i:{pair_heads})\\?["'`]?[ \t]*[:=])[ \t]*(?:\\?["'`][^"'\n]*|(?:(?i:bearer|basic|token|digest|negotiate|apikey)[ \t]+)?)|(?:--?(?i:{FLAG_WORDS})|--user|-u)[ \t]+\\?["'`]?|{BUNDLER_TRIGGER}"#
    )
}

/// A Bundler source credential's name and separator: `BUNDLE_` then the host with `__`
/// for its dots (`BUNDLE_GEMS__EXAMPLE__COM=user:pass`), up to the value's opening quote.
const BUNDLER_HEAD: &str = r#"BUNDLE_[A-Z0-9_]*__[A-Z0-9_]*[ \t]*[:=][ \t]*["']?"#;

/// The DFA's loose form of [`BUNDLER_HEAD`]: without the `__` it must hold, which would
/// make the automaton track it inside every upper-case name (+2.7 MB measured).
const BUNDLER_TRIGGER: &str = r#"BUNDLE_[A-Z0-9_]*[ \t]*[:=][ \t]*["']?"#;

/// The exact pattern of a Bundler source credential (see [`BUNDLER_HEAD`]).
pub(crate) fn bundler() -> String {
    format!(r"\b{BUNDLER_HEAD}{VALUE}")
}

/// How the value of an assignment is introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// A separator (`=`, `:`, `:=`, …) or a typed declaration.
    Sep,
    /// `<name>value`: the name must follow `<`.
    Xml,
    /// `("NAME", "value")`: the name and the value must be quoted.
    Call,
    /// `key="NAME" value="…"`: the name and the value must be quoted.
    Attr,
    /// `--name value`: the name must start with `-`.
    Flag,
}

/// An assignment match split into its parts (offsets into the match).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parsed {
    /// Where the name ends (the keyword and its tail).
    pub(crate) name_end: usize,
    /// Whether a quote closed the name.
    pub(crate) name_quoted: bool,
    pub(crate) form: Form,
    /// The value, without its quotes.
    pub(crate) vs: usize,
    pub(crate) ve: usize,
    /// Whether the value was quoted.
    pub(crate) quoted: bool,
}

fn skip(m: &[u8], mut i: usize, set: &[u8]) -> usize {
    while i < m.len() && set.contains(&m[i]) {
        i += 1;
    }
    i
}

fn word_at(m: &[u8], i: usize, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .find(|w| m[i..].starts_with(w.as_bytes()))
        .map(|w| i + w.len())
}

/// Splits an assignment or flag match `m` (see [`assignment`], [`flag`]).
pub(crate) fn parse(m: &[u8], flag: bool) -> Parsed {
    let name_end = m.iter().position(|&b| !is_name_byte(b)).unwrap_or(m.len());
    let mut i = name_end;
    if m.get(i) == Some(&b'\\') {
        i += 1;
    }
    let name_quoted = matches!(m.get(i), Some(b'"' | b'\'' | b'`'));
    if name_quoted {
        i += 1;
    }
    if m.get(i) == Some(&b']') {
        i += 1;
    }
    let form;
    if flag {
        form = Form::Flag;
        i = skip(m, i, b" \t");
    } else if m.get(i) == Some(&b'>') {
        form = Form::Xml;
        i = skip(m, i + 1, b" \t\r\n");
    } else {
        let j = skip(m, i, b" \t");
        if m.get(j) == Some(&b',') {
            form = Form::Call;
            i = skip(m, j + 1, b" \t");
        } else if j > i && m[j..].starts_with(b"value") {
            let k = skip(m, j + 5, b" \t");
            form = Form::Attr;
            i = skip(m, k + 1, b" \t");
        } else {
            form = Form::Sep;
            // A typed declaration: an optional `:`, a type name, then `=`.
            let t = if m.get(j) == Some(&b':') {
                skip(m, j + 1, b" \t")
            } else {
                j
            };
            let typed = word_at(m, t, &["string", "String", "str", "&str"])
                .map(|k| skip(m, k, b" \t"))
                .filter(|&k| m.get(k) == Some(&b'=') && (t > i));
            i = if let Some(k) = typed {
                k + 1
            } else {
                let n = [":::=", "::=", "=>", ":=", "?=", ".=", "+="]
                    .iter()
                    .find(|s| m[j..].starts_with(s.as_bytes()))
                    .map_or(1, |s| s.len());
                j + n
            };
            i = skip(m, i, b" \t");
        }
    }
    let i = i.min(m.len());
    let quote = m
        .get(i)
        .copied()
        .filter(|q| matches!(q, b'"' | b'\'' | b'`'));
    match quote {
        Some(q) if m.len() > i + 1 && m[m.len() - 1] == q => Parsed {
            name_end,
            name_quoted,
            form,
            vs: i + 1,
            ve: m.len() - 1,
            quoted: true,
        },
        Some(_) => Parsed {
            name_end,
            name_quoted,
            form,
            vs: i + 1,
            ve: m.len(),
            quoted: false,
        },
        None => Parsed {
            name_end,
            name_quoted,
            form,
            vs: i,
            ve: m.len(),
            quoted: false,
        },
    }
}

/// Where the name holding the keyword at `s` starts: back over name bytes, at most
/// [`LEAD_MAX`] of them (the scanner keeps 64 bytes of context before a segment).
pub(crate) fn name_start(hay: &[u8], s: usize) -> usize {
    let lo = s.saturating_sub(LEAD_MAX);
    let mut i = s;
    while i > lo && is_name_byte(hay[i - 1]) {
        i -= 1;
    }
    i
}
