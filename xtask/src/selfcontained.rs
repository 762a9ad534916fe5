//! Self-containment: nothing the project builds or runs (`crates/`, `benches/`, `xtask/`)
//! may reach outside the repository for files, e.g. into a `shared` directory beside the
//! clone. A fresh clone alone must build, test and benchmark.
//!
//! The check scans the tracked files of those directories (`git ls-files`; a plain walk
//! when git is not available) for the forbidden spellings. They are assembled at run time,
//! so this file does not contain them and does not trip its own check.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directories whose files are checked.
const CHECKED: [&str; 3] = ["crates", "benches", "xtask"];

/// The spellings that point outside the repository.
fn forbidden() -> [String; 3] {
    [
        ["..", "/shared"].concat(),
        ["WEAVER_", "SHARED_DIR"].concat(),
        ["join(\"", "shared\")"].concat(),
    ]
}

/// The files to scan, relative to `root`.
fn files(root: &Path) -> Vec<PathBuf> {
    let git = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--"])
        .args(CHECKED)
        .output();
    if let Ok(out) = git
        && out.status.success()
        && !out.stdout.is_empty()
    {
        return out
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
            .collect();
    }
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = CHECKED.iter().map(PathBuf::from).collect();
    while let Some(rel) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&rel)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            if name == "target" || name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = rel.join(&name);
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    found
}

/// Fails with one line per offending `file:line` when a checked file mentions a path
/// outside the repository.
pub(crate) fn check(root: &Path) -> Result<(), Vec<String>> {
    let needles = forbidden();
    let mut errors = Vec::new();
    for rel in files(root) {
        let Ok(bytes) = std::fs::read(root.join(&rel)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (no, line) in text.lines().enumerate() {
            if let Some(n) = needles.iter().find(|n| line.contains(n.as_str())) {
                errors.push(format!(
                    "{}:{}: refers to {n:?}, outside the repository (a fresh clone has nothing beside it)",
                    rel.display(),
                    no + 1
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_is_self_contained() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask sits in the workspace");
        if let Err(e) = check(root) {
            panic!("{}", e.join("\n"));
        }
    }

    #[test]
    fn a_reference_outside_is_reported() {
        let dir = std::env::temp_dir().join(format!("xtask-selfcontained-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("crates/x/src")).unwrap();
        std::fs::create_dir_all(dir.join("benches")).unwrap();
        std::fs::write(dir.join("crates/x/src/lib.rs"), "// fine\n").unwrap();
        assert_eq!(check(&dir), Ok(()));
        for (i, bad) in forbidden().iter().enumerate() {
            let body = format!("fn f() {{}}\nlet p = {bad};\n");
            std::fs::write(dir.join(format!("benches/b{i}.rs")), body).unwrap();
        }
        let errors = check(&dir).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().all(|e| e.contains(":2:")), "{errors:?}");
    }
}
