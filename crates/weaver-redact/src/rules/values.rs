//! Values under a sensitive name that are not secrets: references to one held elsewhere
//! and placeholders written in its place. The keyword rules keep them (a mask there hides
//! nothing and costs the reader the name of the variable).
//!
//! * **References**: `$VAR`, `${VAR}`, `${VAR:-x}`, `$(command …)`, `%VAR%`, `{{ .Values.x }}`,
//!   a dotted path of words (`var.db_password`, `process.env.API_TOKEN`,
//!   `secrets.GITHUB_TOKEN`) and a call (`os.getenv(…)`, `getToken()`).
//! * **Placeholders**: a value half or more of which is one filler byte (`xxxxxxxx`,
//!   `********`, `sk-xxxx…xxxx`, `glc_1111…`; fillers: `x X * # . _ - 0 1 a A ?`), angle-bracket slots (`<token>`,
//!   `<YOUR API KEY>`), and the words people write instead of a secret: `example`,
//!   `your_…`/`…_here`, `placeholder`, `changeme`, `dummy`, `insert`, `redacted`.
//!
//! A real secret is random: it never has one byte for half its length, never is a run of
//! dictionary words joined by dots, and holds none of these words.

/// Whether `v` (the value, without quotes) refers to a secret instead of holding one.
/// `next` is the byte right after the value (a `(` makes a bare name a call).
pub(crate) fn is_reference(v: &[u8], next: Option<u8>) -> bool {
    match v {
        [b'$', b'{' | b'(', ..] => return true,
        [b'$', rest @ ..] => return !rest.is_empty() && rest.iter().all(|&b| is_ident(b)),
        [b'%', mid @ .., b'%'] => return !mid.is_empty() && mid.iter().all(|&b| is_ident(b)),
        [b'{', b'{', ..] => return true,
        _ => {}
    }
    if next == Some(b'(') && path_like(v, false) {
        return true;
    }
    // A call written whole (`getenv(TOKEN)`, `vault.read()`): a path then brackets.
    if let Some(open) = v.iter().position(|&b| b == b'(')
        && path_like(&v[..open], false)
    {
        return true;
    }
    path_like(v, true) && namespaced(v)
}

/// Namespaces a dotted reference starts with (Terraform, shells' CI contexts, config
/// objects, environment accessors).
const NAMESPACES: &[&str] = &[
    "var",
    "vars",
    "local",
    "locals",
    "data",
    "module",
    "env",
    "process",
    "os",
    "secrets",
    "config",
    "settings",
    "self",
    "this",
    "params",
    "args",
    "values",
    "props",
    "input",
    "inputs",
    "options",
    "opts",
    "cfg",
    "conf",
    "context",
    "ctx",
    "system",
    "app",
    "credentials",
];

/// Whether a dotted path reads as a reference: its first word is a namespace, or one of its
/// words is snake_case (`db_password`).
fn namespaced(v: &[u8]) -> bool {
    let first = v.split(|&b| b == b'.').next().unwrap_or(b"");
    NAMESPACES
        .iter()
        .any(|n| n.as_bytes().eq_ignore_ascii_case(first))
        || v.split(|&b| b == b'.')
            .any(|seg| seg.contains(&b'_') && seg.iter().any(u8::is_ascii_alphabetic))
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether `v` is a path of identifier words (`a.b_c.D`), each a word rather than random
/// text (few digits); with `dotted`, at least two segments are required.
fn path_like(v: &[u8], dotted: bool) -> bool {
    if v.is_empty() || v.len() > 96 {
        return false;
    }
    let mut segments = 0;
    for seg in v.split(|&b| b == b'.') {
        let digits = seg.iter().filter(|b| b.is_ascii_digit()).count();
        let ok = !seg.is_empty()
            && (seg[0].is_ascii_alphabetic() || seg[0] == b'_')
            && seg.iter().all(|&b| is_ident(b))
            && digits <= 2;
        if !ok {
            return false;
        }
        segments += 1;
    }
    !dotted || segments >= 2
}

/// Bytes people fill a placeholder with (`xxxx`, `****`, `0000`, `aaaa`).
const FILLERS: &[u8] = b"xX*#._-01aA?";

/// Words written in place of a secret.
const PLACEHOLDER_WORDS: &[&[u8]] = &[
    b"example",
    b"placeholder",
    b"changeme",
    b"change_me",
    b"change-me",
    b"dummy",
    b"insert",
    b"redacted",
    b"your_",
    b"your-",
    b"yourapi",
    b"_here",
    b"-here",
];

/// Whether `v` (the value, without quotes) is a placeholder, not a secret.
pub(crate) fn is_placeholder(v: &[u8]) -> bool {
    if v.len() >= 2 && v[0] == b'<' && v[v.len() - 1] == b'>' {
        return true;
    }
    if v.len() >= 6 {
        let mut counts = [0usize; 256];
        for &b in v {
            counts[usize::from(b)] += 1;
        }
        if FILLERS
            .iter()
            .any(|&f| counts[usize::from(f)] * 2 >= v.len())
        {
            return true;
        }
    }
    v.len() <= 256
        && PLACEHOLDER_WORDS
            .iter()
            .any(|w| v.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w)))
}

