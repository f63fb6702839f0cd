//! The lifecycle stages of a blue/green, linear or canary deployment (scale up the new tasks,
//! shift test then production traffic — in steps for linear and canary — bake, clean up), the
//! lifecycle hooks that may pause it, and ECS's own rollback of any deployment.

use super::deployments::{behaviour_of, launch_deployment};
use super::targets::is_healthy;
use super::{push_event, Env};
use crate::world::{HookRun, Service, ServiceDeploymentRecord};

/// The stages in order.
const STAGES: [&str; 9] = [
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
];

/// The open traffic-shifting deployment, moving forward (not rolling back).
fn shifting(svc: &Service) -> Option<&ServiceDeploymentRecord> {
    svc.release
        .in_progress()
        .filter(|r| r.stage.is_some() && r.status == "IN_PROGRESS")
}

/// Whether `deployment_id` is the new (green) side of a traffic-shifting deployment.
pub(super) fn is_green(svc: &Service, deployment_id: &str) -> bool {
    shifting(svc).is_some_and(|r| r.target.deployment_id == deployment_id)
}

/// Whether the old tasks must keep running (they take production traffic until clean-up).
pub(super) fn holds_old_tasks(svc: &Service) -> bool {
    shifting(svc).is_some_and(|r| r.stage.as_deref() != Some("CLEAN_UP"))
}

/// Whether the new tasks may be started yet (not while pre-scale-up hooks run).
pub(super) fn may_scale_up(svc: &Service) -> bool {
    shifting(svc).is_none_or(|r| r.stage.as_deref() != Some("PRE_SCALE_UP"))
}

/// Whether the deployment may complete (a traffic-shifting one only after its clean-up).
pub(super) fn may_complete(svc: &Service) -> bool {
    shifting(svc).is_none_or(|r| r.stage.as_deref() == Some("CLEAN_UP"))
}

/// When the open deployment next changes by itself (a step, the bake's end, a hook's timeout).
pub(super) fn next_wake(svc: &Service) -> Option<f64> {
    let r = svc.release.in_progress()?;
    if r.status == "ROLLBACK_REQUESTED" {
        return Some(r.updated_at);
    }
    if r.status != "IN_PROGRESS" || r.stage.is_none() {
        return None;
    }
    if let Some(run) = r.awaiting() {
        return Some(run.expires_at);
    }
    match r.stage.as_deref() {
        Some("BAKE_TIME") => Some(r.stage_since + r.bake_minutes as f64 * 60.0),
        Some("PRODUCTION_TRAFFIC_SHIFT") => weight_at(r, r.updated_at).1,
        _ => None,
    }
}

/// The production weight on the new tasks at `now` and when it next rises (None at 100 %).
fn weight_at(r: &ServiceDeploymentRecord, now: f64) -> (f64, Option<f64>) {
    match (r.strategy.as_str(), r.canary, r.linear) {
        ("CANARY", Some((percent, minutes)), _) => {
            let end = r.stage_since + minutes.max(0) as f64 * 60.0;
            if now < end {
                (percent, Some(end))
            } else {
                (100.0, None)
            }
        }
        ("LINEAR", _, Some((step, minutes))) if step > 0.0 => {
            let period = (minutes.max(0) as f64 * 60.0).max(1.0);
            let k = ((now - r.stage_since) / period).floor().max(0.0);
            let weight = (step * (k + 1.0)).min(100.0);
            let next = (weight < 100.0).then_some(r.stage_since + (k + 1.0) * period);
            (weight, next)
        }
        _ => (100.0, None),
    }
}

