//! Tests that set process-wide environment variables (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL) the
//! way a user's shell would. They take [`env_lock`] so only one of them runs at a time.

mod profile_sessions;
mod security_secrets;
mod sso_sdk_interop;
#[path = "../support/sso.rs"]
mod sso_support;

/// This binary's turn to change the process environment, held for a whole test.
pub struct EnvTurn(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

/// Waits for the turn: each test of this binary sets HOME and AWS_* for the whole process, so
/// they run one at a time.
pub fn env_lock() -> EnvTurn {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A test that panicked while holding the lock leaves nothing half-done for the next one.
    EnvTurn(LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
}
