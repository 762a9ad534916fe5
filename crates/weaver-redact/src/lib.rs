//! One-pass redaction of secrets and personal data in text, JSON values and byte streams.
//!
//! ```
//! use weaver_redact::Redactor;
//!
//! let redactor = Redactor::new();
//! let out = redactor.redact_str("mail bob@example.com, Authorization: Bearer abc.def-123");
//! assert_eq!(out, "mail [REDACTED], Authorization: [REDACTED]");
//!
//! // The same result for a stream split anywhere:
//! let mut stream = redactor.stream();
//! let mut out = Vec::new();
//! stream.push(b"mail bob@exa", &mut out);
//! stream.push(b"mple.com now", &mut out);
//! stream.finish(&mut out);
//! assert_eq!(out, b"mail [REDACTED] now");
//! ```
//!
//! # When to use this crate
//!
//! Use it alone to scrub logs, HTTP bodies or tool output before they are stored or shown
//! to a language model; `weaver-kernel` uses it on every path that leaves the firewall.
//! It depends only on the regex-automata / aho-corasick automata (and serde_json for the
//! `json` feature), so it is cheap to pull in.
//!
//! * [`Redactor::redact_str`] — text in, text out, every rule in one pass.
//! * [`Redactor::redact_value`] — a `serde_json::Value` in, a redacted copy and a bounded
//!   [`Report`] out: string leaves, **keys** and numbers (card numbers in any JSON number
//!   form) are scanned, values under sensitive keys and of sensitive name/value pairs are
//!   masked by one typed rule ([`Redactor::masks`]); optional field projection and depth
//!   elision.
//! * [`StreamRedactor`] — the same result as `redact_str` for a byte stream split anywhere,
//!   holding back only the bytes that could still belong to a match; [`RedactWriter`] /
//!   [`RedactReader`] for `std::io` pipes, `redact_async_read` / `redact_byte_stream` for
//!   tokio and `futures` bodies (feature `tokio`), [`JsonStreamRedactor`] for sequences of
//!   JSON chunks (feature `json`).
//!
//! Rules: email, phone (NANP — area code and exchange beginning with 2–9, as the numbering
//! plan has them, unless a phone keyword says otherwise —, E.164 — a bracketed area code
//! included —, and national numbers with their trunk `0`: TR, PH, UK, IL, FR, DE, IN, …),
//! card numbers (Luhn + issuer prefix, UATP included), SSN (dashed, spaced, dotted; ITINs),
//! Bearer and Basic credentials, JWT (empty signatures and base64-wrapped `ZXlK…` ones
//! included), API-key assignments in every common syntax, vendor keys (AWS incl. `A3T…`,
//! GitHub, Slack incl. `xoxe-`, `xapp-` and webhooks, OpenAI, Anthropic, Stripe incl.
//! `sk_prod_`, Google, private key blocks — PEM with or without `Proc-Type:` / `DEK-Info:`
//! headers, OpenSSH, PGP armor — in raw, CRLF or JSON-escaped framing), a table of some 110
//! vendor token families recognisable by their own shape ([`Kind::VendorToken`]: GitLab
//! `glpat-…`, npm, PyPI, Hugging Face, Atlassian, PlanetScale, Fly.io, Telegram bots,
//! Sentry, 1Password, Shopify, Sendgrid, Twilio, Vault, …: a literal prefix, body alphabet
//! and length range, an entropy floor), credentials in URLs (IPv6 hosts included) and the
//! values of a Kubernetes Secret's `data:` / `stringData:` map in YAML or JSON text — after
//! `kind: Secret` every value but stand-ins and base64 of at most 8 characters; with the
//! kind not known yet (kubectl prints `data` first) base64 of at least 16 characters in a
//! mapping with `apiVersion` or at a document's top; a block scalar (`key: |`) by its first
//! line; in a manifest logged with `\n` escapes too ([`Kind::ApiKey`]; in a JSON value, a
//! map whose `kind` is `Secret` has its `data` and `stringData` masked whole). A
//! token body that is a placeholder (`EXAMPLE` in it, one byte repeated for a third of it,
//! fewer than four distinct bytes) is kept, except for AWS ids. Off by default, on through
//! [`RedactorBuilder::enable`] / [`RedactorBuilder::all_kinds`] ([`Kind::OPT_IN`]): IBAN
//! (country length + mod 97), national ids validated by their check character or format
//! (FI, ES NIF/NIE, IT codice fiscale, UK NINO and NHS, IN Aadhaar and PAN, SG NRIC/FIN, AU
//! ABN and TFN, KR RRN; bare digit runs only after a keyword), IP addresses (v4 with guards
//! against versions, v6), MAC addresses, URLs, wallet addresses (Bitcoin bech32, Ethereum),
//! and regional identifiers — passports, driving licences, vehicle plates, UK postcodes,
//! health, company and bank numbers of Europe, the UK, Turkey, Asia, the Americas, Africa
//! and Oceania, masked as they stand when a check digit or a layout only they use backs
//! them, otherwise after a context word. See [`Kind`], and `testdata/redact/*.toml` for
//! every rule's positive and negative vectors.
//!
//! # Semantics
//!
//! * **Bytes, ASCII rules.** Every built-in rule matches ASCII bytes only. Text is scanned
//!   as bytes: bytes that are not UTF-8 pass through untouched ([`Redactor::redact_bytes`]),
//!   valid UTF-8 stays valid, and `redact_str(s) == redact_bytes(s.as_bytes())`. The one
//!   exception: an e-mail's local part may hold non-ASCII letters (`José.garcía@…` is
//!   masked whole).
//! * **Two stages, one result.** Stage 1 looks for *anchors* — literals every match of a
//!   trigger pattern contains (`@`, `%40`, `-----begin`, vendor prefixes, the assignment
//!   keywords; found with memchr and Aho-Corasick/Teddy on lower-cased text) and runs of
//!   digits and separators holding as many digits as the digit rules need — and jumps,
//!   whenever nothing is pending, to the last *proven cut* before the next anchor: a
//!   position after a cut byte (line breaks, quotes, brackets, …) with no anchor since the
//!   last start state, where the automaton is known to be in a start state. Stage 2 is the
//!   exact scanner below, run from that cut through the anchor. Anchors are derived from
//!   the patterns' syntax and the cut bytes from an exhaustive walk of the built automaton
//!   against the anchor automata, never listed by hand; a pattern that yields no anchor (a
//!   user pattern such as `[a-z][0-9]+`) runs the whole text through the exact scanner.
//!   Output, findings, hold cap and streaming are identical to the exact scanner's on every
//!   input (a differential property test and the `fast_path` fuzz target hold them to it).
//!   A rule set with many anchors (the default one) builds stage 1 only when an input — one
//!   call, or one stream so far — reaches 4 MiB, or when a stream is told it will
//!   ([`StreamRedactor::size_hint`]): below that, building it costs more than it saves.
//! * **One automaton, then checks in code.** A single dense DFA (regex-automata) runs over
//!   the text (from stage 1's proven cuts on). Where it sees a candidate, each rule's exact regex re-finds it and Rust code
//!   applies what regexes cannot: Luhn and issuer prefixes, SSN ranges, TLD shape, the
//!   look-around guards ("no digit or `.` before a phone"), keyword context. A rejected
//!   candidate resumes the search at the first byte where a candidate with another
//!   verdict could start, and keyword rules are found keyword first, so a rejected
//!   candidate cannot hide a later match and the cost stays linear in the input whatever
//!   its shape (`'a'×60 000 + "@b-.cc"`, `"sk-"` or `"0token="` repeated).
//! * **JSON escapes in text.** NDJSON and JSON read as text: a stretch holding `\n`, `\t`,
//!   `\r`, `\"`, `\\`, `\/` or `\uXXXX` is matched as if decoded (`creds:\nAKIA…` holds a
//!   key after a line break; `bob\u0040example.com` is an address) and every mask covers
//!   whole escapes, so `"hi\nbob@example.com"` becomes `"hi\n[REDACTED]"`. A masked bare
//!   JSON number (`"n":4111…`) becomes a quoted marker: redacting serialized JSON as text
//!   yields valid JSON.
//! * **Assignments.** `name = value` masks the value when the name holds a word of the one
//!   sensitive-name vocabulary the JSON key rules use (`password`, `pwd`, `passphrase`,
//!   `secret`, `api_key`, `token`, `cookie`, `session_id`, `auth`, `bearer`, …), in every
//!   usual syntax: the separators `=`, `:`, `=>`, `:=`, `::=`, `:::=`, `?=`, `.=`, `+=`;
//!   typed declarations (`var t string = "…"`, `val t: String = "…"`); quoted values with
//!   spaces, backquoted values and brackets inside a value; XML elements
//!   (`<apiToken>\n  …\n</apiToken>`); a call's next argument (`setProperty("X_TOKEN",
//!   "…")`); attribute pairs (`key="DbPassword" value="…"`); the flags `--token …` /
//!   `--password …`; and `curl -u user:pass`. The keyword may follow an acronym
//!   (`ETSYToken`) and carry a number (`token2`). The whole name, read back from the
//!   keyword, is then decided by the JSON key rules: `publicToken` and counters
//!   (`max_token = 4096`) are kept. A keyword right after `=`/`:` is part of a value, and a
//!   plural name with a number is a count (`tokens: 12345678`). Values that only refer to a
//!   secret or stand in for one are kept: `$VAR`, `${VAR}`, `%VAR%`, `$(cmd)`, a backquoted
//!   command, `var.db_password`, `process.env.X`, `os.getenv(…)`, and placeholders
//!   (half the value one filler byte such as `x`, `*`, `0`; `<token>`; the words
//!   `example`, `your_…`, `…_here`, `placeholder`, `changeme`, `dummy`, `insert`). `Bearer`
//!   with no credential after it is not masked. `csrf_token` stays sensitive (a
//!   session-bound credential, as a JSON key). `user@host:path` (an scp-style git remote) is
//!   not an address.
//! * **Context.** Bare digit runs — a 10-digit phone, a 9-digit SSN — are masked only when
//!   a keyword (`phone`, `call`, `tel`, `mobile`, `sms`, `fax`, `cell` / `ssn`,
//!   `social security`, `tax id`, `tin`) starts a word within 32 bytes before them.
//!   Epoch seconds and ids pass.
//! * **Partial masks and merging.** Most rules mask their whole match. API-key assignments
//!   keep the keyword and separator (`api_key=[REDACTED]`, `"apiKey": "[REDACTED]"`), an
//!   `Authorization` header keeps its name, URL credentials keep scheme and host
//!   (`postgresql://[REDACTED]@db.example.com/mydb`); an e-mail found inside a URL's
//!   credentials yields to the URL rule. The masked spans of all rules are then merged:
//!   spans that overlap or touch become one marker, typed after the earliest (then longest).
//! * **Idempotent.** A candidate overlapping a marker this crate writes (`[REDACTED]`,
//!   `[REDACTED:kind]`) is dropped, so redacting an output again changes nothing.
//! * **Exact streaming.** All paths run one scanning state machine; a one-shot call is one
//!   chunk plus the end of input. The DFA state, a cut position, the pending-match flags and
//!   64 bytes of look-behind context carry across chunks, and every decision depends on the
//!   bytes only — so the output is identical for any chunking, splits inside code points
//!   included.
//! * **Bounded hold, fail closed.** A stream holds only the run since the last *cut*: a
//!   point where no match can be in progress — the automaton sits in a start state, or a
//!   token has just matched and its delimiter ended every thread. So a list (one e-mail or
//!   timestamp per line, `a@b.io a@b.io …`) is cut after every token and each is masked on
//!   its own. If one run grows past [`Redactor::max_hold`] (default 64 KiB), it is replaced
//!   by one marker that says what and how much it replaced —
//!   `[REDACTED:hold_limit 70000 bytes]`, in both marker styles — and the rest of the run
//!   is dropped unbuffered; `redact_str` applies the same rule, so both paths stay equal on
//!   every input. In practice such a run is a 64 KiB token without whitespace, quotes or
//!   brackets (a bare base64 blob) or a 64 KiB run of digits and spaces. A line of a
//!   Kubernetes Secret's data block is held whole (no cut inside it, so it is decided on
//!   all its bytes), under the same cap.
//! * **User patterns** use the same syntax (ASCII, no look-around, no empty matches); they
//!   are masked whole as [`Kind::Custom`]. Idempotence is not guaranteed for them.
#![deny(missing_docs)]

