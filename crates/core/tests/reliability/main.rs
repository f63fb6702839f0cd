//! Reliability tests that own their process: they set a short retry policy for the whole process
//! (so timeouts take seconds), and some re-run this binary as a child and kill it with SIGKILL.

mod actions_audit_kill;
mod reliability_actions;
mod reliability_durability;
mod reliability_faults;
#[path = "../support/reliability.rs"]
mod reliability_support;
mod security_input;
