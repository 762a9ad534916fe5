//! The layering rules of DESIGN.md §1, checked against `cargo metadata`.
//!
//! Arrows only point down: a user must be able to depend on `weaver-estimate` alone and pull
//! in nothing but serde/serde_json, or on `weaver-redact` alone to scrub logs. The rules are
//! checked on *normal* dependencies (dev-dependencies may cross layers: tests use the test kit).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The five libraries below the kernel.
const LIBRARIES: [&str; 5] = [
    "weaver-estimate",
    "weaver-redact",
    "weaver-summarize",
    "weaver-handles",
    "weaver-budget",
];

/// Which internal crates each library may use (normal dependencies).
const ALLOWED_INTERNAL: [(&str, &[&str]); 5] = [
    ("weaver-estimate", &[]),
    ("weaver-redact", &[]),
    ("weaver-summarize", &[]),
    ("weaver-handles", &["weaver-estimate", "weaver-redact"]),
    ("weaver-budget", &["weaver-estimate"]),
];

/// Normal-dependency graph of the workspace: package name → names it depends on.
struct Graph {
    deps: BTreeMap<String, BTreeSet<String>>,
    workspace: BTreeSet<String>,
}

impl Graph {
    fn load(root: &Path) -> Result<Graph, Vec<String>> {
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args(["metadata", "--format-version", "1"])
            .output()
            .map_err(|e| vec![format!("cannot run cargo metadata: {e}")])?;
        if !out.status.success() {
            return Err(vec![format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )]);
        }
        let meta: Value =
            serde_json::from_slice(&out.stdout).map_err(|e| vec![format!("bad metadata: {e}")])?;
        Ok(Graph::from_metadata(&meta))
    }

    fn from_metadata(meta: &Value) -> Graph {
        let mut names = BTreeMap::new();
        for p in meta["packages"].as_array().into_iter().flatten() {
            if let (Some(id), Some(name)) = (p["id"].as_str(), p["name"].as_str()) {
                names.insert(id.to_owned(), name.to_owned());
            }
        }
        let workspace = meta["workspace_members"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|id| id.as_str().and_then(|id| names.get(id)).cloned())
            .collect();
        let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for node in meta["resolve"]["nodes"].as_array().into_iter().flatten() {
            let Some(name) = node["id"].as_str().and_then(|id| names.get(id)) else {
                continue;
            };
            let entry = deps.entry(name.clone()).or_default();
            for d in node["deps"].as_array().into_iter().flatten() {
                // A dependency edge counts when it is a normal (kind null) or build edge.
                let normal = d["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"].is_null() || k["kind"].as_str() == Some("build"));
                if let (true, Some(dep)) = (normal, d["pkg"].as_str().and_then(|id| names.get(id)))
                {
                    entry.insert(dep.clone());
                }
            }
        }
        Graph { deps, workspace }
    }

    fn direct(&self, name: &str) -> BTreeSet<String> {
        self.deps.get(name).cloned().unwrap_or_default()
    }

    fn closure(&self, roots: &[&str]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = roots.iter().map(|s| (*s).to_owned()).collect();
        while let Some(n) = stack.pop() {
            for d in self.direct(&n) {
                if seen.insert(d.clone()) {
                    stack.push(d);
                }
            }
        }
        seen
    }
}

/// Checks every rule; returns all violations at once.
pub(crate) fn check(root: &Path) -> Result<(), Vec<String>> {
    let graph = Graph::load(root)?;
    let errors = violations(&graph);
    if errors.is_empty() {
        eprintln!("layering: ok");
        Ok(())
    } else {
        Err(errors)
    }
}