#[cfg(feature = "tokio")]
mod adapters;
mod cache;
mod cut_match;
#[cfg(feature = "json")]
mod decide;
#[cfg(test)]
mod dfa_sum;
mod engine;
mod escapes;
mod fast;
mod fixpoint;
#[cfg(feature = "json")]
mod json;
mod keys;
mod kube;
mod leaf;
mod prebuilt;
mod report;
mod rules;
mod scan;
mod screen;
mod stream;
#[cfg(feature = "json")]
mod stream_json;
mod text;
mod vocab;

use std::sync::Arc;

#[cfg(feature = "tokio")]
pub use adapters::{RedactAsyncRead, RedactStream};
#[cfg(feature = "json")]
pub use json::{Policy, clone_deep, drop_deep, elision_marker, insert_unique};
pub use keys::{KeyRule, Shape};
pub use report::{Report, ReportEntry};
pub use stream::{RedactReader, RedactWriter, StreamRedactor};
#[cfg(feature = "json")]
pub use stream_json::JsonStreamRedactor;

/// The default replacement text.
pub const MARKER: &str = "[REDACTED]";

/// The default hard cap on how many bytes the redactor may hold back for one possible
/// match before it fails closed (masks them). 64 KiB.
pub const DEFAULT_MAX_HOLD: usize = 64 * 1024;

