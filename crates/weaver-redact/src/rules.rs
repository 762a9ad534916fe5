//! The built-in text rules: one regex per pattern (ASCII syntax, no look-around) plus the
//! checks that regexes cannot express (Luhn, issuer prefixes, SSN ranges, keyword context,
//! the look-around guards), written in code.
//!
//! Every pattern here is compiled twice: into the one multi-pattern dense DFA that scans
//! the whole text (and decides where a match could still be in progress), and alone into a
//! `meta::Regex` that re-finds candidates inside the few segments where the DFA saw a match.
//! Because both use the same pattern text, a match found by the second always lies inside a
//! segment the first delimited: that is what makes streaming exact.

use crate::Kind;

mod assign;
mod digits;
mod names;
mod national;
mod net;
mod pairs;
// regional: opt-in shapes on trigger 5
mod net_extra;
mod phones;
mod pii;
mod prefixed;
mod regional_world;
mod regional_world_digits;
// regional: Europe
mod regional_eu;
mod syntax;
pub(crate) mod values;
mod vendors;

use assign::{
    assignment_check, base64_has_colon, bundler_check, has_word_before, keyword_boundary, names_at,
    spaced_value_start, token_after_word, user_flag_check, value_start,
};
use syntax::{SEP, TB, VALUE};

pub(crate) use digits::card_number;
use digits::{
    PHONE_WORDS, SSN_WORDS, card_check, has_context, intl_check, nanp_ok, nanp_plan_ok,
    national_ok, phone_guards, ssn_guards, ssn_valid,
};

/// Which check runs on a candidate of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    Email,
    PhoneNanp,
    PhoneIntl,
    PhoneNational,
    PhoneBare,
    PhoneTrunk,
    Card,
    SsnFormatted,
    SsnBare,
    Iban,
    FiHetu,
    FiHetuDash,
    EsId,
    ItFiscal,
    UkNino,
    SgNric,
    InPan,
    Aadhaar,
    KrRrn,
    AuAbn,
    TfnNhs,
    Ipv4,
    Ipv6,
    Mac,
    Url,
    Crypto,
    Bearer,
    Basic,
    Jwt,
    Assignment,
    AssignmentSpaced,
    /// `--token VALUE`: a sensitive flag and its argument.
    AssignmentFlag,
    /// `curl -u user:pass`.
    UserFlag,
    /// The value field of a name/value pair (`"name": "DB_PASSWORD", "value": …`).
    PairValue,
    // assignment: Bundler source credentials
    /// `BUNDLE_GEMS__EXAMPLE__COM=user:pass`.
    Bundler,
    Authorization,
    Aws,
    Github,
    Slack,
    OpenAi,
    Stripe,
    Google,
    Pem,
    UrlCredentials,
    /// The vendor table's families that start with their literal prefix ([`vendors`]).
    Vendor,
    /// The vendor families with a lead before a literal (Telegram `<digits>:A…`, Azure
    /// `…8Q~…`, Terraform `….atlasv1.…`), one check per literal so each has a needle.
    VendorLead(vendors::LeadKind),
    // regional: World (passports, plates, health, business and bank ids outside Europe)
    KrPassport,
    PassportCtx,
    Dea,
    InVoter,
    NgPlate,
    InPlate,
    Mbi,
    Gstin,
    SgUen,
    AadhaarColon,
    ThId,
    Npi,
    Nine,
    ZaId,
    KrDl,
    KrBrn,
    Aba,
    AuMedicare,
    PhTin,
    PhoneTr,
    // regional: opt-in shapes on trigger 5 (see `net_extra`)
    /// A legacy Bitcoin address (base58check).
    CryptoBase58,
    /// A MAC address in Cisco's dotted notation.
    MacDotted,
    // regional: Europe
    /// The European, UK and Turkish ids of the opt-in kinds ([`regional_eu`]).
    RegionalEu(regional_eu::Rule),
    Custom,
}

/// A built-in pattern: the kind it belongs to (for rule selection), its regex and its check.
pub(crate) struct BuiltIn {
    pub(crate) kind: Kind,
    pub(crate) regex: &'static str,
    pub(crate) check: Check,
    /// Which loose trigger pattern of [`TRIGGERS`] covers this pattern in the DFA.
    pub(crate) trigger: usize,
    /// For keyword rules: the keyword alone. Every candidate starts with a match of it, so
    /// the engine finds candidates head first and runs the whole pattern (anchored) only
    /// where the keyword stands on a boundary: a long run of glued keywords
    /// (`0token=0token=…`) then costs one pass, not one pass per keyword.
    pub(crate) head: Option<&'static str>,
}

/// The token class: everything but whitespace, quotes, brackets and list punctuation.
/// Every built-in match lies inside one run of it (plus the spaces the keyword and digit
/// rules allow), and all trigger patterns loop on this same class, so the DFA's threads
/// merge instead of multiplying.
const T: &str = r#"[^\s"'`<>,;&\[\](){}]"#;

