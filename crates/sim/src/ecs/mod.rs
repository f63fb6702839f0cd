//! Amazon ECS operations (awsJson1_1): clusters, services, tasks, task definitions and container
//! instances of the caller's account in the signed region, with ECS's pagination, limits, error
//! codes and wording.
//!
//! One module per resource: `clusters`, `services` (including UpdateService), `tasks` (including
//! StopTask), `task_definitions` and `container_instances`; this module routes the operations and
//! holds what they share (identifiers, pagination, failures).

mod clusters;
mod container_instances;
mod release_config;
mod service_deployment_shapes;
mod service_deployments;
mod service_kinds;
mod services;
mod task_definitions;
mod tasks;

use crate::error::{AwsError, Reply};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Cluster, Region, Service, Task, World};

use clusters::{describe_clusters, list_clusters};
use container_instances::{describe_container_instances, list_container_instances};
use services::{describe_services, list_services, update_service};
use task_definitions::{describe_task_definition, list_task_definitions};
use tasks::{describe_tasks, list_tasks, stop_task};

/// Run one ECS operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
        "ListClusters" => list_clusters(world, ctx, call),
        "DescribeClusters" => describe_clusters(world, ctx, call),
        "ListServices" => list_services(world, ctx, call),
        "DescribeServices" => describe_services(world, ctx, call),
        "ListTasks" => list_tasks(world, ctx, call),
        "DescribeTasks" => describe_tasks(world, ctx, call),
        "StopTask" => stop_task(world, ctx, call),
        "UpdateService" => update_service(world, ctx, call),
        "ListTaskDefinitions" => list_task_definitions(world, ctx, call),
        "DescribeTaskDefinition" => describe_task_definition(world, ctx, call),
        "ListContainerInstances" => list_container_instances(world, ctx, call),
        "DescribeContainerInstances" => describe_container_instances(world, ctx, call),
        "ListServiceDeployments" => service_deployments::list(world, ctx, call),
        "DescribeServiceDeployments" => service_deployments::describe(world, ctx, call),
        "DescribeServiceRevisions" => service_deployments::describe_revisions(world, ctx, call),
        "StopServiceDeployment" => service_deployments::stop(world, ctx, call),
        "ContinueServiceDeployment" => service_deployments::continue_hook(world, ctx, call),
        op => Err(AwsError::unknown_operation("ecs", op)),
    }
}

fn cluster_not_found() -> AwsError {
    AwsError::client("ClusterNotFoundException", "Cluster not found.")
}

fn service_not_found() -> AwsError {
    AwsError::client("ServiceNotFoundException", "Service not found.")
}

fn access_denied(ctx: &Ctx, action: &str, resource: &str) -> AwsError {
    AwsError::client(
        "AccessDeniedException",
        format!(
            "User: {} is not authorized to perform: ecs:{action} on resource: {resource} because no identity-based policy allows the ecs:{action} action",
            ctx.principal.arn()
        ),
    )
}

fn arn(ctx: &Ctx, resource: &str) -> String {
    crate::ids::ecs_arn(
        &ctx.principal.partition,
        &ctx.region,
        &ctx.principal.account_id,
        resource,
    )
}

/// The name (last path segment) an identifier names: a plain name/id, or an ARN of this
/// account and region whose resource starts with `kind/`. None for an ARN elsewhere.
fn ident_name(ctx: &Ctx, ident: &str, kind: &str) -> Option<String> {
    if !ident.starts_with("arn:") {
        return Some(ident.to_string());
    }
    let parts: Vec<&str> = ident.splitn(6, ':').collect();
    if parts.len() != 6
        || parts[1] != ctx.principal.partition
        || parts[2] != "ecs"
        || parts[3] != ctx.region
        || parts[4] != ctx.principal.account_id
    {
        return None;
    }
    let rest = parts[5].strip_prefix(kind)?.strip_prefix('/')?;
    rest.rsplit('/').next().map(str::to_string)
}

