//! Deployments: starting one (new revision, forced, rollback), their counts and steady state,
//! completion and the circuit breaker.

use super::failure::{deployment_failed, Monitor};
use super::lifecycle::may_complete;
use super::service_deployments::{deployment_completed, open_record};
use super::targets::is_healthy;
use super::{push_event, Env, STEADY_EVENT_SECS};
use crate::ids::stable_hex;
use crate::world::{Behaviour, Deployment, Service};

/// The behaviour of a task definition's tasks.
pub(super) fn behaviour_of(env: &Env<'_>, td_arn: &str) -> Behaviour {
    env.task_definitions
        .iter()
        .find(|d| d.arn == td_arn)
        .and_then(|d| d.behaviour.clone())
        .unwrap_or(Behaviour::Healthy)
}

/// Start a service deployment of `td_arn` (force new deployment, new revision, revision
/// rollback): a new PRIMARY ECS deployment and ECS's record of it. Returns the deployment id.
pub fn start_deployment(
    svc: &mut Service,
    env: &mut Env<'_>,
    td_arn: &str,
    t: f64,
    reason: Option<String>,
) -> String {
    let id = launch_deployment(svc, env, td_arn, t, reason);
    open_record(svc, env, &id, td_arn, t);
    id
}

/// Make `td_arn` the PRIMARY ECS deployment (a new one, or a rollback's within a record).
pub(super) fn launch_deployment(
    svc: &mut Service,
    env: &mut Env<'_>,
    td_arn: &str,
    t: f64,
    reason: Option<String>,
) -> String {
    let n = env.next();
    let digits = u64::from_str_radix(&stable_hex(&format!("{}/deployment/{n}", svc.arn), 15), 16)
        .unwrap_or(n)
        % 10_000_000_000_000_000_000;
    let id = format!("ecs-svc/{digits:019}");
    for d in &mut svc.deployments {
        if d.status == "PRIMARY" {
            d.status = "ACTIVE".into();
            d.updated_at = t;
        }
    }
    svc.deployments.insert(
        0,
        Deployment {
            id: id.clone(),
            status: "PRIMARY".into(),
            task_definition: td_arn.to_string(),
            desired_count: svc.desired_count,
            pending_count: 0,
            running_count: 0,
            failed_tasks: 0,
            rollout_state: "IN_PROGRESS".into(),
            rollout_state_reason: reason
                .unwrap_or_else(|| format!("ECS deployment {id} in progress.")),
            created_at: t,
            updated_at: t,
            launch_type: svc.launch_type.clone(),
            listed_from: t,
            failures_settled: false,
        },
    );
    svc.task_definition = td_arn.to_string();
    svc.behaviour = behaviour_of(env, td_arn);
    svc.scheduler.steady = false;
    svc.scheduler.next_steady_event = None;
    svc.scheduler.wake_at = Some(t);
    svc.scheduler.launch_not_before = t;
    svc.scheduler.consecutive_failures = 0;
    id
}

/// Change the desired count (UpdateService); the scheduler acts on it at `t`.
pub fn set_desired_count(svc: &mut Service, desired: i64, t: f64) {
    svc.desired_count = desired;
    if let Some(primary) = svc.deployments.first_mut() {
        primary.desired_count = desired;
        primary.updated_at = t;
    }
    svc.scheduler.wake_at = Some(t);
    svc.scheduler.launch_not_before = svc.scheduler.launch_not_before.min(t);
}

/// The circuit breaker's failed-task threshold for a desired count (ECS: half the desired count,
/// at least 3 and at most 200).
pub fn breaker_threshold(desired: i64) -> i64 {
    ((desired as f64 * 0.5).ceil() as i64).clamp(3, 200)
}

