//! ECS operations through the unmodified aws-sdk-ecs client: every operation, pagination,
//! failures and error codes.

use aws_sdk_ecs::error::ProvideErrorMetadata;
use aws_sdk_ecs::types::{DesiredStatus, LaunchType, SortOrder};
use aws_sdk_ecs::Client;
use ecsdesk_sim::SimHandle;

mod common;
use common::{code, sim, COM_KEY, GOV_KEY, GOV_RO_KEY};

fn client(h: &SimHandle, key: (&str, &str), region: &str) -> Client {
    common::ecs_client(h, key, region)
}

#[tokio::test]
async fn clusters_are_listed_and_described_per_region() {
    let h = sim("demo").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    let arns = gov
        .list_clusters()
        .send()
        .await
        .expect("list clusters")
        .cluster_arns
        .unwrap_or_default();
    assert_eq!(
        arns,
        vec![
            "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/coe-ecs-prod",
            "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/wft-ecs-prod",
        ]
    );
    let out = gov
        .describe_clusters()
        .clusters("coe-ecs-prod")
        .clusters(&arns[1])
        .clusters("nope")
        .send()
        .await
        .expect("describe clusters");
    let clusters = out.clusters();
    assert_eq!(clusters.len(), 2);
    assert_eq!(clusters[0].cluster_name(), Some("coe-ecs-prod"));
    assert_eq!(clusters[0].status(), Some("ACTIVE"));
    assert_eq!(clusters[0].active_services_count(), 2);
    assert_eq!(clusters[0].running_tasks_count(), 3);
    assert_eq!(
        clusters[0].capacity_providers(),
        ["FARGATE", "FARGATE_SPOT"]
    );
    assert_eq!(clusters[1].cluster_name(), Some("wft-ecs-prod"));
    let failures = out.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].reason(), Some("MISSING"));
    assert_eq!(
        failures[0].arn(),
        Some("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/nope")
    );
    // The other GovCloud region has no clusters.
    let west = client(&h, GOV_KEY, "us-gov-west-1");
    let empty = west.list_clusters().send().await.expect("list west");
    assert!(empty.cluster_arns().is_empty());
    // Commercial: staging, the EC2 dev cluster, the service kinds, the start failures, the
    // autoscaled services and the release strategies.
    let com = client(&h, COM_KEY, "us-east-1");
    let names: Vec<String> = com
        .list_clusters()
        .send()
        .await
        .expect("list commercial")
        .cluster_arns()
        .iter()
        .map(|a| a.rsplit('/').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "coe-ecs-staging",
            "tak-ec2-dev",
            "service-kinds",
            "start-failures",
            "autoscaling",
            "release-strategies"
        ]
    );
    h.shutdown().await;
}

