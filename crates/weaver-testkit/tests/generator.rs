//! The workload generator at scale 0.1: deterministic for a seed, every canary of every
//! sidecar really planted, and every secret family in every kind of place it belongs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use weaver_testkit::{Canary, SEED, WORKLOADS, generate, workloads};

/// A fresh directory under the target dir (not the shared cache), removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = weaver_testkit::target_dir()
            .join("weaver-workloads-test")
            .join(format!("{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for name in WORKLOADS {
        for file in [format!("{name}.json"), format!("{name}.canaries.json")] {
            out.push((file.clone(), std::fs::read(dir.join(&file)).unwrap()));
        }
    }
    out.push((
        "manifest.json".into(),
        std::fs::read(dir.join("manifest.json")).unwrap(),
    ));
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = Scratch::new("a");
    let b = Scratch::new("b");
    let c = Scratch::new("c");
    generate(&a.0, SEED, 0.1).unwrap();
    generate(&b.0, SEED, 0.1).unwrap();
    generate(&c.0, SEED + 1, 0.1).unwrap();
    let (fa, fb, fc) = (files_of(&a.0), files_of(&b.0), files_of(&c.0));
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between two runs with the same seed");
    }
    for ((name, x), (_, z)) in fa.iter().zip(&fc) {
        if name != "manifest.json" {
            assert!(x != z, "{name} is the same for two different seeds");
        }
    }
    // The cached copy is the same generator's output.
    let cached = files_of(workloads(0.1).unwrap().dir());
    for ((name, x), (_, y)) in fa.iter().zip(&cached) {
        assert!(x == y, "cached {name} differs from a fresh generation");
    }
}

#[test]
fn bad_scales_are_refused() {
    let d = Scratch::new("bad");
    for scale in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = generate(&d.0, SEED, scale).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{scale}");
    }
}

/// The text each canary must occur in: the decoded text for the text workloads, the
/// file's own bytes for the structured ones.
fn haystack(w: &weaver_testkit::Workloads, name: &str) -> String {
    match name {
        "text_20mb" => w.text().unwrap(),
        "stream_chunks" => w.chunks().unwrap().concat(),
        _ => String::from_utf8(w.bytes(name).unwrap()).unwrap(),
    }
}

fn pairs(canaries: &[Canary]) -> BTreeSet<(String, String)> {
    canaries
        .iter()
        .map(|c| (c.kind.clone(), c.placement.clone()))
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(k, p)| ((*k).to_owned(), (*p).to_owned()))
        .collect()
}

const FAMILIES: [&str; 8] = [
    "email", "phone", "card", "ssn", "bearer", "jwt", "api_key", "conn_str",
];

#[test]
fn every_canary_occurs_exactly_once() {
    let w = workloads(0.1).unwrap();
    for name in WORKLOADS {
        let canaries = w.canaries(name).unwrap();
        assert!(!canaries.is_empty(), "{name} plants canaries");
        let hay = haystack(&w, name);
        let mut seen = BTreeSet::new();
        for c in &canaries {
            assert!(seen.insert(&c.value), "{name}: {:?} planted twice", c.value);
        }
        // One pass over the text for all canaries (overlapping matches counted).
        let ac = aho_corasick::AhoCorasick::new(canaries.iter().map(|c| &c.value)).unwrap();
        let mut counts = vec![0usize; canaries.len()];
        for m in ac.find_overlapping_iter(&hay) {
            counts[m.pattern().as_usize()] += 1;
        }
        for (c, n) in canaries.iter().zip(counts) {
            assert_eq!(n, 1, "{name}: {c:?} occurs {n} times");
        }
        eprintln!("{name}: {} canaries", canaries.len());
    }
}

#[test]
fn rows_plant_every_family_in_fields_and_notes() {
    let c = workloads(0.1).unwrap().canaries("rows_50k").unwrap();
    let mut want = set(&[
        ("email", "field_sensitive_name"),
        ("phone", "field_sensitive_name"),
        ("card", "field_sensitive_name"),
        ("ssn", "field_sensitive_name"),
        ("password", "field_sensitive_name"),
    ]);
    for k in FAMILIES {
        want.insert((k.into(), "field_value".into()));
        want.insert((k.into(), "inline_text".into()));
    }
    assert_eq!(pairs(&c), want);
}