fn violations(graph: &Graph) -> Vec<String> {
    let mut errors = Vec::new();
    for lib in LIBRARIES.iter().chain(["weaver-kernel"].iter()) {
        if !graph.workspace.contains(*lib) {
            errors.push(format!("{lib} is not a workspace member"));
        }
    }
    // weaver-estimate alone pulls in nothing beyond serde + serde_json's own closure.
    let mut serde_closure = graph.closure(&["serde", "serde_json"]);
    serde_closure.insert("serde".into());
    serde_closure.insert("serde_json".into());
    for extra in graph
        .closure(&["weaver-estimate"])
        .difference(&serde_closure)
    {
        errors.push(format!(
            "weaver-estimate pulls in {extra}, beyond serde/serde_json"
        ));
    }
    for (lib, allowed) in ALLOWED_INTERNAL {
        for dep in graph.direct(lib) {
            if graph.workspace.contains(&dep) && !allowed.contains(&dep.as_str()) {
                errors.push(format!(
                    "{lib} depends on {dep}; allowed internal deps: {allowed:?}"
                ));
            }
        }
    }
    for member in &graph.workspace {
        let kernel_user = [
            "weaver-cli",
            "weaver-benches",
            "weaver-kernel",
            "weaver-mcp",
        ];
        if !kernel_user.contains(&member.as_str()) && graph.direct(member).contains("weaver-kernel")
        {
            errors.push(format!(
                "{member} depends on weaver-kernel (arrows point down)"
            ));
        }
    }
    let kernel = graph.direct("weaver-kernel");
    for lib in LIBRARIES {
        if !kernel.contains(lib) {
            errors.push(format!("weaver-kernel does not depend on {lib}"));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_respects_layering() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        if let Err(errors) = check(root) {
            panic!("layering violated:\n{}", errors.join("\n"));
        }
    }

    fn graph(edges: &[(&str, &[&str])]) -> Graph {
        let mut deps = BTreeMap::new();
        let mut workspace = BTreeSet::new();
        for (n, ds) in edges {
            if n.starts_with("weaver-") {
                workspace.insert((*n).to_owned());
            }
            deps.insert(
                (*n).to_owned(),
                ds.iter().map(|d| (*d).to_owned()).collect(),
            );
        }
        Graph { deps, workspace }
    }

    const GOOD: [(&str, &[&str]); 9] = [
        ("weaver-estimate", &["serde", "serde_json"]),
        ("weaver-redact", &["regex-automata"]),
        ("weaver-summarize", &["serde_json"]),
        ("weaver-handles", &["weaver-estimate", "weaver-redact"]),
        ("weaver-budget", &["weaver-estimate"]),
        (
            "weaver-kernel",
            &[
                "weaver-estimate",
                "weaver-redact",
                "weaver-summarize",
                "weaver-handles",
                "weaver-budget",
            ],
        ),
        ("serde", &[]),
        ("serde_json", &["serde", "itoa"]),
        ("itoa", &[]),
    ];

    #[test]
    fn a_correct_graph_passes() {
        assert_eq!(violations(&graph(&GOOD)), Vec::<String>::new());
    }

    #[test]
    fn each_kind_of_violation_is_caught() {
        let mut edges = GOOD.to_vec();
        edges[0] = (
            "weaver-estimate",
            &["serde", "serde_json", "regex-automata"],
        );
        edges[1] = ("weaver-redact", &["weaver-kernel"]);
        edges[4] = ("weaver-budget", &["weaver-estimate", "weaver-handles"]);
        edges[5] = ("weaver-kernel", &["weaver-estimate"]);
        edges.push(("regex-automata", &[]));
        let errors = violations(&graph(&edges));
        let joined = errors.join("\n");
        assert!(
            joined.contains("weaver-estimate pulls in regex-automata"),
            "{joined}"
        );
        assert!(
            joined.contains("weaver-redact depends on weaver-kernel"),
            "{joined}"
        );
        assert!(
            joined.contains("weaver-budget depends on weaver-handles"),
            "{joined}"
        );
        assert!(
            joined.contains("weaver-kernel does not depend on weaver-summarize"),
            "{joined}"
        );
    }
}
