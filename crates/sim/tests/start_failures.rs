//! Tasks ECS stops before they run, as AWS reports them: stop code TaskFailedToStart, the
//! CannotPullContainerError or ResourceInitializationError on the task and its containers, no
//! exit code, no log stream; the circuit breaker rolls such a deployment back, and without it the
//! old tasks keep serving while ECS retries.

use aws_sdk_ecs::types::{DesiredStatus, Task};

mod common;
use common::{ecs_client, sim, COM_KEY};

const CLUSTER: &str = "start-failures";

async fn stopped(ecs: &aws_sdk_ecs::Client, service: &str) -> Vec<Task> {
    let arns = ecs
        .list_tasks()
        .cluster(CLUSTER)
        .service_name(service)
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .expect("list stopped");
    assert!(!arns.task_arns().is_empty(), "{service}: no stopped task");
    ecs.describe_tasks()
        .cluster(CLUSTER)
        .set_tasks(Some(arns.task_arns().iter().take(100).cloned().collect()))
        .send()
        .await
        .expect("describe")
        .tasks()
        .to_vec()
}

#[tokio::test]
async fn tasks_that_cannot_pull_their_image_or_read_their_secret_fail_to_start() {
    let h = sim("demo").await;
    let ecs = ecs_client(&h, COM_KEY, "us-east-1");

    let failed = stopped(&ecs, "image-typo-Service").await;
    let pulls: Vec<&Task> = failed
        .iter()
        .filter(|t| t.stop_code().map(|c| c.as_str()) == Some("TaskFailedToStart"))
        .collect();
    assert!(
        pulls.len() >= 3,
        "the breaker's threshold of failures: {}",
        pulls.len()
    );
    for t in &pulls {
        let reason = t.stopped_reason().unwrap_or_default();
        assert!(
            reason.starts_with("CannotPullContainerError: pull image manifest has been retried")
                && reason.ends_with("storefront:3.4.1-rc: not found"),
            "{reason}"
        );
        assert!(t.started_at().is_none(), "never ran");
        let c = &t.containers()[0];
        assert_eq!(c.exit_code(), None);
        assert_eq!(c.reason(), Some(reason));
    }
    // The circuit breaker rolled back: the old revision runs, the failed deployment is gone.
    let svc = ecs
        .describe_services()
        .cluster(CLUSTER)
        .services("image-typo-Service")
        .send()
        .await
        .expect("describe");
    let svc = &svc.services()[0];
    assert!(svc
        .task_definition()
        .unwrap_or_default()
        .ends_with("image-typo:1"));
    assert_eq!(svc.running_count(), 2);
    assert!(svc.events().iter().any(|e| e
        .message()
        .unwrap_or_default()
        .contains("rolling back to deployment")));

    let denied = stopped(&ecs, "secrets-denied-Service").await;
    let t = denied
        .iter()
        .find(|t| t.stop_code().map(|c| c.as_str()) == Some("TaskFailedToStart"))
        .expect("a task failed to start");
    let reason = t.stopped_reason().unwrap_or_default();
    assert!(
        reason.starts_with("ResourceInitializationError: unable to pull secrets or registry auth")
            && reason.contains("secretsmanager:GetSecretValue")
            && reason.contains(":secret:billing/stripe-api-key-"),
        "{reason}"
    );
    // No breaker: the deployment stays in progress and the old tasks keep serving.
    let svc = ecs
        .describe_services()
        .cluster(CLUSTER)
        .services("secrets-denied-Service")
        .send()
        .await
        .expect("describe");
    let svc = &svc.services()[0];
    let primary = &svc.deployments()[0];
    assert_eq!(
        primary.rollout_state().map(|r| r.as_str()),
        Some("IN_PROGRESS")
    );
    assert_eq!(primary.running_count(), 0);
    assert!(primary.failed_tasks() >= 1);
    assert_eq!(svc.running_count(), 2, "the old revision still serves");

    // Tasks that never ran wrote no logs.
    let logs = common::logs_client(&h, COM_KEY, "us-east-1");
    let streams = logs
        .describe_log_streams()
        .log_group_name("/ecs/secrets-denied")
        .send()
        .await
        .expect("streams");
    let never_ran = t
        .task_arn()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default();
    assert!(streams
        .log_streams()
        .iter()
        .all(|s| !s.log_stream_name().unwrap_or_default().ends_with(never_ran)));
    h.shutdown().await;
}
