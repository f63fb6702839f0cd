//! Reliability under AWS faults, against the simulator's fault injection: throttling and 5xx
//! bursts on every operation the app uses are retried within a bound (N faults → N+1 calls, no
//! storm), persistent throttling reaches the UI as `Throttling` with plain words, slow answers
//! time out into a retryable error, dropped connections are retried for reads, and an action
//! whose answer is lost is reconciled by reading the service instead of being sent again.

use std::sync::Arc;

use crate::reliability_support::*;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use aws_smithy_types::DateTime;
use ecsdesk_core::aws::delivery;
use ecsdesk_core::aws::delivery::service_mark;
use ecsdesk_core::{CoreError, DesiredStatus, ErrorPayload, Session, SessionRegistry};

const CLUSTER: &str = "coe-ecs-prod";
const SERVICE: &str = "coe-etl-prod-Service";

/// Names the probes below need (a log group and stream, a load balancer and target group).
struct Names {
    log_group: String,
    log_stream: String,
    load_balancer: String,
    target_group: String,
    task: String,
}

async fn discover(registry: &SessionRegistry, id: &str, session: &Session) -> Names {
    let groups = session.logs.describe_log_groups().send().await.unwrap();
    let log_group = groups
        .log_groups()
        .iter()
        .filter_map(|g| g.log_group_name())
        .find(|g| g.contains("coe-etl-prod"))
        .expect("a log group of coe-etl-prod")
        .to_string();
    let streams = session
        .logs
        .describe_log_streams()
        .log_group_name(&log_group)
        .send()
        .await
        .unwrap();
    let log_stream = streams.log_streams()[0]
        .log_stream_name()
        .unwrap()
        .to_string();
    let lbs = session
        .elbv2
        .describe_load_balancers()
        .send()
        .await
        .unwrap();
    let load_balancer = lbs.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    let tgs = session.elbv2.describe_target_groups().send().await.unwrap();
    let target_group = tgs.target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string();
    let tasks = ecsdesk_core::app::browse::list_tasks(
        registry,
        id,
        CLUSTER,
        SERVICE,
        DesiredStatus::Running,
    )
    .await
    .unwrap();
    Names {
        log_group,
        log_stream,
        load_balancer,
        target_group,
        task: tasks[0].id.clone(),
    }
}

/// Every read operation the app uses, as `service:Operation` counter keys.
const OPERATIONS: &[&str] = &[
    "ecs:ListClusters",
    "ecs:DescribeClusters",
    "ecs:ListServices",
    "ecs:DescribeServices",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "ecs:DescribeTaskDefinition",
    "ecs:ListTaskDefinitions",
    "sts:GetCallerIdentity",
    "cloudwatch:GetMetricData",
    "cloudwatch:DescribeAlarms",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:FilterLogEvents",
    "logs:GetLogEvents",
    "elbv2:DescribeLoadBalancers",
    "elbv2:DescribeTargetGroups",
    "elbv2:DescribeTargetHealth",
    "elbv2:DescribeListeners",
];

