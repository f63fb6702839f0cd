//! Service health against the real simulator (demo scenario): roll-ups, metrics and charts,
//! targets, alarms, deployments, events, stopped-task diagnoses and logs.

use std::sync::Arc;
use std::time::Duration;

use ecsdesk_core::app::charts as app_charts;
use ecsdesk_core::app::health;
use ecsdesk_core::model::diagnosis::StopCause;
use ecsdesk_core::model::health::HealthLevel;
use ecsdesk_core::model::metrics::{MetricRange, RangePreset};
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::read::diagnosis;
use ecsdesk_core::read::log_follow::{LogBatch, LogFollows};
use ecsdesk_core::read::logs;
use ecsdesk_core::read::logs::LogQuery;
use ecsdesk_core::read::metrics::MetricsCache;
use ecsdesk_core::read::{alarms, deployments, events, targets};
use ecsdesk_core::render::charts::{ChartOptions, Theme};
use ecsdesk_core::Session;
use ecsdesk_sim::SimHandle;

const PROD: &str = "coe-ecs-prod";
const STAGING: &str = "coe-ecs-staging";

/// The GovCloud and commercial demo sessions.
async fn sessions(sim: &SimHandle) -> (Arc<Session>, Arc<Session>) {
    let (registry, g, c) = crate::demo::both(&sim.endpoint()).await;
    (
        registry.get(&g.id).await.expect("gov"),
        registry.get(&c.id).await.expect("commercial"),
    )
}

/// Calls the simulator's control API (the app itself never does this).
async fn control(sim: &SimHandle, method: &str, path: &str, body: &str) -> serde_json::Value {
    let body =
        (!body.is_empty()).then(|| serde_json::from_str(body).expect("control body is JSON"));
    sim.control()
        .call(method, path, body)
        .await
        .unwrap_or_else(|e| panic!("control API: {e}"))
}

/// How many GetMetricData calls the simulator has served.
async fn metric_calls(sim: &SimHandle) -> u64 {
    control(sim, "GET", "/_sim/calls", "").await["cloudwatch:GetMetricData"]
        .as_u64()
        .unwrap_or(0)
}

