//! Judging a watch by ECS's record of the service deployment, where the region keeps one: its
//! stage and traffic split for the progress line, and its status for the verdict, naming the
//! stage where a failure happened.

use crate::model::action::{ActionRequest, VerdictOutcome};
use crate::model::reading::ServiceSnapshot;
use crate::model::service_deployment::ServiceDeploymentRecord;
use crate::model::strategy::{percent, stage_words};

use super::{WatchMemory, WatchTargetSpec};

/// An outcome: what happened, one sentence, detail.
type Outcome = (VerdictOutcome, String, String);

/// The service deployment the action is about: the one it acts on, or a new one it started.
pub(super) fn followed<'s>(
    spec: &WatchTargetSpec,
    snap: &'s ServiceSnapshot,
) -> Option<&'s ServiceDeploymentRecord> {
    let record = snap.service_deployment.as_ref()?;
    match spec.action.service_deployment() {
        Some(arn) => (record.arn == arn).then_some(record),
        // A rolling deployment is judged by its ECS deployment as before; the record adds stages
        // and traffic only where traffic shifts.
        None if matches!(
            spec.action,
            ActionRequest::ForceNewDeployment | ActionRequest::Rollback { .. }
        ) && snap.strategy.shifts_traffic() =>
        {
            (spec.baseline_service_deployment.as_deref() != Some(record.arn.as_str()))
                .then_some(record)
        }
        None => None,
    }
}

/// The old and new task definitions of `record`. The snapshot reads the record without its
/// revisions (one call fewer per reading), so the ECS deployments fill in: after a rollback the
/// PRIMARY one runs the old version, otherwise the new.
fn sides(record: &ServiceDeploymentRecord, snap: &ServiceSnapshot) -> (String, String) {
    let primary = snap.primary().map(|d| d.task_definition.clone());
    let other = snap
        .deployments
        .iter()
        .find(|d| d.status != "PRIMARY")
        .map(|d| d.task_definition.clone());
    let rolled_back = record.status.starts_with("ROLLBACK");
    let (old_guess, new_guess) = if rolled_back {
        (primary, other)
    } else {
        (other, primary)
    };
    let old = record
        .source
        .iter()
        .map(|s| s.task_definition.clone())
        .find(|t| !t.is_empty())
        .or(old_guess.filter(|t| !t.is_empty()))
        .unwrap_or_else(|| "the previous version".to_string());
    let new = record
        .target
        .as_ref()
        .map(|t| t.task_definition.clone())
        .filter(|t| !t.is_empty())
        .or(new_guess.filter(|t| !t.is_empty()))
        .unwrap_or_else(|| "the new version".to_string());
    (old, new)
}

/// The progress line while `record` runs.
pub(super) fn phase(record: &ServiceDeploymentRecord) -> Option<String> {
    if record.finished() {
        return None;
    }
    if record.status.starts_with("ROLLBACK") {
        return Some(
            "ECS is rolling back: production traffic is going back to the old tasks.".to_string(),
        );
    }
    let stage = record.stage.as_deref()?;
    let traffic = record
        .new_traffic()
        .map(|p| {
            format!(
                " {} % of production traffic is on the new tasks.",
                percent(p)
            )
        })
        .unwrap_or_default();
    if let Some(hook) = record.paused_hook() {
        let until = hook
            .expires_at
            .as_deref()
            .map(|t| format!(" ECS decides by itself at {t}."))
            .unwrap_or_default();
        return Some(format!(
            "Paused ({}): waiting for someone to continue or roll back.{traffic}{until}",
            stage_words(stage)
        ));
    }
    let mut words = stage_words(stage);
    if let Some(first) = words.get(0..1) {
        words = format!("{}{}", first.to_uppercase(), &words[1..]);
    }
    Some(format!("{words}.{traffic}"))
}

