//! ECS deployments as they are now, against the demo's `release-strategies` cluster: the 90-day
//! record (ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions) with its
//! real fields; blue/green, canary and linear stages with their traffic weights; ECS's own
//! rollback (StopServiceDeployment) and a paused lifecycle hook continued or rolled back
//! (ContinueServiceDeployment), each refusing what AWS refuses.

use aws_sdk_ecs::types::{
    DeploymentLifecycleHookAction, ServiceDeployment, ServiceDeploymentStatus,
    StopServiceDeploymentStopType,
};
use aws_sdk_ecs::Client;

mod common;
use common::{code, ecs_client, sim, COM_KEY};
use ecsdesk_sim::SimHandle;

const CLUSTER: &str = "release-strategies";

async fn advance(h: &SimHandle, seconds: f64) {
    h.control()
        .advance_clock(seconds)
        .await
        .expect("clock advances");
}

/// The service's newest service deployment, described.
async fn newest(ecs: &Client, service: &str) -> ServiceDeployment {
    let listed = ecs
        .list_service_deployments()
        .cluster(CLUSTER)
        .service(service)
        .max_results(1)
        .send()
        .await
        .expect("list");
    let arn = listed.service_deployments()[0]
        .service_deployment_arn()
        .unwrap_or_default()
        .to_string();
    ecs.describe_service_deployments()
        .service_deployment_arns(arn)
        .send()
        .await
        .expect("describe")
        .service_deployments()[0]
        .clone()
}

/// DescribeServices of one service of the cluster.
async fn describe_service(
    ecs: &Client,
    service: &str,
) -> aws_sdk_ecs::operation::describe_services::DescribeServicesOutput {
    ecs.describe_services()
        .cluster(CLUSTER)
        .services(service)
        .send()
        .await
        .expect("service")
}

fn stage(d: &ServiceDeployment) -> &str {
    d.lifecycle_stage().map_or("", |s| s.as_str())
}

fn new_weight(d: &ServiceDeployment) -> f64 {
    d.target_service_revision()
        .and_then(|t| t.requested_production_traffic_weight())
        .unwrap_or(-1.0)
}

