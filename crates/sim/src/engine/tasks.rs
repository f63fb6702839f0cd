//! One task's lifecycle: PROVISIONING, PENDING, RUNNING, then (by the scheduler, the user or a
//! crash) DEACTIVATING, STOPPING, DEPROVISIONING and STOPPED, with its containers, targets and
//! the restart back-off of tasks that never became healthy.

use super::launch::{fail_start, start_failure};
use super::streams::{close_streams, open_stream};
use super::{
    push_event, Env, StopInfo, CRASH_SECS, DEPROVISION_SECS, HEALTHY_SECS, MAX_BACKOFF_SECS,
    PULL_SECS, STOP_SECS,
};
use crate::metrics::{hash_str, mix, unit};

/// The Fargate Spot capacity provider.
const SPOT: &str = "FARGATE_SPOT";
/// A Spot task is reclaimed this long after it starts: at least the first, plus up to the second
/// (seconds).
const SPOT_RECLAIM_SECS: (f64, f64) = (1_200.0, 1_200.0);
use crate::world::{Behaviour, Service, Target};

/// Apply whatever of task `i` is due at `t`: its next phase, passing health checks, exiting.
pub(super) fn step_task(svc: &mut Service, env: &mut Env<'_>, i: usize, t: f64) {
    if svc.tasks[i].due_phase.is_some_and(|d| d <= t) {
        svc.tasks[i].due_phase = None;
        let status = svc.tasks[i].last_status.clone();
        match status.as_str() {
            "PROVISIONING" => {
                let task = &mut svc.tasks[i];
                task.last_status = "PENDING".into();
                task.pull_started_at = Some(t);
                task.due_phase = Some(t + PULL_SECS);
            }
            "PENDING" => match start_failure(svc, env, &svc.tasks[i]) {
                Some(reason) => fail_start(svc, env, i, t, reason),
                None => on_running(svc, env, i, t),
            },
            "DEACTIVATING" => {
                let task = &mut svc.tasks[i];
                task.last_status = "STOPPING".into();
                task.due_phase = Some(t + STOP_SECS);
            }
            "STOPPING" => {
                let task = &mut svc.tasks[i];
                task.last_status = "DEPROVISIONING".into();
                task.due_phase = Some(t + DEPROVISION_SECS);
                let ran = task.started_at.is_some();
                let mut closed = false;
                for c in &mut task.containers {
                    if c.last_status != "STOPPED" {
                        c.last_status = "STOPPED".into();
                        if ran {
                            // SIGTERM from the scheduler: the app shuts down cleanly.
                            c.exit_code = Some(0);
                        }
                        closed = true;
                    }
                }
                if closed && ran {
                    let id = task.id.clone();
                    close_streams(
                        env,
                        &id,
                        t,
                        &["Received SIGTERM, shutting down gracefully".to_string()],
                    );
                }
            }
            "DEPROVISIONING" => {
                let task = &mut svc.tasks[i];
                task.last_status = "STOPPED".into();
                task.stopped_at = Some(t);
            }
            _ => {}
        }
    }
    if svc.tasks[i].due_health.is_some_and(|d| d <= t) {
        let task = &mut svc.tasks[i];
        task.due_health = None;
        if task.desired_status == "RUNNING" && task.last_status == "RUNNING" {
            task.health_status = "HEALTHY".into();
            for c in &mut task.containers {
                c.health_status = "HEALTHY".into();
            }
            svc.scheduler.consecutive_failures = 0;
        }
        let (healthy, id) = (task.health_status == "HEALTHY", task.id.clone());
        // Behind a load balancer the task counts as running well once its target is healthy.
        if healthy && svc.load_balancers.is_empty() {
            settle_failures(svc, &id);
        }
    }
    if svc.tasks[i].due_exit.is_some_and(|d| d <= t) {
        svc.tasks[i].due_exit = None;
        let reclaimed = svc.tasks[i].capacity_provider.as_deref() == Some(SPOT)
            && !matches!(
                svc.tasks[i].behaviour,
                Behaviour::CrashLoop { .. } | Behaviour::OutOfMemory { .. }
            );
        if svc.tasks[i].desired_status == "RUNNING" && reclaimed {
            let id = svc.tasks[i].id.clone();
            let lines = vec!["INFO SIGTERM received: shutting down".to_string()];
            close_streams(env, &id, t, &lines);
            stop_task(
                svc,
                env,
                i,
                t,
                StopInfo {
                    code: "SpotInterruption",
                    reason: "Your Spot Task was interrupted.".into(),
                    exit: Some((143, None)),
                    failed_start: false,
                },
            );
        } else if svc.tasks[i].desired_status == "RUNNING" {
            let behaviour = svc.tasks[i].behaviour.clone();
            let never_healthy = svc.tasks[i].health_status != "HEALTHY";
            let (exit, reason, lines) = match behaviour {
                Behaviour::CrashLoop { message, exit_code } => (exit_code, None, vec![message]),
                Behaviour::OutOfMemory { .. } => (
                    137,
                    Some("OutOfMemoryError: Container killed due to memory usage".to_string()),
                    vec![
                        "ERROR java.lang.OutOfMemoryError: Java heap space".to_string(),
                        "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)".to_string(),
                        "\tat com.example.reports.ReportBuilder.render(ReportBuilder.java:212)"
                            .to_string(),
                        "Killed".to_string(),
                    ],
                ),
                _ => (
                    1,
                    None,
                    vec!["ERROR process exited unexpectedly".to_string()],
                ),
            };
            let id = svc.tasks[i].id.clone();
            close_streams(env, &id, t, &lines);
            stop_task(
                svc,
                env,
                i,
                t,
                StopInfo {
                    code: "EssentialContainerExited",
                    reason: "Essential container in task exited".into(),
                    exit: Some((exit, reason)),
                    failed_start: never_healthy,
                },
            );
        }
    }
}

