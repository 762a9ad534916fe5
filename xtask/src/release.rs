//! Release checks: every publishable crate packages and builds from its own package, and
//! every library builds and tests with no default features and with all features.
//!
//! "Publishable" is read from `cargo metadata` (`publish` is not `false`), never from a list
//! here, so a crate added to the workspace is covered the day it lands.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// One workspace member that may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Publishable {
    pub(crate) name: String,
    pub(crate) version: String,
    /// It has a `lib` target (the features check covers libraries).
    pub(crate) is_lib: bool,
    /// Every feature except `default`.
    pub(crate) features: BTreeSet<String>,
    /// What `default` enables directly (feature names; `dep:`/`crate/feat` entries dropped).
    pub(crate) default: BTreeSet<String>,
}

/// The publishable workspace members, in `cargo metadata` order.
pub(crate) fn publishable(root: &Path) -> Result<Vec<Publishable>, String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("bad cargo metadata: {e}"))?;
    Ok(from_metadata(&meta))
}

fn from_metadata(meta: &Value) -> Vec<Publishable> {
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut found = Vec::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        let id = p["id"].as_str().unwrap_or_default();
        // `publish`: null = anywhere, [] = nowhere (`publish = false`), [..] = those registries.
        let unpublished = p["publish"].as_array().is_some_and(Vec::is_empty);
        if !members.contains(id) || unpublished {
            continue;
        }
        let is_lib = p["targets"].as_array().into_iter().flatten().any(|t| {
            t["kind"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k == "lib")
        });
        let feature_map = p["features"].as_object();
        let features = feature_map
            .into_iter()
            .flat_map(|m| m.keys())
            .filter(|k| *k != "default")
            .cloned()
            .collect();
        let default = feature_map
            .and_then(|m| m.get("default"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|f| !f.contains(':') && !f.contains('/'))
            .map(str::to_owned)
            .collect();
        found.push(Publishable {
            name: p["name"].as_str().unwrap_or_default().to_owned(),
            version: p["version"].as_str().unwrap_or_default().to_owned(),
            is_lib,
            features,
            default,
        });
    }
    found
}

/// `cargo package` with verification for every publishable crate: each is built from its
/// `.crate` alone, with its not-yet-published workspace dependencies served from cargo's
/// temporary local registry (`target/package/tmp-registry`). Needs the crates.io index.
pub(crate) fn package(root: &Path) -> Result<(), String> {
    let crates = publishable(root)?;
    if crates.is_empty() {
        return Err("no publishable crate found (every member has publish = false)".into());
    }
    let start = Instant::now();
    clear_stale_unpacks(&crates)?;
    clear_stale_builds(&crates)?;
    let mut c = super::cargo();
    // The verify builds use each package's own manifest, which drops the workspace's
    // [profile] tables; handing the same settings in as config keeps them (the automaton
    // crates stay optimized) and lets dependencies the tests already built be reused.
    for kv in dev_profile_config(root)? {
        c.args(["--config", &kv]);
    }
    // --allow-dirty: the check is about what a package contains, and developers run it
    // before committing; CI runs it on a clean clone anyway.
    c.args(["package", "--locked", "--allow-dirty"]);
    for k in &crates {
        c.args(["-p", &k.name]);
    }
    super::run(c)?;
    let dir = super::target().join("package");
    for k in &crates {
        let file = dir.join(format!("{}-{}.crate", k.name, k.version));
        match std::fs::metadata(&file) {
            Ok(m) if m.len() > CRATES_IO_LIMIT => {
                return Err(format!(
                    "{} is {} bytes, over the crates.io limit of {CRATES_IO_LIMIT}",
                    file.display(),
                    m.len()
                ));
            }
            Ok(m) => eprintln!("package: {} {} bytes", k.name, m.len()),
            Err(e) => return Err(format!("{}: {e}", file.display())),
        }
    }
    eprintln!("package: ok ({:.0} s)", start.elapsed().as_secs_f64());
    Ok(())
}

