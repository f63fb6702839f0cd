//! The five jobs of issue 7 as the app does them (the core's own functions, the way the views
//! call them, concurrently), each measured for wall time, AWS calls and memory.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use ecsdesk_core::app::charts as app_charts;
use ecsdesk_core::app::health;
use ecsdesk_core::aws::sso::{MemoryStore, Portal, SsoAuth, SsoEndpoints, SsoSession, TokenCache};
use ecsdesk_core::model::metrics::{MetricRange, RangePreset};
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::read::metrics::MetricsCache;
use ecsdesk_core::read::{logs, services, targets};
use ecsdesk_core::render::charts;
use ecsdesk_core::render::charts::{ChartOptions, ChartSpec, SeriesSpec, Theme};
use ecsdesk_core::{Session, SessionSource};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::control::{Calls, Control};
use crate::error::BenchError;
use crate::fleet::{
    Endpoints, COMMERCIAL_KEYS, DEMO_CLUSTER, DEMO_SERVICE, GOVCLOUD_KEYS, SCALE_CLUSTER,
    SSO_SESSION, SSO_START_URL,
};
use crate::memory;
use crate::minimum::{self, Minimum};

/// One benchmark job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Job {
    /// (1) Services list of a 1,000-service cluster with the cheap health roll-up.
    Overview,
    /// (2) A service page: describe, tasks, targets, events, charts 1 d and 1 w, recent errors,
    /// health banner.
    ServicePage,
    /// (3) Runbook 001's daily health check of one service.
    HealthCheck,
    /// (4) Every account of an SSO instance and every account's roles.
    Accounts,
    /// (5) One 1-week chart of 1-minute points, 4 series, drawn as SVG.
    Chart,
    /// The memory target: a 1,000-service list and a service page held at once.
    Memory,
    /// (6) The service page's tabs beyond the console, each opened once (they load on their tab).
    Tabs,
}

impl Job {
    /// Every job, in report order.
    pub const ALL: [Job; 7] = [
        Job::Overview,
        Job::ServicePage,
        Job::HealthCheck,
        Job::Accounts,
        Job::Chart,
        Job::Memory,
        Job::Tabs,
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Job::Overview => "overview",
            Job::ServicePage => "service-page",
            Job::HealthCheck => "health-check",
            Job::Accounts => "accounts",
            Job::Chart => "chart",
            Job::Memory => "memory",
            Job::Tabs => "tabs",
        }
    }

    /// The job of a command-line name.
    pub fn from_name(name: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.name() == name)
    }

    /// The report title.
    pub fn title(self) -> &'static str {
        match self {
            Job::Overview => "(1) cluster overview, services + health roll-up",
            Job::ServicePage => "(2) service page (1 d + 1 w charts, errors, health)",
            Job::HealthCheck => "(3) runbook 001 daily health check, one service",
            Job::Accounts => "(4) SSO accounts x roles",
            Job::Chart => "(5) 1-week 1-minute chart, 4 series (SVG)",
            Job::Memory => "memory: 1,000-service list + a service page open",
            Job::Tabs => "(6) Auto scaling, Changes and Logs Insights tabs, each opened",
        }
    }
}

/// What one job measured over its runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// Wall time of each run, milliseconds.
    pub runs_ms: Vec<f64>,
    /// AWS calls of the first run.
    pub calls: Calls,
    /// Whether every run made exactly the same calls.
    pub calls_stable: bool,
    /// AWS calls of the same job asked again at once (inside the freshness window).
    pub repeat_calls: Option<Calls>,
    /// The fewest calls the APIs allow for what the job shows.
    pub minimum: Vec<Minimum>,
    /// Other timings by name, milliseconds (e.g. accounts shown before roles).
    pub marks_ms: BTreeMap<String, f64>,
    /// Peak resident memory of the process (VmHWM), KiB.
    pub peak_kb: Option<u64>,
    /// Resident memory at the end (VmRSS), KiB.
    pub rss_kb: Option<u64>,
    /// What the job saw (counts), for the report.
    pub note: String,
}

