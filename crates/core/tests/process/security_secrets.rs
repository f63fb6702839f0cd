//! No secret leaks: a full session against the simulator — browser sign-in, portal lists and
//! favourites, role credentials, lists and details, a log search, a restart through the action
//! centre (audit log, protection settings), the console opened through the federation sign-in,
//! throttling and server errors — with every tracing
//! event of the SDK and the app captured at TRACE level, and the Debug and Display forms of the
//! objects and errors written out as a crash report would. Then every file under the temporary
//! HOME and data folder, and the captured output, is searched for the access token, refresh
//! token, client secret, secret access key, session token and console sign-in token: none may
//! appear anywhere except
//! the AWS CLI token cache `~/.aws/sso/cache/*.json`, whose files must be mode 0600.
//!
//! One test in this binary: it sets HOME for the whole process. Tracing is captured at DEBUG for
//! every crate (TRACE for ECS Desk's own): the SDK's TRACE level prints raw requests.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::sso_support::{commercial, control, Fixture};
use aws_credential_types::provider::ProvideCredentials;
use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::aws::sso::Portal;
use ecsdesk_core::model::action::ActionConfig;
use ecsdesk_core::model::action::ProtectionScope;
use ecsdesk_core::model::metrics::{MetricRange, RangePreset};
use ecsdesk_core::model::protection::ProtectionLevel;
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::read::logs::LogQuery;
use ecsdesk_core::render::charts::{ChartOptions, Theme};
use ecsdesk_core::store::audit::AuditFilter;
use ecsdesk_core::store::history::History;
use ecsdesk_core::store::pins::{FleetStore, Pin};
use ecsdesk_core::store::thresholds::ThresholdStore;
use ecsdesk_core::{ActionCenter, ActionRequest, ErrorPayload, SessionRegistry, SessionSource};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Writes every span and event, with all fields, to a shared buffer.
struct Capture {
    out: Arc<Mutex<String>>,
    next: std::sync::atomic::AtomicU64,
}

/// Formats the fields of one span or event.
struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        // Everything down to DEBUG from every crate, and TRACE from the app's own. (The SDK's
        // TRACE output prints whole requests, headers included — bearer and session tokens — so
        // the app must never turn it on; SECURITY.md says so. The app installs no subscriber.)
        *meta.level() <= tracing::Level::DEBUG || meta.target().starts_with("ecsdesk")
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}:", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.push(line);
        Id::from_u64(
            self.next
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                .max(1),
        )
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record:");
        values.record(&mut Fields(&mut line));
        self.push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!(
            "{} {}:",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut Fields(&mut line));
        self.push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

impl Capture {
    fn push(&self, line: String) {
        if let Ok(mut out) = self.out.lock() {
            out.push_str(&line);
            out.push('\n');
        }
    }
}

