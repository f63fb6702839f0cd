//! Scenario files (TOML) and the built-in scenarios: `demo`, `scale:CLUSTERS:SERVICES`, or a path.
//!
//! A scenario describes the fleet as it was configured; `World::from_scenario` builds it and lets
//! the engine play the recent past (service creation, earlier rollouts, crash loops, OOM kills) so
//! the world is at a consistent "steady state as of now" with tasks, events and log streams.
//!
//! `accounts` and `regions` describe the file format, `builtin` holds the built-in scenarios,
//! `validate` checks what serde cannot, `build` and `build_region` turn a scenario into a `World`, and
//! `aws_config` writes the matching AWS CLI profiles.

mod accounts;
mod aws_config;
mod build;
mod build_region;
mod builtin;
mod queries;
mod regions;
mod release;
mod scaling;
mod trail;
mod validate;

use serde::Deserialize;

use crate::error::SimError;

pub use accounts::{AccountSpec, AssignmentSpec, RoleSpec, SsoSpec, UserSpec};
pub use aws_config::aws_config_text;
pub use regions::{
    AlarmSpec, BehaviourSpec, ClusterSpec, FamilySpec, LoadBalancerSpec, RegionSpec, RevisionSpec,
    ServiceSpec, TargetGroupSpec,
};
pub use scaling::{service_linked_role, AutoScalingSpec, ScheduledSpec};

use builtin::DEMO;

const DAY: f64 = 86_400.0;
const HOUR: f64 = 3_600.0;

/// A parsed scenario.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// How many days of past the engine plays at start-up (events, task history, log streams).
    #[serde(default = "default_history_days")]
    pub history_days: f64,
    /// Accounts.
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
    /// IAM Identity Center instances.
    #[serde(default)]
    pub sso: Vec<SsoSpec>,
}

fn default_history_days() -> f64 {
    8.0
}

impl Scenario {
    /// Load a built-in scenario by name or a TOML file by path.
    pub fn load(name: &str) -> Result<Scenario, SimError> {
        if name == "demo" {
            return Self::parse("demo", DEMO);
        }
        if let Some(rest) = name.strip_prefix("scale:") {
            return Self::scale(name, rest);
        }
        let text = std::fs::read_to_string(name).map_err(|e| SimError::Scenario {
            name: name.to_string(),
            message: format!(
                "not a built-in scenario (demo, scale:CLUSTERS:SERVICES) and not a readable file: {e}"
            ),
        })?;
        Self::parse(name, &text)
    }

    /// Parse and check scenario TOML; errors name the file and the line or field.
    pub fn parse(name: &str, text: &str) -> Result<Scenario, SimError> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            SimError::Scenario {
                name: name.to_string(),
                message: match line {
                    Some(l) => format!("line {l}: {}", e.message()),
                    None => e.to_string(),
                },
            }
        })?;
        scenario.validate().map_err(|message| SimError::Scenario {
            name: name.to_string(),
            message,
        })?;
        Ok(scenario)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_toml_names_the_line() {
        let err = Scenario::parse("bad.toml", "name = \"x\"\n[[accounts]]\nid = 5\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }
}
