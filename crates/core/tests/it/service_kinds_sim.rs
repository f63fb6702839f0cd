//! Services as AWS runs them beyond the plain Fargate service, against the simulator: daemons
//! and services that CodeDeploy or an external tool deploys (the page says which actions ECS
//! refuses and why, the core refuses them before any plan or call, and what ECS allows still
//! works), and a service whose logs go to another region.

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
            ActionRequest::SetDesiredCount {
                desired: 5,
                limits: None,
            },
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
            ActionRequest::SetDesiredCount {
                desired: 3,
                limits: None,
            },
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

/// Logs a task definition sends to another region (`awslogs-region`) are read there: the
/// source names the region, and reads, searches and the console link go to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_are_read_from_the_region_the_task_definition_sends_them_to() {
    use ecsdesk_core::app::observability::Observability;
    use ecsdesk_core::read::logs::{log_sources, LogQuery};
    let sim = crate::demo::sim("demo").await;
    let (registry, _, com) = crate::demo::both(&sim.endpoint()).await;
    let session = registry.get(&com.id).await.expect("session");
    assert_eq!(session.info().region, "us-east-1");
    let sources = log_sources(&session, CLUSTER, "logs-in-us-west-2-Service")
        .await
        .expect("sources");
    assert_eq!(sources[0].group, "/ecs/west-logs");
    assert_eq!(sources[0].region.as_deref(), Some("us-west-2"));

    let dir = tempfile::tempdir().expect("temp dir");
    let views = Observability::new(dir.path().to_path_buf());
    let region = sources[0].region.as_deref();
    let recent = views
        .log_recent(&registry, &com.id, "/ecs/west-logs", None, Some(50), region)
        .await
        .expect("recent lines from us-west-2");
    assert!(!recent.is_empty());
    let page = views
        .log_search(
            &registry,
            &com.id,
            &LogQuery {
                group: "/ecs/west-logs".into(),
                start: Some(chrono::Utc::now().timestamp_millis() - 3_600_000),
                region: Some("us-west-2".into()),
                ..LogQuery::default()
            },
        )
        .await
        .expect("search in us-west-2");
    assert!(!page.lines.is_empty());
    // In the session's own region the group does not exist, as on AWS.
    let err = views
        .log_recent(&registry, &com.id, "/ecs/west-logs", None, Some(50), None)
        .await
        .expect_err("not in us-east-1");
    assert_eq!(err.code(), "ResourceNotFoundException", "{err}");
    // Another partition's region is refused, never asked.
    let err = views
        .log_recent(
            &registry,
            &com.id,
            "/ecs/west-logs",
            None,
            Some(50),
            Some("us-gov-west-1"),
        )
        .await
        .expect_err("another partition");
    assert_eq!(err.code(), "InvalidInput", "{err}");
    sim.shutdown().await;
}

/// Behind a network load balancer the charts are connections and resets from AWS/NetworkELB;
/// no request, error-rate or latency chart, and the health roll-up does not invent an error rate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_load_balancer_service_is_charted_from_aws_network_elb() {
    use ecsdesk_core::app::charts::service_metrics;
    use ecsdesk_core::model::metrics::{MetricRange, RangePreset};
    use ecsdesk_core::model::thresholds::Thresholds;
    use ecsdesk_core::read::metrics::MetricsCache;
    use ecsdesk_core::render::charts::{ChartOptions, Theme};
    let sim = crate::demo::sim("demo").await;
    let (registry, _, com) = crate::demo::both(&sim.endpoint()).await;
    let session = registry.get(&com.id).await.expect("session");
    let charts = service_metrics(
        &session,
        &MetricsCache::new(),
        CLUSTER,
        "mqtt-broker-Service",
        &MetricRange::preset(RangePreset::H1),
        &Thresholds::default(),
        &ChartOptions {
            width: 640,
            height: 240,
            theme: Theme::Light,
        },
    )
    .await
    .expect("charts");
    let ids: Vec<&str> = charts.charts.iter().map(|c| c.id.as_str()).collect();
    assert!(ids.contains(&"connections"), "{ids:?}");
    assert!(ids.contains(&"targets"), "{ids:?}");
    for http in ["requests", "errors", "latency"] {
        assert!(!ids.contains(&http), "{ids:?}");
    }
    assert_eq!(charts.latest.error_rate_percent, None);
    assert_eq!(charts.latest.requests, None);
    sim.shutdown().await;
}
