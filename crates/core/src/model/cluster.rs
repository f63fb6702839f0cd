//! ECS clusters as the app lists them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One cluster as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSummary {
    /// Cluster name.
    pub name: String,
    /// Cluster ARN.
    pub arn: String,
    /// `ACTIVE`, `PROVISIONING`, `INACTIVE`...
    pub status: String,
    /// Number of active services.
    pub active_services: i32,
    /// Running tasks.
    pub running_tasks: i32,
    /// Pending tasks.
    pub pending_tasks: i32,
    /// Capacity providers attached to the cluster (e.g. `FARGATE`).
    pub capacity_providers: Vec<String>,
}
