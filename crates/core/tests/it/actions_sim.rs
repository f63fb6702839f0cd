//! Guarded actions against the real simulator: plans, confirmations, the per-service lock, watches
//! to a verdict while the test moves the simulated clock, access denied, and the audit log.

use std::sync::Arc;
use std::time::Duration;

use crate::action_rig::{advance, fast, rig, rig_with, Updates};
use crate::demo::{GOV_KEY, GOV_SECRET};
use crate::sso_support::calls;
use ecsdesk_core::model::action::{
    ActionConfig, ConfirmationKind, ProtectionScope, RiskLevel, VerdictOutcome,
};
use ecsdesk_core::model::protection::ProtectionLevel;
use ecsdesk_core::read::reading as snapshot;
use ecsdesk_core::store::audit::{AuditEvent, AuditFilter};
use ecsdesk_core::{ActionCenter, ActionRequest, Partition, SessionSource};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_of_the_one_task_prod_service_completes_with_a_healthy_target_throughout() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-prod", "coe-etl-prod-Service");
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.gov.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .expect("plan");
    assert_eq!(plan.partition, Partition::AwsUsGov);
    assert_eq!(plan.partition_label, "GovCloud (US)");
    assert_eq!(plan.account_id, "210987654321");
    assert_eq!(plan.region, "us-gov-east-1");
    assert_eq!(plan.risk, RiskLevel::Safe);
    assert!(!plan.downtime_expected);
    assert!(
        plan.steps
            .iter()
            .any(|s| s == "ECS starts 1 new task beside the 1 old task running now."),
        "{:?}",
        plan.steps
    );
    assert!(
        plan.risk_sentence.starts_with("No downtime expected"),
        "{}",
        plan.risk_sentence
    );
    assert_eq!(
        plan.confirmation,
        ConfirmationKind::TypedName,
        "prod is protected by default"
    );
    assert_eq!(plan.protection.level, ProtectionLevel::TypedConfirm);
    // The page learns how to confirm, never a ready answer to send back.
    let sent = serde_json::to_value(&plan).unwrap();
    assert!(sent.get("confirmText").is_none(), "{sent}");
    assert_eq!(plan.user, "demo-govcloud");

    // The core checks the typed name itself.
    let updates = Updates::default();
    for wrong in [None, Some("coe-etl-prod"), Some("COE-ETL-PROD-SERVICE")] {
        let err = r
            .center
            .execute(&r.registry, &plan.plan_id, wrong, updates.sink())
            .await
            .unwrap_err();
        assert_eq!(err.code(), "ConfirmationMismatch", "{wrong:?}");
    }
    assert_eq!(r.update_calls().await, 0);

    let started = r
        .center
        .execute(
            &r.registry,
            &plan.plan_id,
            Some(" coe-etl-prod-Service "),
            updates.sink(),
        )
        .await
        .expect("execute");
    let deployment = started.deployment_id.clone().expect("deployment id");
    assert!(deployment.starts_with("ecs-svc/"));
    // Audited before success was reported.
    let records = r.center.audit().records().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].event, AuditEvent::Executed);
    assert_eq!(
        records[0].deployment_id.as_deref(),
        Some(deployment.as_str())
    );

    let session = r.registry.get(&r.gov.id).await.unwrap();
    let min_healthy = Arc::new(std::sync::atomic::AtomicUsize::new(usize::MAX));
    let verdict = r
        .drive(&updates, 60, || {
            let session = session.clone();
            let min = min_healthy.clone();
            async move {
                let snap = snapshot::read(&session, cluster, service, false)
                    .await
                    .unwrap();
                min.fetch_min(snap.healthy_targets(), std::sync::atomic::Ordering::SeqCst);
            }
        })
        .await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert!(
        min_healthy.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "a moment with zero healthy targets"
    );
    assert!(!verdict.zero_healthy_seen);
    assert_eq!(verdict.deployment_id.as_deref(), Some(deployment.as_str()));
    assert!(verdict.headline.contains("steady"), "{}", verdict.headline);
    let all = updates.all();
    assert!(
        all.iter()
            .any(|u| u.new_running == 1 && u.old_running + u.old_draining >= 1),
        "old and new side by side"
    );
    assert!(
        all.iter().any(|u| u.old_draining >= 1),
        "the old task drained"
    );
    assert!(all
        .iter()
        .all(|u| u.verdict.is_none() || u.new_healthy == 1));
    let last = all.last().unwrap();
    assert!(last
        .events
        .iter()
        .any(|e| e.message.contains("has reached a steady state")));

    let entries = r
        .center
        .list_audit(&AuditFilter::default())
        .unwrap()
        .entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].verdict.as_deref(), Some("completed"));
    let text = std::fs::read_to_string(r.dir.path().join("data").join("audit.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 2, "executed + verdict");
    for secret in [GOV_SECRET, GOV_KEY] {
        assert!(!text.contains(secret), "the audit log holds a key");
    }
    // A plan runs once.
    let again = r
        .center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .unwrap_err();
    assert_eq!(again.code(), "PlanNotFound");
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_only_task_is_planned_as_downtime_then_recovers() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-prod", "coe-etl-prod-Service");
    let session = r.registry.get(&r.gov.id).await.unwrap();
    let snap = snapshot::read(&session, cluster, service, false)
        .await
        .unwrap();
    let task = snap.running_tasks().next().unwrap().id.clone();
    let stop = ActionRequest::StopTask {
        task: task.clone(),
        reason: "stuck after a database failover".into(),
    };
    let plan = r
        .center
        .plan(&r.registry, &r.gov.id, cluster, service, stop.clone())
        .await
        .expect("plan");
    assert_eq!(plan.risk, RiskLevel::Danger);
    assert!(plan.downtime_expected);
    assert_eq!(
        plan.risk_sentence,
        "This is the only running task: the service will be down for up to 5 minutes."
    );
    let alt = plan.alternative.clone().expect("restart suggested");
    assert_eq!(alt.action, ActionRequest::ForceNewDeployment);
    assert_eq!(plan.confirmation, ConfirmationKind::TypedName);

    // Cancelling is audited and changes nothing.
    r.center
        .cancel(&r.registry, &plan.plan_id)
        .await
        .expect("cancel");
    let records = r.center.audit().records().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].event, AuditEvent::Cancelled);
    assert_eq!(
        records[0].parameters["reason"],
        "stuck after a database failover"
    );
    assert_eq!(calls(&r.sim.endpoint(), "ecs:StopTask").await, 0);

    // Stopping it anyway: down, then back with a replacement.
    let plan = r
        .center
        .plan(&r.registry, &r.gov.id, cluster, service, stop)
        .await
        .unwrap();
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .expect("stop task");
    let verdict = r.drive(&updates, 80, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert!(
        verdict.zero_healthy_seen,
        "stopping the only task leaves no healthy target for a while"
    );
    assert!(
        verdict.detail.contains("no healthy target"),
        "{}",
        verdict.detail
    );
    let detail = ecsdesk_core::app::browse::get_task(&r.registry, &r.gov.id, cluster, &task)
        .await
        .unwrap();
    assert_eq!(detail.summary.stop_code.as_deref(), Some("UserInitiated"));
    assert_eq!(
        detail.summary.stopped_reason.as_deref(),
        Some("stuck after a database failover (ECS Desk, demo-govcloud)")
    );
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_loop_restart_fails_and_rollback_recovers() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-staging", "worker-staging-Service");
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    assert_eq!(plan.partition_label, "Commercial");
    assert_eq!(plan.risk, RiskLevel::Caution, "{plan:?}");
    assert!(
        plan.risk_sentence.contains("already down"),
        "{}",
        plan.risk_sentence
    );
    let alt = plan.alternative.clone().expect("rollback suggested");
    assert_eq!(alt.action, ActionRequest::Rollback { revision: 2 });
    assert_eq!(
        plan.confirmation,
        ConfirmationKind::TypedName,
        "risky actions need the name"
    );

    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .unwrap();
    let verdict = r.drive(&updates, 120, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Failed, "{verdict:?}");
    assert!(
        verdict.headline.contains("keep failing to start"),
        "{}",
        verdict.headline
    );
    // ECS only reports the exit; the cause ("exec format error") is in the task's logs.
    assert!(
        verdict
            .detail
            .contains("Essential container in task exited"),
        "{}",
        verdict.detail
    );
    assert!(verdict.detail.contains("exit code 1"), "{}", verdict.detail);

    // The suggested rollback: UpdateService with worker-staging:2 only.
    let plan = r
        .center
        .plan(&r.registry, &r.com.id, cluster, service, alt.action)
        .await
        .unwrap();
    assert_eq!(
        plan.title,
        "Roll back worker-staging-Service to worker-staging:2"
    );
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .unwrap();
    let verdict = r.drive(&updates, 80, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    let detail = ecsdesk_core::app::browse::get_service(&r.registry, &r.com.id, cluster, service)
        .await
        .unwrap();
    assert_eq!(detail.summary.task_definition, "worker-staging:2");
    assert_eq!(detail.summary.running, 1);
    assert_eq!(
        calls(&r.sim.endpoint(), "ecs:RegisterTaskDefinition").await,
        0
    );
    let entries = r
        .center
        .list_audit(&AuditFilter::default())
        .unwrap()
        .entries;
    let verdicts: Vec<_> = entries.iter().map(|e| e.verdict.as_deref()).collect();
    assert_eq!(verdicts, [Some("completed"), Some("failed")]);
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_circuit_breaker_the_crash_loop_restart_is_rolled_back() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-staging", "worker-staging-Service");
    // First back to a good revision, then turn the breaker on (test set-up with the raw SDK).
    let session = r.registry.get(&r.com.id).await.unwrap();
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::Rollback { revision: 2 },
        )
        .await
        .unwrap();
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .unwrap();
    assert_eq!(
        r.drive(&updates, 80, || async {}).await.outcome,
        VerdictOutcome::Completed
    );
    session
        .ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .deployment_configuration(
            aws_sdk_ecs::types::DeploymentConfiguration::builder()
                .deployment_circuit_breaker(
                    aws_sdk_ecs::types::DeploymentCircuitBreaker::builder()
                        .enable(true)
                        .rollback(true)
                        .build(),
                )
                .minimum_healthy_percent(100)
                .maximum_percent(200)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Deploying the broken revision 3 again: the breaker fails it and ECS rolls back to 2.
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::Rollback { revision: 3 },
        )
        .await
        .unwrap();
    assert_eq!(
        plan.title,
        "Deploy worker-staging:3 to worker-staging-Service"
    );
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .unwrap();
    let verdict = r.drive(&updates, 160, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::RolledBack, "{verdict:?}");
    assert!(
        verdict
            .headline
            .contains("rolled worker-staging-Service back to worker-staging:2"),
        "{}",
        verdict.headline
    );
    assert!(updates
        .all()
        .iter()
        .any(|u| u.phase.contains("rolling back")));
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_to_the_previous_revision_and_its_choices() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-prod", "coe-etl-prod-Service");
    let revisions = r
        .center
        .list_revisions(&r.registry, &r.gov.id, cluster, service)
        .await
        .unwrap();
    let numbers: Vec<i32> = revisions.iter().map(|x| x.revision).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert!(revisions[0].current);
    assert!(revisions[1]
        .image
        .as_deref()
        .is_some_and(|i| i.ends_with("coe-etl-prod:v9.11.0")));
    assert!(revisions[1].registered_at.is_some());
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.gov.id,
            cluster,
            service,
            ActionRequest::Rollback { revision: 2 },
        )
        .await
        .unwrap();
    assert_eq!(plan.risk, RiskLevel::Caution);
    let updates = Updates::default();
    let started = r
        .center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .unwrap();
    assert!(started.deployment_id.is_some());
    let verdict = r.drive(&updates, 60, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert!(
        verdict.headline.contains("coe-etl-prod:2"),
        "{}",
        verdict.headline
    );
    let detail = ecsdesk_core::app::browse::get_service(&r.registry, &r.gov.id, cluster, service)
        .await
        .unwrap();
    assert_eq!(detail.summary.task_definition, "coe-etl-prod:2");
    assert_eq!(
        calls(&r.sim.endpoint(), "ecs:RegisterTaskDefinition").await,
        0
    );
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_to_zero_and_back() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-staging", "api-staging-Service");
    let err = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::SetDesiredCount {
                desired: 101,
                limits: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "InvalidInput");
    assert!(err.to_string().contains("from 0 to 100"), "{err}");

    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::SetDesiredCount {
                desired: 0,
                limits: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(plan.risk, RiskLevel::Danger);
    assert!(plan.downtime_expected);
    assert_eq!(plan.confirmation, ConfirmationKind::TypedName);
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .unwrap();
    let verdict = r.drive(&updates, 60, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert!(
        verdict.headline.contains("scaled to zero"),
        "{}",
        verdict.headline
    );
    let detail = ecsdesk_core::app::browse::get_service(&r.registry, &r.com.id, cluster, service)
        .await
        .unwrap();
    assert_eq!((detail.summary.desired, detail.summary.running), (0, 0));

    // Back up: safe in a staging cluster, so one click is enough.
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::SetDesiredCount {
                desired: 2,
                limits: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(plan.risk, RiskLevel::Safe);
    assert_eq!(plan.confirmation, ConfirmationKind::Click);
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, None, updates.sink())
        .await
        .unwrap();
    let verdict = r.drive(&updates, 60, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert!(
        verdict.headline.contains("runs 2 tasks"),
        "{}",
        verdict.headline
    );
    r.sim.shutdown().await;
}

/// EC2 tasks in bridge mode have no IP of their own: their targets are the instance and a dynamic
/// host port. Matched by IP only, the watch never saw a healthy new task and timed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaling_a_bridge_mode_ec2_service_sees_its_instance_targets() {
    let r = rig().await;
    let (cluster, service) = ("tak-ec2-dev", "cot-router-dev-Service");
    // Let the two tasks start and their targets pass health checks.
    for _ in 0..24 {
        advance(&r.sim, 5.0).await;
    }
    let session = r.registry.get(&r.com.id).await.unwrap();
    let snap = snapshot::read(&session, cluster, service, false)
        .await
        .unwrap();
    assert_eq!(snap.targets.len(), 2, "{:?}", snap.targets);
    for t in &snap.targets {
        assert!(t.id.starts_with("i-"), "an instance target: {t:?}");
        assert!(t.port.is_some_and(|p| p >= 32_768), "a dynamic port: {t:?}");
    }
    assert_eq!(
        snap.running_tasks().filter(|t| snap.is_healthy(t)).count(),
        2,
        "both tasks healthy through their instance targets"
    );

    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::SetDesiredCount {
                desired: 3,
                limits: None,
            },
        )
        .await
        .unwrap();
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, None, updates.sink())
        .await
        .unwrap();
    let verdict = r.drive(&updates, 60, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert!(
        verdict.headline.contains("runs 3 tasks"),
        "{}",
        verdict.headline
    );
    let last = updates.all().last().cloned().unwrap();
    assert!(
        last.targets.iter().all(|t| t.task_id.is_some()),
        "every target matched to its task: {:?}",
        last.targets
    );
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_submission_fires_one_update_service() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-staging", "api-staging-Service");
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    let other = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    let typed = Some(service);
    let updates = Updates::default();
    // A double click: the same plan twice at once.
    let (a, b) = tokio::join!(
        r.center
            .execute(&r.registry, &plan.plan_id, typed, updates.sink()),
        r.center
            .execute(&r.registry, &plan.plan_id, typed, updates.sink()),
    );
    let oks = [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(oks, 1, "{a:?} {b:?}");
    let refused = match (a, b) {
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => e,
        other => panic!("exactly one should fail: {other:?}"),
    };
    assert!(
        matches!(refused.code(), "ActionInProgress" | "PlanNotFound"),
        "{refused:?}"
    );
    // Another plan for the same service while the first is watched.
    let err = r
        .center
        .execute(&r.registry, &other.plan_id, typed, updates.sink())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ActionInProgress");
    assert!(err.to_string().contains("still in progress"), "{err}");
    assert_eq!(
        r.update_calls().await,
        1,
        "one UpdateService for three requests"
    );

    let verdict = r.drive(&updates, 60, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed);
    // Free again after the verdict. The other plan is stale now (a deployment happened since).
    let updates = Updates::default();
    let err = r
        .center
        .execute(&r.registry, &other.plan_id, typed, updates.sink())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ServiceChanged");
    let fresh = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    r.center
        .execute(&r.registry, &fresh.plan_id, typed, updates.sink())
        .await
        .expect("the service is free again");
    assert_eq!(r.update_calls().await, 2);
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_role_gets_the_explained_access_denied_and_nothing_changes() {
    let r = rig().await;
    let fx = crate::sso_support::Fixture::new(&r.sim);
    let sso = crate::sso_support::govcloud();
    fx.pkce_login(&sso).await;
    let portal = ecsdesk_core::aws::sso::Portal::new(fx.auth.clone(), None);
    let creds = portal
        .role_credentials(&sso, "210987654321", "ReadOnlyAccess")
        .await
        .expect("read-only role credentials");
    let info = r
        .registry
        .open(
            SessionSource::Explicit {
                label: "gov-readonly".into(),
                access_key_id: creds.access_key_id().into(),
                secret_access_key: creds.secret_access_key().into(),
                session_token: creds.session_token().map(str::to_string),
                endpoint_url: r.sim.endpoint(),
            },
            Some("us-gov-east-1".into()),
        )
        .await
        .expect("read-only session");
    let (cluster, service) = ("coe-ecs-prod", "coe-etl-prod-Service");
    let before = ecsdesk_core::app::browse::get_service(&r.registry, &info.id, cluster, service)
        .await
        .unwrap();
    let plan = r
        .center
        .plan(
            &r.registry,
            &info.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .expect("viewing is allowed, so planning is too");
    assert_eq!(plan.role.as_deref(), Some("ReadOnlyAccess"));
    let err = r
        .center
        .execute(
            &r.registry,
            &plan.plan_id,
            Some(service),
            Updates::default().sink(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "AccessDeniedException");
    assert_eq!(
        err.to_string(),
        "Your role ReadOnlyAccess may view but not restart services: it lacks ecs:UpdateService."
    );
    let after = ecsdesk_core::app::browse::get_service(&r.registry, &info.id, cluster, service)
        .await
        .unwrap();
    assert_eq!(before.deployments, after.deployments, "nothing changed");
    let records = r.center.audit().records().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].event, AuditEvent::Denied);
    assert_eq!(records[0].role.as_deref(), Some("ReadOnlyAccess"));
    let text = std::fs::read_to_string(r.center.audit().path()).unwrap();
    assert!(!text.contains(creds.secret_access_key()));
    assert!(!text.contains(creds.session_token().unwrap_or("none")));

    // The lock was released: a stop task by the same role is explained too.
    let task = before.tasks[0].id.clone();
    let plan = r
        .center
        .plan(
            &r.registry,
            &info.id,
            cluster,
            service,
            ActionRequest::StopTask {
                task,
                reason: "test".into(),
            },
        )
        .await
        .unwrap();
    let err = r
        .center
        .execute(
            &r.registry,
            &plan.plan_id,
            Some(service),
            Updates::default().sink(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Your role ReadOnlyAccess may view but not stop tasks: it lacks ecs:StopTask."
    );
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protection_read_only_blocks_and_changes_are_refused() {
    let r = rig().await;
    let (cluster, service) = ("coe-ecs-staging", "api-staging-Service");
    let view = r
        .center
        .get_protection(&r.registry, &r.com.id, cluster, service)
        .await
        .unwrap();
    assert_eq!(view.effective.level, ProtectionLevel::Confirm);
    let early = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    let view = r
        .center
        .set_protection(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ProtectionScope::Cluster,
            Some(ProtectionLevel::ReadOnly),
            &|_question: String| -> futures::future::BoxFuture<'static, bool> {
                Box::pin(async { panic!("raising protection must not ask") })
            },
        )
        .await
        .unwrap();
    assert_eq!(view.cluster_level, Some(ProtectionLevel::ReadOnly));
    assert!(r.dir.path().join("data").join("protection.json").exists());
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    assert!(
        plan.blocked_reason
            .as_deref()
            .is_some_and(|b| b.contains("read-only")),
        "{:?}",
        plan.blocked_reason
    );
    for id in [&plan.plan_id, &early.plan_id] {
        let err = r
            .center
            .execute(&r.registry, id, Some(service), Updates::default().sink())
            .await
            .unwrap_err();
        assert_eq!(err.code(), "Protected", "{err}");
    }
    assert_eq!(r.update_calls().await, 0);
    // A new center (an app restart) reads the same file.
    let again = ActionCenter::new(&r.dir.path().join("data"), r.dir.path());
    let view = again
        .get_protection(&r.registry, &r.com.id, cluster, service)
        .await
        .unwrap();
    assert_eq!(view.effective.level, ProtectionLevel::ReadOnly);
    // Lowering it needs the native confirmation: refused there, nothing changes and the audit
    // log says so; confirmed, the rule goes and the audit log says from what to what.
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let answer = |yes: bool| {
        let asked = asked.clone();
        move |question: String| -> futures::future::BoxFuture<'static, bool> {
            asked.lock().unwrap().push(question);
            Box::pin(async move { yes })
        }
    };
    let err = r
        .center
        .set_protection(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ProtectionScope::Cluster,
            None,
            &answer(false),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ProtectionNotConfirmed", "{err}");
    let view = r
        .center
        .get_protection(&r.registry, &r.com.id, cluster, service)
        .await
        .unwrap();
    assert_eq!(view.effective.level, ProtectionLevel::ReadOnly, "unchanged");
    r.center
        .set_protection(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ProtectionScope::Cluster,
            None,
            &answer(true),
        )
        .await
        .unwrap();
    assert_eq!(asked.lock().unwrap().len(), 2);
    assert!(asked.lock().unwrap()[0].contains("from read-only to no rule"));
    let records: Vec<_> = r
        .center
        .audit()
        .records()
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "setProtection")
        .collect();
    let results: Vec<&str> = records.iter().map(|a| a.result.as_str()).collect();
    assert_eq!(results, ["changed", "refused", "changed"]);
    assert_eq!(records[1].parameters["from"], "readOnly");
    assert!(records[1].parameters["to"].is_null());
    assert_eq!(
        records[0].plan_summary,
        format!("Protection of cluster {cluster} from no rule to read-only.")
    );
    assert!(records
        .iter()
        .all(|a| a.user == r.com.arn.rsplit('/').next().unwrap()));

    // The service changed between plan and execution.
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            cluster,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    let session = r.registry.get(&r.com.id).await.unwrap();
    session
        .ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .desired_count(3)
        .send()
        .await
        .unwrap();
    let err = r
        .center
        .execute(
            &r.registry,
            &plan.plan_id,
            Some(service),
            Updates::default().sink(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ServiceChanged");
    assert!(
        err.to_string()
            .contains("the desired count is now 3 (was 2)"),
        "{err}"
    );
    assert_eq!(r.update_calls().await, 1, "only the test's own change");
    let entries = r
        .center
        .list_audit(&AuditFilter::default())
        .unwrap()
        .entries;
    let actions: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action != "setProtection")
        .collect();
    assert!(actions.iter().all(|e| e.record.result == "refused"));
    assert_eq!(actions.len(), 3);
    assert_eq!(entries.len(), 6, "three actions and three protection lines");
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_expire() {
    let r = rig_with(ActionConfig {
        plan_ttl: Duration::from_millis(50),
        ..fast()
    })
    .await;
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            "coe-ecs-staging",
            "api-staging-Service",
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    let err = r
        .center
        .execute(
            &r.registry,
            &plan.plan_id,
            Some("api-staging-Service"),
            Updates::default().sink(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "PlanExpired");
    assert_eq!(r.update_calls().await, 0);
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_export_is_csv_with_every_action() {
    let r = rig().await;
    for service in ["api-staging-Service", "search-staging-Service"] {
        let plan = r
            .center
            .plan(
                &r.registry,
                &r.com.id,
                "coe-ecs-staging",
                service,
                ActionRequest::ForceNewDeployment,
            )
            .await
            .unwrap();
        r.center.cancel(&r.registry, &plan.plan_id).await.unwrap();
    }
    let path = r
        .center
        .export_audit_csv(&AuditFilter {
            text: Some("search".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(path.starts_with(r.dir.path().join("exports")));
    assert!(path.extension().is_some_and(|e| e == "csv"));
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].contains("search-staging-Service"));
    assert!(lines[1].contains(",cancelled,"));
    r.sim.shutdown().await;
}