/// Cargo serves the workspace crates to the verify builds from a local registry
/// (`target/package/tmp-registry`) and unpacks them under `$CARGO_HOME/registry/src/-<hash>/`
/// — but only when that directory does not exist yet. The version does not change between
/// runs, so a second run would build the dependents against the first run's sources (seen:
/// weaver-mcp verified against a weaver-kernel from before a merge). Remove those unpacked
/// copies first. Only local registries have a directory name starting with `-` (no host), and
/// only `<crate>-<version>` of our own crates is removed.
fn clear_stale_unpacks(crates: &[Publishable]) -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let Some(src) = home.map(|h| h.join("registry").join("src")) else {
        return Ok(());
    };
    let Ok(entries) = std::fs::read_dir(&src) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        if !entry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for k in crates {
            let dir = entry.path().join(format!("{}-{}", k.name, k.version));
            if dir.is_dir() {
                std::fs::remove_dir_all(&dir)
                    .map_err(|e| format!("removing stale {}: {e}", dir.display()))?;
            }
        }
    }
    Ok(())
}

/// The second half of [`clear_stale_unpacks`]: cargo treats registry packages as immutable
/// and does not record their source files (their `dep-lib-*` dep-info lists no `.rs` file),
/// so it would also reuse the previous run's compiled copies. Forget the fingerprints of our
/// crates built that way; builds from a path (the workspace members, the packaged crates
/// themselves) list their files and are left alone.
fn clear_stale_builds(crates: &[Publishable]) -> Result<(), String> {
    let fingerprints = super::target().join("debug").join(".fingerprint");
    let Ok(entries) = std::fs::read_dir(&fingerprints) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = crates.iter().any(|k| {
            name.strip_prefix(&k.name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|hash| hash.bytes().all(|b| b.is_ascii_hexdigit()))
        });
        if !ours {
            continue;
        }
        let from_registry = std::fs::read_dir(entry.path())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|f| f.file_name().to_string_lossy().starts_with("dep-lib-"))
            .any(|f| std::fs::read(f.path()).is_ok_and(|b| !b.windows(3).any(|w| w == b".rs")));
        if from_registry {
            std::fs::remove_dir_all(entry.path())
                .map_err(|e| format!("removing stale {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The workspace's `[profile.dev]` as `--config` arguments (`profile.dev.debug="…"`,
/// `profile.dev.package.regex-automata.opt-level=3`, ...).
fn dev_profile_config(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))?;
    let mut out = Vec::new();
    if let Some(dev) = manifest
        .get("profile")
        .and_then(|p| p.get("dev"))
        .and_then(toml::Value::as_table)
    {
        flatten("profile.dev", dev, &mut out);
    }
    Ok(out)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
    for (key, value) in table {
        let key = format!("{prefix}.{}", dotted_key_part(key));
        match value {
            toml::Value::Table(t) => flatten(&key, t, out),
            scalar => out.push(format!("{key}={scalar}")),
        }
    }
}

/// One part of a dotted TOML key as `--config` parses it: bare when it may be (letters,
/// digits, `-`, `_`), quoted otherwise, as `[profile.dev.package."*"]` needs.
fn dotted_key_part(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if bare {
        key.to_owned()
    } else {
        toml::Value::String(key.to_owned()).to_string()
    }
}

/// crates.io refuses `.crate` files over 10 MB.
const CRATES_IO_LIMIT: u64 = 10 * 1024 * 1024;

/// The feature sets to check for one library besides its defaults (which the workspace
/// tests already cover): none, and all (only when that differs from the defaults).
pub(crate) fn feature_runs(k: &Publishable) -> Vec<&'static str> {
    if !k.is_lib || k.features.is_empty() {
        return Vec::new();
    }
    let mut runs = vec!["--no-default-features"];
    if !k.features.is_subset(&k.default) {
        runs.push("--all-features");
    }
    runs
}

