//! The browse bridge: clusters, services and tasks of an open session — delegations to
//! `ecsdesk_core::app::browse`.

use ecsdesk_core::app::browse;
use ecsdesk_core::{
    ClusterSummary, DesiredStatus, ServiceDetail, ServiceSummary, SessionRegistry, TaskDetail,
    TaskSummary,
};
use tauri::State;

use crate::bridge::Reply;

/// Clusters of the session's region.
#[tauri::command]
pub async fn list_clusters(
    registry: State<'_, SessionRegistry>,
    session_id: String,
) -> Reply<Vec<ClusterSummary>> {
    Ok(browse::list_clusters(&registry, &session_id).await?)
}

/// Services of a cluster.
#[tauri::command]
pub async fn list_services(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    cluster: String,
) -> Reply<Vec<ServiceSummary>> {
    Ok(browse::list_services(&registry, &session_id, &cluster).await?)
}

/// One service with deployments, events and tasks.
#[tauri::command]
pub async fn get_service(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<ServiceDetail> {
    Ok(browse::get_service(&registry, &session_id, &cluster, &service).await?)
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
    Ok(browse::list_tasks(&registry, &session_id, &cluster, &service, desired_status).await?)
}

/// One task with its containers.
#[tauri::command]
pub async fn get_task(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    cluster: String,
    task_id: String,
) -> Reply<TaskDetail> {
    Ok(browse::get_task(&registry, &session_id, &cluster, &task_id).await?)
}
