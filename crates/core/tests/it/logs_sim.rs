//! Logs as CloudWatch Logs serves them, against the simulator: a stream's `lastEventTimestamp`
//! lags (so "recent lines" must not pick streams by it), and GetLogEvents answers with partial
//! pages (so a tail follows its token).

use crate::sso_support::control;
use ecsdesk_core::read::logs;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_lines_include_a_task_started_a_minute_ago_and_tails_are_whole() {
    let sim = ecsdesk_sim::start(ecsdesk_sim::SimConfig {
        port: 0,
        scenario: "demo".into(),
        speed: 0.000_001,
    })
    .await
    .expect("simulator starts");
    let (registry, _, com) = crate::demo::both(&sim.endpoint()).await;
    let session = registry.get(&com.id).await.expect("session");
    let (cluster, service, group) = (
        "coe-ecs-staging",
        "search-staging-Service",
        "/ecs/search-staging",
    );

    // A restart: new tasks start and write their first lines a minute from now.
    session
        .ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .force_new_deployment(true)
        .send()
        .await
        .expect("restart");
    control(&sim.endpoint(), "POST", "clock/advance", "{\"seconds\":90}").await;
    let running = session
        .ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .send()
        .await
        .expect("tasks");
    let described = session
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(running.task_arns().to_vec()))
        .send()
        .await
        .expect("describe");
    let newest = described
        .tasks()
        .iter()
        .max_by_key(|t| t.created_at().map(|c| c.secs()))
        .and_then(|t| t.task_arn())
        .and_then(|a| a.rsplit('/').next())
        .expect("a new task")
        .to_string();

    let recent = logs::recent(&session, group, None, 200)
        .await
        .expect("recent");
    assert!(
        recent
            .iter()
            .any(|l| l.stream.as_deref().is_some_and(|s| s.ends_with(&newest))),
        "no line of task {newest}, started 90 s ago, among the recent lines"
    );
    assert!(recent.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));

    // A stream's tail longer than one GetLogEvents page comes whole, in order.
    let stream = recent
        .iter()
        .filter_map(|l| l.stream.clone())
        .find(|s| !s.ends_with(&newest))
        .expect("an older task's stream");
    let tail = logs::recent(&session, group, Some(&stream), 300)
        .await
        .expect("tail");
    assert_eq!(tail.len(), 300, "pages followed to 300 lines");
    assert!(tail.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    sim.shutdown().await;
}
