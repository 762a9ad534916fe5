//! The vendor table's data: one line per token family (see the parent module for what
//! each field means and how a line is verified).

use super::{
    AN, ANL, ANU, Alpha, B64, DI, Extra, Family, HEX, HEXL, HL, HU, LO, Lead, UP, WD, WORD,
};
use crate::Kind;

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
pub(super) static FAMILIES: &[Family] = &[
    f("1password-service-account-token", "ops_eyJ", B64, 250, 2000, 3.5),
    extra(f("1password-secret-key", "A3-", Alpha(UP | DI, b"-"), 36, 37, 3.0), Extra::Contains(b"-")),
    f("adobe-client-secret", "p8e-", AN, 32, 32, 2.0),
    f("age-secret-key", "AGE-SECRET-KEY-1", Alpha(0, b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"), 58, 58, 0.0),
    f("alibaba-access-key-id", "LTAI", AN, 20, 20, 2.0),
    trig(extra(f("azure-storage-account-key", "AccountKey=", B64, 86, 88, 3.5), Extra::Named), r"AccountKey="),
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
    lead(extra(f("discord-bot-token", ".", Alpha(UP | LO | DI, b"_.-"), 34, 45, 3.0), Extra::DotAt(6)), Lead::Snowflake, r"(?:M[Tjz]|N[DTjz]|O[DT])[AEIMQUYcgk]"),
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
    lead(f("facebook-access-token", "|", WD, 27, 40, 3.0), Lead::AppId(15, 16), r"[0-9]\|"),
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
    f("gitlab-incoming-mail-token", "glimt-", WD, 25, 25, 3.0),
    f("gitlab-kubernetes-agent-token", "glagent-", WD, 50, 310, 3.0),
    f("gitlab-oauth-app-secret", "gloas-", WD, 64, 64, 3.0),
    f("gitlab-pat-routable", "glpat-", Alpha(UP | LO | DI, b"_.-"), 37, 310, 3.5),
    f("gitlab-pat", "glpat-", WD, 20, 50, 3.0),
    f("gitlab-ptt", "glptt-", WD, 40, 40, 3.0),
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
    lead(f("mailchimp-api-key", "-us", Alpha(DI, b""), 1, 2, 0.0), Lead::Hex(32), r"\-us[0-9]"),
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
    trig(f("pypi-upload-token", "pypi-AgEIcHlwaS5vcmc", WD, 70, 1000, 3.0), r"pypi\-AgE"),
    trig(f("pypi-upload-token", "pypi-AgENdGVzdC5weXBpLm9yZw", WD, 70, 1000, 3.0), r"pypi\-AgE"),
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
    f("sonarqube-token", "sqa_", HEXL, 40, 40, 3.0),
    f("sonarqube-token", "sqp_", HEXL, 40, 40, 3.0),
    f("sonarqube-token", "squ_", HEXL, 40, 40, 3.0),
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