/// Every regular file under `dir`.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_session_leaves_no_secret_outside_the_cli_token_cache() {
    let _turn = crate::process_lock();
    let captured = Arc::new(Mutex::new(String::new()));
    tracing::subscriber::set_global_default(Capture {
        out: captured.clone(),
        next: std::sync::atomic::AtomicU64::new(1),
    })
    .expect("the only subscriber");

    let sim = crate::sso_support::sim("demo").await;
    let endpoint = sim.endpoint();
    let fixture = Fixture::new(&sim);
    let home = fixture.dir.path().to_path_buf();
    // Everything the SDK or the app might read or write under HOME lands in the temp folder.
    std::env::set_var("HOME", &home);
    std::env::set_var("AWS_CONFIG_FILE", home.join(".aws/config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"));
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    sim.write_aws_config(&home.join(".aws/config")).unwrap();
    let data = fixture.data_dir();
    let mut report = String::new();

    // Sign in (browser + PKCE) and read the tokens it produced.
    let sso = commercial();
    let status = fixture.pkce_login(&sso).await;
    let _ = writeln!(report, "{status:?}");
    let token_file = fixture.cache.token_path(&sso);
    let token: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&token_file).unwrap()).unwrap();
    let access_token = token["accessToken"].as_str().unwrap().to_string();
    let refresh_token = token["refreshToken"].as_str().unwrap().to_string();
    let client_secret = token["clientSecret"].as_str().unwrap().to_string();

    // Portal lists (cached in the data folder) and a favourite.
    let portal = Portal::new(fixture.auth.clone(), Some(data.clone()));
    let accounts = portal.list_accounts(&sso, true).await.unwrap();
    portal
        .set_favourite(&sso, &accounts[0].account_id, true)
        .unwrap();
    let provider = portal.role_credentials_provider(&sso, "123456789012", "OperatorAccess");
    let creds = provider.provide_credentials().await.unwrap();
    let secret_key = creds.secret_access_key().to_string();
    let session_token = creds.session_token().unwrap().to_string();
    let _ = writeln!(
        report,
        "{creds:?} {provider:?} {portal:?} {:?}",
        fixture.auth
    );

    // A session: lists, details, tasks, a log search.
    let registry = SessionRegistry::new();
    let info = registry
        .open(
            SessionSource::Sso {
                session: Box::new(sso.clone()),
                account_id: "123456789012".into(),
                account_name: Some(accounts[0].account_name.clone()),
                role_name: "OperatorAccess".into(),
                provider: Box::new(provider.clone()),
                endpoint_url: Some(endpoint.clone()),
            },
            None,
        )
        .await
        .unwrap();
    let clusters = ecsdesk_core::app::browse::list_clusters(&registry, &info.id)
        .await
        .unwrap();
    let services = ecsdesk_core::app::browse::list_services(&registry, &info.id, "coe-ecs-staging")
        .await
        .unwrap();
    let detail = ecsdesk_core::app::browse::get_service(
        &registry,
        &info.id,
        "coe-ecs-staging",
        "api-staging-Service",
    )
    .await
    .unwrap();
    let session = registry.get(&info.id).await.unwrap();
    let logs = ecsdesk_core::read::logs::search(
        &session,
        &LogQuery {
            group: "/ecs/api-staging".into(),
            pattern: Some("error".into()),
            ..LogQuery::default()
        },
    )
    .await;
    let _ = writeln!(
        report,
        "{info:?} {clusters:?} {services:?} {detail:?} {logs:?} {session:?}"
    );

    // A restart through the action centre: audit line and protection settings on disk.
    let center = ActionCenter::with_config(&data, &home.join("exports"), ActionConfig::default());
    let plan = center
        .plan(
            &registry,
            &info.id,
            "coe-ecs-staging",
            "api-staging-Service",
            ActionRequest::ForceNewDeployment,
        )
        .await
        .unwrap();
    let started = center
        .execute(
            &registry,
            &plan.plan_id,
            Some("api-staging-Service"),
            Arc::new(|_| {}),
        )
        .await;
    let _ = writeln!(report, "{plan:?} {started:?}");

    // Every other file the app writes: protection, history, pins, thresholds and each export
    // (audit CSV, chart PNG, saved log lines, incident snapshot).
    let exports = home.join("Downloads/ECS Desk");
    center
        .set_protection(
            &registry,
            &info.id,
            "coe-ecs-staging",
            "api-staging-Service",
            ProtectionScope::Cluster,
            Some(ProtectionLevel::TypedConfirm),
            &|_: String| -> futures::future::BoxFuture<'static, bool> { Box::pin(async { true }) },
        )
        .await
        .unwrap();
    let history = History::open(&data.join("history.sqlite")).unwrap();
    history.set_retention_days(30).unwrap();
    FleetStore::open(&data)
        .pin(Pin {
            partition: info.partition,
            account_id: info.account_id.clone(),
            account_name: None,
            region: info.region.clone(),
            cluster: "coe-ecs-staging".into(),
            service: "api-staging-Service".into(),
            signed_in_as: "OperatorAccess".into(),
        })
        .unwrap();
    let views = Observability::new(exports.clone()).with_thresholds(ThresholdStore::in_dir(&data));
    views
        .set_thresholds(
            &registry,
            &info.id,
            "coe-ecs-staging",
            "api-staging-Service",
            Some(Thresholds::default()),
        )
        .await
        .unwrap();
    let center_exports = ActionCenter::new(&data, &exports);
    center_exports
        .export_audit_csv(&AuditFilter::default())
        .unwrap();
    views
        .export_chart_png(
            &registry,
            &info.id,
            "coe-ecs-staging",
            "api-staging-Service",
            &MetricRange::preset(RangePreset::H1),
            "cpu",
            &ChartOptions {
                width: 640,
                height: 240,
                theme: Theme::Light,
            },
            None,
        )
        .await
        .unwrap();
    views
        .log_save(
            "/ecs/api-staging",
            &logs.as_ref().map(|p| p.lines.clone()).unwrap_or_default(),
        )
        .unwrap();
    ecsdesk_core::app::incident::write_snapshot(
        &registry,
        &views,
        Some(&center_exports),
        &info.id,
        "coe-ecs-staging",
        "api-staging-Service",
        None,
    )
    .await
    .unwrap();
    drop(history);

    // Errors: throttling beyond the retries, server errors, a refused role, expired credentials.
    control(
        &endpoint,
        "POST",
        "faults",
        r#"{"operation":"ListClusters","kind":"throttle","count":20}"#,
    )
    .await;
    let throttled = session.ecs.list_clusters().send().await.unwrap_err();
    let _ = writeln!(report, "{throttled:?}");
    let _ = writeln!(
        report,
        "{:?}",
        ErrorPayload::from(session.error("ecs:ListClusters")(throttled))
    );
    control(&endpoint, "DELETE", "faults", "").await;
    control(
        &endpoint,
        "POST",
        "faults",
        r#"{"operation":"DescribeServices","kind":"error500","count":20}"#,
    )
    .await;
    let failed = ecsdesk_core::app::browse::get_service(
        &registry,
        &info.id,
        "coe-ecs-staging",
        "worker-staging-Service",
    )
    .await;
    let _ = writeln!(report, "{failed:?}");
    control(&endpoint, "DELETE", "faults", "").await;

    // The console opened signed in through the federation sign-in, for a session from keys:
    // the sign-in token goes to the browser only.
    let keys = registry
        .open(crate::demo::commercial(&endpoint), None)
        .await
        .unwrap();
    let target = ecsdesk_core::model::console::ConsoleTarget::Service {
        cluster: "coe-ecs-staging".into(),
        service: "api-staging-Service".into(),
    };
    let opening = ecsdesk_core::app::console::console_link(&registry, &keys.id, &target)
        .await
        .unwrap();
    assert!(opening.link.signed_in, "{}", opening.link.how);
    let signin_token = opening
        .open
        .rsplit("SigninToken=")
        .next()
        .unwrap_or_default()
        .to_string();
    let _ = writeln!(report, "{opening:?} {:?}", opening.link);
    control(&endpoint, "POST", "clock/advance", r#"{"seconds": 7300}"#).await;
    let expired = ecsdesk_core::app::browse::list_clusters(&registry, &info.id).await;
    let _ = writeln!(report, "{expired:?}");
    let again = ecsdesk_core::app::browse::list_clusters(&registry, &info.id).await;
    let _ = writeln!(report, "{again:?}");
    sim.shutdown().await;

    // The captured output, as a log file would hold it.
    let capture_path = data.join("captured-output.log");
    {
        let mut f = std::fs::File::create(&capture_path).unwrap();
        f.write_all(captured.lock().unwrap().as_bytes()).unwrap();
        f.write_all(report.as_bytes()).unwrap();
    }
    assert!(
        captured.lock().unwrap().lines().count() > 100,
        "tracing was captured"
    );

    let secrets = [
        ("access token", access_token.as_str()),
        ("refresh token", refresh_token.as_str()),
        ("client secret", client_secret.as_str()),
        ("secret access key", secret_key.as_str()),
        ("session token", session_token.as_str()),
        ("console sign-in token", signin_token.as_str()),
    ];
    for (name, value) in &secrets {
        assert!(value.len() >= 16, "{name} too short to search for: {value}");
    }
    let cache_dir = fixture.cache.dir().to_path_buf();
    let mut scanned = 0;
    let mut cache_files = 0;
    // Every file the app wrote is the owner's alone; the two this test wrote itself are not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let test_files = [home.join(".aws/config"), capture_path.clone()];
        let mut checked = Vec::new();
        for file in files_under(&home) {
            if test_files.contains(&file) {
                continue;
            }
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} has mode {mode:o}", file.display());
            checked.push(file.file_name().unwrap().to_string_lossy().into_owned());
        }
        for written in [
            "audit.jsonl",
            "protection.json",
            "history.sqlite",
            "fleet.json",
            "thresholds.json",
        ] {
            assert!(
                checked.iter().any(|f| f == written),
                "{written} in {checked:?}"
            );
        }
        for ext in [".csv", ".png", ".txt", ".html", ".md"] {
            assert!(
                checked.iter().any(|f| f.ends_with(ext)),
                "a {ext} export in {checked:?}"
            );
        }
    }
    for file in files_under(&home) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        scanned += 1;
        let in_cache = file.parent() == Some(cache_dir.as_path())
            && file.extension().and_then(|e| e.to_str()) == Some("json");
        if in_cache {
            cache_files += 1;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{} has mode {mode:o}", file.display());
            }
            continue;
        }
        for (name, value) in &secrets {
            if let Some(at) = text.find(value) {
                let from = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let context: String = text[from..].chars().take(300).collect();
                panic!("the {name} appears in {}: {context}", file.display());
            }
        }
    }
    assert!(cache_files >= 1, "the token cache was written");
    assert!(
        scanned >= 5,
        "audit, lists, favourites, config and capture were scanned"
    );
    assert!(data.join("audit.jsonl").exists(), "the action was audited");
}
