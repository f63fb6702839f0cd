//! Daemons and services that CodeDeploy or an external tool deploys, against the simulator:
//! the page says which actions ECS refuses and why, the core refuses them before any plan or
//! call, and what ECS allows still works.

use crate::sso_support::calls;
use ecsdesk_core::model::service_kind::{Controller, Scheduling};
use ecsdesk_core::read::services::get_service;
use ecsdesk_core::{ActionCenter, ActionRequest};

const CLUSTER: &str = "service-kinds";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_ecs_refuses_are_not_offered_and_never_sent() {
    let sim = crate::demo::sim("demo").await;
    let (registry, _, com) = crate::demo::both(&sim.endpoint()).await;
    let session = registry.get(&com.id).await.expect("session");
    let dir = tempfile::tempdir().expect("temp dir");
    let center = ActionCenter::new(&dir.path().join("data"), &dir.path().join("exports"));

    // An EXTERNAL service: its task set read as its deployment, its task definition from there.
    let external = get_service(&session, CLUSTER, "partner-api-external-Service")
        .await
        .expect("external service");
    assert_eq!(external.kind.controller, Controller::External);
    assert_eq!(external.summary.task_definition, "partner-api-external:1");
    assert_eq!(external.deployments.len(), 1, "{:?}", external.deployments);
    assert_eq!(external.deployments[0].status, "PRIMARY");
    assert!(external.limits.restart.is_some() && external.limits.rollback.is_some());
    assert!(external.limits.scale.is_none());

    let blue_green = get_service(&session, CLUSTER, "checkout-bluegreen-Service")
        .await
        .expect("CodeDeploy service");
    assert_eq!(blue_green.kind.controller, Controller::CodeDeploy);
    assert_eq!(blue_green.summary.task_definition_revision, 2);
    assert!(blue_green
        .limits
        .restart
        .as_deref()
        .is_some_and(|r| r.contains("CodeDeploy")));

    let daemon = get_service(&session, CLUSTER, "log-agent-Daemon")
        .await
        .expect("daemon");
    assert_eq!(daemon.kind.scheduling, Scheduling::Daemon);
    assert_eq!(daemon.summary.desired, 3);
    assert!(daemon.limits.scale.is_some() && daemon.limits.restart.is_none());

    // The core refuses what ECS would refuse: no plan, no UpdateService.
    let before = calls(&sim.endpoint(), "ecs:UpdateService").await;
    for (service, action) in [
        (
            "checkout-bluegreen-Service",
            ActionRequest::ForceNewDeployment,
        ),
        (
            "checkout-bluegreen-Service",
            ActionRequest::Rollback { revision: 1 },
        ),
        (
            "partner-api-external-Service",
            ActionRequest::ForceNewDeployment,
        ),
        (
            "log-agent-Daemon",
            ActionRequest::SetDesiredCount { desired: 5 },
        ),
    ] {
        let err = center
            .plan(&registry, &com.id, CLUSTER, service, action.clone())
            .await
            .expect_err("refused");
        assert_eq!(err.code(), "NotSupported", "{service} {action:?}: {err}");
    }
    assert_eq!(calls(&sim.endpoint(), "ecs:UpdateService").await, before);

    // What ECS allows is planned as usual.
    let scale = center
        .plan(
            &registry,
            &com.id,
            CLUSTER,
            "checkout-bluegreen-Service",
            ActionRequest::SetDesiredCount { desired: 3 },
        )
        .await
        .expect("a CodeDeploy service scales");
    assert_eq!(
        scale.title,
        "Scale checkout-bluegreen-Service from 2 tasks to 3 tasks"
    );
    let restart = center
        .plan(
            &registry,
            &com.id,
            CLUSTER,
            "log-agent-Daemon",
            ActionRequest::ForceNewDeployment,
        )
        .await
        .expect("a daemon restarts");
    assert!(
        restart.notes.iter().any(|n| n.contains("daemon")),
        "{:?}",
        restart.notes
    );
    sim.shutdown().await;
}
