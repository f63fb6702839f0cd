//! Fails when the committed TypeScript bindings in ui/src/bindings differ from the Rust types.
//!
//! Regenerate with: `UPDATE_BINDINGS=1 cargo test -p ecsdesk-core --test bindings`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The committed bindings directory.
fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

/// File name -> content of every file in `dir` (empty if the directory is missing).
fn read_all(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            (name, text)
        })
        .collect()
}

#[test]
fn bindings_are_fresh() {
    let fresh_dir = tempfile::tempdir().unwrap();
    ecsdesk_core::export_bindings(fresh_dir.path()).unwrap();
    let fresh = read_all(fresh_dir.path());
    assert!(
        fresh.contains_key("ServiceDetail.ts"),
        "export produced {:?}",
        fresh.keys()
    );

    let target = committed_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&target).unwrap();
        for name in read_all(&target).keys() {
            if !fresh.contains_key(name) {
                std::fs::remove_file(target.join(name)).unwrap();
            }
        }
        for (name, text) in &fresh {
            std::fs::write(target.join(name), text).unwrap();
        }
        return;
    }

    let committed = read_all(&target);
    let mut problems = Vec::new();
    for (name, text) in &fresh {
        match committed.get(name) {
            None => problems.push(format!("missing: {name}")),
            Some(old) if old != text => problems.push(format!("stale: {name}")),
            Some(_) => {}
        }
    }
    for name in committed.keys() {
        if !fresh.contains_key(name) {
            problems.push(format!("no longer generated: {name}"));
        }
    }
    assert!(
        problems.is_empty(),
        "ui/src/bindings is out of date with the Rust types ({}).\n\
         Regenerate with `UPDATE_BINDINGS=1 cargo test -p ecsdesk-core --test bindings` and commit ui/src/bindings.",
        problems.join(", ")
    );
}
