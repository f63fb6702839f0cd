//! Least privilege of the desktop shell, read from the files Tauri builds the app from: the
//! capabilities allow only the app's own commands (no core API, no plugin command), the prototype
//! is frozen, release builds have no mock runtime, the Content-Security-Policy is strict,
//! no remote content is loaded, and the PKCE sign-in listener binds 127.0.0.1 only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The repository root (two levels above this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The commands `src-tauri/build.rs` generates `allow-<command>` permissions for.
fn app_commands() -> BTreeSet<String> {
    let build = read("src-tauri/build.rs");
    let start = build.find("const COMMANDS").expect("COMMANDS in build.rs");
    let end = start + build[start..].find("];").expect("end of COMMANDS");
    let list: BTreeSet<String> = build[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(list.len() >= 10, "{list:?}");
    list
}

/// Every capability file of the shell, parsed.
fn capabilities() -> Vec<(String, Value)> {
    let dir = root().join("src-tauri/capabilities");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("capabilities folder") {
        let path = entry.unwrap().path();
        let name = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((name, serde_json::from_str(&text).expect("capability JSON")));
            }
            Some(other) => panic!("{name}: capabilities must be JSON, found .{other}"),
            None => {}
        }
    }
    assert!(!out.is_empty());
    out
}

/// The identifier of a permission entry (a string or `{identifier, allow, deny}`).
fn identifier(permission: &Value) -> &str {
    permission
        .as_str()
        .or_else(|| permission.get("identifier").and_then(Value::as_str))
        .expect("permission identifier")
}

#[test]
fn capabilities_allow_only_the_apps_commands_and_narrow_plugin_permissions() {
    let commands = app_commands();
    for (name, cap) in capabilities() {
        assert!(
            cap.get("remote").is_none(),
            "{name}: no remote origin may reach the app's commands"
        );
        let windows = cap["windows"].as_array().expect("windows");
        assert_eq!(windows, &[Value::from("main")], "{name}: main window only");
        for permission in cap["permissions"].as_array().expect("permissions") {
            // Only the app's own commands, by name: no core API (window, event, path), and no
            // plugin command (opener, dialog, notification are driven from Rust only).
            let id = identifier(permission);
            let cmd = id
                .strip_prefix("allow-")
                .filter(|_| !id.contains(':'))
                .unwrap_or_else(|| {
                    panic!("{name}: permission {id} is not one of the app's commands")
                });
            assert!(
                commands.contains(&cmd.replace('-', "_")),
                "{name}: {id} is not one of the app's commands"
            );
        }
    }
}

#[test]
fn the_prototype_is_frozen_and_the_mock_runtime_is_for_tests_only() {
    let conf: Value =
        serde_json::from_str(&read("src-tauri/tauri.conf.json")).expect("tauri.conf.json");
    assert_eq!(conf["app"]["security"]["freezePrototype"], true);
    // `[dependencies]` (what a release build links) has no `test` feature of tauri.
    let cargo = read("src-tauri/Cargo.toml");
    let deps = cargo
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("[dependencies] section");
    let tauri = deps
        .lines()
        .find(|l| l.trim_start().starts_with("tauri ="))
        .expect("tauri dependency");
    assert!(
        !tauri.contains("\"test\""),
        "release builds would link the mock runtime: {tauri}"
    );
}

#[test]
fn no_shell_fs_or_http_plugin_is_linked() {
    let cargo = read("src-tauri/Cargo.toml");
    let package = read("ui/package.json");
    // (tauri-plugin-dialog depends on tauri-plugin-fs for its path types; the shell never
    // names or initialises the fs plugin.)
    for plugin in [
        "shell",
        "fs",
        "http",
        "process",
        "updater",
        "sql",
        "websocket",
    ] {
        assert!(
            !cargo.contains(&format!("tauri-plugin-{plugin}")),
            "src-tauri links tauri-plugin-{plugin}"
        );
        assert!(
            !package.contains(&format!("@tauri-apps/plugin-{plugin}")),
            "the UI depends on @tauri-apps/plugin-{plugin}"
        );
    }
}

/// The directives of a CSP string.
fn directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|d| {
            let mut parts = d.split_whitespace();
            let name = parts.next()?.to_string();
            Some((name, parts.map(str::to_string).collect()))
        })
        .collect()
}

