//! One region of the built world: task definitions and log groups, load balancers, target
//! groups, clusters with their container instances and services, and alarms.

use super::regions::default_container;
use super::{queries, trail};
use super::{AccountSpec, BehaviourSpec, RegionSpec, ServiceSpec, DAY, HOUR};
use crate::cloudwatch::comparison_words;
use crate::ids::{ecs_arn, elb_arn, stable_hex};
use crate::world::{
    Alarm, Behaviour, Cluster, ContainerDefinition, ContainerInstance, LoadBalancer, LogGroup,
    Region, Scheduler, Service, ServiceLoadBalancer, TargetGroup, TaskDefinition,
};

/// Build one region of an account; `history_start` is when the engine starts playing.
pub(super) fn build_region(
    a: &AccountSpec,
    r: &RegionSpec,
    now: f64,
    history_start: f64,
) -> Region {
    let p = a.partition.as_str();
    let region = r.name.as_str();
    let acct = a.id.as_str();
    let vpc_id = format!("vpc-{}", stable_hex(&format!("{acct}/{region}/vpc"), 17));
    let azs: Vec<String> = ["a", "b"].iter().map(|z| format!("{region}{z}")).collect();
    let mut out = Region {
        name: r.name.clone(),
        ..Region::default()
    };
    for f in &r.task_definitions {
        let n = f.revisions.len();
        for (i, rev) in f.revisions.iter().enumerate() {
            let revision = i as i64 + 1;
            let days_ago = rev
                .registered_days_ago
                .unwrap_or(((n - i) as f64) * 7.0 + 2.0);
            let env: Vec<(String, String)> = rev
                .env
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            out.task_definitions.push(TaskDefinition {
                family: f.family.clone(),
                revision,
                arn: ecs_arn(
                    p,
                    region,
                    acct,
                    &format!("task-definition/{}:{revision}", f.family),
                ),
                status: rev.status.clone().unwrap_or_else(|| "ACTIVE".into()),
                cpu: rev.cpu.clone().unwrap_or_else(|| f.cpu.clone()),
                memory: rev.memory.clone().unwrap_or_else(|| f.memory.clone()),
                containers: vec![ContainerDefinition {
                    name: f.container.clone(),
                    image: rev.image.clone(),
                    essential: true,
                    ports: f.port.into_iter().collect(),
                    environment: env,
                    log_group: f.log_group.clone(),
                    log_stream_prefix: f.log_group.as_ref().map(|_| f.log_prefix.clone()),
                    cpu: 0,
                    memory_reservation: None,
                }],
                network_mode: f.network_mode.clone(),
                registered_at: now - days_ago * DAY,
                cpu_architecture: rev
                    .architecture
                    .clone()
                    .unwrap_or_else(|| f.architecture.clone()),
                behaviour: rev.behaviour.as_ref().map(BehaviourSpec::to_behaviour),
                requires_compatibilities: if f.compatibilities.is_empty() {
                    vec!["FARGATE".into()]
                } else {
                    f.compatibilities.clone()
                },
                execution_role_arn: Some(format!(
                    "arn:{p}:iam::{acct}:role/{}-execution-role",
                    f.family
                )),
                task_role_arn: Some(format!("arn:{p}:iam::{acct}:role/{}-task-role", f.family)),
                region: f.log_region.clone().unwrap_or_else(|| r.name.clone()),
            });
            if let Some(group) = &f.log_group {
                if !out.log_groups.iter().any(|g| &g.name == group) {
                    out.log_groups.push(LogGroup {
                        name: group.clone(),
                        created_at: now - (n as f64 * 7.0 + 30.0) * DAY,
                        retention_days: Some(30),
                        shown_in: f.log_region.clone().filter(|lr| lr != &r.name),
                        streams: Vec::new(),
                    });
                }
            }
        }
    }
    for lb in &r.load_balancers {
        let id = stable_hex(&format!("{acct}/{region}/lb/{}", lb.name), 16);
        out.load_balancers.push(LoadBalancer {
            name: lb.name.clone(),
            arn: elb_arn(
                p,
                region,
                acct,
                &format!(
                    "loadbalancer/{}/{}/{id}",
                    if lb.kind == "network" { "net" } else { "app" },
                    lb.name
                ),
            ),
            dns_name: format!(
                "{}{}-{}.{region}.elb.amazonaws.com",
                if lb.scheme == "internal" {
                    "internal-"
                } else {
                    ""
                },
                lb.name,
                u64::from_str_radix(&id[..8], 16).unwrap_or(1) % 2_000_000_000
            ),
            scheme: lb.scheme.clone(),
            kind: lb.kind.clone(),
            listener_ports: lb.listeners.clone(),
            created_at: now - 120.0 * DAY,
            vpc_id: vpc_id.clone(),
            availability_zones: azs.clone(),
        });
    }
    for tg in &r.target_groups {
        let id = stable_hex(&format!("{acct}/{region}/tg/{}", tg.name), 16);
        let lb_arns = tg
            .load_balancer
            .as_ref()
            .and_then(|n| out.load_balancers.iter().find(|l| &l.name == n))
            .map(|l| vec![l.arn.clone()])
            .unwrap_or_default();
        out.target_groups.push(TargetGroup {
            name: tg.name.clone(),
            arn: elb_arn(p, region, acct, &format!("targetgroup/{}/{id}", tg.name)),
            load_balancer_arns: lb_arns,
            port: tg.port,
            protocol: tg.protocol.clone(),
            health_check_path: tg.health_check_path.clone(),
            deregistration_delay: tg.deregistration_delay,
            targets: Vec::new(),
            vpc_id: vpc_id.clone(),
            target_type: tg.target_type.clone(),
        });
    }
    for c in &r.clusters {
        let cluster_arn = ecs_arn(p, region, acct, &format!("cluster/{}", c.name));
        let container_instances = (0..c.container_instances)
            .map(|i| {
                let id = stable_hex(&format!("{cluster_arn}/ci/{i}"), 32);
                ContainerInstance {
                    arn: ecs_arn(
                        p,
                        region,
                        acct,
                        &format!("container-instance/{}/{id}", c.name),
                    ),
                    ec2_instance_id: format!("i-{}", stable_hex(&format!("{id}/ec2"), 17)),
                    status: "ACTIVE".into(),
                    cpu: c.instance_cpu,
                    memory: c.instance_memory,
                    registered_at: now - 20.0 * DAY,
                }
            })
            .collect();
        let mut services = Vec::new();
        for s in &c.services {
            let mut svc =
                build_service(a, r, &mut out, s, &cluster_arn, &c.name, now, history_start);
            // A daemon wants one task on each instance, whatever the scenario says.
            if svc.scheduling_strategy == "DAEMON" {
                svc.desired_count = i64::from(c.container_instances);
            }
            if let Some(spec) = &s.autoscaling {
                out.scalable_targets
                    .push(spec.target(a, r, &c.name, &s.name, now));
            }
            services.push(svc);
        }
        out.clusters.push(Cluster {
            name: c.name.clone(),
            arn: cluster_arn,
            status: "ACTIVE".into(),
            capacity_providers: c.capacity_providers.clone(),
            container_instances,
            services,
        });
    }
    trail::seed(&mut out, p, acct, now);
    queries::seed(&mut out, acct, &a.default_region, now);
    for al in &r.alarms {
        let dimensions = al
            .dimensions
            .iter()
            .map(|(k, v)| (k.clone(), expand_dimension(&out, v)))
            .collect();
        out.alarms.push(Alarm {
            name: al.name.clone(),
            arn: format!("arn:{p}:cloudwatch:{region}:{acct}:alarm:{}", al.name),
            description: al.description.clone(),
            namespace: al.namespace.clone(),
            metric_name: al.metric.clone(),
            dimensions,
            statistic: al.statistic.clone(),
            period: al.period,
            threshold: al.threshold,
            comparison: al.comparison.clone(),
            evaluation_periods: al.evaluation_periods,
            state: al.state.clone(),
            state_reason: al.state_reason.clone().unwrap_or_else(|| {
                if al.state == "ALARM" {
                    format!(
                        "Threshold Crossed: {} datapoints were {} the threshold ({}).",
                        al.evaluation_periods,
                        comparison_words(&al.comparison).unwrap_or("compared with"),
                        al.threshold
                    )
                } else {
                    format!(
                        "Threshold Crossed: no datapoints were {} the threshold ({}).",
                        comparison_words(&al.comparison).unwrap_or("compared with"),
                        al.threshold
                    )
                }
            }),
            state_updated_at: now
                - if al.state == "ALARM" {
                    0.6 * HOUR
                } else {
                    2.0 * DAY
                },
        });
    }
    out
}

