//! The Kubernetes Secret rule (`kube.rs`: lines the scanner holds whole) on generated
//! manifests: YAML and JSON lines in any order and indentation, with block scalars,
//! quotes, comments, document separators, escaped line breaks, other rules' secrets and a
//! line past the hold cap. For every input the two-stage and the exact scanner agree
//! (one-shot and streamed at any chunking, output and findings), the stream holds at most
//! the cap, the segmented findings equal the whole-text oracle, and redaction is
//! idempotent.

mod streaming;

use proptest::prelude::*;
use weaver_redact::{Finding, MarkerStyle, Redactor};

fn two_stage() -> Redactor {
    static R: std::sync::LazyLock<Redactor> =
        std::sync::LazyLock::new(|| Redactor::builder().force_two_stage().build().unwrap());
    R.clone()
}

/// The default rules with the smallest hold cap, so the long line fails closed.
fn small_cap() -> Redactor {
    static R: std::sync::LazyLock<Redactor> =
        std::sync::LazyLock::new(|| Redactor::builder().max_hold(1024).build().unwrap());
    R.clone()
}

fn typed() -> Redactor {
    static R: std::sync::LazyLock<Redactor> = std::sync::LazyLock::new(|| {
        Redactor::builder()
            .marker(MarkerStyle::Typed)
            .build()
            .unwrap()
    });
    R.clone()
}

/// One line of a manifest (without its break).
fn line() -> impl Strategy<Value = String> {
    let indent = prop::sample::select(vec!["", " ", "  ", "    ", "\t", "\t\t", "      "]);
    let body = prop::sample::select(vec![
        "apiVersion: v1",
        "kind: Secret",
        "kind: 'secret'",
        "kind: ConfigMap",
        "data:",
        "stringData:",
        "\"data\": {",
        "\"kind\": \"Secret\",",
        "\"extra\": \"d2VhdmVyLWRlbW8tdG9rZW4tb25l\",",
        "},",
        "extra: d2VhdmVyLWRlbW8tdG9rZW4tb25l",
        "user: YWRtaW4=",
        "ca.pem: 'Y2VydC1ieXRlcy1kZW1vLTAwMDE='",
        "tls.key: |",
        "cfg: >-",
        "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlIjp7fX19",
        "plain words here",
        "# a comment",
        "- secretKey: demo",
        "- apiVersion: v1",
        "items:",
        "---",
        "mail bob@example.com now",
        "password: hunter2hunter2",
        "tpl: {{ .Values.x }}",
        "n: 4111111111111111",
        "",
    ]);
    (indent, body).prop_map(|(i, b)| format!("{i}{b}"))
}

/// A document: lines joined by real or escaped line breaks (CRLF too), sometimes with a
/// line longer than a small hold cap.
fn doc() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..24),
        prop::sample::select(vec!["\n", "\\n", "\r\n"]),
        any::<bool>(),
    )
        .prop_map(|(lines, brk, long)| {
            let mut text = lines.join(brk);
            if long {
                text.push_str(brk);
                text.push_str("  extra: ");
                text.push_str(&"QUJD".repeat(400));
                text.push_str(brk);
                text.push_str("kind: Secret");
            }
            text
        })
}

fn findings(r: &Redactor, bytes: &[u8], exact: bool) -> (Vec<u8>, Vec<Finding>) {
    let mut found = Vec::new();
    let out = if exact {
        r.redact_bytes_exact_with(bytes, &mut |f| found.push(f))
    } else {
        r.redact_bytes_with(bytes, &mut |f| found.push(f))
            .into_owned()
    };
    (out, found)
}

fn check(r: &Redactor, text: &str, sizes: &[usize]) -> Result<(), TestCaseError> {
    let bytes = text.as_bytes();
    let (want, want_found) = findings(r, bytes, true);
    let (got, got_found) = findings(r, bytes, false);
    prop_assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want),
        "one-shot differs"
    );
    prop_assert_eq!(&got_found, &want_found);
    streaming::streams_equal(r, bytes, &[sizes, &[1], &[3]], &want, &want_found)?;
    let out = String::from_utf8_lossy(&want).into_owned();
    prop_assert_eq!(&*r.redact_str(&out), out.as_str(), "not idempotent");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn manifests_redact_alike_on_every_path(
        text in doc(),
        sizes in prop::collection::vec(1usize..40, 1..6),
    ) {
        check(&two_stage(), &text, &sizes)?;
        check(&small_cap(), &text, &sizes)?;
        let r = Redactor::new();
        let mut got = Vec::new();
        let _ = r.redact_bytes_with(text.as_bytes(), &mut |f| got.push((f.start, f.end, f.kind)));
        if text.len() < r.max_hold() {
            prop_assert_eq!(got, r.unsegmented_spans(text.as_bytes()), "in {:?}", text);
        }
        let typed = typed();
        let t = typed.redact_str(&text);
        prop_assert_eq!(&*typed.redact_str(&t), &*t, "typed not idempotent");
    }
}

#[test]
fn a_secret_value_never_survives_in_a_kubectl_document() {
    let r = Redactor::new();
    let secret = "d2VhdmVyLWRlbW8tdG9rZW4tb25l";
    for brk in ["\n", "\\n", "\r\n"] {
        for indent in ["  ", "\t"] {
            let text = [
                "apiVersion: v1",
                "data:",
                &format!("{indent}extra: {secret}"),
                "kind: Secret",
            ]
            .join(brk);
            let out = r.redact_str(&text);
            assert!(!out.contains(secret), "{out}");
            let mut s = r.stream();
            let mut streamed = Vec::new();
            for b in text.as_bytes().chunks(5) {
                s.push(b, &mut streamed);
            }
            s.finish(&mut streamed);
            assert_eq!(String::from_utf8(streamed).unwrap(), out);
        }
    }
}
