//! Sensitive key names: tokenization, matching against the vocabulary (`vocab.rs`), and the
//! typed value rule.
//!
//! A key is split into word tokens, compared without ASCII case — on every character that
//! is not a letter or digit (`_`, `-`, `.`, space, emoji, …), between ASCII letters and
//! digits, and on ASCII case changes
//! (`userEmail` → `user email`, `APIKey` → `api key`, `userSSN` → `user ssn`, while a plural
//! acronym stays whole: `taxIDs` → `tax ids`). Sensitivity is decided on whole tokens, so
//! `company`, `spanish`, `latin` or `setting` never hit `pan`, `tin` or `secret`-like words.
//!
//! The rules, in order:
//! 1. a key whose normalized form equals a user stop key is plain;
//! 2. a key containing a user sensitive term (a contiguous token sequence) names a secret;
//! 3. a vocabulary word (`vocab.rs`) names a secret — unless a qualifier follows it
//!    (`email_verified`, `password_min_length`, `token_expires_at`): then the key only
//!    *mentions* it, and the value is kept when its type fits the qualifier;
//! 4. `token` names a secret unless it is an LLM usage counter or a cursor: preceded by a
//!    counting word (`max_token`, `total_token`, `page_token`), or qualified
//!    (`token_count`, `token_type`). The plural `tokens` is a counter (`max_tokens`,
//!    `prompt_tokens`) unless a credential word precedes it (`access_tokens`,
//!    `refresh_tokens`, `api_tokens`).

mod memo;

use crate::BuildError;
use crate::vocab::{self, Class, Qual, Role};

/// With user terms configured, keys of up to this many tokens are tokenized into a stack
/// buffer; longer keys (rare) use the heap. The built-in rules alone never allocate.
const STACK_TOKENS: usize = 32;

/// What a key says about the value under it. Get one with
/// [`Redactor::key_rule`](crate::Redactor::key_rule) and decide values with
/// [`Redactor::rule_masks`](crate::Redactor::rule_masks); cheap to copy, so callers that meet the same key in every row
/// decide it once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyRule(pub(crate) Rule);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Rule {
    /// Nothing sensitive: the value is scanned like any other.
    Plain,
    /// The key names a secret (`password`, `user_email`, `X-Api-Key`).
    Names(Class),
    /// The key mentions a secret (`email_verified`, `token_expires_at`).
    Mentions(Class, Qual),
    /// Only as a pair rule: the map is a Kubernetes `Secret` (`"kind": "Secret"`), whose
    /// `data` and `stringData` maps hold its secrets under names that say nothing.
    /// Made only by the JSON decisions (feature `json`).
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    SecretManifest,
}

/// The type of a value, as the typed key rule sees it. Build it from a parsed value
/// ([`Shape::of`] with the `json` feature) or from a streaming parser's events.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape<'a> {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, in any JSON form (`12`, `12.0`, `1.2e1`).
    Number(f64),
    /// A string.
    Str(&'a str),
    /// An array or an object.
    Container,
}

/// Numbers at least this large are not a "small count" (a 9-digit SSN or a 10-digit phone
/// is not a count).
const SMALL: f64 = 1e8;

impl KeyRule {
    /// Whether the key names a secret, so that any value under it is masked except one
    /// whose type cannot hold it (a boolean, a null or a fractional number under a
    /// personal-identifier name such as `pan` or `mobile`).
    pub fn names_secret(self) -> bool {
        matches!(self.0, Rule::Names(_) | Rule::SecretManifest)
    }

    /// Whether the key neither names nor mentions a secret: no value under it is masked
    /// because of the key (the text rules still scan it).
    pub fn is_plain(self) -> bool {
        self.0 == Rule::Plain
    }

