//! The logs bridge: log sources, recent lines, search, error lines, following and saving —
//! delegations to `ecsdesk_core::app::observability`, plus the channel that streams followed
//! lines.

use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::read::log_follow::LogBatch;
use ecsdesk_core::read::logs;
use ecsdesk_core::read::logs::{LogLine, LogPage, LogQuery, LogSource};
use ecsdesk_core::SessionRegistry;
use tauri::ipc::Channel;
use tauri::State;

use crate::bridge::{blocking, Reply, ServiceAt};

/// Log groups and stream prefixes of a service's containers.
#[tauri::command]
pub async fn log_sources(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
) -> Reply<Vec<LogSource>> {
    Ok(at
        .read(&registry, |s, c, v| Box::pin(logs::log_sources(s, c, v)))
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
    region: Option<String>,
) -> Reply<Vec<LogLine>> {
    Ok(views
        .log_recent(
            &registry,
            &session_id,
            &group,
            stream.as_deref(),
            limit,
            region.as_deref(),
        )
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
    region: Option<String>,
) -> Reply<LogPage> {
    Ok(views
        .log_errors(
            &registry,
            &session_id,
            &group,
            stream_prefix,
            region.as_deref(),
        )
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

/// Saves lines of log group `group` as a new text file in the exports folder, named by the core;
/// returns its path.
#[tauri::command]
pub async fn log_save(
    views: State<'_, Observability>,
    group: String,
    lines: Vec<LogLine>,
) -> Reply<String> {
    let views = views.inner().clone();
    blocking(move || views.log_save(&group, &lines)).await
}
