//! Deployments whose tasks never start, against the simulator: the diagnosis names the missing
//! image or the refused permission from AWS's own reason, and the health roll-up tells a rolled
//! back deployment from one still failing while the old tasks serve.

use ecsdesk_core::app::health;
use ecsdesk_core::model::diagnosis::StopCause;
use ecsdesk_core::model::health::HealthLevel;
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::read::diagnosis;
use ecsdesk_core::read::metrics::MetricsCache;

const CLUSTER: &str = "start-failures";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_that_never_start_are_diagnosed_from_aws_reasons() {
    let sim = crate::demo::sim("demo").await;
    let (registry, _, com) = crate::demo::both(&sim.endpoint()).await;
    let session = registry.get(&com.id).await.expect("session");

    let typo = diagnosis::stopped_tasks(&session, CLUSTER, "image-typo-Service")
        .await
        .expect("stopped tasks");
    let failed: Vec<_> = typo
        .iter()
        .filter(|t| t.stop_code.as_deref() == Some("TaskFailedToStart"))
        .collect();
    assert!(failed.len() >= 3, "{typo:?}");
    for t in &failed {
        assert_eq!(t.diagnosis.cause, StopCause::ImagePull);
        assert_eq!(t.diagnosis.title, "The image does not exist");
        assert!(
            t.diagnosis.advice.contains("storefront:3.4.1-rc"),
            "{}",
            t.diagnosis.advice
        );
        assert!(t.last_lines.is_empty(), "a task that never ran has no log");
    }

    let denied = diagnosis::stopped_tasks(&session, CLUSTER, "secrets-denied-Service")
        .await
        .expect("stopped tasks");
    let first = denied
        .iter()
        .find(|t| t.stop_code.as_deref() == Some("TaskFailedToStart"))
        .expect("a task failed to start");
    assert_eq!(first.diagnosis.cause, StopCause::ResourceInitialization);
    assert!(
        first.diagnosis.advice.contains(
            "the task execution role ecsTaskExecutionRole is not allowed to call secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/stripe-api-key-"
        ),
        "{}",
        first.diagnosis.advice
    );

    let cache = MetricsCache::new();
    let rolled_back = health::service_health(
        &session,
        &cache,
        CLUSTER,
        "image-typo-Service",
        &Thresholds::default(),
    )
    .await
    .expect("health");
    let failing = health::service_health(
        &session,
        &cache,
        CLUSTER,
        "secrets-denied-Service",
        &Thresholds::default(),
    )
    .await
    .expect("health");
    // Rolled back: the failures belong to a version that no longer runs.
    assert_eq!(rolled_back.level, HealthLevel::Amber, "{rolled_back:?}");
    assert!(
        rolled_back
            .summary
            .starts_with("A deployment of image-typo:2 failed and no longer runs"),
        "{}",
        rolled_back.summary
    );
    // Still failing: the version being deployed cannot start.
    assert_eq!(failing.level, HealthLevel::Red, "{failing:?}");
    sim.shutdown().await;
}
