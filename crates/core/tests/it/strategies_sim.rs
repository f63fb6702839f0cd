//! ECS deployments as they are now, against the simulator's `release-strategies` cluster: the
//! 90-day history read from ECS's own record, ECS's own rollback of a blue/green deployment
//! during bake time, a canary restart watched stage by stage, pauses continued and rolled back
//! (each audited), and the fallback where a region does not answer these operations.

use crate::action_rig::{advance, rig, Rig, Updates};
use crate::sso_support::{calls, control};
use ecsdesk_core::model::action::VerdictOutcome;
use ecsdesk_core::model::strategy::StrategyKind;
use ecsdesk_core::read::deployments::service_deployments;
use ecsdesk_core::read::reading as snapshot;
use ecsdesk_core::store::audit::AuditFilter;
use ecsdesk_core::ActionRequest;

const CLUSTER: &str = "release-strategies";

impl Rig {
    /// Plans `action` on `service` of the commercial session and executes it (typing the name).
    async fn run(&self, service: &str, action: ActionRequest, updates: &Updates) -> String {
        let plan = self
            .center
            .plan(&self.registry, &self.com.id, CLUSTER, service, action)
            .await
            .expect("plan");
        self.center
            .execute(&self.registry, &plan.plan_id, Some(service), updates.sink())
            .await
            .expect("executed");
        plan.plan_id
    }

