//! Incident snapshots: one click on a service writes a self-contained HTML file (charts inline as
//! SVG, no scripts, no outside resources) and a Markdown file for pasting into an incident
//! report: health roll-up, charts, deployments, events, stopped tasks with diagnoses, recent error
//! lines and the audit entries of the window.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::actions::ActionCenter;
use crate::app::observability::Observability;
use crate::aws::session::SessionRegistry;
use crate::error::CoreError;
use crate::model::metrics::{MetricRange, RangePreset};
use crate::read::{deployments, diagnosis, events, logs};
use crate::render::charts::{ChartOptions, Theme};
use crate::render::report::{html, markdown, time_text, Contents};
use crate::store::audit::AuditFilter;
use crate::util::new_file::write_new;

/// What went into a snapshot and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotWritten {
    /// The HTML file.
    pub html_path: String,
    /// The Markdown file.
    pub markdown_path: String,
    /// Charts drawn.
    pub charts: u32,
    /// Sections that could not be read, in words (the rest of the snapshot is still written).
    pub notes: Vec<String>,
}

/// Takes a snapshot of `service` over the last `range` (default three hours) and writes
/// `<service>-<time>.html` and `.md` into the exports folder.
#[allow(clippy::too_many_arguments)]
pub async fn write_snapshot(
    registry: &SessionRegistry,
    views: &Observability,
    actions: Option<&ActionCenter>,
    session_id: &str,
    cluster: &str,
    service: &str,
    range: Option<RangePreset>,
) -> Result<SnapshotWritten, CoreError> {
    let session = registry.get(session_id).await?;
    let preset = range.unwrap_or(RangePreset::H3);
    let options = ChartOptions {
        width: 760,
        height: 240,
        theme: Theme::Light,
    };
    let metric_range = MetricRange::preset(preset);
    let (health, charts, deployments, events, stopped, sources) = futures::join!(
        views.service_health(registry, session_id, cluster, service, None),
        views.service_metrics(
            registry,
            session_id,
            cluster,
            service,
            &metric_range,
            &options,
            None
        ),
        deployments::service_deployments(&session, cluster, service),
        events::service_events(&session, cluster, service),
        diagnosis::stopped_tasks(&session, cluster, service),
        logs::log_sources(&session, cluster, service),
    );
    let mut notes = Vec::new();
    let mut keep = |what: &str, e: &CoreError| notes.push(format!("{what}: {e}"));
    let health = health.inspect_err(|e| keep("Health", e)).ok();
    let charts = charts.inspect_err(|e| keep("Charts", e)).ok();
    let deployments = deployments.inspect_err(|e| keep("Deployments", e)).ok();
    let events = events
        .inspect_err(|e| keep("Events", e))
        .ok()
        .unwrap_or_default();
    let stopped = stopped
        .inspect_err(|e| keep("Stopped tasks", e))
        .ok()
        .unwrap_or_default();
    let source = sources
        .inspect_err(|e| keep("Log sources", e))
        .ok()
        .and_then(|s| s.into_iter().next());
    let errors = match &source {
        Some(s) => views
            .log_errors(
                registry,
                session_id,
                &s.group,
                s.stream_prefix.clone(),
                s.region.as_deref(),
            )
            .await
            .inspect_err(|e| keep("Error lines", e))
            .map(|p| p.lines)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let audit = match actions {
        Some(center) => center
            .list_audit(&AuditFilter {
                account_id: Some(session.info().account_id.clone()),
                cluster: Some(cluster.to_string()),
                service: Some(service.to_string()),
                limit: Some(200),
                ..Default::default()
            })
            .map(|page| page.entries)
            .inspect_err(|e| keep("Audit log", e))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let (window, charts) = match charts {
        Some(c) => (
            format!(
                "{} to {}",
                time_text(c.window.start),
                time_text(c.window.end)
            ),
            c.charts,
        ),
        None => (format!("last {}", preset_text(preset)), Vec::new()),
    };
    // Only audit entries inside the window (the log keeps every action ever taken).
    let since = chrono::Utc::now().timestamp() - preset_secs(preset);
    let audit = audit
        .into_iter()
        .filter(|a| {
            chrono::DateTime::parse_from_rfc3339(&a.record.time)
                .map_or(true, |t| t.timestamp() >= since)
        })
        .collect();
    let contents = Contents {
        session: session.info().clone(),
        cluster: cluster.to_string(),
        service: service.to_string(),
        taken_at: time_text(chrono::Utc::now().timestamp()),
        window,
        health,
        charts,
        deployments: deployments.map(|d| d.deployments).unwrap_or_default(),
        events,
        stopped,
        errors,
        log_group: source.map(|s| s.group),
        audit,
        notes,
    };
    let dir = views.exports_dir().to_path_buf();
    tokio::task::spawn_blocking(move || write_files(&contents, &dir))
        .await
        .map_err(|e| CoreError::Internal(format!("writing the snapshot stopped: {e}")))?
}

fn preset_secs(p: RangePreset) -> i64 {
    match p {
        RangePreset::H1 => 3600,
        RangePreset::H3 | RangePreset::Custom => 3 * 3600,
        RangePreset::H12 => 12 * 3600,
        RangePreset::D1 => 86_400,
        RangePreset::D3 => 3 * 86_400,
        RangePreset::W1 => 7 * 86_400,
    }
}

fn preset_text(p: RangePreset) -> &'static str {
    match p {
        RangePreset::H1 => "hour",
        RangePreset::H3 | RangePreset::Custom => "3 hours",
        RangePreset::H12 => "12 hours",
        RangePreset::D1 => "day",
        RangePreset::D3 => "3 days",
        RangePreset::W1 => "week",
    }
}

/// Writes the two files new in `dir` (never over an existing file or through a link).
fn write_files(c: &Contents, dir: &Path) -> Result<SnapshotWritten, CoreError> {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let base = format!("{}-{stamp}", c.service);
    let html_path = write_new(dir, &format!("{base}.html"), html(c).as_bytes())?;
    let md_path = write_new(dir, &format!("{base}.md"), markdown(c).as_bytes())?;
    Ok(SnapshotWritten {
        html_path: html_path.display().to_string(),
        markdown_path: md_path.display().to_string(),
        charts: c.charts.len() as u32,
        notes: c.notes.clone(),
    })
}
