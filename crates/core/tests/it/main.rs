//! The core's integration tests in one binary (one link of the AWS SDK instead of one per file),
//! each module against the simulator or local files. Tests that must own their process live in
//! the `reliability` binary (a short retry policy, kill -9 children) and the `process` binary
//! (process-wide HOME and AWS_* variables, the memory soak).

mod action_rig;
mod actions_sim;
mod bindings;
mod changes_sim;
mod console_links;
#[path = "../support/demo.rs"]
mod demo;
mod fleet_sim;
mod health_sim;
mod insights_sim;
mod layers;
mod logs_sim;
mod moto_check;
mod reliability_expiry;
mod scaling_sim;
mod security_fuzz;
mod security_least_privilege;
mod service_kinds_sim;
mod sim;
mod sso_config;
mod sso_fuzz;
mod sso_grants;
mod sso_keyring;
mod sso_links;
mod sso_login;
mod sso_loopback;
mod sso_portal;
mod sso_sessions;
#[path = "../support/sso.rs"]
mod sso_support;
mod start_failures_sim;
mod strategies_sim;