    /// The current service deployment of `service` (ARN), as the snapshot reads it.
    async fn current(
        &self,
        service: &str,
    ) -> ecsdesk_core::model::service_deployment::ServiceDeploymentRecord {
        let session = self.registry.get(&self.com.id).await.expect("session");
        snapshot::read(&session, CLUSTER, service, false)
            .await
            .expect("reading")
            .service_deployment
            .expect("ECS's record of the current deployment")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_lists_90_days_with_revisions_images_and_outcomes() {
    let r = rig().await;
    let session = r.registry.get(&r.com.id).await.expect("session");
    let tab = service_deployments(&session, CLUSTER, "storefront-bluegreen-Service")
        .await
        .expect("deployments tab");
    let h = &tab.history;
    assert!(h.available, "{:?}", h.note);
    // Five deployments in three calls: one list, one describe, one for their revisions.
    let endpoint = r.sim.endpoint();
    for (op, n) in [
        ("ecs:ListServiceDeployments", 1),
        ("ecs:DescribeServiceDeployments", 1),
        ("ecs:DescribeServiceRevisions", 1),
    ] {
        assert_eq!(calls(&endpoint, op).await, n, "{op}");
    }
    assert_eq!(h.strategy.kind, StrategyKind::BlueGreen);
    assert_eq!(h.strategy.bake_minutes, 60);
    assert!(
        h.strategy_words
            .starts_with("Blue/green: all traffic moves at once"),
        "{}",
        h.strategy_words
    );
    let statuses: Vec<&str> = h.deployments.iter().map(|d| d.status.as_str()).collect();
    assert!(statuses.len() >= 3, "{statuses:?}");
    // Newest first: the one baking now, then the earlier ones with their outcomes.
    let now = &h.deployments[0];
    assert_eq!(now.status, "IN_PROGRESS");
    assert_eq!(now.stage.as_deref(), Some("BAKE_TIME"));
    assert_eq!(now.new_traffic(), Some(100.0));
    let (old, new) = (&now.source[0], now.target.as_ref().expect("target"));
    assert!(!old.task_definition.is_empty() && !new.task_definition.is_empty());
    assert_ne!(old.task_definition, new.task_definition);
    assert_ne!(old.images[0].image, new.images[0].image, "a new image tag");
    assert!(new.images[0]
        .digest
        .as_deref()
        .is_some_and(|d| d.starts_with("sha256:")));
    assert!(statuses.contains(&"SUCCESSFUL"), "{statuses:?}");
    let rolled = h
        .deployments
        .iter()
        .find(|d| d.status == "ROLLBACK_SUCCESSFUL")
        .expect("the circuit breaker's rollback");
    assert!(
        rolled.outcome.starts_with("Rolled back"),
        "{}",
        rolled.outcome
    );
    assert!(rolled
        .breaker
        .is_some_and(|(failed, threshold)| failed >= threshold));
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_back_a_blue_green_deployment_during_bake_stops_it_once_and_starts_nothing() {
    let r = rig().await;
    let service = "storefront-bluegreen-Service";
    let baking = r.current(service).await;
    assert_eq!(baking.stage.as_deref(), Some("BAKE_TIME"));
    let old = baking.source[0].arn.clone();
    let endpoint = r.sim.endpoint();
    let (stops, updates_before) = (
        calls(&endpoint, "ecs:StopServiceDeployment").await,
        r.update_calls().await,
    );
    let session = r.registry.get(&r.com.id).await.expect("session");
    let tasks_before: Vec<String> = snapshot::read(&session, CLUSTER, service, true)
        .await
        .expect("reading")
        .tasks
        .into_iter()
        .map(|t| t.id)
        .collect();
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            CLUSTER,
            service,
            ActionRequest::RollBackDeployment {
                deployment: baking.arn.clone(),
                hook: None,
            },
        )
        .await
        .expect("plan");
    let steps = plan.steps.join(" ");
    assert!(
        steps.contains("Production traffic goes back to the old tasks"),
        "{steps}"
    );
    assert!(steps.contains("no new tasks are started"), "{steps}");
    assert!(!plan.downtime_expected);
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .expect("executed");
    let verdict = r.drive(&updates, 60, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert!(
        verdict.headline.starts_with("Rolled back:"),
        "{}",
        verdict.headline
    );
    // Exactly one StopServiceDeployment; no UpdateService, no task started.
    assert_eq!(
        calls(&endpoint, "ecs:StopServiceDeployment").await,
        stops + 1
    );
    assert_eq!(r.update_calls().await, updates_before);
    let after = r.current(service).await;
    assert_eq!(after.status, "ROLLBACK_SUCCESSFUL");
    let snap = snapshot::read(&session, CLUSTER, service, true)
        .await
        .expect("reading");
    let started: Vec<&str> = snap
        .tasks
        .iter()
        .filter(|t| !tasks_before.contains(&t.id))
        .map(|t| t.id.as_str())
        .collect();
    assert!(
        started.is_empty(),
        "tasks started by the rollback: {started:?}"
    );
    assert_eq!(snap.deployments.len(), 1, "{:?}", snap.deployments);
    assert!(snap.running_tasks().count() >= 1);
    assert_eq!(after.rolled_back_to.as_deref().unwrap_or(&old), old);
    let audit = r
        .center
        .list_audit(&AuditFilter::default())
        .expect("audit")
        .entries;
    assert_eq!(audit[0].record.action, "rollBackDeployment");
    assert_eq!(audit[0].verdict.as_deref(), Some("completed"));
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canary_restart_is_watched_stage_by_stage_to_its_verdict() {
    let r = rig().await;
    let service = "pricing-canary-Service";
    // Let the deployment the demo started finish first (20 min canary, 10 min bake).
    for _ in 0..8 {
        advance(&r.sim, 300.0).await;
    }
    assert_eq!(r.current(service).await.status, "SUCCESSFUL");
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            CLUSTER,
            service,
            ActionRequest::ForceNewDeployment,
        )
        .await
        .expect("plan");
    let steps = plan.steps.join(" ");
    assert!(
        steps.contains(
            "10 % of production traffic goes to the new tasks for 20 minutes; then all of it."
        ),
        "{steps}"
    );
    assert!(
        plan.risk_sentence
            .contains("A canary deployment takes at least 30 minutes"),
        "{}",
        plan.risk_sentence
    );
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .expect("executed");
    let verdict = r.drive_by(&updates, 120, 30.0, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    let seen = updates.all();
    let stages: Vec<&str> = seen.iter().filter_map(|u| u.stage.as_deref()).collect();
    for stage in ["PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME"] {
        assert!(stages.contains(&stage), "{stage} not seen: {stages:?}");
    }
    assert!(
        seen.iter().any(|u| u.new_traffic_percent == Some(10.0)
            && u.phase
                .contains("10 % of production traffic is on the new tasks")),
        "the canary's 10 % was not shown"
    );
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_deployment_is_continued_and_a_later_one_rolled_back_each_audited() {
    let r = rig().await;
    let service = "search-linear-Service";
    let paused = r.current(service).await;
    let hook = paused
        .paused_hook()
        .expect("the demo's deployment waits at its pause")
        .hook_id
        .clone();
    let updates = Updates::default();
    r.run(
        service,
        ActionRequest::ContinueDeployment {
            deployment: paused.arn.clone(),
            hook,
        },
        &updates,
    )
    .await;
    let verdict = r.drive_by(&updates, 120, 30.0, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    assert_eq!(
        calls(&r.sim.endpoint(), "ecs:ContinueServiceDeployment").await,
        1
    );

    // A restart pauses at the same hook: the watch ends as paused, then it is rolled back.
    let restart = Updates::default();
    r.run(service, ActionRequest::ForceNewDeployment, &restart)
        .await;
    let verdict = r.drive_by(&restart, 60, 15.0, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Paused, "{verdict:?}");
    let waiting = r.current(service).await;
    assert!(waiting.paused_hook().is_some());
    let back = Updates::default();
    r.run(
        service,
        ActionRequest::RollBackDeployment {
            deployment: waiting.arn.clone(),
            hook: None,
        },
        &back,
    )
    .await;
    let verdict = r.drive_by(&back, 60, 15.0, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Completed, "{verdict:?}");
    // At a pause, the rollback answers the hook: a second ContinueServiceDeployment, no stop.
    assert_eq!(
        calls(&r.sim.endpoint(), "ecs:ContinueServiceDeployment").await,
        2
    );
    assert_eq!(
        calls(&r.sim.endpoint(), "ecs:StopServiceDeployment").await,
        0
    );
    let audit = r
        .center
        .list_audit(&AuditFilter::default())
        .expect("audit")
        .entries;
    let lines: Vec<(&str, Option<&str>)> = audit
        .iter()
        .map(|e| (e.record.action.as_str(), e.verdict.as_deref()))
        .collect();
    assert_eq!(
        lines,
        [
            ("rollBackDeployment", Some("completed")),
            ("forceNewDeployment", Some("paused")),
            ("continueDeployment", Some("completed")),
        ]
    );
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_without_the_history_operations_falls_back_and_says_so_once() {
    let r = rig().await;
    let endpoint = r.sim.endpoint();
    control(
        &endpoint,
        "POST",
        "faults",
        r#"{"operation":"ListServiceDeployments","kind":"unknown_operation","count":100}"#,
    )
    .await;
    control(
        &endpoint,
        "POST",
        "faults",
        r#"{"operation":"DescribeServiceDeployments","kind":"unknown_operation","count":100}"#,
    )
    .await;
    let session = r.registry.get(&r.com.id).await.expect("session");
    let service = "storefront-bluegreen-Service";
    let tab = service_deployments(&session, CLUSTER, service)
        .await
        .expect("tab");
    assert!(!tab.history.available);
    assert!(tab
        .history
        .note
        .as_deref()
        .is_some_and(|n| n.contains("not available in this region")));
    assert!(
        !tab.deployments.is_empty(),
        "what DescribeServices lists is still shown"
    );
    // Asked once: the region is remembered, the tab and the snapshot stop asking.
    let listed = calls(&endpoint, "ecs:ListServiceDeployments").await;
    let described = calls(&endpoint, "ecs:DescribeServiceDeployments").await;
    service_deployments(&session, CLUSTER, service)
        .await
        .expect("tab again");
    let snap = snapshot::read(&session, CLUSTER, service, false)
        .await
        .expect("reading");
    assert!(snap.service_deployment.is_none());
    assert_eq!(calls(&endpoint, "ecs:ListServiceDeployments").await, listed);
    assert_eq!(
        calls(&endpoint, "ecs:DescribeServiceDeployments").await,
        described
    );
    // Rollback then deploys an earlier revision, as before.
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            CLUSTER,
            service,
            ActionRequest::Rollback { revision: 1 },
        )
        .await
        .expect("revision rollback plan");
    assert!(plan.alternative.is_none());
    r.sim.shutdown().await;
}