/// The loose patterns compiled into the DFA. Each is a superset of the exact patterns
/// mapped to it (every exact match is also a match of its trigger, with the same extent),
/// and none starts with a loop, so a DFA start state really means "nothing in progress".
pub(crate) fn triggers() -> Vec<String> {
    let keyword = syntax::trigger(&format!("{}|authorization", keywords()), pairs::HEADS);
    let vendors = vendors::trigger_alternation();
    vec![
        // 0: one pattern for every token-shaped rule (e-mail and URL credentials through
        // `@` — or `%40`, `\u0040` —, vendor prefixes, JWTs, and keywords with their
        // separator: a keyword alone, in prose, never holds the stream), so all of them end
        // in the very same loop state.
        format!(
            r"(?:{T}+(?:@|%40|\\u0040)|eyJ|A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA|gh[pousr]_|github_pat_|xox[abposr]-|sk-|[rs]k_live_|[rs]k_test_|[rs]k_prod_|AIza|{vendors}|{keyword}|(?i:bearer|basic|api[_\-]?key|api[_\-]?token|access[_\-]?key)[ \t]+){TB}*"
        ),
        // 1: digit clusters of 8+ digits (phone, card, SSN): every digit rule needs at least
        // 8 digits, joined by at most two separators, so the many short numbers of a log
        // never make a candidate.
        r"[+(]?[0-9](?:[ ().\-]{0,2}[0-9]){7,}".to_owned(),
        // 2: private key blocks: the BEGIN line, then every character a block's body,
        // headers and END line use (`\\` for a JSON-escaped block). Far smaller as a DFA
        // than the exact structure, and a superset of it.
        PEM_TRIGGER.to_owned(),
        // 3: IBANs and the national ids with letters (see `pii`).
        pii::trigger(),
        // 4: the opt-in kinds (see `net`): in the automaton only when one of them is on.
        net::trigger(),
        // regional: Europe
        // 5: the letter-and-digit ids, plates and postcodes (see `regional_eu`).
        regional_eu::trigger(),
        // 6: regional: World (see `regional_world`), opt-in only.
        regional_world::trigger(),
    ]
}

/// The assignment keywords (`password=…`, `"set-cookie": …`): generated from the one
/// sensitive-name vocabulary ([`crate::vocab`]), so a word is sensitive in text exactly
/// when it is sensitive as a JSON key.
pub(crate) fn keywords() -> String {
    // secrets: vendor names as keys (`HEROKU_KEY`, `sonar.login`), text only
    format!(
        "{}|{}",
        crate::vocab::assignment_alternation(),
        names::alternation()
    )
}

/// A private key block in every framing: PEM (PKCS#1/#8, EC, encrypted with `Proc-Type:` /
/// `DEK-Info:` headers), OpenSSH and PGP armor (`PRIVATE KEY BLOCK`, with `Version:` /
/// `Comment:` headers and the `=` checksum line). The body is base64 and whitespace lines
/// and header lines (`Name: value`, the value in the trigger's class); the exact regex
/// runs on decoded text, so a block inside a JSON string has real line breaks by then.
const PEM: &str = r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z][A-Za-z0-9\-]*:[ \t][A-Za-z0-9+/=:,. \t\-]*|[A-Za-z0-9+/=\s])*(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)?";

/// The DFA's loose form of [`PEM`].
const PEM_TRIGGER: &str =
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s\\:,.\-]*";

