//! ECS Desk core: sessions, partitions, profiles and the ECS read model, with no Tauri dependency.
//!
//! Every type that crosses the bridge to the UI derives `ts_rs::TS`; [`export_bindings`] writes
//! them as TypeScript into `ui/src/bindings/` (checked by the `bindings_are_fresh` test).

pub mod actions;
pub mod alarms;
pub mod audit;
pub mod charts;
pub mod clusters;
pub mod console;
pub mod deployments;
pub mod diagnosis;
pub mod error;
pub mod events;
pub mod fleet;
pub mod freshness;
pub mod health;
pub mod history;
pub mod logs;
pub mod metrics;
pub mod observability;
pub mod partitions;
pub mod profiles;
pub mod protection;
pub mod resilience;
pub mod services;
pub mod sessions;
pub mod signin;
pub mod snapshot;
pub mod sso;
pub mod targets;
pub mod tasks;
pub mod thresholds;

use std::future::Future;
use std::path::Path;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use futures::stream::{self, StreamExt, TryStreamExt};
use ts_rs::TS;

pub use actions::{
    ActionCenter, ActionPlan, ActionRequest, ActionStatus, ExecuteStarted, WatchUpdate,
};
pub use clusters::ClusterSummary;
pub use error::{CoreError, ErrorPayload};
pub use partitions::{list_partitions, partition_of, Partition, PartitionInfo, RegionInfo};
pub use profiles::{list_profiles, ProfileInfo, ProfileKind};
pub use services::{
    DeploymentInfo, LastDeployment, LoadBalancerInfo, ServiceDetail, ServiceEventInfo,
    ServiceSummary,
};
pub use sessions::{sso_session_id, Session, SessionInfo, SessionRegistry, SessionSource};
pub use signin::{LoginStarted, SignIn};
pub use tasks::{ContainerInfo, DesiredStatus, TaskDetail, TaskSummary};

/// How many describe calls of one listing run at the same time: one ListServices page's worth
/// (100 services = 10 DescribeServices), so describes keep pace with the pages; well inside ECS's
/// read burst, and bounded so a 1,000-service cluster never floods the connection pool.
pub(crate) const DESCRIBE_CONCURRENCY: usize = 10;

/// Runs `describe` over `items` in batches of `size`, at most [`DESCRIBE_CONCURRENCY`] at once,
/// and concatenates the results (order of batches is not kept).
pub(crate) async fn describe_in_batches<T, R, F, Fut>(
    items: Vec<T>,
    size: usize,
    describe: F,
) -> Result<Vec<R>, CoreError>
where
    T: Clone,
    F: Fn(Vec<T>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, CoreError>>,
{
    let batches: Vec<Vec<T>> = items.chunks(size.max(1)).map(<[T]>::to_vec).collect();
    let results: Vec<Vec<R>> = stream::iter(batches.into_iter().map(describe))
        .buffer_unordered(DESCRIBE_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(results.into_iter().flatten().collect())
}

/// An SDK timestamp as an RFC 3339 string.
pub(crate) fn rfc3339(time: Option<&DateTime>) -> Option<String> {
    time.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// The last `/`-separated part of an ARN (its resource name or id).
pub(crate) fn arn_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// Writes the TypeScript declaration of every bridge type into `dir` (one `.ts` file per type).
pub fn export_bindings(dir: &Path) -> Result<(), CoreError> {
    let fail =
        |e: ts_rs::ExportError| CoreError::Internal(format!("exporting TypeScript bindings: {e}"));
    ErrorPayload::export_all_to(dir).map_err(fail)?;
    Partition::export_all_to(dir).map_err(fail)?;
    RegionInfo::export_all_to(dir).map_err(fail)?;
    PartitionInfo::export_all_to(dir).map_err(fail)?;
    ProfileKind::export_all_to(dir).map_err(fail)?;
    ProfileInfo::export_all_to(dir).map_err(fail)?;
    SessionInfo::export_all_to(dir).map_err(fail)?;
    ClusterSummary::export_all_to(dir).map_err(fail)?;
    LastDeployment::export_all_to(dir).map_err(fail)?;
    ServiceSummary::export_all_to(dir).map_err(fail)?;
    DeploymentInfo::export_all_to(dir).map_err(fail)?;
    ServiceEventInfo::export_all_to(dir).map_err(fail)?;
    LoadBalancerInfo::export_all_to(dir).map_err(fail)?;
    ServiceDetail::export_all_to(dir).map_err(fail)?;
    DesiredStatus::export_all_to(dir).map_err(fail)?;
    TaskSummary::export_all_to(dir).map_err(fail)?;
    ContainerInfo::export_all_to(dir).map_err(fail)?;
    TaskDetail::export_all_to(dir).map_err(fail)?;
    actions::export_bindings(dir)?;
    LoginStarted::export_all_to(dir).map_err(fail)?;
    sso::export_bindings(dir)?;
    health::export_bindings(dir)?;
    thresholds::export_bindings(dir)?;
    fleet::export_bindings(dir)?;
    write_index(dir)
}

/// Writes `index.ts` re-exporting every generated type, so the UI imports from one place.
fn write_index(dir: &Path) -> Result<(), CoreError> {
    let io = |e: std::io::Error| CoreError::Internal(format!("writing {}: {e}", dir.display()));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_string))
        .filter_map(|name| name.strip_suffix(".ts").map(str::to_string))
        .filter(|name| name != "index")
        .collect();
    names.sort();
    let mut text =
        String::from("// Generated by ecsdesk-core (export_bindings). Do not edit by hand.\n");
    for name in names {
        text.push_str(&format!("export type * from \"./{name}\";\n"));
    }
    std::fs::write(dir.join("index.ts"), text).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_utc() {
        let t = DateTime::from_secs(1_700_000_000);
        assert_eq!(rfc3339(Some(&t)).as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(rfc3339(None), None);
    }

    #[test]
    fn arn_name_takes_last_segment() {
        assert_eq!(
            arn_name("arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task/coe-ecs-prod/abc123"),
            "abc123"
        );
        assert_eq!(arn_name("plain"), "plain");
    }

    #[tokio::test]
    async fn batches_respect_size_and_keep_every_item() {
        let items: Vec<u32> = (0..25).collect();
        let sizes = std::sync::Mutex::new(Vec::new());
        let out = describe_in_batches(items, 10, |batch| {
            sizes.lock().unwrap().push(batch.len());
            async move { Ok::<_, CoreError>(batch) }
        })
        .await
        .unwrap();
        let mut out = out;
        out.sort();
        assert_eq!(out, (0..25).collect::<Vec<_>>());
        let mut sizes = sizes.into_inner().unwrap();
        sizes.sort();
        assert_eq!(sizes, vec![5, 10, 10]);
    }
}