    /// Whether the type of a value under the key makes the key mask it: the type rule
    /// alone; [`Redactor::rule_masks`](crate::Redactor::rule_masks)
    /// adds that a string under a mention is kept only when the text rules leave it
    /// unchanged.
    pub(crate) fn masks_type(self, value: Shape<'_>) -> bool {
        match self.0 {
            Rule::Plain => false,
            Rule::SecretManifest => true,
            Rule::Names(class) => {
                !(class.is_identifier()
                    && match value {
                        Shape::Null | Shape::Bool(_) => true,
                        Shape::Number(x) => x.fract() != 0.0,
                        Shape::Str(_) | Shape::Container => false,
                    })
            }
            Rule::Mentions(_, qual) => !match (qual, value) {
                (_, Shape::Container) => false,
                (_, Shape::Null)
                | (Qual::Flag | Qual::Enum, Shape::Bool(_))
                | (Qual::Time, Shape::Number(_)) => true,
                (Qual::Count | Qual::Enum, Shape::Number(x)) => x.abs() < SMALL,
                (Qual::Time, Shape::Str(s)) => date_like(s),
                (Qual::Enum, Shape::Str(s)) => enum_like(s),
                _ => false,
            },
        }
    }
}

/// A date, time or timestamp written as text: at most 40 bytes of letters, digits and
/// `-:.,+/` or spaces, at least 6 digits making up at least 40% of it
/// (`2024-01-01T00:00:00Z`, `Mon, 01 Jan 2024 00:00:00 GMT`).
fn date_like(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    b.len() <= 40
        && digits >= 6
        && digits * 10 >= b.len() * 4
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || b" -:.,+/".contains(&c))
}

/// A short enum-like label: 1–32 bytes of letters, digits, `_`, `.`, `-` and spaces, with a
/// letter and without a run of four digits (`approved`, `PENDING_REVIEW`, `RS256`).
fn enum_like(s: &str) -> bool {
    let b = s.as_bytes();
    let mut run = 0;
    let mut letter = false;
    for &c in b {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 4 {
                return false;
            }
        } else {
            run = 0;
        }
        letter |= c.is_ascii_alphabetic();
        if !(c.is_ascii_alphanumeric() || b"_.- ".contains(&c)) {
            return false;
        }
    }
    letter && b.len() <= 32
}

#[derive(Debug)]
pub(crate) struct KeyMatcher {
    /// User sensitive terms, each a sequence of lower-case tokens.
    extra: Vec<Vec<String>>,
    /// User stop keys, each a sequence of lower-case tokens (whole-key match).
    stop: Vec<Vec<String>>,
}

impl KeyMatcher {
    pub(crate) fn new(sensitive: &[String], stop: &[String]) -> Result<KeyMatcher, BuildError> {
        Ok(KeyMatcher {
            extra: normalize_all(sensitive, "sensitive")?,
            stop: normalize_all(stop, "stop")?,
        })
    }

    pub(crate) fn is_sensitive(&self, key: &str) -> bool {
        matches!(self.rule(key), Rule::Names(_))
    }

    pub(crate) fn rule(&self, key: &str) -> Rule {
        if self.extra.is_empty() && self.stop.is_empty() {
            return builtin_rule(key);
        }
        let mut stack = [(0usize, 0usize); STACK_TOKENS];
        let mut heap = Vec::new();
        let mut n = 0;
        for_each_token(key, |s, e| {
            if n < STACK_TOKENS {
                stack[n] = (s, e);
            } else {
                if n == STACK_TOKENS {
                    heap.extend_from_slice(&stack);
                }
                heap.push((s, e));
            }
            n += 1;
        });
        let spans: &[(usize, usize)] = if n <= STACK_TOKENS {
            &stack[..n]
        } else {
            &heap
        };
        let tok = |i: usize| &key[spans[i].0..spans[i].1];
        if self.stop.iter().any(|t| {
            t.len() == spans.len()
                && t.iter()
                    .enumerate()
                    .all(|(i, w)| tok(i).eq_ignore_ascii_case(w))
        }) {
            return Rule::Plain;
        }
        let has_term = self.extra.iter().any(|t| {
            spans.len() >= t.len()
                && (0..=spans.len() - t.len()).any(|start| {
                    t.iter()
                        .enumerate()
                        .all(|(i, w)| tok(start + i).eq_ignore_ascii_case(w))
                })
        });
        if has_term {
            return Rule::Names(Class::Custom);
        }
        builtin_rule(key)
    }
}

