//! The Logs Insights bridge: named queries, start, results and stop — delegations to
//! `ecsdesk_core::read::insights`.

use ecsdesk_core::model::insights::{InsightsRun, NamedQuery};
use ecsdesk_core::read::insights::{self, InsightsResults};
use ecsdesk_core::SessionRegistry;
use tauri::State;

use crate::bridge::{ChartSize, Reply, ServiceAt};

/// ECS Desk's ready queries and the account's saved ones.
#[tauri::command]
pub async fn insights_queries(
    registry: State<'_, SessionRegistry>,
    session_id: String,
) -> Reply<Vec<NamedQuery>> {
    let session = registry.get(&session_id).await?;
    Ok(insights::named_queries(&session).await?)
}

/// Starts a query over the service's log groups from `start` to `end` (epoch seconds).
#[tauri::command]
pub async fn insights_start(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
    query: String,
    start: i64,
    end: i64,
) -> Reply<InsightsRun> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(async move { insights::start(s, c, v, &query, start, end).await })
        })
        .await?)
}

/// A query's results so far (with a chart when they run over time).
#[tauri::command]
pub async fn insights_results(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    region: String,
    query_id: String,
    start: i64,
    end: i64,
    chart: ChartSize,
) -> Reply<InsightsResults> {
    let session = registry.get_in(&session_id, Some(&region)).await?;
    Ok(insights::results(&session, &query_id, (start, end), &chart.0).await?)
}

/// Stops a query (one that already ended is not an error).
#[tauri::command]
pub async fn insights_stop(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    region: String,
    query_id: String,
) -> Reply<()> {
    let session = registry.get_in(&session_id, Some(&region)).await?;
    Ok(insights::stop(&session, &query_id).await?)
}
