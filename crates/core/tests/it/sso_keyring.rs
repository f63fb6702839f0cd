//! The real OS keyring (Secret Service on Linux). The keyring tests run only with
//! `ECSDESK_REAL_KEYRING=1`, inside a session bus with an unlocked `gnome-keyring-daemon`. When
//! that variable is not set, `real_keyring_in_a_private_session_bus` provides it: it runs this
//! binary's keyring tests again under `dbus-run-session` with a fresh keyring (its own data
//! folder, so the user's keyring is never touched), so a plain `cargo test` exercises the real
//! Secret Service wherever `dbus-run-session` and `gnome-keyring-daemon` are installed.

use std::sync::Arc;

use crate::sso_support::*;
use ecsdesk_core::aws::sso::{KeyringStore, MemoryStore, Portal, Secret, SecretKind, SecretStore};

/// Whether the real keyring is available to this run.
fn real_keyring() -> bool {
    let on = std::env::var("ECSDESK_REAL_KEYRING").as_deref() == Ok("1");
    if !on {
        eprintln!(
            "skipped: set ECSDESK_REAL_KEYRING=1 (scripts/test.sh does, under dbus-run-session)"
        );
    }
    on
}

/// The keyring tests the private-bus run executes.
const KEYRING_TESTS: [&str; 2] = [
    "sso_keyring::secret_service_round_trip",
    "sso_keyring::sign_in_and_out_with_the_real_keyring",
];

#[test]
fn real_keyring_in_a_private_session_bus() {
    if std::env::var("ECSDESK_REAL_KEYRING").is_ok() {
        return; // Already inside such a run (or told not to start one).
    }
    let have = |tool: &str| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !(have("dbus-run-session") && have("gnome-keyring-daemon")) {
        eprintln!("skipped: dbus-run-session or gnome-keyring-daemon is not installed (scripts/setup.sh installs them)");
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    // A non-empty password: gnome-keyring creates no login keyring (and so no default
    // collection) for an empty one.
    let script = "printf ecsdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec \"$@\"";
    let output = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script, "sh"])
        .arg(&exe)
        .args(KEYRING_TESTS)
        .args(["--exact", "--test-threads=1", "--nocapture"])
        .env("ECSDESK_REAL_KEYRING", "1")
        .env("XDG_DATA_HOME", data.path().join("share"))
        .env("XDG_CACHE_HOME", data.path().join("cache"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "keyring tests failed:\n{text}");
    assert!(
        text.contains("test result: ok. 2 passed"),
        "keyring tests did not run:\n{text}"
    );
}

/// A keyring store under a service name of its own, so tests never touch the app's entries.
fn test_store(tag: &str) -> KeyringStore {
    KeyringStore::with_service(&format!("ECS Desk test {tag} {}", std::process::id()))
}

#[test]
fn secret_service_round_trip() {
    if !real_keyring() {
        return;
    }
    let store = test_store("round-trip");
    for kind in SecretKind::ALL {
        assert_eq!(store.get("ecsdesk-demo", kind).unwrap(), None);
    }
    store
        .set(
            "ecsdesk-demo",
            SecretKind::RefreshToken,
            &Secret::new("refresh-1"),
        )
        .unwrap();
    store
        .set(
            "ecsdesk-demo-gov",
            SecretKind::RefreshToken,
            &Secret::new("refresh-gov"),
        )
        .unwrap();
    // Replacing keeps one entry with the new value.
    store
        .set(
            "ecsdesk-demo",
            SecretKind::RefreshToken,
            &Secret::new("refresh-2"),
        )
        .unwrap();
    assert_eq!(
        store.get("ecsdesk-demo", SecretKind::RefreshToken).unwrap(),
        Some(Secret::new("refresh-2"))
    );
    assert_eq!(
        store
            .get("ecsdesk-demo-gov", SecretKind::RefreshToken)
            .unwrap(),
        Some(Secret::new("refresh-gov"))
    );
    assert_eq!(
        store.get("ecsdesk-demo", SecretKind::ClientSecret).unwrap(),
        None
    );
    store
        .delete("ecsdesk-demo", SecretKind::RefreshToken)
        .unwrap();
    store
        .delete("ecsdesk-demo", SecretKind::RefreshToken)
        .unwrap();
    assert_eq!(
        store.get("ecsdesk-demo", SecretKind::RefreshToken).unwrap(),
        None
    );
    store
        .delete("ecsdesk-demo-gov", SecretKind::RefreshToken)
        .unwrap();
}

#[tokio::test]
async fn sign_in_and_out_with_the_real_keyring() {
    if !real_keyring() {
        return;
    }
    let sim = sim("demo").await;
    let store = test_store("sign-in");
    let fx = Fixture::with_store(&sim, MemoryStore::new(), Arc::new(store.clone()));
    let session = govcloud();
    fx.pkce_login(&session).await;
    let token = fx.cache.read_token(&session).unwrap().unwrap();
    assert_eq!(
        store
            .get(&session.name, SecretKind::RefreshToken)
            .unwrap()
            .map(|s| s.expose().to_string()),
        token.refresh_token
    );
    assert_eq!(
        store
            .get(&session.name, SecretKind::ClientSecret)
            .unwrap()
            .map(|s| s.expose().to_string()),
        token.client_secret
    );
    let portal = Portal::new(fx.auth.clone(), None);
    let creds = portal
        .role_credentials(&session, "210987654321", "OperatorAccess")
        .await
        .unwrap();
    let stored = store
        .get(&session.name, SecretKind::RoleCredentials)
        .unwrap()
        .unwrap();
    assert!(stored.expose().contains(creds.access_key_id()));

    portal.logout(&session).await.unwrap();
    for kind in SecretKind::ALL {
        assert_eq!(store.get(&session.name, kind).unwrap(), None, "{kind:?}");
    }
    assert!(!fx.cache.token_path(&session).exists());
    sim.shutdown().await;
}
