//! The wire shapes of scalable targets, policies, scheduled actions and activities.

use crate::shape::Shape;
use crate::world::{
    PolicyKind, ScalableTarget, ScalingActivity, ScalingPolicy, ScheduledAction, ECS_DESIRED_COUNT,
};

fn common(t: &ScalableTarget) -> Vec<(&'static str, Shape)> {
    vec![
        ("ServiceNamespace", Shape::from("ecs")),
        ("ResourceId", Shape::from(&t.resource_id)),
        ("ScalableDimension", Shape::from(ECS_DESIRED_COUNT)),
    ]
}

/// A ScalableTarget.
pub(super) fn target(t: &ScalableTarget) -> Shape {
    let mut pairs = common(t);
    pairs.extend([
        ("MinCapacity", Shape::from(t.min)),
        ("MaxCapacity", Shape::from(t.max)),
        ("RoleARN", Shape::from(&t.role_arn)),
        ("CreationTime", Shape::time(Some(t.created_at))),
        (
            "SuspendedState",
            Shape::map([
                (
                    "DynamicScalingInSuspended",
                    Shape::from(t.suspended.dynamic_in),
                ),
                (
                    "DynamicScalingOutSuspended",
                    Shape::from(t.suspended.dynamic_out),
                ),
                (
                    "ScheduledScalingSuspended",
                    Shape::from(t.suspended.scheduled),
                ),
            ]),
        ),
        ("ScalableTargetARN", Shape::from(&t.arn)),
    ]);
    Shape::map(pairs)
}

/// A ScalingPolicy.
pub(super) fn policy(t: &ScalableTarget, p: &ScalingPolicy) -> Shape {
    let mut pairs = common(t);
    pairs.extend([
        ("PolicyARN", Shape::from(&p.arn)),
        ("PolicyName", Shape::from(&p.name)),
        ("CreationTime", Shape::time(Some(p.created_at))),
    ]);
    // The target's ARN carries the partition, region and account the alarms live in.
    let arn: Vec<&str> = t.arn.splitn(6, ':').collect();
    let part = |i: usize| arn.get(i).copied().unwrap_or_default();
    let alarm_arn = |name: &String| {
        format!(
            "arn:{}:cloudwatch:{}:{}:alarm:{name}",
            part(1),
            part(3),
            part(4)
        )
    };
    pairs.push((
        "Alarms",
        Shape::list(p.alarms.iter().map(|a| {
            Shape::map([
                ("AlarmName", Shape::from(a)),
                ("AlarmARN", Shape::from(alarm_arn(a))),
            ])
        })),
    ));
    match &p.kind {
        PolicyKind::TargetTracking {
            metric,
            target,
            scale_out_cooldown,
            scale_in_cooldown,
            disable_scale_in,
        } => {
            pairs.push(("PolicyType", Shape::from("TargetTrackingScaling")));
            pairs.push((
                "TargetTrackingScalingPolicyConfiguration",
                Shape::map([
                    ("TargetValue", Shape::from(*target)),
                    (
                        "PredefinedMetricSpecification",
                        Shape::map([("PredefinedMetricType", Shape::from(metric))]),
                    ),
                    ("ScaleOutCooldown", Shape::from(*scale_out_cooldown)),
                    ("ScaleInCooldown", Shape::from(*scale_in_cooldown)),
                    ("DisableScaleIn", Shape::from(*disable_scale_in)),
                ]),
            ));
        }
        PolicyKind::Step {
            adjustment_type,
            steps,
            cooldown,
        } => {
            pairs.push(("PolicyType", Shape::from("StepScaling")));
            let steps = steps.iter().map(|(lower, upper, add)| {
                Shape::map([
                    (
                        "MetricIntervalLowerBound",
                        lower.map_or(Shape::Null, Shape::from),
                    ),
                    (
                        "MetricIntervalUpperBound",
                        upper.map_or(Shape::Null, Shape::from),
                    ),
                    ("ScalingAdjustment", Shape::from(*add)),
                ])
            });
            pairs.push((
                "StepScalingPolicyConfiguration",
                Shape::map([
                    ("AdjustmentType", Shape::from(adjustment_type)),
                    ("StepAdjustments", Shape::list(steps)),
                    ("Cooldown", Shape::from(*cooldown)),
                    ("MetricAggregationType", Shape::from("Average")),
                ]),
            ));
        }
    }
    Shape::map(pairs)
}

/// A ScheduledAction.
pub(super) fn scheduled(t: &ScalableTarget, a: &ScheduledAction) -> Shape {
    let mut pairs = common(t);
    let mut action = Vec::new();
    if let Some(min) = a.min {
        action.push(("MinCapacity", Shape::from(min)));
    }
    if let Some(max) = a.max {
        action.push(("MaxCapacity", Shape::from(max)));
    }
    pairs.extend([
        ("ScheduledActionName", Shape::from(&a.name)),
        ("ScheduledActionARN", Shape::from(&a.arn)),
        ("Schedule", Shape::from(&a.schedule)),
        ("Timezone", Shape::from(a.timezone.clone())),
        ("ScalableTargetAction", Shape::map(action)),
        ("CreationTime", Shape::time(Some(a.created_at))),
    ]);
    Shape::map(pairs)
}

/// A ScalingActivity; NotScaledReasons only when the caller asked for not-scaled activities.
pub(super) fn activity(t: &ScalableTarget, a: &ScalingActivity, not_scaled: bool) -> Shape {
    let mut pairs = common(t);
    pairs.extend([
        ("ActivityId", Shape::from(&a.id)),
        ("Description", Shape::from(&a.description)),
        ("Cause", Shape::from(&a.cause)),
        ("StartTime", Shape::time(Some(a.start))),
        ("EndTime", Shape::time(a.end)),
        ("StatusCode", Shape::from(&a.status)),
        ("StatusMessage", Shape::from(&a.message)),
    ]);
    if let (true, Some((code, min, max, current))) = (not_scaled, &a.not_scaled) {
        pairs.push((
            "NotScaledReasons",
            Shape::list([Shape::map([
                ("Code", Shape::from(code)),
                ("MinCapacity", Shape::from(*min)),
                ("MaxCapacity", Shape::from(*max)),
                ("CurrentCapacity", Shape::from(*current)),
            ])]),
        ));
    }
    Shape::map(pairs)
}
