//! Names the assignment rule reads beyond the shared vocabulary ([`crate::vocab`]), in text
//! only (a JSON key is decided by `keys.rs` alone):
//!
//! * **vendor names as keys** (`HEROKU_KEY`, `hubspotKey`, `sonar.login`,
//!   `SUMO_ACCESS_ID`, `cloudflare: …`): a service's name, alone or before `key`, `login`,
//!   `access id` or `client id`, names that service's credential. Such a name says less
//!   than `password` does (`sonar: enabled`, `heroku: my-app`), so its value is masked only
//!   when it looks generated ([`generated`]);
//! * **anti-forgery tokens** (`csrf-token`, `authenticity_token`, `X-XSRF-TOKEN`,
//!   `__RequestVerificationToken`): a page embeds them for every visitor; they prove a form
//!   came from the site and grant nothing, so they are kept;
//! * **locators** (`keyVaultToStoreSecrets`, `secret_path`, `token_file`): a name about
//!   where secrets live, whose value is an identifier (`kv-prod-eu-1`, `/run/secrets/db`),
//!   not a secret; a value with upper-case or punctuation beyond a path's is still masked.

/// Services whose name, used as a key, names their credential (see the module docs). Lower
/// case; each is one more keyword in the scanning automaton, so the list holds only services
/// whose keys have no shape of their own to find them by.
pub(crate) const VENDORS: &[&str] = &[
    "artifactory",
    "cloudflare",
    "heroku",
    "hubspot",
    "messagebird",
    "snyk",
    "sonar",
    "sourcegraph",
    "sumologic",
    "sumo",
];

/// The vendor keywords as one regex alternation (case-sensitive text: the callers wrap the
/// keyword alternation in `(?i:…)`): a vendor name, then optionally `key`, `api key`,
/// `login`, `access id` or `client id`, joined by `_`, `.` or `-` or written together.
pub(crate) fn alternation() -> String {
    format!(
        r"(?:{})(?:[_.\-]?(?:api[_.\-]?)?(?:key|login|access[_.\-]?id|client[_.\-]?id))?",
        VENDORS.join("|")
    )
}

/// The lower-case words of a name, split at separators and case steps (`hubspotKey` →
/// `hubspot key`, `SONAR.LOGIN` → `sonar login`, `ETSYToken` → `etsy token`).
fn words(name: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &b) in name.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| name[j]);
        let next = name.get(i + 1).copied();
        let step = b.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if step && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(char::from(b.to_ascii_lowercase()));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether the name's words start with a vendor of [`VENDORS`] (`heroku`, `sumo logic`, or
/// the glued `sumologic`).
pub(crate) fn is_vendor(name: &[u8]) -> bool {
    words(name).iter().any(|w| VENDORS.contains(&w.as_str()))
}

/// Words of an anti-forgery token's name (see the module docs).
const ANTI_FORGERY: &[&str] = &["csrf", "xsrf", "authenticity", "csrfmiddlewaretoken"];

/// Whether `name` names an anti-forgery token (`csrf-token`, `authenticity_token`,
/// `__RequestVerificationToken`).
pub(crate) fn is_anti_forgery(name: &[u8]) -> bool {
    let w = words(name);
    w.iter().any(|x| ANTI_FORGERY.contains(&x.as_str()))
        || w.windows(2)
            .any(|p| p[0] == "request" && p[1] == "verification")
}

/// Words that make a name a place where secrets are kept.
const LOCATORS: &[&str] = &[
    "vault",
    "store",
    "storage",
    "bucket",
    "path",
    "file",
    "dir",
    "directory",
    "folder",
    "location",
    "arn",
];

/// Last words that make a name point at a secret rather than hold one: its id, its name,
/// where it is kept (`CREDENTIALS_ID`, `LLM_SECRET_NAME`, `secretArn`, `tokenFile`).
const REFERENCES: &[&str] = &[
    "id",
    "ids",
    "identifier",
    "name",
    "names",
    "ref",
    "refs",
    "reference",
    "arn",
    "path",
    "file",
    "filename",
    "uri",
    "url",
    "env",
    "var",
];

