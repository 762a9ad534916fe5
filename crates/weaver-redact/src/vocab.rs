//! The one sensitive-name vocabulary: which words name a secret, what they name, and which
//! words turn a compound name into a mere *mention* of one.
//!
//! Every front end reads this table: JSON keys and name/value pairs through `keys.rs`, and
//! the text scanner's assignment keywords (`password=…`, `"cookie": …`) through
//! [`assignment_words`] / [`assignment_alternation`], so a word is sensitive in text exactly
//! when it is sensitive as a key.
//!
//! Words are compared as lower-case ASCII tokens (see `keys.rs` for how a key is split):
//!
//! * a [`Role::Strong`] entry names a secret wherever it appears in a key (`db_password`,
//!   `userEmail`, `X-Api-Key`);
//! * a [`Role::Context`] entry (`auth`, `session`, `cookie`, `bearer`) is a broad word: it
//!   names a secret only as the last word of a key (`basic_auth`, `set-cookie`, `session`)
//!   or before a [`CREDENTIAL_NOUNS`] word (`session_id`, `auth_header`), so `auth_url`,
//!   `session_timeout` or `cookie_domain` stay plain;
//! * two-word entries match adjacent tokens (`api key` in `x-api-key`, `pass phrase` in
//!   `pass_phrase`);
//! * a [`QUALIFIERS`] word *after* a sensitive word makes the name a mention: the key says
//!   something about the secret (`email_verified`, `password_min_length`,
//!   `token_expires_at`, `authorization_status`) and its value is kept when its type fits
//!   the qualifier ([`Qual`]).

/// What a sensitive name names. The class decides which value types can carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    Email,
    Phone,
    Ssn,
    TaxId,
    Card,
    Cvv,
    Iban,
    Password,
    Secret,
    Token,
    ApiKey,
    Auth,
    Cookie,
    Session,
    Credential,
    PrivateKey,
    /// A user-supplied sensitive term.
    Custom,
}

impl Class {
    /// Personal identifiers (an address, a number): a boolean, a null or a number with a
    /// fractional part cannot hold one (`pan: 0.5` is an audio pan, `mobile: true` a flag).
    /// Every other class is a secret: any value under its name is masked.
    pub(crate) fn is_identifier(self) -> bool {
        matches!(
            self,
            Class::Email
                | Class::Phone
                | Class::Ssn
                | Class::TaxId
                | Class::Card
                | Class::Cvv
                | Class::Iban
        )
    }
}

/// Where a vocabulary word names a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Anywhere in a key.
    Strong,
    /// Only as the last word of a key or before a credential noun (see the module docs).
    Context,
}

/// One vocabulary entry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    /// One or two lower-case words, matched against adjacent key tokens.
    pub(crate) words: &'static [&'static str],
    /// What it names.
    pub(crate) class: Class,
    /// Where it names it.
    pub(crate) role: Role,
    /// Whether the last word also matches with a plural `s` (`emails`, `api_keys`).
    pub(crate) plural: bool,
    /// Whether the text scanner treats `word = value` / `"word": value` as an assignment
    /// whose value is a secret. Personal identifiers are found by their shape instead.
    #[allow(dead_code)]
    pub(crate) assign: bool,
}

const fn e(words: &'static [&'static str], class: Class, plural: bool, assign: bool) -> Entry {
    Entry {
        words,
        class,
        role: Role::Strong,
        plural,
        assign,
    }
}

const fn ctx(word: &'static [&'static str], class: Class, plural: bool) -> Entry {
    Entry {
        words: word,
        class,
        role: Role::Context,
        plural,
        assign: true,
    }
}

