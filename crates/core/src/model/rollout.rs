//! What ECS will do when a service rolls out: how many tasks start and stop at a time within
//! its minimum and maximum healthy percent, and whether that drops below what it needs.

use crate::model::action::RiskLevel;

use crate::model::count::tasks;
use crate::model::reading::ServiceSnapshot;

/// How ECS replaces every task of the service (a new deployment), from its deployment settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollout {
    /// Steps in plain words.
    pub steps: Vec<String>,
    /// Risk.
    pub risk: RiskLevel,
    /// The risk in one sentence.
    pub sentence: String,
    /// The service goes down for a while.
    pub downtime: bool,
}

/// How a new deployment of `snap` proceeds under minimumHealthyPercent/maximumPercent.
pub fn rollout(snap: &ServiceSnapshot) -> Rollout {
    let n = snap.desired.max(0);
    let running = snap.running_tasks().count() as i32;
    let healthy = if snap.has_load_balancer {
        "healthy and receiving traffic from the load balancer"
    } else {
        "running and healthy"
    };
    if n == 0 {
        return Rollout {
            steps: vec![
                "The service wants 0 tasks, so ECS starts and stops nothing now.".to_string(),
                "Tasks started later use the new deployment.".to_string(),
            ],
            risk: RiskLevel::Safe,
            sentence: "Nothing is running, so nothing goes down.".to_string(),
            downtime: false,
        };
    }
    // ECS rounds the lower limit up and the upper limit down.
    let min_healthy = (n * snap.min_pct.max(0) + 99) / 100;
    let max_total = n * snap.max_pct.max(0) / 100;
    let mut r = if max_total > n {
        let extra = (max_total - n).min(n);
        if min_healthy >= n {
            let mut steps = vec![
                format!(
                    "ECS starts {} beside the {} running now.",
                    if extra == 1 {
                        "1 new task".to_string()
                    } else {
                        format!("{extra} new tasks")
                    },
                    tasks(n).replace("task", "old task")
                ),
                format!(
                    "It waits until {} {healthy}.",
                    if extra == 1 {
                        "the new task is"
                    } else {
                        "the new tasks are"
                    }
                ),
                format!(
                    "Then it stops {} (open connections drain first).",
                    if n == 1 {
                        "the old one".to_string()
                    } else {
                        format!("{} old", tasks(extra))
                    }
                ),
            ];
            if extra < n {
                steps.push(format!("It repeats this until all {n} tasks are replaced."));
            }
            Rollout {
                steps,
                risk: RiskLevel::Safe,
                sentence: if n == 1 {
                    "No downtime expected: the old task keeps serving until its replacement is healthy.".to_string()
                } else {
                    "No downtime expected: old tasks keep serving until their replacements are healthy.".to_string()
                },
                downtime: false,
            }
        } else if min_healthy == 0 {
            Rollout {
                steps: vec![
                    format!("ECS starts up to {} and may stop every old task at the same time (minimum healthy {} %).", tasks(extra).replace("task", "new task"), snap.min_pct),
                    format!("New tasks take a few minutes to become {healthy}."),
                ],
                risk: RiskLevel::Danger,
                sentence: "ECS may stop all old tasks before new ones are healthy: the service may be down for up to 5 minutes.".to_string(),
                downtime: true,
            }
        } else {
            Rollout {
                steps: vec![
                    format!("ECS starts up to {} and may stop up to {} old at the same time.", tasks(extra).replace("task", "new task"), tasks(n - min_healthy)),
                    format!("At least {min_healthy} of {n} tasks keep running while the new ones become {healthy}."),
                ],
                risk: RiskLevel::Caution,
                sentence: format!("Capacity may drop to {min_healthy} of {n} tasks while tasks are replaced; the service stays up."),
                downtime: false,
            }
        }
    } else if min_healthy >= n {
        Rollout {
            steps: vec![
                format!(
                    "ECS may neither start extra tasks (maximum {} %) nor stop any first (minimum healthy {} %).",
                    snap.max_pct, snap.min_pct
                ),
                "The deployment cannot progress until these settings change.".to_string(),
            ],
            risk: RiskLevel::Danger,
            sentence: "This deployment would not progress: ask your platform team to raise the maximum percent above 100.".to_string(),
            downtime: false,
        }
    } else if min_healthy == 0 {
        Rollout {
            steps: vec![
                format!(
                    "This service allows at most {} % of its tasks during a deployment, so ECS cannot start a new task beside the old one.",
                    snap.max_pct
                ),
                format!(
                    "ECS first stops {} (open connections drain first).",
                    if n == 1 {
                        "the only running task".to_string()
                    } else {
                        format!("all {n} running tasks")
                    }
                ),
                format!("Then it starts the replacement and waits until it is {healthy}."),
            ],
            risk: RiskLevel::Danger,
            sentence: if n == 1 {
                "ECS stops the only task before starting the new one: the service will be down for up to 5 minutes.".to_string()
            } else {
                format!("ECS stops all {n} tasks before starting new ones: the service will be down for up to 5 minutes.")
            },
            downtime: true,
        }
    } else {
        Rollout {
            steps: vec![
                format!(
                    "ECS first stops {} old, keeping {min_healthy} of {n} running.",
                    tasks(n - min_healthy)
                ),
                format!("It starts replacements, waits until they are {healthy}, then continues with the rest."),
            ],
            risk: RiskLevel::Caution,
            sentence: format!("Capacity drops to {min_healthy} of {n} tasks while tasks are replaced; the service stays up."),
            downtime: false,
        }
    };
    if running == 0 {
        // Nothing serves now, so a restart cannot take the service down: it is down already.
        r.risk = RiskLevel::Caution;
        r.downtime = false;
        r.sentence = format!(
            "No task is running now: the service is already down. A new deployment starts {}.",
            tasks(n).replace("task", "fresh task")
        );
    }
    r
}
