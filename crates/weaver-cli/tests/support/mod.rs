//! What several CLI test files share.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the `weaver` binary with `args`, writing `stdin` from another thread (so a large
/// input cannot deadlock against a full stdout pipe), and waits for it.
pub(crate) fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weaver"))
        .args(args)
        // Opt-in kinds build their automaton once per test binary, never in the user's cache.
        .env("WEAVER_CACHE_DIR", cache_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn weaver");
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait weaver");
    writer.join().unwrap();
    out
}

/// The automaton cache the tests share (under the target directory, so `cargo clean`
/// removes it; separate processes write it atomically).
pub(crate) fn cache_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weaver-cli-automata")
}
