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
}

/// Extra structure verified on the body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extra {
    None,
    /// The body must contain this substring.
    Contains(&'static [u8]),
    /// The body ends with this byte and then exactly this many bytes (Sentry's
    /// `…_<43-byte signature>`).
    Tail(u8, usize),
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

const fn f(
    id: &'static str,
    prefix: &'static str,
    body: Alpha,
    min: usize,
    max: usize,
    entropy: f32,
) -> Family {
    Family {
        id,
        kind: Kind::VendorToken,
        prefix,
        lead: Lead::None,
        trigger: "",
        body,
        min,
        max,
        entropy,
        extra: Extra::None,
    }
}

const fn kind(mut fam: Family, kind: Kind) -> Family {
    fam.kind = kind;
    fam
}

const fn extra(mut fam: Family, extra: Extra) -> Family {
    fam.extra = extra;
    fam
}

/// A family whose first [`TRIGGER_HEAD`] bytes are a common word (`auth…`, `sha2…`,
/// `v1.0`): the DFA holds `trigger` (a literal, escaped) instead.
const fn trig(mut fam: Family, trigger: &'static str) -> Family {
    fam.trigger = trigger;
    fam
}

const fn lead(mut fam: Family, lead: Lead, trigger: &'static str) -> Family {
    fam.lead = lead;
    fam.trigger = trigger;
    fam
}

/// The families, one line each: id, prefix, body alphabet, body length range, entropy
/// floor (then kind, lead and extra checks where they differ from the default). Several
/// lines may share a prefix: the first that verifies wins.
#[rustfmt::skip]
static FAMILIES: &[Family] = &[
    f("1password-service-account-token", "ops_eyJ", B64, 250, 2000, 3.5),
    extra(f("1password-secret-key", "A3-", Alpha(UP | DI, b"-"), 36, 37, 3.0), Extra::Contains(b"-")),
    f("adobe-client-secret", "p8e-", AN, 32, 32, 2.0),
    f("age-secret-key", "AGE-SECRET-KEY-1", Alpha(0, b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"), 58, 58, 0.0),
    f("alibaba-access-key-id", "LTAI", AN, 20, 20, 2.0),
    f("artifactory-api-key", "AKCp", AN, 69, 69, 3.5),
    f("artifactory-reference-token", "cmVmd", AN, 59, 59, 3.5),
    f("atlassian-api-token", "ATATT3", Alpha(UP | LO | DI, b"_-="), 186, 186, 3.0),
    trig(extra(f("authress-service-client-access-key", "authress_", Alpha(UP | LO | DI, b"._+/=-"), 50, 200, 2.0), Extra::Contains(b".acc")), r"authress_"),
    extra(f("authress-service-client-access-key", "scauth_", Alpha(UP | LO | DI, b"._+/=-"), 50, 200, 2.0), Extra::Contains(b".acc")),
    f("aws-bedrock-long-lived", "ABSKQmVkcm9ja0FQSUtleS", B64, 90, 400, 3.0),
    trig(extra(f("aws-bedrock-short-lived", "bedrock-api-key-", B64, 20, 2000, 3.0), Extra::Contains(b"YmVkcm9jay5hbWF6b25hd3MuY29t")), r"bedrock\-api"),
    lead(f("azure-ad-client-secret", "Q~", Alpha(UP | LO | DI, b"_~.-"), 31, 34, 3.0), Lead::Azure, "[0-9]Q~"),
    f("clickhouse-cloud-api-secret-key", "4b1d", AN, 38, 38, 3.0),
    f("clojars-api-token", "CLOJARS_", AN, 60, 60, 2.0),
    trig(f("cloudflare-origin-ca-key", "v1.0-", Alpha(DI | HL, b"-"), 171, 171, 2.0), r"v1\.0\-"),
    f("databricks-api-token", "dapi", Alpha(DI | HL, b"-"), 32, 34, 3.0),
    f("digitalocean-access-token", "doo_v1_", HEXL, 64, 64, 3.0),
    f("digitalocean-pat", "dop_v1_", HEXL, 64, 64, 3.0),
    f("digitalocean-refresh-token", "dor_v1_", HEXL, 64, 64, 3.0),
    f("doppler-api-token", "dp.pt.", AN, 43, 43, 2.0),
    f("dropbox-short-lived-api-token", "sl.", Alpha(UP | LO | DI, b"_=-"), 130, 1400, 3.0),
    f("duffel-api-token", "duffel_live_", Alpha(UP | LO | DI, b"_=-"), 43, 43, 2.0),
    f("duffel-api-token", "duffel_test_", Alpha(UP | LO | DI, b"_=-"), 43, 43, 2.0),
    f("dynatrace-api-token", "dt0c01.", Alpha(UP | LO | DI, b"."), 89, 89, 3.0),
    f("easypost-api-token", "EZAK", AN, 54, 54, 2.0),
    f("easypost-test-api-token", "EZTK", AN, 54, 54, 2.0),
    f("facebook-page-access-token", "EAAM", AN, 96, 1000, 3.5),
    f("facebook-page-access-token", "EAAC", AN, 96, 1000, 3.5),
    f("flutterwave-secret-key", "FLWSECK_TEST-", Alpha(UP | LO | DI, b"-"), 12, 34, 2.0),
    f("flutterwave-secret-key", "FLWSECK-", Alpha(UP | LO | DI, b"-"), 12, 34, 2.0),
    f("flutterwave-public-key", "FLWPUBK_TEST-", Alpha(UP | LO | DI, b"-"), 32, 34, 2.0),
    f("flyio-access-token", "fo1_", WD, 43, 43, 3.5),
    f("flyio-access-token", "fm1a_", B64, 100, 4000, 3.5),
    f("flyio-access-token", "fm1r_", B64, 100, 4000, 3.5),
    f("flyio-access-token", "fm2_", B64, 100, 4000, 3.5),
    f("frameio-api-token", "fio-u-", Alpha(UP | LO | DI, b"_=-"), 64, 64, 2.0),
    f("gitlab-cicd-job-token", "glcbt-", WD, 20, 50, 3.0),
    f("gitlab-deploy-token", "gldt-", WD, 20, 50, 3.0),
    f("gitlab-feature-flag-client-token", "glffct-", WD, 20, 50, 3.0),
    f("gitlab-feed-token", "glft-", WD, 20, 50, 3.0),
    f("gitlab-incoming-mail-token", "glimt-", WD, 20, 50, 3.0),
    f("gitlab-kubernetes-agent-token", "glagent-", WD, 50, 50, 3.0),
    f("gitlab-oauth-app-secret", "gloas-", WD, 64, 64, 3.0),
    f("gitlab-pat-routable", "glpat-", Alpha(UP | LO | DI, b"_.-"), 37, 310, 3.5),
    f("gitlab-pat", "glpat-", WD, 20, 50, 3.0),
    f("gitlab-ptt", "glptt-", HEXL, 40, 40, 3.0),
    f("gitlab-rrt", "GR1348941", WD, 20, 50, 3.0),
    f("gitlab-runner-authentication-token-routable", "glrt-", Alpha(UP | LO | DI, b"_.-"), 37, 310, 3.5),
    f("gitlab-runner-authentication-token", "glrt-", WD, 20, 50, 3.0),
    f("gitlab-scim-token", "glsoat-", WD, 20, 50, 3.0),
    f("gitlab-session-cookie", "_gitlab_session=", ANL, 32, 32, 3.0),
    f("grafana-api-key", "eyJrIjoi", B64, 70, 400, 3.0),
    f("grafana-cloud-api-token", "glc_", B64, 32, 400, 3.0),
    f("grafana-service-account-token", "glsa_", WORD, 41, 41, 3.0),
    f("harness-api-key", "pat.", Alpha(UP | LO | DI, b"_.-"), 68, 68, 3.0),
    f("harness-api-key", "sat.", Alpha(UP | LO | DI, b"_.-"), 68, 68, 3.0),
    lead(f("hashicorp-tf-api-token", "atlasv1.", Alpha(UP | LO | DI, b"_=-"), 60, 70, 3.0), Lead::Terraform, r"\.atlasv1\."),
    f("heroku-api-key-v2", "HRKU-AA", WD, 58, 58, 3.5),
    f("huggingface-access-token", "hf_", Alpha(UP | LO, b""), 34, 34, 2.0),
    trig(f("huggingface-organization-api-token", "api_org_", Alpha(UP | LO, b""), 34, 34, 2.0), r"api_org_"),
    f("infracost-api-token", "ico-", AN, 32, 32, 3.0),
    f("intra42-client-secret", "s-s4t2ud-", HEX, 64, 64, 3.0),
    f("intra42-client-secret", "s-s4t2af-", HEX, 64, 64, 3.0),
    kind(f("jwt-base64", "ZXlK", Alpha(UP | LO | DI, b"+/_=-"), 40, 8000, 3.0), Kind::Jwt),
    f("linear-api-key", "lin_api_", AN, 40, 40, 2.0),
    f("mapbox-api-token", "pk.ey", Alpha(UP | LO | DI, b"."), 81, 81, 3.0),
    f("mapbox-secret-token", "sk.ey", Alpha(UP | LO | DI, b"."), 81, 81, 3.0),
    trig(f("microsoft-teams-webhook", "webhook.office.com/webhookb2/", Alpha(UP | LO | DI, b"@/-"), 120, 200, 3.0), r"webhook\.office"),
    f("new-relic-browser-api-token", "NRJS-", HEXL, 19, 19, 2.0),
    f("new-relic-insert-key", "NRII-", Alpha(UP | LO | DI, b"-"), 32, 32, 2.0),
    f("new-relic-user-api-key", "NRAK-", AN, 27, 27, 2.0),
    f("notion-api-token", "ntn_", AN, 46, 46, 3.5),
    f("npm-access-token", "npm_", AN, 36, 36, 2.0),
    f("octopus-deploy-api-key", "API-", ANU, 26, 26, 3.0),
    trig(f("openshift-user-token", "sha256~", WD, 43, 43, 3.5), r"sha256~"),
    f("perplexity-api-key", "pplx-", AN, 48, 48, 3.5),
    f("planetscale-api-token", "pscale_tkn_", Alpha(UP | LO | DI, b"_=.-"), 32, 64, 3.0),
    f("planetscale-oauth-token", "pscale_oauth_", Alpha(UP | LO | DI, b"_=.-"), 32, 64, 3.0),
    f("planetscale-password", "pscale_pw_", Alpha(UP | LO | DI, b"_=.-"), 32, 64, 3.0),
    f("postman-api-token", "PMAK-", Alpha(DI | HL | HU, b"-"), 59, 59, 3.0),
    f("prefect-api-token", "pnu_", AN, 36, 36, 2.0),
    f("pulumi-api-token", "pul-", HEXL, 40, 40, 2.0),
    trig(f("pypi-upload-token", "pypi-AgEIcHlwaS5vcmc", WD, 50, 1000, 3.0), r"pypi\-AgE"),
    f("readme-api-token", "rdme_", ANL, 70, 70, 2.0),
    f("rubygems-api-token", "rubygems_", HEXL, 48, 48, 2.0),
    f("scalingo-api-token", "tk-us-", WD, 48, 48, 2.0),
    f("sendgrid-api-token", "SG.", Alpha(UP | LO | DI, b"_=.-"), 66, 66, 2.0),
    f("sendinblue-api-token", "xkeysib-", Alpha(UP | LO | DI, b"-"), 81, 81, 2.0),
    extra(f("sentry-org-token", "sntrys_eyJ", Alpha(UP | LO | DI, b"+/=_"), 60, 600, 4.0), Extra::Tail(b'_', 43)),
    f("sentry-user-token", "sntryu_", HEXL, 64, 64, 3.5),
    f("settlemint-application-access-token", "sm_aat_", AN, 16, 16, 3.0),
    f("settlemint-personal-access-token", "sm_pat_", AN, 16, 16, 3.0),
    f("settlemint-service-access-token", "sm_sat_", AN, 16, 16, 3.0),
    trig(f("shippo-api-token", "shippo_live_", HEX, 40, 40, 2.0), r"shippo_"),
    trig(f("shippo-api-token", "shippo_test_", HEX, 40, 40, 2.0), r"shippo_"),
    f("shopify-access-token", "shpat_", HEX, 32, 32, 2.0),
    f("shopify-custom-access-token", "shpca_", HEX, 32, 32, 2.0),
    f("shopify-private-app-access-token", "shppa_", HEX, 32, 32, 2.0),
    f("shopify-shared-secret", "shpss_", HEX, 32, 32, 2.0),
    kind(f("slack-app-token", "xapp-", Alpha(UP | LO | DI, b"-"), 20, 200, 2.0), Kind::SlackToken),
    kind(f("slack-config-access-token", "xoxe.xoxb-", Alpha(UP | LO | DI, b"-"), 150, 200, 2.0), Kind::SlackToken),
    kind(f("slack-config-access-token", "xoxe.xoxp-", Alpha(UP | LO | DI, b"-"), 150, 200, 2.0), Kind::SlackToken),
    kind(f("slack-config-refresh-token", "xoxe-", Alpha(UP | LO | DI, b"-"), 20, 200, 2.0), Kind::SlackToken),
    kind(f("slack-client-token", "xoxc-", Alpha(UP | LO | DI, b"-"), 20, 200, 2.0), Kind::SlackToken),
    kind(f("slack-cookie-token", "xoxd-", Alpha(UP | LO | DI, b"%-"), 20, 400, 2.0), Kind::SlackToken),
    trig(kind(f("slack-webhook-url", "hooks.slack.com/services/", B64, 43, 120, 2.5), Kind::SlackToken), r"hooks\.slack"),
    trig(kind(f("slack-webhook-url", "hooks.slack.com/workflows/", B64, 43, 120, 2.5), Kind::SlackToken), r"hooks\.slack"),
    trig(kind(f("slack-webhook-url", "hooks.slack.com/triggers/", B64, 43, 120, 2.5), Kind::SlackToken), r"hooks\.slack"),
    f("sourcegraph-access-token", "sgp_", Alpha(DI | HL | HU, b"_locaLOCA"), 40, 57, 3.0),
    f("square-access-token", "EAAA", WD, 22, 60, 2.0),
    f("square-access-token", "sq0atp-", WD, 22, 60, 2.0),
    f("square-secret", "sq0csp-", WD, 40, 50, 2.0),
    lead(f("telegram-bot-api-token", ":A", WD, 34, 34, 3.0), Lead::Digits(5, 16), "[0-9]:A"),
    f("twilio-api-key", "SK", HEX, 32, 32, 3.0),
    f("twitter-bearer-token", "AAAAAAAAAAAAAAAAAAAAA", Alpha(UP | LO | DI, b"%"), 80, 100, 3.0),
    f("typeform-api-token", "tfp_", Alpha(UP | LO | DI, b"_.=-"), 59, 59, 3.0),
    f("vault-batch-token", "hvb.", WD, 138, 300, 3.5),
    f("vault-service-token", "hvs.", WD, 90, 120, 3.5),
    f("yandex-api-key", "AQVN", WD, 35, 38, 3.0),
];

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
        Lead::Digits(lo, hi) => {
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
        if (fam.entropy > 0.0 && entropy(body) < fam.entropy) || placeholder(body) {
            continue;
        }
        let extra_ok = match fam.extra {
            Extra::None => true,
            Extra::Contains(sub) => memchr::memmem::find(body, sub).is_some(),
            Extra::Tail(sep, k) => {
                memchr::memrchr(sep, body).is_some_and(|i| body.len() - i - 1 == k)
            }
        };
        if !extra_ok {
            continue;
        }
        return Verdict::Mask(
            Span {
                start: s,
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
        ]
        .join("|");
        for fam in FAMILIES {
            let t = if fam.trigger.is_empty() {
                escape(trigger_head(fam.prefix))
            } else {
                fam.trigger.to_owned()
            };
            assert!(
                trig.split('|').any(|a| a == t),
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
        assert!(!placeholder(b"q8Zr2LmX0pT4vN7w"));
        assert!(!placeholder(b"short"));
    }
}
