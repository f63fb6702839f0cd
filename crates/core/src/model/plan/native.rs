//! Plans of ECS's own deployment actions: rolling back a deployment in progress
//! (StopServiceDeployment, or ContinueServiceDeployment at a pause hook) and continuing one that
//! waits at a pause hook.

use crate::error::CoreError;
use crate::model::action::{ActionRequest, RiskLevel};
use crate::model::count::tasks;
use crate::model::reading::ServiceSnapshot;
use crate::model::service_deployment::ServiceDeploymentRecord;
use crate::model::strategy::{minutes, percent, stage_words, StrategyKind};

use super::PlanBody;

/// The ECS deployment whose tasks are the "new" side while ECS's own action runs: the one being
/// continued, or for a traffic-shifting rollback the old one that takes production back. None
/// when ECS starts a deployment of its own (a rolling rollback); the watch then goes by tasks.
pub fn watched_deployment(snap: &ServiceSnapshot, action: &ActionRequest) -> Option<String> {
    match action {
        ActionRequest::ContinueDeployment { .. } => snap.primary().map(|d| d.id.clone()),
        ActionRequest::RollBackDeployment { .. } if snap.strategy.shifts_traffic() => snap
            .deployments
            .iter()
            .find(|d| d.status != "PRIMARY")
            .map(|d| d.id.clone()),
        _ => None,
    }
}

/// The action with what the core decides filled in: a rollback of a deployment waiting at a
/// pause hook answers that hook (the page's idea of the hook is not trusted).
pub fn settle(snap: &ServiceSnapshot, action: ActionRequest) -> ActionRequest {
    match action {
        ActionRequest::RollBackDeployment { deployment, .. } => {
            let hook = snap
                .service_deployment
                .as_ref()
                .filter(|d| d.arn == deployment)
                .and_then(|d| d.paused_hook())
                .map(|h| h.hook_id.clone());
            ActionRequest::RollBackDeployment { deployment, hook }
        }
        other => other,
    }
}

/// The service deployment `arn` of `snap`, if it is still in progress.
fn in_progress<'s>(
    snap: &'s ServiceSnapshot,
    arn: &str,
) -> Result<&'s ServiceDeploymentRecord, CoreError> {
    match snap.service_deployment.as_ref().filter(|d| d.arn == arn) {
        Some(d) if d.in_progress() => Ok(d),
        Some(d) => Err(CoreError::InvalidInput(format!(
            "This deployment is no longer in progress ({}) To go back now, deploy an earlier revision.",
            d.outcome
        ))),
        None => Err(CoreError::InvalidInput(format!(
            "This deployment is not the one in progress on {} any more. Review the Deployments tab again.",
            snap.name
        ))),
    }
}

/// The task definitions of a deployment's old and new side, as "web:6" / "the previous version".
fn sides(d: &ServiceDeploymentRecord, snap: &ServiceSnapshot) -> (String, String) {
    let old = d
        .source
        .iter()
        .map(|s| s.task_definition.clone())
        .find(|t| !t.is_empty())
        .or_else(|| snap.deployments.get(1).map(|x| x.task_definition.clone()))
        .unwrap_or_else(|| "the previous version".to_string());
    let new = d
        .target
        .as_ref()
        .map(|t| t.task_definition.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| snap.primary().map(|p| p.task_definition.clone()))
        .unwrap_or_else(|| "the new version".to_string());
    (old, new)
}

