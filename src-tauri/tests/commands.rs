//! The command list is written in four places that must agree: `build.rs` (which commands get an
//! `allow-<command>` permission), `generate_handler!` in `src/lib.rs` (which commands exist),
//! `capabilities/*.json` (which the main window may call) and `ui/src/api.ts` (which the UI
//! calls). This reads them as text and checks they name the same commands, and that each command
//! takes the argument names the UI sends.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ecs_desk_lib::bridge::{ChartSize, ServiceAt};

/// The `src-tauri` folder.
fn shell() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between `open` and the first `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let end = start
        + text[start..]
            .find(close)
            .unwrap_or_else(|| panic!("no {close}"));
    &text[start..end]
}

/// `COMMANDS` of build.rs.
fn build_rs_commands() -> BTreeSet<String> {
    let build = read(&shell().join("build.rs"));
    between(&build, "const COMMANDS", "];")
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The handlers of `generate_handler!` in lib.rs, as `(module, command)`.
fn handlers() -> Vec<(String, String)> {
    let lib = read(&shell().join("src/lib.rs"));
    between(&lib, "generate_handler![", "]")
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| {
            let (module, command) = h.rsplit_once("::").unwrap_or(("", h));
            (module.to_string(), command.to_string())
        })
        .collect()
}

/// The commands the capabilities allow (`allow-<command>`, dashes back to underscores).
fn allowed_commands() -> BTreeSet<String> {
    let mut allowed = BTreeSet::new();
    let dir = shell().join("capabilities");
    for entry in std::fs::read_dir(&dir).expect("capabilities folder") {
        let path = entry.expect("capability entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let cap: serde_json::Value = serde_json::from_str(&read(&path)).expect("capability JSON");
        for permission in cap["permissions"].as_array().expect("permissions") {
            let id = permission
                .as_str()
                .or_else(|| permission["identifier"].as_str())
                .expect("permission identifier");
            if let Some(command) = id.strip_prefix("allow-") {
                allowed.insert(command.replace('-', "_"));
            }
        }
    }
    allowed
}

/// The commands `ui/src/api.ts` calls, with the argument names it sends.
fn ui_calls() -> BTreeMap<String, BTreeSet<String>> {
    let api = read(&shell().join("../ui/src/api.ts"));
    let mut calls = BTreeMap::new();
    for piece in api.split("call(\"").skip(1) {
        let (command, rest) = piece.split_once('"').expect("command name");
        let rest = rest.trim_start();
        let mut keys = BTreeSet::new();
        if let Some(object) = rest.strip_prefix(',').map(str::trim_start) {
            let object = object
                .strip_prefix('{')
                .expect("arguments as an object literal");
            let object = &object[..object.find('}').expect("end of the arguments")];
            for field in object.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                let key = field.split(':').next().unwrap_or(field).trim();
                keys.insert(key.to_string());
            }
        }
        assert!(
            calls.insert(command.to_string(), keys).is_none(),
            "api.ts calls {command} twice"
        );
    }
    calls
}

/// `snake_case` → `camelCase`, as Tauri maps parameter names to JSON keys.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The parameters of the command `name` of `src/<module>.rs`, as `(name, type)`.
fn command_params(module: &str, name: &str) -> Vec<(String, String)> {
    let source = read(&shell().join(format!("src/{module}.rs")));
    let head = format!("pub async fn {name}");
    let start = source
        .find(&format!("{head}("))
        .or_else(|| source.find(&format!("{head}<")))
        .unwrap_or_else(|| panic!("src/{module}.rs has no `{head}` (every command is async)"));
    let after = &source[start + head.len()..];
    let open = after.find('(').expect("parameter list");
    // The parameter list, split at top-level commas.
    let mut params = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in after[open + 1..].chars() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' if depth == 0 => break,
            ')' | '>' | ']' => depth -= 1,
            ',' if depth == 0 => {
                params.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    params.push(current);
    params
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|param| {
            let (name, ty) = param.split_once(':').expect("name: type");
            (name.trim().to_string(), ty.trim().to_string())
        })
        .collect()
}

/// The JSON keys the command `name` of `src/<module>.rs` reads: its parameters, less those the
/// app provides (state, app handle, the calling webview), with argument groups expanded.
fn command_keys(module: &str, name: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (name, ty) in command_params(module, name) {
        if ty.starts_with("State<") || ty.starts_with("AppHandle<") || ty.starts_with("Webview<") {
            continue;
        }
        match ty.as_str() {
            "ServiceAt" => keys.extend(ServiceAt::KEYS.map(String::from)),
            "ChartSize" => keys.extend(ChartSize::KEYS.map(String::from)),
            _ => {
                keys.insert(camel(&name));
            }
        }
    }
    keys
}

#[test]
fn build_rs_generate_handler_capabilities_and_the_ui_name_the_same_commands() {
    let listed = build_rs_commands();
    assert!(listed.len() >= 10, "{listed:?}");
    let handlers = handlers();
    let handled: BTreeSet<String> = handlers.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(handled.len(), handlers.len(), "a handler is listed twice");
    assert_eq!(handled, listed, "generate_handler! and build.rs disagree");
    assert_eq!(
        allowed_commands(),
        listed,
        "capabilities and build.rs disagree"
    );
    let called: BTreeSet<String> = ui_calls().into_keys().collect();
    assert_eq!(called, listed, "ui/src/api.ts and build.rs disagree");
}

#[test]
fn every_command_takes_the_argument_names_the_ui_sends() {
    let calls = ui_calls();
    for (module, command) in handlers() {
        let sent = calls
            .get(&command)
            .unwrap_or_else(|| panic!("api.ts never calls {command}"));
        assert_eq!(
            &command_keys(&module, &command),
            sent,
            "{module}::{command}: parameters and api.ts's arguments differ"
        );
    }
}

/// Argument names that would let the page say where a file goes or what it is called.
const PATH_WORDS: [&str; 8] = [
    "path",
    "dir",
    "directory",
    "folder",
    "file",
    "filename",
    "extension",
    "ext",
];

/// Whether a parameter `(name, type)` reads like a file system location.
fn is_path_like(name: &str, ty: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    PATH_WORDS
        .iter()
        .any(|w| lower == *w || lower.ends_with(&format!("_{w}")))
        || ["Path", "PathBuf", "&Path", "OsString"]
            .iter()
            .any(|t| ty == *t || ty.contains(&format!("<{t}>")))
}

#[test]
fn no_command_takes_a_path_and_the_page_may_call_nothing_else() {
    // The sources: no command parameter names or types a file system location…
    for (module, command) in handlers() {
        for (name, ty) in command_params(&module, &command) {
            assert!(
                !is_path_like(&name, &ty),
                "{module}::{command} takes `{name}: {ty}`: the page must not choose paths"
            );
        }
    }
    // …the UI sends none…
    for (command, keys) in ui_calls() {
        for key in keys {
            assert!(
                !is_path_like(&key, ""),
                "api.ts sends `{key}` to {command}: the page must not choose paths"
            );
        }
    }
    // …and the window is granted our own commands only (no plugin or core permission).
    let dir = shell().join("capabilities");
    for entry in std::fs::read_dir(&dir).expect("capabilities folder") {
        let path = entry.expect("capability entry").path();
        let cap: serde_json::Value = serde_json::from_str(&read(&path)).expect("capability JSON");
        for permission in cap["permissions"].as_array().expect("permissions") {
            let id = permission.as_str().unwrap_or_default();
            assert!(
                id.starts_with("allow-") && !id.contains(':'),
                "{}: {permission} is not one of the app's own commands",
                path.display()
            );
        }
    }
}

#[test]
fn the_path_check_sees_what_main_had() {
    // What main had: `path: Option<String>` on export_audit_csv and write_snapshot.
    assert!(is_path_like("path", "Option<String>"));
    assert!(is_path_like("target_dir", "String"));
    assert!(is_path_like("out", "PathBuf"));
    assert!(!is_path_like("session_id", "String"));
    assert!(!is_path_like("group", "String"));
}

#[test]
fn the_key_reader_handles_what_the_sources_use() {
    assert_eq!(camel("session_id"), "sessionId");
    assert_eq!(camel("typed_confirmation"), "typedConfirmation");
    assert_eq!(camel("days"), "days");
}