/// What a finding is. Serialized in `snake_case` (`"email"`, `"url_credentials"`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// An e-mail address.
    Email,
    /// A phone number (NANP or E.164).
    Phone,
    /// A payment card number (Luhn-valid, known issuer prefix).
    Card,
    /// A US social security number (dashed, spaced, dotted; bare 9 digits after a keyword),
    /// or a US ITIN (`9xx-7x-xxxx`).
    Ssn,
    /// An international bank account number: known country, its length, mod-97 check.
    Iban,
    /// A national identity number validated by its check digit or format: FI personal
    /// identity code, ES NIF/NIE, IT codice fiscale, UK NINO and NHS number, IN Aadhaar,
    /// PAN and voter id, SG NRIC/FIN, AU TFN and ABN, KR RRN/FRN, TH and ZA ids, CA SIN.
    NationalId,
    /// A passport number (KR, ES, DE, IT, UK, US, IN, …): a country's letter and digit
    /// layout, masked after a context word unless the layout is distinctive. Opt-in.
    Passport,
    /// A driving licence number (UK DVLA, IT, US, KR, …). Opt-in.
    DriverLicense,
    /// A vehicle registration plate (UK, TR, IN, NG, …). Opt-in.
    VehiclePlate,
    /// A postal code precise enough to locate a household (UK postcode). Opt-in.
    Postcode,
    /// A health or medical identifier: US NPI and MBI, DE health insurance number and
    /// LANR, medical licence numbers. Opt-in.
    HealthId,
    /// A company or tax registration number: SG UEN, KR BRN, SE organisationsnummer,
    /// IT VAT, IN GSTIN, AU ACN, … Opt-in.
    BusinessId,
    /// A bank account or routing number (US ABA routing number, account numbers after a
    /// context word). Opt-in.
    BankAccount,
    /// `Bearer <token>` credentials.
    Bearer,
    /// `Basic <base64>` credentials.
    BasicAuth,
    /// A JSON Web Token.
    Jwt,
    /// The value of an API-key / secret / token assignment (`api_key=…`, `"apiKey": "…"`).
    ApiKey,
    /// An AWS access key id (`AKIA…`, `ASIA…`).
    AwsKey,
    /// A GitHub token (`ghp_…`, `github_pat_…`, …).
    GithubToken,
    /// A Slack token (`xoxb-…`, …).
    SlackToken,
    /// An OpenAI key (`sk-…`).
    OpenAiKey,
    /// An Anthropic key (`sk-ant-…`).
    AnthropicKey,
    /// A Stripe secret key (`sk_live_…`, `rk_live_…`).
    StripeKey,
    /// A Google API key (`AIza…`).
    GoogleApiKey,
    /// A private key block: PEM (encrypted ones included), OpenSSH or PGP armor.
    PrivateKey,
    /// `user:password@` in a URL.
    UrlCredentials,
    /// An IPv4 or IPv6 address. Opt-in (see [`Kind::OPT_IN`]).
    Ip,
    /// A MAC address (`00:1A:2B:3C:4D:5E`, `00-1A-…`). Opt-in.
    Mac,
    /// A URL (`https://…`, `ftp://…`, `www.…`). Opt-in.
    Url,
    /// A cryptocurrency wallet address: Bitcoin base58check or bech32, Ethereum `0x` + 40
    /// hex. Opt-in.
    Crypto,
    /// A token of one of the vendor families recognisable by their own shape (GitLab
    /// `glpat-…`, npm `npm_…`, PyPI, Hugging Face, Sendgrid `SG.…`, Shopify, Twilio, …):
    /// a literal prefix, a body alphabet and length, an entropy floor.
    VendorToken,
    /// A match of a user-supplied pattern.
    Custom,
    /// A value under a sensitive key (`password`, `user_email`, …), whatever its type.
    SensitiveKey,
    /// A container elided because it lies beyond `max_depth`.
    DepthLimit,
    /// A possible match that grew past the hold cap and was masked (fail closed). Its
    /// marker says how much it replaced: `[REDACTED:hold_limit 70000 bytes]`, whatever the
    /// [`MarkerStyle`].
    HoldLimit,
}