fn with_region<R>(world: &World, ctx: &Ctx, f: impl FnOnce(&Region) -> R) -> R {
    match world.region(&ctx.principal.account_id, &ctx.region) {
        Some(r) => f(r),
        None => f(&Region::default()),
    }
}

fn find_cluster<'r>(region: &'r Region, ctx: &Ctx, call: &Call) -> Result<&'r Cluster, AwsError> {
    let ident = call.str("cluster").unwrap_or("default");
    let name = ident_name(ctx, ident, "cluster").ok_or_else(cluster_not_found)?;
    region
        .clusters
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(cluster_not_found)
}

/// The service `ident` (name or ARN) names in `cluster`.
fn find_service<'c>(cluster: &'c Cluster, ctx: &Ctx, ident: &str) -> Result<&'c Service, AwsError> {
    let name = ident_name(ctx, ident, "service").ok_or_else(service_not_found)?;
    cluster
        .services
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(service_not_found)
}

/// One page of `items` per `maxResults`/`nextToken`, with ECS's default and maximum.
fn paginate<T: Clone>(
    call: &Call,
    op: &str,
    items: Vec<T>,
    default: i64,
    max: i64,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let size = match call.input.get("maxResults") {
        None | Some(serde_json::Value::Null) => default,
        Some(_) => match call.int("maxResults") {
            Some(n) if (1..=max).contains(&n) => n,
            _ => {
                return Err(AwsError::invalid_parameter(format!(
                    "maxResults must be between 1 and {max}."
                )))
            }
        },
    } as usize;
    let start = match call.str("nextToken") {
        Some(t) if !t.is_empty() => page_token::decode_listing(op, t)
            .ok_or_else(|| AwsError::invalid_parameter("Invalid nextToken."))?,
        _ => 0,
    };
    if start > items.len() {
        return Err(AwsError::invalid_parameter("Invalid nextToken."));
    }
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| page_token::encode_listing(op, end));
    Ok((items[start..end].to_vec(), next))
}

fn failure(arn: String, reason: &str) -> Shape {
    Shape::map([("arn", Shape::from(arn)), ("reason", Shape::from(reason))])
}

/// The MISSING failure of `ident`: the ARN as asked, or the ARN of `resource` when asked by name.
fn missing(ctx: &Ctx, ident: &str, resource: &str) -> Shape {
    let arn = if ident.starts_with("arn:") {
        ident.to_string()
    } else {
        arn(ctx, resource)
    };
    failure(arn, "MISSING")
}

/// The identifiers of `key` of a Describe* call, refused as ECS does when none or more than `max`.
fn describe_idents(
    call: &Call,
    key: &str,
    label: &str,
    max: usize,
) -> Result<Vec<String>, AwsError> {
    let wanted = call.strings(key);
    if wanted.is_empty() {
        return Err(AwsError::invalid_parameter(format!(
            "{label} cannot be empty."
        )));
    }
    if wanted.len() > max {
        return Err(AwsError::invalid_parameter(format!(
            "{label} cannot have more than {max} elements"
        )));
    }
    Ok(wanted)
}

/// A value ECS reports only for Fargate tasks and services (null for EC2).
fn fargate_only(fargate: bool, value: &str) -> Shape {
    if fargate {
        Shape::from(value)
    } else {
        Shape::Null
    }
}

fn all_tasks(cluster: &Cluster) -> impl Iterator<Item = (&Service, &Task)> {
    cluster
        .services
        .iter()
        .flat_map(|s| s.tasks.iter().map(move |t| (s, t)))
}

/// How long after StopTask reads may still show the task as it was.
const STOP_LISTING_LAG_SECS: f64 = 2.0;

/// The task as a read at `now` shows it: for a moment after StopTask, as it was before.
fn as_read(t: &Task, now: f64) -> &Task {
    match &t.before_stop {
        Some((until, before)) if now < *until => before,
        _ => t,
    }
}
