//! Browsing as the shell asks for it: a session id, then the clusters, services and tasks of its
//! current region.

use crate::aws::session::SessionRegistry;
use crate::error::CoreError;
use crate::model::cluster::ClusterSummary;
use crate::model::service::{ServiceDetail, ServiceSummary};
use crate::model::task::{DesiredStatus, TaskDetail, TaskSummary};
use crate::read::clusters;
use crate::read::{services, tasks};

/// Clusters of session `id`'s current region.
pub async fn list_clusters(
    registry: &SessionRegistry,
    id: &str,
) -> Result<Vec<ClusterSummary>, CoreError> {
    clusters::list_clusters(&*registry.get(id).await?).await
}

/// Services of `cluster`.
pub async fn list_services(
    registry: &SessionRegistry,
    id: &str,
    cluster: &str,
) -> Result<Vec<ServiceSummary>, CoreError> {
    services::list_services(&*registry.get(id).await?, cluster).await
}

/// One service with deployments, events and tasks.
pub async fn get_service(
    registry: &SessionRegistry,
    id: &str,
    cluster: &str,
    service: &str,
) -> Result<ServiceDetail, CoreError> {
    services::get_service(&*registry.get(id).await?, cluster, service).await
}

/// Tasks of `service` with the given desired status.
pub async fn list_tasks(
    registry: &SessionRegistry,
    id: &str,
    cluster: &str,
    service: &str,
    desired_status: DesiredStatus,
) -> Result<Vec<TaskSummary>, CoreError> {
    tasks::list_tasks(&*registry.get(id).await?, cluster, service, desired_status).await
}

/// One task with its containers.
pub async fn get_task(
    registry: &SessionRegistry,
    id: &str,
    cluster: &str,
    task: &str,
) -> Result<TaskDetail, CoreError> {
    tasks::get_task(&*registry.get(id).await?, cluster, task).await
}
