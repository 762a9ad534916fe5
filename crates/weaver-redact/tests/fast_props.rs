//! The two-stage scanner against the exact one (the oracle): for every input, one-shot and
//! streamed at any chunking, the output and the findings are identical. The generators are
//! adversarial for stage 1: digit groups with every separator (around the 8/9-digit
//! thresholds, with and without `+`), keywords in every case with every separator, e-mails
//! (also `%40`, `\u0040`), URLs with credentials, JWTs, PEM blocks, markers, long chained
//! runs past the hold cap, and the cut bytes (quotes, brackets, line breaks) between them.

mod streaming;

use proptest::prelude::*;
use weaver_redact::{Finding, Redactor};

/// The default rules through the two-stage scanner on every input; by default they use it
/// only from 4 MiB of input on (too many anchor literals for it to pay on less; see
/// `engine::LAZY_STAGE1_BYTES`).
fn two_stage() -> Redactor {
    static R: std::sync::LazyLock<Redactor> =
        std::sync::LazyLock::new(|| Redactor::builder().force_two_stage().build().unwrap());
    R.clone()
}

fn exact(r: &Redactor, bytes: &[u8]) -> (Vec<u8>, Vec<Finding>) {
    let mut found = Vec::new();
    let out = r.redact_bytes_exact_with(bytes, &mut |f| found.push(f));
    (out, found)
}

/// Fast vs exact, one-shot (output and findings) and streamed with `sizes` cycled.
fn same(r: &Redactor, bytes: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
    let (want, want_found) = exact(r, bytes);
    let mut found = Vec::new();
    let got = r.redact_bytes_with(bytes, &mut |f| found.push(f));
    prop_assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want),
        "one-shot differs"
    );
    prop_assert_eq!(&found, &want_found);
    streaming::streams_equal(r, bytes, &[sizes, &[1], &[4096]], &want, &want_found)?;
    Ok(())
}

fn case(word: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<bool>(), word.len()).prop_map(move |up| {
        word.chars()
            .zip(up)
            .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
            .collect()
    })
}

fn keyword() -> impl Strategy<Value = String> {
    prop_oneof![
        case("password"),
        case("passwd"),
        case("pwd"),
        case("api_key"),
        case("apikey"),
        case("x-api-key"),
        case("access_key"),
        case("secret"),
        case("client_secret"),
        case("token"),
        case("tokens"),
        case("max_tokens"),
        case("session_id"),
        case("cookie"),
        case("auth"),
        case("authorization"),
        case("bearer"),
        case("basic"),
        case("credentials"),
        case("private_key"),
        case("phone"),
        case("ssn"),
        case("tel"),
    ]
}

/// Stage 1's case-sensitive anchors and follow sets: vendor heads and leads in their own
/// case and in the other one, with and without the byte that must follow them, and
/// keywords glued to a byte that may or may not follow a keyword.
fn anchor_edge() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            case("mta"),
            case("ntk"),
            case("odq"),
            Just("MTAx".to_owned()),
            Just("NzQ".to_owned()),
            case("akia"),
            case("sk"),
            case("sk-"),
            case("ghp_"),
            case("glpat-"),
            case("xoxb-"),
            case("eyj"),
            case("private key"),
            case("accountkey="),
            case("bundle_"),
            Just("BUNDLE_GEMS__X_COM".to_owned()),
            Just("-u".to_owned()),
            Just("--user".to_owned()),
            Just("12345:A".to_owned()),
            Just("1Q~".to_owned()),
            Just("123456789012345|".to_owned()),
            case("auth"),
            case("author"),
            case("pass"),
            case("password"),
            case("api_key"),
        ],
        prop_oneof![
            Just(""),
            Just(" "),
            Just("="),
            Just(":"),
            Just("_"),
            Just("s"),
            Just("S"),
            Just("o"),
            Just("\""),
            Just("\t"),
            Just(">"),
            Just(","),
        ],
        "[A-Za-z0-9_.=-]{0,40}",
    )
        .prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

