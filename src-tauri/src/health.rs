//! The service-health bridge: one-line delegations to `ecsdesk_core::app::observability`, plus the
//! channel that streams followed log lines.

use ecsdesk_core::app::charts::ServiceCharts;
use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::model::alarm::AlarmInfo;
use ecsdesk_core::model::deployment::{ServiceDeployments, TaskDefinitionDiff};
use ecsdesk_core::model::diagnosis::StoppedTask;
use ecsdesk_core::model::event::ServiceEvent;
use ecsdesk_core::model::health::ServiceHealth;
use ecsdesk_core::model::metrics::MetricRange;
use ecsdesk_core::model::target::TargetGroupHealth;
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::read::logs::{LogBatch, LogLine, LogPage, LogQuery, LogSource};
use ecsdesk_core::render::charts::{ChartOptions, Theme};
use ecsdesk_core::store::thresholds::ThresholdSetting;
use ecsdesk_core::{ErrorPayload, SessionRegistry};
use tauri::ipc::Channel;
use tauri::State;

/// The result every command returns to the UI.
type Reply<T> = Result<T, ErrorPayload>;

/// Cheap health of every service of a cluster (services list).
#[tauri::command]
pub async fn services_health(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    thresholds: Option<Thresholds>,
) -> Reply<Vec<ServiceHealth>> {
    Ok(views
        .services_health(&registry, &session_id, &cluster, thresholds)
        .await?)
}

/// Full health of one service (service page).
#[tauri::command]
pub async fn service_health(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
    thresholds: Option<Thresholds>,
) -> Reply<ServiceHealth> {
    Ok(views
        .service_health(&registry, &session_id, &cluster, &service, thresholds)
        .await?)
}

/// A service's health thresholds (its own, or the runbook defaults).
#[tauri::command]
pub async fn get_thresholds(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<ThresholdSetting> {
    Ok(views
        .get_thresholds(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Saves a service's health thresholds; `null` resets them to the runbook defaults.
#[tauri::command]
pub async fn set_thresholds(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
    thresholds: Option<Thresholds>,
) -> Reply<ThresholdSetting> {
    Ok(views
        .set_thresholds(&registry, &session_id, &cluster, &service, thresholds)
        .await?)
}

/// Every chart of a service for a range, drawn as SVG with the reduced points.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn service_metrics(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
    range: MetricRange,
    theme: Theme,
    width: u32,
    height: u32,
    thresholds: Option<Thresholds>,
) -> Reply<ServiceCharts> {
    let options = ChartOptions {
        width,
        height,
        theme,
    };
    Ok(views
        .service_metrics(
            &registry,
            &session_id,
            &cluster,
            &service,
            &range,
            &options,
            thresholds,
        )
        .await?)
}

/// One chart as a PNG file; returns its path.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn export_chart_png(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
    range: MetricRange,
    chart_id: String,
    theme: Theme,
    width: u32,
    height: u32,
    thresholds: Option<Thresholds>,
) -> Reply<String> {
    let options = ChartOptions {
        width,
        height,
        theme,
    };
    Ok(views
        .export_chart_png(
            &registry,
            &session_id,
            &cluster,
            &service,
            &range,
            &chart_id,
            &options,
            thresholds,
        )
        .await?)
}

/// Target health per target group of a service.
#[tauri::command]
pub async fn target_health(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Vec<TargetGroupHealth>> {
    Ok(views
        .target_health(&registry, &session_id, &cluster, &service)
        .await?)
}

/// CloudWatch alarms watching a service.
#[tauri::command]
pub async fn service_alarms(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Vec<AlarmInfo>> {
    Ok(views
        .service_alarms(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Recently stopped tasks with a diagnosis.
#[tauri::command]
pub async fn stopped_tasks(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Vec<StoppedTask>> {
    Ok(views
        .stopped_tasks(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Deployments of a service.
#[tauri::command]
pub async fn service_deployments(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<ServiceDeployments> {
    Ok(views
        .service_deployments(&registry, &session_id, &cluster, &service)
        .await?)
}

/// What changed between two task definition revisions.
#[tauri::command]
pub async fn task_definition_diff(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    from: String,
    to: String,
) -> Reply<TaskDefinitionDiff> {
    Ok(views
        .task_definition_diff(&registry, &session_id, &from, &to)
        .await?)
}

/// Service events with plain-language glosses.
#[tauri::command]
pub async fn service_events(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Vec<ServiceEvent>> {
    Ok(views
        .service_events(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Log groups and stream prefixes of a service's containers.
#[tauri::command]
pub async fn log_sources(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Vec<LogSource>> {
    Ok(views
        .log_sources(&registry, &session_id, &cluster, &service)
        .await?)
}

/// The latest lines of a log group (or of one stream).
#[tauri::command]
pub async fn log_recent(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    group: String,
    stream: Option<String>,
    limit: Option<i32>,
) -> Reply<Vec<LogLine>> {
    Ok(views
        .log_recent(&registry, &session_id, &group, stream.as_deref(), limit)
        .await?)
}

/// One page of a log search.
#[tauri::command]
pub async fn log_search(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    query: LogQuery,
) -> Reply<LogPage> {
    Ok(views.log_search(&registry, &session_id, &query).await?)
}

/// Error lines of the last hour.
#[tauri::command]
pub async fn log_errors(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    group: String,
    stream_prefix: Option<String>,
) -> Reply<LogPage> {
    Ok(views
        .log_errors(&registry, &session_id, &group, stream_prefix)
        .await?)
}

/// Starts following a log search; new lines arrive on `channel`. Returns the follow id.
#[tauri::command]
pub async fn log_follow_start(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    query: LogQuery,
    channel: Channel<LogBatch>,
) -> Reply<String> {
    Ok(views
        .log_follow_start(&registry, &session_id, query, move |b| {
            channel.send(b).is_ok()
        })
        .await?)
}

/// Pauses a follow.
#[tauri::command]
pub async fn log_follow_pause(views: State<'_, Observability>, follow_id: String) -> Reply<()> {
    Ok(views.log_follow_pause(&follow_id)?)
}

/// Resumes a follow.
#[tauri::command]
pub async fn log_follow_resume(views: State<'_, Observability>, follow_id: String) -> Reply<()> {
    Ok(views.log_follow_resume(&follow_id)?)
}

/// Stops a follow.
#[tauri::command]
pub async fn log_follow_stop(views: State<'_, Observability>, follow_id: String) -> Reply<()> {
    Ok(views.log_follow_stop(&follow_id)?)
}

/// Saves lines to a text file in the exports folder; returns its path.
#[tauri::command]
pub async fn log_save(
    views: State<'_, Observability>,
    name: String,
    lines: Vec<LogLine>,
) -> Reply<String> {
    Ok(views.log_save(&name, &lines)?)
}
