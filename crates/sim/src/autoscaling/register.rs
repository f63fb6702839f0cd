//! RegisterScalableTarget: register an ECS service's desired count, or change an existing target's
//! limits. A desired count outside the new limits is moved inside them at once, with an activity
//! naming the limit that moved it.

use super::validation;
use crate::engine::{limits_changed, set_desired_count, with_service};
use crate::error::{AwsError, Reply};
use crate::ids::stable_hex;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{ScalableTarget, Suspended, Tracker, World, ECS_DESIRED_COUNT};

/// RegisterScalableTarget for the `ecs` namespace.
pub(super) fn register(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    if ctx.principal.read_only {
        return Err(AwsError::client(
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: application-autoscaling:RegisterScalableTarget",
                ctx.principal.arn()
            ),
        ));
    }
    if call.str("ServiceNamespace") != Some("ecs") {
        return Err(validation(
            "The simulator registers scalable targets of the ecs namespace only",
        ));
    }
    let resource_id = call.str("ResourceId").unwrap_or_default().to_string();
    if call.str("ScalableDimension") != Some(ECS_DESIRED_COUNT) {
        return Err(validation(format!(
            "Unsupported scalable dimension for ECS service {resource_id}: use {ECS_DESIRED_COUNT}"
        )));
    }
    let Some((cluster, service)) = resource_id
        .strip_prefix("service/")
        .and_then(|r| r.split_once('/'))
        .map(|(c, s)| (c.to_string(), s.to_string()))
    else {
        return Err(validation(format!(
            "Unsupported service namespace, resource type or scalable dimension: {resource_id}"
        )));
    };
    let (account, region, now) = (&ctx.principal.account_id, &ctx.region, ctx.now);
    let desired = with_service(world, account, region, &cluster, &service, |svc, _| {
        svc.desired_count
    })
    .ok_or_else(|| validation(format!("ECS service doesn't exist: {resource_id}")))?;
    let min = call.int("MinCapacity");
    let max = call.int("MaxCapacity");
    for (name, v) in [("minCapacity", min), ("maxCapacity", max)] {
        if v.is_some_and(|v| v < 0) {
            return Err(validation(format!(
                "1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must have value greater than or equal to 0"
            )));
        }
    }
    let partition = ctx.principal.partition.clone();
    let Some(r) = world.region_mut(account, region) else {
        return Err(validation(format!(
            "ECS service doesn't exist: {resource_id}"
        )));
    };
    let idx = match r
        .scalable_targets
        .iter()
        .position(|t| t.resource_id == resource_id)
    {
        Some(i) => i,
        None => {
            let (Some(min), Some(max)) = (min, max) else {
                return Err(validation(
                    "MinCapacity and MaxCapacity are required to register a new scalable target",
                ));
            };
            r.scalable_targets.push(ScalableTarget {
                arn: format!(
                    "arn:{partition}:application-autoscaling:{region}:{account}:scalable-target/{}",
                    stable_hex(&format!("{resource_id}/target/{now}"), 32)
                ),
                role_arn: crate::scenario::service_linked_role(&partition, account),
                resource_id: resource_id.clone(),
                min,
                max,
                created_at: now,
                suspended: Suspended::default(),
                policies: Vec::new(),
                scheduled: Vec::new(),
                activities: Vec::new(),
                tracker: Tracker::default(),
            });
            r.scalable_targets.len() - 1
        }
    };
    let target = &mut r.scalable_targets[idx];
    let (new_min, new_max) = (min.unwrap_or(target.min), max.unwrap_or(target.max));
    if new_min > new_max {
        return Err(validation(format!(
            "Minimum capacity ({new_min}) cannot be greater than maximum capacity ({new_max})"
        )));
    }
    target.min = new_min;
    target.max = new_max;
    if let Some(s) = call.input.get("SuspendedState") {
        let flag = |k: &str| s.get(k).and_then(serde_json::Value::as_bool);
        let old = target.suspended;
        target.suspended = Suspended {
            dynamic_in: flag("DynamicScalingInSuspended").unwrap_or(old.dynamic_in),
            dynamic_out: flag("DynamicScalingOutSuspended").unwrap_or(old.dynamic_out),
            scheduled: flag("ScheduledScalingSuspended").unwrap_or(old.scheduled),
        };
    }
    let arn = target.arn.clone();
    // The wording of these causes is ours; AWS documents that a limit change starts an activity.
    let moved = if desired < new_min {
        Some((new_min, format!("minimum capacity was set to {new_min}")))
    } else if desired > new_max {
        Some((new_max, format!("maximum capacity was set to {new_max}")))
    } else {
        None
    };
    if let Some((count, cause)) = moved {
        limits_changed(target, now, cause, count);
        with_service(world, account, region, &cluster, &service, |svc, _| {
            set_desired_count(svc, count, now)
        });
    }
    Ok(Shape::map([("ScalableTargetARN", Shape::from(arn))]))
}
