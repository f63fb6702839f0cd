//! The checks serde cannot make: cross-references, partitions and regions, unique keys; each
//! message names the field.

use super::Scenario;

impl Scenario {
    /// Cross-references and values serde cannot check; the message names the field.
    pub(super) fn validate(&self) -> Result<(), String> {
        let mut key_ids = std::collections::HashSet::new();
        for (ai, a) in self.accounts.iter().enumerate() {
            let at = format!("accounts[{ai}] ({})", a.name);
            if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{at}.id: '{}' is not a 12-digit account id", a.id));
            }
            let Some((_, regions)) = crate::world::PARTITIONS
                .iter()
                .find(|(p, _)| *p == a.partition)
            else {
                return Err(format!(
                    "{at}.partition: '{}' is not aws or aws-us-gov",
                    a.partition
                ));
            };
            if !regions.contains(&a.default_region.as_str()) {
                return Err(format!(
                    "{at}.default_region: '{}' is not a region of {}",
                    a.default_region, a.partition
                ));
            }
            for (ui, u) in a.users.iter().enumerate() {
                if !key_ids.insert(u.access_key_id.clone()) {
                    return Err(format!(
                        "{at}.users[{ui}].access_key_id: '{}' is used twice",
                        u.access_key_id
                    ));
                }
            }
            for (ri, r) in a.regions.iter().enumerate() {
                let at = format!("{at}.regions[{ri}] ({})", r.name);
                if !regions.contains(&r.name.as_str()) {
                    return Err(format!(
                        "{at}.name: '{}' is not a region of {}",
                        r.name, a.partition
                    ));
                }
                for (fi, f) in r.task_definitions.iter().enumerate() {
                    if f.revisions.is_empty() {
                        return Err(format!(
                            "{at}.task_definitions[{fi}] ({}).revisions: at least one revision is needed",
                            f.family
                        ));
                    }
                }
                for l in &r.load_balancers {
                    if l.kind != "application" && l.kind != "network" {
                        return Err(format!(
                            "{at}.load_balancers ({}).type: '{}' is not application or network",
                            l.name, l.kind
                        ));
                    }
                }
                for (ti, t) in r.target_groups.iter().enumerate() {
                    if t.target_type != "ip" && t.target_type != "instance" {
                        return Err(format!(
                            "{at}.target_groups[{ti}] ({}).target_type: '{}' is not ip or instance",
                            t.name, t.target_type
                        ));
                    }
                    if let Some(lb) = &t.load_balancer {
                        let Some(found) = r.load_balancers.iter().find(|l| &l.name == lb) else {
                            return Err(format!(
                                "{at}.target_groups[{ti}] ({}).load_balancer: no load balancer '{lb}' in this region",
                                t.name
                            ));
                        };
                        // A network load balancer forwards TCP; an application one HTTP(S).
                        let tcp = t.protocol == "TCP";
                        if tcp != (found.kind == "network") {
                            return Err(format!(
                                "{at}.target_groups[{ti}] ({}).protocol: '{}' does not suit the {} load balancer '{lb}'",
                                t.name, t.protocol, found.kind
                            ));
                        }
                    }
                }
                for (ci, c) in r.clusters.iter().enumerate() {
                    for (si, s) in c.services.iter().enumerate() {
                        let at = format!(
                            "{at}.clusters[{ci}] ({}).services[{si}] ({})",
                            c.name, s.name
                        );
                        let Some((family, rev)) = s.task_definition.rsplit_once(':') else {
                            return Err(format!(
                                "{at}.task_definition: '{}' is not family:revision",
                                s.task_definition
                            ));
                        };
                        let rev: usize = rev.parse().unwrap_or(0);
                        let revisions = r
                            .task_definitions
                            .iter()
                            .find(|f| f.family == family)
                            .map_or(0, |f| f.revisions.len());
                        let ok = rev >= 1 && rev <= revisions;
                        if !ok {
                            return Err(format!(
                                "{at}.task_definition: no task definition '{}' in this region",
                                s.task_definition
                            ));
                        }
                        if let Some(e) = s.release.as_ref().and_then(|x| x.error(r, revisions)) {
                            return Err(format!("{at}.{e}"));
                        }
                        if let Some(tg) = &s.target_group {
                            if !r.target_groups.iter().any(|t| &t.name == tg) {
                                return Err(format!(
                                    "{at}.target_group: no target group '{tg}' in this region"
                                ));
                            }
                        }
                        if s.desired_count < 0 {
                            return Err(format!("{at}.desired_count: must be 0 or more"));
                        }
                        if s.launch_type != "FARGATE" && s.launch_type != "EC2" {
                            return Err(format!(
                                "{at}.launch_type: '{}' is not FARGATE or EC2",
                                s.launch_type
                            ));
                        }
                        if let Some(cp) = &s.capacity_provider {
                            if !c.capacity_providers.contains(cp) || s.launch_type != "FARGATE" {
                                return Err(format!(
                                    "{at}.capacity_provider: '{cp}' is not a Fargate capacity provider of cluster {}",
                                    c.name
                                ));
                            }
                        }
                        if let Some(e) = service_kind_error(s) {
                            return Err(format!("{at}.{e}"));
                        }
                        if s.launch_type == "EC2" && c.container_instances == 0 {
                            return Err(format!(
                                "{at}.launch_type: EC2 needs container_instances in cluster {}",
                                c.name
                            ));
                        }
                    }
                }
            }
        }
        for (si, s) in self.sso.iter().enumerate() {
            if crate::world::partition_of_region(&s.region).is_none() {
                return Err(format!(
                    "sso[{si}].region: '{}' is not a known region",
                    s.region
                ));
            }
            for (ai, asg) in s.assignments.iter().enumerate() {
                let Some(account) = self.accounts.iter().find(|a| a.id == asg.account) else {
                    return Err(format!(
                        "sso[{si}].assignments[{ai}].account: no account {}",
                        asg.account
                    ));
                };
                for role in &asg.roles {
                    if !account.roles.iter().any(|r| &r.name == role) {
                        return Err(format!(
                            "sso[{si}].assignments[{ai}].roles: account {} has no role '{role}'",
                            asg.account
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// What AWS's CreateService would refuse about a service's scheduling and controller.
fn service_kind_error(s: &super::regions::ServiceSpec) -> Option<String> {
    if !["REPLICA", "DAEMON"].contains(&s.scheduling_strategy.as_str()) {
        return Some(format!(
            "scheduling_strategy: '{}' is not REPLICA or DAEMON",
            s.scheduling_strategy
        ));
    }
    if !["ECS", "CODE_DEPLOY", "EXTERNAL"].contains(&s.deployment_controller.as_str()) {
        return Some(format!(
            "deployment_controller: '{}' is not ECS, CODE_DEPLOY or EXTERNAL",
            s.deployment_controller
        ));
    }
    if s.scheduling_strategy == "DAEMON" {
        if s.launch_type != "EC2" || s.capacity_provider.is_some() {
            return Some("scheduling_strategy: DAEMON needs the EC2 launch type".into());
        }
        if s.deployment_controller != "ECS" {
            return Some("scheduling_strategy: DAEMON needs the ECS deployment controller".into());
        }
        if s.maximum_percent > 100 {
            return Some("maximum_percent: a DAEMON service takes at most 100".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_reference_names_the_field() {
        let text = r#"
[[accounts]]
id = "111111111111"
name = "x"
partition = "aws"
default_region = "us-east-1"
[[accounts.regions]]
name = "us-east-1"
[[accounts.regions.clusters]]
name = "c"
[[accounts.regions.clusters.services]]
name = "s"
desired_count = 1
task_definition = "nope:1"
"#;
        let err = Scenario::parse("x.toml", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("services[0] (s).task_definition"), "{err}");
    }

    #[test]
    fn wrong_partition_region_is_rejected() {
        let text = r#"
[[accounts]]
id = "111111111111"
name = "x"
partition = "aws-us-gov"
default_region = "us-east-1"
"#;
        let err = Scenario::parse("x.toml", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("default_region"), "{err}");
    }
}