impl Kind {
    /// The `snake_case` name, as serialized and as used in typed markers.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Card => "card",
            Kind::Ssn => "ssn",
            Kind::Iban => "iban",
            Kind::NationalId => "national_id",
            Kind::Passport => "passport",
            Kind::DriverLicense => "driver_license",
            Kind::VehiclePlate => "vehicle_plate",
            Kind::Postcode => "postcode",
            Kind::HealthId => "health_id",
            Kind::BusinessId => "business_id",
            Kind::BankAccount => "bank_account",
            Kind::Bearer => "bearer",
            Kind::BasicAuth => "basic_auth",
            Kind::Jwt => "jwt",
            Kind::ApiKey => "api_key",
            Kind::AwsKey => "aws_key",
            Kind::GithubToken => "github_token",
            Kind::SlackToken => "slack_token",
            Kind::OpenAiKey => "openai_key",
            Kind::AnthropicKey => "anthropic_key",
            Kind::StripeKey => "stripe_key",
            Kind::GoogleApiKey => "google_api_key",
            Kind::PrivateKey => "private_key",
            Kind::UrlCredentials => "url_credentials",
            Kind::Ip => "ip",
            Kind::Mac => "mac",
            Kind::Url => "url",
            Kind::Crypto => "crypto",
            Kind::VendorToken => "vendor_token",
            Kind::Custom => "custom",
            Kind::SensitiveKey => "sensitive_key",
            Kind::DepthLimit => "depth_limit",
            Kind::HoldLimit => "hold_limit",
        }
    }

    /// The kinds matched in text by a built-in rule that is on by default.
    pub const TEXT_RULES: [Kind; 18] = [
        Kind::Email,
        Kind::Phone,
        Kind::Card,
        Kind::Ssn,
        Kind::Bearer,
        Kind::BasicAuth,
        Kind::Jwt,
        Kind::ApiKey,
        Kind::AwsKey,
        Kind::GithubToken,
        Kind::SlackToken,
        Kind::OpenAiKey,
        Kind::AnthropicKey,
        Kind::StripeKey,
        Kind::GoogleApiKey,
        Kind::PrivateKey,
        Kind::UrlCredentials,
        Kind::VendorToken,
    ];

    /// The built-in text kinds that are off by default. IP and MAC addresses, URLs and
    /// wallet addresses are data many users keep in logs. IBANs and national ids are off
    /// for speed: their trigger fires on every digit glued to a letter (`2024-05-01T`, hex
    /// ids) and has no literal anchor, so with them on the two-stage scanner falls back to
    /// the exact one — `redact_str` on the text benchmark measured 57 MB/s with them and
    /// 120 MB/s without (release, 2026-12-01). The regional identifiers after them
    /// (passports, driving licences, plates, postcodes, health, company and bank numbers)
    /// have shapes that collide with ordinary codes unless a context word or a check digit
    /// backs them. Values under keys such as `iban` or `national_id` are masked by the key
    /// rules either way. Turn them on with [`RedactorBuilder::enable`] or
    /// [`RedactorBuilder::all_kinds`].
    pub const OPT_IN: [Kind; 13] = [
        Kind::Ip,
        Kind::Mac,
        Kind::Url,
        Kind::Crypto,
        Kind::Iban,
        Kind::NationalId,
        Kind::Passport,
        Kind::DriverLicense,
        Kind::VehiclePlate,
        Kind::Postcode,
        Kind::HealthId,
        Kind::BusinessId,
        Kind::BankAccount,
    ];

    /// Every kind a built-in text rule can find: [`TEXT_RULES`](Self::TEXT_RULES), then
    /// [`OPT_IN`](Self::OPT_IN).
    pub fn builtin() -> impl Iterator<Item = Kind> {
        Kind::TEXT_RULES.into_iter().chain(Kind::OPT_IN)
    }

    /// The built-in text kind named `name` (its [`as_str`](Self::as_str) form, such as
    /// `"ip"` or `"national_id"`), if there is one.
    ///
    /// ```
    /// use weaver_redact::Kind;
    /// assert_eq!(Kind::from_name("ip"), Some(Kind::Ip));
    /// assert_eq!(Kind::from_name("depth_limit"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::builtin().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How masked spans are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarkerStyle {
    /// `[REDACTED]` for every kind (the default).
    #[default]
    Plain,
    /// `[REDACTED:email]`, `[REDACTED:card]`, …
    Typed,
}