impl crate::Redactor {
    /// What `key` says about the value under it: plain, names a secret, or mentions one
    /// (see [`rule_masks`](Self::rule_masks)). Decide a key once and reuse the rule for every row.
    pub fn key_rule(&self, key: &str) -> KeyRule {
        KeyRule(self.inner.keys.rule(key))
    }

    /// [`key_rule`](Self::key_rule), remembered per thread for this redactor: for callers
    /// that decide the same keys call after call (a firewall summarising tool results).
    /// Only keys that redaction leaves unchanged are remembered (a key holding a secret is
    /// decided afresh and never kept), at most 1024 keys of at most 64 bytes for each of a
    /// few redactors per thread; the answer always equals `key_rule`.
    ///
    /// ```
    /// use weaver_redact::Redactor;
    /// let r = Redactor::new();
    /// for key in ["password", "status", "bob@example.com", "password_min_length"] {
    ///     assert_eq!(r.key_rule_remembered(key), r.key_rule(key));
    ///     assert_eq!(r.key_rule_remembered(key), r.key_rule(key)); // from memory
    /// }
    /// ```
    /// (With the `json` feature, whose walks share the memo.)
    #[cfg(feature = "json")]
    pub fn key_rule_remembered(&self, key: &str) -> KeyRule {
        crate::json::keymemo::clean_key_rule(self, key).unwrap_or_else(|| self.key_rule(key))
    }

    /// Whether a value of this shape under `key` is masked because of the key: the one
    /// typed decision every path uses (structural redaction, the firewall's table and
    /// summary, expansion pages). Equal to `self.rule_masks(self.key_rule(key), value)`.
    ///
    /// ```
    /// use weaver_redact::{Redactor, Shape};
    /// let r = Redactor::new();
    /// assert!(r.masks("password", Shape::Str("hunter2")));
    /// assert!(r.masks("tel", Shape::Number(2125550000.0)));
    /// assert!(!r.masks("email_verified", Shape::Bool(true)));
    /// assert!(!r.masks("password_min_length", Shape::Number(12.0)));
    /// assert!(!r.masks("authorization_status", Shape::Str("approved")));
    /// assert!(!r.masks("pan", Shape::Number(0.5)));
    /// ```
    pub fn masks(&self, key: &str, value: Shape<'_>) -> bool {
        self.rule_masks(self.key_rule(key), value)
    }

    /// [`masks`](Self::masks) for a key already decided with [`key_rule`](Self::key_rule):
    ///
    /// * plain key: never;
    /// * a key that names a secret: always, except a boolean, a null or a number with a
    ///   fractional part under a personal-identifier name (`email`, `phone`, `pan`, …);
    /// * a key that mentions a secret: containers always; other values only when their
    ///   type does not fit the qualifier — flags keep booleans, counts keep numbers below
    ///   10⁸, times keep numbers and date-shaped strings, statuses and types keep short
    ///   enum-like strings (and booleans, small numbers); `null` is always kept. A kept
    ///   string must also pass the text rules unchanged: a mention never keeps half a
    ///   secret, and the marker is always masked, so redaction stays idempotent.
    ///
    /// Any kept value is still scanned by the text and number rules.
    pub fn rule_masks(&self, rule: KeyRule, value: Shape<'_>) -> bool {
        rule.masks_type(value)
            || matches!((rule.0, value), (Rule::Mentions(..), Shape::Str(s)) if !self.is_clean(s))
    }

    /// Whether a field of this name holds the *name* of a name/value pair — its last word
    /// is `name`, `key`, `header`, … (`Name`, `ParameterKey`, `OptionName`, `tag_key`) —
    /// so that its string value is read as a key.
    pub fn is_pair_name_field(&self, field: &str) -> bool {
        ends_with_word(field, PairWords::Names)
    }