/// Opens a session with static keys against `endpoint` (validated with GetCallerIdentity).
pub(crate) async fn open(
    endpoint: &str,
    keys: (&str, &str),
    region: &str,
) -> Result<Session, BenchError> {
    let source = SessionSource::explicit("bench", keys.0, keys.1, endpoint);
    Ok(Session::open(source, Some(region.to_string())).await?)
}

/// Milliseconds since `t0`.
fn ms(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

/// Runs `job` `runs` times against `endpoints` and measures it.
pub async fn run(job: Job, endpoints: &Endpoints, runs: usize) -> Result<Measured, BenchError> {
    let runs = runs.max(1);
    let mut measured = match job {
        Job::Overview => overview(&endpoints.scale, runs).await?,
        Job::ServicePage => service_page(&endpoints.demo, runs).await?,
        Job::HealthCheck => health_check(&endpoints.demo, runs).await?,
        Job::Accounts => accounts(&endpoints.sso, runs).await?,
        Job::Chart => chart(runs.max(20))?,
        Job::Memory => held(endpoints).await?,
        Job::Tabs => crate::tabs::tabs(&endpoints.demo, runs).await?,
    };
    let status = memory::status();
    measured.peak_kb = status.peak_kb;
    measured.rss_kb = measured.rss_kb.or(status.rss_kb);
    Ok(measured)
}

/// A piece of app work over a session and the app's metrics cache.
pub(crate) type Work<T> =
    for<'a> fn(&'a Session, &'a MetricsCache) -> BoxFuture<'a, Result<T, BenchError>>;

/// Times `work` `runs` times, each with a fresh session (cold shared reads) and zeroed counters;
/// then asks once more at once to show what the freshness window saves.
pub(crate) async fn timed<T, Fut>(
    control: &Control,
    runs: usize,
    new_session: impl Fn() -> Fut,
    work: Work<T>,
) -> Result<(Measured, T), BenchError>
where
    Fut: std::future::Future<Output = Result<Session, BenchError>>,
{
    let mut out = Measured {
        calls_stable: true,
        ..Measured::default()
    };
    let mut last = None;
    for run in 0..runs {
        let session = new_session().await?;
        let cache = MetricsCache::new();
        control.reset_calls().await?;
        let t0 = Instant::now();
        let value = work(&session, &cache).await?;
        out.runs_ms.push(ms(t0));
        let calls = control.calls().await?;
        if run == 0 {
            out.calls = calls;
            control.reset_calls().await?;
            work(&session, &cache).await?;
            out.repeat_calls = Some(control.calls().await?);
        } else if calls != out.calls {
            out.calls_stable = false;
        }
        last = Some(value);
    }
    let last = last.ok_or_else(|| BenchError::Run("no run was made".into()))?;
    Ok((out, last))
}

/// The services list and its health roll-up, as the Services view asks for them.
async fn overview_once(
    session: &Session,
) -> Result<
    (
        Vec<ecsdesk_core::ServiceSummary>,
        Vec<ecsdesk_core::model::health::ServiceHealth>,
    ),
    BenchError,
> {
    let thresholds = Thresholds::default();
    let (list, roll_up) = futures::join!(
        services::list_services(session, SCALE_CLUSTER),
        health::services_health(session, SCALE_CLUSTER, &thresholds)
    );
    Ok((list?, roll_up?))
}

/// Job (1).
async fn overview(endpoint: &str, runs: usize) -> Result<Measured, BenchError> {
    let control = Control::new(endpoint);
    let work: Work<_> = |s, _| Box::pin(overview_once(s));
    let (mut out, (list, roll_up)) = timed(
        &control,
        runs,
        || open(endpoint, COMMERCIAL_KEYS, "us-east-1"),
        work,
    )
    .await?;
    let session = open(endpoint, COMMERCIAL_KEYS, "us-east-1").await?;
    let stopped = stopped_count(&session, SCALE_CLUSTER, None).await?;
    out.minimum = minimum::overview(list.len(), stopped);
    let level = |l: &str| {
        roll_up
            .iter()
            .filter(|h| format!("{:?}", h.level).eq_ignore_ascii_case(l))
            .count()
    };
    out.note = format!(
        "{} services listed, roll-up {} green / {} amber / {} red; {stopped} stopped tasks in the cluster",
        list.len(),
        level("green"),
        level("amber"),
        level("red"),
    );
    Ok(out)
}

/// How many tasks of `cluster` (or of one service) are stopped (untimed, for the minimums).
async fn stopped_count(
    session: &Session,
    cluster: &str,
    service: Option<&str>,
) -> Result<usize, BenchError> {
    let arns: Vec<String> = session
        .ecs
        .list_tasks()
        .cluster(cluster)
        .set_service_name(service.map(str::to_string))
        .desired_status(aws_sdk_ecs::types::DesiredStatus::Stopped)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| BenchError::Run(format!("ListTasks for the minimums: {e}")))?;
    Ok(arns.len())
}

