//! Plans in plain words for each action and service shape.

use super::*;
use crate::model::deployment::Deployment;
use crate::model::reading::{SnapTarget, SnapTask};

fn task(id: &str, ip: &str) -> SnapTask {
    SnapTask {
        id: id.into(),
        last_status: "RUNNING".into(),
        desired_status: "RUNNING".into(),
        private_ip: Some(ip.into()),
        task_definition: "coe-etl-prod:3".into(),
        ..Default::default()
    }
}

/// A service like coe-etl-prod-Service: 1 task behind a load balancer, 100 %/200 %.
pub(super) fn one_task(min: i32, max: i32) -> ServiceSnapshot {
    ServiceSnapshot {
        name: "coe-etl-prod-Service".into(),
        status: "ACTIVE".into(),
        desired: 1,
        running: 1,
        min_pct: min,
        max_pct: max,
        task_definition: "coe-etl-prod:3".into(),
        deployments: vec![Deployment {
            id: "ecs-svc/1".into(),
            status: "PRIMARY".into(),
            rollout_state: Some("COMPLETED".into()),
            desired: 1,
            running: 1,
            ..Default::default()
        }],
        tasks: vec![task("aaa", "10.0.0.1")],
        has_load_balancer: true,
        targets: vec![SnapTarget {
            id: "10.0.0.1".into(),
            port: Some(5000),
            state: "healthy".into(),
            reason: None,
        }],
        ..Default::default()
    }
}

#[test]
fn restart_of_one_task_starts_first_without_downtime() {
    let p = plan(
        &one_task(100, 200),
        &ActionRequest::ForceNewDeployment,
        &[3, 2, 1],
    )
    .unwrap();
    assert_eq!(p.risk, RiskLevel::Safe);
    assert!(!p.downtime_expected);
    assert!(
        p.steps
            .iter()
            .any(|s| s == "ECS starts 1 new task beside the 1 old task running now."),
        "{:?}",
        p.steps
    );
    assert!(p
        .steps
        .iter()
        .any(|s| s.starts_with("It waits until the new task is healthy")));
    assert!(p
        .steps
        .iter()
        .any(|s| s.starts_with("Then it stops the old one")));
    assert!(p.risk_sentence.starts_with("No downtime expected"));
    assert!(p.alternative.is_none());
    assert_eq!(
        p.title,
        "Restart coe-etl-prod-Service (force new deployment)"
    );
}

#[test]
fn restart_with_max_100_stops_first_and_means_downtime() {
    let p = plan(&one_task(0, 100), &ActionRequest::ForceNewDeployment, &[3]).unwrap();
    assert_eq!(p.risk, RiskLevel::Danger);
    assert!(p.downtime_expected);
    assert!(
        p.steps
            .iter()
            .any(|s| s.contains("first stops the only running task")),
        "{:?}",
        p.steps
    );
    assert!(p.risk_sentence.contains("down for up to 5 minutes"));
    let stuck = plan(
        &one_task(100, 100),
        &ActionRequest::ForceNewDeployment,
        &[3],
    )
    .unwrap();
    assert_eq!(stuck.risk, RiskLevel::Danger);
    assert!(stuck.risk_sentence.contains("would not progress"));
}

#[test]
fn many_tasks_with_reduced_capacity_is_caution() {
    let mut s = one_task(50, 100);
    s.desired = 4;
    s.tasks = (0..4)
        .map(|i| task(&format!("t{i}"), &format!("10.0.0.{i}")))
        .collect();
    let p = plan(&s, &ActionRequest::ForceNewDeployment, &[3]).unwrap();
    assert_eq!(p.risk, RiskLevel::Caution);
    assert!(p.risk_sentence.contains("2 of 4"), "{}", p.risk_sentence);
    assert!(!p.downtime_expected);
}

#[test]
fn stopping_the_only_task_is_downtime_with_restart_as_alternative() {
    let s = one_task(100, 200);
    let p = plan(
        &s,
        &ActionRequest::StopTask {
            task: "arn:aws-us-gov:ecs:us-gov-east-1:1:task/coe-ecs-prod/aaa".into(),
            reason: "hung".into(),
        },
        &[3],
    )
    .unwrap();
    assert_eq!(p.risk, RiskLevel::Danger);
    assert!(p.downtime_expected);
    assert_eq!(
        p.risk_sentence,
        "This is the only running task: the service will be down for up to 5 minutes."
    );
    let alt = p.alternative.expect("an alternative");
    assert_eq!(alt.action, ActionRequest::ForceNewDeployment);
    assert!(alt.why.contains("no downtime"));

    let mut two = s.clone();
    two.desired = 2;
    two.tasks.push(task("bbb", "10.0.0.2"));
    let p = plan(
        &two,
        &ActionRequest::StopTask {
            task: "aaa".into(),
            reason: "hung".into(),
        },
        &[3],
    )
    .unwrap();
    assert_eq!(p.risk, RiskLevel::Caution);
    assert!(!p.downtime_expected);
    assert!(p.alternative.is_none());

    let err = plan(
        &s,
        &ActionRequest::StopTask {
            task: "aaa".into(),
            reason: "  ".into(),
        },
        &[3],
    )
    .unwrap_err();
    assert_eq!(err.code(), "InvalidInput");
    let err = plan(
        &s,
        &ActionRequest::StopTask {
            task: "zzz".into(),
            reason: "x".into(),
        },
        &[3],
    )
    .unwrap_err();
    assert_eq!(err.code(), "NotFound");
}