/// Each publishable library, alone (`-p`, so no other member unifies features in), builds
/// and passes its unit and integration tests with no default features and with all
/// features, and is clippy-clean without defaults. Doctests run only with the defaults
/// (the workspace tests): crate-level examples show the default build.
pub(crate) fn features(root: &Path) -> Result<(), String> {
    let start = Instant::now();
    for k in publishable(root)? {
        let runs = feature_runs(&k);
        if runs.is_empty() {
            eprintln!(
                "features: {} has no optional features; covered by the workspace tests",
                k.name
            );
            continue;
        }
        for flag in runs {
            let mut clippy = super::cargo();
            clippy.args(["clippy", "-p", &k.name, flag, "--all-targets", "--"]);
            clippy.args(["-D", "warnings"]);
            super::run(clippy)?;
            let mut test = super::cargo();
            test.args(["test", "-p", &k.name, flag, "--all-targets"]);
            super::run(test)?;
            super::disk::after_stage(&format!("{} {flag}", k.name), true);
        }
    }
    eprintln!("features: ok ({:.0} s)", start.elapsed().as_secs_f64());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Value {
        serde_json::json!({
            "workspace_members": ["a 0.1.0", "b 0.1.0", "c 0.1.0", "d 0.1.0"],
            "packages": [
                {"id": "a 0.1.0", "name": "a", "publish": null,
                 "targets": [{"kind": ["lib"]}, {"kind": ["test"]}],
                 "features": {"default": ["x", "dep:foo"], "x": ["dep:foo"], "y": []}},
                {"id": "b 0.1.0", "name": "b", "publish": [],
                 "targets": [{"kind": ["lib"]}], "features": {}},
                {"id": "c 0.1.0", "name": "c", "publish": null,
                 "targets": [{"kind": ["bin"]}], "features": {}},
                {"id": "d 0.1.0", "name": "d", "publish": ["my-registry"],
                 "targets": [{"kind": ["lib"]}],
                 "features": {"default": ["x"], "x": []}},
                {"id": "e 1.0.0", "name": "e", "publish": null,
                 "targets": [{"kind": ["lib"]}], "features": {}}
            ]
        })
    }

    #[test]
    fn publishable_members_come_from_metadata() {
        let found = from_metadata(&meta());
        let names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
        // b is publish = false; e is a dependency, not a member.
        assert_eq!(names, ["a", "c", "d"]);
        assert_eq!(found[0].default, BTreeSet::from(["x".to_owned()]));
        assert!(found[0].is_lib && !found[1].is_lib);
    }

    #[test]
    fn feature_runs_skip_what_the_defaults_cover() {
        let found = from_metadata(&meta());
        // a has a non-default feature: both runs.
        assert_eq!(
            feature_runs(&found[0]),
            ["--no-default-features", "--all-features"]
        );
        // c is a binary only.
        assert!(feature_runs(&found[1]).is_empty());
        // d's only feature is on by default: --all-features equals the default build.
        assert_eq!(feature_runs(&found[2]), ["--no-default-features"]);
    }

    #[test]
    fn profiles_become_config_arguments() {
        let table: toml::Table = toml::from_str(
            "debug = \"line-tables-only\"\n[package.regex-automata]\nopt-level = 3\n\
             [package.\"*\"]\ndebug = false\n",
        )
        .unwrap();
        let mut out = Vec::new();
        flatten("profile.dev", &table, &mut out);
        assert_eq!(
            out,
            [
                "profile.dev.debug=\"line-tables-only\"",
                "profile.dev.package.\"*\".debug=false",
                "profile.dev.package.regex-automata.opt-level=3"
            ]
        );
    }

    #[test]
    fn the_workspace_publishes_libraries_and_the_cli_only() {
        let root = super::super::root();
        let names: BTreeSet<String> = publishable(&root)
            .expect("cargo metadata")
            .into_iter()
            .map(|p| p.name)
            .collect();
        for internal in ["weaver-testkit", "weaver-benches", "xtask"] {
            assert!(
                !names.contains(internal),
                "{internal} must stay unpublished"
            );
        }
        for public in [
            "weaver-estimate",
            "weaver-redact",
            "weaver-kernel",
            "weaver-cli",
        ] {
            assert!(names.contains(public), "{public} must be publishable");
        }
    }
}