fn options(theme: Theme) -> ChartOptions {
    ChartOptions {
        width: 640,
        height: 240,
        theme,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_roll_up_marks_crash_loop_and_oom_red_and_healthy_green() {
    let sim = crate::demo::sim("demo").await;
    let (gov, com) = sessions(&sim).await;
    let t = Thresholds::default();
    let staging = health::services_health(&com, STAGING, &t)
        .await
        .expect("list health");
    let get = |name: &str| {
        staging
            .iter()
            .find(|h| h.service == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let worker = get("worker-staging-Service");
    assert_eq!(worker.level, HealthLevel::Red, "{worker:?}");
    assert!(!worker.full);
    // The list reads no logs, so it sees a crash loop but not yet its cause.
    assert!(
        worker
            .reasons
            .iter()
            .any(|r| r.check == "stoppedTasks" && r.text.contains("Tasks keep stopping")),
        "{:?}",
        worker.reasons
    );
    assert!(worker
        .reasons
        .iter()
        .any(|r| r.text.starts_with("No tasks are running")));
    let reports = get("reports-staging-Service");
    assert_eq!(reports.level, HealthLevel::Red, "{reports:?}");
    assert!(
        reports.summary.contains("out of memory"),
        "{}",
        reports.summary
    );
    assert_eq!(get("api-staging-Service").level, HealthLevel::Green);

    let prod = health::services_health(&gov, PROD, &t).await.expect("prod");
    let etl = prod
        .iter()
        .find(|h| h.service == "coe-etl-prod-Service")
        .expect("etl");
    assert_eq!(etl.level, HealthLevel::Green, "{etl:?}");
    assert!(etl.summary.starts_with("Healthy"), "{}", etl.summary);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_roll_up_weighs_targets_alarms_and_thresholds() {
    let sim = crate::demo::sim("demo").await;
    let (gov, com) = sessions(&sim).await;
    let cache = MetricsCache::new();
    let t = Thresholds::default();
    let etl = health::service_health(&gov, &cache, PROD, "coe-etl-prod-Service", &t)
        .await
        .expect("etl health");
    assert_eq!(etl.level, HealthLevel::Green, "{etl:?}");
    assert!(etl.full);
    assert!(etl.notes.is_empty(), "{:?}", etl.notes);
    let latest = etl.latest.expect("metrics read");
    assert!(latest.cpu_percent.is_some_and(|c| c < 70.0), "{latest:?}");
    assert!(latest.requests.is_some_and(|r| r > 0.0), "{latest:?}");
    assert!(
        etl.summary.contains("all targets healthy"),
        "{}",
        etl.summary
    );

    let search = health::service_health(&com, &cache, STAGING, "search-staging-Service", &t)
        .await
        .expect("search health");
    assert!(search.level >= HealthLevel::Amber, "{search:?}");
    let cpu = search
        .reasons
        .iter()
        .find(|r| r.check == "cpu")
        .expect("a CPU finding");
    assert!(cpu.text.contains("above the 70 % limit"), "{}", cpu.text);
    assert!(search.reasons.iter().any(|r| r.check == "alarms"));
    // A looser CPU limit drops the CPU finding.
    let loose = Thresholds {
        cpu_percent: 99.0,
        ..t
    };
    let relaxed = health::service_health(&com, &cache, STAGING, "search-staging-Service", &loose)
        .await
        .expect("relaxed");
    assert!(relaxed.reasons.iter().all(|r| r.check != "cpu"));

    // The service page reads the crashed tasks' last log lines and names the cause.
    let worker = health::service_health(&com, &cache, STAGING, "worker-staging-Service", &t)
        .await
        .expect("worker");
    assert_eq!(worker.level, HealthLevel::Red);
    assert!(
        worker
            .reasons
            .iter()
            .any(|r| r.check == "stoppedTasks" && r.text.contains("another CPU architecture")),
        "{:?}",
        worker.reasons
    );
    sim.shutdown().await;
}

/// Target tracking keeps its low alarm in ALARM whenever load is low; counted as trouble, every
/// autoscaled service at its minimum would be red (api-staging-Service was, before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_tracking_alarms_are_scaling_not_trouble() {
    let sim = crate::demo::sim("demo").await;
    let (_, com) = sessions(&sim).await;
    let found = alarms::service_alarms(&com, STAGING, "api-staging-Service")
        .await
        .expect("alarms");
    let low = found
        .iter()
        .find(|a| a.name.contains("-AlarmLow-"))
        .expect("the low target-tracking alarm");
    assert_eq!(low.state, "ALARM", "{low:?}");
    assert!(low.scaling);
    let scaling = found.iter().filter(|a| a.scaling).count();
    assert_eq!(scaling, 2, "{found:?}");
    assert!(found
        .iter()
        .any(|a| a.name == "api-staging-Service-high-cpu" && !a.scaling));
    let cache = MetricsCache::new();
    let api = health::service_health(
        &com,
        &cache,
        STAGING,
        "api-staging-Service",
        &Thresholds::default(),
    )
    .await
    .expect("api health");
    assert_eq!(api.level, HealthLevel::Green, "{api:?}");
    assert!(
        api.reasons.iter().all(|r| r.check != "alarms"),
        "{:?}",
        api.reasons
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_get_metric_data_call_per_service_page_and_range() {
    let sim = crate::demo::sim("demo").await;
    let (gov, _) = sessions(&sim).await;
    let cache = MetricsCache::new();
    let t = Thresholds::default();
    let hour = MetricRange::preset(RangePreset::H1);
    let before = metric_calls(&sim).await;
    // The service page: health banner + charts of the default range + a PNG export.
    health::service_health(&gov, &cache, PROD, "coe-etl-prod-Service", &t)
        .await
        .expect("health");
    let page = app_charts::service_metrics(
        &gov,
        &cache,
        PROD,
        "coe-etl-prod-Service",
        &hour,
        &t,
        &options(Theme::Light),
    )
    .await
    .expect("charts");
    let dir = tempfile::tempdir().expect("tempdir");
    let png = app_charts::export_chart_png(
        &gov,
        &cache,
        PROD,
        "coe-etl-prod-Service",
        &hour,
        &t,
        &options(Theme::Dark),
        "cpu",
        dir.path(),
    )
    .await
    .expect("png");
    assert_eq!(
        metric_calls(&sim).await - before,
        1,
        "one call for the 1 h range"
    );
    assert!(std::fs::read(&png)
        .expect("png file")
        .starts_with(b"\x89PNG"));

    let ids: Vec<&str> = page.charts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["cpu", "memory", "requests", "errors", "latency", "targets"]
    );
    assert_eq!(page.window.period, 60);
    for chart in &page.charts {
        assert!(!chart.empty, "{} has data", chart.id);
        assert!(chart.svg.contains(&chart.title), "{} titled", chart.id);
        assert!(chart.series.iter().all(|s| !s.points.is_empty()));
    }
    let cpu = &page.charts[0];
    assert_eq!(cpu.threshold, Some(70.0));
    assert!(cpu.svg.contains("limit 70 %"));
    let latency = &page.charts[4];
    assert_eq!(latency.unit, "ms");
    let p90 = &latency.series[1].points;
    let avg = &latency.series[0].points;
    let mean = |p: &[(i64, f64)]| p.iter().map(|x| x.1).sum::<f64>() / p.len() as f64;
    assert!(mean(p90) > mean(avg), "p90 above the average");

    // Another range is one more call; the same range again within a minute is none.
    let week = MetricRange::preset(RangePreset::W1);
    let weekly = app_charts::service_metrics(
        &gov,
        &cache,
        PROD,
        "coe-etl-prod-Service",
        &week,
        &t,
        &options(Theme::Dark),
    )
    .await
    .expect("week");
    assert_eq!(metric_calls(&sim).await - before, 2);
    assert_eq!(weekly.window.period, 900);
    assert!(
        weekly.charts[0].svg.contains("deploy :3"),
        "the deployment of revision 3 (26 h ago) is marked"
    );
    app_charts::service_metrics(
        &gov,
        &cache,
        PROD,
        "coe-etl-prod-Service",
        &week,
        &t,
        &options(Theme::Light),
    )
    .await
    .expect("week again");
    assert_eq!(metric_calls(&sim).await - before, 2);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_alarms_deployments_and_events() {
    let sim = crate::demo::sim("demo").await;
    let (gov, com) = sessions(&sim).await;
    let groups = targets::target_health(&gov, PROD, "coe-etl-prod-Service")
        .await
        .expect("targets");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name, "coe-etl-prod-tg");
    assert_eq!(
        groups[0].load_balancer_name.as_deref(),
        Some("coe-prod-alb")
    );
    assert_eq!(groups[0].healthy, 1);
    assert_eq!(groups[0].targets[0].port, Some(5000));
    assert!(groups[0].targets[0].id.contains('.'), "an IP target");

    let found = alarms::service_alarms(&gov, PROD, "coe-etl-prod-Service")
        .await
        .expect("alarms");
    let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "coe-etl-prod-Service-high-cpu",
            "coe-etl-prod-Service-unhealthy-targets"
        ],
        "only this service's alarms (not coe-api-prod's on the same ALB)"
    );
    let worker_alarms = alarms::service_alarms(&com, STAGING, "worker-staging-Service")
        .await
        .expect("worker alarms");
    assert_eq!(worker_alarms[0].state, "ALARM", "ALARM first");

    let deps = deployments::service_deployments(&gov, PROD, "coe-etl-prod-Service")
        .await
        .expect("deployments");
    assert_eq!(deps.task_definition, "coe-etl-prod:3");
    assert_eq!(
        deps.previous_task_definition.as_deref(),
        Some("coe-etl-prod:2")
    );
    assert_eq!(deps.deployments[0].status, "PRIMARY");
    assert_eq!(deps.deployments[0].revision, 3);
    let diff = deployments::task_definition_diff(&gov, "coe-etl-prod:2", "coe-etl-prod:3")
        .await
        .expect("diff");
    assert!(
        diff.changes
            .iter()
            .any(|c| c.field == "image"
                && c.after.as_deref().is_some_and(|i| i.ends_with(":v9.12.1")))
    );
    assert!(diff
        .changes
        .iter()
        .any(|c| c.field == "environment" && c.after.as_deref() == Some("MEDIA_URL")));
    assert!(
        !diff
            .changes
            .iter()
            .any(|c| c.before.as_deref() == Some("20") || c.after.as_deref() == Some("20")),
        "environment values never appear"
    );

    let evs = events::service_events(&gov, PROD, "coe-etl-prod-Service")
        .await
        .expect("events");
    assert!(evs.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    assert!(evs.iter().any(
        |e| e.kind == ecsdesk_core::model::event::EventKind::SteadyState && e.gloss.is_some()
    ));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_tasks_are_diagnosed() {
    let sim = crate::demo::sim("demo").await;
    let (_, com) = sessions(&sim).await;
    let oom = diagnosis::stopped_tasks(&com, STAGING, "reports-staging-Service")
        .await
        .expect("reports");
    let first = oom.first().expect("a stopped task");
    assert_eq!(first.diagnosis.cause, StopCause::OutOfMemory, "{first:?}");
    assert!(first.containers.iter().any(|c| c.exit_code == Some(137)));
    assert!(first.diagnosis.advice.contains("memory"));

    let crash = diagnosis::stopped_tasks(&com, STAGING, "worker-staging-Service")
        .await
        .expect("worker");
    assert!(
        crash.len() >= 2,
        "a crash loop leaves several stopped tasks"
    );
    // The newest ten failed tasks get their last log lines read (a bounded number of calls).
    assert!(crash
        .iter()
        .take(10)
        .all(|t| t.diagnosis.cause == StopCause::WrongArchitecture));
    assert!(crash[0].diagnosis.advice.contains("ARM image on X86_64"));
    assert!(crash[0]
        .last_lines
        .iter()
        .any(|l| l.contains("exec /sbin/api-server: exec format error")));
    sim.shutdown().await;
}

/// AWS reclaims Fargate Spot tasks (stop code SpotInterruption, exit 143 after SIGTERM): shown as
/// reclaimed, and not counted as the service failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spot_reclaims_are_shown_as_such_and_not_counted_as_failures() {
    let sim = crate::demo::sim("demo").await;
    let (_, com) = sessions(&sim).await;
    let (cluster, service) = ("service-kinds", "spot-batch-Service");
    let stopped = diagnosis::stopped_tasks(&com, cluster, service)
        .await
        .expect("stopped tasks");
    let reclaimed = stopped
        .iter()
        .filter(|t| t.diagnosis.cause == StopCause::SpotInterruption)
        .count();
    assert!(reclaimed >= 1, "{stopped:?}");
    assert!(stopped
        .iter()
        .all(|t| t.stop_code.as_deref() == Some("SpotInterruption")));
    let detail = ecsdesk_core::read::services::get_service(&com, cluster, service)
        .await
        .expect("service");
    assert_eq!(detail.summary.launch_type.as_deref(), Some("FARGATE_SPOT"));
    let cache = MetricsCache::new();
    let h = health::service_health(&com, &cache, cluster, service, &Thresholds::default())
        .await
        .expect("health");
    assert_eq!(h.level, HealthLevel::Green, "{h:?}");
    sim.shutdown().await;
}

/// The minute ECS takes to start a reclaimed Spot task's replacement is the service working as
/// designed: green, and said so (a CI run once caught the banner amber at that moment).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spot_replacement_starting_keeps_the_service_green() {
    let sim = crate::demo::sim("demo").await;
    let (_, com) = sessions(&sim).await;
    let (cluster, service) = ("service-kinds", "spot-batch-Service");
    // A Spot task is reclaimed 20–40 minutes after it starts and its replacement takes 20 s to
    // run: 15 s steps over 45 minutes land inside at least one such window.
    let mut caught = None;
    for _ in 0..180 {
        sim.control().advance_clock(15.0).await.expect("advance");
        let described = com
            .ecs
            .describe_services()
            .cluster(cluster)
            .services(service)
            .send()
            .await
            .expect("describe");
        let s = &described.services()[0];
        if s.running_count() < s.desired_count() {
            caught = Some((s.running_count(), s.desired_count()));
            break;
        }
    }
    let (running, desired) = caught.expect("no Spot reclaim in 45 minutes");
    // A fresh session: nothing read before the reclaim is reused.
    let (_, fresh) = sessions(&sim).await;
    let h = health::service_health(
        &fresh,
        &MetricsCache::new(),
        cluster,
        service,
        &Thresholds::default(),
    )
    .await
    .expect("health");
    assert_eq!(h.level, HealthLevel::Green, "{h:?}");
    assert_eq!(
        h.summary,
        format!("{running} of {desired} tasks are running: Fargate Spot reclaimed one and its replacement is starting.")
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_sources_recent_errors_search_and_save() {
    let sim = crate::demo::sim("demo").await;
    let (gov, com) = sessions(&sim).await;
    let sources = logs::log_sources(&gov, PROD, "coe-etl-prod-Service")
        .await
        .expect("sources");
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].group, "/ecs/coe-etl-prod");
    assert_eq!(sources[0].container_prefix().as_deref(), Some("ecs/api/"));

    let recent = logs::recent(&gov, &sources[0].group, None, 200)
        .await
        .expect("recent");
    assert!(!recent.is_empty() && recent.len() <= 200);
    assert!(recent.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));

    let worker = logs::log_sources(&com, STAGING, "worker-staging-Service")
        .await
        .expect("worker sources");
    let errors = logs::errors_last_hour(&com, &worker[0].group, worker[0].container_prefix())
        .await
        .expect("errors");
    assert!(
        errors.lines.iter().any(|l| l
            .message
            .contains("exec /sbin/api-server: exec format error")),
        "{:?}",
        errors.lines.iter().take(5).collect::<Vec<_>>()
    );

    // A free search pages through every line of a day.
    let mut query = LogQuery {
        group: "/ecs/coe-etl-prod".into(),
        pattern: Some("INFO".into()),
        start: Some(chrono::Utc::now().timestamp_millis() - 86_400_000),
        limit: Some(500),
        ..Default::default()
    };
    let mut total = 0;
    let mut pages = 0;
    loop {
        let page = logs::search(&gov, &query).await.expect("page");
        assert!(page.lines.iter().all(|l| l.message.contains("INFO")));
        total += page.lines.len();
        pages += 1;
        match page.next_token {
            Some(t) if pages < 100 => query.next_token = Some(t),
            _ => break,
        }
    }
    assert!(pages > 1 && total > 500, "{pages} pages, {total} lines");

    let dir = tempfile::tempdir().expect("tempdir");
    let views = ecsdesk_core::app::observability::Observability::new(dir.path().to_path_buf());
    let path = views
        .log_save("/ecs/coe-etl/../x", &errors.lines)
        .expect("save");
    assert!(path.starts_with(&*dir.path().to_string_lossy()), "{path}");
    assert!(path.ends_with(".txt"), "{path}");
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains("exec format error"));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_delivers_new_lines_after_the_clock_moves_and_pauses() {
    let sim = crate::demo::sim("demo").await;
    let (gov, _) = sessions(&sim).await;
    let follows = LogFollows::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<LogBatch>();
    let id = follows.start(
        gov.clone(),
        LogQuery {
            group: "/ecs/coe-etl-prod".into(),
            start: Some(chrono::Utc::now().timestamp_millis() - 120_000),
            ..Default::default()
        },
        Duration::from_millis(150),
        move |batch| tx.send(batch).is_ok(),
    );
    let first = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a first batch")
        .expect("open");
    assert!(first.error.is_none());
    let mut newest = first.lines.iter().map(|l| l.timestamp).max().unwrap_or(0);
    let mut seen: std::collections::HashSet<String> = first
        .lines
        .iter()
        .filter_map(|l| l.event_id.clone())
        .collect();
    // Drain what the first polls found, then move the simulated clock five minutes on.
    while let Ok(Some(b)) = tokio::time::timeout(Duration::from_millis(600), rx.recv()).await {
        for l in &b.lines {
            assert!(
                seen.insert(l.event_id.clone().unwrap_or_default()),
                "no repeats"
            );
            newest = newest.max(l.timestamp);
        }
    }
    control(&sim, "POST", "/_sim/clock/advance", r#"{"seconds":300}"#).await;
    let later = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("new lines after the clock moved")
        .expect("open");
    assert!(!later.lines.is_empty());
    assert!(later.lines.iter().all(|l| l.timestamp >= newest));
    assert!(later.lines.iter().any(|l| l.timestamp > newest + 60_000));
    for l in &later.lines {
        assert!(
            seen.insert(l.event_id.clone().unwrap_or_default()),
            "no repeats"
        );
    }

    // Paused: nothing arrives; resumed: the lines written meanwhile do.
    follows.pause(&id).expect("pause");
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(400), rx.recv()).await {}
    control(&sim, "POST", "/_sim/clock/advance", r#"{"seconds":120}"#).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(700), rx.recv())
            .await
            .is_err(),
        "no batches while paused"
    );
    follows.resume(&id).expect("resume");
    let resumed = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("lines after resume")
        .expect("open");
    assert!(!resumed.lines.is_empty());
    follows.stop(&id).expect("stop");
    assert!(!follows.is_running(&id));
    assert_eq!(follows.stop(&id).unwrap_err().code(), "NotFound");
    sim.shutdown().await;
}
