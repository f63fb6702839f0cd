//! Fleet view, palette index, local history and incident snapshots against the real simulator
//! (demo scenario), with a GovCloud and a commercial session side by side.

use ecsdesk_core::app::fleet;
use ecsdesk_core::app::fleet::SessionState;
use ecsdesk_core::app::incident as snapshot;
use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::model::health::HealthLevel;
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::store::history::History;
use ecsdesk_core::store::pins::FleetStore;
use ecsdesk_core::Partition;
use ecsdesk_sim::SimHandle;

const PROD: &str = "coe-ecs-prod";
const STAGING: &str = "coe-ecs-staging";

/// Calls the simulator's control API (the app itself never does this).
async fn control(sim: &SimHandle, method: &str, path: &str, body: &str) -> serde_json::Value {
    let body =
        (!body.is_empty()).then(|| serde_json::from_str(body).expect("control body is JSON"));
    sim.control()
        .call(method, path, body)
        .await
        .unwrap_or_else(|e| panic!("control API: {e}"))
}

async fn calls(sim: &SimHandle, op: &str) -> u64 {
    control(sim, "GET", "/_sim/calls", "").await[op]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_shows_govcloud_and_commercial_services_worst_first() {
    let sim = crate::demo::sim("demo").await;
    let (registry, gov, com) = crate::demo::both(&sim.endpoint()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = FleetStore::open(dir.path());
    store
        .pin_service(&registry, &gov.id, PROD, "coe-etl-prod-Service")
        .await
        .expect("pin gov");
    store
        .pin_service(&registry, &com.id, STAGING, "api-staging-Service")
        .await
        .expect("pin commercial");
    store
        .pin_service(&registry, &com.id, STAGING, "worker-staging-Service")
        .await
        .expect("pin crash loop");
    // A pin of an account with no open session.
    let mut other = store.pins()[1].clone();
    other.account_id = "999999999999".into();
    store.pin(other).expect("pin other account");
    // Pins come back from disk.
    let pins = FleetStore::open(dir.path()).pins();
    assert_eq!(pins.len(), 4);

    let history = History::open(&dir.path().join("history.sqlite")).expect("history");
    let before = calls(&sim, "cloudwatch:GetMetricData").await;
    let view =
        fleet::fleet_view(&registry, &pins, &|_| Thresholds::default(), Some(&history)).await;
    let after = calls(&sim, "cloudwatch:GetMetricData").await;
    // Per session and region: one GetMetricData for the sparklines of all of its pins, and one
    // for the latest CPU and memory of its pinned cluster's services (the list's roll-up).
    assert_eq!(after - before, 4, "GetMetricData calls");

    let names: Vec<&str> = view.rows.iter().map(|r| r.pin.service.as_str()).collect();
    assert_eq!(names[0], "worker-staging-Service", "worst first: {names:?}");
    assert_eq!(
        view.rows[0].health.as_ref().map(|h| h.level),
        Some(HealthLevel::Red)
    );
    // The signed-out row comes after red, before the green ones.
    assert_eq!(view.rows[1].session_state, SessionState::SignedOut);
    assert!(view.rows[1].health.is_none());
    let gov_row = view
        .rows
        .iter()
        .find(|r| r.pin.service == "coe-etl-prod-Service")
        .expect("gov row");
    assert_eq!(gov_row.pin.partition, Partition::AwsUsGov);
    assert_eq!(gov_row.session_state, SessionState::SignedIn);
    assert_eq!(gov_row.session_id.as_deref(), Some(gov.id.as_str()));
    assert_eq!(
        gov_row.health.as_ref().map(|h| h.level),
        Some(HealthLevel::Green)
    );
    assert_eq!(gov_row.desired, Some(1));
    let cpu = gov_row.cpu.as_ref().expect("cpu sparkline");
    assert!(!cpu.points.is_empty(), "{cpu:?}");
    assert!(cpu.latest.is_some());
    let api = view
        .rows
        .iter()
        .find(|r| r.pin.service == "api-staging-Service" && r.pin.account_id == com.account_id)
        .expect("commercial row");
    assert_eq!(api.pin.partition, Partition::Aws);
    assert_eq!(api.desired, Some(2));
    assert!(api.memory.is_some());
    assert_eq!((view.red, view.green, view.unknown), (1, 2, 1));
    assert!(
        api.health
            .as_ref()
            .is_some_and(|h| h.summary.contains("CPU and memory within limits")),
        "{:?}",
        api.health
    );

    // Each service is held to its own thresholds: a 1 % CPU limit on api-staging alone turns
    // its row amber, naming the limit, and leaves the others as they were. The CPU and memory
    // read a moment ago are reused (no new GetMetricData for the roll-up).
    let strict = |key: &str| {
        if key.ends_with("|coe-ecs-staging|api-staging-Service") {
            Thresholds {
                cpu_percent: 1.0,
                ..Thresholds::default()
            }
        } else {
            Thresholds::default()
        }
    };
    let before = calls(&sim, "cloudwatch:GetMetricData").await;
    let view = fleet::fleet_view(&registry, &pins, &strict, None).await;
    assert_eq!(calls(&sim, "cloudwatch:GetMetricData").await - before, 2);
    let api = view
        .rows
        .iter()
        .find(|r| r.pin.service == "api-staging-Service" && r.pin.account_id == com.account_id)
        .and_then(|r| r.health.clone())
        .expect("commercial row");
    assert_eq!(api.level, HealthLevel::Amber, "{}", api.summary);
    assert!(
        api.summary.contains("above the 1 % limit"),
        "{}",
        api.summary
    );
    assert_eq!((view.red, view.amber, view.green), (1, 1, 1));

    // Health levels were recorded once each; a second load adds nothing.
    let key = gov_row.key.clone();
    assert_eq!(history.service_history(&key).expect("read").health.len(), 1);
    fleet::fleet_view(&registry, &pins, &|_| Thresholds::default(), Some(&history)).await;
    assert_eq!(history.service_history(&key).expect("read").health.len(), 1);

    // The palette finds services of both sessions.
    let index = ecsdesk_core::app::palette::palette_index(&registry).await;
    assert!(index
        .iter()
        .any(|e| e.service == "coe-etl-prod-Service" && e.session_id == gov.id));
    assert!(index
        .iter()
        .any(|e| e.service == "api-staging-Service" && e.partition == Partition::Aws));
    assert!(index.iter().any(|e| e.service == "wft-etl-prod-Service"));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_keeps_stopped_tasks_after_ecs_forgets_them_and_across_a_reopen() {
    let sim = crate::demo::sim("demo").await;
    let (registry, _gov, com) = crate::demo::both(&sim.endpoint()).await;
    let views = Observability::new(std::env::temp_dir());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite");
    let service = "worker-staging-Service";
    let first = {
        let history = History::open(&path).expect("history");
        ecsdesk_core::app::history::load_service_history(
            &registry, &views, &history, &com.id, STAGING, service,
        )
        .await
        .expect("history loads")
    };
    assert!(first.note.is_none(), "{:?}", first.note);
    assert!(
        !first.stopped.is_empty(),
        "the crash loop has stopped tasks"
    );
    assert!(!first.events.is_empty());
    assert!(!first.deployments.is_empty());
    assert_eq!(first.health.len(), 1, "the page's health level is recorded");
    let old: Vec<String> = first.stopped.iter().map(|t| t.arn.clone()).collect();

    // Two hours later ECS no longer lists those stopped tasks.
    control(&sim, "POST", "/_sim/clock/advance", r#"{"seconds":7200}"#).await;
    let session = registry.get(&com.id).await.expect("session");
    let ecs_now: Vec<String> = session
        .ecs
        .list_tasks()
        .cluster(STAGING)
        .service_name(service)
        .desired_status(aws_sdk_ecs::types::DesiredStatus::Stopped)
        .send()
        .await
        .expect("list stopped")
        .task_arns()
        .to_vec();
    assert!(
        old.iter().all(|arn| !ecs_now.contains(arn)),
        "ECS should have forgotten {old:?}"
    );

    // A new app run (the database reopened) still shows them.
    let history = History::open(&path).expect("reopen");
    let key = com.service_ref(STAGING, service).key();
    let kept = history.service_history(&key).expect("read");
    for arn in &old {
        assert!(kept.stopped.iter().any(|t| &t.arn == arn), "{arn} kept");
    }
    assert!(kept.stopped.iter().all(|t| !t.diagnosis.title.is_empty()));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_is_self_contained_html_and_markdown() {
    let sim = crate::demo::sim("demo").await;
    let (registry, _gov, com) = crate::demo::both(&sim.endpoint()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let views = Observability::new(dir.path().join("exports"));
    let written = snapshot::write_snapshot(
        &registry,
        &views,
        None,
        &com.id,
        STAGING,
        "reports-staging-Service",
        None,
    )
    .await
    .expect("snapshot");
    assert!(written
        .html_path
        .starts_with(&*dir.path().join("exports").to_string_lossy()));
    assert!(written.notes.is_empty(), "{:?}", written.notes);
    assert!(written.charts >= 2, "{written:?}");
    let html = std::fs::read_to_string(&written.html_path).expect("html");
    let md = std::fs::read_to_string(&written.markdown_path).expect("markdown");
    assert!(html.matches("<svg").count() >= 2, "charts inline");
    assert!(html.contains("OutOfMemoryError"), "stopped task reason");
    assert!(html.contains("https://console.aws.amazon.com/ecs/v2/clusters/coe-ecs-staging/services/reports-staging-Service/health?region=us-east-1"));
    // Self-contained: nothing is fetched from elsewhere.
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http"));
    assert!(!html.contains("<link"));
    assert!(md.starts_with("# reports-staging-Service"));
    assert!(md.contains("## Stopped tasks"));
    assert!(md.contains("OutOfMemoryError") || md.contains("memory"));

    render_in_chromium(&written.html_path);
    sim.shutdown().await;
}

/// Renders the snapshot headless in Chromium (Debian's package) when it is installed, and keeps
/// the PNG under artifacts/screenshots for review.
fn render_in_chromium(html_path: &str) {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(chromium) = chromium else {
        eprintln!(
            "SKIPPED: Chromium is not installed (apt-get install chromium); snapshot not rendered"
        );
        return;
    };
    let out_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/screenshots");
    std::fs::create_dir_all(&out_dir).expect("screenshots dir");
    let png = out_dir.join("snapshot-reports-staging.png");
    let _ = std::fs::remove_file(&png);
    let profile = tempfile::tempdir().expect("profile dir");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1000,1800",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{html_path}"))
        .status()
        .expect("chromium runs");
    assert!(status.success(), "chromium exit {status}");
    let size = std::fs::metadata(&png).expect("png written").len();
    assert!(size > 20_000, "PNG is only {size} bytes");
}
