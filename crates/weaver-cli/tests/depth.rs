//! The JSON subcommands on deep documents (10 000 levels must work, past the documented
//! limit one clear line), with a UTF-8 byte-order mark, and the frame fields the CLI sets.

use std::process::Output;

mod support;

use support::run_with_stdin as run;

#[track_caller]
fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// `depth` nested arrays around a secret, or `depth` nested objects keyed `k`.
fn deep(depth: usize, objects: bool) -> String {
    let leaf = r#""mail bob@example.com""#;
    if objects {
        format!("{}{leaf}{}", r#"{"k": "#.repeat(depth), "}".repeat(depth))
    } else {
        format!("{}{leaf}{}", "[".repeat(depth), "]".repeat(depth))
    }
}

/// What `redact --json` must print for [`deep`].
fn deep_redacted(depth: usize, objects: bool) -> String {
    let leaf = r#""mail [REDACTED]""#;
    if objects {
        format!("{}{leaf}{}\n", r#"{"k":"#.repeat(depth), "}".repeat(depth))
    } else {
        format!("{}{leaf}{}\n", "[".repeat(depth), "]".repeat(depth))
    }
}

const DEPTH: usize = 10_000;
/// The limit of the subcommands that build the document as a tree (documented in --help
/// and docs/ARCHITECTURE.md).
const LIMIT: usize = 100_000;

#[test]
fn every_subcommand_takes_ten_thousand_levels() {
    for objects in [false, true] {
        let doc = deep(DEPTH, objects);
        let compact_len = if objects { 6 * DEPTH } else { 2 * DEPTH } + 22;
        let size = ok(&run(&["estimate"], doc.as_bytes()));
        assert_eq!(size.trim(), compact_len.to_string());
        let out = ok(&run(&["redact", "--json"], doc.as_bytes()));
        assert_eq!(out, deep_redacted(DEPTH, objects));
        let chars = ok(&run(&["tokens", "--encoding", "chars"], doc.as_bytes()));
        assert_eq!(chars.trim(), compact_len.div_ceil(4).to_string());
        let tokens: u64 = ok(&run(&["tokens"], doc.as_bytes()))
            .trim()
            .parse()
            .unwrap();
        assert!(tokens > 0 && tokens <= compact_len as u64);
        for mode in ["summary", "table", "handle_only"] {
            let frame = ok(&run(&["firewall", "--mode", mode], doc.as_bytes()));
            let frame: serde_json::Value = serde_json::from_str(&frame).unwrap();
            assert_eq!(frame["response_mode"], mode);
            assert!(!frame.to_string().contains("bob@example.com"));
        }
        // Plain text redaction does not care about structure at all.
        let text = ok(&run(&["redact"], doc.as_bytes()));
        assert!(text.contains("[REDACTED]") && !text.contains("bob@"));
    }
}

#[test]
fn past_the_limit_is_one_clear_line_and_exit_1() {
    for objects in [false, true] {
        let at_limit = deep(LIMIT, objects);
        let out = ok(&run(&["redact", "--json"], at_limit.as_bytes()));
        assert_eq!(out, deep_redacted(LIMIT, objects));
        let over = deep(LIMIT + 1, objects);
        for args in [&["redact", "--json"][..], &["tokens"][..]] {
            let o = run(args, over.as_bytes());
            assert_eq!(o.status.code(), Some(1), "{args:?}");
            let err = String::from_utf8(o.stderr).unwrap();
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.starts_with("weaver: nesting deeper than 100000 levels at line 1 column "),
                "{err}"
            );
            assert!(o.stdout.is_empty());
        }
        // estimate and firewall never build the tree: no depth limit.
        let size = ok(&run(&["estimate"], over.as_bytes()));
        let expect = if objects {
            6 * (LIMIT + 1)
        } else {
            2 * (LIMIT + 1)
        } + 22;
        assert_eq!(size.trim(), expect.to_string());
        ok(&run(&["firewall"], over.as_bytes()));
    }
}

#[test]
fn a_byte_order_mark_is_skipped_by_every_json_subcommand() {
    let doc = br#"{"user": {"email": "bob@example.com", "n": [1, 2.50]}}"#;
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(doc);
    for args in [
        &["estimate"][..],
        &["redact", "--json"][..],
        &["redact", "--json", "--pretty"][..],
        &["tokens"][..],
        &["tokens", "--encoding", "chars"][..],
    ] {
        assert_eq!(ok(&run(args, &with_bom)), ok(&run(args, doc)), "{args:?}");
    }
    for mode in ["summary", "table", "raw"] {
        let strip = |o: &Output| {
            let mut f: serde_json::Value = serde_json::from_str(&ok(o)).unwrap();
            for k in ["action_id", "provenance"] {
                f.as_object_mut().unwrap().remove(k);
            }
            f
        };
        let args = ["firewall", "--mode", mode, "--role", "admin"];
        assert_eq!(strip(&run(&args, &with_bom)), strip(&run(&args, doc)));
    }
    // A mark alone, or one in the middle, is still not JSON.
    let o = run(&["estimate"], b"\xEF\xBB\xBF");
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["redact", "--json"], b"[\xEF\xBB\xBF1]");
    assert_eq!(o.status.code(), Some(1));
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[test]
fn firewall_frames_are_final_with_a_fresh_action_id_and_a_timestamp() {
    let doc = br#"[{"id": 1}, {"id": 2}]"#;
    let mut ids = Vec::new();
    for mode in ["summary", "table", "handle_only"] {
        let before = now_ms();
        let frame: serde_json::Value =
            serde_json::from_str(&ok(&run(&["firewall", "--mode", mode], doc))).unwrap();
        let after = now_ms();
        assert_eq!(frame["is_final"], true, "{frame}");
        let id = frame["action_id"].as_str().unwrap().to_owned();
        assert_eq!(id.len(), 32, "{id}");
        assert!(
            id.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(frame["provenance"]["action_id"], id.as_str());
        let at = frame["provenance"]["invoked_at_ms"].as_u64().unwrap();
        assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "every call draws a new id");
}
