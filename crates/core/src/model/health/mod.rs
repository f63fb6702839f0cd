//! The health roll-up of a service: green, amber or red, with the reasons in plain sentences.
//!
//! It weighs what the runbooks check by hand: running against desired tasks, the deployment's
//! rollout state and circuit breaker, recently stopped tasks, target health, alarms in ALARM and
//! the thresholds (CPU 70 %, memory 80 %, 5xx 1 % of requests, response time 500 ms).

mod rules;

use crate::model::alarm::AlarmInfo;
use crate::model::count::tasks;
use crate::model::deployment::Deployment;
use crate::model::diagnosis::StopCause;
use crate::model::diagnosis::StoppedTask;
use crate::model::metrics::LatestValues;
use crate::model::target::TargetGroupHealth;
use crate::model::thresholds::Thresholds;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Green, amber or red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum HealthLevel {
    /// Nothing needs attention.
    Green,
    /// Something to watch.
    Amber,
    /// Something is broken.
    Red,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthReason {
    /// How bad it is.
    pub level: HealthLevel,
    /// Which check: `tasks`, `deployment`, `stoppedTasks`, `targets`, `alarms`, `cpu`, `memory`,
    /// `errors`, `latency`.
    pub check: String,
    /// The finding in a sentence.
    pub text: String,
}

/// The roll-up of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceHealth {
    /// Service name.
    pub service: String,
    /// The worst level found.
    pub level: HealthLevel,
    /// One sentence for a banner or a tooltip.
    pub summary: String,
    /// Every finding, worst first.
    pub reasons: Vec<HealthReason>,
    /// Checks that could not be made (e.g. no permission to read alarms).
    pub notes: Vec<String>,
    /// Whether targets, alarms and metrics were checked (service page) or not (list).
    pub full: bool,
    /// The metric values compared with the thresholds (full roll-up only).
    pub latest: Option<LatestValues>,
    /// The thresholds used.
    pub thresholds: Thresholds,
}

/// Everything the roll-up weighs.
#[derive(Debug, Clone, Default)]
pub struct HealthInput<'a> {
    /// Desired tasks.
    pub desired: i32,
    /// Running tasks.
    pub running: i32,
    /// Pending tasks.
    pub pending: i32,
    /// The service's deployments.
    pub deployments: Vec<Deployment>,
    /// Recently stopped tasks.
    pub stopped: &'a [StoppedTask],
    /// Target groups with their targets (full roll-up).
    pub targets: Option<&'a [TargetGroupHealth]>,
    /// Alarms watching the service (full roll-up).
    pub alarms: Option<&'a [AlarmInfo]>,
    /// Latest metric values (full roll-up).
    pub latest: Option<LatestValues>,
}

/// Weighs `input` against `thresholds`, one rule per family: the findings, worst first.
pub fn evaluate(input: &HealthInput<'_>, thresholds: &Thresholds) -> Vec<HealthReason> {
    let primary = input.deployments.iter().find(|d| d.status == "PRIMARY");
    let deploying = primary.is_some_and(|d| d.rollout_state.as_deref() == Some("IN_PROGRESS"))
        || input.deployments.len() > 1;
    let mut f = rules::Findings(Vec::new());
    rules::tasks_running(input, deploying, &mut f);
    rules::deployments(input, &mut f);
    rules::stopped_tasks(input, &mut f);
    rules::targets(input, &mut f);
    rules::alarms(input, &mut f);
    rules::metric_thresholds(input, thresholds, &mut f);
    let mut out = f.0;
    out.sort_by_key(|r| std::cmp::Reverse(r.level));
    out
}