/// `@lb:NAME` -> `app/NAME/ID`, `@tg:NAME` -> `targetgroup/NAME/ID` (CloudWatch dimension values).
fn expand_dimension(region: &Region, value: &str) -> String {
    if let Some(name) = value.strip_prefix("@lb:") {
        if let Some(lb) = region.load_balancers.iter().find(|l| l.name == name) {
            if let Some((_, suffix)) = lb.arn.split_once(":loadbalancer/") {
                return suffix.to_string();
            }
        }
    }
    if let Some(name) = value.strip_prefix("@tg:") {
        if let Some(tg) = region.target_groups.iter().find(|t| t.name == name) {
            if let Some((_, suffix)) = tg.arn.rsplit_once(':') {
                return suffix.to_string();
            }
        }
    }
    value.to_string()
}

/// Build a service (no tasks yet: the engine deploys it when history starts).
#[allow(clippy::too_many_arguments)]
fn build_service(
    a: &AccountSpec,
    r: &RegionSpec,
    region: &mut Region,
    s: &ServiceSpec,
    cluster_arn: &str,
    cluster_name: &str,
    now: f64,
    history_start: f64,
) -> Service {
    let (family, rev) = s
        .task_definition
        .rsplit_once(':')
        .unwrap_or((s.task_definition.as_str(), "1"));
    let rev: i64 = rev.parse().unwrap_or(1);
    let td_arn = |rev: i64| {
        ecs_arn(
            &a.partition,
            &r.name,
            &a.id,
            &format!("task-definition/{family}:{rev}"),
        )
    };
    // A service's behaviour belongs to the revision it runs now, unless the revision says otherwise.
    let behaviour = s.behaviour.as_ref().map(BehaviourSpec::to_behaviour);
    if let Some(b) = &behaviour {
        if let Some(td) = region
            .task_definitions
            .iter_mut()
            .find(|t| t.family == family && t.revision == rev && t.behaviour.is_none())
        {
            td.behaviour = Some(b.clone());
        }
    }
    let port = s.container_port.unwrap_or_else(|| {
        r.task_definitions
            .iter()
            .find(|f| f.family == family)
            .and_then(|f| f.port)
            .unwrap_or(8080)
    });
    let container = r
        .task_definitions
        .iter()
        .find(|f| f.family == family)
        .map(|f| f.container.clone())
        .unwrap_or_else(default_container);
    let alternate = s
        .release
        .as_ref()
        .and_then(|x| x.alternate_target_group.as_ref())
        .and_then(|tg| region.target_groups.iter().find(|t| &t.name == tg))
        .map(|tg| tg.arn.clone());
    let load_balancers = s
        .target_group
        .as_ref()
        .and_then(|tg| region.target_groups.iter().find(|t| &t.name == tg))
        .map(|tg| {
            // The listener rules ECS moves production and test traffic with: on the load
            // balancer's first listener, and its second one (if any) for test traffic.
            let lb = tg
                .load_balancer_arns
                .first()
                .and_then(|arn| region.load_balancers.iter().find(|l| &l.arn == arn));
            let rule = |kind: &str| {
                let lb = lb?;
                let port = match kind {
                    "test" => lb.listener_ports.get(1).or(lb.listener_ports.first()),
                    _ => lb.listener_ports.first(),
                };
                let listener = crate::elbv2::listener_arn(lb, *port?);
                Some(crate::elbv2::rule_arn(
                    &listener,
                    &format!("{}/{kind}", tg.arn),
                ))
            };
            vec![ServiceLoadBalancer {
                target_group_arn: tg.arn.clone(),
                container_name: container.clone(),
                container_port: port,
                production_listener_rule: alternate.as_ref().and_then(|_| rule("production")),
                test_listener_rule: alternate.as_ref().and_then(|_| rule("test")),
                alternate_target_group_arn: alternate.clone(),
                production_on_alternate: false,
            }]
        })
        .unwrap_or_default();
    let deployed_at = s.deployed_hours_ago.map(|h| now - h * HOUR);
    let rollouts = s
        .release
        .as_ref()
        .map(|x| &x.rollouts)
        .filter(|x| !x.is_empty());
    let (first_rev, planned) = match (rollouts, deployed_at) {
        (Some(list), _) => (
            1,
            list.iter()
                .map(|x| {
                    (
                        (now - x.minutes_ago * 60.0).max(history_start),
                        td_arn(x.revision),
                    )
                })
                .collect(),
        ),
        (None, Some(t)) if rev > 1 && t > history_start => (rev - 1, vec![(t, td_arn(rev))]),
        _ => (rev, Vec::new()),
    };
    Service {
        name: s.name.clone(),
        arn: ecs_arn(
            &a.partition,
            &r.name,
            &a.id,
            &format!("service/{cluster_name}/{}", s.name),
        ),
        status: "ACTIVE".into(),
        desired_count: s.desired_count,
        launch_type: s.launch_type.clone(),
        capacity_provider: s.capacity_provider.clone(),
        task_definition: td_arn(first_rev),
        scheduling_strategy: s.scheduling_strategy.clone(),
        deployment_controller: s.deployment_controller.clone(),
        minimum_healthy_percent: s.minimum_healthy_percent,
        maximum_percent: s.maximum_percent,
        circuit_breaker: s.circuit_breaker,
        rollback: s.rollback,
        load_balancers,
        deployments: Vec::new(),
        events: Vec::new(),
        tasks: Vec::new(),
        behaviour: Behaviour::Healthy,
        created_at: now - s.created_days_ago.unwrap_or(90.0) * DAY,
        history: Vec::new(),
        cluster_arn: cluster_arn.to_string(),
        scheduler: Scheduler {
            // The engine creates the first deployment when history starts.
            planned_updates: std::iter::once((history_start, td_arn(first_rev)))
                .chain(planned)
                .collect(),
            ..Scheduler::default()
        },
        release: s
            .release
            .as_ref()
            .map(|x| x.to_release())
            .unwrap_or_default(),
        demand: s.autoscaling.as_ref().and_then(|x| x.demand()),
    }
}
