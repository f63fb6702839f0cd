//! Shared set-up of the reliability and security tests: the simulator, demo sessions, the control
//! API (fault injection, call counters, clock) and a short resilience policy.

#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use ecsdesk_core::aws::retry;
use ecsdesk_core::aws::retry::ResiliencePolicy;
use ecsdesk_core::{SessionInfo, SessionRegistry, SessionSource};
use ecsdesk_sim::{SimConfig, SimHandle};
use serde_json::{json, Value};

pub const GOV_KEY: &str = "AKIASIMGOVPROD000001";
pub const GOV_SECRET: &str = "simGovProdSecret0000000000000000000000001";
pub const COM_KEY: &str = "AKIASIMCOMSTAGE00001";
pub const COM_SECRET: &str = "simComStageSecret000000000000000000000001";

/// The policy of these tests: the app's attempts, with short backoffs and timeouts so a test of
/// timeouts takes seconds. Every test of a binary sets the same value, so order does not matter.
pub fn fast_policy() -> ResiliencePolicy {
    let policy = ResiliencePolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        connect_timeout: Duration::from_secs(2),
        attempt_timeout: Duration::from_millis(1500),
        operation_timeout: Duration::from_secs(20),
        // Reads for 2.8 s: the simulator, like ECS, lists a new deployment up to 2 s late.
        reconcile_reads: 5,
        reconcile_interval: Duration::from_millis(700),
    };
    retry::set_policy(policy);
    policy
}

/// Starts the simulator.
pub async fn sim_on(port: u16, scenario: &str, speed: f64) -> SimHandle {
    ecsdesk_sim::start(SimConfig {
        port,
        scenario: scenario.into(),
        speed,
    })
    .await
    .expect("simulator starts")
}

/// Starts the demo simulator on any port at real speed.
pub async fn sim() -> SimHandle {
    sim_on(0, "demo", 1.0).await
}

/// The GovCloud demo account's operator keys against `endpoint`.
pub fn gov(endpoint: &str) -> SessionSource {
    SessionSource::explicit("demo-govcloud", GOV_KEY, GOV_SECRET, endpoint)
}

/// The commercial demo account's operator keys against `endpoint`.
pub fn commercial(endpoint: &str) -> SessionSource {
    SessionSource::explicit("demo-commercial", COM_KEY, COM_SECRET, endpoint)
}

/// A registry with the GovCloud demo session open.
pub async fn gov_session(endpoint: &str) -> (SessionRegistry, SessionInfo) {
    let registry = SessionRegistry::new();
    let info = registry
        .open(gov(endpoint), Some("us-gov-east-1".into()))
        .await
        .expect("gov session opens");
    (registry, info)
}

/// Calls the simulator's control API with plain HTTP/1.1 (the app never does this).
pub async fn control(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    ecsdesk_sim::Control::on_port(port)
        .call(method, path, body)
        .await
        .unwrap_or_else(|e| panic!("control API: {e}"))
}

/// Queues `count` faults of `kind` on `operation`.
pub async fn fault(port: u16, operation: &str, kind: &str, count: u64, ms: u64) {
    control(
        port,
        "POST",
        "/_sim/faults",
        Some(json!({"operation": operation, "kind": kind, "count": count, "ms": ms})),
    )
    .await;
}

/// Removes every pending fault.
pub async fn clear_faults(port: u16) {
    control(port, "DELETE", "/_sim/faults", None).await;
}

/// Call counters by `service:Operation`.
pub async fn calls(port: u16) -> HashMap<String, u64> {
    let v = control(port, "GET", "/_sim/calls", None).await;
    serde_json::from_value(v).expect("calls map")
}

/// Resets the call counters.
pub async fn reset_calls(port: u16) {
    control(port, "POST", "/_sim/calls/reset", None).await;
}

/// Advances the simulated clock.
pub async fn advance(port: u16, seconds: f64) {
    control(
        port,
        "POST",
        "/_sim/clock/advance",
        Some(json!({ "seconds": seconds })),
    )
    .await;
}
