//! Planning, a pure function of one service reading: what ECS will do, in plain words, how risky
//! it is, and what would be safer.

use crate::error::CoreError;
use crate::model::action::{ActionRequest, PlanAlternative, RiskLevel};
use crate::model::count::tasks;
use crate::model::reading::ServiceSnapshot;
use crate::model::rollout::rollout;
use crate::model::service_kind::Scheduling;
use crate::model::strategy::minutes;

/// The highest desired count ECS Desk sets (bigger changes belong to the platform team).
pub const MAX_DESIRED_COUNT: i32 = 100;

/// The longest stop reason a user may type (ECS takes 255 characters; ECS Desk adds its name).
pub const MAX_REASON_CHARS: usize = 200;

/// What a plan says, before the app adds who, where and how to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanBody {
    /// Short title, e.g. "Restart coe-etl-prod-Service (force new deployment)".
    pub title: String,
    /// What ECS will do, step by step.
    pub steps: Vec<String>,
    /// Risk level.
    pub risk: RiskLevel,
    /// The risk in one sentence.
    pub risk_sentence: String,
    /// Whether the service is expected to be down for a while.
    pub downtime_expected: bool,
    /// Things worth knowing (running below desired, a deployment in progress...).
    pub notes: Vec<String>,
    /// A safer way to the same goal.
    pub alternative: Option<PlanAlternative>,
}

/// The note that a new deployment replaces the one in progress.
const SUPERSEDES: &str = "A deployment is already in progress; a new one takes its place.";

/// Notes about the service's state that matter for any action.
fn notes(snap: &ServiceSnapshot) -> Vec<String> {
    let mut notes = Vec::new();
    let running = snap.running_tasks().count() as i32;
    if snap.desired > 0 && running < snap.desired {
        notes.push(format!(
            "Only {running} of {} are running now.",
            tasks(snap.desired)
        ));
    }
    let in_progress = snap.deployments.len() > 1
        || snap
            .primary()
            .is_some_and(|p| p.rollout_state.as_deref() == Some("IN_PROGRESS"));
    if in_progress {
        notes.push(SUPERSEDES.to_string());
    }
    if snap.kind.scheduling == Scheduling::Daemon {
        notes.push(
            "This is a daemon: ECS runs one task on each container instance, and on an instance the old task stops before its replacement starts."
                .to_string(),
        );
    }
    if let Some(p) = snap.primary() {
        if p.failed_tasks > 0 {
            notes.push(format!(
                "{} of the current deployment failed to start.",
                tasks(p.failed_tasks)
            ));
        }
    }
    notes
}

/// Whether the current version looks broken (tasks fail to start, or none runs).
fn failing(snap: &ServiceSnapshot) -> bool {
    snap.desired > 0
        && (snap.primary().is_some_and(|p| p.failed_tasks > 0) || snap.running_tasks().count() == 0)
}

/// Plans `action` on `snap`; `revisions` are the ACTIVE revisions of the service's family.
pub fn plan(
    snap: &ServiceSnapshot,
    action: &ActionRequest,
    revisions: &[i32],
) -> Result<PlanBody, CoreError> {
    let service = snap.name.as_str();
    if snap.status != "ACTIVE" {
        return Err(CoreError::InvalidInput(format!(
            "{service} is {} and cannot be changed.",
            snap.status
        )));
    }
    if let Some(reason) = refusal(snap, action) {
        return Err(CoreError::ActionRefused {
            code: "NotSupported",
            message: reason,
        });
    }
    let mut body = plan_allowed(snap, action, revisions)?;
    // Never suggest instead what this kind of service cannot do either.
    body.alternative = body
        .alternative
        .filter(|a| refusal(snap, &a.action).is_none());
    Ok(body)
}

