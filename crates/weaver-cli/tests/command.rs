//! `weaver --version` and the clap definition the library exposes (for completions and man
//! pages) agree with the binary.

use std::process::Command;

fn weaver(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_weaver"))
        .args(args)
        .output()
        .expect("spawn weaver");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
    )
}

#[test]
fn version_is_the_crate_version() {
    let expected = format!("weaver {}\n", env!("CARGO_PKG_VERSION"));
    for args in [&["--version"][..], &["-V"]] {
        let (ok, stdout) = weaver(args);
        assert!(ok, "weaver {args:?} failed");
        assert_eq!(stdout, expected, "weaver {args:?}");
    }
}

#[test]
fn every_subcommand_reports_the_version_too() {
    let expected = format!(" {}\n", env!("CARGO_PKG_VERSION"));
    for sub in weaver_cli::command().get_subcommands() {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        let (ok, stdout) = weaver(&[name, "--version"]);
        assert!(ok, "weaver {name} --version failed");
        assert!(
            stdout.ends_with(&expected),
            "weaver {name} --version: {stdout:?}"
        );
    }
}

#[test]
fn the_exposed_definition_is_valid_and_is_the_binarys() {
    let cmd = weaver_cli::command();
    // clap's own consistency checks (conflicting flags, bad defaults, ...).
    cmd.clone().debug_assert();
    assert_eq!(cmd.get_version(), Some(env!("CARGO_PKG_VERSION")));
    // Every subcommand the library describes is one the binary accepts.
    let names: Vec<&str> = cmd.get_subcommands().map(clap::Command::get_name).collect();
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        let (ok, stdout) = weaver(&[name, "--help"]);
        assert!(ok, "weaver {name} --help failed");
        assert!(
            stdout.contains("Usage: weaver"),
            "weaver {name} --help: {stdout}"
        );
    }
}