fn on_running(svc: &mut Service, env: &mut Env<'_>, i: usize, t: f64) {
    if svc.tasks[i].desired_status != "RUNNING" {
        return;
    }
    let slow = match svc.tasks[i].behaviour {
        Behaviour::SlowStart { seconds } => seconds.max(0.0),
        _ => 0.0,
    };
    {
        let task = &mut svc.tasks[i];
        task.last_status = "RUNNING".into();
        task.started_at = Some(t);
        for c in &mut task.containers {
            c.last_status = "RUNNING".into();
        }
        task.due_health = Some(t + HEALTHY_SECS + slow);
        task.due_exit = match task.behaviour {
            Behaviour::CrashLoop { .. } => Some(t + CRASH_SECS),
            Behaviour::OutOfMemory { after } => Some(t + after.max(1.0)),
            // AWS takes Fargate Spot capacity back now and then (two minutes' notice, SIGTERM).
            _ if task.capacity_provider.as_deref() == Some(SPOT) => Some(
                t + SPOT_RECLAIM_SECS.0
                    + unit(mix(hash_str(&task.id), 0x5b07)) * SPOT_RECLAIM_SECS.1,
            ),
            _ => None,
        };
    }
    let task = svc.tasks[i].clone();
    open_stream(svc, env, &task, t);
    let mut messages = Vec::new();
    // Instance targets are the EC2 instance and the task's port on it (bridge and host mode).
    let instance = task.container_instance_arn.as_ref().and_then(|arn| {
        env.container_instances
            .iter()
            .find(|ci| &ci.arn == arn)
            .map(|ci| ci.ec2_instance_id.clone())
    });
    for lb in &svc.load_balancers {
        // A traffic-shifting deployment's new tasks go to the alternate (green) target group.
        let arn = if super::lifecycle::is_green(svc, &task.started_by) {
            lb.standby_target_group()
        } else {
            lb.production_target_group()
        };
        if let Some(tg) = env.target_groups.iter_mut().find(|g| g.arn == arn) {
            let (id, port) = match (&instance, tg.target_type.as_str()) {
                (Some(instance), "instance") => (
                    instance.clone(),
                    task.host_port.unwrap_or(lb.container_port),
                ),
                _ => (task.private_ip.clone(), lb.container_port),
            };
            tg.targets.push(Target {
                ip: id,
                port,
                state: "initial".into(),
                reason: Some("Elb.RegistrationInProgress".into()),
                description: Some("Target registration is in progress".into()),
                since: t,
                task_id: task.id.clone(),
                next_transition: Some(t + HEALTHY_SECS + slow),
            });
            messages.push(format!(
                "(service {}) registered 1 targets in (target-group {})",
                svc.name, tg.arn
            ));
        }
    }
    for m in messages {
        push_event(svc, env, t, m);
    }
}