pub(crate) fn builtins() -> Vec<BuiltIn> {
    let kw = keywords();
    let assignment = syntax::assignment(&kw);
    let flag = syntax::flag();
    let authorization = format!(
        r#"(?i:authorization)["']?[ \t]*(?:{SEP})[ \t]*["']?(?:(?i:bearer|basic|token|digest|negotiate|apikey)[ \t]+)?{VALUE}"#
    );
    let b = |kind, regex: &str, check| BuiltIn {
        kind,
        trigger: trigger_of(check),
        head: head_of(check),
        // The rule table is built once per redactor; leaking a few dozen short strings
        // keeps `BuiltIn` simple and `'static`.
        regex: Box::leak(regex.to_owned().into_boxed_str()),
        check,
    };
    vec![
        b(
            Kind::Email,
            // Local parts may hold non-ASCII letters (`José.garcía@…`: bytes ≥ 0x80);
            // `%40` is a URL-encoded `@`.
            r"[A-Za-z0-9._%+\-\x80-\xFF]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
            Check::Email,
        ),
        b(
            Kind::Phone,
            r"(?:\+?1[ .\-]?)?(?:\([0-9]{3}\)[ .\-]?|\b[0-9]{3}[ .\-])[0-9]{3}[ .\-][0-9]{4}\b",
            Check::PhoneNanp,
        ),
        b(
            Kind::Phone,
            // `(…)` around an area code: `+44 (20) 7946 0000`, `+90 (532) 000 00 00`.
            r"\+[0-9]+(?:[ .\-]?\([0-9]{1,4}\)|[ .\-][0-9]+)*(?:[ .\-][0-9]+)*\b",
            Check::PhoneIntl,
        ),
        b(
            Kind::Phone,
            r"(?:\(0[0-9]{1,4}\)[ \-]?|\b0[0-9]{2,4}[ \-])[0-9]{3,4}[ \-]?[0-9]{3,4}\b",
            Check::PhoneNational,
        ),
        b(Kind::Phone, r"\b1?[0-9]{10}\b", Check::PhoneBare),
        b(Kind::Phone, phones::TRUNK, Check::PhoneTrunk),
        b(Kind::Card, r"\b[0-9](?:[ \-]?[0-9]){12,18}\b", Check::Card),
        b(
            Kind::Ssn,
            r"\b[0-9]{3}[ .\-][0-9]{2}[ .\-][0-9]{4}\b",
            Check::SsnFormatted,
        ),
        b(Kind::Ssn, r"\b[0-9]{9}\b", Check::SsnBare),
        b(
            Kind::Bearer,
            // No leading word boundary: `auth_Bearer <tok>` or `xBearer <tok>` glued to a
            // preceding word must not let the token through (fail closed; found by the
            // firewall's lazy-vs-eager property test).
            r"(?i:bearer)[ \t]+[A-Za-z0-9._~+/\-]+=*",
            Check::Bearer,
        ),
        b(
            Kind::BasicAuth,
            r"\b(?i:basic)[ \t]+[A-Za-z0-9+/]+=*",
            Check::Basic,
        ),
        b(
            Kind::Jwt,
            // The signature may be missing (`alg: none`, or cut off by the caller).
            r"\beyJ[A-Za-z0-9_\-]+\.eyJ[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]*)?",
            Check::Jwt,
        ),
        b(Kind::ApiKey, &assignment, Check::Assignment),
        b(
            Kind::ApiKey,
            r"(?i:api[_\-]?key|api[_\-]?token|access[_\-]?key)[ \t]+[A-Za-z0-9._~+/\-]+",
            Check::AssignmentSpaced,
        ),
        b(Kind::ApiKey, &authorization, Check::Authorization),
        b(Kind::ApiKey, &pairs::pattern(), Check::PairValue),
        b(Kind::ApiKey, &flag, Check::AssignmentFlag),
        b(Kind::BasicAuth, syntax::USER_FLAG, Check::UserFlag),
        // assignment: Bundler source credentials
        b(Kind::ApiKey, &syntax::bundler(), Check::Bundler),
        b(
            Kind::AwsKey,
            r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[0-9A-Z]{16}\b",
            Check::Aws,
        ),
        b(
            Kind::GithubToken,
            r"\b(?:gh[pousr]_[A-Za-z0-9]+|github_pat_[A-Za-z0-9_]+)",
            Check::Github,
        ),
        b(
            Kind::SlackToken,
            r"\bxox[abposr]-[A-Za-z0-9\-]+",
            Check::Slack,
        ),
        b(Kind::OpenAiKey, r"\bsk-[A-Za-z0-9_\-]+", Check::OpenAi),
        b(
            Kind::StripeKey,
            r"\b[rs]k_(?:live|test|prod)_[A-Za-z0-9]+",
            Check::Stripe,
        ),
        b(Kind::GoogleApiKey, r"\bAIza[0-9A-Za-z_\-]+", Check::Google),
        b(Kind::PrivateKey, PEM, Check::Pem),
        b(
            Kind::UrlCredentials,
            r#"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:"'`<>,;&\[\](){}]*:[^\s/?#"'`<>,;&\[\](){}]*@(?:[A-Za-z0-9._\-]+|\[[0-9A-Fa-f:.]+\])"#,
            Check::UrlCredentials,
        ),
        b(Kind::Iban, pii::IBAN, Check::Iban),
        b(Kind::NationalId, pii::FI_HETU, Check::FiHetu),
        b(Kind::NationalId, pii::FI_HETU_DASH, Check::FiHetuDash),
        b(Kind::NationalId, pii::ES_ID, Check::EsId),
        b(Kind::NationalId, pii::IT_CF, Check::ItFiscal),
        b(Kind::NationalId, pii::UK_NINO, Check::UkNino),
        b(Kind::NationalId, pii::SG_NRIC, Check::SgNric),
        b(Kind::NationalId, pii::IN_PAN, Check::InPan),
        b(Kind::NationalId, national::AADHAAR, Check::Aadhaar),
        b(Kind::NationalId, national::KR_RRN, Check::KrRrn),
        b(Kind::NationalId, national::AU_ABN, Check::AuAbn),
        b(Kind::NationalId, national::TFN_NHS, Check::TfnNhs),
        b(Kind::Ip, net::IPV4, Check::Ipv4),
        b(Kind::Ip, net::IPV6, Check::Ipv6),
        b(Kind::Mac, net::MAC, Check::Mac),
        b(Kind::Url, net::URL, Check::Url),
        b(Kind::Crypto, net::CRYPTO, Check::Crypto),
        // regional: opt-in shapes on trigger 5
        b(Kind::Crypto, net_extra::BTC_BASE58, Check::CryptoBase58),
        b(Kind::Mac, net_extra::MAC_DOTTED, Check::MacDotted),
        // regional: World
        b(
            Kind::Passport,
            regional_world::KR_PASSPORT,
            Check::KrPassport,
        ),
        b(
            Kind::Passport,
            regional_world::PASSPORT_CTX,
            Check::PassportCtx,
        ),
        b(Kind::HealthId, regional_world::DEA, Check::Dea),
        b(Kind::NationalId, regional_world::IN_VOTER, Check::InVoter),
        b(Kind::VehiclePlate, regional_world::NG_PLATE, Check::NgPlate),
        b(Kind::VehiclePlate, regional_world::IN_PLATE, Check::InPlate),
        b(Kind::HealthId, regional_world::MBI, Check::Mbi),
        b(Kind::BusinessId, regional_world::GSTIN, Check::Gstin),
        b(Kind::BusinessId, regional_world::SG_UEN, Check::SgUen),
        b(
            Kind::NationalId,
            regional_world::AADHAAR_COLON,
            Check::AadhaarColon,
        ),
        b(Kind::NationalId, regional_world_digits::TH_ID, Check::ThId),
        b(Kind::HealthId, regional_world_digits::NPI, Check::Npi),
        b(Kind::NationalId, regional_world_digits::NINE, Check::Nine),
        b(Kind::NationalId, regional_world_digits::ZA_ID, Check::ZaId),
        b(
            Kind::DriverLicense,
            regional_world_digits::KR_DL,
            Check::KrDl,
        ),
        b(
            Kind::BusinessId,
            regional_world_digits::KR_BRN,
            Check::KrBrn,
        ),
        b(Kind::BankAccount, regional_world_digits::ABA, Check::Aba),
        b(
            Kind::HealthId,
            regional_world_digits::AU_MEDICARE,
            Check::AuMedicare,
        ),
        b(Kind::NationalId, regional_world_digits::PH_TIN, Check::PhTin),
        b(Kind::Phone, phones::TR_GROUPED, Check::PhoneTr),
        b(Kind::VendorToken, &vendors::regex(), Check::Vendor),
        b(
            Kind::VendorToken,
            &vendors::lead_regex(vendors::LeadKind::Digits),
            Check::VendorLead(vendors::LeadKind::Digits),
        ),
        b(
            Kind::VendorToken,
            &vendors::lead_regex(vendors::LeadKind::Azure),
            Check::VendorLead(vendors::LeadKind::Azure),
        ),
        b(
            Kind::VendorToken,
            &vendors::lead_regex(vendors::LeadKind::Terraform),
            Check::VendorLead(vendors::LeadKind::Terraform),
        ),
        // vendor: lead families without a literal start (issue 20)
        b(
            Kind::VendorToken,
            &vendors::lead_regex(vendors::LeadKind::AppId),
            Check::VendorLead(vendors::LeadKind::AppId),
        ),
        b(
            Kind::VendorToken,
            &vendors::lead_regex(vendors::LeadKind::Mailchimp),
            Check::VendorLead(vendors::LeadKind::Mailchimp),
        ),
        b(
            Kind::VendorToken,
            &vendors::lead_regex(vendors::LeadKind::Discord),
            Check::VendorLead(vendors::LeadKind::Discord),
        ),
    ]
    .into_iter()
    // regional: Europe
    .chain(regional_eu_builtins(b))
    .collect()
}

