//! The built-in scenarios: `demo` (the fixed demo fleet) and `scale:CLUSTERS:SERVICES`.

use std::collections::BTreeMap;

use super::regions::{
    default_arch, default_cpu, default_instance_cpu, default_instance_memory, default_launch_type,
    default_memory, default_network_mode, default_prefix,
};
use super::{ClusterSpec, FamilySpec, RegionSpec, RevisionSpec, Scenario, ServiceSpec, UserSpec};
use crate::error::SimError;

/// The built-in demo scenario (fixed names; see the team contract).
pub(super) const DEMO: &str = include_str!("../../scenarios/demo.toml");

impl Scenario {
    /// `scale:CLUSTERS:SERVICES`: one account per partition, each with CLUSTERS clusters of
    /// SERVICES healthy services; plus a read-only IAM user per account.
    pub(super) fn scale(name: &str, spec: &str) -> Result<Scenario, SimError> {
        let bad = || {
            SimError::Scenario {
            name: name.to_string(),
            message: "expected scale:CLUSTERS:SERVICES with 1..=100 clusters and 1..=2000 services per cluster".into(),
        }
        };
        let (c, s) = spec.split_once(':').ok_or_else(bad)?;
        let clusters: usize = c.parse().map_err(|_| bad())?;
        let services: usize = s.parse().map_err(|_| bad())?;
        if !(1..=100).contains(&clusters) || !(1..=2000).contains(&services) {
            return Err(bad());
        }
        let demo = Self::parse("demo", DEMO)?;
        let mut accounts = Vec::new();
        for base in &demo.accounts {
            let mut account = base.clone();
            let Some(first) = base.users.first() else {
                continue;
            };
            // The read-only key is the operator key with its last character replaced by `R`.
            let ro_key: String = first
                .access_key_id
                .chars()
                .take(19)
                .chain(std::iter::once('R'))
                .collect();
            account.users.push(UserSpec {
                name: format!("{}-readonly", first.name),
                profile: Some(format!(
                    "{}-readonly",
                    first.profile.as_deref().unwrap_or(&first.name)
                )),
                access_key_id: ro_key,
                secret_access_key: format!("{}ReadOnly", first.secret_access_key),
                read_only: true,
            });
            let mut region = RegionSpec {
                name: base.default_region.clone(),
                ..RegionSpec::default()
            };
            for ci in 0..clusters {
                let mut cluster = ClusterSpec {
                    name: format!("scale-cluster-{ci:02}"),
                    capacity_providers: vec!["FARGATE".into(), "FARGATE_SPOT".into()],
                    container_instances: 0,
                    instance_cpu: default_instance_cpu(),
                    instance_memory: default_instance_memory(),
                    services: Vec::with_capacity(services),
                };
                for si in 0..services {
                    let family = format!("scale-{ci:02}-svc-{si:04}");
                    region.task_definitions.push(FamilySpec {
                        family: family.clone(),
                        container: "app".into(),
                        port: Some(8080),
                        cpu: default_cpu(),
                        memory: default_memory(),
                        architecture: default_arch(),
                        log_group: Some(format!("/ecs/{family}")),
                        log_prefix: default_prefix(),
                        log_region: None,
                        network_mode: default_network_mode(),
                        compatibilities: Vec::new(),
                        revisions: vec![RevisionSpec {
                            image: format!("public.ecr.aws/ecsdesk/{family}:1.0.{}", si % 7),
                            env: BTreeMap::from([("SERVICE".to_string(), family.clone())]),
                            cpu: None,
                            memory: None,
                            architecture: None,
                            behaviour: None,
                            registered_days_ago: Some(10.0),
                            status: None,
                        }],
                    });
                    cluster.services.push(ServiceSpec {
                        name: format!("{family}-Service"),
                        desired_count: 1 + (si % 2) as i64,
                        launch_type: default_launch_type(),
                        capacity_provider: None,
                        task_definition: format!("{family}:1"),
                        scheduling_strategy: "REPLICA".into(),
                        deployment_controller: "ECS".into(),
                        target_group: None,
                        container_port: None,
                        minimum_healthy_percent: 100,
                        maximum_percent: 200,
                        circuit_breaker: true,
                        rollback: true,
                        behaviour: None,
                        deployed_hours_ago: None,
                        created_days_ago: Some(10.0),
                        release: None,
                        autoscaling: None,
                    });
                }
                region.clusters.push(cluster);
            }
            account.regions = vec![region];
            accounts.push(account);
        }
        Ok(Scenario {
            name: name.to_string(),
            history_days: 8.0,
            accounts,
            sso: demo.sso,
        })
    }
}