#[tokio::test]
async fn services_are_described_with_deployments_events_and_failures() {
    let h = sim("demo").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    let arns = gov
        .list_services()
        .cluster("coe-ecs-prod")
        .send()
        .await
        .expect("list services")
        .service_arns
        .unwrap_or_default();
    assert_eq!(arns.len(), 2);
    assert!(arns.contains(
        &"arn:aws-us-gov:ecs:us-gov-east-1:210987654321:service/coe-ecs-prod/coe-etl-prod-Service"
            .to_string()
    ));
    let out = gov
        .describe_services()
        .cluster("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/coe-ecs-prod")
        .services("coe-etl-prod-Service")
        .services("missing-Service")
        .send()
        .await
        .expect("describe services");
    let svc = &out.services()[0];
    assert_eq!(svc.service_name(), Some("coe-etl-prod-Service"));
    assert_eq!(svc.status(), Some("ACTIVE"));
    assert_eq!(svc.desired_count(), 1);
    assert_eq!(svc.running_count(), 1);
    assert_eq!(svc.pending_count(), 0);
    assert_eq!(svc.launch_type(), Some(&LaunchType::Fargate));
    assert_eq!(
        svc.task_definition(),
        Some("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task-definition/coe-etl-prod:3")
    );
    let lb = &svc.load_balancers()[0];
    assert!(lb
        .target_group_arn()
        .unwrap_or_default()
        .starts_with("arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:210987654321:targetgroup/coe-etl-prod-tg/"));
    assert_eq!(lb.container_port(), Some(5000));
    let dc = svc
        .deployment_configuration()
        .expect("deployment configuration");
    assert_eq!(dc.minimum_healthy_percent(), Some(100));
    assert_eq!(dc.maximum_percent(), Some(200));
    let cb = dc.deployment_circuit_breaker().expect("circuit breaker");
    assert!(cb.enable() && cb.rollback());
    let deps = svc.deployments();
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0].status(), Some("PRIMARY"));
    assert_eq!(
        deps[0].rollout_state().map(|s| s.as_str()),
        Some("COMPLETED")
    );
    assert!(deps[0].id().unwrap_or_default().starts_with("ecs-svc/"));
    assert_eq!(deps[0].running_count(), 1);
    let events = svc.events();
    assert_eq!(
        events[0].message(),
        Some("(service coe-etl-prod-Service) has reached a steady state.")
    );
    assert!(events.iter().any(|e| e
        .message()
        .is_some_and(|m| m.contains("has started 1 tasks: (task "))));
    let created = svc.created_at().map(|t| t.secs()).unwrap_or(0);
    let newest = events[0].created_at().map(|t| t.secs()).unwrap_or(0);
    assert!(created > 0 && newest > created);
    let failures = out.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].reason(), Some("MISSING"));
    assert_eq!(
        failures[0].arn(),
        Some("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:service/coe-ecs-prod/missing-Service")
    );

    // More than 10 services in one call is refused.
    let mut too_many = gov.describe_services().cluster("coe-ecs-prod");
    for i in 0..11 {
        too_many = too_many.services(format!("s{i}"));
    }
    let err = too_many.send().await.expect_err("11 services");
    assert_eq!(code(&err), "InvalidParameterException");

    // Launch type filter.
    let com = client(&h, COM_KEY, "us-east-1");
    let ec2 = com
        .list_services()
        .cluster("tak-ec2-dev")
        .launch_type(LaunchType::Ec2)
        .send()
        .await
        .expect("ec2 services");
    assert_eq!(ec2.service_arns().len(), 1);
    let fargate = com
        .list_services()
        .cluster("tak-ec2-dev")
        .launch_type(LaunchType::Fargate)
        .send()
        .await
        .expect("fargate services");
    assert!(fargate.service_arns().is_empty());
    h.shutdown().await;
}

/// A service on a capacity provider strategy has no launch type, as on AWS, and AWS reclaims
/// Fargate Spot tasks: stop code SpotInterruption, SIGTERM's exit code 143.
#[tokio::test]
async fn fargate_spot_services_have_a_strategy_and_their_tasks_are_reclaimed() {
    let h = sim("demo").await;
    let com = client(&h, COM_KEY, "us-east-1");
    let out = com
        .describe_services()
        .cluster("service-kinds")
        .services("spot-batch-Service")
        .send()
        .await
        .expect("describe");
    let svc = &out.services()[0];
    assert!(svc.launch_type().is_none());
    assert_eq!(
        svc.capacity_provider_strategy()[0].capacity_provider(),
        "FARGATE_SPOT"
    );
    assert!(svc.deployments()[0].launch_type().is_none());
    let fargate = com
        .list_services()
        .cluster("service-kinds")
        .launch_type(LaunchType::Fargate)
        .send()
        .await
        .expect("filtered");
    assert!(
        fargate
            .service_arns()
            .iter()
            .all(|a| !a.ends_with("/spot-batch-Service")),
        "no launch type to match"
    );
    let stopped = com
        .list_tasks()
        .cluster("service-kinds")
        .service_name("spot-batch-Service")
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .expect("stopped");
    assert!(
        !stopped.task_arns().is_empty(),
        "reclaimed in the last hour"
    );
    let tasks = com
        .describe_tasks()
        .cluster("service-kinds")
        .set_tasks(Some(stopped.task_arns().to_vec()))
        .send()
        .await
        .expect("describe tasks");
    for t in tasks.tasks() {
        assert_eq!(t.stop_code().map(|c| c.as_str()), Some("SpotInterruption"));
        assert_eq!(t.stopped_reason(), Some("Your Spot Task was interrupted."));
        assert_eq!(t.capacity_provider_name(), Some("FARGATE_SPOT"));
        assert_eq!(t.containers()[0].exit_code(), Some(143));
    }
    h.shutdown().await;
}