fn digits() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop_oneof![Just("+"), Just("("), Just("+1 ")]),
        prop::collection::vec(
            (
                "[0-9]{1,5}",
                prop_oneof![
                    Just(""),
                    Just(" "),
                    Just("-"),
                    Just("."),
                    Just(") "),
                    Just("  "),
                    Just("--")
                ],
            ),
            1..6,
        ),
    )
        .prop_map(|(lead, groups)| {
            let mut s = lead.unwrap_or("").to_owned();
            for (g, sep) in groups {
                s.push_str(&g);
                s.push_str(sep);
            }
            s
        })
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,8}",
        3 => anchor_edge(),
        2 => digits(),
        1 => Just("4111 1111 1111 1111".to_owned()),
        1 => Just("123-45-6789".to_owned()),
        1 => Just("+44 20 7946 0958".to_owned()),
        1 => Just("2024-05-01T00:00:00.018Z".to_owned()),
        2 => (keyword(), prop_oneof![Just("="), Just(": "), Just("\": \""), Just(" => "), Just(":="), Just(" "), Just("\\\":\\\"")], "[A-Za-z0-9_./+-]{0,12}")
            .prop_map(|(k, s, v)| format!("{k}{s}{v}")),
        1 => ("[a-z.]{1,6}", prop_oneof![Just("@"), Just("%40"), Just("\\u0040")], "[a-z]{1,5}", prop_oneof![Just(".io"), Just(".com"), Just(""), Just(".c")])
            .prop_map(|(a, at, d, t)| format!("{a}{at}{d}{t}")),
        1 => Just("postgres://user:pa55@db.example.com/x".to_owned()),
        1 => Just("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl".to_owned()),
        1 => Just("-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----".to_owned()),
        1 => Just("sk-ant-abc123def456ghi789jkl012".to_owned()),
        1 => Just("AKIAIOSFODNN7EXAMPLE".to_owned()),
        1 => Just("ghp_0123456789abcdefghij0123456789".to_owned()),
        1 => prop_oneof![Just("[REDACTED]"), Just("[REDACTED:email]"), Just("[REDACTED:hold_limit 12 bytes]")].prop_map(str::to_owned),
        2 => prop_oneof![Just(" "), Just("\n"), Just("\t"), Just("\""), Just("'"), Just("["), Just("]"), Just("{"), Just("}"), Just(","), Just(";"), Just("&"), Just("\r\n"), Just("<"), Just("`"), Just("\\n"), Just("é")].prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..40, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn two_stage_equals_exact(t in text(), sz in sizes()) {
        let r = two_stage();
        prop_assert!(r.uses_fast_path());
        same(&r, t.as_bytes(), &sz)?;
    }

    #[test]
    fn two_stage_equals_exact_on_bytes(b in prop::collection::vec(prop_oneof![
        any::<u8>(),
        Just(b'@'), Just(b'0'), Just(b'7'), Just(b' '), Just(b'-'), Just(b'\n'), Just(b'+'),
        Just(b'k'), Just(b'='), Just(b':'),
    ], 0..300), sz in sizes()) {
        same(&two_stage(), &b, &sz)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Runs that reach the hold cap (1 KiB here) mixed with anchors: the cap fires at the
    /// same place on both paths.
    #[test]
    fn two_stage_equals_exact_near_the_hold_cap(
        unit in prop_oneof![
            Just("a@b.io "), Just("x@y\n"), Just("api_key=k1 "), Just("1 2 3 4 5 6 7 8 9 "),
            Just("QUJD"), Just("word "), Just("12-34-56 "), Just("a@b.io,"),
        ],
        n in 50usize..250,
        pre in text(),
        sz in sizes(),
    ) {
        static R: std::sync::LazyLock<Redactor> = std::sync::LazyLock::new(|| {
            Redactor::builder().max_hold(1024).force_two_stage().build().unwrap()
        });
        let r = R.clone();
        prop_assert!(r.uses_fast_path());
        let t = format!("{pre}{}{pre}", unit.repeat(n));
        same(&r, t.as_bytes(), &sz)?;
    }
}

#[test]
fn chained_tokens_past_the_default_cap_match_the_exact_scanner() {
    let r = two_stage();
    for unit in ["a@b.io ", "x@y\n", "a@b.io,", "api_key=abc ", "555-0147 "] {
        let t = unit.repeat(70_000 / unit.len() + 1);
        let (want, _) = exact(&r, t.as_bytes());
        assert!(
            r.redact_bytes(t.as_bytes()).as_ref() == want.as_slice(),
            "{unit:?} repeated"
        );
    }
    // Issue 19 item 3, on both paths: a chain of tokens is cut after every completed token
    // (a match state that behaves like the start state is a cut), so the benign bytes
    // between tokens survive and no `hold_limit` marker swallows the chain.
    let n = 70_000 / "a@b.io ".len() + 1;
    let t = "a@b.io ".repeat(n);
    assert_eq!(r.redact_str(&t), "[REDACTED] ".repeat(n));
    let t = "x@y\n".repeat(70_000 / 4 + 1);
    assert_eq!(r.redact_str(&t), t);
    let mut s = r.stream();
    let mut out = Vec::new();
    for c in t.as_bytes().chunks(4096) {
        s.push(c, &mut out);
        assert!(s.held() < 64, "a chain of non-tokens is not held");
    }
    s.finish(&mut out);
    assert_eq!(out, t.as_bytes());
}

