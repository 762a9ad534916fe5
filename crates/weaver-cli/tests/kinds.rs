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

/// One rule set, its own cache directory: the first run writes one automaton file, the
/// second loads it and answers the same; `WEAVER_CACHE_DIR=` (empty) writes nothing. (A
/// damaged file is refused and rebuilt: `weaver-redact`'s cache tests.)
#[test]
fn opt_in_automata_are_cached_between_runs() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let dir = support::cache_dir().join(format!("own-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let home = support::cache_dir().join(format!("home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let run = |cache: &std::ffi::OsStr| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_weaver"))
            .args(["redact", "--kind", "mac", "--typed"])
            .env("WEAVER_CACHE_DIR", cache)
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", home.join("xdg"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn weaver");
        child.stdin.take().unwrap().write_all(TEXT).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let files = || std::fs::read_dir(&dir).map_or(0, Iterator::count);
    let want = "host 203.0.113.54 nic [REDACTED:mac] mail [REDACTED:email]\n";
    assert_eq!(run(dir.as_os_str()), want);
    assert_eq!(files(), 1, "the first run caches its automaton");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let written = std::fs::metadata(&file).unwrap().modified().unwrap();
    assert_eq!(run(dir.as_os_str()), want);
    assert_eq!(files(), 1);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        written,
        "the second run loads the file instead of rewriting it"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    // Empty: no cache at all, not even the default places.
    assert_eq!(run(std::ffi::OsStr::new("")), want);
    assert_eq!(
        std::fs::read_dir(&home).unwrap().count(),
        0,
        "nothing written"
    );
    std::fs::remove_dir_all(&home).unwrap();
}