#[test]
fn text_and_stream_plant_every_family_inline_and_across_boundaries() {
    let w = workloads(0.1).unwrap();
    let want: BTreeSet<_> = FAMILIES
        .iter()
        .map(|k| ((*k).to_owned(), "inline_text".to_owned()))
        .collect();
    assert_eq!(pairs(&w.canaries("text_20mb").unwrap()), want);
    assert_eq!(pairs(&w.canaries("stream_chunks").unwrap()), want);

    // Every boundary plan is used, and the recorded spans match the real chunks.
    let side: Value = serde_json::from_slice(
        &std::fs::read(w.dir().join("stream_chunks.canaries.json")).unwrap(),
    )
    .unwrap();
    let chunks = w.chunks().unwrap();
    let mut starts = vec![0usize];
    for c in &chunks {
        starts.push(starts.last().unwrap() + c.len());
    }
    let mut plans = BTreeSet::new();
    for c in side["canaries"].as_array().unwrap() {
        let plan = c["plan"].as_str().unwrap();
        plans.insert(plan.to_owned());
        let s = c["offset_bytes"].as_u64().unwrap() as usize;
        let e = s + c["length_bytes"].as_u64().unwrap() as usize;
        let inside = starts.iter().filter(|&&b| s < b && b < e).count();
        assert_eq!(c["chunks_spanned"].as_u64().unwrap() as usize, inside + 1);
        match plan {
            "forced_1" => assert_eq!(inside, 1, "{c}"),
            "forced_2" => assert_eq!(inside, 2, "{c}"),
            "overlap_cut" => {
                assert_eq!(inside, 0, "{c}");
                let b = c["boundary_bytes"].as_array().unwrap();
                let (b1, b2) = (
                    b[0].as_u64().unwrap() as usize,
                    b[1].as_u64().unwrap() as usize,
                );
                // One chunk runs from b1 to b2, 256 characters past a point in the secret.
                assert!(starts.contains(&b1) && starts.contains(&b2), "{c}");
                assert!(!starts.iter().any(|&x| b1 < x && x < b2), "{c}");
                let text = chunks.concat();
                let k = c["cut_at_secret_char"].as_u64().unwrap() as usize;
                assert_eq!(text[s + k..b2].chars().count(), 256, "{c}");
            }
            _ => {}
        }
    }
    let all = ["forced_1", "forced_2", "overlap_cut", "random"];
    assert_eq!(plans, all.iter().map(|s| (*s).to_owned()).collect());
    assert!(chunks.iter().all(|c| (1..=4096).contains(&c.len())));
}

#[test]
fn nested_plants_at_depth_in_keys_and_in_services() {
    let w = workloads(0.1).unwrap();
    let c = w.canaries("nested_deep").unwrap();
    let p = pairs(&c);
    for want in [
        ("password", "field_sensitive_name"),
        ("phone", "field_sensitive_name"),
        ("email", "dict_key"),
        ("email", "field_value"),
        ("conn_str", "field_value"),
        ("api_key", "field_value"),
        ("bearer", "inline_text"),
    ] {
        assert!(
            p.contains(&set(&[want]).pop_first().unwrap()),
            "{want:?} in {p:?}"
        );
    }
    // Secrets sit all along the chain, down to its last levels.
    let side: Value =
        serde_json::from_slice(&std::fs::read(w.dir().join("nested_deep.canaries.json")).unwrap())
            .unwrap();
    let depths: BTreeSet<u64> = side["canaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["depth"].as_u64())
        .collect();
    assert!(depths.contains(&201) && depths.contains(&200) && depths.contains(&3));
    // The document really is 200 levels deep.
    let mut node = &w.json("nested_deep").unwrap()["chain"];
    let mut levels = 1;
    while let Some(child) = node.get("child") {
        node = child;
        levels += 1;
    }
    assert_eq!(levels, 200);
}

#[test]
fn small_calls_plant_every_family_inline() {
    let c = workloads(0.1).unwrap().canaries("small_calls").unwrap();
    let want: BTreeSet<_> = FAMILIES
        .iter()
        .map(|k| ((*k).to_owned(), "inline_text".to_owned()))
        .collect();
    assert_eq!(pairs(&c), want);
}
