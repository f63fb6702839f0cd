//! Application Auto Scaling's target tracking: every minute the scaler compares a scaled service's
//! average CPU with its policy's target, and when its alarm has held long enough it sets a new
//! desired count (within the target's limits) and writes the activity.
//!
//! The alarms AWS creates for a target-tracking policy fire after 3 minutes above the target
//! (AlarmHigh) or 15 minutes below 90 % of it (AlarmLow); the new count is the one that brings the
//! metric back to the target (`ceil(desired × metric ÷ target)`), clamped to min–max.

use super::{deployments::set_desired_count, run_until, with_service};
use crate::ids::{stable_hex, uuid_layout};
use crate::world::{
    role_identity, CallRecord, PolicyKind, ScalableTarget, ScalingActivity, ScalingPolicy, World,
    ACTIVITY_RETENTION_SECS,
};

/// Only the last two hours of a jump are evaluated minute by minute: long jumps (the start-up
/// replay of days, a test advancing the clock by weeks) would otherwise cost a step per minute.
const WINDOW_SECS: f64 = 2.0 * 3600.0;
/// AlarmHigh: 3 datapoints of one minute above the target.
const HIGH_MINUTES: u32 = 3;
/// AlarmLow: 15 datapoints of one minute below 90 % of the target.
const LOW_MINUTES: u32 = 15;

/// Where a scalable target lives: (account index, region index, target index).
type Slot = (usize, usize, usize);

/// Let every target-tracking policy act on each minute up to `until`.
pub(super) fn track(world: &mut World, until: f64) {
    let mut slots: Vec<Slot> = Vec::new();
    for (ai, a) in world.accounts.iter().enumerate() {
        for (ri, r) in a.regions.iter().enumerate() {
            slots.extend((0..r.scalable_targets.len()).map(|ti| (ai, ri, ti)));
        }
    }
    for slot in slots {
        track_target(world, slot, until);
    }
}

fn target_mut(world: &mut World, (ai, ri, ti): Slot) -> Option<&mut ScalableTarget> {
    world
        .accounts
        .get_mut(ai)?
        .regions
        .get_mut(ri)?
        .scalable_targets
        .get_mut(ti)
}

fn track_target(world: &mut World, slot: Slot, until: f64) {
    let (ai, ri, _) = slot;
    let Some(target) = target_mut(world, slot) else {
        return;
    };
    let Some(policy) = target
        .policies
        .iter()
        .find(|p| matches!(p.kind, PolicyKind::TargetTracking { .. }))
        .cloned()
    else {
        return;
    };
    let Some((cluster, service)) = target
        .service_path()
        .map(|(c, s)| (c.to_string(), s.to_string()))
    else {
        return;
    };
    let from = target.tracker.evaluated_to.max(until - WINDOW_SECS);
    let account = world.accounts[ai].id.clone();
    let region = world.accounts[ai].regions[ri].name.clone();
    let mut minute = (from / 60.0).floor() * 60.0 + 60.0;
    while minute <= until {
        let reading = with_service(world, &account, &region, &cluster, &service, |svc, env| {
            run_until(svc, env, minute);
            (
                crate::metrics::service_cpu(svc, minute - 1.0, minute),
                svc.desired_count,
            )
        });
        let Some((cpu, desired)) = reading else {
            return;
        };
        let Some(target) = target_mut(world, slot) else {
            return;
        };
        target.tracker.evaluated_to = minute;
        if let Some(new) = decide(target, &policy, cpu, desired, minute) {
            with_service(world, &account, &region, &cluster, &service, |svc, _| {
                set_desired_count(svc, new, minute)
            });
            record_scaler_update(world, slot, (&cluster, &service), new, minute);
        }
        minute += 60.0;
    }
    if let Some(target) = target_mut(world, slot) {
        target
            .activities
            .retain(|a| a.start >= until - ACTIVITY_RETENTION_SECS);
    }
}

/// CloudTrail's record of the scaler's UpdateService: Application Auto Scaling's service-linked
/// role, invoked by the service itself.
fn record_scaler_update(
    world: &mut World,
    (ai, ri, _): Slot,
    at: (&str, &str),
    desired: i64,
    t: f64,
) {
    let Some(account) = world.accounts.get_mut(ai) else {
        return;
    };
    let (partition, id) = (account.partition.clone(), account.id.clone());
    let Some(region) = account.regions.get_mut(ri) else {
        return;
    };
    let agent = "application-autoscaling.amazonaws.com";
    let seed = crate::metrics::hash_str(&format!("{}/{}/{t}/{}", at.0, at.1, region.trail.len()));
    let event = CallRecord {
        name: "UpdateService",
        source: "ecs.amazonaws.com".into(),
        time: t,
        identity: role_identity(
            &partition,
            &id,
            "/aws-service-role/ecs.application-autoscaling.amazonaws.com/",
            "AWSServiceRoleForApplicationAutoScaling_ECSService",
            "AutoScaling",
            Some(agent),
        ),
        username: "AutoScaling".into(),
        access_key_id: String::new(),
        user_agent: agent,
        source_ip: agent,
        region: &region.name,
        account_id: &id,
        request: serde_json::json!({"cluster": at.0, "service": at.1, "desiredCount": desired}),
        response: serde_json::Value::Null,
        seed,
    }
    .event();
    region.trail.push(event);
}