// regional: Europe
fn regional_eu_builtins(b: impl Fn(Kind, &str, Check) -> BuiltIn) -> Vec<BuiltIn> {
    use regional_eu::Rule;
    [
        (Kind::Postcode, Rule::UkPostcode),
        (Kind::VehiclePlate, Rule::UkPlate),
        (Kind::VehiclePlate, Rule::UkPlateSuffix),
        (Kind::VehiclePlate, Rule::TrPlate),
        (Kind::NationalId, Rule::NinoSpaced),
        (Kind::NationalId, Rule::NinoLower),
        (Kind::DriverLicense, Rule::UkDrivingLicence),
        (Kind::Passport, Rule::LetterDigits),
        (Kind::HealthId, Rule::LetterDigits),
        (Kind::DriverLicense, Rule::LetterDigits),
        (Kind::Passport, Rule::DePassport),
        (Kind::NationalId, Rule::DeSocial),
        (Kind::NationalId, Rule::Digits11),
        (Kind::BusinessId, Rule::ItVat),
        (Kind::NationalId, Rule::SePersonnummer),
        (Kind::BusinessId, Rule::SeOrgNumber),
        (Kind::HealthId, Rule::DeLanr),
    ]
    .into_iter()
    .map(|(kind, rule)| b(kind, regional_eu::regex(rule), Check::RegionalEu(rule)))
    .collect()
}

fn head_of(check: Check) -> Option<&'static str> {
    let text = match check {
        Check::Assignment => format!("(?i:{})", keywords()),
        Check::AssignmentFlag => format!("(?i:{})", syntax::FLAG_WORDS),
        Check::AssignmentSpaced => r"(?i:api[_\-]?key|api[_\-]?token|access[_\-]?key)".to_owned(),
        Check::Authorization => "(?i:authorization)".to_owned(),
        _ => return None,
    };
    Some(Box::leak(text.into_boxed_str()))
}

/// Whether a candidate of the keyword rule `check` may start at `s`: the same test its
/// check applies first, run by the engine on the keyword alone, before matching the rest.
pub(crate) fn head_ok(check: Check, hay: &[u8], s: usize) -> bool {
    match check {
        Check::Authorization => keyword_boundary(hay, s),
        // A flag's keyword follows its dash (`--token`, `-password`): cheap to test here,
        // so the keywords of prose cost no regex run.
        Check::AssignmentFlag => s.checked_sub(1).map(|i| hay[i]) == Some(b'-'),
        _ => names_at(hay, s),
    }
}