/// Plans ECS's rollback of deployment `arn` of `snap`.
pub(super) fn roll_back(
    snap: &ServiceSnapshot,
    arn: &str,
    notes: Vec<String>,
) -> Result<PlanBody, CoreError> {
    let d = in_progress(snap, arn)?;
    let (old, new) = sides(d, snap);
    let id = d.id();
    let service = &snap.name;
    let mut steps = Vec::new();
    match d.paused_hook() {
        Some(_) => steps.push(format!(
            "ECS answers the pause of deployment {id} ({}) with “roll back”.",
            d.stage.as_deref().map(stage_words).unwrap_or_default()
        )),
        None => steps.push(format!(
            "ECS stops deployment {id} and rolls it back to {old}."
        )),
    }
    let (risk, sentence) = if snap.strategy.shifts_traffic() {
        let on_new = d.new_traffic().unwrap_or(0.0);
        steps.push(if on_new > 0.0 {
            format!(
                "Production traffic goes back to the old tasks ({old}) at once: {} % is on {new} now. The old tasks are still running, so no new tasks are started.",
                percent(on_new)
            )
        } else {
            format!("Production traffic stays on the old tasks ({old}); no new tasks are started.")
        });
        let new_tasks = d.target.as_ref().map_or(0, |t| t.running + t.pending);
        steps.push(format!(
            "ECS then stops the {} of {new}.",
            tasks(new_tasks).replace("task", "new task")
        ));
        (
            RiskLevel::Caution,
            format!("Users are served by {old} again within seconds; the service stays up."),
        )
    } else {
        steps.push(format!(
            "ECS replaces the new tasks ({new}) with tasks of {old}, keeping the service's minimum healthy percent; old tasks still running keep serving."
        ));
        (
            RiskLevel::Caution,
            format!("The service goes back to {old} as tasks are replaced; it stays up."),
        )
    };
    Ok(PlanBody {
        title: format!("Roll back the deployment of {new} on {service}"),
        steps,
        risk,
        risk_sentence: sentence,
        downtime_expected: false,
        notes,
        alternative: None,
    })
}

/// Plans continuing deployment `arn` of `snap` past pause hook `hook`.
pub(super) fn continue_past(
    snap: &ServiceSnapshot,
    arn: &str,
    hook: &str,
    notes: Vec<String>,
) -> Result<PlanBody, CoreError> {
    let d = in_progress(snap, arn)?;
    if d.paused_hook().map(|h| h.hook_id.as_str()) != Some(hook) {
        return Err(CoreError::InvalidInput(format!(
            "Deployment {} is not waiting at this pause any more. Review the Deployments tab again.",
            d.id()
        )));
    }
    let (old, new) = sides(d, snap);
    let stage = d.stage.as_deref().map(stage_words).unwrap_or_default();
    let s = &snap.strategy;
    let mut steps = vec![format!(
        "ECS continues deployment {} past its pause ({stage}).",
        d.id()
    )];
    let before_production = matches!(
        d.stage.as_deref(),
        Some(
            "PRE_SCALE_UP"
                | "SCALE_UP"
                | "POST_SCALE_UP"
                | "TEST_TRAFFIC_SHIFT"
                | "POST_TEST_TRAFFIC_SHIFT"
                | "PRE_PRODUCTION_TRAFFIC_SHIFT"
        )
    );
    if before_production {
        steps.push(match s.kind {
            StrategyKind::Canary => format!(
                "{} % of production traffic goes to {new} for {}; then all of it.",
                percent(s.canary_step().0),
                minutes(s.canary_step().1)
            ),
            StrategyKind::Linear => format!(
                "Production traffic moves to {new} {} % at a time, every {}.",
                percent(s.linear_step().0),
                minutes(s.linear_step().1)
            ),
            _ => format!("All production traffic moves to {new} at once."),
        });
    }
    steps.push(format!(
        "The old tasks ({old}) keep running for {} of bake time, so a rollback stays instant; then ECS stops them.",
        minutes(s.bake_minutes)
    ));
    Ok(PlanBody {
        title: format!("Continue the deployment of {new} on {}", snap.name),
        steps,
        risk: RiskLevel::Caution,
        risk_sentence: if before_production {
            format!("Users start being served by {new}; {old} stays ready for a rollback.")
        } else {
            format!("The deployment of {new} goes on; {old} stays ready until the bake time ends.")
        },
        downtime_expected: false,
        notes,
        alternative: None,
    })
}