/// One minute of the policy's alarms; the new desired count when they call for one.
fn decide(
    target: &mut ScalableTarget,
    policy: &ScalingPolicy,
    cpu: Option<f64>,
    desired: i64,
    at: f64,
) -> Option<i64> {
    let PolicyKind::TargetTracking {
        target: goal,
        scale_out_cooldown,
        scale_in_cooldown,
        disable_scale_in,
        ..
    } = policy.kind
    else {
        return None;
    };
    let tracker = &mut target.tracker;
    // No datapoint (no task running): the alarms go to INSUFFICIENT_DATA and nothing scales.
    let Some(cpu) = cpu else {
        tracker.high = 0;
        tracker.low = 0;
        return None;
    };
    tracker.high = if cpu > goal { tracker.high + 1 } else { 0 };
    tracker.low = if cpu < 0.9 * goal { tracker.low + 1 } else { 0 };
    let wanted = ((desired as f64) * cpu / goal).ceil() as i64;
    let new = wanted.clamp(target.min, target.max);
    let cooled = |last: Option<f64>, secs: i64| last.is_none_or(|t| at - t >= secs as f64);
    let alarm = |side: &str| {
        policy
            .alarms
            .iter()
            .find(|a| a.contains(&format!("-Alarm{side}-")))
            .cloned()
            .unwrap_or_default()
    };
    if tracker.high >= HIGH_MINUTES
        && !target.suspended.dynamic_out
        && cooled(tracker.last_out, scale_out_cooldown)
    {
        tracker.last_out = Some(at);
        tracker.high = 0;
        let cause = triggered(&alarm("High"), &policy.name);
        if new > desired {
            push(target, at, cause, Outcome::Scaled(new));
            return Some(new);
        }
        if desired >= target.max {
            let reason = ("AlreadyAtMaxCapacity", wanted);
            push(target, at, cause, Outcome::NotScaled(reason, desired));
        }
        return None;
    }
    if tracker.low >= LOW_MINUTES
        && !disable_scale_in
        && !target.suspended.dynamic_in
        && cooled(tracker.last_in, scale_in_cooldown)
    {
        tracker.last_in = Some(at);
        tracker.low = 0;
        if new < desired {
            let cause = triggered(&alarm("Low"), &policy.name);
            push(target, at, cause, Outcome::Scaled(new));
            return Some(new);
        }
    }
    None
}

fn triggered(alarm: &str, policy: &str) -> String {
    format!("monitor alarm {alarm} in state ALARM triggered policy {policy}")
}

/// What an activity did.
enum Outcome {
    /// The desired count was set to this.
    Scaled(i64),
    /// Not scaled: (reason code, the count the policy wanted), at the current count.
    NotScaled((&'static str, i64), i64),
}

fn push(target: &mut ScalableTarget, at: f64, cause: String, outcome: Outcome) {
    let id = uuid_layout(&stable_hex(
        &format!("{}/{at}/{}", target.resource_id, target.activities.len()),
        32,
    ));
    let activity = match outcome {
        Outcome::Scaled(n) => ScalingActivity {
            id,
            description: format!("Setting desired count to {n}."),
            cause,
            start: at,
            end: Some(at + 1.0),
            status: "Successful".into(),
            message: format!(
                "Successfully set desired count to {n}. Change successfully fulfilled by ecs."
            ),
            not_scaled: None,
        },
        // The wording of a not-scaled activity is our reading of the API reference (it documents
        // the codes, not the sentences).
        Outcome::NotScaled((code, wanted), current) => ScalingActivity {
            id,
            description: format!("Attempting to set desired count to {wanted}."),
            cause,
            start: at,
            end: Some(at),
            status: "Failed".into(),
            message: format!(
                "Failed to set desired count to {wanted}: the service is already at its maximum of {current}."
            ),
            not_scaled: Some((code.to_string(), target.min, target.max, current)),
        },
    };
    target.activities.push(activity);
}

/// Record a change of limits that moved the desired count (RegisterScalableTarget).
pub fn limits_changed(target: &mut ScalableTarget, at: f64, cause: String, new: i64) {
    push(target, at, cause, Outcome::Scaled(new));
}
