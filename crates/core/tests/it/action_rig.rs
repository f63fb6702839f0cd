//! The rig of the action tests: a simulator whose clock moves only when the test says so, two
//! sessions (GovCloud and commercial), an action center with quick polls, and the watch updates.

use crate::demo::{COM_KEY, COM_SECRET, GOV_KEY, GOV_SECRET};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::sso_support::{calls, control};
use ecsdesk_core::app::actions::WatchSink;
use ecsdesk_core::model::action::ActionConfig;
use ecsdesk_core::{ActionCenter, SessionInfo, SessionRegistry, SessionSource, WatchUpdate};
use ecsdesk_sim::{SimConfig, SimHandle};

/// A simulator whose clock only moves when the test says so.
pub async fn sim() -> SimHandle {
    ecsdesk_sim::start(SimConfig {
        port: 0,
        scenario: "demo".into(),
        speed: 0.000_001,
    })
    .await
    .expect("simulator starts")
}

/// Everything one test needs.
pub struct Rig {
    pub sim: SimHandle,
    pub registry: SessionRegistry,
    pub center: ActionCenter,
    pub dir: tempfile::TempDir,
    pub gov: SessionInfo,
    pub com: SessionInfo,
}

/// Quick polls so the tests run in seconds of real time.
pub fn fast() -> ActionConfig {
    ActionConfig {
        poll: Duration::from_millis(40),
        limit: Duration::from_secs(120),
        ..ActionConfig::default()
    }
}

pub async fn rig_with(config: ActionConfig) -> Rig {
    let sim = sim().await;
    let registry = SessionRegistry::new();
    let gov = registry
        .open(
            SessionSource::explicit("demo-govcloud", GOV_KEY, GOV_SECRET, sim.endpoint()),
            Some("us-gov-east-1".into()),
        )
        .await
        .expect("gov session");
    let com = registry
        .open(
            SessionSource::explicit("demo-commercial", COM_KEY, COM_SECRET, sim.endpoint()),
            None,
        )
        .await
        .expect("commercial session");
    let dir = tempfile::tempdir().unwrap();
    let center = ActionCenter::with_config(
        &dir.path().join("data"),
        &dir.path().join("exports"),
        config,
    );
    Rig {
        sim,
        registry,
        center,
        dir,
        gov,
        com,
    }
}

pub async fn rig() -> Rig {
    rig_with(fast()).await
}

/// Collects watch updates.
#[derive(Clone, Default)]
pub struct Updates(Arc<Mutex<Vec<WatchUpdate>>>);

impl Updates {
    pub fn sink(&self) -> WatchSink {
        let all = self.0.clone();
        Arc::new(move |u| all.lock().unwrap().push(u))
    }
    pub fn all(&self) -> Vec<WatchUpdate> {
        self.0.lock().unwrap().clone()
    }
    pub fn verdict(&self) -> Option<ecsdesk_core::model::action::Verdict> {
        self.all().iter().find_map(|u| u.verdict.clone())
    }
}

pub async fn advance(sim: &SimHandle, seconds: f64) {
    control(
        &sim.endpoint(),
        "POST",
        "clock/advance",
        &format!("{{\"seconds\":{seconds}}}"),
    )
    .await;
}

impl Rig {
    /// Moves the clock 5 s at a time until the watch has a verdict; `each` sees every step.
    pub async fn drive<F, Fut>(
        &self,
        updates: &Updates,
        steps: usize,
        each: F,
    ) -> ecsdesk_core::model::action::Verdict
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        self.drive_by(updates, steps, 5.0, each).await
    }

    /// Moves the clock `seconds` at a time until the watch has a verdict.
    pub async fn drive_by<F, Fut>(
        &self,
        updates: &Updates,
        steps: usize,
        seconds: f64,
        mut each: F,
    ) -> ecsdesk_core::model::action::Verdict
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        for _ in 0..steps {
            if let Some(v) = updates.verdict() {
                return v;
            }
            advance(&self.sim, seconds).await;
            each().await;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        for _ in 0..50 {
            if let Some(v) = updates.verdict() {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        panic!(
            "no verdict after {steps} steps; last update: {:?}",
            updates.all().last()
        );
    }

    pub async fn update_calls(&self) -> u64 {
        calls(&self.sim.endpoint(), "ecs:UpdateService").await
    }
}