/// The verdict `record` gives, if it is over (or waits for someone).
pub(super) fn outcome(
    spec: &WatchTargetSpec,
    snap: &ServiceSnapshot,
    record: &ServiceDeploymentRecord,
    memory: &mut WatchMemory,
) -> Option<Outcome> {
    let name = &snap.name;
    let (old, new) = sides(record, snap);
    if record.status == "IN_PROGRESS" || record.status == "PENDING" {
        memory.last_stage = record.stage.clone().or(memory.last_stage.take());
    }
    let during = memory
        .last_stage
        .as_deref()
        .map(|s| format!(" during {}", stage_words(s)))
        .unwrap_or_default();
    let why = record
        .rollback_reason
        .clone()
        .or(record.status_reason.clone())
        .unwrap_or_default();
    let asked_rollback = matches!(spec.action, ActionRequest::RollBackDeployment { .. });
    match record.status.as_str() {
        "SUCCESSFUL" => Some((
            VerdictOutcome::Completed,
            format!("{name} is deployed: {new} serves all traffic and the old tasks are stopped."),
            String::new(),
        )),
        "ROLLBACK_SUCCESSFUL" if asked_rollback => Some((
            VerdictOutcome::Completed,
            format!("Rolled back: {name} serves all traffic from {old} again and the new tasks are stopped."),
            String::new(),
        )),
        "ROLLBACK_SUCCESSFUL" => Some((
            VerdictOutcome::RolledBack,
            format!("The deployment of {new} failed{during}; ECS rolled {name} back to {old}."),
            why,
        )),
        "ROLLBACK_FAILED" => Some((
            VerdictOutcome::Failed,
            format!("The rollback of {name} failed{during}."),
            why,
        )),
        "STOPPED" => Some((
            VerdictOutcome::Failed,
            format!("ECS stopped the deployment of {new} on {name}{during}."),
            why,
        )),
        _ => {
            let hook = record.paused_hook()?;
            // Continuing answered one pause; a later one waits for someone again.
            let answered = matches!(&spec.action, ActionRequest::ContinueDeployment { hook: h, .. } if h == &hook.hook_id);
            if answered {
                return None;
            }
            Some((
                VerdictOutcome::Paused,
                format!(
                    "The deployment of {new} on {name} is paused ({}) and waits for someone to continue or roll it back.",
                    record.stage.as_deref().map(stage_words).unwrap_or_default()
                ),
                hook.expires_at
                    .as_deref()
                    .map(|t| {
                        format!(
                            "If nobody does, ECS will {} at {t}.",
                            if hook.timeout_action.as_deref() == Some("CONTINUE") {
                                "continue"
                            } else {
                                "roll back"
                            }
                        )
                    })
                    .unwrap_or_default(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::evaluate;
    use super::*;
    use crate::model::service_deployment::{HookState, RevisionSide};
    use crate::model::strategy::{DeploymentStrategy, StrategyKind};
    use std::collections::HashSet;

    fn spec(action: ActionRequest) -> WatchTargetSpec {
        WatchTargetSpec {
            plan_id: "p".into(),
            action,
            deployment_id: Some("ecs-svc/new".into()),
            baseline_tasks: HashSet::new(),
            baseline_events: HashSet::new(),
            failed_task_limit: 3,
            baseline_service_deployment: Some("sd/old".into()),
        }
    }

    fn snap(status: &str, stage: Option<&str>, on_new: f64) -> ServiceSnapshot {
        let side = |td: &str, p: f64| RevisionSide {
            task_definition: td.into(),
            production_percent: Some(p),
            ..Default::default()
        };
        ServiceSnapshot {
            name: "pricing".into(),
            desired: 2,
            strategy: DeploymentStrategy {
                kind: StrategyKind::Canary,
                ..Default::default()
            },
            service_deployment: Some(
                ServiceDeploymentRecord {
                    arn: "sd/new".into(),
                    status: status.into(),
                    stage: stage.map(str::to_string),
                    source: vec![side("pricing:3", 100.0 - on_new)],
                    target: Some(side("pricing:4", on_new)),
                    rollback_reason: (status == "ROLLBACK_SUCCESSFUL")
                        .then(|| "The circuit breaker saw 3 tasks fail.".to_string()),
                    ..Default::default()
                }
                .with_words(),
            ),
            ..Default::default()
        }
    }

    /// A canary restart: each stage and weight on the way, and a failure named by its stage.
    #[test]
    fn a_canary_restart_shows_stages_and_names_the_stage_that_failed() {
        let spec = spec(ActionRequest::ForceNewDeployment);
        let mut memory = WatchMemory::default();
        let (u, v) = evaluate(
            &spec,
            &snap("IN_PROGRESS", Some("SCALE_UP"), 0.0),
            &mut memory,
        );
        assert!(v.is_none());
        assert_eq!(
            u.phase,
            "Starting new tasks. 0 % of production traffic is on the new tasks."
        );
        let (u, _) = evaluate(
            &spec,
            &snap("IN_PROGRESS", Some("PRODUCTION_TRAFFIC_SHIFT"), 10.0),
            &mut memory,
        );
        assert_eq!(u.new_traffic_percent, Some(10.0));
        assert_eq!(u.stage.as_deref(), Some("PRODUCTION_TRAFFIC_SHIFT"));
        let (_, v) = evaluate(&spec, &snap("ROLLBACK_SUCCESSFUL", None, 0.0), &mut memory);
        let (outcome, headline, detail) = v.unwrap();
        assert_eq!(outcome, VerdictOutcome::RolledBack);
        assert_eq!(
            headline,
            "The deployment of pricing:4 failed during moving production traffic; ECS rolled pricing back to pricing:3."
        );
        assert!(detail.contains("circuit breaker"));
        let (_, v) = evaluate(
            &spec,
            &snap("SUCCESSFUL", None, 100.0),
            &mut WatchMemory::default(),
        );
        assert_eq!(v.unwrap().0, VerdictOutcome::Completed);
        // The deployment that was there before the action is not the action's.
        let mut before = snap("IN_PROGRESS", Some("BAKE_TIME"), 100.0);
        if let Some(d) = before.service_deployment.as_mut() {
            d.arn = "sd/old".into();
        }
        assert!(followed(&spec, &before).is_none());
    }

    /// A restart that reaches a pause hook ends the watch as paused; continuing that hook waits.
    #[test]
    fn a_pause_ends_the_watch_unless_it_is_the_one_continued() {
        let mut s = snap("IN_PROGRESS", Some("POST_TEST_TRAFFIC_SHIFT"), 0.0);
        if let Some(d) = s.service_deployment.as_mut() {
            d.hooks.push(HookState {
                hook_id: "h1".into(),
                target_type: "PAUSE".into(),
                status: "AWAITING_ACTION".into(),
                expires_at: Some("2026-01-01T12:00:00Z".into()),
                timeout_action: Some("ROLLBACK".into()),
            });
        }
        let (_, v) = evaluate(
            &spec(ActionRequest::ForceNewDeployment),
            &s,
            &mut WatchMemory::default(),
        );
        let (outcome, _, detail) = v.unwrap();
        assert_eq!(outcome, VerdictOutcome::Paused);
        assert_eq!(
            detail,
            "If nobody does, ECS will roll back at 2026-01-01T12:00:00Z."
        );
        let go = spec(ActionRequest::ContinueDeployment {
            deployment: "sd/new".into(),
            hook: "h1".into(),
        });
        let (u, v) = evaluate(&go, &s, &mut WatchMemory::default());
        assert!(v.is_none());
        assert!(
            u.phase
                .starts_with("Paused (test traffic on the new tasks)"),
            "{}",
            u.phase
        );
        let back = spec(ActionRequest::RollBackDeployment {
            deployment: "sd/new".into(),
            hook: Some("h1".into()),
        });
        let (_, v) = evaluate(
            &back,
            &snap("ROLLBACK_SUCCESSFUL", None, 0.0),
            &mut WatchMemory::default(),
        );
        let (outcome, headline, _) = v.unwrap();
        assert_eq!(outcome, VerdictOutcome::Completed);
        assert!(
            headline.starts_with("Rolled back: pricing serves all traffic from pricing:3 again"),
            "{headline}"
        );
    }
}
