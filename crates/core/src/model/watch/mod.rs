//! Watching an executed action to a verdict: progress from each service reading, and the rules
//! that decide when it is over.

use std::collections::HashSet;

use crate::model::action::{ActionRequest, VerdictOutcome, WatchTarget, WatchUpdate};
use crate::model::count::tasks;
use crate::model::reading::{ServiceSnapshot, SnapTask};
use crate::util::time::now_rfc3339;

mod deployment;
mod service_deployment;

use deployment::{deployment_outcome, failed_new_tasks, failure_of, is_new};

/// What the watch follows, fixed when the action starts.
#[derive(Debug, Clone)]
pub struct WatchTargetSpec {
    /// The plan.
    pub plan_id: String,
    /// The action.
    pub action: ActionRequest,
    /// The deployment the action started (force new deployment, rollback).
    pub deployment_id: Option<String>,
    /// Tasks that existed before the action.
    pub baseline_tasks: HashSet<String>,
    /// Events that existed before the action.
    pub baseline_events: HashSet<String>,
    /// New tasks failing to start this many times end the watch as failed.
    pub failed_task_limit: i32,
    /// The service's current service deployment before the action (ECS's record), if any.
    pub baseline_service_deployment: Option<String>,
}

/// What the watch learned so far beyond the latest reading.
#[derive(Debug, Clone, Default)]
pub struct WatchMemory {
    /// A moment with no healthy target was seen while tasks were wanted.
    pub zero_healthy_seen: bool,
    /// The deployment ECS rolled back with, once the circuit breaker fired.
    pub rollback_deployment: Option<String>,
    /// The reason the action's deployment failed.
    pub failure_reason: Option<String>,
    /// Readings in a row that did not list the action's deployment.
    pub missing_reads: u32,
    /// New tasks seen stopped with a failure. ECS's `failedTasks` goes back to zero once a task
    /// of the deployment runs well, so a flapping deployment is judged by what the watch saw.
    pub failed_seen: HashSet<String>,
    /// The last lifecycle stage seen while the deployment ran (a verdict names it).
    pub last_stage: Option<String>,
    /// Readings in a row whose desired count is not the one a scale set.
    pub other_desired_reads: u32,
}

/// Readings in a row that may miss the action's deployment before the watch says another one
/// replaced it: DescribeServices is eventually consistent, and right after UpdateService it may
/// not list the deployment that call started yet.
pub const MISSING_READS_TOLERATED: u32 = 4;

