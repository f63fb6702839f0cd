//! `World::from_scenario`: the accounts, credentials and SSO instances of a scenario, its
//! regions (see `build_region`), then the engine plays the recent past up to now.

use super::build_region::build_region;
use super::{Scenario, DAY};
use crate::clock::Clock;
use crate::error::SimError;
use std::collections::HashMap;

use crate::world::{Account, Credential, IamUser, Principal, RoleDef, SsoInstance, World};

impl World {
    /// Build the world a scenario describes, then play its recent past up to the clock's now.
    pub fn from_scenario(scenario: Scenario, clock: Clock) -> Result<World, SimError> {
        let now = clock.now();
        let history_start = now - scenario.history_days.max(0.0) * DAY;
        let mut credentials = std::collections::HashMap::new();
        let mut accounts = Vec::new();
        for a in &scenario.accounts {
            let mut users = Vec::new();
            for u in &a.users {
                let user = IamUser {
                    name: u.name.clone(),
                    profile: u.profile.clone().unwrap_or_else(|| u.name.clone()),
                    access_key_id: u.access_key_id.clone(),
                    secret_access_key: u.secret_access_key.clone(),
                    read_only: u.read_only,
                };
                credentials.insert(
                    u.access_key_id.clone(),
                    Credential {
                        access_key_id: u.access_key_id.clone(),
                        secret_access_key: u.secret_access_key.clone(),
                        session_token: None,
                        expires_at: None,
                        principal: Principal {
                            account_id: a.id.clone(),
                            partition: a.partition.clone(),
                            name: u.name.clone(),
                            is_user: true,
                            read_only: u.read_only,
                            sso_user: None,
                            federated: false,
                        },
                    },
                );
                users.push(user);
            }
            let regions = a
                .regions
                .iter()
                .map(|r| build_region(a, r, now, history_start))
                .collect();
            accounts.push(Account {
                id: a.id.clone(),
                name: a.name.clone(),
                email: if a.email.is_empty() {
                    format!("aws+{}@example.com", a.name)
                } else {
                    a.email.clone()
                },
                partition: a.partition.clone(),
                default_region: a.default_region.clone(),
                roles: a
                    .roles
                    .iter()
                    .map(|r| RoleDef {
                        name: r.name.clone(),
                        read_only: r.read_only,
                    })
                    .collect(),
                users,
                regions,
            });
        }
        let sso = scenario
            .sso
            .iter()
            .map(|s| SsoInstance {
                start_url: s.start_url.clone(),
                region: s.region.clone(),
                session_name: s.session_name.clone(),
                partition: crate::world::partition_of_region(&s.region)
                    .unwrap_or("aws")
                    .to_string(),
                user: s.user.clone(),
                assignments: s
                    .assignments
                    .iter()
                    .map(|x| (x.account.clone(), x.roles.clone()))
                    .collect(),
            })
            .collect();
        let mut world = World {
            clock,
            scenario,
            accounts,
            sso,
            credentials,
            oidc: Default::default(),
            control: Default::default(),
            seq: 0,
            engine_time: history_start,
            signin_tokens: HashMap::new(),
            lookups: HashMap::new(),
        };
        crate::engine::advance_to(&mut world, now);
        Ok(world)
    }
}
