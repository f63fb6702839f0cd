//! The core's ECS, CloudWatch Logs and ELBv2 calls against moto, an AWS imitation we did not
//! write, so a mistake shared by our client and our simulator cannot hide. Ignored in a plain
//! `cargo test`: `tests/moto/run.sh` starts moto, creates the fleet (setup_fleet.py) and runs
//! this with MOTO_ENDPOINT and MOTO_FLEET set.

use ecsdesk_core::aws::delivery;
use ecsdesk_core::read::logs::LogQuery;
use ecsdesk_core::{DesiredStatus, SessionRegistry, SessionSource};
use serde_json::Value;

/// The endpoint and the fleet setup_fleet.py created.
fn fleet() -> (String, Value) {
    let endpoint = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT (run tests/moto/run.sh)");
    let path = std::env::var("MOTO_FLEET").expect("MOTO_FLEET");
    let fleet = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    (endpoint, fleet)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs moto: run tests/moto/run.sh"]
async fn core_calls_are_understood_by_moto() {
    let (endpoint, fleet) = fleet();
    let (cluster, service) = (s(&fleet, "cluster"), s(&fleet, "service"));
    let registry = SessionRegistry::new();
    let info = registry
        .open(
            SessionSource::explicit("moto", "testing", "testing", &endpoint),
            Some("us-east-1".into()),
        )
        .await
        .expect("sts GetCallerIdentity against moto");
    assert_eq!(info.account_id.len(), 12, "{info:?}");
    assert!(info.arn.starts_with("arn:aws:"), "{}", info.arn);

    // ECS: ListClusters + DescribeClusters.
    let clusters = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .unwrap();
    let found = clusters
        .iter()
        .find(|c| c.name == cluster)
        .unwrap_or_else(|| panic!("{cluster} in {clusters:?}"));
    assert!(
        found.arn.starts_with("arn:aws:ecs:us-east-1:"),
        "{}",
        found.arn
    );
    assert_eq!(found.status, "ACTIVE");
    // (moto leaves activeServicesCount at 0; the service list below is the real check.)

    // ECS: ListServices + DescribeServices.
    let services = ecsdesk_core::app::browse::list_services(&registry, &info.id, cluster)
        .await
        .unwrap();
    assert_eq!(services.len(), 1, "{services:?}");
    let summary = &services[0];
    assert_eq!(summary.name, service);
    assert_eq!(summary.desired, 2);
    assert_eq!(summary.task_definition, s(&fleet, "taskDefinition"));
    assert_eq!(summary.task_definition_revision, 2);
    assert_eq!(summary.launch_type.as_deref(), Some("FARGATE"));

    // ECS: the service page (DescribeServices, ListTasks, DescribeTasks).
    let detail = ecsdesk_core::app::browse::get_service(&registry, &info.id, cluster, service)
        .await
        .unwrap();
    assert_eq!(detail.summary.name, service);
    assert_eq!(
        detail.load_balancers.len(),
        1,
        "{:?}",
        detail.load_balancers
    );
    let tasks = ecsdesk_core::app::browse::list_tasks(
        &registry,
        &info.id,
        cluster,
        service,
        DesiredStatus::Running,
    )
    .await
    .unwrap();
    if let Some(task) = fleet["task"].as_str() {
        let id = task.rsplit('/').next().unwrap();
        if let Some(t) = tasks.iter().find(|t| t.id == id) {
            let task = ecsdesk_core::app::browse::get_task(&registry, &info.id, cluster, &t.id)
                .await
                .unwrap();
            assert_eq!(task.summary.id, id);
            assert!(!task.containers.is_empty());
        }
    }

    // ELBv2: DescribeTargetGroups, DescribeLoadBalancers, DescribeTargetHealth via the service.
    let session = registry.get(&info.id).await.unwrap();
    let health = ecsdesk_core::read::targets::target_health(&session, cluster, service)
        .await
        .unwrap();
    assert_eq!(health.len(), 1, "{health:?}");
    assert_eq!(health[0].arn, s(&fleet, "targetGroup"));
    assert_eq!(health[0].name, "moto-tg");
    assert_eq!(health[0].targets.len(), 1, "{health:?}");

    // CloudWatch Logs: a filtered search and a plain one.
    let all = ecsdesk_core::read::logs::search(
        &session,
        &LogQuery {
            group: s(&fleet, "logGroup").into(),
            start: Some(0),
            ..LogQuery::default()
        },
    )
    .await
    .unwrap();
    let expected: Vec<&str> = fleet["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let got: Vec<&str> = all.lines.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(got, expected);
    assert_eq!(all.lines[0].stream.as_deref(), Some(s(&fleet, "logStream")));
    let errors = ecsdesk_core::read::logs::search(
        &session,
        &LogQuery {
            group: s(&fleet, "logGroup").into(),
            pattern: Some("ERROR".into()),
            start: Some(0),
            ..LogQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(errors.lines.len(), 2, "{:?}", errors.lines);

    // ECS UpdateService as the actions send it (once, no retries): moto accepts the request.
    let request = session
        .ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .force_new_deployment(true);
    delivery::update_service_once(&session, request)
        .await
        .expect("UpdateService is well-formed");
}
