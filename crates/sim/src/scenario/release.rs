//! A service's release settings in a scenario: its deployment strategy (rolling, blue/green,
//! linear, canary) with bake time, its alternate target group, a pause hook, and the rollouts
//! its history replays (each becomes a service deployment with ECS's record of it).

use serde::Deserialize;

use super::RegionSpec;
use crate::world::{LifecycleHook, Release};

/// The stages a lifecycle hook may run at.
const HOOK_STAGES: [&str; 7] = [
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "RECONCILE_SERVICE",
];

/// `[...services.release]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSpec {
    /// `ROLLING`, `BLUE_GREEN`, `LINEAR` or `CANARY`.
    #[serde(default = "default_strategy")]
    pub strategy: String,
    /// bakeTimeInMinutes.
    #[serde(default)]
    pub bake_minutes: i64,
    /// canaryConfiguration.canaryPercent.
    #[serde(default)]
    pub canary_percent: Option<f64>,
    /// canaryConfiguration.canaryBakeTimeInMinutes.
    #[serde(default)]
    pub canary_minutes: Option<i64>,
    /// linearConfiguration.stepPercent.
    #[serde(default)]
    pub step_percent: Option<f64>,
    /// linearConfiguration.stepBakeTimeInMinutes.
    #[serde(default)]
    pub step_minutes: Option<i64>,
    /// The alternate (green) target group's name; blue/green, linear and canary need one.
    #[serde(default)]
    pub alternate_target_group: Option<String>,
    /// Stages a PAUSE lifecycle hook waits at.
    #[serde(default)]
    pub pause_stages: Vec<String>,
    /// The pause hook's timeout in minutes.
    #[serde(default = "default_pause_timeout")]
    pub pause_timeout_minutes: i64,
    /// What the pause hook does when it times out: `ROLLBACK` or `CONTINUE`.
    #[serde(default = "default_pause_action")]
    pub pause_timeout_action: String,
    /// deploymentConfiguration.alarms: CloudWatch alarms of the region that fail a deployment.
    #[serde(default)]
    pub alarms: Vec<String>,
    /// Whether a failure by those alarms rolls the deployment back.
    #[serde(default = "default_true")]
    pub alarm_rollback: bool,
    /// Deployments the history replays, oldest first (the service starts at revision 1).
    #[serde(default)]
    pub rollouts: Vec<RolloutSpec>,
}

/// One replayed deployment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutSpec {
    /// Task definition revision it deploys.
    pub revision: i64,
    /// When it started, in minutes before now.
    pub minutes_ago: f64,
}

fn default_true() -> bool {
    true
}

fn default_strategy() -> String {
    "ROLLING".into()
}

fn default_pause_timeout() -> i64 {
    60
}

fn default_pause_action() -> String {
    "ROLLBACK".into()
}

impl ReleaseSpec {
    /// What CreateService would refuse, naming the field.
    pub(super) fn error(&self, r: &RegionSpec, revisions: usize) -> Option<String> {
        let s = self.strategy.as_str();
        if !["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"].contains(&s) {
            return Some(format!(
                "release.strategy: '{s}' is not ROLLING, BLUE_GREEN, LINEAR or CANARY"
            ));
        }
        if s != "ROLLING" {
            match &self.alternate_target_group {
                None => return Some(format!("release.alternate_target_group: {s} needs one")),
                Some(tg) if !r.target_groups.iter().any(|t| &t.name == tg) => {
                    return Some(format!(
                        "release.alternate_target_group: no target group '{tg}' in this region"
                    ))
                }
                _ => {}
            }
        }
        if s == "CANARY" && !self.canary_percent.is_some_and(|p| p > 0.0 && p < 100.0) {
            return Some("release.canary_percent: CANARY needs a percent between 0 and 100".into());
        }
        if s == "LINEAR"
            && !self
                .step_percent
                .is_some_and(|p| (3.0..=100.0).contains(&p))
        {
            return Some("release.step_percent: LINEAR needs a step of 3 to 100 percent".into());
        }
        if let Some(bad) = self
            .pause_stages
            .iter()
            .find(|x| !HOOK_STAGES.contains(&x.as_str()))
        {
            return Some(format!("release.pause_stages: '{bad}' is not a hook stage"));
        }
        if let Some(bad) = self
            .alarms
            .iter()
            .find(|a| !r.alarms.iter().any(|x| &x.name == *a))
        {
            return Some(format!("release.alarms: no alarm '{bad}' in this region"));
        }
        if !["ROLLBACK", "CONTINUE"].contains(&self.pause_timeout_action.as_str()) {
            return Some("release.pause_timeout_action: use ROLLBACK or CONTINUE".into());
        }
        if let Some(x) = self
            .rollouts
            .iter()
            .find(|x| x.revision < 1 || x.revision as usize > revisions)
        {
            return Some(format!(
                "release.rollouts: revision {} does not exist",
                x.revision
            ));
        }
        None
    }

    /// The world's release settings.
    pub(super) fn to_release(&self) -> Release {
        let pause = (!self.pause_stages.is_empty()).then(|| LifecycleHook {
            target_type: "PAUSE".into(),
            target_arn: None,
            role_arn: None,
            stages: self.pause_stages.clone(),
            timeout_minutes: self.pause_timeout_minutes,
            timeout_action: self.pause_timeout_action.clone(),
        });
        Release {
            strategy: self.strategy.clone(),
            bake_minutes: self.bake_minutes,
            canary: self
                .canary_percent
                .map(|p| (p, self.canary_minutes.unwrap_or(10))),
            linear: self
                .step_percent
                .map(|p| (p, self.step_minutes.unwrap_or(10))),
            hooks: pause.into_iter().collect(),
            alarms: (!self.alarms.is_empty()).then(|| (self.alarms.clone(), self.alarm_rollback)),
            ..Release::default()
        }
    }
}