/// Stand-ins that [`is_placeholder`] does not cover, for the keyword rules (assignments,
/// `Authorization`, `Bearer`, flags); a separate test so other callers of
/// [`is_placeholder`] keep its behaviour:
///
/// * only the punctuation people elide or mask with (`...`, `***`, `--`, `??`);
/// * a run of 8 or more of one mask byte (`* # . _ - ? x X`: `xoxp-…-####################`):
///   a value already masked or filled in by hand, even when the rest looks real. Not `0`,
///   `1`, `a` or `A`: hex and base64 of binary data with zero bytes hold such runs
///   (`AAAAAAAAAAC7…`);
/// * an ascending run of 12 or more letters or digits (`abcdefghijklmnop`,
///   `123456789abc…`): typed by hand, never drawn at random;
/// * the word `fake` (`a-fake-api-key`);
/// * markup: `<` then a letter, `/`, `%`, `!` or `?` (`<xsd:element name=`, `<%= x %>`);
/// * code: an `=` after a space or tab (`name = ` copied into the value), which no
///   base64 padding or generated secret has.
///
/// A random secret of the lengths these rules see has none of these: the chance of a run
/// of 8 equal bytes or 12 ascending ones in a 64-byte random token is below 10⁻¹².
pub(crate) fn is_stand_in(v: &[u8]) -> bool {
    if !v.is_empty() && v.iter().all(|b| b"*#._-?".contains(b)) {
        return true;
    }
    let mut same = 1usize;
    for w in v.windows(2) {
        same = if w[1] == w[0] { same + 1 } else { 1 };
        if same >= 8 && b"*#._-?xX".contains(&w[0]) {
            return true;
        }
    }
    if ascending_run(v) {
        return true;
    }
    let markup = v.first() == Some(&b'<')
        && v.get(1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b"/%!?".contains(&b));
    let code = v
        .windows(2)
        .any(|w| matches!(w[0], b' ' | b'\t') && w[1] == b'=');
    markup || code || v.windows(4).any(|w| w.eq_ignore_ascii_case(b"fake"))
}

/// Whether `v` holds a sequence typed by hand: an ascending run of 12 or more letters or
/// digits ([`ascending_run`]), or one group of three or more bytes repeated three times
/// between separators (`xoxp-1234-1234-1234-…`). Random bytes form neither (a repeated
/// 4-byte group: below 10⁻¹⁴). The prefix rules apply it to a token's body, where the
/// groups are random ids; the keyword rules only the ascending run, since a value under
/// a name is often a UUID-shaped key written with repeated groups (`…-ABCD-ABCD-ABCD-…`)
/// that tests treat as a real one.
pub(crate) fn typed_sequence(v: &[u8]) -> bool {
    let groups: Vec<&[u8]> = v
        .split(|b| matches!(b, b'-' | b'_' | b'.'))
        .filter(|g| g.len() >= 3)
        .collect();
    ascending_run(v)
        || groups
            .iter()
            .any(|g| groups.iter().filter(|h| h == &g).count() >= 3)
}

/// Whether a value is half or more one placeholder filler byte (`xX*#._-01aA?`: `XXXX…`,
/// `****…`), as [`is_placeholder`] tests; `ZZZZ…` or `EXAMPLE` do not count.
pub(crate) fn filler_half(v: &[u8]) -> bool {
    let mut counts = [0usize; 256];
    for &b in v {
        counts[usize::from(b)] += 1;
    }
    !v.is_empty()
        && FILLERS
            .iter()
            .any(|&f| counts[usize::from(f)] * 2 >= v.len())
}

/// Whether `v` holds an ascending run of 12 or more letters or digits
/// (`abcdefghijklmnop`, `123456789abc…`): typed by hand, never drawn at random (below
/// 10⁻¹⁹ per start in base62).
pub(crate) fn ascending_run(v: &[u8]) -> bool {
    let mut up = 1usize;
    for w in v.windows(2) {
        up = if w[0].is_ascii_alphanumeric()
            && w[1] == w[0].wrapping_add(1)
            && w[1].is_ascii_alphanumeric()
        {
            up + 1
        } else {
            1
        };
        if up >= 12 {
            return true;
        }
    }
    false
}