/// The table. `token`/`tokens` are not here: an LLM usage counter (`max_tokens`,
/// `prompt_tokens`, `next_page_token`) shares the word, so `keys.rs` decides them with their
/// neighbours; [`assignment_words`] still lists `token` for text.
pub(crate) const VOCAB: &[Entry] = &[
    // Personal identifiers.
    e(&["email"], Class::Email, true, false),
    e(&["e", "mail"], Class::Email, true, false),
    e(&["phone"], Class::Phone, true, false),
    e(&["telephone"], Class::Phone, true, false),
    e(&["tel"], Class::Phone, false, false),
    e(&["mobile"], Class::Phone, false, false),
    e(&["cellphone"], Class::Phone, true, false),
    e(&["msisdn"], Class::Phone, true, false),
    // The text rules' phone context keyword: a column named so must not print bare numbers.
    e(&["fax"], Class::Phone, true, false),
    e(&["cell", "number"], Class::Phone, true, false),
    e(&["cell", "no"], Class::Phone, false, false),
    e(&["cell", "num"], Class::Phone, false, false),
    e(&["contact", "number"], Class::Phone, true, false),
    e(&["contact", "no"], Class::Phone, false, false),
    e(&["ssn"], Class::Ssn, true, false),
    e(&["social", "security"], Class::Ssn, false, false),
    e(&["tin"], Class::TaxId, false, false),
    e(&["taxid"], Class::TaxId, true, false),
    e(&["tax", "id"], Class::TaxId, true, false),
    e(&["pan"], Class::Card, false, false),
    e(&["cardnumber"], Class::Card, true, false),
    e(&["card", "number"], Class::Card, true, false),
    e(&["card", "num"], Class::Card, false, false),
    e(&["card", "no"], Class::Card, false, false),
    e(&["creditcard"], Class::Card, true, false),
    e(&["credit", "card"], Class::Card, true, false),
    e(&["cvv"], Class::Cvv, false, false),
    e(&["cvc"], Class::Cvv, false, false),
    e(&["iban"], Class::Iban, true, false),
    // Secrets.
    e(&["password"], Class::Password, true, true),
    e(&["pass", "word"], Class::Password, true, true),
    e(&["passwd"], Class::Password, true, true),
    e(&["pwd"], Class::Password, false, true),
    e(&["passphrase"], Class::Password, true, true),
    e(&["pass", "phrase"], Class::Password, true, true),
    e(&["passcode"], Class::Password, true, true),
    e(&["secret"], Class::Secret, true, true),
    // For the text scanner: `secret_key=…` (a key is already sensitive through `secret`).
    e(&["secret", "key"], Class::Secret, true, true),
    e(&["apikey"], Class::ApiKey, true, true),
    e(&["api", "key"], Class::ApiKey, true, true),
    e(&["accesskey"], Class::ApiKey, true, true),
    e(&["access", "key"], Class::ApiKey, true, true),
    e(&["privatekey"], Class::PrivateKey, true, true),
    e(&["private", "key"], Class::PrivateKey, true, true),
    e(&["credential"], Class::Credential, true, true),
    // The common short form (`creds = …`, `DB_CREDS`).
    e(&["creds"], Class::Credential, false, true),
    e(&["authorization"], Class::Auth, false, true),
    e(&["sessionid"], Class::Session, true, true),
    e(&["session", "id"], Class::Session, true, true),
    e(&["set", "cookie"], Class::Cookie, false, true),
    ctx(&["auth"], Class::Auth, false),
    ctx(&["bearer"], Class::Auth, false),
    ctx(&["cookie"], Class::Cookie, true),
    ctx(&["session"], Class::Session, false),
];

/// Words after a [`Role::Context`] entry that make it name a secret (`session_id`,
/// `auth_header`, `cookie_value`); any other following word leaves it plain.
pub(crate) const CREDENTIAL_NOUNS: &[&str] = &[
    "id", "ids", "key", "keys", "value", "values", "header", "headers", "string", "code", "codes",
    "hash", "data", "info", "jar",
];

/// The type a qualifier expects of the value it describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Qual {
    /// A flag: booleans (and null) are kept.
    Flag,
    /// A count, length or limit: null and numbers below 10⁸ are kept (a 9-digit SSN or a
    /// 10-digit phone is not a count).
    Count,
    /// A time, date or duration: null, any number and date-shaped strings are kept.
    Time,
    /// A status, type or mode: null, booleans, numbers below 10⁸ and short enum-like
    /// strings (letters, digits, `_ . -` and spaces, at most 32 bytes) are kept.
    Enum,
}