/// "Errors in the last hour" of a service's first awslogs container.
async fn recent_errors(session: &Session) -> Result<usize, BenchError> {
    let sources = logs::log_sources(session, DEMO_CLUSTER, DEMO_SERVICE).await?;
    let Some(source) = sources.first() else {
        return Ok(0);
    };
    let prefix = source
        .stream_prefix
        .as_ref()
        .map(|p| format!("{p}/{}/", source.container));
    let page = logs::errors_last_hour(session, &source.group, prefix).await?;
    Ok(page.lines.len())
}

/// What the service page shows, kept so the memory job can hold it.
pub struct Page {
    detail: ecsdesk_core::ServiceDetail,
    charts: Vec<app_charts::ServiceCharts>,
    targets: Vec<ecsdesk_core::model::target::TargetGroupHealth>,
    errors: usize,
    health: ecsdesk_core::model::health::ServiceHealth,
}

/// Everything the service page asks for when it opens, concurrently.
async fn page_once(session: &Session, cache: &MetricsCache) -> Result<Page, BenchError> {
    let thresholds = Thresholds::default();
    let options = ChartOptions {
        width: 900,
        height: 260,
        theme: Theme::Light,
    };
    let day = MetricRange::preset(RangePreset::D1);
    let week = MetricRange::preset(RangePreset::W1);
    let (detail, banner, day, week, targets, errors) = futures::join!(
        services::get_service(session, DEMO_CLUSTER, DEMO_SERVICE),
        health::service_health(session, cache, DEMO_CLUSTER, DEMO_SERVICE, &thresholds),
        app_charts::service_metrics(
            session,
            cache,
            DEMO_CLUSTER,
            DEMO_SERVICE,
            &day,
            &thresholds,
            &options
        ),
        app_charts::service_metrics(
            session,
            cache,
            DEMO_CLUSTER,
            DEMO_SERVICE,
            &week,
            &thresholds,
            &options
        ),
        targets::target_health(session, DEMO_CLUSTER, DEMO_SERVICE),
        recent_errors(session),
    );
    Ok(Page {
        detail: detail?,
        health: banner?,
        charts: vec![day?, week?],
        targets: targets?,
        errors: errors?,
    })
}

impl Page {
    /// Counts for the report.
    fn note(&self) -> String {
        let points: usize = self
            .charts
            .iter()
            .flat_map(|c| &c.charts)
            .flat_map(|c| &c.series)
            .map(|s| s.points.len())
            .sum();
        let svg: usize = self
            .charts
            .iter()
            .flat_map(|c| &c.charts)
            .map(|c| c.svg.len())
            .sum();
        format!(
            "{} tasks, {} events, {} target groups ({} targets), {} charts ({} points drawn, {} KiB SVG), {} error lines, health {:?}",
            self.detail.tasks.len(),
            self.detail.events.len(),
            self.targets.len(),
            self.targets.iter().map(|t| t.targets.len()).sum::<usize>(),
            self.charts.iter().map(|c| c.charts.len()).sum::<usize>(),
            points,
            svg / 1024,
            self.errors,
            self.health.level,
        )
    }
}

/// Job (2).
async fn service_page(endpoint: &str, runs: usize) -> Result<Measured, BenchError> {
    let control = Control::new(endpoint);
    let work: Work<_> = |s, cache| Box::pin(page_once(s, cache));
    let (mut out, page) = timed(
        &control,
        runs,
        || open(endpoint, GOVCLOUD_KEYS, "us-gov-east-1"),
        work,
    )
    .await?;
    let session = open(endpoint, GOVCLOUD_KEYS, "us-gov-east-1").await?;
    let stopped = stopped_count(&session, DEMO_CLUSTER, Some(DEMO_SERVICE)).await?;
    out.minimum = minimum::service_page(page.detail.tasks.len(), stopped, page.targets.len());
    out.note = page.note();
    Ok(out)
}

