//! The core against the real simulator, started in-process on a loopback port.

use crate::demo::{both, gov, sim, GOV_SECRET};
use std::collections::HashMap;
use std::time::Duration;

use ecsdesk_core::{
    CoreError, DesiredStatus, Partition, ServiceSummary, SessionRegistry, SessionSource,
};
use ecsdesk_sim::SimHandle;

/// GET `path` on the simulator's control API, as JSON.
async fn control_get(sim: &SimHandle, path: &str) -> serde_json::Value {
    control(sim, "GET", path, None).await
}

/// Calls the simulator's control API.
async fn control(
    sim: &SimHandle,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    sim.control()
        .call(method, path, body)
        .await
        .unwrap_or_else(|e| panic!("control API: {e}"))
}

/// The service called `name` in `list`.
fn find<'a>(list: &'a [ServiceSummary], name: &str) -> &'a ServiceSummary {
    list.iter().find(|s| s.name == name).unwrap_or_else(|| {
        panic!(
            "service {name} not in {:?}",
            list.iter().map(|s| &s.name).collect::<Vec<_>>()
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_identify_both_demo_accounts() {
    let sim = sim("demo").await;
    let (registry, g, c) = both(&sim.endpoint()).await;
    assert_eq!(g.account_id, "210987654321");
    assert_eq!(g.partition, Partition::AwsUsGov);
    assert_eq!(g.region, "us-gov-east-1");
    assert!(g.arn.starts_with("arn:aws-us-gov:"), "{}", g.arn);
    assert_eq!(c.account_id, "123456789012");
    assert_eq!(c.partition, Partition::Aws);
    assert_eq!(
        c.region, "us-east-1",
        "explicit source without region uses the partition default"
    );
    assert!(c.arn.starts_with("arn:aws:"), "{}", c.arn);

    let ids: Vec<String> = registry
        .list_sessions()
        .await
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["demo-commercial", "demo-govcloud"]);
    registry
        .close_session("demo-commercial")
        .await
        .expect("close");
    assert_eq!(registry.list_sessions().await.len(), 1);
    let err = ecsdesk_core::app::browse::list_clusters(&registry, "demo-commercial")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "NotFound");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_of_both_accounts() {
    let sim = sim("demo").await;
    let (registry, g, c) = both(&sim.endpoint()).await;
    let gov_clusters = ecsdesk_core::app::browse::list_clusters(&registry, &g.id)
        .await
        .expect("gov clusters");
    let names: Vec<&str> = gov_clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["coe-ecs-prod", "wft-ecs-prod"]);
    let prod = &gov_clusters[0];
    assert!(
        prod.arn
            .starts_with("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/"),
        "{}",
        prod.arn
    );
    assert_eq!(prod.status, "ACTIVE");
    assert_eq!(prod.active_services, 2);

    let com_clusters = ecsdesk_core::app::browse::list_clusters(&registry, &c.id)
        .await
        .expect("commercial clusters");
    let staging = com_clusters
        .iter()
        .find(|c| c.name == "coe-ecs-staging")
        .expect("coe-ecs-staging in the commercial account");
    assert_eq!(staging.active_services, 4);
    assert!(staging
        .arn
        .starts_with("arn:aws:ecs:us-east-1:123456789012:cluster/"));
    assert!(
        com_clusters.iter().all(|c| !c.name.ends_with("-prod")),
        "no GovCloud cluster leaks into the commercial session"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_with_counts_and_revisions() {
    let sim = sim("demo").await;
    let (registry, g, c) = both(&sim.endpoint()).await;
    let services = ecsdesk_core::app::browse::list_services(&registry, &g.id, "coe-ecs-prod")
        .await
        .expect("services");
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["coe-api-prod-Service", "coe-etl-prod-Service"]);
    let etl = find(&services, "coe-etl-prod-Service");
    assert_eq!(etl.desired, 1);
    assert_eq!(etl.status, "ACTIVE");
    assert_eq!(etl.task_definition, "coe-etl-prod:3");
    assert_eq!(etl.task_definition_revision, 3);
    assert_eq!(etl.launch_type.as_deref(), Some("FARGATE"));
    let last = etl.last_deployment.as_ref().expect("primary deployment");
    assert_eq!(last.status, "PRIMARY");
    assert!(
        last.updated_at.as_deref().is_some_and(|t| t.ends_with('Z')),
        "{last:?}"
    );
    assert_eq!(find(&services, "coe-api-prod-Service").desired, 2);

    let staging = ecsdesk_core::app::browse::list_services(&registry, &c.id, "coe-ecs-staging")
        .await
        .expect("services");
    let names: Vec<&str> = staging.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "api-staging-Service",
            "reports-staging-Service",
            "search-staging-Service",
            "worker-staging-Service"
        ]
    );
    assert_eq!(find(&staging, "api-staging-Service").desired, 2);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_detail_and_task_detail() {
    let sim = sim("demo").await;
    let (registry, g, _) = both(&sim.endpoint()).await;
    let detail = ecsdesk_core::app::browse::get_service(
        &registry,
        &g.id,
        "coe-ecs-prod",
        "coe-etl-prod-Service",
    )
    .await
    .expect("service detail");
    assert_eq!(detail.summary.name, "coe-etl-prod-Service");
    assert!(!detail.deployments.is_empty());
    assert_eq!(detail.deployments[0].status, "PRIMARY");
    assert_eq!(detail.deployments[0].task_definition, "coe-etl-prod:3");
    assert!(!detail.events.is_empty(), "a healthy service has events");
    let times: Vec<&str> = detail
        .events
        .iter()
        .map(|e| e.created_at.as_deref().expect("event time"))
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "events newest first");
    let tg = detail.load_balancers.first().expect("load balancer");
    assert_eq!(tg.target_group_name.as_deref(), Some("coe-etl-prod-tg"));
    assert!(tg
        .target_group_arn
        .as_deref()
        .is_some_and(|a| a.starts_with("arn:aws-us-gov:elasticloadbalancing:")));
    assert!(detail.minimum_healthy_percent.is_some());
    assert!(detail.maximum_percent.is_some());

    assert_eq!(
        detail.tasks.len(),
        1,
        "desired 1, healthy: {:?}",
        detail.tasks
    );
    let task = &detail.tasks[0];
    assert_eq!(task.desired_status, "RUNNING");
    assert_eq!(task.task_definition, "coe-etl-prod:3");
    assert!(task.arn.ends_with(&task.id));

    let full = ecsdesk_core::app::browse::get_task(&registry, &g.id, "coe-ecs-prod", &task.id)
        .await
        .expect("task detail");
    assert_eq!(full.summary.id, task.id);
    assert_eq!(full.summary.last_status, "RUNNING");
    assert!(full.summary.started_at.is_some());
    assert!(full.summary.private_ip.is_some(), "{:?}", full.summary);
    assert!(!full.containers.is_empty());
    assert!(full.containers.iter().all(|c| c.exit_code.is_none()));
    assert_eq!(full.group.as_deref(), Some("service:coe-etl-prod-Service"));
    assert!(full.cpu.is_some() && full.memory.is_some());

    let missing = ecsdesk_core::app::browse::get_task(
        &registry,
        &g.id,
        "coe-ecs-prod",
        "0123456789abcdef0123456789abcdef",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(missing.code(), "NotFound" | "InvalidParameterException"),
        "{missing:?}"
    );
    let missing =
        ecsdesk_core::app::browse::get_service(&registry, &g.id, "coe-ecs-prod", "no-such-Service")
            .await
            .unwrap_err();
    assert!(
        matches!(missing.code(), "NotFound" | "ServiceNotFoundException"),
        "{missing:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_services_show_stop_codes_and_exit_codes() {
    let sim = sim("demo").await;
    let (registry, _, c) = both(&sim.endpoint()).await;
    // The crash loop and the OOM kill stop tasks over (simulated) time; poll briefly.
    // ECS reports a crash only through the exit code (the message is in the logs); an OOM kill
    // also through the container reason.
    let mut found: HashMap<&str, String> = HashMap::new();
    for _ in 0..60 {
        for service in ["worker-staging-Service", "reports-staging-Service"] {
            let stopped = ecsdesk_core::app::browse::list_tasks(
                &registry,
                &c.id,
                "coe-ecs-staging",
                service,
                DesiredStatus::Stopped,
            )
            .await
            .expect("stopped tasks");
            for t in &stopped {
                assert_eq!(t.desired_status, "STOPPED");
                let detail =
                    ecsdesk_core::app::browse::get_task(&registry, &c.id, "coe-ecs-staging", &t.id)
                        .await
                        .expect("stopped task detail");
                if detail.summary.stop_code.as_deref() != Some("EssentialContainerExited") {
                    continue;
                }
                let reasons = format!("{:?}", detail.containers);
                let matches = if service == "reports-staging-Service" {
                    detail.containers.iter().any(|c| c.exit_code == Some(137))
                        && reasons.contains("OutOfMemoryError")
                } else {
                    detail.containers.iter().any(|c| c.exit_code == Some(1))
                };
                if matches {
                    assert!(detail.summary.stopped_at.is_some(), "{detail:?}");
                    found.insert(service, reasons);
                }
            }
        }
        if found.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(found.len(), 2, "stopped tasks found: {found:?}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_regions_are_empty_and_other_partitions_refused() {
    let sim = sim("demo").await;
    let (registry, g, c) = both(&sim.endpoint()).await;
    let moved = registry
        .set_session_region(&g.id, "us-gov-west-1")
        .await
        .expect("move within GovCloud");
    assert_eq!(moved.region, "us-gov-west-1");
    assert_eq!(moved.account_id, g.account_id);
    assert!(ecsdesk_core::app::browse::list_clusters(&registry, &g.id)
        .await
        .expect("clusters")
        .is_empty());
    // Only the moved session changed.
    assert!(ecsdesk_core::app::browse::list_clusters(&registry, &c.id)
        .await
        .expect("clusters")
        .iter()
        .any(|c| c.name == "coe-ecs-staging"));

    let refused = registry
        .set_session_region(&g.id, "us-east-1")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "InvalidInput");
    assert!(refused.to_string().contains("Commercial"), "{refused}");
    let session = registry.get(&g.id).await.expect("still open");
    assert_eq!(
        session.info().region,
        "us-gov-west-1",
        "a refused move changes nothing"
    );

    let refused = registry
        .set_session_region(&c.id, "us-gov-east-1")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "InvalidInput");

    registry
        .set_session_region(&c.id, "eu-west-1")
        .await
        .expect("move");
    assert!(ecsdesk_core::app::browse::list_clusters(&registry, &c.id)
        .await
        .expect("clusters")
        .is_empty());

    // GovCloud keys used in a commercial region are refused before or by AWS.
    let err = registry
        .open(gov(&sim.endpoint()), Some("us-east-1".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(err.code(), "InvalidInput" | "ExpiredCredentials"),
        "{err:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_endpoint_is_reported_as_unreachable() {
    // Bind then drop a listener so the port is very likely closed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let err = SessionRegistry::new()
        .open(gov(&endpoint), Some("us-gov-east-1".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "Unreachable", "{err:?}");
    assert!(err.retryable());
    let message = err.to_string();
    assert!(message.contains(&endpoint), "{message}");
    assert!(message.starts_with("Could not reach AWS"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_keys_are_reported_as_expired_credentials() {
    let sim = sim("demo").await;
    let source = SessionSource::explicit(
        "bad",
        "AKIANOTAREALKEY00000",
        "notTheSecret",
        sim.endpoint(),
    );
    let err = SessionRegistry::new()
        .open(source, Some("us-gov-east-1".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ExpiredCredentials", "{err:?}");
    assert!(!err.retryable());
    assert!(matches!(err, CoreError::ExpiredCredentials { .. }));
    assert!(err.to_string().contains("sign-in has expired"), "{err}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_keys_can_list() {
    let sim = sim("scale:1:3").await;
    // The scale scenario adds a read-only user: the operator key with its last character `R`.
    let source = SessionSource::explicit(
        "ro",
        "AKIASIMGOVPROD00000R",
        format!("{GOV_SECRET}ReadOnly"),
        sim.endpoint(),
    );
    let registry = SessionRegistry::new();
    let info = registry
        .open(source, Some("us-gov-east-1".into()))
        .await
        .expect("read-only session opens");
    let clusters = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .expect("list");
    assert_eq!(clusters.len(), 1);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_and_batched_describes_at_scale() {
    let sim = sim("scale:3:250").await;
    let registry = SessionRegistry::new();
    let g = registry
        .open(gov(&sim.endpoint()), Some("us-gov-east-1".into()))
        .await
        .expect("gov session");
    let clusters = ecsdesk_core::app::browse::list_clusters(&registry, &g.id)
        .await
        .expect("clusters");
    assert_eq!(clusters.len(), 3);
    let mut total = 0;
    for cluster in &clusters {
        let services = ecsdesk_core::app::browse::list_services(&registry, &g.id, &cluster.name)
            .await
            .expect("services");
        assert_eq!(services.len(), 250, "every page of {}", cluster.name);
        let mut names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), 250, "no duplicates");
        total += services.len();
    }
    assert_eq!(total, 750);

    let calls = control_get(&sim, "/_sim/calls").await;
    let count = |op: &str| {
        calls
            .get(op)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    assert_eq!(
        count("ecs:DescribeServices"),
        3 * 25,
        "10 services per call: {calls}"
    );
    assert_eq!(
        count("ecs:ListServices"),
        3 * 3,
        "100 services per page: {calls}"
    );
    assert_eq!(count("ecs:DescribeClusters"), 1, "{calls}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_server_errors_are_retryable() {
    let sim = sim("demo").await;
    let (registry, g, _) = both(&sim.endpoint()).await;
    // One throttle is absorbed by the SDK's own retries.
    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(serde_json::json!({"operation": "DescribeServices", "kind": "throttle", "count": 1})),
    )
    .await;
    let services = ecsdesk_core::app::browse::list_services(&registry, &g.id, "coe-ecs-prod")
        .await
        .expect("one throttle is retried");
    assert_eq!(services.len(), 2);

    // Persistent throttling reaches the UI as a retryable error with AWS's code.
    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(serde_json::json!({"operation": "ListClusters", "kind": "throttle", "count": 20})),
    )
    .await;
    let err = ecsdesk_core::app::browse::list_clusters(&registry, &g.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "Throttling", "{err:?}");
    assert!(err.retryable());
    assert!(err.to_string().contains("Wait a few seconds"), "{err}");

    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(serde_json::json!({"operation": "ListServices", "kind": "error500", "count": 20})),
    )
    .await;
    // Another cluster: coe-ecs-prod's list is still fresh in the shared read cache.
    let err = ecsdesk_core::app::browse::list_services(&registry, &g.id, "wft-ecs-prod")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ServerException", "{err:?}");
    assert!(err.retryable());
    sim.shutdown().await;
}
