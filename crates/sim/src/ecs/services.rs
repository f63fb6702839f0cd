//! ListServices, DescribeServices and UpdateService (desired count, new revision, forced
//! deployment, deployment configuration), which hands the change to the engine.

use super::release_config;
use super::service_kinds::{refusal, task_sets, uses_task_sets};
use super::task_definitions::resolve_task_definition;
use super::{
    access_denied, describe_idents, fargate_only, find_cluster, find_service, ident_name, missing,
    paginate, service_not_found, with_region,
};
use crate::engine;
use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Deployment, Service, World};

pub(super) fn list_services(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let launch_type = call.str("launchType").map(str::to_string);
    if let Some(lt) = &launch_type {
        if !["EC2", "FARGATE", "EXTERNAL"].contains(&lt.as_str()) {
            return Err(AwsError::invalid_parameter(format!(
                "launchType '{lt}' is not one of EC2, FARGATE, EXTERNAL."
            )));
        }
    }
    let arns = with_region(world, ctx, |r| {
        find_cluster(r, ctx, call).map(|c| {
            c.services
                .iter()
                // A service with a capacity provider strategy has no launch type to match.
                .filter(|s| {
                    launch_type
                        .as_ref()
                        .is_none_or(|lt| s.capacity_provider.is_none() && &s.launch_type == lt)
                })
                .map(|s| s.arn.clone())
                .collect::<Vec<_>>()
        })
    })?;
    let (page, next) = paginate(call, "ListServices", arns, 10, 100)?;
    Ok(Shape::map([
        ("serviceArns", Shape::list(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn network_configuration(svc: &Service) -> Shape {
    if svc.launch_type != "FARGATE" {
        return Shape::Null;
    }
    let subnet = crate::ids::stable_hex(&format!("{}/subnet", svc.cluster_arn), 17);
    let sg = crate::ids::stable_hex(&format!("{}/sg", svc.arn), 17);
    Shape::map([(
        "awsvpcConfiguration",
        Shape::map([
            (
                "subnets",
                Shape::list([format!("subnet-{subnet}"), format!("subnet-{}", &sg[..17])]),
            ),
            ("securityGroups", Shape::list([format!("sg-{sg}")])),
            ("assignPublicIp", Shape::from("DISABLED")),
        ]),
    )])
}

/// `launchType`, absent when the service uses a capacity provider strategy (as on AWS).
fn launch_type(svc: &Service, launch_type: &str) -> Shape {
    match svc.capacity_provider {
        Some(_) => Shape::Null,
        None => Shape::from(launch_type),
    }
}

/// `capacityProviderStrategy`: its one provider, or absent.
fn strategy(svc: &Service) -> Shape {
    match &svc.capacity_provider {
        Some(cp) => Shape::list([Shape::map([
            ("capacityProvider", Shape::from(cp)),
            ("weight", Shape::Int(1)),
            ("base", Shape::Int(0)),
        ])]),
        None => Shape::Null,
    }
}

fn deployment_shape(svc: &Service, d: &Deployment) -> Shape {
    let fargate = d.launch_type == "FARGATE";
    Shape::map([
        ("id", Shape::from(&d.id)),
        ("status", Shape::from(&d.status)),
        ("taskDefinition", Shape::from(&d.task_definition)),
        ("desiredCount", Shape::Int(d.desired_count)),
        ("pendingCount", Shape::Int(d.pending_count)),
        ("runningCount", Shape::Int(d.running_count)),
        ("failedTasks", Shape::Int(d.failed_tasks)),
        ("createdAt", Shape::Time(d.created_at)),
        ("updatedAt", Shape::Time(d.updated_at)),
        ("launchType", launch_type(svc, &d.launch_type)),
        ("capacityProviderStrategy", strategy(svc)),
        ("platformVersion", fargate_only(fargate, "1.4.0")),
        ("platformFamily", fargate_only(fargate, "Linux")),
        ("networkConfiguration", network_configuration(svc)),
        ("rolloutState", Shape::from(&d.rollout_state)),
        ("rolloutStateReason", Shape::from(&d.rollout_state_reason)),
    ])
}

/// How long after UpdateService a read may still not list the deployment it started.
const LISTING_LAG_SECS: f64 = 2.0;

/// The deployments a read at `now` lists: one started moments ago may be missing, and then the
/// one it replaced still reads as PRIMARY.
fn listed_deployments(svc: &Service, now: f64) -> Vec<Shape> {
    let hidden_primary = svc
        .deployments
        .iter()
        .any(|d| d.status == "PRIMARY" && d.listed_from > now);
    let mut promoted = false;
    svc.deployments
        .iter()
        .filter(|d| d.listed_from <= now)
        .map(|d| {
            if hidden_primary && !promoted && d.status == "ACTIVE" {
                promoted = true;
                let mut shown = d.clone();
                shown.status = "PRIMARY".into();
                deployment_shape(svc, &shown)
            } else {
                deployment_shape(svc, d)
            }
        })
        .collect()
}

fn service_shape(svc: &Service, now: f64) -> Shape {
    let (running, pending) = engine::service_counts(svc);
    let fargate = svc.launch_type == "FARGATE";
    let with_task_sets = uses_task_sets(svc);
    let network = network_configuration(svc);
    Shape::map([
        ("serviceArn", Shape::from(&svc.arn)),
        ("serviceName", Shape::from(&svc.name)),
        ("clusterArn", Shape::from(&svc.cluster_arn)),
        ("loadBalancers", release_config::load_balancers(svc)),
        ("serviceRegistries", Shape::List(Vec::new())),
        ("status", Shape::from(&svc.status)),
        ("desiredCount", Shape::Int(svc.desired_count)),
        ("runningCount", Shape::Int(running)),
        ("pendingCount", Shape::Int(pending)),
        ("launchType", launch_type(svc, &svc.launch_type)),
        ("capacityProviderStrategy", strategy(svc)),
        ("platformVersion", fargate_only(fargate, "LATEST")),
        ("platformFamily", fargate_only(fargate, "Linux")),
        // An EXTERNAL service's task definition belongs to its task sets.
        (
            "taskDefinition",
            if svc.deployment_controller == "EXTERNAL" {
                Shape::Null
            } else {
                Shape::from(&svc.task_definition)
            },
        ),
        (
            "deploymentConfiguration",
            release_config::deployment_configuration(svc, &svc.release),
        ),
        (
            "currentServiceDeployment",
            release_config::current_deployment(svc),
        ),
        (
            "currentServiceRevisions",
            release_config::current_revisions(svc),
        ),
        (
            "deployments",
            Shape::List(if with_task_sets {
                Vec::new()
            } else {
                listed_deployments(svc, now)
            }),
        ),
        (
            "taskSets",
            if with_task_sets {
                task_sets(svc, &network)
            } else {
                Shape::Null
            },
        ),
        (
            "events",
            Shape::List(
                svc.events
                    .iter()
                    .map(|e| {
                        Shape::map([
                            ("id", Shape::from(&e.id)),
                            ("createdAt", Shape::Time(e.created_at)),
                            ("message", Shape::from(&e.message)),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("createdAt", Shape::Time(svc.created_at)),
        ("placementConstraints", Shape::List(Vec::new())),
        ("placementStrategy", Shape::List(Vec::new())),
        ("networkConfiguration", network),
        (
            "healthCheckGracePeriodSeconds",
            if svc.load_balancers.is_empty() {
                Shape::Null
            } else {
                Shape::Int(60)
            },
        ),
        ("schedulingStrategy", Shape::from(&svc.scheduling_strategy)),
        (
            "deploymentController",
            Shape::map([("type", Shape::from(&svc.deployment_controller))]),
        ),
        ("enableECSManagedTags", Shape::Bool(true)),
        ("propagateTags", Shape::from("NONE")),
        ("enableExecuteCommand", Shape::Bool(false)),
    ])
}

pub(super) fn describe_services(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = describe_idents(call, "services", "Services", 10)?;
    with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let mut services = Vec::new();
        let mut failures = Vec::new();
        for ident in &wanted {
            let found = ident_name(ctx, ident, "service")
                .and_then(|name| cluster.services.iter().find(|s| s.name == name));
            match found {
                Some(s) => services.push(service_shape(s, ctx.now)),
                None => failures.push(missing(
                    ctx,
                    ident,
                    &format!("service/{}/{ident}", cluster.name),
                )),
            }
        }
        Ok(Shape::map([
            ("services", Shape::List(services)),
            ("failures", Shape::List(failures)),
        ]))
    })
}

pub(super) fn update_service(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let ident = call
        .str("service")
        .ok_or_else(|| AwsError::invalid_parameter("service must be specified."))?;
    let desired = match call.input.get("desiredCount") {
        None | Some(serde_json::Value::Null) => None,
        Some(_) => match call.int("desiredCount") {
            Some(n) if (0..=5000).contains(&n) => Some(n),
            _ => {
                return Err(AwsError::invalid_parameter(
                    "desiredCount must be between 0 and 5000.",
                ))
            }
        },
    };
    let (cluster_name, service_name, service_arn, status, td_arn, refused) =
        with_region(world, ctx, |r| {
            let cluster = find_cluster(r, ctx, call)?;
            let svc = find_service(cluster, ctx, ident)?;
            let td = match call.str("taskDefinition") {
                Some(t) => Some(
                    resolve_task_definition(r, ctx, t)
                        .filter(|d| d.status == "ACTIVE")
                        .map(|d| d.arn.clone())
                        .ok_or_else(|| {
                            AwsError::client("ClientException", "TaskDefinition not found.")
                        })?,
                ),
                None => None,
            };
            Ok::<_, AwsError>((
                cluster.name.clone(),
                svc.name.clone(),
                svc.arn.clone(),
                svc.status.clone(),
                td,
                refusal(svc, call),
            ))
        })?;
    if ctx.principal.read_only {
        return Err(access_denied(ctx, "UpdateService", &service_arn));
    }
    if let Some(e) = refused {
        return Err(e);
    }
    if status != "ACTIVE" {
        return Err(AwsError::client(
            "ServiceNotActiveException",
            "Service was not ACTIVE.",
        ));
    }
    let deployment_config = call.input.get("deploymentConfiguration").cloned();
    let (min_pct, max_pct, breaker) = match &deployment_config {
        Some(dc) => {
            let min = dc
                .get("minimumHealthyPercent")
                .and_then(crate::protocol::value_int);
            let max = dc
                .get("maximumPercent")
                .and_then(crate::protocol::value_int);
            if min.is_some_and(|m| !(0..=100).contains(&m)) {
                return Err(AwsError::invalid_parameter(
                    "minimumHealthyPercent must be between 0 and 100.",
                ));
            }
            if max.is_some_and(|m| !(100..=200).contains(&m)) {
                return Err(AwsError::invalid_parameter(
                    "maximumPercent must be between 100 and 200.",
                ));
            }
            let breaker = dc.get("deploymentCircuitBreaker").map(|b| {
                (
                    b.get("enable")
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false),
                    b.get("rollback")
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false),
                )
            });
            (min, max, breaker)
        }
        None => (None, None, None),
    };
    // deploymentConfiguration.alarms: the alarms that fail a deployment (off when disabled).
    let alarms = deployment_config
        .as_ref()
        .and_then(|dc| dc.get("alarms"))
        .map(|a| {
            let on = |key: &str| a.get(key).and_then(serde_json::Value::as_bool);
            let names: Vec<String> = a
                .get("alarmNames")
                .and_then(serde_json::Value::as_array)
                .map(|v| {
                    v.iter()
                        .filter_map(|n| n.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (on("enable") == Some(true) && !names.is_empty())
                .then(|| (names, on("rollback").unwrap_or(false)))
        });
    let force = call.bool("forceNewDeployment").unwrap_or(false);
    let now = ctx.now;
    let account = ctx.principal.account_id.clone();
    let shape = engine::with_service(
        world,
        &account,
        &ctx.region,
        &cluster_name,
        &service_name,
        |svc, env| {
            if let Some(m) = min_pct {
                svc.minimum_healthy_percent = m;
            }
            if let Some(m) = max_pct {
                svc.maximum_percent = m;
            }
            if let Some(a) = alarms {
                svc.release.alarms = a;
            }
            if let Some((enable, rollback)) = breaker {
                svc.circuit_breaker = enable;
                svc.rollback = rollback;
            }
            if let Some(d) = desired {
                engine::set_desired_count(svc, d, now);
            }
            let new_td = td_arn.filter(|t| t != &svc.task_definition);
            if force || new_td.is_some() {
                let td = new_td.unwrap_or_else(|| svc.task_definition.clone());
                engine::start_deployment(svc, env, &td, now, None);
                if let Some(d) = svc.deployments.first_mut() {
                    d.listed_from = now + LISTING_LAG_SECS;
                }
            }
            engine::run_until(svc, env, now);
            // The call's own answer shows the new deployment; reads catch up a moment later.
            service_shape(svc, f64::INFINITY)
        },
    )
    .ok_or_else(service_not_found)?;
    Ok(Shape::map([("service", shape)]))
}
