//! The behaviour engine: advances every service's tasks, deployments, targets and log streams to
//! the clock's now, one scheduled change at a time.
//!
//! Each service is stepped on its own (they share nothing but the region's target groups and log
//! groups, which the `Env` lends out), visiting only the times something is due, so a jump of
//! days costs a few steps per service. Ids come from the world's sequence counter, never from a
//! random source, so the same clock gives the same world.
//!
//! `tasks` moves each task through its lifecycle, `streams` writes its log streams, `targets`
//! tracks its load balancer health, `scheduler` starts and stops tasks toward the desired count,
//! and `deployments` rolls revisions out, completes them or trips the circuit breaker.

#[cfg(test)]
mod demo_tests;
mod deployments;
mod failure;
mod launch;
mod lifecycle;
mod scaling;
mod scheduler;
mod service_deployments;
mod streams;
mod targets;
mod tasks;

use crate::ids::uuid_layout;
use crate::metrics::mix;
use crate::world::{
    Account, Cluster, ContainerInstance, LogGroup, Region, Service, ServiceEvent, TargetGroup,
    TaskDefinition, World,
};

pub use deployments::{breaker_threshold, set_desired_count, start_deployment};
pub use lifecycle::{answer_hook, request_rollback};
pub use scaling::limits_changed;
pub use tasks::stop_task;

use scheduler::schedule;
use targets::{is_healthy, step_targets};
use tasks::step_task;

/// PROVISIONING (network interface) before the image pull starts.
pub const PROVISION_SECS: f64 = 5.0;
/// PENDING (image pull) before the container runs.
pub const PULL_SECS: f64 = 15.0;
/// RUNNING until the container and target health checks pass.
pub const HEALTHY_SECS: f64 = 20.0;
/// A crash-looping container exits this long after it starts.
pub const CRASH_SECS: f64 = 10.0;
/// STOPPING (SIGTERM, stop timeout) before deprovisioning.
pub const STOP_SECS: f64 = 5.0;
/// DEPROVISIONING (network interface detach) before STOPPED.
pub const DEPROVISION_SECS: f64 = 5.0;
/// ECS forgets stopped tasks about an hour after they stop.
pub const FORGET_SECS: f64 = 3600.0;
/// ECS repeats "has reached a steady state." about every six hours while nothing changes.
pub const STEADY_EVENT_SECS: f64 = 6.0 * 3600.0;
/// Service events kept (ECS shows the last 100).
pub const EVENTS_KEPT: usize = 100;
/// (time, running, healthy) samples kept per service.
pub const HISTORY_KEPT: usize = 10_000;
/// Log streams kept per log group; older ones are dropped so long runs stay bounded.
pub const STREAMS_KEPT: usize = 2_000;
/// How long a target stays unhealthy before the scheduler replaces its task.
pub const UNHEALTHY_REPLACE_SECS: f64 = 15.0;
/// Longest restart back-off after repeated start failures.
pub const MAX_BACKOFF_SECS: f64 = 300.0;

/// What the engine needs besides the service itself: where it lives and the region's shared
/// target groups, log groups and task definitions.
pub struct Env<'a> {
    /// `aws` or `aws-us-gov`.
    pub partition: &'a str,
    /// Region code.
    pub region: &'a str,
    /// Account id.
    pub account_id: &'a str,
    /// Cluster name.
    pub cluster_name: &'a str,
    /// The cluster's EC2 container instances.
    pub container_instances: &'a [ContainerInstance],
    /// The region's task definitions.
    pub task_definitions: &'a [TaskDefinition],
    /// The region's target groups.
    pub target_groups: &'a mut Vec<TargetGroup>,
    /// The region's log groups.
    pub log_groups: &'a mut Vec<LogGroup>,
    /// The world's id counter.
    pub seq: &'a mut u64,
}

impl Env<'_> {
    fn next(&mut self) -> u64 {
        *self.seq += 1;
        *self.seq
    }
}