/// Builds the roll-up of `service` from its findings.
pub fn roll_up(
    service: &str,
    input: &HealthInput<'_>,
    thresholds: &Thresholds,
    full: bool,
    notes: Vec<String>,
) -> ServiceHealth {
    let reasons = evaluate(input, thresholds);
    let level = reasons.first().map_or(HealthLevel::Green, |r| r.level);
    let summary = match reasons.first() {
        None => {
            let mut parts = vec![format!(
                "{} of {} running",
                input.running.max(0),
                tasks(input.desired.max(0) as usize)
            )];
            parts.push("no failed deployments".into());
            if input.targets.is_some_and(|t| !t.is_empty()) {
                parts.push("all targets healthy".into());
            }
            if let Some(latest) = input.latest {
                // The list's roll-up reads CPU and memory only; the page's also the load balancer's.
                parts.push(
                    if latest.error_rate_percent.is_some() || latest.response_time_ms.is_some() {
                        "metrics within limits".into()
                    } else {
                        "CPU and memory within limits".into()
                    },
                );
            }
            format!("Healthy: {}.", parts.join(", "))
        }
        Some(first) if reasons.len() == 1 => first.text.clone(),
        Some(first) => format!(
            "{} (and {} more finding{})",
            first.text,
            reasons.len() - 1,
            if reasons.len() == 2 { "" } else { "s" }
        ),
    };
    ServiceHealth {
        service: service.to_string(),
        level,
        summary,
        reasons,
        notes,
        full,
        latest: input.latest,
        thresholds: *thresholds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diagnosis::diagnose;
    use crate::model::task::ContainerInfo;

    fn stopped(exit: i32, reason: &str) -> StoppedTask {
        let containers = vec![ContainerInfo {
            name: "app".into(),
            image: None,
            last_status: Some("STOPPED".into()),
            exit_code: Some(exit),
            reason: Some(reason.into()),
            health_status: None,
        }];
        StoppedTask {
            id: "t".into(),
            arn: "arn".into(),
            task_definition: "app:1".into(),
            started_at: None,
            stopped_at: None,
            stop_code: Some("EssentialContainerExited".into()),
            stopped_reason: Some("Essential container in task exited".into()),
            diagnosis: diagnose(
                Some("EssentialContainerExited"),
                None,
                &containers,
                &[reason.to_string()],
            ),
            last_lines: vec![],
            containers,
        }
    }

    fn primary(state: &str, reason: Option<&str>) -> Deployment {
        Deployment {
            status: "PRIMARY".into(),
            rollout_state: Some(state.into()),
            rollout_state_reason: reason.map(str::to_string),
            failed_tasks: 0,
            task_definition: "app:3".into(),
            ..Deployment::default()
        }
    }

    #[test]
    fn healthy_service_is_green_with_a_summary() {
        let input = HealthInput {
            desired: 2,
            running: 2,
            deployments: vec![primary("COMPLETED", None)],
            latest: Some(LatestValues {
                cpu_percent: Some(20.0),
                memory_percent: Some(40.0),
                ..Default::default()
            }),
            ..Default::default()
        };
        let h = roll_up("svc", &input, &Thresholds::default(), true, vec![]);
        assert_eq!(h.level, HealthLevel::Green);
        assert!(
            h.summary.starts_with("Healthy: 2 of 2 tasks running"),
            "{}",
            h.summary
        );
    }

    #[test]
    fn a_spot_replacement_starting_is_green_and_said_so() {
        let mut reclaimed = stopped(143, "");
        reclaimed.stop_code = Some("SpotInterruption".into());
        reclaimed.diagnosis = diagnose(Some("SpotInterruption"), None, &reclaimed.containers, &[]);
        let reclaimed = [reclaimed];
        let input = HealthInput {
            desired: 2,
            running: 1,
            pending: 1,
            deployments: vec![primary("COMPLETED", None)],
            stopped: &reclaimed,
            ..Default::default()
        };
        let h = roll_up("svc", &input, &Thresholds::default(), true, vec![]);
        assert_eq!(h.level, HealthLevel::Green, "{h:?}");
        assert_eq!(
            h.summary,
            "1 of 2 tasks are running: Fargate Spot reclaimed one and its replacement is starting."
        );
        // Nothing starting in its place, or a deployment under way: the shortfall is a finding.
        let idle = HealthInput {
            pending: 0,
            ..input.clone()
        };
        assert_eq!(
            roll_up("svc", &idle, &Thresholds::default(), true, vec![]).level,
            HealthLevel::Amber
        );
        let deploying = HealthInput {
            deployments: vec![primary("IN_PROGRESS", None)],
            ..input
        };
        assert_eq!(
            roll_up("svc", &deploying, &Thresholds::default(), true, vec![]).level,
            HealthLevel::Amber
        );
    }

    #[test]
    fn thresholds_are_configurable_and_named_in_reasons() {
        let input = HealthInput {
            desired: 1,
            running: 1,
            latest: Some(LatestValues {
                cpu_percent: Some(75.0),
                ..Default::default()
            }),
            ..Default::default()
        };
        let h = roll_up("svc", &input, &Thresholds::default(), true, vec![]);
        assert_eq!(h.level, HealthLevel::Amber);
        assert_eq!(h.summary, "CPU is at 75 %, above the 70 % limit.");
        let relaxed = Thresholds {
            cpu_percent: 80.0,
            ..Default::default()
        };
        assert_eq!(
            roll_up("svc", &input, &relaxed, true, vec![]).level,
            HealthLevel::Green
        );
    }

    #[test]
    fn crash_loop_oom_and_failed_deployments_are_red() {
        let crashes = [
            stopped(1, "exec /sbin/api-server: exec format error"),
            stopped(1, "exec /sbin/api-server: exec format error"),
        ];
        let input = HealthInput {
            desired: 1,
            running: 0,
            stopped: &crashes,
            ..Default::default()
        };
        let reasons = evaluate(&input, &Thresholds::default());
        assert!(reasons.iter().all(|r| r.level == HealthLevel::Red));
        assert!(reasons
            .iter()
            .any(|r| r.text.contains("another CPU architecture")));
        assert!(reasons
            .iter()
            .any(|r| r.text.contains("No tasks are running")));

        let oom = [stopped(
            137,
            "OutOfMemoryError: Container killed due to memory usage",
        )];
        let input = HealthInput {
            desired: 1,
            running: 1,
            stopped: &oom,
            ..Default::default()
        };
        let h = roll_up("svc", &input, &Thresholds::default(), false, vec![]);
        assert_eq!(h.level, HealthLevel::Red);
        assert!(h.summary.contains("out of memory"), "{}", h.summary);

        let input = HealthInput {
            desired: 2,
            running: 2,
            deployments: vec![primary(
                "FAILED",
                Some("ECS deployment circuit breaker: tasks failed to start."),
            )],
            ..Default::default()
        };
        let h = roll_up("svc", &input, &Thresholds::default(), false, vec![]);
        assert_eq!(h.level, HealthLevel::Red);
        assert!(h.summary.contains("circuit breaker"), "{}", h.summary);
    }

    #[test]
    fn one_unexpected_stop_or_a_deployment_is_amber() {
        let one = [stopped(2, "")];
        let input = HealthInput {
            desired: 2,
            running: 1,
            deployments: vec![primary("IN_PROGRESS", None)],
            stopped: &one,
            ..Default::default()
        };
        let h = roll_up("svc", &input, &Thresholds::default(), false, vec![]);
        assert_eq!(h.level, HealthLevel::Amber);
        assert!(h
            .reasons
            .iter()
            .any(|r| r.text.contains("while a deployment is in progress")));
        assert!(h.summary.contains("more finding"), "{}", h.summary);
    }

    #[test]
    fn failures_of_a_version_rolled_back_are_amber_not_red() {
        let failed_version: Vec<StoppedTask> = (0..4)
            .map(|_| StoppedTask {
                task_definition: "app:4".into(),
                ..stopped(2, "")
            })
            .collect();
        let input = HealthInput {
            desired: 2,
            running: 2,
            deployments: vec![primary("COMPLETED", None)],
            stopped: &failed_version,
            ..Default::default()
        };
        let h = roll_up("svc", &input, &Thresholds::default(), false, vec![]);
        assert_eq!(h.level, HealthLevel::Amber, "{h:?}");
        assert!(
            h.summary
                .starts_with("A deployment of app:4 failed and no longer runs: 4 tasks of it"),
            "{}",
            h.summary
        );
        // The same failures of the version that runs now are the service's state: red.
        let current: Vec<StoppedTask> = failed_version
            .iter()
            .map(|t| StoppedTask {
                task_definition: "app:3".into(),
                ..t.clone()
            })
            .collect();
        let input = HealthInput {
            stopped: &current,
            ..input
        };
        assert_eq!(
            roll_up("svc", &input, &Thresholds::default(), false, vec![]).level,
            HealthLevel::Red
        );
    }
}