#[tokio::test]
async fn the_record_lists_90_days_newest_first_with_revisions_and_outcomes() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let service = "storefront-bluegreen-Service";
    let all = ecs
        .list_service_deployments()
        .cluster(CLUSTER)
        .service(service)
        .send()
        .await
        .expect("list");
    let statuses: Vec<&str> = all
        .service_deployments()
        .iter()
        .filter_map(|d| d.status().map(|s| s.as_str()))
        .collect();
    // Creation, 4.1.0, the breaker's rollback of 4.2.0-rc1, 4.2.0, and 4.3.0 baking now.
    assert_eq!(
        statuses,
        [
            "IN_PROGRESS",
            "SUCCESSFUL",
            "ROLLBACK_SUCCESSFUL",
            "SUCCESSFUL",
            "SUCCESSFUL"
        ]
    );
    let created: Vec<_> = all
        .service_deployments()
        .iter()
        .filter_map(|d| d.created_at().map(|t| t.secs()))
        .collect();
    assert!(created.windows(2).all(|w| w[0] > w[1]), "{created:?}");

    // Pages, filters and limits as ECS has them.
    let page = ecs
        .list_service_deployments()
        .cluster(CLUSTER)
        .service(service)
        .max_results(2)
        .send()
        .await
        .expect("page");
    assert_eq!(page.service_deployments().len(), 2);
    let rest = ecs
        .list_service_deployments()
        .cluster(CLUSTER)
        .service(service)
        .max_results(100)
        .next_token(page.next_token().expect("more"))
        .send()
        .await
        .expect("next page");
    assert_eq!(rest.service_deployments().len(), 3);
    let rolled = ecs
        .list_service_deployments()
        .cluster(CLUSTER)
        .service(service)
        .status(ServiceDeploymentStatus::RollbackSuccessful)
        .send()
        .await
        .expect("by status");
    assert_eq!(rolled.service_deployments().len(), 1);
    let err = ecs
        .list_service_deployments()
        .cluster(CLUSTER)
        .service(service)
        .max_results(101)
        .send()
        .await
        .expect_err("over 100");
    assert_eq!(code(&err), "InvalidParameterException");
    let err = ecs
        .list_service_deployments()
        .cluster(CLUSTER)
        .service("no-such-Service")
        .send()
        .await
        .expect_err("unknown service");
    assert_eq!(code(&err), "ServiceNotFoundException");

    // The rollback: breaker triggered at its threshold, the reason, the revision it returned to.
    let arn = rolled.service_deployments()[0]
        .service_deployment_arn()
        .unwrap_or_default()
        .to_string();
    let described = ecs
        .describe_service_deployments()
        .service_deployment_arns(&arn)
        .service_deployment_arns(format!("{arn}-gone"))
        .send()
        .await
        .expect("describe");
    assert_eq!(described.failures()[0].reason(), Some("MISSING"));
    let d = &described.service_deployments()[0];
    let breaker = d.deployment_circuit_breaker().expect("breaker");
    assert_eq!(breaker.status().map(|s| s.as_str()), Some("TRIGGERED"));
    assert!(breaker.failure_count() >= breaker.threshold() && breaker.threshold() == 3);
    let rollback = d.rollback().expect("rollback");
    assert!(rollback
        .reason()
        .unwrap_or_default()
        .contains("circuit breaker"));
    let source = d.source_service_revisions()[0].arn().unwrap_or_default();
    assert_eq!(rollback.service_revision_arn(), Some(source));
    assert!(d.finished_at().is_some());

    // Revisions: task definition and images with digests, the new tag differs.
    let now = newest(&ecs, service).await;
    let (old, new) = (
        now.source_service_revisions()[0].arn().unwrap_or_default(),
        now.target_service_revision()
            .and_then(|t| t.arn())
            .unwrap_or_default(),
    );
    let revisions = ecs
        .describe_service_revisions()
        .service_revision_arns(old)
        .service_revision_arns(new)
        .send()
        .await
        .expect("revisions");
    let images: Vec<&str> = revisions
        .service_revisions()
        .iter()
        .map(|r| r.container_images()[0].image().unwrap_or_default())
        .collect();
    assert!(images[0].ends_with("storefront:4.2.0"), "{images:?}");
    assert!(images[1].ends_with("storefront:4.3.0"), "{images:?}");
    let r = &revisions.service_revisions()[1];
    assert!(r
        .task_definition()
        .unwrap_or_default()
        .ends_with("storefront:5"));
    assert!(r.container_images()[0]
        .image_digest()
        .is_some_and(|d| d.starts_with("sha256:") && d.len() == 71));
    let advanced = r.load_balancers()[0]
        .advanced_configuration()
        .expect("blue/green target groups");
    assert!(advanced
        .alternate_target_group_arn()
        .is_some_and(|a| a.contains("storefront-")));
    assert!(advanced
        .production_listener_rule()
        .is_some_and(|a| a.contains(":listener-rule/app/release-alb/")));
    let err = ecs
        .describe_service_deployments()
        .send()
        .await
        .expect_err("none asked");
    assert_eq!(code(&err), "InvalidParameterException");
    h.shutdown().await;
}

