//! Secrets of a sign-in kept in the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through the `keyring` crate.
//!
//! Without a keyring (no Secret Service on the session bus, or no session bus at all) the app
//! works as the AWS CLI does: [`SystemStore`] keeps the secrets in process memory only. The
//! refresh token and client secret are in the AWS CLI's 0600 cache file anyway (`aws` commands
//! read them there), and role credentials are never written to disk: they last until the app
//! quits.
//!
//! Entries use the service name [`KEYRING_SERVICE`] and the account `sso/<session>/<kind>`, so
//! every sso-session has its own namespace. Values never appear in `Debug` output.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::error::CoreError;

/// The keyring service name of every entry ECS Desk writes.
pub const KEYRING_SERVICE: &str = "ECS Desk";

/// A secret value; `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// What a keyring entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// The OIDC refresh token.
    RefreshToken,
    /// The OIDC client secret.
    ClientSecret,
    /// Role credentials of the session, one JSON map of account/role to keys.
    RoleCredentials,
}

impl SecretKind {
    /// Every kind, for sign-out.
    pub const ALL: [SecretKind; 3] = [
        SecretKind::RefreshToken,
        SecretKind::ClientSecret,
        SecretKind::RoleCredentials,
    ];

    /// The last part of the entry's account name.
    fn slug(self) -> &'static str {
        match self {
            SecretKind::RefreshToken => "refresh-token",
            SecretKind::ClientSecret => "client-secret",
            SecretKind::RoleCredentials => "role-credentials",
        }
    }
}

/// The keyring account name of `kind` for `session`.
pub fn entry_name(session: &str, kind: SecretKind) -> String {
    format!("sso/{session}/{}", kind.slug())
}

/// Where sign-in secrets are kept. Calls may block (D-Bus); call them off the async runtime.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// The stored secret, if any.
    fn get(&self, session: &str, kind: SecretKind) -> Result<Option<Secret>, CoreError>;
    /// Stores (or replaces) a secret.
    fn set(&self, session: &str, kind: SecretKind, value: &Secret) -> Result<(), CoreError>;
    /// Removes a secret; absent is fine.
    fn delete(&self, session: &str, kind: SecretKind) -> Result<(), CoreError>;
    /// Whether secrets outlive the process in a keyring (false: memory only, until quit). Test
    /// stores stand in for a keyring.
    fn keyring_available(&self) -> bool {
        true
    }
}

/// The OS keyring.
#[derive(Debug, Clone, Default)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// The keyring under [`KEYRING_SERVICE`].
    pub fn new() -> KeyringStore {
        KeyringStore::with_service(KEYRING_SERVICE)
    }

    /// The keyring under another service name (tests use their own so they never touch the app's).
    pub fn with_service(service: &str) -> KeyringStore {
        KeyringStore {
            service: service.to_string(),
        }
    }

    /// The keyring entry of `kind` for `session`.
    fn entry(&self, session: &str, kind: SecretKind) -> Result<keyring::Entry, CoreError> {
        keyring::Entry::new(&self.service, &entry_name(session, kind)).map_err(keyring_error)
    }
}

/// Maps a keyring failure (the message names no secret).
fn keyring_error(err: keyring::Error) -> CoreError {
    CoreError::Keyring(err.to_string())
}