/// Whether the last word of `name` makes it a reference to a secret (see [`REFERENCES`]).
pub(crate) fn names_a_reference(name: &[u8]) -> bool {
    words(name)
        .last()
        .is_some_and(|w| REFERENCES.contains(&w.as_str()))
}

/// Whether `name` is a locator (its last word is one of [`LOCATORS`], or it ends in a
/// plural after one: `keyVaultToStoreSecrets`) and `value` an identifier: lower-case
/// letters, digits and the path punctuation `- _ . / :`, with at least one letter and one
/// such separator (`kv-prod-eu-1`, `/run/secrets/db`).
pub(crate) fn is_locator_value(name: &[u8], value: &[u8]) -> bool {
    let w = words(name);
    let Some(last) = w.last() else {
        return false;
    };
    let locator = LOCATORS.contains(&last.as_str())
        || (last.ends_with('s')
            && w[..w.len() - 1]
                .iter()
                .any(|x| LOCATORS.contains(&x.as_str())));
    let identifier = value
        .iter()
        .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_./:".contains(&b))
        && value.iter().any(u8::is_ascii_lowercase)
        && value.iter().any(|b| b"-_./:".contains(b));
    locator && identifier
}

/// Whether a value under a vendor name looks generated rather than written: 12 to 256
/// bytes without spaces, with letters and digits, and either both cases (`suGy5imvADd3vU`)
/// or digits for a quarter of its letters and digits (`0f4c…`, `12AB-…`). An app name,
/// a host or a flag (`my-heroku-app-42`, `true`) is none of these.
pub(crate) fn generated(value: &[u8]) -> bool {
    if !(12..=256).contains(&value.len()) || value.iter().any(u8::is_ascii_whitespace) {
        return false;
    }
    let count = |f: fn(&u8) -> bool| value.iter().filter(|b| f(b)).count();
    let (upper, lower, digits) = (
        count(u8::is_ascii_uppercase),
        count(u8::is_ascii_lowercase),
        count(u8::is_ascii_digit),
    );
    let alnum = upper + lower + digits;
    let mixed = upper >= 2 && lower >= 2;
    digits > 0 && upper + lower > 0 && (mixed || digits * 4 >= alnum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words(b"hubspotKey"), ["hubspot", "key"]);
        assert_eq!(words(b"SONAR.LOGIN"), ["sonar", "login"]);
        assert_eq!(words(b"ETSYToken"), ["etsy", "token"]);
        assert_eq!(
            words(b"__RequestVerificationToken"),
            ["request", "verification", "token"]
        );
        assert!(words(b"-_.").is_empty());
    }

    #[test]
    fn vendors_anti_forgery_and_locators() {
        assert!(is_vendor(b"HEROKU_KEY"));
        assert!(is_vendor(b"sumologic.accessId"));
        assert!(!is_vendor(b"sonarqube_url"));
        assert!(is_anti_forgery(b"X-CSRF-Token"));
        assert!(is_anti_forgery(b"authenticity_token"));
        assert!(is_anti_forgery(b"__RequestVerificationToken"));
        assert!(!is_anti_forgery(b"access_token"));
        assert!(is_locator_value(b"keyVaultForSecrets", b"kv-prod-eu-1"));
        assert!(is_locator_value(b"secret_path", b"/run/secrets/db"));
        assert!(!is_locator_value(b"secret_path", b"Zq8vK2mLp4Xr"));
        assert!(!is_locator_value(b"vault_password", b"hunter-22"));
        assert!(!is_locator_value(b"db_secrets", b"kv-prod-eu-1"));
    }

    #[test]
    fn generated_values() {
        for v in [
            "suGy5imvADd3vU",
            "0f4c9e2a7b1d3c5e8f60",
            "98765432-FEDC-4B3A-9C8D",
        ] {
            assert!(generated(v.as_bytes()), "{v}");
        }
        for v in ["true", "my-heroku-app-42", "https://sonar", "short1A"] {
            assert!(!generated(v.as_bytes()), "{v}");
        }
    }
}
