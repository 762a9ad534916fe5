//! `cargo xtask dist`: shell completions and man pages for the `weaver` binary, generated
//! from its clap definition (`weaver_cli::command()`), so they cannot drift from what the
//! binary accepts.
//!
//! Layout under the output directory (default `target/dist/`):
//! `completions/` — `weaver.bash`, `_weaver` (zsh), `weaver.fish`, `_weaver.ps1`,
//! `weaver.elv`; `man/` — `weaver.1` and one `weaver-<subcommand>.1` per subcommand.

use std::path::{Path, PathBuf};

use clap_complete::Shell;

/// Writes every artifact into `out`; returns the files written.
pub(crate) fn generate(out: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    let completions = out.join("completions");
    mkdir(&completions)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut cmd = weaver_cli::command();
        let path = clap_complete::generate_to(shell, &mut cmd, "weaver", &completions)
            .map_err(|e| format!("writing {shell} completions: {e}"))?;
        written.push(path);
    }
    let man = out.join("man");
    // Start empty, so a page of a removed subcommand does not linger.
    if man.is_dir() {
        std::fs::remove_dir_all(&man).map_err(|e| format!("clearing {}: {e}", man.display()))?;
    }
    mkdir(&man)?;
    // One page per (sub)command, named by clap's display name (`weaver-redact.1`), each
    // carrying the version (`propagate_version`).
    clap_mangen::generate_to(weaver_cli::command(), &man)
        .map_err(|e| format!("writing the man pages: {e}"))?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&man)
        .map_err(|e| format!("reading {}: {e}", man.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .collect();
    pages.sort();
    written.extend(pages);
    Ok(written)
}

fn mkdir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
}

/// `cargo xtask dist [--out DIR]`.
pub(crate) fn run(rest: &[String]) -> Result<(), String> {
    let mut args = rest.to_vec();
    let out = super::take_opt(&mut args, "--out")
        .map_or_else(|| super::target().join("dist"), PathBuf::from);
    if let Some(extra) = args.first() {
        return Err(format!("dist: unexpected argument {extra:?}"));
    }
    for path in generate(&out)? {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_are_non_empty_and_name_every_subcommand() {
        let dir = tempfile::tempdir().expect("tempdir");
        let written = generate(dir.path()).expect("generate");
        let subcommands: Vec<String> = weaver_cli::command()
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect();
        assert!(subcommands.len() >= 4, "{subcommands:?}");
        // 5 shells + the main page + one page per subcommand.
        assert_eq!(written.len(), 5 + 1 + subcommands.len(), "{written:?}");
        for path in &written {
            let text = std::fs::read_to_string(path).expect("utf-8 artifact");
            assert!(!text.trim().is_empty(), "{} is empty", path.display());
            let is_sub_page = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("weaver-"));
            if is_sub_page {
                continue;
            }
            for sub in &subcommands {
                assert!(
                    text.contains(sub.as_str()),
                    "{} does not mention `{sub}`",
                    path.display()
                );
            }
        }
        for sub in weaver_cli::command().get_subcommands() {
            let page = dir
                .path()
                .join("man")
                .join(format!("weaver-{}.1", sub.get_name()));
            // roff escapes hyphens (`\-\-max\-rows`).
            let text = std::fs::read_to_string(&page)
                .expect("subcommand page")
                .replace("\\-", "-");
            assert!(
                text.contains(&format!("weaver-{}", sub.get_name())),
                "{}",
                page.display()
            );
            // Each page documents every option of its subcommand.
            for long in sub
                .get_arguments()
                .filter(|a| !a.is_hide_set())
                .filter_map(clap::Arg::get_long)
            {
                assert!(
                    text.contains(&format!("--{long}")),
                    "{} lacks --{long}",
                    page.display()
                );
            }
        }
        let main = std::fs::read_to_string(dir.path().join("man").join("weaver.1")).unwrap();
        assert!(
            main.contains(env!("CARGO_PKG_VERSION")),
            "version in weaver.1"
        );
    }
}
