//! Test and benchmark support for the weaver workspace (not published).
//!
//! ```no_run
//! let w = weaver_testkit::workloads(0.1).unwrap();
//! let rows: serde_json::Value = w.json("rows_50k").unwrap();
//! for canary in w.canaries("rows_50k").unwrap() {
//!     assert!(!rows.to_string().is_empty() || canary.value.is_empty());
//! }
//! ```
//!
//! The workloads come from `../shared/bench/gen_workloads.py` (a deterministic generator:
//! the same seed and scale always give byte-identical files). They are generated once per
//! `(seed, scale)` into `target/weaver-workloads/` and reused by every later test or
//! benchmark. Tests use scale 0.1 (under a second to generate); benchmarks use 1.0.
//!
//! The shared directory is found through `WEAVER_SHARED_DIR`, or else as `../shared` next
//! to the workspace root (how CI lays out a clone).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The seed every weaver test and benchmark uses (the reference's numbers were taken with it).
pub const SEED: u64 = 20240607;

/// The names of the five workloads the generator writes.
pub const WORKLOADS: [&str; 5] = [
    "rows_50k",
    "text_20mb",
    "stream_chunks",
    "nested_deep",
    "small_calls",
];

/// The workspace root (the directory holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    // crates/weaver-testkit -> workspace root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The `shared/` directory beside the project (specs, bench generator, reference numbers).
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("WEAVER_SHARED_DIR") {
        return PathBuf::from(dir);
    }
    workspace_root().join("..").join("shared")
}

/// The cargo target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// A directory of generated workloads.
#[derive(Debug, Clone)]
pub struct Workloads {
    dir: PathBuf,
    scale: f64,
}

/// One planted secret from a `<name>.canaries.json` sidecar.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Canary {
    /// The exact secret string that must never survive redaction.
    pub value: String,
    /// Its family: email, phone, card, ssn, bearer, jwt, api_key, conn_str, password.
    pub kind: String,
    /// The format variant (e.g. `us_dash`, `json_pair`).
    pub variant: String,
    /// Where it was planted (field_value, inline_text, dict_key, …).
    pub placement: String,
}

#[derive(serde::Deserialize)]
struct Sidecar {
    canaries: Vec<Canary>,
}

/// Generates (once) and returns the workloads at `scale` with the standard [`SEED`].
pub fn workloads(scale: f64) -> io::Result<Workloads> {
    workloads_with_seed(SEED, scale)
}

/// Generates (once) and returns the workloads for a given seed and scale.
pub fn workloads_with_seed(seed: u64, scale: f64) -> io::Result<Workloads> {
    let base = target_dir().join("weaver-workloads");
    let dir = base.join(format!("seed-{seed}-scale-{scale}"));
    if dir.join("manifest.json").is_file() {
        return Ok(Workloads { dir, scale });
    }
    fs::create_dir_all(&base)?;
    // Generate into a private directory, then rename: concurrent test binaries either
    // win the rename or find the finished directory; nobody sees a half-written one.
    let tmp = base.join(format!(
        ".tmp-{seed}-{scale}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = fs::remove_dir_all(&tmp);
    let generator = shared_dir().join("bench").join("gen_workloads.py");
    if !generator.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "workload generator not found at {} (set WEAVER_SHARED_DIR)",
                generator.display()
            ),
        ));
    }
    let status = Command::new(python())
        .arg(&generator)
        .arg(&tmp)
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--scale")
        .arg(scale.to_string())
        .stderr(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "gen_workloads.py failed with {status}"
        )));
    }
    match fs::rename(&tmp, &dir) {
        Ok(()) => {}
        Err(_) if dir.join("manifest.json").is_file() => {
            let _ = fs::remove_dir_all(&tmp);
        }
        Err(e) => return Err(e),
    }
    Ok(Workloads { dir, scale })
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

impl Workloads {
    /// The directory holding `<name>.json`, `<name>.canaries.json` and `manifest.json`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The scale these workloads were generated at.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Path of `<name>.json`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    /// The raw bytes of `<name>.json`.
    pub fn bytes(&self, name: &str) -> io::Result<Vec<u8>> {
        fs::read(self.path(name))
    }

    /// `<name>.json` parsed into a `serde_json::Value` (insertion order preserved).
    ///
    /// Parsed without serde_json's 128-level recursion limit: nested_deep is 204 levels
    /// deep. (Recursion that deep is fine; dropping it is too.)
    pub fn json(&self, name: &str) -> io::Result<serde_json::Value> {
        let bytes = self.bytes(name)?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        de.disable_recursion_limit();
        let v = serde::Deserialize::deserialize(&mut de).map_err(io::Error::other)?;
        de.end().map_err(io::Error::other)?;
        Ok(v)
    }

    /// The text of `text_20mb` (the JSON string decoded).
    pub fn text(&self) -> io::Result<String> {
        let bytes = self.bytes("text_20mb")?;
        serde_json::from_slice(&bytes).map_err(io::Error::other)
    }

    /// The chunks of `stream_chunks` (a JSON list of strings).
    pub fn chunks(&self) -> io::Result<Vec<String>> {
        let bytes = self.bytes("stream_chunks")?;
        serde_json::from_slice(&bytes).map_err(io::Error::other)
    }

    /// The planted canaries of `<name>`.
    pub fn canaries(&self, name: &str) -> io::Result<Vec<Canary>> {
        let bytes = fs::read(self.dir.join(format!("{name}.canaries.json")))?;
        let side: Sidecar = serde_json::from_slice(&bytes).map_err(io::Error::other)?;
        Ok(side.canaries)
    }
}

/// The canaries whose value occurs in `haystack` (i.e. that leaked).
pub fn leaked<'a>(canaries: &'a [Canary], haystack: &str) -> Vec<&'a Canary> {
    canaries
        .iter()
        .filter(|c| haystack.contains(c.value.as_str()))
        .collect()
}
