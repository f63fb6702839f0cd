//! "Who changed this service" against the simulator's CloudTrail: the demo's history by other
//! people read in plain words (who, as what, from where), in as many lookups as change events,
//! paced under the 2-calls-a-second limit; and a restart made through ECS Desk listed as such.

use crate::action_rig::{rig, Updates};
use crate::sso_support::{calls, control};
use ecsdesk_core::model::change::ActorKind;
use ecsdesk_core::read::changes::{service_changes, CHANGE_EVENTS};
use ecsdesk_core::ActionRequest;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_changes_by_anyone_read_in_plain_words_and_include_ecs_desks_own() {
    let r = rig().await;
    let endpoint = r.sim.endpoint();
    let (cluster, service) = ("coe-ecs-staging", "api-staging-Service");
    let session = r.registry.get(&r.com.id).await.expect("session");
    let t0 = std::time::Instant::now();
    let tab = service_changes(&session, cluster, service, None)
        .await
        .expect("changes");
    // One lookup per change event, paced: four calls take at least 1.5 s and none is throttled.
    assert_eq!(
        calls(&endpoint, "cloudtrail:LookupEvents").await,
        CHANGE_EVENTS.len() as u64
    );
    assert!(t0.elapsed() >= std::time::Duration::from_millis(1500));
    let what: Vec<(&str, &str, &str)> = tab
        .changes
        .iter()
        .map(|c| (c.who.as_str(), c.via.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(
        what[0],
        (
            "alice@example.com",
            "AWS console",
            "Restarted it (forced a new deployment)"
        ),
        "{what:?}"
    );
    assert!(
        what.contains(&(
            "GitHubActions",
            "AWS CLI",
            "Changed the task definition to api-staging:3"
        )),
        "{what:?}"
    );
    assert!(
        what.contains(&(
            "GitHubActions",
            "AWS CLI",
            "Registered a new revision of api-staging"
        )),
        "{what:?}"
    );
    assert!(
        what.contains(&(
            "bob@example.com",
            "AWS console",
            "Stopped task 5d1e0c8a2b7f4e6b9c3a1f0e8d7c6b5a: “stuck on a database lock”"
        )),
        "{what:?}"
    );
    assert!(
        what.contains(&("terraform-run-8842", "Terraform", "Changed how it deploys")),
        "{what:?}"
    );
    let ci = tab
        .changes
        .iter()
        .find(|c| c.who == "GitHubActions")
        .expect("ci");
    assert_eq!(ci.actor, ActorKind::Pipeline);
    assert_eq!(ci.role.as_deref(), Some("github-actions-deploy"));
    assert_eq!(tab.changes[0].actor, ActorKind::Person);
    // Other services' changes (the web service's limits) are not listed here.
    assert!(tab
        .changes
        .iter()
        .all(|c| !c.what.contains("auto scaling limits")));

    // A restart through ECS Desk shows up once CloudTrail has delivered it, as ECS Desk's.
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
        .expect("plan");
    let updates = Updates::default();
    r.center
        .execute(&r.registry, &plan.plan_id, Some(service), updates.sink())
        .await
        .expect("restart");
    control(&endpoint, "POST", "clock/advance", r#"{"seconds": 301}"#).await;
    let fresh = r
        .registry
        .open(crate::demo::commercial(&endpoint), None)
        .await
        .expect("a fresh session (no cached answer)");
    let session = r.registry.get(&fresh.id).await.expect("session");
    let tab = service_changes(&session, cluster, service, None)
        .await
        .expect("changes");
    let ours = &tab.changes[0];
    assert_eq!(
        (ours.who.as_str(), ours.via.as_str()),
        ("demo-commercial", "ECS Desk"),
        "{ours:?}"
    );
    assert_eq!(ours.what, "Restarted it (forced a new deployment)");
    r.sim.shutdown().await;
}
