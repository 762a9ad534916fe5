//! Writing a workload directory: the five `<name>.json` files, their
//! `<name>.canaries.json` sidecars and `manifest.json`.
//!
//! Workload files use `", "` and `": "` separators and raw (unescaped) non-ASCII, the way a
//! typical tool prints JSON, so the compact form re-serialised by serde_json is smaller.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::Path;

use aho_corasick::AhoCorasick;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use serde_json::{Map, Value, json};

use crate::canary::CanaryLog;
use crate::rng::{Rng, fnv1a64, round_to};
use crate::{GENERATOR_VERSION, calls, chunks, nested, rows, text};

/// JSON with a space after every `,` and `:` (and nothing else added).
struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

/// `value` in the workload files' style.
pub(crate) fn to_spaced<T: Serialize + ?Sized>(value: &T) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Spaced);
    value.serialize(&mut ser).map_err(io::Error::other)?;
    Ok(out)
}

/// How often each canary of `log` occurs in `haystack` (overlapping matches counted).
pub(crate) fn occurrences(values: &[&str], haystack: &[u8]) -> io::Result<Vec<usize>> {
    let mut counts = vec![0usize; values.len()];
    if values.is_empty() {
        return Ok(counts);
    }
    let ac = AhoCorasick::new(values).map_err(io::Error::other)?;
    for m in ac.find_overlapping_iter(haystack) {
        counts[m.pattern().as_usize()] += 1;
    }
    Ok(counts)
}

/// Fails unless every canary of `log` occurs exactly once in `haystack`: then "found in
/// the redacted output" can only mean "that planted secret survived".
fn verify(name: &str, haystack: &[u8], log: &CanaryLog) -> io::Result<()> {
    let values: Vec<&str> = log.values().collect();
    for (v, n) in values.iter().zip(occurrences(&values, haystack)?) {
        if n != 1 {
            return Err(io::Error::other(format!(
                "{name}: canary {v:?} occurs {n} times (expected exactly once)"
            )));
        }
    }
    Ok(())
}

/// The files written so far, for the manifest.
struct Manifest {
    dir: std::path::PathBuf,
    seed: u64,
    files: Map<String, Value>,
}

impl Manifest {
    fn write_workload(
        &mut self,
        name: &str,
        raw: &[u8],
        description: &str,
        extra: Value,
    ) -> io::Result<()> {
        fs::write(self.dir.join(format!("{name}.json")), raw)?;
        let mut entry = Map::new();
        entry.insert("bytes".into(), raw.len().into());
        entry.insert("fnv1a64".into(), format!("{:016x}", fnv1a64(raw)).into());
        entry.insert("description".into(), description.into());
        if let Value::Object(e) = extra {
            entry.extend(e);
        }
        self.files
            .insert(format!("{name}.json"), Value::Object(entry));
        Ok(())
    }

    fn write_canaries(
        &mut self,
        name: &str,
        log: CanaryLog,
        extra: Option<(&str, Value)>,
    ) -> io::Result<()> {
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        for c in &log.items {
            if let Some(k) = c.get("kind").and_then(Value::as_str) {
                *by_kind.entry(k.to_owned()).or_default() += 1;
            }
        }
        let count = log.items.len();
        let mut side = Map::new();
        side.insert("workload".into(), name.into());
        side.insert("seed".into(), self.seed.into());
        side.insert("count".into(), count.into());
        side.insert("by_kind".into(), json!(by_kind));
        if let Some((k, v)) = extra {
            side.insert(k.into(), v);
        }
        side.insert(
            "canaries".into(),
            log.items.into_iter().map(Value::Object).collect(),
        );
        let mut raw = Vec::new();
        let mut ser =
            serde_json::Serializer::with_formatter(&mut raw, PrettyFormatter::with_indent(b" "));
        Value::Object(side)
            .serialize(&mut ser)
            .map_err(io::Error::other)?;
        fs::write(self.dir.join(format!("{name}.canaries.json")), &raw)?;
        self.files.insert(
            format!("{name}.canaries.json"),
            json!({"bytes": raw.len(), "canaries": count}),
        );
        Ok(())
    }
}

/// `base * scale`, at least `min` (the workloads' sizes at a scale).
fn scaled(base: f64, scale: f64, min: u64) -> u64 {
    ((base * scale) as u64).max(min)
}

