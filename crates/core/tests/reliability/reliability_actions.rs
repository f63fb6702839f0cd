//! Guarded actions under a lost connection, through the real `ActionCenter`: a restart whose
//! request is dropped is sent once, reported as unknown and audited as failed; a restart whose
//! answer is lost after ECS carried it out is reconciled from the new deployment and watched.

use std::sync::Arc;

use crate::reliability_support::*;
use ecsdesk_core::model::action::ActionConfig;
use ecsdesk_core::store::audit::AuditEvent;
use ecsdesk_core::{ActionCenter, ActionRequest, WatchUpdate};

const CLUSTER: &str = "coe-ecs-staging";
const SERVICE: &str = "api-staging-Service";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_through_the_action_center_is_never_sent_twice() {
    fast_policy();
    let sim = sim().await;
    let port = sim.port();
    let registry = ecsdesk_core::SessionRegistry::new();
    let com = registry
        .open(commercial(&sim.endpoint()), None)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let center = ActionCenter::with_config(
        &dir.path().join("data"),
        &dir.path().join("exports"),
        ActionConfig::default(),
    );
    let sink: Arc<dyn Fn(WatchUpdate) + Send + Sync> = Arc::new(|_| {});

    // Dropped before ECS saw it.
    let plan = center
        .plan(
            &registry,
            &com.id,
            CLUSTER,
            SERVICE,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    reset_calls(port).await;
    fault(port, "ecs:UpdateService", "drop", 3, 0).await;
    let err = center
        .execute(&registry, &plan.plan_id, Some(SERVICE), sink.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "OutcomeUnknown", "{err:?}");
    assert_eq!(calls(port).await["ecs:UpdateService"], 1, "sent once");
    let records = center.audit().records().unwrap();
    let last = records.last().expect("an audit line");
    assert_eq!(last.event, AuditEvent::Failed, "{last:?}");
    assert!(
        last.message
            .as_deref()
            .unwrap_or("")
            .contains("not sent again"),
        "{last:?}"
    );
    clear_faults(port).await;

    // Carried out, answer lost: the action is reported as started with its deployment.
    let plan = center
        .plan(
            &registry,
            &com.id,
            CLUSTER,
            SERVICE,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    reset_calls(port).await;
    fault(port, "ecs:UpdateService", "lost_answer", 1, 0).await;
    let started = center
        .execute(&registry, &plan.plan_id, Some(SERVICE), sink.clone())
        .await
        .expect("reconciled");
    assert!(started.deployment_id.is_some(), "{started:?}");
    assert_eq!(calls(port).await["ecs:UpdateService"], 1, "sent once");
    let records = center.audit().records().unwrap();
    assert!(
        records
            .iter()
            .any(|r| r.event == AuditEvent::Executed && r.plan_id == plan.plan_id),
        "{records:?}"
    );
    sim.shutdown().await;
}
