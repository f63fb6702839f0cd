//! Tests that need the whole process: they set process-wide environment variables (HOME,
//! AWS_CONFIG_FILE, AWS_ENDPOINT_URL) the way a user's shell would, or measure the process's own
//! memory. Each takes [`process_lock`] for its whole run, so only one of them runs at a time.

#[path = "../support/demo.rs"]
#[allow(dead_code)]
mod demo;
mod profile_sessions;
mod reliability_soak;
#[path = "../support/reliability.rs"]
mod reliability_support;
mod security_secrets;
mod sso_no_keyring;
mod sso_sdk_interop;
#[path = "../support/sso.rs"]
mod sso_support;

/// This binary's turn to own the process, held for a whole test.
pub struct ProcessTurn(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

/// Waits for the turn: each test of this binary sets HOME and AWS_* for the whole process or
/// measures its memory, so they run one at a time.
pub fn process_lock() -> ProcessTurn {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A test that panicked while holding the lock leaves nothing half-done for the next one.
    ProcessTurn(LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
}