/// Writes the five workloads for `(seed, scale)` into `dir` (created if missing).
pub(crate) fn write_all(dir: &Path, seed: u64, scale: f64) -> io::Result<()> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("workload scale must be a positive number, got {scale}"),
        ));
    }
    fs::create_dir_all(dir)?;
    let mut m = Manifest {
        dir: dir.to_path_buf(),
        seed,
        files: Map::new(),
    };

    let n_rows = scaled(50_000.0, scale, 1);
    let (rows, log) = rows::generate(&mut Rng::new(seed, "rows"), n_rows)?;
    let raw = to_spaced(&rows)?;
    drop(rows);
    verify("rows_50k", &raw, &log)?;
    let desc = "list of order rows (12 base fields), ~2% with planted PII/secrets";
    m.write_workload("rows_50k", &raw, desc, json!({"rows": n_rows}))?;
    m.write_canaries("rows_50k", log, None)?;

    let target = scaled(20_000_000.0, scale, 10_000) as usize;
    let (text, text_log) = text::generate(&mut Rng::new(seed, "text"), target)?;
    verify("text_20mb", text.as_bytes(), &text_log)?;
    let raw = to_spaced(&text)?;
    let text_info = json!({
        "text_bytes_utf8": text.len(),
        "text_chars": text.chars().count(),
        "lines": text.bytes().filter(|&b| b == b'\n').count(),
    });
    let desc = "one log-like string, ~0.1% of lines carry secrets";
    m.write_workload("text_20mb", &raw, desc, text_info)?;

    let (chunks, chunk_log, stats) =
        chunks::generate(&mut Rng::new(seed, "chunks"), &text, &text_log);
    m.write_canaries("text_20mb", text_log, None)?;
    verify("stream_chunks", text.as_bytes(), &chunk_log)?;
    let raw = to_spaced(&chunks)?;
    let mut info = json!({"text_bytes_utf8": text.len()});
    if let (Value::Object(i), Value::Object(s)) = (&mut info, &stats) {
        i.extend(s.clone());
    }
    let desc = "text_20mb cut into chunks of 1..4096 UTF-8 bytes (code-point safe); secrets \
                straddle boundaries or sit where an overlap-buffering redactor cuts";
    m.write_workload("stream_chunks", &raw, desc, info)?;
    m.write_canaries("stream_chunks", chunk_log, Some(("chunk_stats", stats)))?;
    drop(chunks);
    drop(text);

    let n_services = scaled(3_300.0, scale, 1);
    let (doc, log) = nested::generate(&mut Rng::new(seed, "nested"), n_services)?;
    let raw = to_spaced(&doc)?;
    drop(doc);
    // Dict keys are serialised too, so one check covers keys and values.
    verify("nested_deep", &raw, &log)?;
    let desc =
        "dict with a 200-level chain plus wide nested objects; secrets at many depths and in keys";
    m.write_workload("nested_deep", &raw, desc, json!({"services": n_services}))?;
    m.write_canaries("nested_deep", log, None)?;

    let n_calls = scaled(10_000.0, scale, 1);
    let (calls, log) = calls::generate(&mut Rng::new(seed, "small"), n_calls)?;
    let raw = to_spaced(&calls)?;
    verify("small_calls", &raw, &log)?;
    let mut sizes = Vec::new();
    if let Value::Array(items) = &calls {
        for c in items {
            sizes.push(to_spaced(c)?.len());
        }
    }
    let info = json!({
        "calls": n_calls,
        "mean_call_bytes": round_to(sizes.iter().sum::<usize>() as f64 / sizes.len().max(1) as f64, 1),
        "min_call_bytes": sizes.iter().min().copied().unwrap_or(0),
        "max_call_bytes": sizes.iter().max().copied().unwrap_or(0),
    });
    let desc = "list of small tool results (row lists, API objects, text, search hits)";
    m.write_workload("small_calls", &raw, desc, info)?;
    m.write_canaries("small_calls", log, None)?;

    let manifest = json!({
        "generator": "weaver-testkit",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "files": m.files,
    });
    let mut f = fs::File::create(dir.join("manifest.json"))?;
    let mut ser =
        serde_json::Serializer::with_formatter(&mut f, PrettyFormatter::with_indent(b" "));
    manifest.serialize(&mut ser).map_err(io::Error::other)?;
    f.write_all(b"\n")?;
    f.sync_all()
}
