//! The service scheduler: replaces tasks that fail health checks, scales in and out toward the
//! desired count within minimumHealthyPercent and maximumPercent, and retires old deployments'
//! tasks.

use super::deployments::{check_rollout, refresh_deployments};
use super::launch::launch_task;
use super::lifecycle::{holds_old_tasks, may_scale_up};
use super::targets::{is_healthy, replace_unhealthy};
use super::tasks::stop_task;
use super::{push_event, Env, StopInfo};
use crate::world::Service;

/// Run the scheduler until it changes nothing (bounded), then refresh the deployments.
pub(super) fn schedule(svc: &mut Service, env: &mut Env<'_>, t: f64) {
    for _ in 0..8 {
        if !schedule_once(svc, env, t) {
            break;
        }
    }
    refresh_deployments(svc, env, t);
}

/// One pass of the service scheduler; true when it changed something.
fn schedule_once(svc: &mut Service, env: &mut Env<'_>, t: f64) -> bool {
    let Some(primary) = svc.deployments.first() else {
        return false;
    };
    let primary_id = primary.id.clone();
    let primary_failed = primary.rollout_state == "FAILED";
    let desired = svc.desired_count.max(0);
    let min_healthy = ((desired * svc.minimum_healthy_percent.max(0)) as f64 / 100.0).ceil() as i64;
    let max_total = (desired * svc.maximum_percent.max(0)) / 100;
    let mut changed = false;

    // Tasks whose target failed its health checks are replaced.
    let failing: Vec<usize> = (0..svc.tasks.len())
        .filter(|&i| {
            svc.tasks[i].desired_status == "RUNNING"
                && replace_unhealthy(svc, env, &svc.tasks[i].id)
        })
        .collect();
    for i in failing {
        let tg = svc
            .load_balancers
            .first()
            .map(|l| l.target_group_arn.clone())
            .unwrap_or_default();
        let msg = format!(
            "(service {}) (task {}) failed ELB health checks in (target-group {})",
            svc.name, svc.tasks[i].id, tg
        );
        push_event(svc, env, t, msg);
        stop_task(
            svc,
            env,
            i,
            t,
            StopInfo {
                code: "ServiceSchedulerInitiated",
                reason: format!("Task failed ELB health checks in (target-group {tg})"),
                exit: None,
                failed_start: true,
            },
        );
        changed = true;
    }

    let mut stopped_ids = Vec::new();
    // Scale in: stop the primary's extra tasks, unhealthy and newest first.
    let mut primary_active: Vec<usize> = (0..svc.tasks.len())
        .filter(|&i| {
            svc.tasks[i].desired_status == "RUNNING" && svc.tasks[i].started_by == primary_id
        })
        .collect();
    if primary_active.len() as i64 > desired {
        primary_active.sort_by_key(|&i| {
            (
                is_healthy(svc, env, &svc.tasks[i]),
                std::cmp::Reverse((svc.tasks[i].created_at * 1000.0) as i64),
            )
        });
        let extra = primary_active.len() - desired as usize;
        for &i in primary_active.iter().take(extra) {
            stopped_ids.push(svc.tasks[i].id.clone());
            stop_task(
                svc,
                env,
                i,
                t,
                StopInfo {
                    code: "ServiceSchedulerInitiated",
                    reason: format!("Scaling activity initiated by (deployment {primary_id})"),
                    exit: None,
                    failed_start: false,
                },
            );
        }
        changed = true;
    }

    // Launch the primary's missing tasks within maximumPercent.
    let primary_count = svc
        .tasks
        .iter()
        .filter(|x| x.desired_status == "RUNNING" && x.started_by == primary_id)
        .count() as i64;
    let total_active = svc
        .tasks
        .iter()
        .filter(|x| x.desired_status == "RUNNING")
        .count() as i64;
    // A traffic-shifting deployment starts the whole new set beside the old one.
    let holds = holds_old_tasks(svc);
    let want = if holds {
        desired - primary_count
    } else {
        (desired - primary_count).min(max_total.max(desired) - total_active)
    };
    let mut launched = Vec::new();
    if !primary_failed && want > 0 && may_scale_up(svc) {
        if t >= svc.scheduler.launch_not_before {
            for _ in 0..want {
                if let Some(id) = launch_task(svc, env, t) {
                    launched.push(id);
                }
            }
        } else {
            let at = svc.scheduler.launch_not_before;
            svc.scheduler.wake_at = Some(svc.scheduler.wake_at.map_or(at, |w| w.min(at)));
        }
    }

    // Stop old deployments' tasks while minimumHealthyPercent allows.
    let mut healthy_count = svc.tasks.iter().filter(|x| is_healthy(svc, env, x)).count() as i64;
    let mut old: Vec<usize> = (0..svc.tasks.len())
        .filter(|&i| {
            svc.tasks[i].desired_status == "RUNNING" && svc.tasks[i].started_by != primary_id
        })
        .collect();
    if holds {
        old.clear();
    }
    old.sort_by_key(|&i| is_healthy(svc, env, &svc.tasks[i]));
    for i in old {
        let healthy = is_healthy(svc, env, &svc.tasks[i]);
        if healthy && healthy_count - 1 < min_healthy {
            continue;
        }
        if healthy {
            healthy_count -= 1;
        }
        let dep = svc.tasks[i].started_by.clone();
        stopped_ids.push(svc.tasks[i].id.clone());
        stop_task(
            svc,
            env,
            i,
            t,
            StopInfo {
                code: "ServiceSchedulerInitiated",
                reason: format!("Scaling activity initiated by (deployment {dep})"),
                exit: None,
                failed_start: false,
            },
        );
    }

    if !launched.is_empty() {
        let list: Vec<String> = launched.iter().map(|id| format!("(task {id})")).collect();
        let msg = format!(
            "(service {}) has started {} tasks: {}.",
            svc.name,
            launched.len(),
            list.join(" ")
        );
        push_event(svc, env, t, msg);
        changed = true;
    }
    if !stopped_ids.is_empty() {
        let list: Vec<String> = stopped_ids
            .iter()
            .map(|id| format!("(task {id})"))
            .collect();
        let msg = format!(
            "(service {}) has stopped {} running tasks: {}.",
            svc.name,
            stopped_ids.len(),
            list.join(" ")
        );
        push_event(svc, env, t, msg);
        changed = true;
    }

    changed |= check_rollout(svc, env, t);
    changed
}