#[tokio::test]
async fn blue_green_bakes_on_the_green_tasks_and_rolls_back_at_once_without_new_tasks() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let service = "storefront-bluegreen-Service";
    let d = newest(&ecs, service).await;
    assert_eq!(stage(&d), "BAKE_TIME");
    assert_eq!(new_weight(&d), 100.0);
    assert_eq!(
        d.source_service_revisions()[0].requested_production_traffic_weight(),
        Some(0.0)
    );
    // Blue keeps its two tasks while green takes the traffic.
    assert_eq!(d.source_service_revisions()[0].running_task_count(), 2);
    assert_eq!(
        d.target_service_revision().map(|t| t.running_task_count()),
        Some(2)
    );
    let described = describe_service(&ecs, service).await;
    let svc = &described.services()[0];
    assert_eq!(svc.current_service_deployment(), d.service_deployment_arn());
    assert_eq!(svc.current_service_revisions().len(), 2);
    let config = svc.deployment_configuration().expect("config");
    assert_eq!(config.strategy().map(|s| s.as_str()), Some("BLUE_GREEN"));
    assert_eq!(config.bake_time_in_minutes(), Some(60));
    let tasks_before = ecs
        .list_tasks()
        .cluster(CLUSTER)
        .service_name(service)
        .send()
        .await
        .expect("tasks")
        .task_arns()
        .to_vec();
    assert_eq!(tasks_before.len(), 4);

    // ABORT is not a valid stop type; ROLLBACK is.
    let arn = d.service_deployment_arn().unwrap_or_default().to_string();
    let err = ecs
        .stop_service_deployment()
        .service_deployment_arn(&arn)
        .stop_type(StopServiceDeploymentStopType::Abort)
        .send()
        .await
        .expect_err("abort");
    assert_eq!(code(&err), "InvalidParameterException");
    ecs.stop_service_deployment()
        .service_deployment_arn(&arn)
        .stop_type(StopServiceDeploymentStopType::Rollback)
        .send()
        .await
        .expect("rollback");
    let d = newest(&ecs, service).await;
    assert_eq!(d.status().map(|s| s.as_str()), Some("ROLLBACK_IN_PROGRESS"));
    assert_eq!(new_weight(&d), 0.0, "production back on blue at once");
    advance(&h, 120.0).await;
    let d = newest(&ecs, service).await;
    assert_eq!(d.status().map(|s| s.as_str()), Some("ROLLBACK_SUCCESSFUL"));
    let running = ecs
        .list_tasks()
        .cluster(CLUSTER)
        .service_name(service)
        .send()
        .await
        .expect("tasks")
        .task_arns()
        .to_vec();
    assert_eq!(running.len(), 2);
    assert!(
        running.iter().all(|t| tasks_before.contains(t)),
        "no new task started"
    );
    let svc = describe_service(&ecs, service).await;
    let svc = &svc.services()[0];
    assert!(svc
        .task_definition()
        .unwrap_or_default()
        .ends_with("storefront:4"));
    assert_eq!(svc.deployments().len(), 1);
    // A finished deployment cannot be stopped.
    let err = ecs
        .stop_service_deployment()
        .service_deployment_arn(&arn)
        .send()
        .await
        .expect_err("finished");
    assert_eq!(code(&err), "ConflictException");
    let err = ecs
        .stop_service_deployment()
        .service_deployment_arn(format!("{arn}x"))
        .send()
        .await
        .expect_err("unknown");
    assert_eq!(code(&err), "ServiceDeploymentNotFoundException");
    h.shutdown().await;
}

#[tokio::test]
async fn a_canary_holds_its_percent_then_shifts_everything_bakes_and_cleans_up() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let service = "pricing-canary-Service";
    let production_tg =
        |svc: &aws_sdk_ecs::operation::describe_services::DescribeServicesOutput| {
            svc.services()[0].load_balancers()[0]
                .target_group_arn()
                .unwrap_or_default()
                .to_string()
        };
    let before = describe_service(&ecs, service).await;
    let d = newest(&ecs, service).await;
    assert_eq!(stage(&d), "PRODUCTION_TRAFFIC_SHIFT");
    assert_eq!(new_weight(&d), 10.0);
    let test = d
        .target_service_revision()
        .and_then(|t| t.requested_test_traffic_weight());
    assert_eq!(test, Some(100.0));
    advance(&h, 18.0 * 60.0).await;
    let d = newest(&ecs, service).await;
    assert_eq!(stage(&d), "BAKE_TIME");
    assert_eq!(new_weight(&d), 100.0);
    advance(&h, 11.0 * 60.0).await;
    let d = newest(&ecs, service).await;
    assert_eq!(d.status().map(|s| s.as_str()), Some("SUCCESSFUL"));
    // Clean-up stopped the old tasks. The service's configuration stays as set; the revisions
    // say which target group of the pair takes production: the new one took the other.
    let svc = describe_service(&ecs, service).await;
    assert_eq!(production_tg(&svc), production_tg(&before));
    let revisions = ecs
        .describe_service_revisions()
        .service_revision_arns(d.source_service_revisions()[0].arn().unwrap_or_default())
        .service_revision_arns(
            d.target_service_revision()
                .and_then(|t| t.arn())
                .unwrap_or_default(),
        )
        .send()
        .await
        .expect("revisions");
    let resolved: Vec<&str> = revisions
        .service_revisions()
        .iter()
        .filter_map(|r| r.resolved_configuration())
        .map(|c| c.load_balancers()[0].target_group_arn().unwrap_or_default())
        .collect();
    assert_eq!(resolved.len(), 2);
    assert_ne!(resolved[0], resolved[1], "{resolved:?}");
    assert_eq!(svc.services()[0].running_count(), 2);
    h.shutdown().await;
}