/// Whether `check` is a keyword rule, skipped on a segment without any of
/// [`keyword_anchors`].
pub(crate) fn head_of_keyword(check: Check) -> bool {
    matches!(
        check,
        Check::Assignment
            | Check::AssignmentSpaced
            | Check::AssignmentFlag
            | Check::Authorization
            | Check::Bearer
            | Check::Basic
    )
}

/// Words one of which every keyword rule's candidate contains (case-insensitive): the first
/// word of every vocabulary keyword, and the words of the other keyword rules.
pub(crate) fn keyword_anchors() -> Vec<String> {
    let mut words: Vec<String> = crate::vocab::assignment_words()
        .filter_map(|w| w.first().map(|f| (*f).to_owned()))
        .collect();
    for w in ["authorization", "bearer", "basic", "api", "access"] {
        words.push(w.to_owned());
    }
    // secrets: vendor names as keys
    words.extend(names::VENDORS.iter().map(|w| (*w).to_owned()));
    words.sort();
    words.dedup();
    words
}

fn trigger_of(check: Check) -> usize {
    match check {
        Check::Email
        | Check::UrlCredentials
        | Check::Jwt
        | Check::Aws
        | Check::Github
        | Check::Slack
        | Check::OpenAi
        | Check::Stripe
        | Check::Google
        | Check::Vendor
        | Check::VendorLead(_)
        | Check::Bearer
        | Check::Basic
        | Check::Assignment
        | Check::AssignmentSpaced
        | Check::AssignmentFlag
        | Check::UserFlag
        | Check::PairValue
        | Check::Authorization
        // assignment: Bundler source credentials
        | Check::Bundler => 0,
        Check::PhoneNanp
        | Check::PhoneIntl
        | Check::PhoneNational
        | Check::PhoneBare
        | Check::PhoneTrunk
        | Check::Card
        | Check::SsnFormatted
        | Check::SsnBare
        | Check::Aadhaar
        | Check::KrRrn
        | Check::AuAbn
        | Check::TfnNhs
        | Check::FiHetuDash
        | Check::Iban => 1,
        Check::Pem => 2,
        Check::FiHetu
        | Check::EsId
        | Check::ItFiscal
        | Check::UkNino
        | Check::SgNric
        | Check::InPan => 3,
        Check::Ipv4 | Check::Ipv6 | Check::Mac | Check::Url | Check::Crypto => 4,
        // regional: World
        Check::KrPassport
        | Check::Mbi
        | Check::Gstin
        | Check::SgUen
        | Check::NgPlate
        | Check::InPlate => 3,
        Check::PassportCtx | Check::Dea | Check::InVoter | Check::AadhaarColon => 6,
        Check::ThId
        | Check::Npi
        | Check::Nine
        | Check::ZaId
        | Check::KrDl
        | Check::KrBrn
        | Check::Aba
        | Check::AuMedicare
        | Check::PhTin
        | Check::PhoneTr => 1,
        // regional: Europe
        Check::RegionalEu(rule) => regional_eu::trigger_of(rule),
        // regional: opt-in shapes on trigger 5
        Check::CryptoBase58 | Check::MacDotted => 5,
        Check::Custom => usize::MAX,
    }
}

/// The fewest digits a candidate of `check` has (0 for rules that are not numeric); lets
/// the matcher skip the digit rules on the many short numbers of a log.
pub(crate) fn min_digits(check: Check) -> usize {
    match check {
        Check::PhoneIntl => 8,
        Check::PhoneNational | Check::SsnFormatted | Check::SsnBare | Check::TfnNhs => 9,
        Check::ItFiscal => 2,
        Check::FiHetu | Check::InPan => 4,
        Check::UkNino => 6,
        Check::EsId | Check::SgNric => 7,
        Check::Iban => 8,
        Check::PhoneTrunk | Check::FiHetuDash => 9,
        Check::PhoneNanp | Check::PhoneBare => 10,
        Check::AuAbn => 11,
        Check::Aadhaar => 12,
        Check::KrRrn => 13,
        Check::Card => 13,
        // regional: World (the longest digit cluster a candidate must hold: letters and
        // `:` cut clusters)
        Check::Mbi => 2,
        Check::NgPlate => 3,
        Check::KrPassport | Check::InPlate | Check::Gstin | Check::SgUen => 4,
        Check::AadhaarColon => 4,
        Check::PassportCtx | Check::Dea | Check::InVoter => 7,
        Check::Nine | Check::Aba => 9,
        Check::Npi | Check::KrBrn | Check::AuMedicare | Check::PhoneTr => 10,
        Check::KrDl | Check::PhTin => 12,
        Check::ThId | Check::ZaId => 13,
        // regional: Europe
        Check::RegionalEu(rule) => regional_eu::min_digits(rule),
        _ => 0,
    }
}

