//! The health rules, one per family: running tasks, deployments, stopped tasks, targets, alarms
//! and metric thresholds. Each adds its findings in plain sentences.

use super::*;

/// A number without needless decimals.
pub(super) fn num(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Findings as the rules add them.
pub(super) struct Findings(pub(super) Vec<HealthReason>);

impl Findings {
    /// Adds one finding of `check` at `level`.
    pub(super) fn add(&mut self, level: HealthLevel, check: &str, text: String) {
        self.0.push(HealthReason {
            level,
            check: check.to_string(),
            text,
        });
    }
}

/// Running against desired tasks.
pub(super) fn tasks_running(input: &HealthInput<'_>, deploying: bool, f: &mut Findings) {
    if input.desired == 0 {
        f.add(
            HealthLevel::Amber,
            "tasks",
            "The service is set to run no tasks (desired count 0).".into(),
        );
    } else if input.running == 0 {
        f.add(
            HealthLevel::Red,
            "tasks",
            format!("No tasks are running (0 of {} wanted).", input.desired),
        );
    } else if input.running < input.desired && replacing_reclaimed(input, deploying) {
        // Fargate Spot takes capacity back as a matter of course and ECS starts a replacement at
        // once: the minute it takes to start is the service working as designed.
        f.add(
            HealthLevel::Green,
            "tasks",
            format!(
                "{} of {} tasks are running: Fargate Spot reclaimed one and its replacement is starting.",
                input.running, input.desired
            ),
        );
    } else if input.running < input.desired {
        let during = if deploying {
            " while a deployment is in progress"
        } else {
            ""
        };
        f.add(
            HealthLevel::Amber,
            "tasks",
            format!(
                "Only {} of {} tasks are running{during}.",
                input.running, input.desired
            ),
        );
    }
}

/// True when the missing tasks are already starting and Fargate Spot reclaimed a task recently,
/// outside a deployment.
fn replacing_reclaimed(input: &HealthInput<'_>, deploying: bool) -> bool {
    !deploying
        && input.running + input.pending >= input.desired
        && input
            .stopped
            .iter()
            .any(|t| t.diagnosis.cause == StopCause::SpotInterruption)
}

/// The deployments, their rollout state and the circuit breaker.
pub(super) fn deployments(input: &HealthInput<'_>, f: &mut Findings) {
    for d in &input.deployments {
        let reason = d.rollout_state_reason.as_deref().unwrap_or_default();
        let breaker = reason.to_ascii_lowercase().contains("circuit breaker");
        match d.rollout_state.as_deref() {
            Some("FAILED") => f.add(
                HealthLevel::Red,
                "deployment",
                if breaker {
                    format!(
                        "The deployment circuit breaker stopped the deployment of {}: {reason}",
                        d.task_definition
                    )
                } else {
                    format!("The deployment of {} failed: {reason}", d.task_definition)
                },
            ),
            Some("IN_PROGRESS") if d.status == "PRIMARY" => {
                if d.failed_tasks > 0 {
                    f.add(
                        HealthLevel::Amber,
                        "deployment",
                        format!(
                            "A deployment of {} is in progress and {} failed to start so far.",
                            d.task_definition,
                            tasks(d.failed_tasks as usize)
                        ),
                    );
                } else {
                    f.add(
                        HealthLevel::Amber,
                        "deployment",
                        format!("A deployment of {} is in progress.", d.task_definition),
                    );
                }
            }
            _ if breaker && d.status == "PRIMARY" && reason.contains("rolling back") => f.add(
                HealthLevel::Red,
                "deployment",
                format!("The circuit breaker is rolling the service back: {reason}"),
            ),
            _ => {}
        }
    }
}

/// Recently stopped tasks that point at a problem. Failures of a version no deployment runs
/// any more (the circuit breaker rolled it back, or a later deployment replaced it) are a past
/// problem, not the service's state now.
pub(super) fn stopped_tasks(input: &HealthInput<'_>, f: &mut Findings) {
    let deployed = |t: &StoppedTask| {
        input.deployments.is_empty()
            || input
                .deployments
                .iter()
                .any(|d| d.task_definition == t.task_definition)
    };
    let (failures, past): (Vec<&StoppedTask>, Vec<&StoppedTask>) = input
        .stopped
        .iter()
        .filter(|t| t.diagnosis.cause.is_failure())
        .partition(|t| deployed(t));
    if let (None, Some(newest)) = (failures.first(), past.first()) {
        f.add(
            HealthLevel::Amber,
            "stoppedTasks",
            format!(
                "A deployment of {} failed and no longer runs: {} of it stopped recently ({}).",
                newest.task_definition,
                tasks(past.len() as i32),
                newest.diagnosis.title
            ),
        );
    }
    if let Some(newest) = failures.first() {
        let n = failures.len();
        let oom = failures
            .iter()
            .filter(|t| t.diagnosis.cause == StopCause::OutOfMemory)
            .count();
        let arch = failures
            .iter()
            .any(|t| t.diagnosis.cause == StopCause::WrongArchitecture);
        if oom > 0 {
            f.add(
                HealthLevel::Red,
                "stoppedTasks",
                format!(
                    "Tasks are running out of memory: {} stopped recently with an out-of-memory error (exit code 137). Raise the task memory or fix a leak.",
                    tasks(oom)
                ),
            );
        } else if arch {
            f.add(
                HealthLevel::Red,
                "stoppedTasks",
                format!(
                    "Tasks crash at start: the image is built for another CPU architecture (\"exec format error\"); {} stopped recently.",
                    tasks(n)
                ),
            );
        } else if n >= 2 {
            f.add(
                HealthLevel::Red,
                "stoppedTasks",
                format!(
                    "Tasks keep stopping: {} stopped recently. Latest: {}.",
                    tasks(n),
                    newest.diagnosis.title
                ),
            );
        } else {
            f.add(
                HealthLevel::Amber,
                "stoppedTasks",
                format!("A task stopped unexpectedly: {}.", newest.diagnosis.title),
            );
        }
    }
}

/// The load balancer's view of the targets.
pub(super) fn targets(input: &HealthInput<'_>, f: &mut Findings) {
    for group in input.targets.unwrap_or_default() {
        if group.unhealthy == 0 {
            continue;
        }
        let why = group
            .targets
            .iter()
            .find(|t| t.state == "unhealthy")
            .and_then(|t| t.description.clone().or(t.reason.clone()))
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        if group.healthy == 0 {
            f.add(
                HealthLevel::Red,
                "targets",
                format!(
                    "No healthy targets in {}: {} unhealthy{why}.",
                    group.name, group.unhealthy
                ),
            );
        } else {
            f.add(
                HealthLevel::Amber,
                "targets",
                format!(
                    "{} of {} targets in {} are unhealthy{why}.",
                    group.unhealthy,
                    group.targets.len(),
                    group.name
                ),
            );
        }
    }
}

/// Alarms in ALARM: someone decided these matter, so one is red. Not the alarms of a
/// target-tracking policy: those drive the scaler, and the low one is in ALARM at every quiet hour.
pub(super) fn alarms(input: &HealthInput<'_>, f: &mut Findings) {
    for alarm in input
        .alarms
        .unwrap_or_default()
        .iter()
        .filter(|a| a.state == "ALARM" && !a.scaling)
    {
        let about = alarm
            .description
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        f.add(
            HealthLevel::Red,
            "alarms",
            format!("The alarm {} is in ALARM{about}.", alarm.name),
        );
    }
}

/// The latest metric values against the thresholds.
pub(super) fn metric_thresholds(
    input: &HealthInput<'_>,
    thresholds: &Thresholds,
    f: &mut Findings,
) {
    if let Some(latest) = input.latest {
        if let Some(cpu) = latest.cpu_percent.filter(|v| *v > thresholds.cpu_percent) {
            f.add(
                HealthLevel::Amber,
                "cpu",
                format!(
                    "CPU is at {} %, above the {} % limit.",
                    num(cpu),
                    num(thresholds.cpu_percent)
                ),
            );
        }
        if let Some(mem) = latest
            .memory_percent
            .filter(|v| *v > thresholds.memory_percent)
        {
            f.add(
                HealthLevel::Amber,
                "memory",
                format!(
                    "Memory is at {} %, above the {} % limit.",
                    num(mem),
                    num(thresholds.memory_percent)
                ),
            );
        }
        if let Some(rate) = latest
            .error_rate_percent
            .filter(|v| *v > thresholds.error_rate_percent)
        {
            let level = if rate > 5.0 * thresholds.error_rate_percent {
                HealthLevel::Red
            } else {
                HealthLevel::Amber
            };
            f.add(
                level,
                "errors",
                format!(
                    "{} % of requests get a 5xx error, above the {} % limit.",
                    num(rate),
                    num(thresholds.error_rate_percent)
                ),
            );
        }
        if let Some(ms) = latest
            .response_time_ms
            .filter(|v| *v > thresholds.response_time_ms)
        {
            let level = if ms > 2.0 * thresholds.response_time_ms {
                HealthLevel::Red
            } else {
                HealthLevel::Amber
            };
            f.add(
                level,
                "latency",
                format!(
                    "Responses take {} ms on average, above the {} ms limit.",
                    num(ms),
                    num(thresholds.response_time_ms)
                ),
            );
        }
    }
}
