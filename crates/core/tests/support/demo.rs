//! The demo fleet the integration tests run against: the simulator, its two accounts' operator
//! keys and their sessions.

use ecsdesk_core::{SessionInfo, SessionRegistry, SessionSource};
use ecsdesk_sim::{SimConfig, SimHandle};

/// The GovCloud demo account's operator key id.
pub const GOV_KEY: &str = "AKIASIMGOVPROD000001";
/// The GovCloud demo account's operator secret.
pub const GOV_SECRET: &str = "simGovProdSecret0000000000000000000000001";
/// The commercial demo account's operator key id.
pub const COM_KEY: &str = "AKIASIMCOMSTAGE00001";
/// The commercial demo account's operator secret.
pub const COM_SECRET: &str = "simComStageSecret000000000000000000000001";

/// Starts the simulator with `scenario` on real time.
pub async fn sim(scenario: &str) -> SimHandle {
    ecsdesk_sim::start(SimConfig {
        port: 0,
        scenario: scenario.into(),
        speed: 1.0,
    })
    .await
    .expect("simulator starts")
}

/// The GovCloud demo account's operator keys against `endpoint`.
pub fn gov(endpoint: &str) -> SessionSource {
    SessionSource::explicit("demo-govcloud", GOV_KEY, GOV_SECRET, endpoint)
}

/// The commercial demo account's operator keys against `endpoint`.
pub fn commercial(endpoint: &str) -> SessionSource {
    SessionSource::explicit("demo-commercial", COM_KEY, COM_SECRET, endpoint)
}

/// Opens both demo sessions (GovCloud in us-gov-east-1, commercial in its default region).
pub async fn both(endpoint: &str) -> (SessionRegistry, SessionInfo, SessionInfo) {
    let registry = SessionRegistry::new();
    let g = registry
        .open(gov(endpoint), Some("us-gov-east-1".into()))
        .await
        .expect("gov session opens");
    let c = registry
        .open(commercial(endpoint), None)
        .await
        .expect("commercial session opens");
    (registry, g, c)
}