/// Move the open traffic-shifting deployment through every stage that is due at `t`.
pub(super) fn step_stages(svc: &mut Service, env: &mut Env<'_>, t: f64) {
    for _ in 0..STAGES.len() * 2 {
        let Some(r) = svc.release.in_progress() else {
            return;
        };
        if r.status == "ROLLBACK_REQUESTED" {
            let reason = r.status_reason.clone();
            roll_back(svc, env, t, &reason);
            return;
        }
        if r.status != "IN_PROGRESS" || r.stage.is_none() {
            return;
        }
        start_hooks(svc, t);
        let Some(r) = svc.release.in_progress() else {
            return;
        };
        if let Some(run) = r.awaiting() {
            if run.expires_at > t {
                return;
            }
            let (id, action) = (run.hook_id.clone(), run.hook.timeout_action.clone());
            answer_hook(svc, &id, &action, "TIMED_OUT", t);
            continue;
        }
        if !stage_done(svc, env, t) {
            return;
        }
        enter_next_stage(svc, t);
    }
}

/// Start the hooks configured for the current stage, once.
fn start_hooks(svc: &mut Service, t: f64) {
    let hooks = svc.release.hooks.clone();
    let Some(r) = svc.release.in_progress_mut() else {
        return;
    };
    let Some(stage) = r.stage.clone() else {
        return;
    };
    if r.hooks.iter().any(|h| h.stage == stage) {
        return;
    }
    for (k, hook) in hooks.iter().enumerate() {
        if !hook.stages.contains(&stage) {
            continue;
        }
        // Lambda hooks are not invoked here: they report success at once.
        let status = if hook.target_type == "PAUSE" {
            "AWAITING_ACTION"
        } else {
            "SUCCEEDED"
        };
        r.hooks.push(HookRun {
            hook_id: format!(
                "{}-{}-{k}",
                stage.to_lowercase().replace('_', "-"),
                r.hooks.len()
            ),
            hook: hook.clone(),
            stage: stage.clone(),
            status: status.into(),
            expires_at: t + hook.timeout_minutes.max(1) as f64 * 60.0,
        });
        r.updated_at = t;
    }
}

/// Whether the current stage's work is done at `t` (raising production weight as it goes).
fn stage_done(svc: &mut Service, env: &Env<'_>, t: f64) -> bool {
    let Some(r) = svc.release.in_progress() else {
        return false;
    };
    match r.stage.as_deref() {
        Some("SCALE_UP") => {
            let id = r.target.deployment_id.clone();
            let healthy = svc
                .tasks
                .iter()
                .filter(|x| x.started_by == id && is_healthy(svc, env, x))
                .count() as i64;
            healthy >= svc.desired_count.max(0)
        }
        Some("PRODUCTION_TRAFFIC_SHIFT") => {
            let Some(r) = svc.release.in_progress_mut() else {
                return false;
            };
            r.production_weight = weight_at(r, t).0;
            r.updated_at = t;
            r.production_weight >= 100.0
        }
        Some("BAKE_TIME") => t >= r.stage_since + r.bake_minutes as f64 * 60.0,
        Some("CLEAN_UP") => false,
        _ => true,
    }
}

fn enter_next_stage(svc: &mut Service, t: f64) {
    let Some(r) = svc.release.in_progress_mut() else {
        return;
    };
    let at = STAGES
        .iter()
        .position(|s| Some(*s) == r.stage.as_deref())
        .unwrap_or(0);
    let Some(next) = STAGES.get(at + 1) else {
        return;
    };
    r.stage = Some(next.to_string());
    r.stage_since = t;
    r.updated_at = t;
    match *next {
        "TEST_TRAFFIC_SHIFT" => r.test_weight = 100.0,
        "PRODUCTION_TRAFFIC_SHIFT" => {
            r.production_weight = weight_at(r, t).0;
        }
        _ => {}
    }
    svc.scheduler.wake_at = Some(t);
}

