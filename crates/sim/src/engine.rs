//! The behaviour engine: advances every service's tasks, deployments, targets and log streams to
//! the clock's now, one scheduled change at a time.
//!
//! Each service is stepped on its own (they share nothing but the region's target groups and log
//! groups, which the `Env` lends out), visiting only the times something is due, so a jump of
//! days costs a few steps per service. Ids come from the world's sequence counter, never from a
//! random source, so the same clock gives the same world.

use crate::scenario::{ecs_arn, stable_hex};
use crate::world::{
    Account, Behaviour, Cluster, ContainerInstance, Deployment, LogGroup, LogStream, Region,
    Service, ServiceEvent, Target, TargetGroup, Task, TaskContainer, TaskDefinition, World,
};

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
    for lb in &svc.load_balancers {
        if let Some(tg) = env
            .target_groups
            .iter()
            .find(|g| g.arn == lb.target_group_arn)
        {
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
    schedule(svc, env, t);
    for task in &mut svc.tasks {
        task.next_transition = min_opt(min_opt(task.due_phase, task.due_health), task.due_exit);
    }
    sample(svc, env, t);
}

/// Record a service event (newest first, capped like ECS).
pub fn push_event(svc: &mut Service, env: &mut Env<'_>, t: f64, message: String) {
    let n = env.next();
    // Event ids are many; a cheap mix of the sequence number keeps start-up fast.
    let h = format!("{:016x}{:016x}", splitmix(n), splitmix(n ^ 0x5eed));
    svc.events.insert(
        0,
        ServiceEvent {
            id: format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            ),
            created_at: t,
            message,
        },
    );
    svc.events.truncate(EVENTS_KEPT);
}

/// SplitMix64: a fast, well-spread 64-bit mix for ids.
fn splitmix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The behaviour of a task definition's tasks.
fn behaviour_of(env: &Env<'_>, td_arn: &str) -> Behaviour {
    env.task_definitions
        .iter()
        .find(|d| d.arn == td_arn)
        .and_then(|d| d.behaviour.clone())
        .unwrap_or(Behaviour::Healthy)
}

