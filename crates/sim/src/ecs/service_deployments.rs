//! ECS's record of service deployments: ListServiceDeployments, DescribeServiceDeployments,
//! DescribeServiceRevisions, and the two writes on a deployment under way —
//! StopServiceDeployment (ROLLBACK) and ContinueServiceDeployment (a paused lifecycle hook).

use super::release_config::load_balancers;
use super::service_deployment_shapes::{brief, full};
use super::{
    access_denied, describe_idents, failure, find_cluster, find_service, paginate, with_region,
};
use crate::engine;
use crate::error::{AwsError, Reply};
use crate::protocol::{value_time, Call};
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Region, Service, ServiceDeploymentRecord, World};

/// ServiceDeploymentStatus values.
const STATUSES: [&str; 9] = [
    "PENDING",
    "SUCCESSFUL",
    "STOPPED",
    "STOP_REQUESTED",
    "IN_PROGRESS",
    "ROLLBACK_REQUESTED",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_SUCCESSFUL",
    "ROLLBACK_FAILED",
];

fn not_found() -> AwsError {
    AwsError::client(
        "ServiceDeploymentNotFoundException",
        "The service deployment does not exist.",
    )
}

/// Every (service, record) of the region.
fn records(region: &Region) -> impl Iterator<Item = (&Service, &ServiceDeploymentRecord)> {
    region
        .clusters
        .iter()
        .flat_map(|c| c.services.iter())
        .flat_map(|s| s.release.records.iter().map(move |r| (s, r)))
}