/// Why a task is being stopped.
#[derive(Debug, Clone)]
pub struct StopInfo {
    /// ECS stopCode.
    pub code: &'static str,
    /// ECS stoppedReason.
    pub reason: String,
    /// The essential container exited by itself: (exit code, container reason).
    pub exit: Option<(i32, Option<String>)>,
    /// The task never became healthy (counts for the circuit breaker and restart back-off).
    pub failed_start: bool,
}

/// Advance every service's tasks, deployments, targets and logs to the clock's now.
pub fn advance(world: &mut World) {
    let now = world.clock.now();
    advance_to(world, now);
}

/// Advance the world to `until` (no-op when the engine is already there).
pub fn advance_to(world: &mut World, until: f64) {
    if until < world.engine_time {
        return;
    }
    // Scaled services first, minute by minute, since the scaler's decisions change what runs.
    scaling::track(world, until);
    let World { accounts, seq, .. } = world;
    for account in accounts.iter_mut() {
        let Account {
            id,
            partition,
            regions,
            ..
        } = account;
        for region in regions.iter_mut() {
            let Region {
                name,
                clusters,
                task_definitions,
                target_groups,
                log_groups,
                ..
            } = region;
            for cluster in clusters.iter_mut() {
                let Cluster {
                    name: cluster_name,
                    container_instances,
                    services,
                    ..
                } = cluster;
                for svc in services.iter_mut() {
                    let mut env = Env {
                        partition,
                        region: name,
                        account_id: id,
                        cluster_name,
                        container_instances,
                        task_definitions,
                        target_groups,
                        log_groups,
                        seq,
                    };
                    run_until(svc, &mut env, until);
                }
            }
        }
    }
    failure::watch_alarms(world, until);
    world.engine_time = until;
}

