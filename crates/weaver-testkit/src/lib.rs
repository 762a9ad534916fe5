//! Test and benchmark support for the weaver workspace (not published): the benchmark
//! workloads, generated in-process on demand, with their planted secrets.
//!
//! ```no_run
//! let w = weaver_testkit::workloads(0.1).unwrap();
//! let rows: serde_json::Value = w.json("rows_50k").unwrap();
//! let canaries = w.canaries("rows_50k").unwrap();
//! // Unredacted, every planted secret is there:
//! let text = std::str::from_utf8(&w.bytes("rows_50k").unwrap()).unwrap().to_owned();
//! assert_eq!(weaver_testkit::leaked(&canaries, &text).len(), canaries.len());
//! # drop(rows);
//! ```
//!
//! Use it from tests (scale 0.1, a few MB, generated in well under a second) and from
//! benchmarks (scale 1.0, the reference's sizes). Five workloads ([`WORKLOADS`]):
//!
//! * `rows_50k`: a list of order rows; ~2 % carry secrets in extra fields (sensitive and
//!   neutral names), inline in `notes` and deeper in `metadata`;
//! * `text_20mb`: one log-like string; ~0.1 % of the lines carry secrets;
//! * `stream_chunks`: that text cut into 1..=4096-byte chunks, secrets placed across chunk
//!   boundaries and where an overlap-buffering stream redactor would cut;
//! * `nested_deep`: a 200-level chain plus a wide service map; secrets at many depths and
//!   as dict keys;
//! * `small_calls`: ~1 KB tool results of four shapes; ~2 % carry a secret.
//!
//! Each has a `<name>.canaries.json` sidecar ([`Canary`]: value, family, format variant,
//! placement) and the directory a `manifest.json`. The generator is deterministic: the same
//! seed and scale always give byte-identical files. They are written once per
//! `(seed, scale)` into `target/weaver-workloads/` ([`cache_dir`]) and reused by every later
//! test or benchmark; [`generate`] writes them anywhere else.

mod calls;
mod canary;
mod chunks;
mod clock;
mod files;
mod nested;
mod rng;
mod rows;
mod text;
mod vocab;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The seed every weaver test and benchmark uses.
pub const SEED: u64 = 20240607;

/// The generator's format version: part of the cache directory name, so copies written by
/// an earlier generator (or the old Python script) are never reused.
pub const GENERATOR_VERSION: u32 = 2;

/// The names of the five workloads.
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

/// The cache directory of the workloads for `(seed, scale)` under the target directory.
pub fn cache_dir(seed: u64, scale: f64) -> PathBuf {
    target_dir().join("weaver-workloads").join(format!(
        "gen-v{GENERATOR_VERSION}-seed-{seed}-scale-{scale}"
    ))
}

/// Writes the five workloads, their canary sidecars and `manifest.json` into `dir`.
///
/// Use this to put the workloads somewhere else (`cargo xtask gen-workloads --out DIR`);
/// tests and benchmarks call [`workloads`], which caches. `scale` must be positive and
/// finite; the files are deterministic for `(seed, scale)`.
pub fn generate(dir: &Path, seed: u64, scale: f64) -> io::Result<()> {
    files::write_all(dir, seed, scale)
}

/// Generates (once) and returns the workloads for a given seed and scale.
pub fn workloads_with_seed(seed: u64, scale: f64) -> io::Result<Workloads> {
    let dir = cache_dir(seed, scale);
    if dir.join("manifest.json").is_file() {
        return Ok(Workloads { dir, scale });
    }
    let base = dir
        .parent()
        .map_or_else(|| target_dir().join("weaver-workloads"), Path::to_path_buf);
    fs::create_dir_all(&base)?;
    // Generate into a private directory, then rename: concurrent test binaries either
    // win the rename or find the finished directory; nobody sees a half-written one.
    let tmp = base.join(format!(
        ".tmp-v{GENERATOR_VERSION}-{seed}-{scale}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = fs::remove_dir_all(&tmp);
    if let Err(e) = generate(&tmp, seed, scale) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
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
