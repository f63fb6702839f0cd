//! The core's layers and their one direction: a module may use its own layer and the layers
//! below it, never one above, and no modules may use each other in a circle. Read from the
//! source text, so a new upward `use crate::…` fails here before anyone has to spot it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module and its layer, lowest first; modules of one rank are siblings.
const LAYERS: [(&str, u8); 8] = [
    ("error", 0),
    ("util", 0),
    ("model", 1),
    ("aws", 2),
    ("read", 3),
    ("store", 3),
    ("render", 3),
    ("app", 4),
];

/// The module path of a source file (`read/logs.rs` → `read::logs`, `aws/sso/mod.rs` →
/// `aws::sso`); `None` for the crate root, which only declares and re-exports.
fn module_of(relative: &Path) -> Option<String> {
    let text = relative.to_string_lossy().replace('\\', "/");
    let text = text.strip_suffix(".rs")?;
    let text = text.strip_suffix("/mod").unwrap_or(text);
    (text != "lib").then(|| text.replace('/', "::"))
}

/// The code of a file without its `#[cfg(test)] mod tests` (tests may reach anything).
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |at| &text[..at])
}

/// Every `crate::…` path named in `code`, grouped imports (`use crate::{a::B, c}`) flattened.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `ecsdesk_crate::` or similar, not this crate's root.
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            out.extend(group[..end].split(',').map(|item| item.trim().to_string()));
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let path = rest[..end].trim_end_matches(':');
            // `crate::a::{B, c::D}`: the prefix names the module.
            out.push(path.to_string());
        }
    }
    out
}

/// The longest known module that `path` starts with.
fn resolve(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|candidate| modules.contains(candidate))
}

/// The rank of a module's layer.
fn rank(module: &str) -> Option<u8> {
    let top = module.split("::").next()?;
    LAYERS
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(_, r)| *r)
}

/// What is wrong with a set of modules (path → source text): unknown layers, upward uses and
/// cycles, each in words.
fn problems(sources: &BTreeMap<String, String>) -> Vec<String> {
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut out = Vec::new();
    let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in sources {
        let Some(own) = rank(module) else {
            out.push(format!(
                "{module} is in no layer (add it to LAYERS or move it)"
            ));
            continue;
        };
        for path in crate_paths(without_tests(text)) {
            let Some(target) = resolve(&path, &modules) else {
                continue; // a crate-root item (re-export) or a macro
            };
            if target == *module || module.starts_with(&format!("{target}::")) {
                continue; // itself, or its own parent module
            }
            if let Some(theirs) = rank(&target) {
                if theirs > own {
                    out.push(format!("{module} uses {path}, a layer above its own"));
                }
            }
            edges.entry(module.as_str()).or_default().insert(target);
        }
    }
    out.extend(cycles(&edges));
    out
}

/// Every cycle in the module graph, as `a -> b -> a`.
fn cycles(edges: &BTreeMap<&str, BTreeSet<String>>) -> Vec<String> {
    /// Depth-first search state of one module.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<&str, BTreeSet<String>>,
        marks: &mut BTreeMap<&'a str, Mark>,
        stack: &mut Vec<&'a str>,
        out: &mut Vec<String>,
    ) {
        marks.insert(node, Mark::Open);
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            match marks.get(next.as_str()) {
                Some(Mark::Open) => {
                    let from = stack.iter().position(|n| *n == next).unwrap_or(0);
                    let mut ring: Vec<&str> = stack[from..].to_vec();
                    ring.push(next);
                    out.push(format!("cycle: {}", ring.join(" -> ")));
                }
                Some(Mark::Done) => {}
                None => visit(next, edges, marks, stack, out),
            }
        }
        stack.pop();
        marks.insert(node, Mark::Done);
    }
    let mut marks = BTreeMap::new();
    let mut out = Vec::new();
    for node in edges.keys() {
        if !marks.contains_key(node) {
            visit(node, edges, &mut marks, &mut Vec::new(), &mut out);
        }
    }
    out
}

/// Every `.rs` file under `dir`, by module path.
fn read_sources(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).expect("under src");
            if let Some(module) = module_of(relative) {
                out.insert(module, std::fs::read_to_string(&path).expect("read file"));
            }
        }
    }
}

#[test]
fn core_modules_only_use_their_own_layer_and_those_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    read_sources(&root, &root, &mut sources);
    assert!(sources.len() > 40, "found only {} modules", sources.len());
    let found = problems(&sources);
    assert!(found.is_empty(), "layer rule broken:\n{}", found.join("\n"));
}

/// What the pure model may not name: SDK types and clients, the async runtime, files, SQLite,
/// the keyring and drawing (the layers above it are kept out by the layer rule).
const NOT_IN_MODEL: [&str; 8] = [
    "aws_sdk_",
    "aws_smithy",
    "aws_config",
    "tokio",
    "std::fs",
    "rusqlite",
    "keyring",
    "plotters",
];

/// The code of `text` without its tests and comments (a doc comment may name anything).
fn code_only(text: &str) -> String {
    without_tests(text)
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(
            "
",
        )
}

#[test]
fn the_model_does_no_io_and_names_no_sdk_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    read_sources(&root, &root, &mut sources);
    let found: Vec<String> = sources
        .iter()
        .filter(|(module, _)| module.starts_with("model"))
        .flat_map(|(module, text)| {
            let code = code_only(text);
            NOT_IN_MODEL
                .iter()
                .filter(|word| code.contains(*word))
                .map(|word| format!("{module} names {word}"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        found.is_empty(),
        "the model is not pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn an_upward_import_and_a_cycle_are_caught() {
    let sources: BTreeMap<String, String> = [
        ("model::plan", "use crate::app::actions::ActionCenter;"),
        ("app::actions", "use crate::model::plan::plan;"),
        ("read::a", "use crate::{read::b::X, util::time};"),
        ("read::b", "fn f() { crate::read::a::g() }"),
        ("util::time", ""),
        ("error", "use crate::util::paths::config_file_path;"),
        ("util::paths", ""),
        ("weird", ""),
    ]
    .into_iter()
    .map(|(m, t)| (m.to_string(), t.to_string()))
    .collect();
    let found = problems(&sources);
    assert!(
        found
            .iter()
            .any(|p| p == "model::plan uses app::actions::ActionCenter, a layer above its own"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("cycle: read::a -> read::b -> read::a")
                || p.starts_with("cycle: read::b -> read::a -> read::b")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.starts_with("weird is in no layer")),
        "{found:?}"
    );
    // error → util::paths is a same-rank use without a cycle: allowed.
    assert_eq!(found.len(), 4, "{found:?}");
}
