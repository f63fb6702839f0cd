//! ECS clusters of a session's region.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::sessions::Session;
use crate::{arn_name, describe_in_batches};

/// DescribeClusters accepts at most 100 clusters a call.
const DESCRIBE_CLUSTERS_BATCH: usize = 100;

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

/// Maps an SDK cluster.
fn summary(cluster: &aws_sdk_ecs::types::Cluster) -> ClusterSummary {
    let arn = cluster.cluster_arn().unwrap_or_default().to_string();
    ClusterSummary {
        name: cluster
            .cluster_name()
            .map(str::to_string)
            .unwrap_or_else(|| arn_name(&arn)),
        arn,
        status: cluster.status().unwrap_or_default().to_string(),
        active_services: cluster.active_services_count(),
        running_tasks: cluster.running_tasks_count(),
        pending_tasks: cluster.pending_tasks_count(),
        capacity_providers: cluster.capacity_providers().to_vec(),
    }
}

/// Every cluster of the session's region, sorted by name (all pages, batched describes).
pub async fn list_clusters(session: &Session) -> Result<Vec<ClusterSummary>, CoreError> {
    let arns: Vec<String> = session
        .ecs
        .list_clusters()
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(session.error("ecs:ListClusters"))?;
    let mut clusters = describe_in_batches(arns, DESCRIBE_CLUSTERS_BATCH, |batch| async move {
        let out = session
            .ecs
            .describe_clusters()
            .set_clusters(Some(batch))
            .send()
            .await
            .map_err(session.error("ecs:DescribeClusters"))?;
        Ok(out.clusters().iter().map(summary).collect::<Vec<_>>())
    })
    .await?;
    clusters.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(clusters)
}
