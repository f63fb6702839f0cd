//! Auto scaling against the simulator's `autoscaling` cluster: the tab's limits, policies,
//! schedules and activities in plain words with the thrashing and at-maximum warnings, what it
//! costs in calls, and a scale plan beyond the maximum that offers to widen the limits and, run,
//! changes both in one audited action.

use crate::action_rig::{rig, Rig, Updates};
use crate::sso_support::calls;
use ecsdesk_core::model::action::VerdictOutcome;
use ecsdesk_core::model::scaling::{Direction, ScalingLimits};
use ecsdesk_core::read::scaling::service_scaling;
use ecsdesk_core::store::audit::{AuditEntry, AuditFilter};
use ecsdesk_core::ActionRequest;

const CLUSTER: &str = "autoscaling";
const WEB: &str = "web-autoscaled-Service";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tab_reads_limits_policies_schedules_and_warns_of_thrashing_and_the_maximum() {
    let r = rig().await;
    let session = r.registry.get(&r.com.id).await.expect("session");
    let web = service_scaling(&session, CLUSTER, WEB).await.expect("web");
    assert_eq!(web.limits, Some(ScalingLimits { min: 2, max: 8 }));
    assert_eq!(web.policies.len(), 1);
    assert!(
        web.policies[0]
            .summary
            .starts_with("Keeps average CPU near 60 %"),
        "{}",
        web.policies[0].summary
    );
    let when: Vec<&str> = web.scheduled.iter().map(|s| s.when.as_str()).collect();
    assert_eq!(
        when,
        [
            "Weekdays at 07:00 (America/New_York)",
            "Every day at 21:00 (America/New_York)"
        ]
    );
    assert_eq!(web.scheduled[0].sets, "min 3, max 8");
    assert!(web.activities.iter().any(|a| a.direction == Direction::Out));
    assert!(web.activities.iter().any(|a| a.direction == Direction::In));
    assert!(
        web.activities[0].why.starts_with("Load "),
        "{:?}",
        web.activities[0]
    );
    let codes: Vec<&str> = web.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["thrashing"], "{:?}", web.warnings);
    // Target, policies, schedules and activities: one call each.
    let endpoint = r.sim.endpoint();
    for op in [
        "DescribeScalableTargets",
        "DescribeScalingPolicies",
        "DescribeScheduledActions",
        "DescribeScalingActivities",
    ] {
        let key = format!("application-autoscaling:{op}");
        assert_eq!(calls(&endpoint, &key).await, 1, "{op}");
    }

    let worker = service_scaling(&session, CLUSTER, "queue-worker-Service")
        .await
        .expect("worker");
    let at_max = worker.warnings.iter().find(|w| w.code == "atMaximum");
    let message = at_max.map(|w| w.message.as_str()).unwrap_or_default();
    assert!(message.contains("wanted 5"), "{:?}", worker.warnings);
    assert!(worker.policies.iter().any(|p| p.kind == "Step scaling"));

    // A service without auto scaling costs one more DescribeScalableTargets and nothing else.
    let plain = service_scaling(&session, "coe-ecs-staging", "api-staging-Service")
        .await
        .expect("plain");
    assert_eq!(plain.limits, None);
    assert_eq!(
        calls(&endpoint, "application-autoscaling:DescribeScalingPolicies").await,
        2
    );
    r.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaling_above_the_maximum_is_planned_with_wider_limits_and_both_change() {
    let r = rig().await;
    let plan = r
        .center
        .plan(
            &r.registry,
            &r.com.id,
            CLUSTER,
            WEB,
            ActionRequest::SetDesiredCount {
                desired: 12,
                limits: None,
            },
        )
        .await
        .expect("plan");
    assert!(
        plan.notes[0].starts_with("Auto scaling keeps this service between 2 and 8 tasks: within minutes it will change 12 back to 8."),
        "{:?}",
        plan.notes
    );
    let alt = plan.alternative.clone().expect("wider limits offered");
    let wider = scale_to_12_within_2_to_12();
    assert_eq!(alt.action, wider);

    let plan = r
        .center
        .plan(&r.registry, &r.com.id, CLUSTER, WEB, wider)
        .await
        .expect("plan with limits");
    assert!(
        plan.steps[0].contains("from 2–8 tasks to 2–12 tasks"),
        "{:?}",
        plan.steps
    );
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(WEB), updates.sink())
        .await
        .expect("executed");
    let endpoint = r.sim.endpoint();
    assert_eq!(
        calls(&endpoint, "application-autoscaling:RegisterScalableTarget").await,
        1
    );
    let session = r.registry.get(&r.com.id).await.expect("session");
    let limits = ecsdesk_core::read::scaling::limits(&session, CLUSTER, WEB)
        .await
        .expect("limits");
    assert_eq!(limits, Some(ScalingLimits { min: 2, max: 12 }));
    let entry = audited(&r);
    assert!(
        entry.record.plan_summary.contains("2–12 tasks"),
        "{}",
        entry.record.plan_summary
    );
    assert_eq!(entry.record.parameters["max"], 12);
    r.sim.shutdown().await;
}

/// Auto scaling moving the count between plan and confirmation (one more task) does not refuse
/// a scale up to 12, and the audit says from which count it ran. A scale whose count something
/// else replaces before it is reached (here a pipeline setting 4 while 12 start) ends as
/// overridden, naming auto scaling as what moves this service's count, instead of waiting for 12
/// until the time limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scale_replaced_by_another_count_ends_as_overridden() {
    let r = rig().await;
    let wider = scale_to_12_within_2_to_12();
    let plan = r
        .center
        .plan(&r.registry, &r.com.id, CLUSTER, WEB, wider)
        .await
        .expect("plan");
    let session = r.registry.get(&r.com.id).await.expect("session");
    session
        .ecs
        .update_service()
        .cluster(CLUSTER)
        .service(WEB)
        .desired_count(plan.desired + 1)
        .send()
        .await
        .expect("the scaler's move");
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(WEB), updates.sink())
        .await
        .expect("the same scale up runs");
    session
        .ecs
        .update_service()
        .cluster(CLUSTER)
        .service(WEB)
        .desired_count(4)
        .send()
        .await
        .expect("the other change");
    let verdict = r.drive(&updates, 60, || async {}).await;
    assert_eq!(verdict.outcome, VerdictOutcome::Overridden, "{verdict:?}");
    assert_eq!(
        verdict.headline,
        "The desired count of web-autoscaled-Service is now 4, not the 12 this action set."
    );
    assert!(
        verdict
            .detail
            .starts_with("Auto scaling manages this service (2–12 tasks)"),
        "{}",
        verdict.detail
    );
    let entry = audited(&r);
    assert_eq!(entry.verdict.as_deref(), Some("overridden"));
    assert_eq!(
        entry.record.message.clone().unwrap_or_default(),
        format!(
            "The desired count was {} when this ran ({} when planned).",
            plan.desired + 1,
            plan.desired
        )
    );
    r.sim.shutdown().await;
}

/// The scale to 12 with the limits widened to 2–12 that the plan offers.
fn scale_to_12_within_2_to_12() -> ActionRequest {
    ActionRequest::SetDesiredCount {
        desired: 12,
        limits: Some(ScalingLimits { min: 2, max: 12 }),
    }
}

/// The audit entry of the web service's action.
fn audited(r: &Rig) -> AuditEntry {
    let audit = r.center.list_audit(&AuditFilter::default()).expect("audit");
    audit
        .entries
        .into_iter()
        .find(|e| e.record.service == WEB)
        .expect("audited")
}
