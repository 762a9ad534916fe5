use super::*;

/// The masked values of `text`, in order.
fn masked(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    spans(text.as_bytes(), |s, e| out.push(&text[s..e]));
    out
}

/// The same, the machine fed in pieces of `size` bytes and each held line decided once
/// the pieces so far end it, as the scanner does.
fn masked_in_pieces(text: &str, size: usize) -> Vec<&str> {
    spans_in_pieces(text, size, true)
        .into_iter()
        .map(|(s, e)| &text[s..e])
        .collect()
}

/// The masked spans of `text` fed in pieces of `size` bytes, with or without leaps.
fn spans_in_pieces(text: &str, size: usize, leaps: bool) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut m = Lines::new();
    m.leaps = leaps;
    let mut out = Vec::new();
    let mut decide = |m: &mut Lines, h: Held| {
        let brk = h.end.map_or(bytes.len() as u64, |(b, _)| b) as usize;
        let s = h.start as usize;
        if let Some((x, y)) = m.decide(Some(&bytes[s..brk])) {
            out.push((s + x, s + y));
        }
    };
    let mut base = 0;
    while base < bytes.len() {
        let end = base.saturating_add(size).min(bytes.len());
        while let Some(h) = m.advance(&bytes[base..end], base as u64) {
            if h.end.is_none() {
                break;
            }
            decide(&mut m, h);
        }
        base = end;
    }
    if let Some(h) = m.finish() {
        decide(&mut m, h);
    }
    out
}

const KUBECTL: &str = "apiVersion: v1\ndata:\n  password: UyFCXCpkJHpEc2I9\n  \
    username: YWRtaW4=\n  tls.key: |\n    LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg==\n    \
    TUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2N3Z2dTakFnRUFBb0lCQVFD\n    Cg==\n\
    kind: Secret\nmetadata:\n  name: db\n  resourceVersion: \"123456789\"\ntype: Opaque\n";

#[test]
fn kubectl_output_with_kind_after_data() {
    assert_eq!(
        masked(KUBECTL),
        [
            "UyFCXCpkJHpEc2I9",
            "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg==",
            "TUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2N3Z2dTakFnRUFBb0lCQVFD",
            "Cg==",
        ]
    );
}

#[test]
fn pieces_of_any_size_decide_the_same() {
    let docs = [
        KUBECTL.to_owned(),
        KUBECTL.replace('\n', "\\n"),
        "kind: Secret\nstringData:\n  user: admin\n  pw: \"s3cr3t value\"\n".to_owned(),
    ];
    for doc in &docs {
        let whole = masked(doc);
        assert!(!whole.is_empty(), "{doc}");
        for size in [1, 2, 3, 7, 64] {
            assert_eq!(masked_in_pieces(doc, size), whole, "{size}: {doc}");
        }
    }
}

#[test]
fn kind_first_masks_every_value_but_stand_ins() {
    let doc = "apiVersion: v1\nkind: Secret\ndata:\n  a: YWRtaW4=\n  b: aHVudGVyMg==\n  \
        c: \"\"\n  d: {{ .Values.x }}\nstringData:\n  e: plain words\n";
    assert_eq!(masked(doc), ["aHVudGVyMg==", "plain words"]);
}

#[test]
fn json_and_lists() {
    let json = "{\n    \"apiVersion\": \"v1\",\n    \"data\": {\n        \"ca.crt\": \
        \"Y2VydGlmaWNhdGVkYXRh\",\n        \"short\": \"YmFyCg==\"\n    },\n    \
        \"kind\": \"Secret\"\n}\n";
    assert_eq!(masked(json), ["Y2VydGlmaWNhdGVkYXRh"]);
    let list = "apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    k: c2VjcmV0LW9uZS0xMjM0\n  \
        kind: Secret\n- apiVersion: v1\n  data:\n    k: c2VjcmV0LXR3by0xMjM0\n  kind: Secret\nkind: List\n";
    assert_eq!(
        masked(list),
        ["c2VjcmV0LW9uZS0xMjM0", "c2VjcmV0LXR3by0xMjM0"]
    );
}