pub(super) fn list(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let ident = call
        .str("service")
        .ok_or_else(|| AwsError::invalid_parameter("service must be specified."))?;
    let statuses = call.strings("status");
    if let Some(bad) = statuses.iter().find(|s| !STATUSES.contains(&s.as_str())) {
        return Err(AwsError::invalid_parameter(format!(
            "status '{bad}' is not a service deployment status."
        )));
    }
    let created = call.input.get("createdAt");
    let bound = |key: &str| created.and_then(|c| c.get(key)).and_then(value_time);
    let (before, after) = (bound("before"), bound("after"));
    let items = with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let svc = find_service(cluster, ctx, ident)?;
        Ok::<_, AwsError>(
            svc.release
                .records
                .iter()
                .filter(|d| statuses.is_empty() || statuses.contains(&d.status))
                .filter(|d| before.is_none_or(|b| d.created_at < b))
                .filter(|d| after.is_none_or(|a| d.created_at > a))
                .map(|d| brief(svc, d))
                .collect::<Vec<_>>(),
        )
    })?;
    let (page, next) = paginate(call, "ListServiceDeployments", items, 20, 100)?;
    Ok(Shape::map([
        ("serviceDeployments", Shape::List(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

pub(super) fn describe(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = describe_idents(call, "serviceDeploymentArns", "serviceDeploymentArns", 20)?;
    Ok(with_region(world, ctx, |r| {
        let mut found = Vec::new();
        let mut failures = Vec::new();
        for arn in &wanted {
            match records(r).find(|(_, d)| &d.arn == arn) {
                Some((svc, d)) => found.push(full(svc, d)),
                None => failures.push(failure(arn.clone(), "MISSING")),
            }
        }
        Shape::map([
            ("serviceDeployments", Shape::List(found)),
            ("failures", Shape::List(failures)),
        ])
    }))
}

pub(super) fn describe_revisions(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = describe_idents(call, "serviceRevisionArns", "serviceRevisionArns", 20)?;
    Ok(with_region(world, ctx, |r| {
        let mut found = Vec::new();
        let mut failures = Vec::new();
        for arn in &wanted {
            let hit = r
                .clusters
                .iter()
                .flat_map(|c| c.services.iter())
                .find_map(|s| {
                    s.release
                        .revisions
                        .iter()
                        .find(|v| &v.arn == arn)
                        .map(|v| (s, v))
                });
            let Some((svc, v)) = hit else {
                failures.push(failure(arn.clone(), "MISSING"));
                continue;
            };
            let fargate = v.launch_type == "FARGATE";
            let images: Vec<Shape> = v
                .images
                .iter()
                .map(|(name, image, digest)| {
                    Shape::map([
                        ("containerName", Shape::from(name)),
                        ("imageDigest", Shape::from(digest)),
                        ("image", Shape::from(image)),
                    ])
                })
                .collect();
            found.push(Shape::map([
                ("serviceRevisionArn", Shape::from(&v.arn)),
                ("serviceArn", Shape::from(&svc.arn)),
                ("clusterArn", Shape::from(&svc.cluster_arn)),
                ("taskDefinition", Shape::from(&v.task_definition)),
                ("launchType", Shape::from(&v.launch_type)),
                ("platformVersion", super::fargate_only(fargate, "1.4.0")),
                ("platformFamily", super::fargate_only(fargate, "Linux")),
                ("loadBalancers", load_balancers(svc)),
                ("containerImages", Shape::List(images)),
                (
                    "resolvedConfiguration",
                    Shape::map([(
                        "loadBalancers",
                        Shape::List(
                            v.target_groups
                                .iter()
                                .map(|(tg, rule)| {
                                    Shape::map([
                                        ("targetGroupArn", Shape::from(tg)),
                                        ("productionListenerRule", Shape::from(rule.clone())),
                                    ])
                                })
                                .collect(),
                        ),
                    )]),
                ),
                ("guardDutyEnabled", Shape::Bool(false)),
                ("createdAt", Shape::Time(v.created_at)),
            ]));
        }
        Shape::map([
            ("serviceRevisions", Shape::List(found)),
            ("failures", Shape::List(failures)),
        ])
    }))
}

/// The (cluster, service) a service deployment ARN of the caller's account and region names.
fn owner(ctx: &Ctx, arn: &str) -> Option<(String, String)> {
    let rest = arn.strip_prefix("arn:")?;
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, "ecs", region, account, resource] = parts.as_slice() else {
        return None;
    };
    if *partition != ctx.principal.partition
        || *region != ctx.region
        || *account != ctx.principal.account_id
    {
        return None;
    }
    let mut path = resource.strip_prefix("service-deployment/")?.split('/');
    let (cluster, service) = (path.next()?, path.next()?);
    path.next()?;
    Some((cluster.to_string(), service.to_string()))
}

/// Run `f` on the service of the record `arn` names, with the record's index; ServiceDeploymentNotFoundException when
/// there is none. Refuses read-only callers as `action`.
fn with_record<R>(
    world: &mut World,
    ctx: &Ctx,
    action: &str,
    arn: &str,
    f: impl FnOnce(&mut Service, usize) -> Result<R, AwsError>,
) -> Result<R, AwsError> {
    let (cluster, service) = owner(ctx, arn).ok_or_else(not_found)?;
    if ctx.principal.read_only {
        return Err(access_denied(ctx, action, arn));
    }
    let account = ctx.principal.account_id.clone();
    let now = ctx.now;
    engine::with_service(
        world,
        &account,
        &ctx.region,
        &cluster,
        &service,
        |svc, env| {
            let at = svc
                .release
                .records
                .iter()
                .position(|r| r.arn == arn)
                .ok_or_else(not_found)?;
            let out = f(svc, at)?;
            engine::run_until(svc, env, now);
            Ok(out)
        },
    )
    .ok_or_else(not_found)?
}

/// The required serviceDeploymentArn of a write.
fn deployment_arn(call: &Call) -> Result<String, AwsError> {
    call.str("serviceDeploymentArn")
        .map(str::to_string)
        .ok_or_else(|| AwsError::invalid_parameter("serviceDeploymentArn must be specified."))
}

pub(super) fn stop(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let arn = deployment_arn(call)?;
    match call.str("stopType").unwrap_or("ROLLBACK") {
        "ROLLBACK" => {}
        "ABORT" => {
            return Err(AwsError::invalid_parameter(
                "stopType ABORT is not supported. The valid value is ROLLBACK.",
            ))
        }
        other => {
            return Err(AwsError::invalid_parameter(format!(
                "stopType '{other}' is not valid. The valid value is ROLLBACK."
            )))
        }
    }
    let now = ctx.now;
    with_record(world, ctx, "StopServiceDeployment", &arn, |svc, at| {
        let status = svc.release.records[at].status.clone();
        match status.as_str() {
            "PENDING" | "IN_PROGRESS" => engine::request_rollback(svc, now),
            // Already stopping or rolling back: it carries on.
            "STOP_REQUESTED" | "ROLLBACK_REQUESTED" | "ROLLBACK_IN_PROGRESS" => {}
            done => {
                return Err(AwsError::client(
                    "ConflictException",
                    format!("The service deployment is {done} and cannot be stopped."),
                ))
            }
        }
        Ok(())
    })?;
    Ok(Shape::map([("serviceDeploymentArn", Shape::from(arn))]))
}

pub(super) fn continue_hook(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let arn = deployment_arn(call)?;
    let hook_id = call
        .str("hookId")
        .ok_or_else(|| AwsError::invalid_parameter("hookId must be specified."))?
        .to_string();
    let action = call.str("action").unwrap_or("CONTINUE").to_string();
    if action != "CONTINUE" && action != "ROLLBACK" {
        return Err(AwsError::invalid_parameter(format!(
            "action '{action}' is not valid. Use CONTINUE or ROLLBACK."
        )));
    }
    let now = ctx.now;
    with_record(world, ctx, "ContinueServiceDeployment", &arn, |svc, at| {
        let r = &svc.release.records[at];
        let waiting = r.status == "IN_PROGRESS"
            && r.hooks
                .iter()
                .any(|h| h.hook_id == hook_id && h.status == "AWAITING_ACTION");
        if !waiting {
            return Err(AwsError::invalid_parameter(format!(
                "The service deployment is not waiting at lifecycle hook {hook_id}."
            )));
        }
        engine::answer_hook(svc, &hook_id, &action, "SUCCEEDED", now);
        Ok(())
    })?;
    Ok(Shape::map([("serviceDeploymentArn", Shape::from(arn))]))
}
