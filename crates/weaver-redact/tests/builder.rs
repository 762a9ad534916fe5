//! Builder options and typed errors; sharing across threads.

use weaver_redact::{BuildError, Kind, MarkerStyle, Redactor};

#[test]
fn invalid_user_patterns_are_typed_errors() {
    let bad = Redactor::builder().pattern("broken", "(unclosed").build();
    assert!(
        matches!(bad, Err(BuildError::InvalidPattern { ref name, .. }) if name == "broken"),
        "{bad:?}"
    );
    let lookaround = Redactor::builder().pattern("lb", r"(?<!\d)\d{4}").build();
    assert!(
        matches!(lookaround, Err(BuildError::InvalidPattern { .. })),
        "{lookaround:?}"
    );
    let empty = Redactor::builder().pattern("empty", "a*").build();
    assert!(
        matches!(empty, Err(BuildError::InvalidPattern { ref message, .. }) if message.contains("empty")),
        "{empty:?}"
    );
}

#[test]
fn oversized_patterns_fail_fast_with_a_typed_error() {
    let t = std::time::Instant::now();
    // A large counted repeat in an unanchored DFA explodes; the size limits stop it.
    let big = Redactor::builder()
        .pattern("huge", r"[a-z0-9]{1,500}x[a-z0-9]{300}")
        .build();
    assert!(matches!(big, Err(BuildError::TooLarge { .. })), "{big:?}");
    let long = Redactor::builder()
        .pattern("long", "a".repeat(10_000))
        .build();
    assert!(matches!(long, Err(BuildError::TooLarge { .. })), "{long:?}");
    eprintln!("failed in {:?}", t.elapsed());
}

#[test]
fn absurd_options_are_typed_errors() {
    let small = Redactor::builder().max_hold(10).build();
    assert!(
        matches!(small, Err(BuildError::InvalidOption(_))),
        "{small:?}"
    );
    let many = (0..1000).fold(Redactor::builder(), |b, i| {
        b.pattern(format!("p{i}"), format!("zz{i}q"))
    });
    assert!(matches!(many.build(), Err(BuildError::InvalidOption(_))));
}

#[test]
fn user_patterns_mask_as_custom() {
    let r = Redactor::builder()
        .pattern("ticket", r"TICKET-[0-9]{4,}")
        .marker(MarkerStyle::Typed)
        .build()
        .unwrap();
    let mut kinds = Vec::new();
    let mut out = String::new();
    r.redact_str_into("see TICKET-12345 and bob@example.com", &mut out, &mut |f| {
        kinds.push(f.kind);
    });
    assert_eq!(out, "see [REDACTED:custom] and [REDACTED:email]");
    assert_eq!(kinds, vec![Kind::Custom, Kind::Email]);
}

#[test]
fn rules_can_be_selected() {
    let only_email = Redactor::builder().kinds([Kind::Email]).build().unwrap();
    assert_eq!(
        only_email.redact_str("a@b.co 123-45-6789"),
        "[REDACTED] 123-45-6789"
    );
    let no_email = Redactor::builder().disable(Kind::Email).build().unwrap();
    assert_eq!(
        no_email.redact_str("a@b.co 123-45-6789"),
        "a@b.co [REDACTED]"
    );
    let bearer_only = Redactor::builder().kinds([Kind::Bearer]).build().unwrap();
    assert_eq!(
        bearer_only.redact_str("Authorization: Bearer abc123xyz, Authorization: Token abc123xyz"),
        "Authorization: [REDACTED], Authorization: Token abc123xyz"
    );
    let anthropic_only = Redactor::builder()
        .kinds([Kind::AnthropicKey])
        .build()
        .unwrap();
    // An Anthropic key in its public layout: `sk-ant-api03-`, 93 bytes, `AA`.
    let anthropic = concat!(
        "sk-ant-api03-",
        "PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KXSc7Tvo-hBKqFY",
        "AA"
    );
    assert_eq!(
        anthropic_only.redact_str(&format!("{anthropic} sk-proj-abc123def456ghi789jkl")),
        "[REDACTED] sk-proj-abc123def456ghi789jkl"
    );
    let none = Redactor::builder().kinds([]).build().unwrap();
    assert_eq!(none.redact_str("a@b.co 123-45-6789"), "a@b.co 123-45-6789");
}

#[test]
fn findings_carry_kind_and_span_not_value() {
    let r = Redactor::new();
    let text = "x bob@example.com y 4111111111111111";
    let mut f = Vec::new();
    let mut out = String::new();
    let n = r.redact_str_into(text, &mut out, &mut |x| f.push(x));
    assert_eq!(n, 2);
    assert_eq!(
        (f[0].kind, &text[f[0].start as usize..f[0].end as usize]),
        (Kind::Email, "bob@example.com")
    );
    assert_eq!(
        (f[1].kind, &text[f[1].start as usize..f[1].end as usize]),
        (Kind::Card, "4111111111111111")
    );
    let json = serde_json::to_string(&f[0]).unwrap();
    assert!(!json.contains("bob"), "{json}");
}

#[test]
fn borrowed_when_clean_and_integers_checked() {
    let r = Redactor::new();
    assert!(matches!(
        r.redact_str("nothing here 12345"),
        std::borrow::Cow::Borrowed(_)
    ));
    assert!(matches!(r.redact_str("a@b.co"), std::borrow::Cow::Owned(_)));
    assert_eq!(r.scan_integer(4111111111111111), Some(Kind::Card));
    assert_eq!(r.scan_integer(4111111111111112), None);
    assert_eq!(r.scan_integer(1714500001234), None);
    assert_eq!(
        Redactor::builder()
            .disable(Kind::Card)
            .build()
            .unwrap()
            .scan_integer(4111111111111111),
        None
    );
}

#[test]
fn shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Redactor>();
    let r = Redactor::new();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let r = r.clone();
            std::thread::spawn(move || r.redact_str(&format!("user{i}@example.com")).into_owned())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "[REDACTED]");
    }
}

#[test]
fn invalid_utf8_passes_through_bytes() {
    let r = Redactor::new();
    let input = b"\xff\xfe bob@example.com \xc3";
    assert_eq!(&*r.redact_bytes(input), b"\xff\xfe [REDACTED] \xc3");
}
