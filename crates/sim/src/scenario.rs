//! Scenario files (TOML) and the built-in scenarios (being written).

use crate::clock::Clock;
use crate::error::SimError;
use crate::world::World;

/// A parsed scenario.
#[derive(Debug, Clone, Default)]
pub struct Scenario {}

impl Scenario {
    /// Load a built-in scenario by name or a TOML file by path.
    pub fn load(_name: &str) -> Result<Scenario, SimError> {
        Ok(Scenario {})
    }
}

impl World {
    /// Build the world a scenario describes.
    pub fn from_scenario(scenario: Scenario, clock: Clock) -> Result<World, SimError> {
        let now = clock.now();
        Ok(World {
            clock,
            scenario,
            accounts: Vec::new(),
            sso: Vec::new(),
            credentials: Default::default(),
            oidc: Default::default(),
            control: Default::default(),
            seq: 0,
            engine_time: now,
        })
    }
}

/// An AWS CLI config file with profiles for the world's IAM users and SSO instances.
pub fn aws_config_text(_world: &World) -> String {
    String::new()
}