/// Words that, after a sensitive word, make a key a mention (see the module docs).
pub(crate) const QUALIFIERS: &[(&str, Qual)] = &[
    // Flags.
    ("verified", Qual::Flag),
    ("verify", Qual::Flag),
    ("enabled", Qual::Flag),
    ("disabled", Qual::Flag),
    ("required", Qual::Flag),
    ("valid", Qual::Flag),
    ("validated", Qual::Flag),
    ("confirmed", Qual::Flag),
    ("present", Qual::Flag),
    ("exists", Qual::Flag),
    ("visible", Qual::Flag),
    ("hidden", Qual::Flag),
    ("optional", Qual::Flag),
    ("allowed", Qual::Flag),
    ("supported", Qual::Flag),
    ("subscribed", Qual::Flag),
    ("consent", Qual::Flag),
    ("bounced", Qual::Flag),
    ("masked", Qual::Flag),
    ("redacted", Qual::Flag),
    ("encrypted", Qual::Flag),
    ("hashed", Qual::Flag),
    ("set", Qual::Flag),
    ("opt", Qual::Flag),
    // Counts, lengths and limits.
    ("count", Qual::Count),
    ("counts", Qual::Count),
    ("counter", Qual::Count),
    ("length", Qual::Count),
    ("len", Qual::Count),
    ("size", Qual::Count),
    ("limit", Qual::Count),
    ("limits", Qual::Count),
    ("min", Qual::Count),
    ("max", Qual::Count),
    ("minimum", Qual::Count),
    ("maximum", Qual::Count),
    ("total", Qual::Count),
    ("usage", Qual::Count),
    ("used", Qual::Count),
    ("remaining", Qual::Count),
    ("budget", Qual::Count),
    ("estimate", Qual::Count),
    ("index", Qual::Count),
    ("idx", Qual::Count),
    ("offset", Qual::Count),
    ("position", Qual::Count),
    ("pos", Qual::Count),
    ("attempts", Qual::Count),
    ("retries", Qual::Count),
    ("tries", Qual::Count),
    ("failures", Qual::Count),
    ("digits", Qual::Count),
    ("chars", Qual::Count),
    ("characters", Qual::Count),
    ("bits", Qual::Count),
    ("strength", Qual::Count),
    ("score", Qual::Count),
    ("rounds", Qual::Count),
    ("iterations", Qual::Count),
    ("logprob", Qual::Count),
    ("logprobs", Qual::Count),
    // Times, dates and durations.
    ("at", Qual::Time),
    ("on", Qual::Time),
    ("in", Qual::Time),
    ("expires", Qual::Time),
    ("expiry", Qual::Time),
    ("expiration", Qual::Time),
    ("expire", Qual::Time),
    ("expired", Qual::Time),
    ("ttl", Qual::Time),
    ("timeout", Qual::Time),
    ("timestamp", Qual::Time),
    ("ts", Qual::Time),
    ("time", Qual::Time),
    ("date", Qual::Time),
    ("since", Qual::Time),
    ("until", Qual::Time),
    ("age", Qual::Time),
    ("lifetime", Qual::Time),
    ("duration", Qual::Time),
    ("created", Qual::Time),
    ("updated", Qual::Time),
    ("modified", Qual::Time),
    ("rotated", Qual::Time),
    ("changed", Qual::Time),
    ("issued", Qual::Time),
    ("seconds", Qual::Time),
    ("secs", Qual::Time),
    ("ms", Qual::Time),
    ("days", Qual::Time),
    ("hours", Qual::Time),
    ("minutes", Qual::Time),
    // Statuses, types and modes.
    ("status", Qual::Enum),
    ("state", Qual::Enum),
    ("type", Qual::Enum),
    ("types", Qual::Enum),
    ("kind", Qual::Enum),
    ("method", Qual::Enum),
    ("mode", Qual::Enum),
    ("scheme", Qual::Enum),
    ("format", Qual::Enum),
    ("provider", Qual::Enum),
    ("source", Qual::Enum),
    ("strategy", Qual::Enum),
    ("level", Qual::Enum),
    ("version", Qual::Enum),
    ("algorithm", Qual::Enum),
    ("alg", Qual::Enum),
    ("category", Qual::Enum),
    ("class", Qual::Enum),
    ("flow", Qual::Enum),
    ("policy", Qual::Enum),
    ("domain", Qual::Enum),
];

/// The qualifier kind of a lower-case token, if it is one.
pub(crate) fn qualifier(tok: &[u8]) -> Option<Qual> {
    QUALIFIERS
        .iter()
        .find(|(w, _)| w.as_bytes() == tok)
        .map(|&(_, q)| q)
}

