//! Replays every saved fuzz input (`fuzz/regressions/<target>/*`) through the same check
//! the cargo-fuzz target runs (`fuzz/checks/`), so a crash once found stays fixed under a
//! plain `cargo test`. It lives here because weaver-mcp depends on every crate the targets
//! exercise (redact, estimate, handles, kernel, mcp).
//!
//! `fuzz/regressions/<target>/known/` holds inputs of bugs found but not fixed yet (in a
//! crate another change owns; `fuzz/regressions/README.md` says which): the test checks
//! they still fail, so the fix is noticed — move the file up one folder when it lands.

#[path = "../../../fuzz/checks/mod.rs"]
mod checks;

use std::path::PathBuf;

fn regressions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions")
}

/// The saved inputs of one target, sorted (an absent folder is no input).
fn inputs(target: &str) -> Vec<PathBuf> {
    files(&regressions().join(target))
}

fn files(folder: &std::path::Path) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_regressions_folder_names_a_target() {
    let Ok(dir) = std::fs::read_dir(regressions()) else {
        return;
    };
    for entry in dir.filter_map(Result::ok).filter(|e| e.path().is_dir()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            checks::TARGETS.iter().any(|(t, _)| *t == name),
            "fuzz/regressions/{name} is not a fuzz target"
        );
    }
}

#[test]
fn known_open_bugs_still_fail() {
    for (target, check) in checks::TARGETS {
        for path in files(&regressions().join(target).join("known")) {
            let data = std::fs::read(&path).expect("readable regression file");
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(
                outcome.is_err(),
                "{} passes now: the bug is fixed, move the file to fuzz/regressions/{target}/",
                path.display()
            );
        }
    }
}

macro_rules! replay {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            let check = checks::TARGETS
                .iter()
                .find(|(t, _)| *t == stringify!($name))
                .map(|(_, c)| *c)
                .expect("a known target");
            for path in inputs(stringify!($name)) {
                let data = std::fs::read(&path).expect("readable regression file");
                eprintln!("replaying {}", path.display());
                check(&data);
            }
        }
    )*};
}

replay!(
    redact_text,
    stream_equivalence,
    fast_path,
    redact_json,
    estimate_json,
    estimate_bytes,
    firewall_json,
    expand_query,
    kernel_invoke,
    mcp_message,
);

/// The checks themselves hold on a few hand-written inputs (so the replay is not vacuous
/// when no regression is saved for a target).
#[test]
fn the_checks_pass_on_known_good_inputs() {
    let docs: [&[u8]; 5] = [
        b"[{\"id\":1,\"name\":\"a\",\"email\":\"ann@example.com\"},{\"id\":2}]",
        b"{\"a\":{\"b\":[1,2.5,-0.0,1e300,\"\\u00e9\"]},\"a\":null}",
        b"not json",
        b"[[[[[[[[[[]]]]]]]]]]",
        b"",
    ];
    for (_, check) in checks::TARGETS {
        for d in docs {
            check(d);
        }
    }
    for control in 0..=u8::MAX {
        let mut input = vec![control];
        input.extend_from_slice(docs[0]);
        checks::firewall::firewall_json(&input);
    }
    checks::expand::expand_query(br#"{"filter": {"status": {"contains": "-"}}, "limit": 50}"#);
    checks::kernel::kernel_invoke(b"\x01{\"limit\": 2}");
}