/// Make `td_arn` the PRIMARY deployment (force new deployment, new revision, rollback).
pub fn start_deployment(
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

fn open_stream(svc: &Service, env: &mut Env<'_>, task: &Task, t: f64) {
    let Some(td) = env
        .task_definitions
        .iter()
        .find(|d| d.arn == task.task_definition)
    else {
        return;
    };
    for c in &td.containers {
        let (Some(group), Some(prefix)) = (&c.log_group, &c.log_stream_prefix) else {
            continue;
        };
        let idx = match env.log_groups.iter().position(|g| &g.name == group) {
            Some(i) => i,
            None => {
                env.log_groups.push(LogGroup {
                    name: group.clone(),
                    created_at: t,
                    retention_days: None,
                    streams: Vec::new(),
                });
                env.log_groups.len() - 1
            }
        };
        let port = c.ports.first().copied().unwrap_or(8080);
        let version = c.image.rsplit(':').next().unwrap_or("latest");
        let mut events = vec![
            (
                t,
                format!("Starting {} {version} (task {})", c.name, task.id),
            ),
            (
                t + 0.4,
                format!("Loaded configuration for {} in {}", svc.name, env.region),
            ),
        ];
        if !matches!(task.behaviour, Behaviour::CrashLoop { .. }) {
            events.push((t + 1.2, format!("Listening on :{port}")));
        }
        let group = &mut env.log_groups[idx];
        group.streams.push(LogStream {
            name: format!("{prefix}/{}/{}", c.name, task.id),
            created_at: t,
            task_id: task.id.clone(),
            service: svc.name.clone(),
            behaviour: task.behaviour.clone(),
            started_at: t,
            stopped_at: None,
            events,
        });
        if group.streams.len() > STREAMS_KEPT {
            let excess = group.streams.len() - STREAMS_KEPT;
            group.streams.drain(..excess);
        }
    }
}

/// Mark a task's streams stopped at `t`, adding its last lines.
fn close_streams(env: &mut Env<'_>, task_id: &str, t: f64, lines: &[String]) {
    for group in env.log_groups.iter_mut() {
        for stream in group.streams.iter_mut().rev() {
            if stream.task_id == task_id && stream.stopped_at.is_none() {
                for (i, line) in lines.iter().enumerate() {
                    stream.events.push((t + i as f64 * 0.001, line.clone()));
                }
                stream.stopped_at = Some(t + lines.len() as f64 * 0.001);
            }
        }
    }
}

fn step_task(svc: &mut Service, env: &mut Env<'_>, i: usize, t: f64) {
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
            "PENDING" => on_running(svc, env, i, t),
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
    }
    if svc.tasks[i].due_exit.is_some_and(|d| d <= t) {
        svc.tasks[i].due_exit = None;
        if svc.tasks[i].desired_status == "RUNNING" {
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
            _ => None,
        };
    }
    let task = svc.tasks[i].clone();
    open_stream(svc, env, &task, t);
    let mut messages = Vec::new();
    for lb in &svc.load_balancers {
        if let Some(tg) = env
            .target_groups
            .iter_mut()
            .find(|g| g.arn == lb.target_group_arn)
        {
            tg.targets.push(Target {
                ip: task.private_ip.clone(),
                port: lb.container_port,
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

fn step_targets(svc: &mut Service, env: &mut Env<'_>, t: f64) {
    let mut messages = Vec::new();
    for lb in &svc.load_balancers {
        let Some(tg) = env
            .target_groups
            .iter_mut()
            .find(|g| g.arn == lb.target_group_arn)
        else {
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
            }
        }
    }
    for m in messages {
        push_event(svc, env, t, m);
    }
}

/// The load balancer state of a task's target, if it has one.
fn target_state<'e>(svc: &Service, env: &'e Env<'_>, task_id: &str) -> Option<&'e str> {
    svc.load_balancers.iter().find_map(|lb| {
        env.target_groups
            .iter()
            .find(|g| g.arn == lb.target_group_arn)?
            .targets
            .iter()
            .find(|x| x.task_id == task_id)
            .map(|x| x.state.as_str())
    })
}

/// Whether a task's target has been unhealthy long enough for the scheduler to replace it.
fn replace_unhealthy(svc: &Service, env: &Env<'_>, task_id: &str) -> bool {
    svc.load_balancers.iter().any(|lb| {
        env.target_groups
            .iter()
            .find(|g| g.arn == lb.target_group_arn)
            .is_some_and(|g| {
                g.targets.iter().any(|x| {
                    x.task_id == task_id && x.state == "unhealthy" && x.next_transition.is_none()
                })
            })
    })
}

/// Whether a task counts as healthy for minimumHealthyPercent and completion.
fn is_healthy(svc: &Service, env: &Env<'_>, task: &Task) -> bool {
    task.desired_status == "RUNNING"
        && task.last_status == "RUNNING"
        && task.health_status == "HEALTHY"
        && (svc.load_balancers.is_empty() || target_state(svc, env, &task.id) == Some("healthy"))
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
    for lb in &svc.load_balancers {
        if let Some(tg) = env
            .target_groups
            .iter_mut()
            .find(|g| g.arn == lb.target_group_arn)
        {
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
            if primary.id == started_by && primary.rollout_state == "IN_PROGRESS" {
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

fn launch_task(svc: &mut Service, env: &mut Env<'_>, t: f64) -> Option<String> {
    let (dep_id, td_arn) = {
        let p = svc.deployments.first()?;
        (p.id.clone(), p.task_definition.clone())
    };
    let td = env.task_definitions.iter().find(|d| d.arn == td_arn)?;
    let containers = td
        .containers
        .iter()
        .map(|c| TaskContainer {
            name: c.name.clone(),
            image: c.image.clone(),
            last_status: "PENDING".into(),
            exit_code: None,
            reason: None,
            health_status: "UNKNOWN".into(),
        })
        .collect();
    let (cpu, memory) = (td.cpu.clone(), td.memory.clone());
    let behaviour = td.behaviour.clone().unwrap_or(Behaviour::Healthy);
    let n = env.next();
    let id = stable_hex(&format!("{}/task/{n}", svc.arn), 32);
    let container_instance_arn = if svc.launch_type == "EC2" && !env.container_instances.is_empty()
    {
        let idx = svc
            .tasks
            .iter()
            .filter(|x| x.desired_status == "RUNNING")
            .count()
            % env.container_instances.len();
        Some(env.container_instances[idx].arn.clone())
    } else {
        None
    };
    let zones = ["a", "b", "c"];
    let task = Task {
        id: id.clone(),
        arn: ecs_arn(
            env.partition,
            env.region,
            env.account_id,
            &format!("task/{}/{id}", env.cluster_name),
        ),
        task_definition: td_arn,
        started_by: dep_id,
        last_status: "PROVISIONING".into(),
        desired_status: "RUNNING".into(),
        health_status: "UNKNOWN".into(),
        launch_type: svc.launch_type.clone(),
        private_ip: format!("10.0.{}.{}", (n / 250) % 250 + 1, n % 250 + 4),
        availability_zone: format!("{}{}", env.region, zones[(n % 3) as usize]),
        created_at: t,
        pull_started_at: None,
        started_at: None,
        stopping_at: None,
        stopped_at: None,
        stop_code: None,
        stopped_reason: None,
        containers,
        next_transition: Some(t + PROVISION_SECS),
        container_instance_arn,
        cluster_arn: svc.cluster_arn.clone(),
        group: format!("service:{}", svc.name),
        cpu,
        memory,
        behaviour,
        due_phase: Some(t + PROVISION_SECS),
        due_health: None,
        due_exit: None,
    };
    svc.tasks.push(task);
    Some(id)
}

/// The circuit breaker's failed-task threshold for a desired count (ECS: half the desired count,
/// at least 3 and at most 200).
pub fn breaker_threshold(desired: i64) -> i64 {
    ((desired as f64 * 0.5).ceil() as i64).clamp(3, 200)
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

fn schedule(svc: &mut Service, env: &mut Env<'_>, t: f64) {
    for _ in 0..8 {
        if !schedule_once(svc, env, t) {
            break;
        }
    }
    refresh_deployments(svc, env, t);
}

fn refresh_deployments(svc: &mut Service, env: &mut Env<'_>, t: f64) {
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
    let want = (desired - primary_count).min(max_total.max(desired) - total_active);
    let mut launched = Vec::new();
    if !primary_failed && want > 0 {
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

/// Completion and circuit breaker of the PRIMARY deployment.
fn check_rollout(svc: &mut Service, env: &mut Env<'_>, t: f64) -> bool {
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
    if !old_left && healthy == desired && active == desired {
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
        if svc.rollback {
            if let Some((done_id, done_td)) = svc.scheduler.last_completed.clone() {
                if done_td != primary_td {
                    let msg = format!(
                        "(service {}) rolling back to deployment {done_id}.",
                        svc.name
                    );
                    push_event(svc, env, t, msg);
                    start_deployment(
                        svc,
                        env,
                        &done_td,
                        t,
                        Some(format!(
                            "ECS deployment circuit breaker: rolling back to deploymentId {done_id}."
                        )),
                    );
                }
            }
        }
        return true;
    }
    false
}

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
                    .find(|g| g.arn == lb.target_group_arn)
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