/// Whether `tok` (lower case) is `word`, or its plural when `plural`.
pub(crate) fn word_is(tok: &[u8], word: &str, plural: bool) -> bool {
    let w = word.as_bytes();
    tok == w || (plural && tok.len() == w.len() + 1 && tok.ends_with(b"s") && tok.starts_with(w))
}

/// The word sequences the text scanner treats as assignment keywords (`password=…`,
/// `"set-cookie": …`, `pass_phrase: …`), lower case, in table order, `token` last. The
/// same table as the key rules: a word sensitive in one path is sensitive in the other.
// Consumed by the text scanner's assignment rule (rules.rs) once it reads this table.
#[allow(dead_code)]
pub(crate) fn assignment_words() -> impl Iterator<Item = &'static [&'static str]> {
    const TOKEN: &[&str] = &["token"];
    VOCAB
        .iter()
        .filter(|e| e.assign)
        .map(|e| e.words)
        .chain([TOKEN])
}

/// [`assignment_words`] as one case-sensitive regex alternation (wrap it in `(?i:…)`):
/// words of a sequence joined by an optional `_` or `-` (`pass[_\-]?phrase`), the plural
/// `s` optional where the table allows it, longest alternatives first so that a
/// leftmost-first engine prefers `passphrase` over `pass…`.
#[allow(dead_code)]
pub(crate) fn assignment_alternation() -> String {
    let mut alts: Vec<String> = Vec::new();
    let mut push = |words: &[&str], plural: bool| {
        let mut alt = words.join(r"[_\-]?");
        if plural {
            alt.push_str("s?");
        }
        if !alts.contains(&alt) {
            alts.push(alt);
        }
    };
    for entry in VOCAB.iter().filter(|e| e.assign) {
        push(entry.words, entry.plural);
    }
    push(&["token"], true);
    // Longer alternatives first (stable: table order among equals).
    alts.sort_by_key(|a| std::cmp::Reverse(a.len()));
    alts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_words_are_lower_case_tokens() {
        for entry in VOCAB {
            assert!(matches!(entry.words.len(), 1 | 2), "{:?}", entry.words);
            for w in entry.words {
                assert!(
                    !w.is_empty() && w.len() <= 16 && w.bytes().all(|b| b.is_ascii_lowercase()),
                    "{w:?} must be a lower-case ASCII word of at most 16 bytes"
                );
            }
        }
        for (w, _) in QUALIFIERS {
            assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w:?}");
            assert!(
                !VOCAB.iter().any(|e| e.words == [*w]),
                "{w:?} is both a name and a qualifier"
            );
        }
    }

    #[test]
    fn text_and_keys_share_the_words_the_issue_names() {
        let alt = assignment_alternation();
        let re = regex_automata::meta::Regex::new(&format!("^(?i:{alt})$")).expect("valid regex");
        for w in [
            "pwd",
            "passphrase",
            "pass_phrase",
            "cookie",
            "set-cookie",
            "session_id",
            "sessionid",
            "auth",
            "bearer",
            "password",
            "PASSWORD",
            "api_key",
            "apikey",
            "api-keys",
            "secret",
            "secrets",
            "token",
            "credentials",
            "private_key",
            "creds",
        ] {
            assert!(re.is_match(w), "{w} must be an assignment keyword");
        }
        for w in [
            "email", "phone", "tel", "mobile", "pan", "tin", "author", "sessions",
        ] {
            assert!(!re.is_match(w), "{w} must not be an assignment keyword");
        }
    }

    #[test]
    fn every_assignment_word_names_a_secret_as_a_key() {
        // Text and JSON agree: a word the text scanner masks after `=` or `:` is a key
        // whose value is masked, in every spelling the tokenizer accepts.
        let r = crate::Redactor::new();
        for words in assignment_words() {
            for key in [
                words.join("_"),
                words.join("-"),
                words.concat().to_uppercase(),
            ] {
                assert!(r.key_rule(&key).names_secret(), "{key} must name a secret");
                assert!(r.key_rule(&format!("db_{key}")).names_secret(), "db_{key}");
            }
        }
    }

    #[test]
    fn plural_matching() {
        assert!(word_is(b"emails", "email", true));
        assert!(word_is(b"email", "email", true));
        assert!(!word_is(b"emails", "email", false));
        assert!(!word_is(b"emailx", "email", true));
    }
}