#[test]
fn the_content_security_policy_is_strict_and_nothing_remote_is_loaded() {
    let conf: Value = serde_json::from_str(&read("src-tauri/tauri.conf.json")).unwrap();
    let dist = conf["build"]["frontendDist"]
        .as_str()
        .expect("frontendDist");
    assert!(
        !dist.starts_with("http://") && !dist.starts_with("https://"),
        "the shipped UI is bundled, not remote: {dist}"
    );
    if let Some(dev) = conf["build"]["devUrl"].as_str() {
        assert!(
            dev.starts_with("http://localhost") || dev.starts_with("http://127.0.0.1"),
            "{dev}"
        );
    }
    assert_eq!(conf["app"]["withGlobalTauri"], Value::Bool(false));
    for window in conf["app"]["windows"].as_array().unwrap() {
        if let Some(url) = window.get("url").and_then(Value::as_str) {
            assert!(!url.contains("://"), "window loads remote content: {url}");
        }
    }
    let security = &conf["app"]["security"];
    assert!(
        security
            .get("dangerousDisableAssetCspModification")
            .is_none()
            || security["dangerousDisableAssetCspModification"] == Value::Bool(false)
    );
    let csp = security["csp"].as_str().expect("a CSP string");
    let d = directives(csp);
    let get = |name: &str| -> Vec<String> {
        d.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("CSP lacks {name}: {csp}"))
    };
    assert_eq!(get("default-src"), ["'self'"]);
    assert_eq!(get("object-src"), ["'none'"]);
    for (name, sources) in &d {
        for s in sources {
            assert_ne!(s, "'unsafe-eval'", "{name} allows eval");
            assert_ne!(s, "*", "{name} allows everything");
            assert!(
                !(s.starts_with("https:") || s.starts_with("http:") || s.starts_with("ws"))
                    || s == "http://ipc.localhost",
                "{name} allows remote {s}"
            );
        }
    }
    for s in get("script-src") {
        assert_eq!(s, "'self'", "scripts only from the bundle: {csp}");
    }
    for s in get("connect-src") {
        assert!(
            ["'self'", "ipc:", "http://ipc.localhost"].contains(&s.as_str()),
            "connect-src {s}: the UI talks to the backend over IPC only"
        );
    }
    if let Some(dev) = security["devCsp"].as_str() {
        assert!(!dev.contains("'unsafe-eval'"), "{dev}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pkce_listener_binds_loopback_127_0_0_1_only() {
    let sim = crate::sso_support::sim("demo").await;
    let fixture = crate::sso_support::Fixture::new(&sim);
    let pending = fixture
        .auth
        .begin_pkce_login(&crate::sso_support::commercial())
        .await
        .unwrap();
    let url = url::Url::parse(&pending.redirect_uri).unwrap();
    assert_eq!(url.scheme(), "http");
    assert_eq!(
        url.host_str(),
        Some("127.0.0.1"),
        "{}",
        pending.redirect_uri
    );
    let port = url.port().expect("a port");
    assert!(
        pending
            .authorize_url
            .contains(&format!("127.0.0.1%3A{port}")),
        "{}",
        pending.authorize_url
    );
    // Reachable on 127.0.0.1...
    tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("listener on 127.0.0.1");
    // ...and on no other address: another loopback address and every non-loopback one are
    // refused (a 0.0.0.0 bind would accept them).
    let other = tokio::net::TcpStream::connect(("127.0.0.2", port)).await;
    assert!(other.is_err(), "the listener also answers on 127.0.0.2");
    if let Some(ip) = non_loopback_ipv4() {
        let outside = tokio::net::TcpStream::connect((ip, port)).await;
        assert!(outside.is_err(), "the listener answers on {ip}");
    }
    drop(pending);
    sim.shutdown().await;
}

/// A non-loopback IPv4 address of this machine, if it has one (the route a UDP socket picks).
fn non_loopback_ipv4() -> Option<std::net::Ipv4Addr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("10.255.255.255:9").ok()?;
    match socket.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(ip) if !ip.is_loopback() && !ip.is_unspecified() => Some(ip),
        _ => None,
    }
}