#[test]
fn other_kinds_and_nested_maps_are_kept() {
    for doc in [
        // Another kind first.
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  hash: c2VjcmV0LW9uZS0xMjM0\n",
        // A map nested in a spec, under a root with apiVersion.
        "apiVersion: x/v1\nspec:\n  templates:\n    - name: t\n      data:\n        \
         k: ZGF0YS12YWx1ZTE=\nkind: SopsSecret\n",
        // A list under data.
        "apiVersion: v1\nkind: ExternalSecret\nspec:\n  data:\n    - secretKey: k\n      \
         remoteRef:\n        key: c2VjcmV0LW9uZS0xMjM0\n",
        // A new document.
        "kind: Secret\n---\ndata:\n  mode: Default\n",
        // Prose between.
        "data: none\n  k: c2VjcmV0LW9uZS0xMjM0\n",
    ] {
        assert!(masked(doc).is_empty(), "{doc}");
        assert!(!masks_any(doc.as_bytes()), "{doc}");
    }
    assert!(masks_any(KUBECTL.as_bytes()));
    assert!(!masks_any(b"no line break: data: c2VjcmV0LW9uZS0xMjM0"));
}

#[test]
fn a_misindented_key_belongs_to_the_mapping_above() {
    let doc = "apiVersion: v1\n data:\n \textra: c2VjcmV0LW9uZS0xMjM0\n kind: secret\n";
    assert_eq!(masked(doc), ["c2VjcmV0LW9uZS0xMjM0"]);
    // Under a key that opens a map, a deeper `data` is nested (a spec's).
    let doc = "apiVersion: v1\nspec:\n  data:\n    extra: c2VjcmV0LW9uZS0xMjM0\n";
    assert!(masked(doc).is_empty());
}

#[test]
fn scalar_reads_short_values() {
    assert_eq!(scalar(b"\"Secret\","), b"Secret");
    assert_eq!(scalar(b"'secret'  # the kind"), b"secret");
    assert_eq!(scalar(b"# nothing"), b"");
    assert_eq!(scalar(b"{"), b"{");
}

/// A line of a log, prose or a manifest (without its break).
fn any_line() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let indent = prop::sample::select(vec!["", "", " ", "  ", "    ", "\t"]);
    let body = prop::sample::select(vec![
        "2024-05-01T00:00:00.018Z INFO [auth] GET /api/data 200",
        "plain words about data here",
        "upstream auth-3.svc.local:8080 failed",
        "apiVersion: v1",
        "kind: Secret",
        "kind: ConfigMap",
        "data:",
        "stringData:",
        "\"data\": {",
        "\"kind\": \"Secret\",",
        "extra: d2VhdmVyLWRlbW8tdG9rZW4tb25l",
        "\"extra\": \"d2VhdmVyLWRlbW8tdG9rZW4tb25l\",",
        "pw: plain secret words",
        "},",
        "{",
        "- apiVersion: v1",
        "- item",
        "---",
        "...",
        "# a comment",
        "",
        "metadata:",
        "ab: c2VjcmV0LW9uZS0xMjM0\\n  data:\\n  k: c2VjcmV0LXR3by0xMjM0",
        "(paren) line",
        "key:value",
    ]);
    (indent, body).prop_map(|(i, b)| format!("{i}{b}"))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Going past lines changes nothing: with and without leaps, whole and in pieces,
    /// the same spans are masked.
    #[test]
    fn leaps_change_nothing(
        lines in proptest::collection::vec(any_line(), 0..40),
        crlf in proptest::bool::ANY,
        size in 1usize..300,
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let exact = spans_in_pieces(&text, usize::MAX, false);
        proptest::prop_assert_eq!(&spans_in_pieces(&text, usize::MAX, true), &exact, "{:?}", text);
        proptest::prop_assert_eq!(&spans_in_pieces(&text, size, true), &exact, "{} {:?}", size, text);
    }
}

#[test]
fn a_log_is_passed_in_one_leap() {
    let mut text = "2024-05-01T00:00:00Z INFO [auth] request served\n".repeat(1000);
    text.push_str("apiVersion: v1\nkind: Secret\ndata:\n  k: c2VjcmV0LW9uZS0xMjM0\n");
    let mut m = Lines::new();
    // The first line start leaps to the last log line before the manifest.
    let i = m.leap(text.as_bytes(), 0, 0);
    assert_eq!(
        i,
        text.find("apiVersion").unwrap()
            - "2024-05-01T00:00:00Z INFO [auth] request served\n".len()
    );
    assert_eq!(masked(&text), ["c2VjcmV0LW9uZS0xMjM0"]);
}