/// Whether `v` is itself the name of a secret (`api-key`, `db_password`): a value of two
/// or more lower-case words joined by `-`, `_` or `.`, without digits, that the key rules
/// read as naming a secret. A manifest's `secretKey: api-key` names the entry that holds
/// the secret; it does not hold it.
pub(crate) fn is_secret_name(v: &[u8]) -> bool {
    v.len() <= 40
        && v.iter().any(|b| matches!(b, b'-' | b'_' | b'.'))
        && v.iter()
            .all(|&b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b'.'))
        && std::str::from_utf8(v)
            .is_ok_and(|s| matches!(crate::keys::builtin_rule(s), crate::keys::Rule::Names(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        for v in [
            "$DB_PASSWORD",
            "${TOKEN}",
            "${SUMO:=$2",
            "$(gcloud",
            "%API_KEY%",
            "{{",
            "var.db_password",
            "process.env.API_TOKEN",
            "secrets.GITHUB_TOKEN",
        ] {
            assert!(is_reference(v.as_bytes(), None), "{v}");
        }
        assert!(is_reference(b"os.getenv", Some(b'(')));
        assert!(is_reference(b"getToken", Some(b'(')));
        for v in [
            "hunter22",
            "s3cr3tV4lue",
            "hvs.CAESIP2jTxc9S2K7Z6CtcFWQv7",
            "$",
            "abc.d3f9a8b7c6",
            "Summer.Time",
            "x9.y8.z7q6",
        ] {
            assert!(!is_reference(v.as_bytes(), None), "{v}");
        }
        assert!(!is_reference(b"hunter22", Some(b' ')));
    }

    #[test]
    fn placeholders() {
        for v in [
            "xxxxxxxx",
            "********",
            "sk-xxxxxxxxxxxxxxxxxxxxxxxx",
            "<token>",
            "<YOUR API KEY>",
            "AKIAIOSFODNN7EXAMPLE",
            "your_token_here",
            "changeme",
            "insert_key_here",
        ] {
            assert!(is_placeholder(v.as_bytes()), "{v}");
        }
        for v in ["hunter22", "Zq8vK2mLp4Xr", "a1b2c3d4e5f6", "abc"] {
            assert!(!is_placeholder(v.as_bytes()), "{v}");
        }
    }
    #[test]
    fn stand_ins() {
        for v in [
            "...",
            "**",
            "?",
            "xoxp-1234-5678-########",
            "sk_abcdefghijklmnopqr9",
            "k-abcdefghijklm",
            "a-fake-api-key",
            "<xsd:element name=",
            "<%= @secret %>",
            "TOKEN = ",
        ] {
            assert!(is_stand_in(v.as_bytes()), "{v}");
        }
        for v in [
            "hunter22",
            "Zq8vK2mLp4Xr",
            "YWRtaW46cGFzc3dvcmQ=",
            "abc==",
            "a1b2c3d4e5f6",
            "abcdefghijk7Q",
            "aaaaaaa1",
            "AAAAAAAAAAC7hQ9+Lm2W",
            "00000000deadbeef",
            "98765432-ABCD-ABCD-ABCD-0A1B2C3D4E5F",
            "<",
            "!@#$",
        ] {
            assert!(!is_stand_in(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn typed_sequences_and_fillers() {
        assert!(typed_sequence(b"-1234-1234-1234-9f8e7d6c"));
        assert!(typed_sequence(b"-q8Zr-abcdefghijklmn"));
        assert!(!typed_sequence(b"-5829-5830-7714-9f8e7d6c"));
        assert!(!typed_sequence(b"abc-abc"));
        assert!(filler_half(b"XXXXXXXXXXXXXXXX"));
        assert!(!filler_half(b"ZZZZZZZZZZZZZZZZ"));
        assert!(!filler_half(b"IOSFODNN7EXAMPLE"));
    }

    #[test]
    fn secret_names() {
        for v in ["api-key", "db_password", "github.token", "my-secret"] {
            assert!(is_secret_name(v.as_bytes()), "{v}");
        }
        for v in [
            "password",
            "api-key-2",
            "Api-Key",
            "max-tokens",
            "cmp2-qat",
            "s3cr3t-x",
        ] {
            assert!(!is_secret_name(v.as_bytes()), "{v}");
        }
    }
}