/// A substring every candidate of `check` contains (empty: none cheap enough to state);
/// lets the matcher skip rules that cannot match a segment.
pub(crate) fn needle(check: Check) -> &'static [u8] {
    match check {
        Check::Email => b"",
        Check::UrlCredentials => b"://",
        Check::Jwt => b"eyJ",
        Check::Github => b"_",
        Check::Slack => b"xox",
        Check::OpenAi => b"sk-",
        Check::Stripe => b"k_",
        Check::Google => b"AIza",
        Check::Pem => b"-----BEGIN",
        Check::Aws => b"A",
        Check::AssignmentFlag => b"-",
        Check::UserFlag => b"-u",
        // assignment: Bundler source credentials
        Check::Bundler => b"BUNDLE_",
        Check::Ipv4 => b".",
        Check::Ipv6 => b":",
        Check::Url => b"",
        Check::VendorLead(lead) => vendors::lead_needle(lead),
        // regional: World
        Check::AadhaarColon => b":",
        // regional: opt-in shapes on trigger 5
        Check::MacDotted => b".",
        _ => b"",
    }
}

/// A substring every candidate of `check` contains in some mix of cases (empty: none cheap
/// enough to state), for rules whose literal [`needle`] would be case-sensitive.
pub(crate) fn folded_needle(check: Check) -> &'static [u8] {
    match check {
        // `(?i:value|val)` heads every candidate.
        Check::PairValue => b"val",
        _ => b"",
    }
}

/// Whether `kind` is enabled through `kinds` for the built-in `b`. The OpenAI pattern also
/// finds Anthropic keys (`sk-ant-…`), so it is on when either kind is.
///
/// The triggers of the IBAN, national-id and opt-in rules only fire; their candidates are
/// held whole by trigger 0's token loop (an id, an address or a URL is one token), so the
/// e-mail pattern (trigger 0) is built whenever one of those kinds is on, its spans
/// dropped if e-mail itself is off.
pub(crate) fn enabled(b: &BuiltIn, kinds: &[Kind]) -> bool {
    let held = |k: &Kind| Kind::OPT_IN.contains(k);
    kinds.contains(&b.kind)
        || (b.check == Check::Email && kinds.iter().any(held))
        || (b.check == Check::OpenAi && kinds.contains(&Kind::AnthropicKey))
        || (matches!(b.check, Check::Vendor | Check::VendorLead(_)) && vendors::has_kind(kinds))
        || (b.check == Check::Authorization
            && (kinds.contains(&Kind::Bearer) || kinds.contains(&Kind::BasicAuth)))
}

/// A masked span proposed by a check, relative to the haystack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind,
}

/// How far before a bare digit run a context keyword may start.
pub(crate) const CONTEXT_WINDOW: usize = 32;

/// The result of running a check on the candidate `hay[s..e]`.
pub(crate) enum Verdict {
    /// Mask this span (it may be a sub-span of the candidate), then go on after `resume`.
    Mask(Span, usize),
    /// Not a match: search again from [`reject_resume`].
    Reject,
}

impl Verdict {
    /// Mask `start..end` as `kind` and go on after it.
    pub(crate) fn whole(start: usize, end: usize, kind: Kind) -> Verdict {
        Verdict::Mask(Span { start, end, kind }, end)
    }

    /// [`whole`](Self::whole) when the check passed (`ok`), else a rejection.
    pub(crate) fn of(ok: bool, start: usize, end: usize, kind: Kind) -> Verdict {
        if ok {
            Verdict::whole(start, end, kind)
        } else {
            Verdict::Reject
        }
    }
}

/// Where to search again after the candidate `hay[s..e]` of `check` was rejected: the
/// smallest position at which a candidate with a different verdict could start. Searching
/// again from `s + 1` would be exact too, but a long token then costs one search of the
/// whole token per byte (quadratic); each skip below is exact, because every candidate
/// starting inside the skipped bytes would get the same verdict:
/// * e-mail: every start before the `@` shares the `@`, the domain and what follows, which
///   is all the check reads — resume after the `@`;
/// * vendor tokens (`sk-`, `ghp_`, `xoxb-`, `sk_live_`, `AIza`): a later start inside the
///   token is a suffix with the same end: shorter, with fewer digits — resume at the end;
/// * JWT: a start inside the header segment shares the rest — resume after the first `.`;
/// * Bearer / Basic: the word itself cannot start again before the token — resume there;
/// * spaced API keys: resume at the value (no keyword-and-space fits before it).
///
/// The other rules' candidates are short (digit rules) or found head first (assignments,
/// see the engine), so `s + 1` costs a bounded search.
pub(crate) fn reject_resume(check: Check, hay: &[u8], s: usize, e: usize) -> usize {
    let m = &hay[s..e];
    let skip = match check {
        Check::Email => email_domain(m),
        Check::OpenAi | Check::Github | Check::Slack | Check::Stripe | Check::Google => m.len(),
        Check::Jwt => memchr::memchr(b'.', m).map_or(1, |i| i + 1),
        Check::Bearer | Check::Basic => m.len() - token_after_word(m).len(),
        Check::AssignmentSpaced => spaced_value_start(m),
        _ => 1,
    };
    s + skip.max(1)
}