/// DescribeServices is eventually consistent: right after UpdateService started a deployment, a
/// read may still list only the old one (as PRIMARY); a few seconds later the new one is there.
#[tokio::test]
async fn a_new_deployment_is_listed_a_moment_after_update_service() {
    let h = sim("demo").await;
    let com = client(&h, COM_KEY, "us-east-1");
    let (cluster, service) = ("coe-ecs-staging", "api-staging-Service");
    let updated = com
        .update_service()
        .cluster(cluster)
        .service(service)
        .force_new_deployment(true)
        .send()
        .await
        .expect("update");
    let started = updated.service().unwrap().deployments()[0]
        .id()
        .unwrap()
        .to_string();
    let ids = |out: &aws_sdk_ecs::operation::describe_services::DescribeServicesOutput| {
        out.services()[0]
            .deployments()
            .iter()
            .map(|d| {
                (
                    d.id().unwrap_or_default().to_string(),
                    d.status().unwrap_or_default().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let read = || {
        com.describe_services()
            .cluster(cluster)
            .services(service)
            .send()
    };
    let early = read().await.expect("describe");
    assert!(
        ids(&early).iter().all(|(id, _)| id != &started),
        "not listed yet: {:?}",
        ids(&early)
    );
    assert_eq!(ids(&early)[0].1, "PRIMARY");
    h.control().advance_clock(5.0).await.expect("advance");
    let late = read().await.expect("describe");
    assert_eq!(ids(&late)[0], (started, "PRIMARY".to_string()));
    h.shutdown().await;
}

#[tokio::test]
async fn not_found_errors_have_the_ecs_codes() {
    let h = sim("demo").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    let err = gov
        .list_services()
        .cluster("no-such-cluster")
        .send()
        .await
        .expect_err("unknown cluster");
    assert_eq!(code(&err), "ClusterNotFoundException");
    assert_eq!(err.message(), Some("Cluster not found."));
    let err = gov
        .describe_services()
        .cluster("no-such-cluster")
        .services("x")
        .send()
        .await
        .expect_err("unknown cluster");
    assert_eq!(code(&err), "ClusterNotFoundException");
    // A cluster ARN of the other partition's account is not found here either.
    let err = gov
        .list_services()
        .cluster("arn:aws:ecs:us-east-1:123456789012:cluster/coe-ecs-staging")
        .send()
        .await
        .expect_err("foreign ARN");
    assert_eq!(code(&err), "ClusterNotFoundException");
    let err = gov
        .list_tasks()
        .cluster("coe-ecs-prod")
        .service_name("nope-Service")
        .send()
        .await
        .expect_err("unknown service");
    assert_eq!(code(&err), "ServiceNotFoundException");
    let err = gov
        .update_service()
        .cluster("coe-ecs-prod")
        .service("nope-Service")
        .force_new_deployment(true)
        .send()
        .await
        .expect_err("unknown service");
    assert_eq!(code(&err), "ServiceNotFoundException");
    let err = gov
        .update_service()
        .cluster("coe-ecs-prod")
        .service("coe-etl-prod-Service")
        .desired_count(-1)
        .send()
        .await
        .expect_err("negative desired count");
    assert_eq!(code(&err), "InvalidParameterException");
    let err = gov
        .update_service()
        .cluster("coe-ecs-prod")
        .service("coe-etl-prod-Service")
        .task_definition("coe-etl-prod:9")
        .send()
        .await
        .expect_err("unknown revision");
    assert_eq!(code(&err), "ClientException");
    let err = gov
        .stop_task()
        .cluster("coe-ecs-prod")
        .task("0123456789abcdef0123456789abcdef")
        .send()
        .await
        .expect_err("unknown task");
    assert_eq!(code(&err), "InvalidParameterException");
    let err = gov
        .describe_task_definition()
        .task_definition("nope")
        .send()
        .await
        .expect_err("unknown task definition");
    assert_eq!(code(&err), "ClientException");
    h.shutdown().await;
}

#[tokio::test]
async fn wrong_partition_region_is_an_unknown_key() {
    let h = sim("demo").await;
    let gov_key_in_commercial = client(&h, GOV_KEY, "us-east-1");
    let err = gov_key_in_commercial
        .list_clusters()
        .send()
        .await
        .expect_err("gov key in us-east-1");
    assert_eq!(code(&err), "UnrecognizedClientException");
    let bad = client(&h, ("AKIAUNKNOWN000000000", "x"), "us-east-1");
    let err = bad.list_clusters().send().await.expect_err("unknown key");
    assert_eq!(code(&err), "UnrecognizedClientException");
    h.shutdown().await;
}

#[tokio::test]
async fn tasks_are_listed_and_described_running_and_stopped() {
    let h = sim("demo").await;
    let com = client(&h, COM_KEY, "us-east-1");
    let running = com
        .list_tasks()
        .cluster("coe-ecs-staging")
        .service_name("api-staging-Service")
        .send()
        .await
        .expect("list running");
    assert_eq!(running.task_arns().len(), 2);
    let out = com
        .describe_tasks()
        .cluster("coe-ecs-staging")
        .set_tasks(Some(running.task_arns().to_vec()))
        .tasks("ffffffffffffffffffffffffffffffff")
        .send()
        .await
        .expect("describe running");
    assert_eq!(out.tasks().len(), 2);
    for t in out.tasks() {
        assert_eq!(t.last_status(), Some("RUNNING"));
        assert_eq!(t.desired_status(), Some("RUNNING"));
        assert_eq!(t.health_status().map(|s| s.as_str()), Some("HEALTHY"));
        assert_eq!(t.group(), Some("service:api-staging-Service"));
        assert!(t.started_at().is_some() && t.pull_started_at().is_some());
        assert!(t
            .task_definition_arn()
            .is_some_and(|a| a.ends_with("task-definition/api-staging:3")));
        assert!(t.started_by().is_some_and(|s| s.starts_with("ecs-svc/")));
        let c = &t.containers()[0];
        assert_eq!(c.name(), Some("api"));
        assert!(c.image().is_some_and(|i| i.ends_with("api:1.42.3")));
        assert!(c.network_interfaces()[0]
            .private_ipv4_address()
            .is_some_and(|ip| ip.starts_with("10.")));
    }
    assert_eq!(out.failures().len(), 1);
    assert_eq!(out.failures()[0].reason(), Some("MISSING"));

    let stopped = com
        .list_tasks()
        .cluster("coe-ecs-staging")
        .service_name("worker-staging-Service")
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .expect("list stopped");
    assert!(stopped.task_arns().len() >= 5);
    let out = com
        .describe_tasks()
        .cluster("coe-ecs-staging")
        .set_tasks(Some(stopped.task_arns().to_vec()))
        .send()
        .await
        .expect("describe stopped");
    let crashed = out
        .tasks()
        .iter()
        .find(|t| t.stop_code().map(|c| c.as_str()) == Some("EssentialContainerExited"))
        .expect("a crashed task");
    assert_eq!(
        crashed.stopped_reason(),
        Some("Essential container in task exited")
    );
    assert_eq!(crashed.containers()[0].exit_code(), Some(1));
    assert!(crashed.stopped_at().is_some() && crashed.stopping_at().is_some());
    assert!(crashed.containers()[0]
        .image()
        .is_some_and(|i| i.ends_with("worker:3.9.0-arm64")));

    let oom = com
        .list_tasks()
        .cluster("coe-ecs-staging")
        .service_name("reports-staging-Service")
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .expect("reports stopped");
    let out = com
        .describe_tasks()
        .cluster("coe-ecs-staging")
        .set_tasks(Some(oom.task_arns().to_vec()))
        .send()
        .await
        .expect("describe oom");
    let killed = out
        .tasks()
        .iter()
        .find(|t| t.containers()[0].exit_code() == Some(137))
        .expect("an OOM-killed task");
    assert_eq!(
        killed.containers()[0].reason(),
        Some("OutOfMemoryError: Container killed due to memory usage")
    );

    let mut too_many = com.describe_tasks().cluster("coe-ecs-staging");
    for i in 0..101 {
        too_many = too_many.tasks(format!("{i:032x}"));
    }
    let err = too_many.send().await.expect_err("101 tasks");
    assert_eq!(code(&err), "InvalidParameterException");
    h.shutdown().await;
}

#[tokio::test]
async fn task_definitions_are_listed_sorted_and_described() {
    let h = sim("demo").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    let asc = gov
        .list_task_definitions()
        .family_prefix("coe-etl")
        .send()
        .await
        .expect("list asc");
    let revs: Vec<&str> = asc
        .task_definition_arns()
        .iter()
        .map(|a| a.rsplit('/').next().unwrap_or_default())
        .collect();
    assert_eq!(revs, ["coe-etl-prod:1", "coe-etl-prod:2", "coe-etl-prod:3"]);
    let desc = gov
        .list_task_definitions()
        .family_prefix("coe-etl")
        .sort(SortOrder::Desc)
        .send()
        .await
        .expect("list desc");
    assert!(desc.task_definition_arns()[0].ends_with("coe-etl-prod:3"));
    let all = gov.list_task_definitions().send().await.expect("all");
    assert_eq!(all.task_definition_arns().len(), 7);

    let latest = gov
        .describe_task_definition()
        .task_definition("coe-etl-prod")
        .send()
        .await
        .expect("describe family");
    let td = latest.task_definition().expect("task definition");
    assert_eq!(td.revision(), 3);
    assert_eq!(td.family(), Some("coe-etl-prod"));
    assert_eq!(td.cpu(), Some("1024"));
    assert_eq!(td.memory(), Some("4096"));
    let c = &td.container_definitions()[0];
    assert!(c
        .image()
        .is_some_and(|i| i.ends_with("coe-etl-prod:v9.12.1")));
    assert_eq!(c.port_mappings()[0].container_port(), Some(5000));
    let log = c.log_configuration().expect("log configuration");
    assert_eq!(log.log_driver().as_str(), "awslogs");
    let opts = log.options().expect("options");
    assert_eq!(
        opts.get("awslogs-group").map(String::as_str),
        Some("/ecs/coe-etl-prod")
    );
    assert_eq!(
        opts.get("awslogs-stream-prefix").map(String::as_str),
        Some("ecs")
    );
    assert_eq!(
        opts.get("awslogs-region").map(String::as_str),
        Some("us-gov-east-1")
    );
    assert!(c
        .environment()
        .iter()
        .any(|kv| kv.name() == Some("MEDIA_URL")));

    let first = gov
        .describe_task_definition()
        .task_definition(
            "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task-definition/coe-etl-prod:1",
        )
        .send()
        .await
        .expect("describe by ARN");
    let td = first.task_definition().expect("rev 1");
    assert_eq!(td.revision(), 1);
    assert!(td.container_definitions()[0]
        .image()
        .is_some_and(|i| i.ends_with(":v9.10.2")));
    assert!(td.container_definitions()[0]
        .environment()
        .iter()
        .all(|kv| kv.name() != Some("MEDIA_URL")));
    assert!(td.registered_at().is_some());
    h.shutdown().await;
}

#[tokio::test]
async fn container_instances_of_the_ec2_cluster() {
    let h = sim("demo").await;
    let com = client(&h, COM_KEY, "us-east-1");
    let list = com
        .list_container_instances()
        .cluster("tak-ec2-dev")
        .send()
        .await
        .expect("list container instances");
    assert_eq!(list.container_instance_arns().len(), 2);
    let out = com
        .describe_container_instances()
        .cluster("tak-ec2-dev")
        .set_container_instances(Some(list.container_instance_arns().to_vec()))
        .container_instances("deadbeef")
        .send()
        .await
        .expect("describe container instances");
    assert_eq!(out.container_instances().len(), 2);
    let total: i32 = out
        .container_instances()
        .iter()
        .map(|ci| ci.running_tasks_count())
        .sum();
    assert_eq!(total, 2);
    let ci = &out.container_instances()[0];
    assert!(ci.ec2_instance_id().is_some_and(|i| i.starts_with("i-")));
    assert!(ci.agent_connected());
    assert_eq!(out.failures()[0].reason(), Some("MISSING"));
    let on_first = com
        .list_tasks()
        .cluster("tak-ec2-dev")
        .container_instance(&list.container_instance_arns()[0])
        .send()
        .await
        .expect("tasks on instance");
    assert_eq!(on_first.task_arns().len(), 1);
    // Fargate clusters have none.
    let none = com
        .list_container_instances()
        .cluster("coe-ecs-staging")
        .send()
        .await
        .expect("fargate cluster");
    assert!(none.container_instance_arns().is_empty());
    h.shutdown().await;
}

#[tokio::test]
async fn pagination_follows_ecs_defaults_and_maxima() {
    let h = sim("scale:2:130").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    // ListServices: 10 a page by default.
    let first = gov
        .list_services()
        .cluster("scale-cluster-00")
        .send()
        .await
        .expect("first page");
    assert_eq!(first.service_arns().len(), 10);
    assert!(first.next_token().is_some());
    let mut pages = 0;
    let mut arns = Vec::new();
    let mut stream = gov
        .list_services()
        .cluster("scale-cluster-00")
        .into_paginator()
        .send();
    while let Some(page) = stream.next().await {
        let page = page.expect("page");
        pages += 1;
        arns.extend(page.service_arns().iter().cloned());
    }
    assert_eq!(pages, 13);
    assert_eq!(arns.len(), 130);
    let unique: std::collections::HashSet<_> = arns.iter().collect();
    assert_eq!(unique.len(), 130);
    // At most 100 a page.
    let big = gov
        .list_services()
        .cluster("scale-cluster-01")
        .max_results(100)
        .send()
        .await
        .expect("100 page");
    assert_eq!(big.service_arns().len(), 100);
    let rest = gov
        .list_services()
        .cluster("scale-cluster-01")
        .max_results(100)
        .next_token(big.next_token().unwrap_or_default())
        .send()
        .await
        .expect("rest");
    assert_eq!(rest.service_arns().len(), 30);
    assert!(rest.next_token().is_none());
    for bad in [0, 101] {
        let err = gov
            .list_services()
            .cluster("scale-cluster-01")
            .max_results(bad)
            .send()
            .await
            .expect_err("maxResults out of range");
        assert_eq!(code(&err), "InvalidParameterException");
    }
    let err = gov
        .list_services()
        .cluster("scale-cluster-01")
        .next_token("not-a-token")
        .send()
        .await
        .expect_err("bad token");
    assert_eq!(code(&err), "InvalidParameterException");
    // ListTasks: 100 by default; 130 services of 1-2 tasks = 195 tasks.
    let mut count = 0;
    let mut pages = 0;
    let mut stream = gov
        .list_tasks()
        .cluster("scale-cluster-00")
        .into_paginator()
        .send();
    while let Some(page) = stream.next().await {
        pages += 1;
        count += page.expect("task page").task_arns().len();
    }
    assert_eq!((count, pages), (195, 2));
    // ListTaskDefinitions: 260 families of one revision, 100 a page.
    let mut count = 0;
    let mut pages = 0;
    let mut stream = gov.list_task_definitions().into_paginator().send();
    while let Some(page) = stream.next().await {
        pages += 1;
        count += page.expect("td page").task_definition_arns().len();
    }
    assert_eq!((count, pages), (260, 3));
    // ListClusters with a page of one.
    let one = gov
        .list_clusters()
        .max_results(1)
        .send()
        .await
        .expect("one cluster");
    assert_eq!(one.cluster_arns().len(), 1);
    assert!(one.next_token().is_some());
    h.shutdown().await;
}

#[tokio::test]
async fn read_only_principals_cannot_restart() {
    let h = sim("scale:1:3").await;
    let ro = client(&h, GOV_RO_KEY, "us-gov-east-1");
    // Reads work.
    let services = ro
        .list_services()
        .cluster("scale-cluster-00")
        .send()
        .await
        .expect("read-only can list");
    assert_eq!(services.service_arns().len(), 3);
    let err = ro
        .update_service()
        .cluster("scale-cluster-00")
        .service(&services.service_arns()[0])
        .force_new_deployment(true)
        .send()
        .await
        .expect_err("read-only update");
    assert_eq!(code(&err), "AccessDeniedException");
    let msg = err.message().unwrap_or_default();
    assert!(
        msg.starts_with("User: arn:aws-us-gov:iam::210987654321:user/demo-govcloud-readonly is not authorized to perform: ecs:UpdateService on resource: arn:aws-us-gov:ecs:us-gov-east-1:210987654321:service/scale-cluster-00/"),
        "{msg}"
    );
    assert!(msg.ends_with("because no identity-based policy allows the ecs:UpdateService action"));
    let tasks = ro
        .list_tasks()
        .cluster("scale-cluster-00")
        .send()
        .await
        .expect("read-only list tasks");
    let err = ro
        .stop_task()
        .cluster("scale-cluster-00")
        .task(&tasks.task_arns()[0])
        .send()
        .await
        .expect_err("read-only stop");
    assert_eq!(code(&err), "AccessDeniedException");
    assert!(err
        .message()
        .unwrap_or_default()
        .contains("ecs:StopTask on resource: arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task/scale-cluster-00/"));
    // Nothing was stopped.
    let after = ro
        .list_tasks()
        .cluster("scale-cluster-00")
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .expect("stopped list");
    assert!(after.task_arns().is_empty());
    h.shutdown().await;
}

#[tokio::test]
async fn describe_services_latency_is_printed() {
    let h = sim("scale:10:100").await;
    let gov = client(&h, GOV_KEY, "us-gov-east-1");
    let names: Vec<String> = (0..10)
        .map(|i| format!("scale-03-svc-{:04}-Service", i * 7))
        .collect();
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = std::time::Instant::now();
        let out = gov
            .describe_services()
            .cluster("scale-cluster-03")
            .set_services(Some(names.clone()))
            .send()
            .await
            .expect("describe 10 services");
        times.push(started.elapsed());
        assert_eq!(out.services().len(), 10);
    }
    times.sort();
    println!(
        "DescribeServices (10 services, 2,000-service fleet): median {:?}, max {:?} over 50 calls",
        times[25], times[49]
    );
    h.shutdown().await;
}

/// StopTask's effect is eventually consistent too: its answer shows the task stopping, reads a
/// moment later may still show it running, and a few seconds on they catch up.
#[tokio::test]
async fn a_stopped_task_reads_as_running_for_a_moment() {
    let h = sim("demo").await;
    let com = client(&h, COM_KEY, "us-east-1");
    let (cluster, service) = ("coe-ecs-staging", "api-staging-Service");
    let running = com
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .send()
        .await
        .expect("tasks");
    let arn = running.task_arns()[0].clone();
    let stopped = com
        .stop_task()
        .cluster(cluster)
        .task(&arn)
        .reason("test")
        .send()
        .await
        .expect("stop");
    assert_eq!(
        stopped.task().and_then(|t| t.desired_status()),
        Some("STOPPED")
    );
    let read = || com.describe_tasks().cluster(cluster).tasks(&arn).send();
    let early = read().await.expect("describe");
    assert_eq!(
        early.tasks()[0].desired_status(),
        Some("RUNNING"),
        "not caught up yet"
    );
    let listed = com
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .send()
        .await
        .expect("tasks");
    assert!(listed.task_arns().contains(&arn), "still listed as running");
    h.control().advance_clock(5.0).await.expect("advance");
    let late = read().await.expect("describe");
    assert_eq!(late.tasks()[0].desired_status(), Some("STOPPED"));
    assert_eq!(late.tasks()[0].stopped_reason(), Some("test"));
    h.shutdown().await;
}