/// Why the service's kind rules `action` out, in plain words; None when ECS allows it.
fn refusal(snap: &ServiceSnapshot, action: &ActionRequest) -> Option<String> {
    let limits = snap.kind.limits();
    match action {
        ActionRequest::ForceNewDeployment => limits.restart,
        ActionRequest::Rollback { .. } | ActionRequest::RollBackDeployment { .. } => {
            limits.rollback
        }
        ActionRequest::SetDesiredCount { .. } => limits.scale,
        ActionRequest::StopTask { .. } | ActionRequest::ContinueDeployment { .. } => None,
    }
}

/// The plan of an action the service's kind allows.
fn plan_allowed(
    snap: &ServiceSnapshot,
    action: &ActionRequest,
    revisions: &[i32],
) -> Result<PlanBody, CoreError> {
    let service = snap.name.as_str();
    let notes = notes(snap);
    let current = snap.revision();
    let previous = revisions.iter().copied().filter(|r| *r < current).max();
    // Acting on the deployment in progress replaces nothing.
    let on_it = || notes.iter().filter(|n| *n != SUPERSEDES).cloned().collect();
    match action {
        ActionRequest::RollBackDeployment { deployment, .. } => {
            native::roll_back(snap, deployment, on_it())
        }
        ActionRequest::ContinueDeployment { deployment, hook } => {
            native::continue_past(snap, deployment, hook, on_it())
        }
        ActionRequest::ForceNewDeployment => {
            let r = strategy_rollout(snap);
            let mut steps = vec![format!(
                "ECS starts a new deployment of {} (same version, fresh tasks).",
                snap.task_definition
            )];
            steps.extend(r.steps);
            let alternative = match previous {
                Some(prev) if failing(snap) => Some(PlanAlternative {
                    action: ActionRequest::Rollback { revision: prev },
                    label: format!("Roll back to {}:{prev}", snap.family()),
                    why: "Tasks of the current version are failing; restarting the same version will likely fail the same way.".to_string(),
                }),
                _ => None,
            };
            Ok(PlanBody {
                title: format!("Restart {service} (force new deployment)"),
                steps,
                risk: r.risk,
                risk_sentence: r.sentence,
                downtime_expected: r.downtime,
                notes,
                alternative,
            })
        }
        ActionRequest::StopTask { task, reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(CoreError::InvalidInput(
                    "Say why you stop the task: ECS keeps the reason with the stopped task."
                        .to_string(),
                ));
            }
            if reason.chars().count() > MAX_REASON_CHARS {
                return Err(CoreError::InvalidInput(format!(
                    "The reason is too long: at most {MAX_REASON_CHARS} characters."
                )));
            }
            let id = task.rsplit('/').next().unwrap_or(task);
            let Some(target) = snap
                .tasks
                .iter()
                .find(|t| t.id == id && t.desired_status == "RUNNING")
            else {
                return Err(CoreError::NotFound(format!(
                    "Task {id} is not running in {service} any more."
                )));
            };
            let others = snap.running_tasks().filter(|t| t.id != target.id).count() as i32;
            let mut steps = vec![format!(
                "ECS stops task {id} and records the reason “{reason}”."
            )];
            if snap.has_load_balancer {
                steps.push(
                    "The load balancer stops sending it new requests; open connections drain first."
                        .to_string(),
                );
            }
            let restart = rollout(snap);
            if others == 0 {
                steps.push(format!(
                    "ECS then sees 0 of {} running and starts a replacement.",
                    tasks(snap.desired.max(1))
                ));
                steps.push(
                    "The replacement needs a few minutes to start and pass its health checks; until then nobody can use the service."
                        .to_string(),
                );
                let alternative = (!restart.downtime && target.is_running()).then(|| PlanAlternative {
                    action: ActionRequest::ForceNewDeployment,
                    label: "Restart (force new deployment)".to_string(),
                    why: "ECS starts the new task first and stops this one only when the new one is healthy: no downtime.".to_string(),
                });
                Ok(PlanBody {
                    title: format!("Stop task {id} of {service}"),
                    steps,
                    risk: RiskLevel::Danger,
                    risk_sentence: "This is the only running task: the service will be down for up to 5 minutes.".to_string(),
                    downtime_expected: true,
                    notes,
                    alternative,
                })
            } else {
                steps.push(format!(
                    "ECS starts a replacement; the other {} keep serving meanwhile.",
                    tasks(others).replace("task", "running task")
                ));
                Ok(PlanBody {
                    title: format!("Stop task {id} of {service}"),
                    steps,
                    risk: RiskLevel::Caution,
                    risk_sentence: format!(
                        "Capacity drops to {others} of {} until the replacement is healthy; the service stays up.",
                        tasks(snap.desired.max(others + 1))
                    ),
                    downtime_expected: false,
                    notes,
                    alternative: None,
                })
            }
        }
        ActionRequest::SetDesiredCount { desired, .. } => scale::scale(snap, *desired, notes),
        ActionRequest::Rollback { revision } => {
            let family = snap.family();
            if *revision == current {
                return Err(CoreError::InvalidInput(format!(
                    "{service} already runs {family}:{revision}."
                )));
            }
            if !revisions.contains(revision) {
                return Err(CoreError::InvalidInput(format!(
                    "{family}:{revision} is not an active revision. Choose one of: {}.",
                    revisions
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let r = strategy_rollout(snap);
            let mut steps = vec![format!(
                "ECS deploys {family}:{revision} in place of {} (every task is replaced; the task definition itself is not changed).",
                snap.task_definition
            )];
            steps.extend(r.steps);
            let (risk, sentence) = if r.risk == RiskLevel::Safe {
                (
                    RiskLevel::Caution,
                    format!(
                        "{} Tasks then run the {} version {family}:{revision}.",
                        r.sentence,
                        if *revision < current {
                            "older"
                        } else {
                            "newer"
                        }
                    ),
                )
            } else {
                (r.risk, r.sentence)
            };
            // While a deployment is in progress, ECS's own rollback is faster and safer.
            let alternative = snap
                .service_deployment
                .as_ref()
                .filter(|d| d.in_progress())
                .map(|d| PlanAlternative {
                    action: ActionRequest::RollBackDeployment {
                        deployment: d.arn.clone(),
                        hook: None,
                    },
                    label: "Roll back the deployment in progress".to_string(),
                    why: if snap.strategy.shifts_traffic() {
                        "The old tasks are still running: ECS sends traffic back to them at once instead of starting a new deployment.".to_string()
                    } else {
                        "ECS stops the deployment in progress and returns to the revision it replaced.".to_string()
                    },
                });
            Ok(PlanBody {
                title: if *revision < current {
                    format!("Roll back {service} to {family}:{revision}")
                } else {
                    format!("Deploy {family}:{revision} to {service}")
                },
                steps,
                risk,
                risk_sentence: sentence,
                downtime_expected: r.downtime,
                notes,
                alternative,
            })
        }
    }
}

/// How a new deployment proceeds: the strategy's stages when it shifts traffic, else the
/// rolling replacement within minimum and maximum percent.
fn strategy_rollout(snap: &ServiceSnapshot) -> crate::model::rollout::Rollout {
    if !snap.strategy.shifts_traffic() || snap.desired <= 0 {
        return rollout(snap);
    }
    crate::model::rollout::Rollout {
        steps: snap.strategy.steps(snap.desired),
        risk: RiskLevel::Safe,
        sentence: format!(
            "No downtime expected: the old tasks keep serving until traffic has moved and stay ready for {} after. A {} deployment takes at least {}.",
            minutes(snap.strategy.bake_minutes),
            snap.strategy.kind.label().to_ascii_lowercase(),
            minutes(snap.strategy.minimum_minutes())
        ),
        downtime: false,
    }
}

mod autoscaling;
mod native;
mod scale;
pub use autoscaling::with_limits;
pub use native::settle;
pub(crate) use native::watched_deployment;
pub use scale::ScaleKind;

#[cfg(test)]
mod native_tests;
#[cfg(test)]
mod tests;