/// Answer the hook `hook_id`: CONTINUE lets the deployment go on, ROLLBACK rolls it back.
/// `status` is what the hook run becomes (SUCCEEDED, or TIMED_OUT on its timeout).
pub fn answer_hook(svc: &mut Service, hook_id: &str, action: &str, status: &str, t: f64) {
    let Some(r) = svc.release.in_progress_mut() else {
        return;
    };
    if let Some(run) = r.hooks.iter_mut().find(|h| h.hook_id == hook_id) {
        run.status = status.into();
    }
    r.updated_at = t;
    if action == "ROLLBACK" {
        r.status = "ROLLBACK_REQUESTED".into();
        r.status_reason = if status == "TIMED_OUT" {
            format!("Service deployment rolled back because lifecycle hook {hook_id} timed out.")
        } else {
            format!("Service deployment rolled back at lifecycle hook {hook_id}.")
        };
    }
    svc.scheduler.wake_at = Some(t);
}

/// Ask ECS to roll the open deployment back (StopServiceDeployment ROLLBACK).
pub fn request_rollback(svc: &mut Service, t: f64) {
    let Some(r) = svc.release.in_progress_mut() else {
        return;
    };
    if r.status == "PENDING" || r.status == "IN_PROGRESS" {
        r.status = "ROLLBACK_REQUESTED".into();
        r.status_reason = "Service deployment rolled back because of a user request.".into();
        r.updated_at = t;
        svc.scheduler.wake_at = Some(t);
    }
}

/// Roll the open deployment back to its source revision. A traffic-shifting one sends all
/// production traffic back to the old tasks at once and makes them PRIMARY again, starting
/// nothing; a rolling one starts a deployment of the source revision.
pub(super) fn roll_back(svc: &mut Service, env: &mut Env<'_>, t: f64, reason: &str) {
    let Some(r) = svc.release.in_progress_mut() else {
        return;
    };
    let Some(source) = r.source.first().cloned() else {
        r.status = "STOPPED".into();
        r.status_reason = "Service deployment stopped: there is no earlier revision.".into();
        r.stopped_at = Some(t);
        return;
    };
    r.status = "ROLLBACK_IN_PROGRESS".into();
    r.status_reason = reason.to_string();
    r.rollback = Some((reason.to_string(), t, source.revision_arn.clone()));
    r.production_weight = 0.0;
    r.test_weight = 0.0;
    r.updated_at = t;
    for run in &mut r.hooks {
        if run.status == "AWAITING_ACTION" {
            run.status = "FAILED".into();
        }
    }
    let green = r.target.deployment_id.clone();
    let shifted = r.stage.is_some();
    let old = svc
        .deployments
        .iter()
        .position(|d| d.id == source.deployment_id);
    let rollback_id = match old {
        Some(i) if shifted => {
            let mut blue = svc.deployments.remove(i);
            for d in &mut svc.deployments {
                d.status = "ACTIVE".into();
                if d.id == green {
                    d.rollout_state = "FAILED".into();
                    d.rollout_state_reason = format!("ECS deployment {green} rolled back.");
                    d.updated_at = t;
                }
            }
            blue.status = "PRIMARY".into();
            blue.rollout_state = "IN_PROGRESS".into();
            blue.rollout_state_reason = format!("ECS deployment {} in progress.", blue.id);
            blue.updated_at = t;
            let (id, td) = (blue.id.clone(), blue.task_definition.clone());
            svc.deployments.insert(0, blue);
            svc.task_definition = td.clone();
            svc.behaviour = behaviour_of(env, &td);
            svc.scheduler.steady = false;
            svc.scheduler.wake_at = Some(t);
            id
        }
        _ => {
            let td = svc
                .release
                .revisions
                .iter()
                .find(|v| v.arn == source.revision_arn)
                .map(|v| v.task_definition.clone())
                .unwrap_or_else(|| svc.task_definition.clone());
            launch_deployment(svc, env, &td, t, Some(reason.to_string()))
        }
    };
    if let Some(r) = svc.release.in_progress_mut() {
        r.rollback_deployment = Some(rollback_id.clone());
    }
    let message = format!(
        "(service {}) rolling back to deployment {rollback_id}.",
        svc.name
    );
    push_event(svc, env, t, message);
}