#[test]
fn scaling_is_validated_and_zero_is_danger() {
    let s = one_task(100, 200);
    let zero = plan(
        &s,
        &ActionRequest::SetDesiredCount {
            desired: 0,
            limits: None,
        },
        &[3],
    )
    .unwrap();
    assert_eq!(zero.risk, RiskLevel::Danger);
    assert!(zero
        .risk_sentence
        .contains("down until you scale it up again"));
    let up = plan(
        &s,
        &ActionRequest::SetDesiredCount {
            desired: 3,
            limits: None,
        },
        &[3],
    )
    .unwrap();
    assert_eq!(up.risk, RiskLevel::Safe);
    assert_eq!(
        up.title,
        "Scale coe-etl-prod-Service from 1 task to 3 tasks"
    );
    for bad in [-1, MAX_DESIRED_COUNT + 1] {
        let err = plan(
            &s,
            &ActionRequest::SetDesiredCount {
                desired: bad,
                limits: None,
            },
            &[3],
        )
        .unwrap_err();
        assert!(err.to_string().contains("from 0 to 100"), "{err}");
    }
    let same = plan(
        &s,
        &ActionRequest::SetDesiredCount {
            desired: 1,
            limits: None,
        },
        &[3],
    )
    .unwrap_err();
    assert!(same.to_string().contains("already wants 1 task"));
}

#[test]
fn rollback_needs_another_active_revision() {
    let s = one_task(100, 200);
    let p = plan(&s, &ActionRequest::Rollback { revision: 2 }, &[3, 2, 1]).unwrap();
    assert_eq!(p.risk, RiskLevel::Caution);
    assert_eq!(p.title, "Roll back coe-etl-prod-Service to coe-etl-prod:2");
    assert!(p.steps[0].contains("coe-etl-prod:2 in place of coe-etl-prod:3"));
    assert!(plan(&s, &ActionRequest::Rollback { revision: 3 }, &[3, 2]).is_err());
    let err = plan(&s, &ActionRequest::Rollback { revision: 7 }, &[3, 2]).unwrap_err();
    assert!(err.to_string().contains("Choose one of: 3, 2"), "{err}");
}

#[test]
fn a_failing_service_is_already_down_and_rollback_is_suggested() {
    let mut s = one_task(0, 100);
    s.tasks.clear();
    s.deployments[0].failed_tasks = 4;
    let p = plan(&s, &ActionRequest::ForceNewDeployment, &[3, 2, 1]).unwrap();
    assert_eq!(p.risk, RiskLevel::Caution);
    assert!(!p.downtime_expected);
    assert!(p.risk_sentence.contains("already down"));
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("4 tasks of the current deployment failed")),
        "{:?}",
        p.notes
    );
    let alt = p.alternative.expect("rollback suggested");
    assert_eq!(alt.action, ActionRequest::Rollback { revision: 2 });
}

#[test]
fn what_the_service_kind_rules_out_is_refused_before_any_plan() {
    use crate::model::service_kind::ServiceKind;
    let mut code_deploy = one_task(100, 200);
    code_deploy.kind = ServiceKind::from_names(None, Some("CODE_DEPLOY"));
    for action in [
        ActionRequest::ForceNewDeployment,
        ActionRequest::Rollback { revision: 2 },
    ] {
        let err = plan(&code_deploy, &action, &[3, 2]).unwrap_err();
        assert_eq!(err.code(), "NotSupported");
        assert!(err.to_string().contains("CodeDeploy"), "{err}");
    }
    // Its only task may be stopped, but a restart is not offered as the safer way.
    let stop = plan(
        &code_deploy,
        &ActionRequest::StopTask {
            task: "aaa".into(),
            reason: "hung".into(),
        },
        &[3],
    )
    .unwrap();
    assert!(stop.downtime_expected);
    assert!(stop.alternative.is_none(), "{:?}", stop.alternative);
    assert!(plan(
        &code_deploy,
        &ActionRequest::SetDesiredCount {
            desired: 2,
            limits: None
        },
        &[3]
    )
    .is_ok());

    let mut daemon = one_task(0, 100);
    daemon.kind = ServiceKind::from_names(Some("DAEMON"), None);
    let err = plan(
        &daemon,
        &ActionRequest::SetDesiredCount {
            desired: 2,
            limits: None,
        },
        &[3],
    )
    .unwrap_err();
    assert_eq!(err.code(), "NotSupported");
    let restart = plan(&daemon, &ActionRequest::ForceNewDeployment, &[3]).unwrap();
    assert!(
        restart
            .notes
            .iter()
            .any(|n| n.contains("one task on each container instance")),
        "{:?}",
        restart.notes
    );
}