/// Stop the task at index `i` now (scheduler, user, crash or failed health check).
pub fn stop_task(svc: &mut Service, env: &mut Env<'_>, i: usize, t: f64, stop: StopInfo) {
    if svc.tasks[i].desired_status == "STOPPED" {
        return;
    }
    let task_id = svc.tasks[i].id.clone();
    let started_by = svc.tasks[i].started_by.clone();
    // Deregister its targets: they drain for the target group's deregistration delay.
    let mut drain_secs: Option<f64> = None;
    let mut messages = Vec::new();
    for arn in svc.target_group_arns() {
        if let Some(tg) = env.target_groups.iter_mut().find(|g| g.arn == arn) {
            for target in tg
                .targets
                .iter_mut()
                .filter(|x| x.task_id == task_id && x.state != "draining")
            {
                target.state = "draining".into();
                target.reason = Some("Target.DeregistrationInProgress".into());
                target.description = Some("Target deregistration is in progress".into());
                target.since = t;
                target.next_transition = Some(t + tg.deregistration_delay);
                drain_secs = Some(drain_secs.unwrap_or(0.0).max(tg.deregistration_delay));
                messages.push(format!(
                    "(service {}) deregistered 1 targets in (target-group {})",
                    svc.name, tg.arn
                ));
            }
        }
    }
    {
        let task = &mut svc.tasks[i];
        task.desired_status = "STOPPED".into();
        task.stopping_at = Some(t);
        task.stop_code = Some(stop.code.to_string());
        task.stopped_reason = Some(stop.reason.clone());
        task.due_health = None;
        task.due_exit = None;
        if let Some((code, reason)) = &stop.exit {
            for c in &mut task.containers {
                c.last_status = "STOPPED".into();
                c.exit_code = Some(*code);
                c.reason = reason.clone();
            }
        }
        match task.last_status.as_str() {
            "PROVISIONING" | "PENDING" => {
                task.last_status = "STOPPING".into();
                task.due_phase = Some(t + 2.0);
            }
            "RUNNING" => match drain_secs {
                Some(secs) if stop.exit.is_none() => {
                    task.last_status = "DEACTIVATING".into();
                    task.due_phase = Some(t + secs);
                }
                _ => {
                    task.last_status = "STOPPING".into();
                    task.due_phase = Some(t + if stop.exit.is_some() { 2.0 } else { STOP_SECS });
                }
            },
            _ => {}
        }
    }
    if drain_secs.is_some() {
        messages.insert(
            0,
            format!(
                "(service {}) has begun draining connections on 1 tasks.",
                svc.name
            ),
        );
    }
    if stop.failed_start {
        let k = svc.scheduler.consecutive_failures + 1;
        svc.scheduler.consecutive_failures = k;
        let backoff = (10.0 * 2f64.powi(k.min(16) as i32 - 1)).min(MAX_BACKOFF_SECS);
        svc.scheduler.launch_not_before = t + backoff;
        if k == 3 || (k > 3 && k.is_multiple_of(10)) {
            messages.push(format!(
                "(service {}) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
                svc.name
            ));
        }
        if let Some(primary) = svc.deployments.first_mut() {
            if primary.id == started_by
                && primary.rollout_state == "IN_PROGRESS"
                && !primary.failures_settled
            {
                primary.failed_tasks += 1;
                primary.updated_at = t;
            }
        }
    }
    svc.scheduler.wake_at = Some(svc.scheduler.wake_at.map_or(t, |w| w.min(t)));
    for m in messages {
        push_event(svc, env, t, m);
    }
}

/// As the ECS API says of `failedTasks`: once a task of a deployment runs successfully, the count
/// resets to zero and stops being evaluated.
pub(super) fn settle_failures(svc: &mut Service, task_id: &str) {
    let Some(started_by) = svc
        .tasks
        .iter()
        .find(|t| t.id == task_id)
        .map(|t| t.started_by.clone())
    else {
        return;
    };
    if let Some(d) = svc
        .deployments
        .iter_mut()
        .find(|d| d.id == started_by && d.rollout_state == "IN_PROGRESS" && !d.failures_settled)
    {
        d.failed_tasks = 0;
        d.failures_settled = true;
    }
}
