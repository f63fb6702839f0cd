//! Plans of ECS's own deployment actions and of restarts of traffic-shifting services.

use super::tests::one_task;
use super::*;

/// A blue/green service baking deployment `sd/1` from web:6 to web:7 (100 % on the new tasks);
/// `paused` puts it at a pause hook before production traffic moved instead.
fn baking(paused: bool) -> ServiceSnapshot {
    use crate::model::service_deployment::{HookState, RevisionSide, ServiceDeploymentRecord};
    use crate::model::strategy::{DeploymentStrategy, StrategyKind};
    let side = |td: &str, production: f64| RevisionSide {
        arn: format!("rev/{td}"),
        task_definition: td.into(),
        requested: 1,
        running: 1,
        production_percent: Some(production),
        ..Default::default()
    };
    let mut s = one_task(100, 200);
    s.strategy = DeploymentStrategy {
        kind: StrategyKind::BlueGreen,
        bake_minutes: 30,
        ..Default::default()
    };
    s.service_deployment = Some(ServiceDeploymentRecord {
        arn: "arn:aws:ecs:us-east-1:1:service-deployment/c/s/sd1".into(),
        status: "IN_PROGRESS".into(),
        stage: Some(
            if paused {
                "POST_TEST_TRAFFIC_SHIFT"
            } else {
                "BAKE_TIME"
            }
            .into(),
        ),
        source: vec![side("web:6", if paused { 100.0 } else { 0.0 })],
        target: Some(side("web:7", if paused { 0.0 } else { 100.0 })),
        hooks: if paused {
            vec![HookState {
                hook_id: "hook-1".into(),
                target_type: "PAUSE".into(),
                status: "AWAITING_ACTION".into(),
                expires_at: None,
                timeout_action: Some("ROLLBACK".into()),
            }]
        } else {
            Vec::new()
        },
        ..Default::default()
    });
    s
}

const SD: &str = "arn:aws:ecs:us-east-1:1:service-deployment/c/s/sd1";

#[test]
fn native_rollback_during_bake_sends_traffic_back_without_new_tasks() {
    let s = baking(false);
    let action = settle(
        &s,
        ActionRequest::RollBackDeployment {
            deployment: SD.into(),
            hook: Some("forged".into()),
        },
    );
    // The page's idea of a hook is not trusted: no pause waits, so StopServiceDeployment it is.
    assert_eq!(
        action,
        ActionRequest::RollBackDeployment {
            deployment: SD.into(),
            hook: None
        }
    );
    assert_eq!(action.iam_action(), "ecs:StopServiceDeployment");
    let p = plan(&s, &action, &[7, 6]).unwrap();
    let steps = p.steps.join(" ");
    assert!(
        steps.contains("ECS stops deployment sd1 and rolls it back to web:6"),
        "{steps}"
    );
    assert!(
        steps.contains(
            "Production traffic goes back to the old tasks (web:6) at once: 100 % is on web:7 now"
        ),
        "{steps}"
    );
    assert!(steps.contains("no new tasks are started"), "{steps}");
    assert!(!p.downtime_expected);
    // A revision rollback now points to the native one instead.
    let revision = plan(&s, &ActionRequest::Rollback { revision: 6 }, &[7, 6]).unwrap();
    let alt = revision.alternative.unwrap();
    assert_eq!(
        alt.action,
        ActionRequest::RollBackDeployment {
            deployment: SD.into(),
            hook: None
        }
    );
    assert!(
        alt.why.contains("sends traffic back to them at once"),
        "{}",
        alt.why
    );
}

#[test]
fn a_paused_deployment_is_continued_or_rolled_back_at_its_hook() {
    let s = baking(true);
    let action = settle(
        &s,
        ActionRequest::RollBackDeployment {
            deployment: SD.into(),
            hook: None,
        },
    );
    assert_eq!(
        action,
        ActionRequest::RollBackDeployment {
            deployment: SD.into(),
            hook: Some("hook-1".into())
        }
    );
    assert_eq!(action.iam_action(), "ecs:ContinueServiceDeployment");
    let p = plan(&s, &action, &[7, 6]).unwrap();
    assert!(p.steps[0].contains("with “roll back”"), "{:?}", p.steps);
    assert!(p
        .steps
        .join(" ")
        .contains("Production traffic stays on the old tasks (web:6)"));
    let go = ActionRequest::ContinueDeployment {
        deployment: SD.into(),
        hook: "hook-1".into(),
    };
    let p = plan(&s, &go, &[7, 6]).unwrap();
    let steps = p.steps.join(" ");
    assert!(
        steps.contains("past its pause (test traffic on the new tasks)"),
        "{steps}"
    );
    assert!(
        steps.contains("All production traffic moves to web:7 at once"),
        "{steps}"
    );
    assert!(steps.contains("30 minutes of bake time"), "{steps}");
    // Another hook, or a deployment that moved on, is refused with words.
    let wrong = ActionRequest::ContinueDeployment {
        deployment: SD.into(),
        hook: "hook-2".into(),
    };
    assert!(plan(&s, &wrong, &[7, 6])
        .unwrap_err()
        .to_string()
        .contains("not waiting at this pause"));
    let mut done = baking(false);
    if let Some(d) = done.service_deployment.as_mut() {
        d.status = "SUCCESSFUL".into();
        d.outcome = "Deployed web:7.".into();
    }
    let err = plan(&done, &action, &[7, 6]).unwrap_err().to_string();
    assert!(
        err.contains("no longer in progress (Deployed web:7.)"),
        "{err}"
    );
}

#[test]
fn a_restart_of_a_traffic_shifting_service_describes_its_strategy() {
    let mut s = baking(false);
    s.service_deployment = None;
    let p = plan(&s, &ActionRequest::ForceNewDeployment, &[7, 6]).unwrap();
    let steps = p.steps.join(" ");
    assert!(
        steps.contains("All production traffic moves to the new tasks at once"),
        "{steps}"
    );
    assert!(
        p.risk_sentence
            .contains("A blue/green deployment takes at least 30 minutes"),
        "{}",
        p.risk_sentence
    );
    assert_eq!(p.risk, RiskLevel::Safe);
}