/// Runs the app's call that uses `operation` (through the core where it has a function, else
/// the session's own SDK client, which carries the session's retry policy).
async fn probe(session: &Session, names: &Names, operation: &str) -> Result<(), CoreError> {
    let now = DateTime::from_secs(chrono::Utc::now().timestamp());
    let hour_ago = DateTime::from_secs(chrono::Utc::now().timestamp() - 3600);
    match operation {
        // Straight to the session's ECS client: the core's describe answers are shared for a few
        // seconds (freshness), which would hide the second burst of each operation.
        "ecs:ListClusters" => {
            let out = session
                .ecs
                .list_clusters()
                .send()
                .await
                .map_err(session.error("ecs:ListClusters"))?;
            assert_eq!(out.cluster_arns().len(), 2);
        }
        "ecs:DescribeClusters" => {
            let out = session
                .ecs
                .describe_clusters()
                .clusters(CLUSTER)
                .send()
                .await
                .map_err(session.error("ecs:DescribeClusters"))?;
            assert_eq!(out.clusters().len(), 1);
        }
        "ecs:ListServices" => {
            let out = session
                .ecs
                .list_services()
                .cluster(CLUSTER)
                .send()
                .await
                .map_err(session.error("ecs:ListServices"))?;
            assert_eq!(out.service_arns().len(), 2);
        }
        "ecs:DescribeServices" => {
            let out = session
                .ecs
                .describe_services()
                .cluster(CLUSTER)
                .services(SERVICE)
                .send()
                .await
                .map_err(session.error("ecs:DescribeServices"))?;
            assert_eq!(out.services().len(), 1);
        }
        "ecs:ListTasks" => {
            let out = session
                .ecs
                .list_tasks()
                .cluster(CLUSTER)
                .service_name(SERVICE)
                .send()
                .await
                .map_err(session.error("ecs:ListTasks"))?;
            assert!(!out.task_arns().is_empty());
        }
        "ecs:DescribeTasks" => {
            let out = session
                .ecs
                .describe_tasks()
                .cluster(CLUSTER)
                .tasks(&names.task)
                .send()
                .await
                .map_err(session.error("ecs:DescribeTasks"))?;
            assert_eq!(out.tasks().len(), 1);
        }
        "ecs:DescribeTaskDefinition" => {
            session
                .ecs
                .describe_task_definition()
                .task_definition("coe-etl-prod:3")
                .send()
                .await
                .map_err(session.error("ecs:DescribeTaskDefinition"))?;
        }
        "ecs:ListTaskDefinitions" => {
            session
                .ecs
                .list_task_definitions()
                .family_prefix("coe-etl-prod")
                .send()
                .await
                .map_err(session.error("ecs:ListTaskDefinitions"))?;
        }
        "sts:GetCallerIdentity" => {
            session
                .sts
                .get_caller_identity()
                .send()
                .await
                .map_err(session.error("sts:GetCallerIdentity"))?;
        }
        "cloudwatch:GetMetricData" => {
            let metric = Metric::builder()
                .namespace("AWS/ECS")
                .metric_name("CPUUtilization")
                .dimensions(
                    Dimension::builder()
                        .name("ClusterName")
                        .value(CLUSTER)
                        .build(),
                )
                .dimensions(
                    Dimension::builder()
                        .name("ServiceName")
                        .value(SERVICE)
                        .build(),
                )
                .build();
            let query = MetricDataQuery::builder()
                .id("cpu")
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric)
                        .period(60)
                        .stat("Average")
                        .build(),
                )
                .build();
            let out = session
                .cloudwatch
                .get_metric_data()
                .start_time(hour_ago)
                .end_time(now)
                .metric_data_queries(query)
                .send()
                .await
                .map_err(session.error("cloudwatch:GetMetricData"))?;
            assert!(!out.metric_data_results()[0].values().is_empty());
        }
        "cloudwatch:DescribeAlarms" => {
            session
                .cloudwatch
                .describe_alarms()
                .send()
                .await
                .map_err(session.error("cloudwatch:DescribeAlarms"))?;
        }
        "logs:DescribeLogGroups" => {
            session
                .logs
                .describe_log_groups()
                .send()
                .await
                .map_err(session.error("logs:DescribeLogGroups"))?;
        }
        "logs:DescribeLogStreams" => {
            session
                .logs
                .describe_log_streams()
                .log_group_name(&names.log_group)
                .send()
                .await
                .map_err(session.error("logs:DescribeLogStreams"))?;
        }
        "logs:FilterLogEvents" => {
            session
                .logs
                .filter_log_events()
                .log_group_name(&names.log_group)
                .start_time(hour_ago.to_millis().unwrap_or(0))
                .send()
                .await
                .map_err(session.error("logs:FilterLogEvents"))?;
        }
        "logs:GetLogEvents" => {
            session
                .logs
                .get_log_events()
                .log_group_name(&names.log_group)
                .log_stream_name(&names.log_stream)
                .send()
                .await
                .map_err(session.error("logs:GetLogEvents"))?;
        }
        "elbv2:DescribeLoadBalancers" => {
            session
                .elbv2
                .describe_load_balancers()
                .send()
                .await
                .map_err(session.error("elasticloadbalancing:DescribeLoadBalancers"))?;
        }
        "elbv2:DescribeTargetGroups" => {
            session
                .elbv2
                .describe_target_groups()
                .send()
                .await
                .map_err(session.error("elasticloadbalancing:DescribeTargetGroups"))?;
        }
        "elbv2:DescribeTargetHealth" => {
            session
                .elbv2
                .describe_target_health()
                .target_group_arn(&names.target_group)
                .send()
                .await
                .map_err(session.error("elasticloadbalancing:DescribeTargetHealth"))?;
        }
        "elbv2:DescribeListeners" => {
            session
                .elbv2
                .describe_listeners()
                .load_balancer_arn(&names.load_balancer)
                .send()
                .await
                .map_err(session.error("elasticloadbalancing:DescribeListeners"))?;
        }
        other => panic!("no probe for {other}"),
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bursts_of_throttling_and_server_errors_on_every_operation_cost_one_call_each() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    let session = registry.get(&info.id).await.unwrap();
    let names = discover(&registry, &info.id, &session).await;
    let mut report = Vec::new();
    for key in OPERATIONS {
        for (kind, burst) in [("throttle", 4u64), ("error500", 3u64), ("error503", 3u64)] {
            reset_calls(port).await;
            // Faults aimed at the full key so sts/ecs operations of the same name never mix.
            fault(port, key, kind, burst, 0).await;
            probe(&session, &names, key)
                .await
                .unwrap_or_else(|e| panic!("{key} after {burst} x {kind}: {e:?}"));
            let seen = calls(port).await.get(*key).copied().unwrap_or(0);
            assert_eq!(
                seen,
                burst + 1,
                "{key}: {burst} x {kind} should cost exactly {} calls",
                burst + 1
            );
            report.push(format!("{key} {kind}x{burst} -> {seen} calls"));
        }
    }
    assert_eq!(report.len(), OPERATIONS.len() * 3);
    println!("{}", report.join("\n"));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_beyond_the_bound_says_so_and_stops_at_max_attempts() {
    let policy = fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    reset_calls(port).await;
    fault(port, "ListClusters", "throttle", 50, 0).await;
    let err = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .unwrap_err();
    let payload = ErrorPayload::from(&err);
    assert_eq!(payload.code, "Throttling", "{payload:?}");
    assert!(payload.retryable);
    assert!(
        payload
            .message
            .contains("AWS is throttling requests — retrying"),
        "{}",
        payload.message
    );
    let seen = calls(port).await["ecs:ListClusters"];
    assert_eq!(
        seen,
        u64::from(policy.max_attempts),
        "persistent throttling must stop at the attempt bound"
    );
    // Once AWS stops throttling the same session works (no rebuilt clients).
    clear_faults(port).await;
    assert_eq!(
        ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
            .await
            .unwrap()
            .len(),
        2
    );

    // Persistent 5xx: bounded, retryable, AWS's own code.
    reset_calls(port).await;
    fault(port, "ListServices", "error500", 50, 0).await;
    let err = ecsdesk_core::app::browse::list_services(&registry, &info.id, CLUSTER)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ServerException");
    assert!(err.retryable());
    assert_eq!(
        calls(port).await["ecs:ListServices"],
        u64::from(policy.max_attempts)
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_time_out_and_are_retried_then_reported_as_unreachable() {
    let policy = fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    let slow = policy.attempt_timeout.as_millis() as u64 + 1000;

    // One slow answer: the attempt times out, the retry succeeds.
    reset_calls(port).await;
    fault(port, "ecs:ListClusters", "latency", 1, slow).await;
    let started = std::time::Instant::now();
    assert_eq!(
        ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(started.elapsed() < policy.attempt_timeout * 3);
    assert_eq!(calls(port).await["ecs:ListClusters"], 2);

    // A latency spike below the timeout is simply waited for.
    reset_calls(port).await;
    fault(port, "ecs:ListClusters", "latency", 1, 300).await;
    assert_eq!(
        ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(calls(port).await["ecs:ListClusters"], 1);

    // Every attempt too slow: a retryable Unreachable naming the endpoint, within the bound.
    reset_calls(port).await;
    fault(port, "ecs:ListClusters", "latency", 50, slow).await;
    let started = std::time::Instant::now();
    let err = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .unwrap_err();
    assert!(started.elapsed() <= policy.operation_timeout + policy.attempt_timeout);
    assert_eq!(err.code(), "Unreachable", "{err:?}");
    assert!(err.retryable());
    assert!(err.to_string().contains(&sim.endpoint()), "{err}");
    let seen = calls(port).await["ecs:ListClusters"];
    assert!(
        seen >= 2 && seen <= u64::from(policy.max_attempts),
        "timeouts are retried within the bound: {seen}"
    );
    clear_faults(port).await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried_for_reads() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    reset_calls(port).await;
    fault(port, "ecs:DescribeServices", "drop", 2, 0).await;
    let services = ecsdesk_core::app::browse::list_services(&registry, &info.id, CLUSTER)
        .await
        .unwrap();
    assert_eq!(services.len(), 2);
    assert_eq!(calls(port).await["ecs:DescribeServices"], 3);

    reset_calls(port).await;
    fault(port, "logs:FilterLogEvents", "drop", 1, 0).await;
    let session = registry.get(&info.id).await.unwrap();
    session
        .logs
        .filter_log_events()
        .log_group_name("/ecs/coe-etl-prod")
        .send()
        .await
        .expect("a dropped log search is retried");
    assert_eq!(calls(port).await["logs:FilterLogEvents"], 2);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_session_resumes_after_the_simulator_restarts_on_the_same_port() {
    fast_policy();
    let first = sim().await;
    let port = first.port();
    let (registry, info) = gov_session(&first.endpoint()).await;
    assert_eq!(
        ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
            .await
            .unwrap()
            .len(),
        2
    );
    first.shutdown().await;

    // While it is down: a clear, retryable error, not a hang.
    let err = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "Unreachable", "{err:?}");
    assert!(err.retryable());

    let second = sim_on(port, "demo", 1.0).await;
    assert_eq!(second.port(), port);
    // Lists, details and tasks of the same session work again without reopening it.
    assert_eq!(
        ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
            .await
            .unwrap()
            .len(),
        2
    );
    let detail = ecsdesk_core::app::browse::get_service(&registry, &info.id, CLUSTER, SERVICE)
        .await
        .unwrap();
    assert_eq!(detail.summary.name, SERVICE);
    let session = registry.get(&info.id).await.unwrap();
    session
        .logs
        .filter_log_events()
        .log_group_name("/ecs/coe-etl-prod")
        .send()
        .await
        .expect("log search resumes");
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_follow_keeps_going_through_a_simulator_restart() {
    fast_policy();
    let first = sim().await;
    let port = first.port();
    let (registry, info) = gov_session(&first.endpoint()).await;
    let session = registry.get(&info.id).await.unwrap();
    let follows = ecsdesk_core::read::log_follow::LogFollows::new();
    let (tx, mut rx) =
        tokio::sync::mpsc::unbounded_channel::<ecsdesk_core::read::log_follow::LogBatch>();
    let id = follows.start(
        session,
        ecsdesk_core::read::logs::LogQuery {
            group: "/ecs/coe-etl-prod".into(),
            start: Some(chrono::Utc::now().timestamp_millis() - 120_000),
            ..Default::default()
        },
        std::time::Duration::from_millis(150),
        move |batch| tx.send(batch).is_ok(),
    );
    let before = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("a first batch")
        .expect("open");
    assert!(before.error.is_none());

    // Down: the follow reports the error in a batch instead of ending.
    first.shutdown().await;
    let mut saw_error = false;
    while let Ok(Some(b)) = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await
    {
        if b.error.is_some() {
            saw_error = true;
            break;
        }
    }
    assert!(saw_error, "the outage reaches the follow as an error batch");
    assert!(follows.is_running(&id), "the follow is still running");

    // Back on the same port, with time moved on: new lines arrive on the same follow.
    let second = sim_on(port, "demo", 1.0).await;
    control(
        port,
        "POST",
        "/_sim/clock/advance",
        Some(serde_json::json!({"seconds": 300})),
    )
    .await;
    let mut resumed = false;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while tokio::time::Instant::now() < deadline {
        if let Ok(Some(b)) =
            tokio::time::timeout(std::time::Duration::from_secs(2), rx.recv()).await
        {
            if b.error.is_none() && !b.lines.is_empty() {
                resumed = true;
                break;
            }
        }
    }
    assert!(resumed, "lines flow again after the restart");
    follows.stop(&id).unwrap();
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_whose_request_is_dropped_is_not_sent_again() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    let session = registry.get(&info.id).await.unwrap();
    let before = service_mark(&session, CLUSTER, SERVICE).await.unwrap();

    // The connection drops before ECS handled the call: nothing happened, and the app says so
    // instead of firing it again.
    reset_calls(port).await;
    fault(port, "ecs:UpdateService", "drop", 5, 0).await;
    let request = session
        .ecs
        .update_service()
        .cluster(CLUSTER)
        .service(SERVICE)
        .force_new_deployment(true);
    let err = delivery::update_service_once(&session, request)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "OutcomeUnknown", "{err:?}");
    assert!(err.to_string().contains("not sent again"), "{err}");
    let seen = calls(port).await;
    assert_eq!(seen["ecs:UpdateService"], 1, "sent exactly once");
    assert!(seen["ecs:DescribeServices"] >= 2, "reconciled by reading");
    let after = service_mark(&session, CLUSTER, SERVICE).await.unwrap();
    assert_eq!(after.primary_deployment, before.primary_deployment);
    clear_faults(port).await;

    // For contrast: the SDK's ordinary retrying client would have sent it again.
    reset_calls(port).await;
    fault(port, "ecs:UpdateService", "drop", 1, 0).await;
    session
        .ecs
        .update_service()
        .cluster(CLUSTER)
        .service("coe-api-prod-Service")
        .force_new_deployment(true)
        .send()
        .await
        .expect("the retrying client re-sends");
    assert_eq!(calls(port).await["ecs:UpdateService"], 2);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_whose_answer_is_lost_is_reconciled_from_the_new_deployment() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    let session = registry.get(&info.id).await.unwrap();
    let before = service_mark(&session, CLUSTER, SERVICE).await.unwrap();

    // ECS carries the call out but the answer is lost on the way back: the change happened. The app must find the new PRIMARY deployment and report success, sent once.
    reset_calls(port).await;
    fault(port, "ecs:UpdateService", "lost_answer", 1, 0).await;
    let request = session
        .ecs
        .update_service()
        .cluster(CLUSTER)
        .service(SERVICE)
        .force_new_deployment(true);
    let delivery = delivery::update_service_once(&session, request)
        .await
        .expect("the lost answer is reconciled");
    assert!(delivery.reconciled);
    let after = service_mark(&session, CLUSTER, SERVICE).await.unwrap();
    assert_ne!(after.primary_deployment, before.primary_deployment);
    assert_eq!(delivery.deployment_id, after.primary_deployment);
    assert_eq!(calls(port).await["ecs:UpdateService"], 1);

    // An answered call is reported as such.
    let request = session
        .ecs
        .update_service()
        .cluster(CLUSTER)
        .service("coe-api-prod-Service")
        .force_new_deployment(true);
    let delivery = delivery::update_service_once(&session, request)
        .await
        .unwrap();
    assert!(!delivery.reconciled);
    assert!(delivery.deployment_id.is_some());

    // AWS's own refusal is definitive: mapped, not reconciled.
    let request = session
        .ecs
        .update_service()
        .cluster(CLUSTER)
        .service("no-such-Service")
        .force_new_deployment(true);
    let err = delivery::update_service_once(&session, request)
        .await
        .unwrap_err();
    assert_ne!(err.code(), "OutcomeUnknown");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_task_whose_answer_is_lost_is_reconciled_from_the_task() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry, info) = gov_session(&sim.endpoint()).await;
    let session: Arc<Session> = registry.get(&info.id).await.unwrap();
    let tasks = ecsdesk_core::app::browse::list_tasks(
        &registry,
        &info.id,
        CLUSTER,
        SERVICE,
        DesiredStatus::Running,
    )
    .await
    .unwrap();
    let task = tasks[0].id.clone();

    // Dropped before ECS saw it: not re-sent, reported as unknown, the task still runs.
    reset_calls(port).await;
    fault(port, "ecs:StopTask", "drop", 3, 0).await;
    let request = session.ecs.stop_task().cluster(CLUSTER).task(&task);
    let err = delivery::stop_task_once(&session, request)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "OutcomeUnknown");
    assert_eq!(calls(port).await["ecs:StopTask"], 1);
    clear_faults(port).await;

    // Carried out, answer lost: reconciled from the task's desired status.
    reset_calls(port).await;
    fault(port, "ecs:StopTask", "lost_answer", 1, 0).await;
    let request = session
        .ecs
        .stop_task()
        .cluster(CLUSTER)
        .task(&task)
        .reason("reliability test");
    let delivery = delivery::stop_task_once(&session, request)
        .await
        .expect("reconciled");
    assert!(delivery.reconciled);
    assert_eq!(calls(port).await["ecs:StopTask"], 1);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_storm_in_one_session_leaves_the_retries_of_another_alone() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let (registry_a, a) = gov_session(&sim.endpoint()).await;
    let (registry_b, b) = gov_session(&sim.endpoint()).await;
    // Session A is throttled until the SDK's retry quota runs out (500 tokens, 5 a retry): from
    // then on its calls make one attempt each instead of five.
    fault(port, "ecs:ListClusters", "throttle", 10_000, 0).await;
    for _ in 0..30 {
        let _ = ecsdesk_core::app::browse::list_clusters(&registry_a, &a.id).await;
    }
    reset_calls(port).await;
    let _ = ecsdesk_core::app::browse::list_clusters(&registry_a, &a.id).await;
    assert_eq!(
        calls(port).await["ecs:ListClusters"],
        1,
        "A's quota is spent"
    );
    // Session B, same region, same endpoint, still retries: 2 throttles cost 3 calls.
    clear_faults(port).await;
    reset_calls(port).await;
    fault(port, "ecs:ListClusters", "throttle", 2, 0).await;
    let clusters = ecsdesk_core::app::browse::list_clusters(&registry_b, &b.id)
        .await
        .expect("B retries through");
    assert_eq!(clusters.len(), 2);
    assert_eq!(calls(port).await["ecs:ListClusters"], 3);
    sim.shutdown().await;
}
