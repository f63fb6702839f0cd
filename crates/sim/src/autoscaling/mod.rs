//! Application Auto Scaling (awsJson1_1, `AnyScaleFrontendService`): the scalable targets of ECS
//! services, their policies, scheduled actions and activities, and RegisterScalableTarget to
//! change a target's limits. Only the `ecs` namespace has targets here; the other namespaces
//! answer empty lists, as an account without such resources does.

mod register;
mod shapes;

use crate::error::{AwsError, Reply};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Region, ScalableTarget, World, ECS_DESIRED_COUNT};

/// The ServiceNamespace values of the API model.
const NAMESPACES: &[&str] = &[
    "ecs",
    "elasticmapreduce",
    "ec2",
    "appstream",
    "dynamodb",
    "rds",
    "sagemaker",
    "custom-resource",
    "comprehend",
    "lambda",
    "cassandra",
    "kafka",
    "elasticache",
    "neptune",
    "workspaces",
];

/// Run one Application Auto Scaling operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let ecs = namespace(call)?;
    match call.operation.as_str() {
        "DescribeScalableTargets" => {
            let ids = call.strings("ResourceIds");
            let list = listed(world, ctx, call, ecs, |t| {
                ids.is_empty() || ids.contains(&t.resource_id)
            })?;
            page(call, "ScalableTargets", list.iter().map(shapes::target))
        }
        "DescribeScalingPolicies" => {
            let names = call.strings("PolicyNames");
            let list = listed(world, ctx, call, ecs, |_| true)?;
            let items = list.iter().flat_map(|t| {
                t.policies
                    .iter()
                    .filter(|p| names.is_empty() || names.contains(&p.name))
                    .map(move |p| shapes::policy(t, p))
            });
            page(call, "ScalingPolicies", items)
        }
        "DescribeScheduledActions" => {
            let names = call.strings("ScheduledActionNames");
            let list = listed(world, ctx, call, ecs, |_| true)?;
            let items = list.iter().flat_map(|t| {
                t.scheduled
                    .iter()
                    .filter(|a| names.is_empty() || names.contains(&a.name))
                    .map(move |a| shapes::scheduled(t, a))
            });
            page(call, "ScheduledActions", items)
        }
        "DescribeScalingActivities" => {
            let not_scaled = call.bool("IncludeNotScaledActivities").unwrap_or(false);
            let list = listed(world, ctx, call, ecs, |_| true)?;
            let mut items: Vec<(f64, Shape)> = list
                .iter()
                .flat_map(|t| {
                    t.activities
                        .iter()
                        .filter(|a| not_scaled || a.not_scaled.is_none())
                        .map(move |a| (a.start, shapes::activity(t, a, not_scaled)))
                })
                .collect();
            // Newest first, as the API returns them.
            items.sort_by(|a, b| b.0.total_cmp(&a.0));
            page(call, "ScalingActivities", items.into_iter().map(|(_, s)| s))
        }
        "RegisterScalableTarget" => register::register(world, ctx, call),
        op => Err(AwsError::unknown_operation("application-autoscaling", op)),
    }
}

/// Whether the call is for the `ecs` namespace; a value outside the model is refused.
fn namespace(call: &Call) -> Result<bool, AwsError> {
    match call.str("ServiceNamespace") {
        Some("ecs") => Ok(true),
        Some(ns) if NAMESPACES.contains(&ns) => Ok(false),
        Some(ns) => Err(validation(format!(
            "1 validation error detected: Value '{ns}' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            NAMESPACES.join(", ")
        ))),
        None => Err(validation(
            "1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null",
        )),
    }
}

/// A ValidationException as Application Auto Scaling words them.
fn validation(message: impl Into<String>) -> AwsError {
    AwsError::client("ValidationException", message)
}

/// The caller's targets in the signed region matching ResourceId / ScalableDimension and `keep`.
fn listed(
    world: &World,
    ctx: &Ctx,
    call: &Call,
    ecs: bool,
    keep: impl Fn(&ScalableTarget) -> bool,
) -> Result<Vec<ScalableTarget>, AwsError> {
    let dimension = call.str("ScalableDimension");
    if dimension.is_some()
        && call.str("ResourceId").is_none()
        && call.operation != "DescribeScalableTargets"
    {
        return Err(validation(
            "If a scalable dimension is specified, a resource id must also be specified",
        ));
    }
    if !ecs {
        return Ok(Vec::new());
    }
    let resource = call.str("ResourceId");
    let region: Option<&Region> = world.region(&ctx.principal.account_id, &ctx.region);
    Ok(region
        .map(|r| r.scalable_targets.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|t| resource.is_none_or(|id| t.resource_id == id))
        .filter(|_| dimension.is_none_or(|d| d == ECS_DESIRED_COUNT))
        .filter(|t| keep(t))
        .cloned()
        .collect())
}

/// One page of `items` (MaxResults 1–50, default 50) under `key`, with NextToken.
fn page(call: &Call, key: &str, items: impl Iterator<Item = Shape>) -> Reply {
    let items: Vec<Shape> = items.collect();
    let size = match call.input.get("MaxResults") {
        None | Some(serde_json::Value::Null) => 50,
        Some(_) => match call.int("MaxResults") {
            Some(n) if (1..=50).contains(&n) => n as usize,
            _ => {
                return Err(validation(
                    "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50",
                ))
            }
        },
    };
    let start = match call.str("NextToken") {
        Some(t) if !t.is_empty() => page_token::offset(t, &format!("{key}:"))
            .filter(|n| *n <= items.len())
            .ok_or_else(|| AwsError::client("InvalidNextTokenException", "Invalid token"))?,
        _ => 0,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| page_token::encode(&format!("{key}:{end}")));
    Ok(Shape::map([
        (key, Shape::list(items[start..end].to_vec())),
        ("NextToken", Shape::from(next)),
    ]))
}
