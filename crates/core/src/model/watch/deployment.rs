//! Judging a watch by the ECS deployment the action started (a rolling restart or revision
//! rollback): which tasks are new, why they failed, and the verdict once it completed, failed,
//! was rolled back by the circuit breaker or was replaced.

use super::{WatchMemory, WatchTargetSpec, MISSING_READS_TOLERATED};
use crate::model::action::VerdictOutcome;
use crate::model::count::tasks;
use crate::model::reading::{ServiceSnapshot, SnapTask};

/// Whether `task` belongs to the new side of the action.
pub(super) fn is_new(spec: &WatchTargetSpec, task: &SnapTask) -> bool {
    match &spec.deployment_id {
        Some(d) => task.started_by.as_deref() == Some(d.as_str()),
        None => !spec.baseline_tasks.contains(&task.id),
    }
}

/// Why the newest failed new task stopped, e.g. "exec format error (exit code 1)".
pub(super) fn failure_of(spec: &WatchTargetSpec, snap: &ServiceSnapshot) -> Option<String> {
    snap.tasks
        .iter()
        .filter(|t| t.last_status == "STOPPED" && is_new(spec, t))
        .filter(|t| t.exit_code.is_some_and(|c| c != 0) || t.container_reason.is_some())
        .max_by(|a, b| a.created_at.cmp(&b.created_at))
        .map(|t| {
            let why = t
                .container_reason
                .clone()
                .or_else(|| t.stopped_reason.clone())
                .unwrap_or_else(|| "the task stopped".to_string());
            match t.exit_code {
                Some(code) => format!("{why} (exit code {code})"),
                None => why,
            }
        })
}

/// Failed new tasks: the deployment's count, or stopped new tasks for actions without one.
pub(super) fn failed_new_tasks(spec: &WatchTargetSpec, snap: &ServiceSnapshot) -> i32 {
    match &spec.deployment_id {
        Some(d) => snap
            .deployments
            .iter()
            .find(|x| &x.id == d)
            .map_or(0, |x| x.failed_tasks),
        None => snap
            .tasks
            .iter()
            .filter(|t| {
                t.last_status == "STOPPED" && is_new(spec, t) && t.exit_code.is_some_and(|c| c != 0)
            })
            .count() as i32,
    }
}

/// The outcome of a deployment action (force new deployment, rollback), if it is over.
pub(super) fn deployment_outcome(
    spec: &WatchTargetSpec,
    snap: &ServiceSnapshot,
    memory: &mut WatchMemory,
    failed: i32,
) -> Option<(VerdictOutcome, String, String)> {
    let name = &snap.name;
    let id = spec.deployment_id.as_deref()?;
    let mine = snap.deployments.iter().find(|d| d.id == id);
    if let Some(rollback) = memory.rollback_deployment.clone() {
        let back = snap.deployments.iter().find(|d| d.id == rollback);
        let detail = memory.failure_reason.clone().unwrap_or_default();
        return match back {
            Some(d) if d.rollout_state.as_deref() == Some("COMPLETED") => Some((
                VerdictOutcome::RolledBack,
                format!(
                    "The new deployment failed; ECS rolled {name} back to {} and it is steady again.",
                    d.task_definition
                ),
                detail,
            )),
            Some(d) if d.rollout_state.as_deref() == Some("FAILED") => Some((
                VerdictOutcome::Failed,
                format!("The new deployment failed and so did the rollback of {name}."),
                detail,
            )),
            Some(_) => None,
            None => Some((
                VerdictOutcome::Failed,
                format!("The new deployment of {name} failed; ECS replaced its rollback with another deployment."),
                detail,
            )),
        };
    }
    if mine.is_some() {
        memory.missing_reads = 0;
    }
    match mine {
        None if memory.missing_reads < MISSING_READS_TOLERATED => {
            memory.missing_reads += 1;
            None
        }
        None => Some((
            VerdictOutcome::Failed,
            format!("Another deployment of {name} replaced this one before it finished."),
            String::new(),
        )),
        Some(d) if d.rollout_state.as_deref() == Some("COMPLETED") => Some((
            VerdictOutcome::Completed,
            format!(
                "{name} is steady: {} of {} running and healthy.",
                tasks(snap.running_tasks().count() as i32),
                d.task_definition
            ),
            String::new(),
        )),
        // Services without rollout state: done when this is the only deployment and full.
        Some(d)
            if d.rollout_state.is_none()
                && snap.deployments.len() == 1
                && d.running == snap.desired
                && d.pending == 0 =>
        {
            Some((
                VerdictOutcome::Completed,
                format!("{name} is steady on {}.", d.task_definition),
                String::new(),
            ))
        }
        Some(d) if d.rollout_state.as_deref() == Some("FAILED") => {
            let reason = failure_of(spec, snap)
                .or_else(|| d.rollout_state_reason.clone())
                .unwrap_or_default();
            memory.failure_reason = Some(reason.clone());
            let rollback = snap.primary().filter(|p| {
                p.id != id
                    && p
                        .rollout_state_reason
                        .as_deref()
                        .is_some_and(|r| r.contains("rolling back"))
            });
            match rollback {
                Some(p) => {
                    memory.rollback_deployment = Some(p.id.clone());
                    None
                }
                None => Some((
                    VerdictOutcome::Failed,
                    format!("ECS marked the new deployment of {name} as failed."),
                    reason,
                )),
            }
        }
        Some(_) if !snap.breaker && failed >= spec.failed_task_limit => Some((
            VerdictOutcome::Failed,
            format!(
                "New tasks of {name} keep failing to start ({failed} so far). ECS keeps retrying with growing pauses; roll back to an earlier revision."
            ),
            failure_of(spec, snap).unwrap_or_default(),
        )),
        Some(_) => None,
    }
}