/// One masked span of a text: what it was and where it was, never the value itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// Byte offset of the masked span in the input (for streams: in the whole stream).
    pub start: u64,
    /// Byte offset one past the masked span.
    pub end: u64,
}

/// Why a [`RedactorBuilder`] refused to build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A user pattern does not parse.
    #[error("invalid pattern {name:?}: {message}")]
    InvalidPattern {
        /// The name given to the pattern.
        name: String,
        /// What the parser said.
        message: String,
    },
    /// The patterns together exceed the automaton size limits.
    #[error("patterns too large for the automaton limits: {message}")]
    TooLarge {
        /// What the builder said.
        message: String,
    },
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

/// A configured redactor: built once, cheap to clone (`Arc`), `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Redactor {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    engine: engine::Engine,
    keys: keys::KeyMatcher,
    markers: Markers,
}

/// The marker text for each kind, rendered once at build time.
#[derive(Debug)]
struct Markers {
    style: MarkerStyle,
}

impl Markers {
    fn get(&self, kind: Kind) -> &'static str {
        match self.style {
            MarkerStyle::Plain => MARKER,
            MarkerStyle::Typed => typed_marker(kind),
        }
    }
}

fn typed_marker(kind: Kind) -> &'static str {
    match kind {
        Kind::Email => "[REDACTED:email]",
        Kind::Phone => "[REDACTED:phone]",
        Kind::Card => "[REDACTED:card]",
        Kind::Ssn => "[REDACTED:ssn]",
        Kind::Iban => "[REDACTED:iban]",
        Kind::NationalId => "[REDACTED:national_id]",
        Kind::Passport => "[REDACTED:passport]",
        Kind::DriverLicense => "[REDACTED:driver_license]",
        Kind::VehiclePlate => "[REDACTED:vehicle_plate]",
        Kind::Postcode => "[REDACTED:postcode]",
        Kind::HealthId => "[REDACTED:health_id]",
        Kind::BusinessId => "[REDACTED:business_id]",
        Kind::BankAccount => "[REDACTED:bank_account]",
        Kind::Bearer => "[REDACTED:bearer]",
        Kind::BasicAuth => "[REDACTED:basic_auth]",
        Kind::Jwt => "[REDACTED:jwt]",
        Kind::ApiKey => "[REDACTED:api_key]",
        Kind::AwsKey => "[REDACTED:aws_key]",
        Kind::GithubToken => "[REDACTED:github_token]",
        Kind::SlackToken => "[REDACTED:slack_token]",
        Kind::OpenAiKey => "[REDACTED:openai_key]",
        Kind::AnthropicKey => "[REDACTED:anthropic_key]",
        Kind::StripeKey => "[REDACTED:stripe_key]",
        Kind::GoogleApiKey => "[REDACTED:google_api_key]",
        Kind::PrivateKey => "[REDACTED:private_key]",
        Kind::UrlCredentials => "[REDACTED:url_credentials]",
        Kind::Ip => "[REDACTED:ip]",
        Kind::Mac => "[REDACTED:mac]",
        Kind::Url => "[REDACTED:url]",
        Kind::Crypto => "[REDACTED:crypto]",
        Kind::VendorToken => "[REDACTED:vendor_token]",
        Kind::Custom => "[REDACTED:custom]",
        Kind::SensitiveKey => "[REDACTED:sensitive_key]",
        Kind::DepthLimit => "[REDACTED:depth_limit]",
        Kind::HoldLimit => "[REDACTED:hold_limit]",
    }
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// A redactor with every built-in rule, `[REDACTED]` markers and the default key lists.
    ///
    /// The automaton is built once per process and shared, so calling this repeatedly is
    /// cheap.
    pub fn new() -> Self {
        static DEFAULT: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                RedactorBuilder::new()
                    .build()
                    .expect("the built-in rule set always builds (tested)")
            })
            .clone()
    }

    /// Starts configuring a redactor.
    pub fn builder() -> RedactorBuilder {
        RedactorBuilder::new()
    }

    /// The marker written for `kind` under this redactor's [`MarkerStyle`].
    pub fn marker(&self, kind: Kind) -> &'static str {
        self.inner.markers.get(kind)
    }

    /// The hard cap on bytes held back for one possible match (see [`StreamRedactor`]).
    pub fn max_hold(&self) -> usize {
        self.inner.engine.max_hold()
    }

    /// Whether a JSON key (or header name) *names* sensitive data. Keys are split into
    /// tokens on case changes, `_`, `-`, `.` and spaces: `userEmail`, `user_email`,
    /// `access_token`, `apiKey`, `Authorization`, `pwd`, `set-cookie`, `session_id` name a
    /// secret; `token_count`, `max_tokens`, `tokenizer`, `auth_url` do not, and neither do
    /// mentions such as `email_verified` or `password_min_length`. Whether a given value
    /// is masked is decided by type with [`masks`](Self::masks) /
    /// [`rule_masks`](Self::rule_masks).
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        self.inner.keys.is_sensitive(key)
    }

    /// Starts a streaming redactor whose concatenated output equals
    /// [`redact_bytes`](Self::redact_bytes) of the whole stream, however it is split.
    pub fn stream(&self) -> StreamRedactor {
        StreamRedactor::new(self.clone())
    }
}