impl SecretStore for KeyringStore {
    fn get(&self, session: &str, kind: SecretKind) -> Result<Option<Secret>, CoreError> {
        match self.entry(session, kind)?.get_password() {
            Ok(value) => Ok(Some(Secret(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, session: &str, kind: SecretKind, value: &Secret) -> Result<(), CoreError> {
        self.entry(session, kind)?
            .set_password(value.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, session: &str, kind: SecretKind) -> Result<(), CoreError> {
        match self.entry(session, kind)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// The app's store: the OS keyring when the system has one, else process memory (decided at the
/// first use and kept: a keyring that is there but locked still reports its error).
#[derive(Debug, Default)]
pub struct SystemStore {
    keyring: KeyringStore,
    memory: MemoryStore,
    available: std::sync::OnceLock<bool>,
}

impl SystemStore {
    /// The keyring under [`KEYRING_SERVICE`], or memory when there is none.
    pub fn new() -> SystemStore {
        SystemStore::with_service(KEYRING_SERVICE)
    }

    /// The same under another keyring service name (tests).
    pub fn with_service(service: &str) -> SystemStore {
        SystemStore {
            keyring: KeyringStore::with_service(service),
            memory: MemoryStore::new(),
            available: std::sync::OnceLock::new(),
        }
    }

    /// Whether the keyring answers. A lookup of an entry that does not exist answers "no
    /// entry" from any reachable keyring, locked or not; any other answer means there is no
    /// keyring to use. May block (D-Bus), once.
    fn probe(&self) -> bool {
        *self.available.get_or_init(|| {
            self.keyring
                .get(PROBE_SESSION, SecretKind::RefreshToken)
                .is_ok()
        })
    }

    /// The store in use.
    fn inner(&self) -> &dyn SecretStore {
        if self.probe() {
            &self.keyring
        } else {
            &self.memory
        }
    }
}

/// The sso-session name of the probe lookup (never written).
const PROBE_SESSION: &str = "ecs-desk-keyring-probe";

impl SecretStore for SystemStore {
    fn get(&self, session: &str, kind: SecretKind) -> Result<Option<Secret>, CoreError> {
        self.inner().get(session, kind)
    }

    fn set(&self, session: &str, kind: SecretKind, value: &Secret) -> Result<(), CoreError> {
        self.inner().set(session, kind, value)
    }

    fn delete(&self, session: &str, kind: SecretKind) -> Result<(), CoreError> {
        self.inner().delete(session, kind)
    }

    fn keyring_available(&self) -> bool {
        self.probe()
    }
}

/// A process-local store for unit and integration tests (and the memory half of
/// [`SystemStore`] when there is no keyring).
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    entries: Arc<Mutex<HashMap<String, Secret>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// How many entries are stored (tests check sign-out empties it).
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    /// Whether no entry is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries' lock.
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Secret>>, CoreError> {
        self.entries
            .lock()
            .map_err(|_| CoreError::Internal("the in-memory secret store was poisoned".into()))
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, session: &str, kind: SecretKind) -> Result<Option<Secret>, CoreError> {
        Ok(self.lock()?.get(&entry_name(session, kind)).cloned())
    }

    fn set(&self, session: &str, kind: SecretKind, value: &Secret) -> Result<(), CoreError> {
        self.lock()?
            .insert(entry_name(session, kind), value.clone());
        Ok(())
    }

    fn delete(&self, session: &str, kind: SecretKind) -> Result<(), CoreError> {
        self.lock()?.remove(&entry_name(session, kind));
        Ok(())
    }
}

/// Runs a blocking store call on the blocking pool (Secret Service calls are synchronous D-Bus).
pub(crate) async fn blocking<T, F>(store: &Arc<dyn SecretStore>, call: F) -> Result<T, CoreError>
where
    T: Send + 'static,
    F: FnOnce(&dyn SecretStore) -> Result<T, CoreError> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || call(store.as_ref()))
        .await
        .map_err(|e| CoreError::Internal(format!("keyring task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_namespaces_by_session_and_kind() {
        let store = MemoryStore::new();
        store
            .set("a", SecretKind::RefreshToken, &Secret::new("r1"))
            .unwrap();
        store
            .set("b", SecretKind::RefreshToken, &Secret::new("r2"))
            .unwrap();
        assert_eq!(
            store.get("a", SecretKind::RefreshToken).unwrap(),
            Some(Secret::new("r1"))
        );
        assert_eq!(store.get("a", SecretKind::ClientSecret).unwrap(), None);
        store.delete("a", SecretKind::RefreshToken).unwrap();
        store.delete("a", SecretKind::RefreshToken).unwrap();
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn secrets_are_redacted() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(
            entry_name("demo", SecretKind::ClientSecret),
            "sso/demo/client-secret"
        );
    }
}
