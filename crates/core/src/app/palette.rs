//! The index the Ctrl+K palette searches: every cluster and service of every signed-in session.

use crate::app::fleet::service_names;
use crate::aws::session::SessionRegistry;
use crate::model::partition::Partition;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A service the palette can jump to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaletteEntry {
    /// Session to open it in.
    pub session_id: String,
    /// Partition of the session.
    pub partition: Partition,
    /// Account name or id.
    pub account: String,
    /// Region of the session.
    pub region: String,
    /// Cluster name.
    pub cluster: String,
    /// Service name.
    pub service: String,
}

/// The palette's index: every service of every cluster of every open session's current region,
/// from the shared (cached) cluster list and ListServices pages only (no describes). Sessions
/// that cannot be read are left out.
pub async fn palette_index(registry: &SessionRegistry) -> Vec<PaletteEntry> {
    let infos = registry.list_sessions().await;
    let work = infos.into_iter().map(|info| async move {
        let Ok(session) = registry.get(&info.id).await else {
            return Vec::new();
        };
        let Ok(clusters) = crate::app::browse::list_clusters(registry, &info.id).await else {
            return Vec::new();
        };
        let per_cluster = clusters.iter().map(|c| {
            let session = session.clone();
            let cluster = c.name.clone();
            async move {
                let names = service_names(&session, &cluster).await.unwrap_or_default();
                (cluster, names)
            }
        });
        let account = info
            .account_name
            .clone()
            .unwrap_or_else(|| info.account_id.clone());
        futures::future::join_all(per_cluster)
            .await
            .into_iter()
            .flat_map(|(cluster, names)| {
                let info = &info;
                let account = account.clone();
                names.into_iter().map(move |service| PaletteEntry {
                    session_id: info.id.clone(),
                    partition: info.partition,
                    account: account.clone(),
                    region: info.region.clone(),
                    cluster: cluster.clone(),
                    service,
                })
            })
            .collect::<Vec<_>>()
    });
    let mut out: Vec<PaletteEntry> = futures::future::join_all(work)
        .await
        .into_iter()
        .flatten()
        .collect();
    out.sort_by(|a, b| {
        (&a.service, &a.cluster, &a.session_id).cmp(&(&b.service, &b.cluster, &b.session_id))
    });
    out
}