/// The progress shown for `snap`, and the outcome if the action is over.
pub fn evaluate(
    spec: &WatchTargetSpec,
    snap: &ServiceSnapshot,
    memory: &mut WatchMemory,
) -> (WatchUpdate, Option<(VerdictOutcome, String, String)>) {
    let desired = snap.desired;
    let new: Vec<&SnapTask> = snap
        .tasks
        .iter()
        .filter(|t| t.desired_status == "RUNNING" && is_new(spec, t))
        .collect();
    let new_running = new.iter().filter(|t| t.is_running()).count() as i32;
    let new_healthy = new.iter().filter(|t| snap.is_healthy(t)).count() as i32;
    let old_running = snap
        .tasks
        .iter()
        .filter(|t| t.is_running() && !is_new(spec, t))
        .count() as i32;
    let draining = snap.tasks.iter().filter(|t| t.is_stopping()).count() as i32;
    let healthy_targets = snap.healthy_targets() as i32;
    if snap.has_load_balancer && desired > 0 && healthy_targets == 0 {
        memory.zero_healthy_seen = true;
    }
    let targets = snap
        .targets
        .iter()
        .map(|t| {
            let task = snap
                .tasks
                .iter()
                .find(|x| x.is_target(t) && x.last_status != "STOPPED");
            WatchTarget {
                id: t.id.clone(),
                port: t.port,
                state: t.state.clone(),
                reason: t.reason.clone(),
                task_id: task.map(|x| x.id.clone()),
                is_new: task.is_some_and(|x| is_new(spec, x)),
            }
        })
        .collect();
    let events = snap
        .events
        .iter()
        .filter(|e| !spec.baseline_events.contains(&e.id))
        .take(12)
        .cloned()
        .collect();
    let deployment = spec
        .deployment_id
        .as_ref()
        .and_then(|d| snap.deployments.iter().find(|x| &x.id == d));
    memory.failed_seen.extend(
        snap.tasks
            .iter()
            .filter(|t| {
                t.last_status == "STOPPED" && is_new(spec, t) && t.exit_code.is_some_and(|c| c != 0)
            })
            .map(|t| t.id.clone()),
    );
    let failed = failed_new_tasks(spec, snap).max(memory.failed_seen.len() as i32);
    let name = &snap.name;

    let record = service_deployment::followed(spec, snap);
    let outcome = match &spec.action {
        _ if record.is_some() => {
            record.and_then(|r| service_deployment::outcome(spec, snap, r, memory))
        }
        ActionRequest::RollBackDeployment { .. } | ActionRequest::ContinueDeployment { .. } => {
            // ECS's record is read by ARN every time; missing, it is not listed yet.
            if memory.missing_reads < MISSING_READS_TOLERATED {
                memory.missing_reads += 1;
                None
            } else {
                Some((
                    VerdictOutcome::Error,
                    format!("ECS no longer lists the deployment of {name}."),
                    String::new(),
                ))
            }
        }
        ActionRequest::ForceNewDeployment | ActionRequest::Rollback { .. } => {
            deployment_outcome(spec, snap, memory, failed)
        }
        ActionRequest::StopTask { task, .. } => {
            let id = task.rsplit('/').next().unwrap_or(task);
            let gone = !snap
                .tasks
                .iter()
                .any(|t| t.id == id && t.last_status != "STOPPED");
            let running = snap.running_tasks().count() as i32;
            let all_healthy = snap.running_tasks().all(|t| snap.is_healthy(t));
            if failed >= spec.failed_task_limit {
                Some((
                    VerdictOutcome::Failed,
                    format!("The replacement tasks of {name} keep failing to start."),
                    failure_of(spec, snap).unwrap_or_default(),
                ))
            } else if gone && running >= desired && all_healthy && snap.pending == 0 {
                Some((
                    VerdictOutcome::Completed,
                    format!(
                        "Task {id} is stopped and {name} is back to {} running and healthy.",
                        tasks(running)
                    ),
                    String::new(),
                ))
            } else {
                None
            }
        }
        ActionRequest::SetDesiredCount { desired: want, .. } => {
            let running = snap.running_tasks().count() as i32;
            let all_healthy = snap.running_tasks().all(|t| snap.is_healthy(t));
            let starting = snap.tasks.iter().any(SnapTask::is_starting);
            if desired == *want {
                memory.other_desired_reads = 0;
            }
            if failed >= spec.failed_task_limit {
                Some((
                    VerdictOutcome::Failed,
                    format!("New tasks of {name} keep failing to start."),
                    failure_of(spec, snap).unwrap_or_default(),
                ))
            } else if desired != *want {
                // Right after UpdateService a reading may still show the old count; longer than
                // that, something else (auto scaling, a person) set another one and the count
                // this action set will not be reached.
                memory.other_desired_reads += 1;
                (memory.other_desired_reads > MISSING_READS_TOLERATED).then(|| {
                    (
                        VerdictOutcome::Overridden,
                        format!(
                            "The desired count of {name} is now {desired}, not the {want} this action set."
                        ),
                        "Something changed it afterwards: auto scaling, or a person or pipeline (the Changes tab says who).".to_string(),
                    )
                })
            } else if running == *want && all_healthy && !starting && draining == 0 {
                Some((
                    VerdictOutcome::Completed,
                    if *want == 0 {
                        format!("{name} is scaled to zero: no task is running.")
                    } else {
                        format!("{name} runs {} and all are healthy.", tasks(*want))
                    },
                    String::new(),
                ))
            } else {
                None
            }
        }
    };

    let staged = record.and_then(service_deployment::phase);
    let phase = match &outcome {
        Some((_, headline, _)) => headline.clone(),
        None if staged.is_some() => staged.unwrap_or_default(),
        None if memory.missing_reads > 0 => {
            "Waiting for ECS to list the new deployment (its reads lag a few seconds).".to_string()
        }
        None if memory.rollback_deployment.is_some() => {
            "The new deployment failed; ECS is rolling back to the previous version.".to_string()
        }
        None if desired == 0 && draining > 0 => format!("Stopping tasks: {draining} draining."),
        None if new_healthy < desired.max(0) && new_running < desired => format!(
            "Starting new tasks: {new_running} of {desired} running, {new_healthy} healthy."
        ),
        None if new_healthy < desired => {
            format!("Waiting for health checks: {new_healthy} of {desired} new tasks healthy.")
        }
        None if draining > 0 || old_running > 0 => format!(
            "New tasks are healthy; stopping the old ones ({} left).",
            draining + old_running
        ),
        None => "Waiting for ECS to report a steady state.".to_string(),
    };
    let update = WatchUpdate {
        plan_id: spec.plan_id.clone(),
        service: name.clone(),
        at: now_rfc3339(),
        elapsed_secs: 0,
        phase,
        desired,
        new_running,
        new_healthy,
        old_running,
        old_draining: draining,
        failed_tasks: failed,
        healthy_targets,
        total_targets: snap.targets.len() as i32,
        has_load_balancer: snap.has_load_balancer,
        targets,
        rollout_state: deployment.and_then(|d| d.rollout_state.clone()),
        stage: record.and_then(|r| r.stage.clone()),
        new_traffic_percent: record.and_then(|r| r.new_traffic()),
        events,
        verdict: None,
    };
    (update, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::deployment::Deployment;

    fn spec() -> WatchTargetSpec {
        WatchTargetSpec {
            plan_id: "p".into(),
            action: ActionRequest::ForceNewDeployment,
            deployment_id: Some("ecs-svc/new".into()),
            baseline_tasks: HashSet::new(),
            baseline_events: HashSet::new(),
            failed_task_limit: 3,
            baseline_service_deployment: None,
        }
    }

    fn reading(deployments: Vec<Deployment>) -> ServiceSnapshot {
        ServiceSnapshot {
            name: "api".into(),
            desired: 1,
            deployments,
            ..Default::default()
        }
    }

    fn deployment(id: &str, state: &str) -> Deployment {
        Deployment {
            id: id.into(),
            status: "PRIMARY".into(),
            rollout_state: Some(state.into()),
            ..Default::default()
        }
    }

    /// Right after UpdateService, DescribeServices may still list only the old deployment: on
    /// the first such reading the watch used to end "another deployment replaced this one".
    #[test]
    fn a_deployment_not_listed_yet_is_waited_for() {
        let mut memory = WatchMemory::default();
        let stale = reading(vec![deployment("ecs-svc/old", "COMPLETED")]);
        for _ in 0..MISSING_READS_TOLERATED {
            let (update, verdict) = evaluate(&spec(), &stale, &mut memory);
            assert!(verdict.is_none(), "{verdict:?}");
            assert!(
                update.phase.contains("list the new deployment"),
                "{}",
                update.phase
            );
        }
        let listed = reading(vec![deployment("ecs-svc/new", "COMPLETED")]);
        let (_, verdict) = evaluate(&spec(), &listed, &mut memory);
        assert_eq!(verdict.map(|v| v.0), Some(VerdictOutcome::Completed));
        assert_eq!(memory.missing_reads, 0);
        // Missing for longer than the lag: another deployment did replace it.
        let mut memory = WatchMemory::default();
        let verdicts: Vec<_> = (0..=MISSING_READS_TOLERATED)
            .filter_map(|_| evaluate(&spec(), &stale, &mut memory).1)
            .collect();
        assert_eq!(verdicts.len(), 1);
        assert_eq!(verdicts[0].0, VerdictOutcome::Failed);
    }

    /// A scale whose count something else replaced (auto scaling scaling in again) used to wait
    /// for the count it set until the time limit; a reading or two of the old count is ECS's lag.
    #[test]
    fn a_scale_overridden_by_another_count_ends_as_overridden() {
        let scale = WatchTargetSpec {
            action: ActionRequest::SetDesiredCount {
                desired: 12,
                limits: None,
            },
            deployment_id: None,
            ..spec()
        };
        let mut memory = WatchMemory::default();
        let mut snap = reading(vec![deployment("ecs-svc/new", "COMPLETED")]);
        snap.desired = 5;
        for _ in 0..MISSING_READS_TOLERATED {
            assert!(evaluate(&scale, &snap, &mut memory).1.is_none());
        }
        // The count this action set shows up: the lag is over and the count starts again.
        snap.desired = 12;
        assert!(evaluate(&scale, &snap, &mut memory).1.is_none());
        assert_eq!(memory.other_desired_reads, 0);
        snap.desired = 5;
        let verdicts: Vec<_> = (0..=MISSING_READS_TOLERATED)
            .filter_map(|_| evaluate(&scale, &snap, &mut memory).1)
            .collect();
        assert_eq!(verdicts.len(), 1);
        assert_eq!(verdicts[0].0, VerdictOutcome::Overridden);
        assert_eq!(
            verdicts[0].1,
            "The desired count of api is now 5, not the 12 this action set."
        );
    }

    /// `failedTasks` goes back to zero once a task of the deployment runs well; tasks that then
    /// crash one after another must still end the watch as failed (it timed out before).
    #[test]
    fn a_flapping_deployment_fails_though_ecs_reset_its_count() {
        let mut memory = WatchMemory::default();
        let mut dep = deployment("ecs-svc/new", "IN_PROGRESS");
        let crashed = |id: &str| SnapTask {
            id: id.into(),
            last_status: "STOPPED".into(),
            desired_status: "STOPPED".into(),
            started_by: Some("ecs-svc/new".into()),
            exit_code: Some(1),
            ..Default::default()
        };
        dep.failed_tasks = 0;
        let mut snap = reading(vec![dep]);
        let mut verdict = None;
        for n in 0..3 {
            snap.tasks.push(crashed(&format!("t{n}")));
            verdict = evaluate(&spec(), &snap, &mut memory).1;
        }
        assert_eq!(verdict.map(|v| v.0), Some(VerdictOutcome::Failed));
    }
}