/// Runbook 001's four steps at once: service counts and tasks, target health, recent errors.
async fn check_once(
    s: &Session,
) -> Result<
    (
        ecsdesk_core::ServiceDetail,
        Vec<ecsdesk_core::model::target::TargetGroupHealth>,
        usize,
    ),
    BenchError,
> {
    let (detail, targets, errors) = futures::join!(
        services::get_service(s, DEMO_CLUSTER, DEMO_SERVICE),
        targets::target_health(s, DEMO_CLUSTER, DEMO_SERVICE),
        recent_errors(s),
    );
    Ok((detail?, targets?, errors?))
}

/// Job (3): the four steps of runbook 001 (service counts, tasks, target health, errors in the
/// last hour), concurrently as the app's service page does them.
async fn health_check(endpoint: &str, runs: usize) -> Result<Measured, BenchError> {
    let control = Control::new(endpoint);
    let work: Work<_> = |s, _| Box::pin(check_once(s));
    let (mut out, (detail, targets, errors)) = timed(
        &control,
        runs,
        || open(endpoint, GOVCLOUD_KEYS, "us-gov-east-1"),
        work,
    )
    .await?;
    out.minimum = minimum::health_check(detail.tasks.len(), targets.len());
    out.note = format!(
        "{}: {} running / {} desired, {} tasks, {} of {} targets healthy, {} error lines in the last hour",
        detail.summary.name,
        detail.summary.running,
        detail.summary.desired,
        detail.tasks.len(),
        targets.iter().map(|t| t.healthy).sum::<u32>(),
        targets.iter().map(|t| t.targets.len()).sum::<usize>(),
        errors,
    );
    Ok(out)
}

/// Signs in to the bench's SSO instance with the device flow (approved through the control API).
async fn sign_in(
    endpoint: &str,
    dir: &std::path::Path,
) -> Result<(SsoAuth, SsoSession), BenchError> {
    let session = SsoSession::new(SSO_SESSION, SSO_START_URL, "us-east-1")?;
    let store = MemoryStore::new();
    let auth = SsoAuth::new(
        TokenCache::new(dir.join("sso-cache")),
        Arc::new(store),
        SsoEndpoints::fixed(endpoint),
    );
    let pending = auth.begin_device_login(&session).await?;
    Control::new(endpoint).approve_sso().await?;
    let quiet = |_p: ecsdesk_core::aws::sso::LoginProgress| {};
    pending.complete(&quiet, CancellationToken::new()).await?;
    Ok((auth, session))
}

/// Job (4): ListAccounts, then ListAccountRoles of every account (the portal's own rate limit
/// applies: it is what keeps a real portal from throttling).
async fn accounts(endpoint: &str, runs: usize) -> Result<Measured, BenchError> {
    let dir = std::env::temp_dir().join(format!("ecsdesk-bench-sso-{}", std::process::id()));
    let (auth, session) = sign_in(endpoint, &dir).await?;
    let control = Control::new(endpoint);
    let mut out = Measured {
        calls_stable: true,
        ..Measured::default()
    };
    let mut listed = Vec::new();
    let mut shown = Vec::new();
    let mut roles_total = 0;
    let mut accounts_total = 0;
    for run in 0..runs {
        let portal = Portal::new(auth.clone(), None);
        control.reset_calls().await?;
        let t0 = Instant::now();
        let accounts = portal.list_accounts(&session, true).await?;
        shown.push(ms(t0));
        let roles = futures::future::try_join_all(
            accounts
                .iter()
                .map(|a| portal.list_account_roles(&session, &a.account_id, true)),
        )
        .await?;
        listed.push(ms(t0));
        let calls = control.calls().await?;
        if run == 0 {
            out.calls = calls;
            control.reset_calls().await?;
            let again = portal.list_accounts(&session, false).await?;
            for a in &again {
                portal
                    .list_account_roles(&session, &a.account_id, false)
                    .await?;
            }
            out.repeat_calls = Some(control.calls().await?);
        } else if calls != out.calls {
            out.calls_stable = false;
        }
        accounts_total = accounts.len();
        roles_total = roles.iter().map(Vec::len).sum();
    }
    let _ = std::fs::remove_dir_all(&dir);
    out.runs_ms = listed;
    out.marks_ms
        .insert("accounts shown".into(), crate::report::median(&shown));
    out.minimum = minimum::accounts(accounts_total);
    out.note = format!(
        "{accounts_total} accounts, {roles_total} roles; the portal limits itself to 5 calls/s, 4 at once"
    );
    Ok(out)
}

