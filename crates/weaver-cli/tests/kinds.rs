//! `weaver redact --all-kinds` and `--kind K`: the opt-in kinds (ip, mac, url, crypto, iban,
//! national_id) are off by default, on by flag, and an unknown kind is a usage error that
//! lists the names.

mod support;

use support::run_with_stdin;

const TEXT: &[u8] = b"host 203.0.113.54 nic 3c:22:fb:9a:10:4e mail bob@example.com\n";

fn out(args: &[&str]) -> String {
    let o = run_with_stdin(args, TEXT);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8")
}

#[test]
fn opt_in_kinds_are_off_by_default() {
    assert_eq!(
        out(&["redact"]),
        "host 203.0.113.54 nic 3c:22:fb:9a:10:4e mail [REDACTED]\n"
    );
}

#[test]
fn all_kinds_turns_every_kind_on() {
    assert_eq!(
        out(&["redact", "--all-kinds", "--typed"]),
        "host [REDACTED:ip] nic [REDACTED:mac] mail [REDACTED:email]\n"
    );
}

#[test]
fn kind_flags_add_one_kind_each() {
    assert_eq!(
        out(&["redact", "--kind", "ip"]),
        "host [REDACTED] nic 3c:22:fb:9a:10:4e mail [REDACTED]\n"
    );
    assert_eq!(
        out(&["redact", "--kind", "ip", "--kind", "mac", "--typed"]),
        "host [REDACTED:ip] nic [REDACTED:mac] mail [REDACTED:email]\n"
    );
}

#[test]
fn an_unknown_kind_is_a_usage_error_listing_the_names() {
    let o = run_with_stdin(&["redact", "--kind", "ipv9"], TEXT);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown kind \"ipv9\""), "{err}");
    for name in ["ip", "mac", "url", "crypto", "email", "iban", "national_id"] {
        assert!(err.contains(name), "{name} missing from: {err}");
    }
}