    /// The rule of the name held by a name/value pair's name field, when it is a key-shaped
    /// string (1–64 bytes, no whitespace: `DB_PASSWORD`, `Authorization`, not
    /// `Email campaign`) that is not plain; `None` otherwise. The pair's value field is
    /// then decided by this rule as if it sat under that key.
    pub fn pair_name_rule(&self, name: &str) -> Option<KeyRule> {
        if name.is_empty()
            || name.len() > PAIR_NAME_MAX
            || name.bytes().any(|b| b.is_ascii_whitespace())
        {
            return None;
        }
        let rule = self.key_rule(name);
        (!rule.is_plain()).then_some(rule)
    }

    /// Whether a field of this name holds the *value* of a name/value pair — its last word
    /// is `value`, `val` or `values` (`Value`, `ParameterValue`, `tagValue`).
    pub fn is_pair_value_field(&self, field: &str) -> bool {
        ends_with_word(field, PairWords::Values)
    }
}

/// Fields that hold the name of a name/value pair: Kubernetes `env`, HAR headers and
/// cookies, AWS tags (`Key`/`Value`), query parameters; `kind` and `type` name what a pair
/// holds (`{"kind": "password", "value": …}`, a form field's `{"type": "password", "value":
/// …}`) and, as `"kind": "Secret"`, mark a Kubernetes Secret (see
/// [`Redactor::pair_rule`](crate::Redactor::pair_rule)).
const PAIR_NAMES: &[&str] = &[
    "name",
    "kind",
    "type",
    "key",
    "header",
    "field",
    "param",
    "parameter",
    "variable",
    "var",
    "attribute",
    "label",
    "setting",
    "option",
    "property",
];

/// The two word lists a field's last word is tested against.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PairWords {
    Names,
    Values,
}

impl PairWords {
    fn words(self) -> &'static [&'static str] {
        match self {
            PairWords::Names => PAIR_NAMES,
            PairWords::Values => PAIR_VALUES,
        }
    }

    /// Whether `word` (ASCII lower-case) is one of the list's words: a `match`, which
    /// compiles to a switch on the length, not a loop over the list.
    fn holds(self, word: &[u8]) -> bool {
        match self {
            PairWords::Names => matches!(
                word,
                b"name"
                    | b"kind"
                    | b"type"
                    | b"key"
                    | b"header"
                    | b"field"
                    | b"param"
                    | b"parameter"
                    | b"variable"
                    | b"var"
                    | b"attribute"
                    | b"label"
                    | b"setting"
                    | b"option"
                    | b"property"
            ),
            PairWords::Values => matches!(word, b"value" | b"val" | b"values"),
        }
    }
}

/// Whether the last word of `field` (split as keys are: by case and separators) is one of
/// `list`'s words, in any case.
fn ends_with_word(field: &str, list: PairWords) -> bool {
    // Called for every key of every map the JSON walk meets: the last word is guessed
    // from the end (a lower-case run with the capital before it, or an upper-case run),
    // and only a guess that is one of the words is checked by the full split.
    let b = field.as_bytes();
    let mut i = b.len();
    while i > 0 && b[i - 1].is_ascii_lowercase() {
        i -= 1;
    }
    if i > 0 && b[i - 1].is_ascii_uppercase() {
        if i == b.len() {
            while i > 0 && b[i - 1].is_ascii_uppercase() {
                i -= 1;
            }
        } else {
            i -= 1;
        }
    }
    let guess = &b[i..];
    let mut lower = [0u8; 9];
    let hit = guess.len() >= 3 && guess.len() <= lower.len() && {
        let lower = &mut lower[..guess.len()];
        lower.copy_from_slice(guess);
        lower.make_ascii_lowercase();
        list.holds(lower)
    };
    if !hit {
        // A letter beyond ASCII right before the guess may belong to the last word (the
        // split classes it): decided by the split itself.
        return i > 0 && !b[i - 1].is_ascii() && last_token_is(field, list.words());
    }
    i == 0 || last_token_is(field, list.words())
}