#[tokio::test]
async fn a_linear_deployment_waits_at_its_pause_until_continued_or_rolled_back() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let service = "search-linear-Service";
    let d = newest(&ecs, service).await;
    assert_eq!(stage(&d), "POST_TEST_TRAFFIC_SHIFT");
    let hook = &d.lifecycle_hook_details()[0];
    assert_eq!(hook.status().map(|s| s.as_str()), Some("AWAITING_ACTION"));
    assert_eq!(hook.target_type().map(|s| s.as_str()), Some("PAUSE"));
    assert_eq!(hook.timeout_action().map(|s| s.as_str()), Some("ROLLBACK"));
    assert!(hook.expires_at().is_some());
    let arn = d.service_deployment_arn().unwrap_or_default().to_string();
    let hook_id = hook.hook_id().unwrap_or_default().to_string();
    // Waiting does not move it; a wrong hook id is refused.
    advance(&h, 600.0).await;
    assert_eq!(
        stage(&newest(&ecs, service).await),
        "POST_TEST_TRAFFIC_SHIFT"
    );
    let err = ecs
        .continue_service_deployment()
        .service_deployment_arn(&arn)
        .hook_id("not-a-hook")
        .send()
        .await
        .expect_err("wrong hook");
    assert_eq!(code(&err), "InvalidParameterException");
    ecs.continue_service_deployment()
        .service_deployment_arn(&arn)
        .hook_id(&hook_id)
        .send()
        .await
        .expect("continue");
    let d = newest(&ecs, service).await;
    assert_eq!(stage(&d), "PRODUCTION_TRAFFIC_SHIFT");
    assert_eq!(new_weight(&d), 25.0);
    advance(&h, 150.0).await;
    assert_eq!(new_weight(&newest(&ecs, service).await), 50.0);
    advance(&h, 20.0 * 60.0).await;
    let d = newest(&ecs, service).await;
    assert_eq!(d.status().map(|s| s.as_str()), Some("SUCCESSFUL"));
    assert_eq!(
        d.lifecycle_hook_details()[0].status().map(|s| s.as_str()),
        Some("SUCCEEDED")
    );
    let err = ecs
        .continue_service_deployment()
        .service_deployment_arn(&arn)
        .hook_id(&hook_id)
        .send()
        .await
        .expect_err("no longer waiting");
    assert_eq!(code(&err), "InvalidParameterException");

    // A new deployment pauses again; answering ROLLBACK returns to the running revision.
    ecs.update_service()
        .cluster(CLUSTER)
        .service(service)
        .force_new_deployment(true)
        .send()
        .await
        .expect("restart");
    advance(&h, 120.0).await;
    let d = newest(&ecs, service).await;
    let hook = d.lifecycle_hook_details()[0].clone();
    assert_eq!(hook.status().map(|s| s.as_str()), Some("AWAITING_ACTION"));
    ecs.continue_service_deployment()
        .service_deployment_arn(d.service_deployment_arn().unwrap_or_default())
        .hook_id(hook.hook_id().unwrap_or_default())
        .action(DeploymentLifecycleHookAction::Rollback)
        .send()
        .await
        .expect("roll back at the hook");
    advance(&h, 120.0).await;
    let d = newest(&ecs, service).await;
    assert_eq!(d.status().map(|s| s.as_str()), Some("ROLLBACK_SUCCESSFUL"));
    h.shutdown().await;
}