/// Drop finished deployments, recount the rest and note a steady state.
pub(super) fn refresh_deployments(svc: &mut Service, env: &mut Env<'_>, t: f64) {
    // Old deployments disappear once none of their tasks is left; a FAILED one stays listed
    // until the deployment replacing it (the rollback) completes, as in the ECS console.
    let tasks = &svc.tasks;
    let mut keep_first = true;
    svc.deployments.retain(|d| {
        let first = std::mem::replace(&mut keep_first, false);
        first
            || d.rollout_state == "FAILED"
            || tasks
                .iter()
                .any(|x| x.started_by == d.id && x.last_status != "STOPPED")
    });
    let desired = svc.desired_count;
    for (k, d) in svc.deployments.iter_mut().enumerate() {
        let mine = svc.tasks.iter().filter(|x| x.started_by == d.id);
        let (mut running, mut pending, mut active) = (0, 0, 0);
        for x in mine {
            if x.desired_status == "RUNNING" {
                active += 1;
                match x.last_status.as_str() {
                    "RUNNING" => running += 1,
                    "PROVISIONING" | "PENDING" | "ACTIVATING" => pending += 1,
                    _ => {}
                }
            }
        }
        let new_desired = if k == 0 { desired } else { active };
        if (d.running_count, d.pending_count, d.desired_count) != (running, pending, new_desired) {
            d.running_count = running;
            d.pending_count = pending;
            d.desired_count = new_desired;
            d.updated_at = t;
        }
    }
    // Steady state: one COMPLETED deployment, all desired tasks healthy.
    let Some(primary) = svc.deployments.first() else {
        return;
    };
    let healthy = svc.tasks.iter().filter(|x| is_healthy(svc, env, x)).count() as i64;
    let active = svc
        .tasks
        .iter()
        .filter(|x| x.desired_status == "RUNNING")
        .count() as i64;
    // Tasks still stopping (draining, deprovisioning) keep the service out of steady state.
    let settled = svc
        .tasks
        .iter()
        .all(|x| x.last_status == "STOPPED" || is_healthy(svc, env, x));
    let steady = primary.rollout_state == "COMPLETED"
        && svc.deployments.len() == 1
        && healthy == desired
        && active == desired
        && settled;
    if steady && !svc.scheduler.steady {
        let msg = format!("(service {}) has reached a steady state.", svc.name);
        push_event(svc, env, t, msg);
        svc.scheduler.next_steady_event = Some(t + STEADY_EVENT_SECS);
    }
    if !steady {
        svc.scheduler.next_steady_event = None;
    }
    svc.scheduler.steady = steady;
}

/// Completion and circuit breaker of the PRIMARY deployment.
pub(super) fn check_rollout(svc: &mut Service, env: &mut Env<'_>, t: f64) -> bool {
    let Some(primary) = svc.deployments.first() else {
        return false;
    };
    if primary.rollout_state != "IN_PROGRESS" {
        return false;
    }
    let primary_id = primary.id.clone();
    let primary_td = primary.task_definition.clone();
    let failed = primary.failed_tasks;
    let desired = svc.desired_count.max(0);
    let old_left = svc.deployments.len() > 1
        && svc.tasks.iter().any(|x| {
            x.started_by != primary_id
                && x.last_status != "STOPPED"
                && svc.deployments.iter().skip(1).any(|d| d.id == x.started_by)
        });
    let healthy = svc
        .tasks
        .iter()
        .filter(|x| x.started_by == primary_id && is_healthy(svc, env, x))
        .count() as i64;
    let active = svc
        .tasks
        .iter()
        .filter(|x| x.started_by == primary_id && x.desired_status == "RUNNING")
        .count() as i64;
    if !old_left && healthy == desired && active == desired && may_complete(svc) {
        if let Some(p) = svc.deployments.first_mut() {
            p.rollout_state = "COMPLETED".into();
            p.rollout_state_reason = format!("ECS deployment {primary_id} completed.");
            p.updated_at = t;
        }
        svc.deployments.truncate(1);
        svc.scheduler.last_completed = Some((primary_id.clone(), primary_td));
        svc.scheduler.consecutive_failures = 0;
        let msg = format!(
            "(service {}) (deployment {primary_id}) deployment completed.",
            svc.name
        );
        push_event(svc, env, t, msg);
        let msg = format!("(service {}) has reached a steady state.", svc.name);
        push_event(svc, env, t, msg);
        svc.scheduler.steady = true;
        svc.scheduler.next_steady_event = Some(t + STEADY_EVENT_SECS);
        deployment_completed(svc, &primary_id, t);
        return true;
    }
    if svc.circuit_breaker && failed >= breaker_threshold(desired) {
        if let Some(p) = svc.deployments.first_mut() {
            p.rollout_state = "FAILED".into();
            p.rollout_state_reason =
                "ECS deployment circuit breaker: tasks failed to start.".into();
            p.updated_at = t;
        }
        let msg = format!(
            "(service {}) (deployment {primary_id}) deployment failed: tasks failed to start.",
            svc.name
        );
        push_event(svc, env, t, msg);
        deployment_failed(svc, env, t, Monitor::Breaker, svc.rollback);
        return true;
    }
    false
}
