//! Application Auto Scaling of a service: its scalable target (limits), policies, scheduled
//! actions and recent activities, read only when the Auto scaling tab or a scale plan asks.

use aws_sdk_applicationautoscaling::types::{
    ScalableDimension, ScalableTarget, ScalingActivity, ScalingPolicy, ScheduledAction,
    ServiceNamespace,
};

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::scaling::{
    cause_words, count_in, direction, resource_id, schedule_words, step_words,
    target_tracking_words, warnings, ActivityView, PolicyView, ScalingLimits, ScheduledView,
    ServiceScaling,
};
use crate::read::services::describe_service;
use crate::util::time::sdk_rfc3339;

/// The service's scalable target, if it is registered.
async fn scalable_target(
    session: &Session,
    resource: &str,
) -> Result<Option<ScalableTarget>, CoreError> {
    let out = session
        .scaling
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(resource)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .send()
        .await
        .map_err(session.error("application-autoscaling:DescribeScalableTargets"))?;
    Ok(out.scalable_targets().first().cloned())
}

/// The limits auto scaling keeps the service within; None when it does not scale it.
pub async fn limits(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<Option<ScalingLimits>, CoreError> {
    let target = scalable_target(session, &resource_id(cluster, service)).await?;
    Ok(target.map(|t| ScalingLimits {
        min: t.min_capacity(),
        max: t.max_capacity(),
    }))
}

/// The Auto scaling tab of `service` in `cluster`: one call when the service does not scale,
/// four when it does (target, policies, schedules and the latest 50 activities, in parallel).
pub async fn service_scaling(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<ServiceScaling, CoreError> {
    let resource = resource_id(cluster, service);
    let (target, described) = futures::try_join!(
        scalable_target(session, &resource),
        describe_service(session, cluster, service)
    )?;
    let desired = described.desired_count();
    let Some(target) = target else {
        return Ok(ServiceScaling {
            limits: None,
            desired,
            policies: Vec::new(),
            scheduled: Vec::new(),
            activities: Vec::new(),
            warnings: Vec::new(),
            suspended: Vec::new(),
        });
    };
    let limits = ScalingLimits {
        min: target.min_capacity(),
        max: target.max_capacity(),
    };
    let dimension = ScalableDimension::EcsServiceDesiredCount;
    let policies = async {
        session
            .scaling
            .describe_scaling_policies()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(&resource)
            .scalable_dimension(dimension.clone())
            .send()
            .await
            .map_err(session.error("application-autoscaling:DescribeScalingPolicies"))
    };
    let scheduled = async {
        session
            .scaling
            .describe_scheduled_actions()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(&resource)
            .scalable_dimension(dimension.clone())
            .send()
            .await
            .map_err(session.error("application-autoscaling:DescribeScheduledActions"))
    };
    let activities = async {
        session
            .scaling
            .describe_scaling_activities()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(&resource)
            .scalable_dimension(dimension.clone())
            .include_not_scaled_activities(true)
            .send()
            .await
            .map_err(session.error("application-autoscaling:DescribeScalingActivities"))
    };
    let (policies, scheduled, activities) = futures::try_join!(policies, scheduled, activities)?;
    let activities = activity_views(activities.scaling_activities());
    let now = chrono::Utc::now().timestamp();
    let suspended = target.suspended_state().map_or_else(Vec::new, |s| {
        let mut out = Vec::new();
        if s.dynamic_scaling_out_suspended() == Some(true) {
            out.push("Scaling out (adding tasks) is suspended.".to_string());
        }
        if s.dynamic_scaling_in_suspended() == Some(true) {
            out.push("Scaling in (removing tasks) is suspended.".to_string());
        }
        if s.scheduled_scaling_suspended() == Some(true) {
            out.push("Scheduled actions are suspended.".to_string());
        }
        out
    });
    Ok(ServiceScaling {
        limits: Some(limits),
        desired,
        policies: policies
            .scaling_policies()
            .iter()
            .map(policy_view)
            .collect(),
        scheduled: scheduled
            .scheduled_actions()
            .iter()
            .map(scheduled_view)
            .collect(),
        warnings: warnings(limits, desired, &activities, now),
        activities,
        suspended,
    })
}

/// Activities newest first; each one's direction from the count the next older one set (the
/// oldest has none: the count before it is not known).
fn activity_views(list: &[ScalingActivity]) -> Vec<ActivityView> {
    let mut sorted: Vec<&ScalingActivity> = list.iter().collect();
    sorted.sort_by_key(|a| std::cmp::Reverse(a.start_time().secs()));
    // Walk oldest → newest keeping the last count set, then put newest first again.
    let mut before: Option<i32> = None;
    let mut out: Vec<ActivityView> = Vec::new();
    for a in sorted.iter().rev() {
        let to = count_in(a.description());
        let scaled = a.status_code().as_str() == "Successful" && a.not_scaled_reasons().is_empty();
        let dir = direction(before, to, scaled);
        if scaled {
            before = to;
        }
        out.push(ActivityView {
            at: sdk_rfc3339(Some(a.start_time())).unwrap_or_default(),
            epoch: a.start_time().secs(),
            to,
            direction: dir,
            what: match (scaled, to) {
                (true, Some(n)) => format!("Set the desired count to {n}"),
                (false, Some(n)) => format!("Wanted {n} tasks; not scaled"),
                _ => a.description().to_string(),
            },
            why: not_scaled_words(a).unwrap_or_else(|| cause_words(a.cause())),
            status: a.status_code().as_str().to_string(),
            raw: [
                a.description(),
                a.cause(),
                a.status_message().unwrap_or_default(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" — "),
        });
    }
    out.reverse();
    out
}

/// Why an activity did not scale, in words.
fn not_scaled_words(a: &ScalingActivity) -> Option<String> {
    let r = a.not_scaled_reasons().first()?;
    Some(match r.code() {
        "AlreadyAtMaxCapacity" => format!(
            "Already at its maximum of {}",
            r.max_capacity()
                .map_or("its limit".into(), |n| n.to_string())
        ),
        "AlreadyAtMinCapacity" => format!(
            "Already at its minimum of {}",
            r.min_capacity()
                .map_or("its limit".into(), |n| n.to_string())
        ),
        "AlreadyAtDesiredCapacity" => "Already at the wanted count".to_string(),
        "AutoScalingAnticipatedFlapping" => {
            "Held back: scaling in now would make it scale out again at once".to_string()
        }
        other => other.to_string(),
    })
}

fn policy_view(p: &ScalingPolicy) -> PolicyView {
    if let Some(tt) = p.target_tracking_scaling_policy_configuration() {
        let metric = tt
            .predefined_metric_specification()
            .map(|m| m.predefined_metric_type().as_str())
            .unwrap_or_default();
        return PolicyView {
            name: p.policy_name().to_string(),
            kind: "Target tracking".into(),
            summary: target_tracking_words(
                metric,
                tt.target_value(),
                tt.scale_out_cooldown(),
                tt.scale_in_cooldown(),
                tt.disable_scale_in() == Some(true),
            ),
        };
    }
    if let Some(step) = p.step_scaling_policy_configuration() {
        let kind = step
            .adjustment_type()
            .map(|k| k.as_str())
            .unwrap_or("ChangeInCapacity");
        let steps: Vec<String> = step
            .step_adjustments()
            .iter()
            .map(|s| {
                step_words(
                    s.metric_interval_lower_bound(),
                    s.metric_interval_upper_bound(),
                    s.scaling_adjustment(),
                    kind,
                )
            })
            .collect();
        let alarms: Vec<&str> = p.alarms().iter().map(|a| a.alarm_name()).collect();
        return PolicyView {
            name: p.policy_name().to_string(),
            kind: "Step scaling".into(),
            summary: format!(
                "When {} fires: {}.",
                if alarms.is_empty() {
                    "its alarm".to_string()
                } else {
                    format!("alarm {}", alarms.join(", "))
                },
                steps.join("; ")
            ),
        };
    }
    PolicyView {
        name: p.policy_name().to_string(),
        kind: p.policy_type().as_str().to_string(),
        summary: "A policy ECS Desk shows by name only; see it in the AWS console.".into(),
    }
}

fn scheduled_view(a: &ScheduledAction) -> ScheduledView {
    let action = a.scalable_target_action();
    let mut sets = Vec::new();
    if let Some(min) = action.and_then(|x| x.min_capacity()) {
        sets.push(format!("min {min}"));
    }
    if let Some(max) = action.and_then(|x| x.max_capacity()) {
        sets.push(format!("max {max}"));
    }
    ScheduledView {
        name: a.scheduled_action_name().to_string(),
        when: schedule_words(a.schedule(), a.timezone())
            .unwrap_or_else(|| a.schedule().to_string()),
        schedule: a.schedule().to_string(),
        sets: sets.join(", "),
    }
}