/// Run `f` on one service with its environment; None when any part of the path is unknown.
pub fn with_service<R>(
    world: &mut World,
    account_id: &str,
    region: &str,
    cluster: &str,
    service: &str,
    f: impl FnOnce(&mut Service, &mut Env<'_>) -> R,
) -> Option<R> {
    let World { accounts, seq, .. } = world;
    let Account {
        id,
        partition,
        regions,
        ..
    } = accounts.iter_mut().find(|a| a.id == account_id)?;
    let Region {
        name,
        clusters,
        task_definitions,
        target_groups,
        log_groups,
        ..
    } = regions.iter_mut().find(|r| r.name == region)?;
    let Cluster {
        name: cluster_name,
        container_instances,
        services,
        ..
    } = clusters.iter_mut().find(|c| c.name == cluster)?;
    let svc = services.iter_mut().find(|s| s.name == service)?;
    let mut env = Env {
        partition,
        region: name,
        account_id: id,
        cluster_name,
        container_instances,
        task_definitions,
        target_groups,
        log_groups,
        seq,
    };
    Some(f(svc, &mut env))
}

/// Step one service through everything due up to `until`.
pub fn run_until(svc: &mut Service, env: &mut Env<'_>, until: f64) {
    // A bound far above any real run, so a bookkeeping slip cannot hang a request.
    for _ in 0..5_000_000u32 {
        match next_due(svc, env) {
            Some(t) if t <= until => step(svc, env, t),
            _ => return,
        }
    }
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn next_due(svc: &Service, env: &Env<'_>) -> Option<f64> {
    let mut due = svc.scheduler.wake_at;
    due = min_opt(due, svc.scheduler.planned_updates.first().map(|p| p.0));
    due = min_opt(due, lifecycle::next_wake(svc));
    if svc.scheduler.steady {
        due = min_opt(due, svc.scheduler.next_steady_event);
    }
    for task in &svc.tasks {
        due = min_opt(due, task.due_phase);
        due = min_opt(due, task.due_health);
        due = min_opt(due, task.due_exit);
        if task.last_status == "STOPPED" {
            due = min_opt(due, task.stopped_at.map(|s| s + FORGET_SECS));
        }
    }
    for arn in svc.target_group_arns() {
        if let Some(tg) = env.target_groups.iter().find(|g| g.arn == arn) {
            for target in &tg.targets {
                if target.next_transition.is_some()
                    && svc.tasks.iter().any(|t| t.id == target.task_id)
                {
                    due = min_opt(due, target.next_transition);
                }
            }
        }
    }
    due
}

fn step(svc: &mut Service, env: &mut Env<'_>, t: f64) {
    if svc.scheduler.wake_at.is_some_and(|w| w <= t) {
        svc.scheduler.wake_at = None;
    }
    while svc
        .scheduler
        .planned_updates
        .first()
        .is_some_and(|p| p.0 <= t)
    {
        let (_, td) = svc.scheduler.planned_updates.remove(0);
        start_deployment(svc, env, &td, t, None);
    }
    for i in 0..svc.tasks.len() {
        step_task(svc, env, i, t);
    }
    step_targets(svc, env, t);
    svc.tasks.retain(|task| {
        !(task.last_status == "STOPPED" && task.stopped_at.is_some_and(|s| s + FORGET_SECS <= t))
    });
    if svc.scheduler.steady && svc.scheduler.next_steady_event.is_some_and(|n| n <= t) {
        let msg = format!("(service {}) has reached a steady state.", svc.name);
        push_event(svc, env, t, msg);
        svc.scheduler.next_steady_event = Some(t + STEADY_EVENT_SECS);
    }
    lifecycle::step_stages(svc, env, t);
    schedule(svc, env, t);
    lifecycle::step_stages(svc, env, t);
    service_deployments::refresh_records(svc);
    for task in &mut svc.tasks {
        task.next_transition = min_opt(min_opt(task.due_phase, task.due_health), task.due_exit);
    }
    sample(svc, env, t);
}

/// Record a service event (newest first, capped like ECS).
pub fn push_event(svc: &mut Service, env: &mut Env<'_>, t: f64, message: String) {
    let n = env.next();
    // Event ids are many; a cheap mix of the sequence number (SplitMix64) keeps start-up fast.
    let h = format!("{:016x}{:016x}", mix(n, 0), mix(n ^ 0x5eed, 0));
    svc.events.insert(
        0,
        ServiceEvent {
            id: uuid_layout(&h),
            created_at: t,
            message,
        },
    );
    svc.events.truncate(EVENTS_KEPT);
}

/// Service runningCount and pendingCount.
pub fn service_counts(svc: &Service) -> (i64, i64) {
    let running = svc
        .tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .count() as i64;
    let pending = svc
        .tasks
        .iter()
        .filter(|t| {
            t.desired_status == "RUNNING"
                && matches!(
                    t.last_status.as_str(),
                    "PROVISIONING" | "PENDING" | "ACTIVATING"
                )
        })
        .count() as i64;
    (running, pending)
}

/// Record a (time, running, healthy) sample when either count changed.
fn sample(svc: &mut Service, env: &Env<'_>, t: f64) {
    let (running, _) = service_counts(svc);
    let healthy = if svc.load_balancers.is_empty() {
        svc.tasks.iter().filter(|x| is_healthy(svc, env, x)).count() as i64
    } else {
        svc.load_balancers
            .iter()
            .filter_map(|lb| {
                env.target_groups
                    .iter()
                    .find(|g| g.arn == lb.production_target_group())
            })
            .flat_map(|g| g.targets.iter())
            .filter(|x| x.state == "healthy" && svc.tasks.iter().any(|task| task.id == x.task_id))
            .count() as i64
    };
    if svc
        .history
        .last()
        .is_none_or(|&(_, r, h)| (r, h) != (running, healthy))
    {
        svc.history.push((t, running, healthy));
        if svc.history.len() > HISTORY_KEPT {
            let excess = svc.history.len() - HISTORY_KEPT;
            svc.history.drain(..excess);
        }
    }
}