/// Where the domain starts in an e-mail candidate: after its separator, the last `@` or
/// `%40` (the domain holds neither, and the greedy local part takes every earlier one).
fn email_domain(m: &[u8]) -> usize {
    let at = memchr::memrchr(b'@', m).map(|i| i + 1);
    let pct = memchr::memmem::rfind(m, b"%40").map(|i| i + 3);
    at.max(pct).unwrap_or(0)
}

/// Runs `check` on the candidate `hay[s..e]`. `lo` is where the segment starts in `hay`:
/// bytes before it are context only. Looks at most [`CONTEXT_WINDOW`] (+ a few) bytes
/// behind `s` and two bytes past `e`, which the scanner guarantees are the same in every
/// chunking.
pub(crate) fn check(check: Check, kind: Kind, hay: &[u8], s: usize, e: usize) -> Verdict {
    let m = &hay[s..e];
    let before = |k: usize| -> Option<u8> { s.checked_sub(k).map(|i| hay[i]) };
    let after = |k: usize| -> Option<u8> { hay.get(e + k).copied() };
    let whole = |k| Verdict::whole(s, e, k);
    // A digit rule never masks the tail of an IBAN-shaped run (`DE89 3704 0044 …`).
    if trigger_of(check) == 1 && check != Check::Iban && pii::in_iban_run(hay, s) {
        return Verdict::Reject;
    }
    match check {
        Check::Email => {
            let domain = &m[email_domain(m)..];
            let tld = domain.rsplit(|&b| b == b'.').next().unwrap_or(b"");
            let labels_ok = domain
                .split(|&b| b == b'.')
                .all(|l| !l.is_empty() && l[0] != b'-' && l[l.len() - 1] != b'-');
            // `git@github.com:org/repo.git` is an scp-style remote (`user@host:path`), not an
            // address: a `:` right after the domain followed by a path character. A port
            // (`:22`) or prose (`: thanks`) after an address still masks it.
            let scp = after(0) == Some(b':')
                && after(1).is_some_and(|b| b.is_ascii_alphabetic() || b"_~./".contains(&b));
            if tld.len() > 63 || !labels_ok || matches!(after(0), Some(b'@')) || scp {
                return Verdict::Reject;
            }
            whole(Kind::Email)
        }
        Check::PhoneIntl => intl_check(hay, s, e),
        Check::PhoneNanp | Check::PhoneNational => {
            if !phone_guards(before(1), before(2), after(0), after(1)) {
                return Verdict::Reject;
            }
            let ok = match check {
                Check::PhoneNanp => {
                    nanp_ok(m) && (nanp_plan_ok(m) || has_context(hay, s, &PHONE_WORDS))
                }
                _ => national_ok(m),
            };
            if ok {
                whole(Kind::Phone)
            } else {
                Verdict::Reject
            }
        }
        Check::PhoneBare => {
            let digits = if m.len() == 11 { &m[1..] } else { m };
            if !phone_guards(before(1), before(2), after(0), after(1))
                || !(b'2'..=b'9').contains(&digits[0])
                || !has_context(hay, s, &PHONE_WORDS)
            {
                return Verdict::Reject;
            }
            whole(Kind::Phone)
        }
        Check::Card => card_check(hay, s, e),
        Check::Iban => pii::iban_check(hay, s),
        Check::PhoneTrunk => phones::trunk_check(hay, s, e),
        Check::FiHetu | Check::FiHetuDash => pii::fi_check(hay, s, e),
        Check::EsId => pii::es_check(hay, s, e),
        Check::ItFiscal => pii::it_check(hay, s, e),
        Check::UkNino => pii::nino_check(hay, s, e),
        Check::SgNric => pii::nric_check(hay, s, e),
        Check::InPan => pii::pan_check(hay, s, e),
        Check::Aadhaar => national::aadhaar_check(hay, s, e),
        Check::KrRrn => national::rrn_check(hay, s, e),
        Check::AuAbn => national::abn_check(hay, s, e),
        Check::TfnNhs => national::tfn_nhs_check(hay, s, e),
        Check::Ipv4 => net::ipv4_check(hay, s, e),
        Check::Ipv6 => net::ipv6_check(hay, s, e),
        Check::Mac => net::mac_check(hay, s, e),
        Check::Url => net::url_check(hay, s, e),
        Check::Crypto => net::crypto_check(hay, s, e),
        // regional: World
        Check::KrPassport => regional_world::kr_passport_check(hay, s, e),
        Check::PassportCtx => regional_world::passport_ctx_check(hay, s, e),
        Check::Dea => regional_world::dea_check(hay, s, e),
        Check::InVoter => regional_world::voter_check(hay, s, e),
        Check::NgPlate => regional_world::ng_plate_check(hay, s, e),
        Check::InPlate => regional_world::in_plate_check(hay, s, e),
        Check::Mbi => regional_world::mbi_check(hay, s, e),
        Check::Gstin => regional_world::gstin_check(hay, s, e),
        Check::SgUen => regional_world::uen_check(hay, s, e),
        Check::AadhaarColon => regional_world::aadhaar_colon_check(hay, s, e),
        Check::ThId => regional_world_digits::th_check(hay, s, e),
        Check::Npi => regional_world_digits::npi_check(hay, s, e),
        Check::Nine => regional_world_digits::nine_check(hay, s, e),
        Check::ZaId => regional_world_digits::za_check(hay, s, e),
        Check::KrDl => regional_world_digits::kr_dl_check(hay, s, e),
        Check::KrBrn => regional_world_digits::kr_brn_check(hay, s, e),
        Check::Aba => regional_world_digits::aba_check(hay, s, e),
        Check::AuMedicare => regional_world_digits::medicare_check(hay, s, e),
        Check::PhTin => regional_world_digits::ph_tin_check(hay, s, e),
        // regional: opt-in shapes on trigger 5
        Check::CryptoBase58 => net_extra::btc_check(hay, s, e),
        Check::MacDotted => net_extra::mac_dotted_check(hay, s, e),
        Check::PhoneTr => phones::tr_grouped_check(hay, s, e),
        // regional: Europe
        Check::RegionalEu(rule) => regional_eu::check(rule, hay, s, e),
        Check::SsnFormatted => {
            if m[3] != m[6]
                || !ssn_guards(m[3] == b' ', before(1), before(2), after(0), after(1))
                || !ssn_valid(&m[0..3], &m[4..6], &m[7..11])
            {
                return Verdict::Reject;
            }
            whole(Kind::Ssn)
        }
        Check::SsnBare => {
            if !ssn_guards(false, before(1), before(2), after(0), after(1))
                || !ssn_valid(&m[0..3], &m[3..5], &m[5..9])
                || !has_context(hay, s, &SSN_WORDS)
            {
                return Verdict::Reject;
            }
            whole(Kind::Ssn)
        }
        Check::Bearer => {
            let tok = token_after_word(m);
            let strong = tok.len() >= 6 && tok.iter().any(|b| !b.is_ascii_alphabetic());
            // assignment / authorization: a filled-in stand-in (`Bearer XXXXXXXXXXXX`).
            let stand_in = values::is_placeholder(tok) || values::is_stand_in(tok);
            if !stand_in && (strong || has_word_before(hay, s, b"authorization", 24)) {
                whole(Kind::Bearer)
            } else {
                Verdict::Reject
            }
        }
        Check::Basic => {
            let tok = token_after_word(m);
            let decoded_ok = base64_has_colon(tok);
            if decoded_ok || (tok.len() >= 4 && has_word_before(hay, s, b"authorization", 24)) {
                whole(Kind::BasicAuth)
            } else {
                Verdict::Reject
            }
        }
        Check::Jwt => {
            if m.len() >= 16 && prefixed::jwt_ok(m) {
                whole(Kind::Jwt)
            } else {
                Verdict::Reject
            }
        }
        Check::Assignment | Check::AssignmentSpaced | Check::AssignmentFlag => {
            assignment_check(check, hay, s, e)
        }
        Check::UserFlag => user_flag_check(hay, s, e),
        Check::PairValue => pairs::pair_value_check(hay, s, e),
        // assignment: Bundler source credentials
        Check::Bundler => bundler_check(hay, s, e),
        Check::Authorization => {
            if !keyword_boundary(hay, s) {
                return Verdict::Reject;
            }
            let vs = value_start(m);
            let value = &m[vs..];
            let lower: Vec<u8> = value.iter().take(6).map(u8::to_ascii_lowercase).collect();
            let kind = if lower.starts_with(b"bearer") {
                Kind::Bearer
            } else if lower.starts_with(b"basic") {
                Kind::BasicAuth
            } else {
                Kind::ApiKey
            };
            // The scheme word alone (`Bearer <token>`, `Bearer $(gcloud …)`) or a
            // reference after it holds no credential.
            let cred = &value[value.len() - token_after_word(value).len()..];
            let bare_scheme = cred.is_empty() && kind != Kind::ApiKey;
            // assignment / authorization: a stand-in (`Token **********`, `Basic ...`).
            let last = if cred.is_empty() { value } else { cred };
            let stand_in = values::is_placeholder(last) || values::is_stand_in(last);
            if value.len() < 4
                || bare_scheme
                || stand_in
                || values::is_reference(cred, hay.get(e).copied())
            {
                return Verdict::Reject;
            }
            Verdict::Mask(
                Span {
                    start: s + vs,
                    end: e,
                    kind,
                },
                e,
            )
        }
        Check::Aws
        | Check::Github
        | Check::Slack
        | Check::OpenAi
        | Check::Stripe
        | Check::Google => prefixed::check(check, hay, s, e),
        Check::Vendor | Check::VendorLead(_) => vendors::check(hay, s),
        Check::Pem if prefixed::pem_ok(m) => whole(Kind::PrivateKey),
        Check::Pem => Verdict::Reject,
        Check::UrlCredentials => {
            // Keep scheme and host: mask only what lies between `://` and the last `@`.
            let sep = memchr::memmem::find(m, b"://").map_or(0, |i| i + 3);
            let at = memchr::memrchr(b'@', m).unwrap_or(m.len());
            if at <= sep {
                return Verdict::Reject;
            }
            Verdict::Mask(
                Span {
                    start: s + sep,
                    end: s + at,
                    kind: Kind::UrlCredentials,
                },
                e,
            )
        }
        Check::Custom => whole(kind),
    }
}
