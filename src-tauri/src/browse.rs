//! The bridge: one-line delegations from Tauri commands to the core.

use ecsdesk_core::{
    ClusterSummary, DesiredStatus, ErrorPayload, PartitionInfo, ProfileInfo, ServiceDetail,
    ServiceSummary, SessionInfo, SessionRegistry, TaskDetail, TaskSummary,
};
use tauri::State;

/// The result every command returns to the UI.
type Reply<T> = Result<T, ErrorPayload>;

/// Profiles of the AWS config file.
#[tauri::command]
pub async fn list_profiles() -> Reply<Vec<ProfileInfo>> {
    ecsdesk_core::list_profiles().map_err(ErrorPayload::from)
}

/// Partitions with their regions.
#[tauri::command]
pub async fn list_partitions() -> Reply<Vec<PartitionInfo>> {
    Ok(ecsdesk_core::list_partitions())
}

/// Opens a session for `profile` (validated with sts GetCallerIdentity).
#[tauri::command]
pub async fn open_session(
    registry: State<'_, SessionRegistry>,
    profile: String,
    region: Option<String>,
) -> Reply<SessionInfo> {
    registry
        .open_session(&profile, region)
        .await
        .map_err(ErrorPayload::from)
}

/// Sessions open now.
#[tauri::command]
pub async fn list_sessions(registry: State<'_, SessionRegistry>) -> Reply<Vec<SessionInfo>> {
    Ok(registry.list_sessions().await)
}

/// Moves a session to another region of its partition.
#[tauri::command]
pub async fn set_session_region(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    region: String,
) -> Reply<SessionInfo> {
    registry
        .set_session_region(&session_id, &region)
        .await
        .map_err(ErrorPayload::from)
}

/// Closes a session.
#[tauri::command]
pub async fn close_session(registry: State<'_, SessionRegistry>, session_id: String) -> Reply<()> {
    registry
        .close_session(&session_id)
        .await
        .map_err(ErrorPayload::from)
}

/// Clusters of the session's region.
#[tauri::command]
pub async fn list_clusters(
    registry: State<'_, SessionRegistry>,
    session_id: String,
) -> Reply<Vec<ClusterSummary>> {
    ecsdesk_core::app::browse::list_clusters(&registry, &session_id)
        .await
        .map_err(ErrorPayload::from)
}

/// Services of a cluster.
#[tauri::command]
pub async fn list_services(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    cluster: String,
) -> Reply<Vec<ServiceSummary>> {
    ecsdesk_core::app::browse::list_services(&registry, &session_id, &cluster)
        .await
        .map_err(ErrorPayload::from)
}

/// One service with deployments, events and tasks.
#[tauri::command]
pub async fn get_service(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<ServiceDetail> {
    ecsdesk_core::app::browse::get_service(&registry, &session_id, &cluster, &service)
        .await
        .map_err(ErrorPayload::from)
}

/// Tasks of a service with the given desired status.
#[tauri::command]
pub async fn list_tasks(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    cluster: String,
    service: String,
    desired_status: DesiredStatus,
) -> Reply<Vec<TaskSummary>> {
    ecsdesk_core::app::browse::list_tasks(
        &registry,
        &session_id,
        &cluster,
        &service,
        desired_status,
    )
    .await
    .map_err(ErrorPayload::from)
}

/// One task with its containers.
#[tauri::command]
pub async fn get_task(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    cluster: String,
    task_id: String,
) -> Reply<TaskDetail> {
    ecsdesk_core::app::browse::get_task(&registry, &session_id, &cluster, &task_id)
        .await
        .map_err(ErrorPayload::from)
}