/// Configures a [`Redactor`].
#[derive(Debug, Clone)]
pub struct RedactorBuilder {
    kinds: Vec<Kind>,
    custom: Vec<(String, String)>,
    marker: MarkerStyle,
    sensitive_keys: Vec<String>,
    stop_keys: Vec<String>,
    max_hold: usize,
    /// Use the two-stage scanner on every input whenever it can be derived, even for rule
    /// sets that build it only for large inputs (for the differential tests).
    force_two_stage: bool,
    cache: Option<std::path::PathBuf>,
}

impl Default for RedactorBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl RedactorBuilder {
    /// Every default built-in rule ([`Kind::TEXT_RULES`]; the [`Kind::OPT_IN`] kinds stay
    /// off), plain markers, default key lists, 64 KiB hold cap.
    pub fn new() -> Self {
        RedactorBuilder {
            kinds: Kind::TEXT_RULES.to_vec(),
            custom: Vec::new(),
            marker: MarkerStyle::Plain,
            sensitive_keys: Vec::new(),
            stop_keys: Vec::new(),
            max_hold: DEFAULT_MAX_HOLD,
            force_two_stage: false,
            cache: None,
        }
    }

    /// Uses only these built-in text rules (kinds that are not text rules are ignored).
    /// Opt-in kinds ([`Kind::OPT_IN`]) named here are on:
    /// `.kinds(Kind::TEXT_RULES.into_iter().chain([Kind::Ip]))` is the default set plus IP
    /// addresses.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = Kind>) -> Self {
        self.kinds = kinds.into_iter().collect();
        self
    }

    /// Turns one built-in text rule on, typically an opt-in one:
    ///
    /// ```
    /// use weaver_redact::{Kind, Redactor};
    /// let r = Redactor::builder().enable(Kind::Ip).build().unwrap();
    /// assert_eq!(r.redact_str("from 203.0.113.9 ok"), "from [REDACTED] ok");
    /// assert_eq!(Redactor::new().redact_str("from 203.0.113.9 ok"), "from 203.0.113.9 ok");
    /// ```
    pub fn enable(mut self, kind: Kind) -> Self {
        if !self.kinds.contains(&kind) {
            self.kinds.push(kind);
        }
        self
    }

    /// Turns every built-in text rule on, the opt-in ones included ([`Kind::builtin`]).
    pub fn all_kinds(mut self) -> Self {
        self.kinds = Kind::builtin().collect();
        self
    }

    /// Turns one built-in text rule off.
    pub fn disable(mut self, kind: Kind) -> Self {
        self.kinds.retain(|k| *k != kind);
        self
    }

    /// Adds a user pattern (regex-automata syntax, ASCII, no look-around); its matches are
    /// masked as [`Kind::Custom`]. Invalid or oversized patterns make [`build`](Self::build)
    /// fail with a typed error.
    pub fn pattern(mut self, name: impl Into<String>, regex: impl Into<String>) -> Self {
        self.custom.push((name.into(), regex.into()));
        self
    }

    /// Chooses `[REDACTED]` or typed `[REDACTED:kind]` markers.
    pub fn marker(mut self, style: MarkerStyle) -> Self {
        self.marker = style;
        self
    }

    /// Adds key names (compared after normalization) whose values are always masked.
    pub fn sensitive_keys<S: Into<String>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.sensitive_keys.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Adds key names that are never sensitive even if a token matches (like `max_tokens`).
    pub fn stop_keys<S: Into<String>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.stop_keys.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Sets the hard cap on bytes held for one possible match (default 64 KiB; at least 1 KiB).
    pub fn max_hold(mut self, bytes: usize) -> Self {
        self.max_hold = bytes;
        self
    }

    /// Uses the two-stage scanner on every input whenever its anchors can be derived, even
    /// for rule sets with so many anchor literals that it is otherwise built only for inputs
    /// of 4 MiB and more. Output is the same either way; this exists so tests can compare
    /// both scanners on every rule set and every input size.
    #[doc(hidden)]
    pub fn force_two_stage(mut self) -> Self {
        self.force_two_stage = true;
        self
    }

    /// Keeps built automata in `dir` so the next process with the same rules starts in
    /// milliseconds.
    ///
    /// The default rule set ships its automaton prebuilt and never touches the cache. Any
    /// other set — an opt-in kind, a user pattern — is determinized at [`build`](Self::build),
    /// which costs seconds of CPU for the full rule set (its triggers run side by side in
    /// one DFA). With a cache directory, the first build writes the automaton there
    /// (tens of MB for every kind on; one file per crate version and rule set, written to a
    /// temporary file and renamed) and later builds load it. A file is used only if the
    /// rule texts stored in it match exactly and it passes a checksum and the automaton's
    /// own validation; otherwise it is rebuilt and rewritten. Failing to write the cache is
    /// not an error: the next build just determinizes again.
    ///
    /// Whoever can write `dir` can change what is masked: give it the same trust as the
    /// binary (the `weaver` CLI uses `$WEAVER_CACHE_DIR`, else the user's cache directory;
    /// a directory this creates is owner-only on Unix).
    ///
    /// ```
    /// use weaver_redact::Redactor;
    /// let dir = std::env::temp_dir().join(format!("weaver-doc-cache-{}", std::process::id()));
    /// let build = || {
    ///     Redactor::builder()
    ///         .kinds([]) // a small rule set, so the example builds fast
    ///         .pattern("ticket", "TCK-[0-9]{6}")
    ///         .automaton_cache(&dir)
    ///         .build()
    ///         .unwrap()
    /// };
    /// let first = build(); // determinizes and writes the cache
    /// let again = build(); // loads it
    /// assert_eq!(again.redact_str("see TCK-123456"), "see [REDACTED]");
    /// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn automaton_cache(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.cache = Some(dir.into());
        self
    }

    /// Builds the automaton. Fails with a typed error on a bad pattern or option.
    pub fn build(self) -> Result<Redactor, BuildError> {
        if self.max_hold < 1024 {
            return Err(BuildError::InvalidOption(format!(
                "max_hold must be at least 1024 bytes, got {}",
                self.max_hold
            )));
        }
        let engine = engine::Engine::new(
            &self.kinds,
            &self.custom,
            self.max_hold,
            self.force_two_stage,
            self.cache.as_deref(),
        )?;
        let keys = keys::KeyMatcher::new(&self.sensitive_keys, &self.stop_keys)?;
        Ok(Redactor {
            inner: Arc::new(Inner {
                engine,
                keys,
                markers: Markers { style: self.marker },
            }),
        })
    }
}
