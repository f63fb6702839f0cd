//! ECS clusters of a session's region.

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::cluster::ClusterSummary;
use crate::util::arn::arn_name;
use crate::util::batches::describe_in_batches;

/// DescribeClusters accepts at most 100 clusters a call.
const DESCRIBE_CLUSTERS_BATCH: usize = 100;

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
