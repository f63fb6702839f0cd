//! The load balancer targets of a service's tasks: registration, health checks and what the
//! scheduler reads from them.

use super::{push_event, Env, UNHEALTHY_REPLACE_SECS};
use crate::world::{Behaviour, Service, Task};

/// Move targets whose health check is due to healthy or unhealthy; drop drained ones.
pub(super) fn step_targets(svc: &mut Service, env: &mut Env<'_>, t: f64) {
    let mut messages = Vec::new();
    let mut now_healthy = Vec::new();
    for arn in svc.target_group_arns() {
        let Some(tg) = env.target_groups.iter_mut().find(|g| g.arn == arn) else {
            continue;
        };
        let tasks = &svc.tasks;
        tg.targets.retain(|x| {
            !(x.state == "draining"
                && x.next_transition.is_some_and(|d| d <= t)
                && tasks.iter().any(|task| task.id == x.task_id))
        });
        for target in &mut tg.targets {
            if !target.next_transition.is_some_and(|d| d <= t) {
                continue;
            }
            if target.state == "unhealthy" {
                // The scheduler now replaces the task (see `schedule_once`).
                target.next_transition = None;
                continue;
            }
            if target.state != "initial" {
                continue;
            }
            let Some(task) = tasks.iter().find(|task| task.id == target.task_id) else {
                continue;
            };
            target.next_transition = None;
            target.since = t;
            if task.behaviour == Behaviour::FailingHealthCheck {
                target.state = "unhealthy".into();
                target.next_transition = Some(t + UNHEALTHY_REPLACE_SECS);
                target.reason = Some("Target.ResponseCodeMismatch".into());
                target.description = Some("Health checks failed with these codes: [502]".into());
                messages.push(format!(
                    "(service {}) (port {}) is unhealthy in (target-group {}) due to (reason Health checks failed with these codes: [502]).",
                    svc.name, target.port, tg.arn
                ));
            } else {
                target.state = "healthy".into();
                target.reason = None;
                target.description = None;
                now_healthy.push(task.id.clone());
            }
        }
    }
    for id in now_healthy {
        super::tasks::settle_failures(svc, &id);
    }
    for m in messages {
        push_event(svc, env, t, m);
    }
}

/// The load balancer state of a task's target, if it has one.
fn target_state<'e>(svc: &Service, env: &'e Env<'_>, task_id: &str) -> Option<&'e str> {
    svc.target_group_arns().iter().find_map(|arn| {
        env.target_groups
            .iter()
            .find(|g| &g.arn == arn)?
            .targets
            .iter()
            .find(|x| x.task_id == task_id)
            .map(|x| x.state.as_str())
    })
}

/// Whether a task's target has been unhealthy long enough for the scheduler to replace it.
pub(super) fn replace_unhealthy(svc: &Service, env: &Env<'_>, task_id: &str) -> bool {
    svc.target_group_arns().iter().any(|arn| {
        env.target_groups
            .iter()
            .find(|g| &g.arn == arn)
            .is_some_and(|g| {
                g.targets.iter().any(|x| {
                    x.task_id == task_id && x.state == "unhealthy" && x.next_transition.is_none()
                })
            })
    })
}

/// Whether a task counts as healthy for minimumHealthyPercent and completion.
pub(super) fn is_healthy(svc: &Service, env: &Env<'_>, task: &Task) -> bool {
    task.desired_status == "RUNNING"
        && task.last_status == "RUNNING"
        && task.health_status == "HEALTHY"
        && (svc.load_balancers.is_empty() || target_state(svc, env, &task.id) == Some("healthy"))
}