#[test]
fn user_patterns_get_anchors_or_the_exact_scanner() {
    // A literal prefix is an anchor: the fast path stays on, and the rule still fires.
    // (Cards alone: the token trigger of the default set has more anchor literals than
    // stage 1 takes.)
    let r = Redactor::builder()
        .kinds([weaver_redact::Kind::Card])
        .pattern("ticket", "TICKET-[0-9]{6}")
        .build()
        .unwrap();
    assert!(r.uses_fast_path());
    assert_eq!(
        r.redact_str("see TICKET-123456 now, card 4111 1111 1111 1111"),
        "see [REDACTED] now, card [REDACTED]"
    );
    // The default rules: stage 1 is deferred to large inputs, but it exists.
    assert!(Redactor::new().uses_fast_path());
    // No literal and no usable class run: every byte goes through the exact scanner.
    let r = Redactor::builder()
        .pattern("id", "[a-z][0-9]+")
        .build()
        .unwrap();
    assert!(!r.uses_fast_path());
    assert_eq!(r.redact_str("id a1234 x"), "id [REDACTED] x");
}

/// The default redactor builds its deferred stage 1 when an input reaches 4 MiB: a one-shot
/// call past it, and a stream that crosses it mid-way (the first chunks through the exact
/// scanner alone, the rest two-stage), give the exact scanner's output and findings.
#[test]
fn deferred_stage1_engages_past_four_mebibytes_with_identical_output() {
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let lines = [
        "2026-11-30T10:00:00.123Z INFO [auth] req=9f3a2b1c0d4e GET /api/v1/users/42 status=200\n",
        "2026-11-30T10:00:00.124Z DEBUG [billing] cache hit key=billing:ab12cd34 ttl=60s\n",
        "2026-11-30T10:00:00.125Z WARN [auth] login for jane.doe@example.com from 10.0.0.7\n",
        "2026-11-30T10:00:00.126Z INFO [kyc] ssn=123-45-6789 card 4111 1111 1111 1111 ok\n",
        "2026-11-30T10:00:00.127Z ERROR [api] Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl\n",
        "2026-11-30T10:00:00.128Z INFO [deploy] api_key=\"sk_live_4eC39HqLyjWDarjtT1zdp7dc\" [auth] \n",
        "ts_ms=1714500000000 user=u_123 phone +1 (415) 555-0147 token=ghp_0123456789abcdefghijABCDEFGHIJ012345\n",
    ];
    let mut text = String::new();
    while text.len() < (4 << 20) + (1 << 20) {
        text.push_str(lines[(next() % lines.len() as u64) as usize]);
    }
    let r = Redactor::builder().build().unwrap();
    let mut want_found = Vec::new();
    let want = r.redact_bytes_exact_with(text.as_bytes(), &mut |f| want_found.push(f));
    let small = r.redact_str(&text[..1 << 20]);
    assert!(small.len() < 1 << 20, "the first MiB has secrets");
    assert!(!r.fast_path_ready(), "stage 1 is deferred below 4 MiB");
    let mut found = Vec::new();
    let got = r.redact_bytes_with(text.as_bytes(), &mut |f| found.push(f));
    assert!(r.fast_path_ready(), "stage 1 is built for a 5 MiB input");
    assert!(
        got == want,
        "one-shot past 4 MiB differs from the exact scanner"
    );
    assert_eq!(found, want_found);
    assert!(!want_found.is_empty(), "the text plants secrets");
    for max_chunk in [4096usize, 65_537] {
        // A fresh redactor each time, so the stream is what builds stage 1.
        let r = Redactor::builder().build().unwrap();
        let mut s = r.stream();
        let (mut out, mut found) = (Vec::new(), Vec::new());
        let mut at = 0;
        while at < text.len() {
            let n = (1 + next() as usize % max_chunk).min(text.len() - at);
            s.push_with(&text.as_bytes()[at..at + n], &mut out, &mut |f| {
                found.push(f);
            });
            at += n;
        }
        s.finish_with(&mut out, &mut |f| found.push(f));
        assert!(r.fast_path_ready(), "a 5 MiB stream builds stage 1");
        assert!(
            out == want,
            "a stream crossing 4 MiB differs (chunks up to {max_chunk})"
        );
        assert_eq!(found, want_found);
    }
}

/// A stream told it will carry 4 MiB or more prepares stage 1 before its first byte; a
/// smaller total changes nothing.
#[test]
fn a_size_hint_prepares_stage1_at_once() {
    let r = Redactor::builder().build().unwrap();
    let mut s = r.stream();
    s.size_hint(1 << 20);
    assert!(!r.fast_path_ready());
    s.size_hint(4 << 20);
    assert!(r.fast_path_ready());
    let text = b"token=ghp_0123456789abcdefghijABCDEFGHIJ012345 ok\n";
    let mut out = Vec::new();
    s.push(text, &mut out);
    s.finish(&mut out);
    assert_eq!(out, r.redact_bytes_exact_with(text, &mut |_| {}));
    assert_eq!(out, b"token=[REDACTED] ok\n");
}