#[tokio::test]
async fn an_alarm_in_alarm_state_rolls_a_blue_green_deployment_back() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let service = "storefront-bluegreen-Service";
    // Let the deployment baking at start finish, then deploy the build that pins the CPU.
    advance(&h, 61.0 * 60.0).await;
    assert_eq!(
        newest(&ecs, service).await.status().map(|s| s.as_str()),
        Some("SUCCESSFUL")
    );
    let described = describe_service(&ecs, service).await;
    let watched = described.services()[0]
        .deployment_configuration()
        .and_then(|c| c.alarms())
        .expect("alarms watched");
    assert_eq!(
        watched.alarm_names(),
        ["storefront-bluegreen-Service-high-cpu"]
    );
    assert!(watched.enable() && watched.rollback());
    ecs.update_service()
        .cluster(CLUSTER)
        .service(service)
        .task_definition("storefront:6")
        .send()
        .await
        .expect("deploy");
    let monitoring = newest(&ecs, service).await;
    let alarms = monitoring.alarms().expect("alarms");
    assert!(matches!(
        alarms.status().map(|s| s.as_str()),
        Some("MONITORING") | Some("TRIGGERED")
    ));
    advance(&h, 180.0).await;
    let d = newest(&ecs, service).await;
    assert_eq!(d.status().map(|s| s.as_str()), Some("ROLLBACK_SUCCESSFUL"));
    let alarms = d.alarms().expect("alarms");
    assert_eq!(alarms.status().map(|s| s.as_str()), Some("TRIGGERED"));
    assert_eq!(
        alarms.triggered_alarm_names(),
        ["storefront-bluegreen-Service-high-cpu"]
    );
    assert!(d
        .rollback()
        .and_then(|r| r.reason())
        .is_some_and(|r| r.contains("storefront-bluegreen-Service-high-cpu")));
    let svc = describe_service(&ecs, service).await;
    assert!(svc.services()[0]
        .task_definition()
        .unwrap_or_default()
        .ends_with("storefront:5"));
    h.shutdown().await;
}

#[tokio::test]
async fn the_listener_rules_carry_the_canary_weights() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let elb = common::elbv2_client(&h, COM_KEY, "us-east-1");
    let described = describe_service(&ecs, "pricing-canary-Service").await;
    let advanced = described.services()[0].load_balancers()[0]
        .advanced_configuration()
        .expect("blue/green pair")
        .clone();
    let weights =
        |rules: &aws_sdk_elasticloadbalancingv2::operation::describe_rules::DescribeRulesOutput| {
            rules.rules()[0].actions()[0]
                .forward_config()
                .map(|f| {
                    f.target_groups()
                        .iter()
                        .map(|g| g.weight().unwrap_or(-1))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
    let production = elb
        .describe_rules()
        .rule_arns(advanced.production_listener_rule().unwrap_or_default())
        .send()
        .await
        .expect("production rule");
    // The canary step: 90 % on the old target group, 10 % on the new one.
    assert_eq!(weights(&production), [90, 10]);
    let test = elb
        .describe_rules()
        .rule_arns(advanced.test_listener_rule().unwrap_or_default())
        .send()
        .await
        .expect("test rule");
    assert_eq!(weights(&test), [0, 100]);
    // Each rule lives on its listener, with the listener's default rule.
    let listener = advanced
        .production_listener_rule()
        .unwrap_or_default()
        .replacen(":listener-rule/", ":listener/", 1);
    let listener = listener.rsplit_once('/').map_or("", |(l, _)| l);
    let all = elb
        .describe_rules()
        .listener_arn(listener)
        .send()
        .await
        .expect("listener rules");
    assert!(all.rules().iter().any(|r| r.is_default() == Some(true)));
    assert!(all.rules().len() >= 4, "{}", all.rules().len());
    h.shutdown().await;
}

#[tokio::test]
async fn a_pause_nobody_answers_times_out_into_its_rollback() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");
    let service = "search-linear-Service";
    let paused = newest(&ecs, service).await;
    assert_eq!(stage(&paused), "POST_TEST_TRAFFIC_SHIFT");
    // 120 minutes of timeout, ROLLBACK: two hours later ECS has rolled it back by itself.
    advance(&h, 2.0 * 3600.0).await;
    advance(&h, 120.0).await;
    let d = newest(&ecs, service).await;
    assert_eq!(d.status().map(|s| s.as_str()), Some("ROLLBACK_SUCCESSFUL"));
    assert_eq!(
        d.lifecycle_hook_details()[0].status().map(|s| s.as_str()),
        Some("TIMED_OUT")
    );
    assert!(d
        .rollback()
        .and_then(|r| r.reason())
        .is_some_and(|r| r.contains("timed out")));
    h.shutdown().await;
}