/// A 1-week, 1-minute, 4-series chart like the CPU and memory charts (10,080 points a series).
pub fn week_chart() -> ChartSpec {
    let end: i64 = 1_700_000_000 - 1_700_000_000 % 60;
    let start = end - 7 * 86_400;
    let wave = |i: i64, phase: f64, base: f64, amp: f64| {
        let day = (i as f64) * std::f64::consts::TAU / 1_440.0;
        base + amp * (day + phase).sin() + ((i * 7919 % 97) as f64 / 97.0 - 0.5) * amp * 0.3
    };
    let series = |name: &str, phase: f64, base: f64, amp: f64| SeriesSpec {
        name: name.to_string(),
        points: (0..7 * 1_440)
            .map(|i| (start + i * 60, wave(i, phase, base, amp)))
            .collect(),
    };
    ChartSpec {
        id: "cpu".into(),
        title: "CPU and memory utilization".into(),
        unit: "%".into(),
        series: vec![
            series("CPU average", 0.0, 35.0, 15.0),
            series("CPU maximum", 0.2, 55.0, 20.0),
            series("Memory average", 1.0, 45.0, 5.0),
            series("Memory maximum", 1.3, 60.0, 8.0),
        ],
        threshold: Some((70.0, "limit 70 %".into())),
        markers: vec![(start + 3 * 86_400, "deploy :3".into())],
        x_range: (start, end),
        y_floor_max: 100.0,
        period: 60,
    }
}

/// Job (5): drawing only (the data is in memory), as the core does for every chart.
fn chart(runs: usize) -> Result<Measured, BenchError> {
    let spec = week_chart();
    let options = ChartOptions {
        width: 900,
        height: 260,
        theme: Theme::Dark,
    };
    let mut out = Measured {
        calls_stable: true,
        ..Measured::default()
    };
    // One untimed drawing registers the font and warms the caches, as the app's first chart does.
    let first = charts::render_svg(&spec, &options)?;
    for _ in 0..runs {
        let t0 = Instant::now();
        let drawn = charts::render_svg(&spec, &options)?;
        out.runs_ms.push(ms(t0));
        std::hint::black_box(drawn);
    }
    let points: usize = spec.series.iter().map(|s| s.points.len()).sum();
    let drawn: usize = first.series.iter().map(|s| s.points.len()).sum();
    out.note = format!(
        "{points} points in, {drawn} drawn after LTTB, {} KiB SVG at {}x{}",
        first.svg.len() / 1024,
        options.width,
        options.height
    );
    Ok(out)
}

/// The memory target: the 1,000-service list (with roll-up) and a service page, both held.
async fn held(endpoints: &Endpoints) -> Result<Measured, BenchError> {
    let scale = open(&endpoints.scale, COMMERCIAL_KEYS, "us-east-1").await?;
    let demo = open(&endpoints.demo, GOVCLOUD_KEYS, "us-gov-east-1").await?;
    let t0 = Instant::now();
    let (list, roll_up) = overview_once(&scale).await?;
    let page = page_once(&demo, &MetricsCache::new()).await?;
    let mut out = Measured {
        runs_ms: vec![ms(t0)],
        calls_stable: true,
        ..Measured::default()
    };
    out.note = format!(
        "holding {} services, {} roll-ups and a page of {}",
        list.len(),
        roll_up.len(),
        page.detail.summary.name
    );
    // Measured while everything is still alive.
    let status = memory::status();
    out.rss_kb = status.rss_kb;
    std::hint::black_box((&list, &roll_up, &page, &scale, &demo));
    Ok(out)
}
