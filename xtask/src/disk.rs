//! Keeping `cargo xtask ci` inside a small disk.
//!
//! Every test, example and feature combination links its own executable, and each carries
//! the whole dependency graph, line tables and the redactor's 26 MB prebuilt automaton:
//! ~30–50 MB apiece, ~3.8 GB for the workspace's 130 after the test stage alone. The
//! feature matrix then links a new set per combination. A CI machine once ran out of space
//! in the middle of it, so the stages that link executables no later stage runs delete
//! them when done. Libraries (`.rlib`, `.rmeta`) and build-script outputs stay: they are
//! what the next stage reuses. A deleted executable is only a missing output to cargo,
//! which links it again if something asks for it.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Deletes the linked test, example and binary executables under `target/debug`; returns
/// the bytes freed.
pub(crate) fn prune_executables(target: &Path) -> u64 {
    let debug = target.join("debug");
    [debug.join("deps"), debug.join("examples")]
        .iter()
        .map(|dir| prune_dir(dir))
        .sum()
}

fn prune_dir(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut freed = 0;
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        if is_linked_executable(&e.file_name().to_string_lossy(), &meta)
            && fs::remove_file(e.path()).is_ok()
        {
            freed += meta.len();
        }
    }
    freed
}

/// `name-0123abcd` with an execute bit: what rustc links for a test, example or binary.
/// Libraries (`lib*.rlib`, `.rmeta`, proc-macro `.so`) and dep-info (`.d`) have a dot.
fn is_linked_executable(name: &str, meta: &fs::Metadata) -> bool {
    meta.is_file() && !name.contains('.') && meta.permissions().mode() & 0o111 != 0
}

/// Bytes under `dir`, walked without following links.
pub(crate) fn size_of(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => size_of(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// Prints how much the target directory holds after `stage`, after deleting the
/// executables it linked when `prune`.
pub(crate) fn after_stage(stage: &str, prune: bool) {
    let target = super::target();
    let freed = if prune { prune_executables(&target) } else { 0 };
    let held = size_of(&target);
    eprintln!(
        "disk: after {stage}: target/ holds {} MB{}",
        held >> 20,
        if prune {
            format!(
                " (deleted {} MB of executables no later stage runs)",
                freed >> 20
            )
        } else {
            String::new()
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_executables_without_an_extension_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let deps = dir.path().join("debug").join("deps");
        fs::create_dir_all(&deps).unwrap();
        let mk = |name: &str, mode: u32| {
            let p = deps.join(name);
            fs::write(&p, vec![0u8; 1000]).unwrap();
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        };
        mk("budget-0123abcd", 0o755);
        mk("libweaver_redact-0123abcd.rlib", 0o644);
        mk("libweaver_redact-0123abcd.rmeta", 0o644);
        mk("libserde_derive-0123abcd.so", 0o755);
        mk("budget-0123abcd.d", 0o644);
        mk("notes-0123abcd", 0o644);
        let freed = prune_dir(&deps);
        assert_eq!(freed, 1000);
        let mut left: Vec<String> = fs::read_dir(&deps)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "budget-0123abcd.d",
                "libserde_derive-0123abcd.so",
                "libweaver_redact-0123abcd.rlib",
                "libweaver_redact-0123abcd.rmeta",
                "notes-0123abcd",
            ]
        );
        assert_eq!(size_of(dir.path()), 5000);
    }
}