/// Whether the last token of `field` ([`for_each_token`]) is one of `words`.
fn last_token_is(field: &str, words: &[&str]) -> bool {
    let mut last = None;
    for_each_token(field, |s, e| last = Some((s, e)));
    last.is_some_and(|(s, e)| {
        e == field.len() && words.iter().any(|w| field[s..e].eq_ignore_ascii_case(w))
    })
}

/// Whether a field of this name holds the name of a name/value pair (its last word is
/// `name`, `key`, …): [`Redactor::is_pair_name_field`], for the text rules.
pub(crate) fn is_pair_name_word_last(field: &str) -> bool {
    ends_with_word(field, PairWords::Names)
}

/// Whether a field of this name holds the value of a name/value pair (its last word is
/// `value`, …): [`Redactor::is_pair_value_field`], for the text rules.
pub(crate) fn is_pair_value_word_last(field: &str) -> bool {
    ends_with_word(field, PairWords::Values)
}

/// The longest name string read as a key in a name/value pair: longer text is prose.
const PAIR_NAME_MAX: usize = 64;

/// Fields that hold the value of a name/value pair.
const PAIR_VALUES: &[&str] = &["value", "val", "values"];

fn normalize_all(terms: &[String], what: &str) -> Result<Vec<Vec<String>>, BuildError> {
    terms
        .iter()
        .map(|t| {
            let mut tokens = Vec::new();
            for_each_token(t, |s, e| tokens.push(t[s..e].to_ascii_lowercase()));
            if tokens.is_empty() {
                Err(BuildError::InvalidOption(format!(
                    "{what} key {t:?} has no letters or digits"
                )))
            } else {
                Ok(tokens)
            }
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Char {
    Lower,
    Upper,
    Digit,
    Sep,
}

/// The class of the character starting at byte `i`, and its length in bytes.
fn class_at(key: &str, i: usize) -> Option<(Char, usize)> {
    let b = *key.as_bytes().get(i)?;
    let class = match b {
        b'a'..=b'z' => Char::Lower,
        b'A'..=b'Z' => Char::Upper,
        b'0'..=b'9' => Char::Digit,
        0..=0x7f => Char::Sep,
        _ => {
            // Non-ASCII: letters and digits join a word (without case splits), anything
            // else (emoji, punctuation, U+FFFD) separates words.
            let c = key[i..].chars().next()?;
            let class = if c.is_alphanumeric() {
                Char::Lower
            } else {
                Char::Sep
            };
            return Some((class, c.len_utf8()));
        }
    };
    Some((class, 1))
}

/// Calls `f(start, end)` for every token of `key` (byte offsets on char boundaries).
fn for_each_token(key: &str, mut f: impl FnMut(usize, usize)) {
    let mut start: Option<usize> = None;
    let mut prev = Char::Sep;
    let mut i = 0;
    while let Some((c, len)) = class_at(key, i) {
        if c == Char::Sep {
            if let Some(s) = start.take() {
                f(s, i);
            }
        } else if let Some(s) = start {
            let split = match (prev, c) {
                (Char::Digit, Char::Lower | Char::Upper)
                | (Char::Lower | Char::Upper, Char::Digit)
                | (Char::Lower, Char::Upper) => true,
                // `APIKey`: the last capital of a run starts the next word — unless what
                // follows is a lone plural `s` (`IDs`, `APIs`).
                (Char::Upper, Char::Upper) => match class_at(key, i + len) {
                    Some((Char::Lower, n)) => {
                        let lone_s = key.as_bytes()[i + len] == b's'
                            && class_at(key, i + len + n).is_none_or(|(c, _)| c != Char::Lower);
                        !lone_s
                    }
                    _ => false,
                },
                _ => false,
            };
            if split {
                f(s, i);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
        prev = c;
        i += len;
    }
    if let Some(s) = start {
        f(s, key.len());
    }
}

/// A key token, lower-cased into a fixed buffer. Every vocabulary word is at most 16 bytes,
/// so a longer token (`long`) can match nothing and is never copied.
#[derive(Clone, Copy)]
struct Tok {
    buf: [u8; 16],
    len: u8,
    long: bool,
}

impl Tok {
    fn new(tok: &str) -> Tok {
        let b = tok.as_bytes();
        let mut buf = [0u8; 16];
        if b.len() > 16 {
            return Tok {
                buf,
                len: 0,
                long: true,
            };
        }
        for (d, s) in buf.iter_mut().zip(b) {
            *d = s.to_ascii_lowercase();
        }
        Tok {
            buf,
            len: b.len() as u8,
            long: false,
        }
    }

    /// The lower-case bytes; empty for a long token (which matches no word).
    fn bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    fn is(&self, word: &str) -> bool {
        !self.long && self.bytes() == word.as_bytes()
    }

    fn is_any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.is(w))
    }
}

/// Words before `token` that make it an LLM usage counter or a pagination cursor
/// (`max_token`, `total_token`, `next_page_token`) — or a token meant to be public
/// (`publicToken`).
const COUNTING: &[&str] = &[
    "max",
    "min",
    "n",
    "prompt",
    "completion",
    "input",
    "output",
    "cached",
    "reasoning",
    "remaining",
    "used",
    "page",
    "pagination",
    "continuation",
    "cursor",
    "total",
    // Not a counter but not a secret either: a token meant to be published.
    "public",
    "number",
    "numbers",
    "num",
    "no",
];

/// Words before the plural `tokens` that make it credentials (`refresh_tokens`); without
/// one, `tokens` is a counter (`max_tokens`, `prompt_tokens`).
const CREDENTIAL_TOKENS: &[&str] = &[
    "refresh", "auth", "bearer", "session", "oauth", "csrf", "xsrf", "jwt", "personal", "device",
    "client", "identity", "login", "github", "gitlab", "slack", "service", "api", "access", "id",
    "security",
];

/// The class `cur` names given its neighbours (`None` at the ends of the key).
fn names_at(prev: Option<&Tok>, cur: &Tok, next: Option<&Tok>) -> Option<Class> {
    if cur.long {
        return None;
    }
    let c = cur.bytes();
    for entry in vocab::VOCAB {
        match *entry.words {
            [w] if vocab::word_is(c, w, entry.plural) => match entry.role {
                Role::Strong => return Some(entry.class),
                Role::Context => {
                    let names = next.is_none_or(|n| n.is_any(vocab::CREDENTIAL_NOUNS));
                    if names {
                        return Some(entry.class);
                    }
                }
            },
            [a, b] if vocab::word_is(c, b, entry.plural) && prev.is_some_and(|p| p.is(a)) => {
                return Some(entry.class);
            }
            // The two words written as one token (`setcookie`, `SOCIALSECURITY`).
            [a, b]
                if c.starts_with(a.as_bytes())
                    && vocab::word_is(&c[a.len()..], b, entry.plural) =>
            {
                return Some(entry.class);
            }
            _ => {}
        }
    }
    if cur.is("token") {
        return (!prev.is_some_and(|p| p.is_any(COUNTING))).then_some(Class::Token);
    }
    if cur.is("tokens") {
        return prev
            .is_some_and(|p| p.is_any(CREDENTIAL_TOKENS))
            .then_some(Class::Token);
    }
    None
}

/// Folds the decisions of a key's tokens, in order, into a [`Rule`].
#[derive(Default)]
struct Fold {
    /// A sensitive word not (yet) followed by a qualifier.
    pending: Option<Class>,
    /// The first sensitive word that no qualifier followed.
    named: Option<Class>,
    /// The latest qualified sensitive word and its last qualifier.
    mention: Option<(Class, Qual)>,
}

impl Fold {
    fn step(&mut self, prev: Option<&Tok>, cur: &Tok, next: Option<&Tok>) {
        if let Some(class) = names_at(prev, cur, next) {
            if let Some(p) = self.pending.replace(class) {
                self.named.get_or_insert(p);
            }
        } else if let Some(q) = (!cur.long).then(|| vocab::qualifier(cur.bytes())).flatten() {
            if let Some(p) = self.pending.take() {
                self.mention = Some((p, q));
            } else if let Some(m) = self.mention.as_mut() {
                m.1 = q;
            }
        }
    }

    fn finish(mut self) -> Rule {
        if let Some(p) = self.pending.take() {
            self.named.get_or_insert(p);
        }
        match (self.named, self.mention) {
            (Some(c), _) => Rule::Names(c),
            (None, Some((c, q))) => Rule::Mentions(c, q),
            (None, None) => Rule::Plain,
        }
    }
}

/// The built-in rules on their own, remembered per thread (see [`memo`]).
pub(crate) fn builtin_rule(key: &str) -> Rule {
    memo::remembered(key, decide_builtin)
}

/// The built-in rules decided afresh: a single streaming pass over a sliding window of
/// three tokens, no allocation.
fn decide_builtin(key: &str) -> Rule {
    let mut fold = Fold::default();
    let mut prev: Option<Tok> = None;
    let mut cur: Option<Tok> = None;
    for_each_token(key, |s, e| {
        let next = Tok::new(&key[s..e]);
        if let Some(c) = cur {
            fold.step(prev.as_ref(), &c, Some(&next));
            prev = Some(c);
        }
        cur = Some(next);
    });
    if let Some(c) = cur {
        fold.step(prev.as_ref(), &c, None);
    }
    fold.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_word_switch_holds_exactly_the_lists() {
        for (list, words) in [
            (PairWords::Names, PAIR_NAMES),
            (PairWords::Values, PAIR_VALUES),
        ] {
            assert_eq!(list.words(), words);
            for w in words {
                assert!(list.holds(w.as_bytes()), "{w}");
                assert!(
                    w.len() >= 3 && w.len() <= 9,
                    "{w}: outside the guessed lengths"
                );
            }
        }
        assert!(!PairWords::Names.holds(b"value") && !PairWords::Values.holds(b"name"));
    }

    proptest::proptest! {
        /// The guess from the end of a field decides as the full split does.
        #[test]
        fn last_word_guess_equals_the_split(
            field in "[A-Za-z0-9_.\\-éÉß]{0,6}(name|Name|NAME|key|Key|KEY|value|Value|VALUE|val|types|label)?[A-Za-z0-9_éÖ]{0,3}"
        ) {
            for list in [PairWords::Names, PairWords::Values] {
                proptest::prop_assert_eq!(
                    ends_with_word(&field, list),
                    last_token_is(&field, list.words()),
                    "{}", field
                );
            }
        }
    }

    fn tokens(key: &str) -> Vec<&str> {
        let mut v = Vec::new();
        for_each_token(key, |s, e| v.push(&key[s..e]));
        v
    }

    #[test]
    fn tokenizer_splits_case_digits_and_separators() {
        assert_eq!(tokens("userEmail"), ["user", "Email"]);
        assert_eq!(tokens("APIKey"), ["API", "Key"]);
        assert_eq!(tokens("XApiKey"), ["X", "Api", "Key"]);
        assert_eq!(tokens("userSSN"), ["user", "SSN"]);
        assert_eq!(tokens("taxIDs"), ["tax", "IDs"]);
        assert_eq!(tokens("x-api-key"), ["x", "api", "key"]);
        assert_eq!(tokens("cvv2"), ["cvv", "2"]);
        assert_eq!(tokens("__a..b  c__"), ["a", "b", "c"]);
        assert_eq!(tokens("contraseñaUsuario"), ["contraseña", "Usuario"]);
        assert!(tokens("").is_empty());
        assert!(tokens("-_.").is_empty());
    }
}
