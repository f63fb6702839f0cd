//! CloudWatch Logs Insights over a service's log groups: start a query for a time range, poll
//! its results (partial while it runs), stop it, and the account's saved queries beside ECS
//! Desk's ready ones. Queries run where the log groups are (`awslogs-region`).

use crate::aws::session::Session;
use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::insights::{
    is_done, ready_queries, scanned_words, table, InsightsRun, NamedQuery,
};
use crate::read::logs::log_sources;
use crate::render::charts::insights::insights_chart;
use crate::render::charts::{render_svg, ChartOptions};

/// A query's results so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InsightsResults {
    /// Scheduled, Running, Complete, Failed, Cancelled, Timeout or Unknown.
    pub status: String,
    /// Whether the status is final.
    pub done: bool,
    /// Column names in the order the query gives them (`@ptr` left out).
    pub columns: Vec<String>,
    /// Rows, one value per column ("" where a row has none).
    pub rows: Vec<Vec<String>>,
    /// recordsMatched.
    pub matched: f64,
    /// recordsScanned.
    pub scanned_records: f64,
    /// bytesScanned.
    pub scanned_bytes: f64,
    /// "12.4 MB scanned" (what the query is billed by).
    pub scanned_words: String,
    /// The results over time as chart lines, when a column is a time bin or @timestamp.
    pub chart: Option<crate::render::charts::RenderedChart>,
}

/// Insights reads at most this many rows of results (the API's own largest limit).
const MAX_ROWS: i32 = 10_000;
/// The longest query text accepted (the API takes 10,000 characters).
const MAX_QUERY: usize = 10_000;

/// Starts `query` over the log groups of `service` from `start` to `end` (epoch seconds).
pub async fn start(
    session: &Session,
    cluster: &str,
    service: &str,
    query: &str,
    start: i64,
    end: i64,
) -> Result<InsightsRun, CoreError> {
    if query.trim().is_empty() || query.len() > MAX_QUERY {
        return Err(CoreError::InvalidInput(format!(
            "Write a query of 1 to {MAX_QUERY} characters."
        )));
    }
    if start >= end {
        return Err(CoreError::InvalidInput(
            "The time range must end after it starts.".into(),
        ));
    }
    let sources = log_sources(session, cluster, service).await?;
    let Some(first) = sources.first() else {
        return Err(CoreError::InvalidInput(format!(
            "{service} does not send its logs to CloudWatch Logs (no awslogs container), so there is nothing to query."
        )));
    };
    let region = first
        .region
        .clone()
        .unwrap_or_else(|| session.info().region.clone());
    // Groups of the same region only: one query runs in one region.
    let mut groups: Vec<String> = Vec::new();
    for s in &sources {
        let r = s
            .region
            .clone()
            .unwrap_or_else(|| session.info().region.clone());
        if r == region && !groups.contains(&s.group) {
            groups.push(s.group.clone());
        }
    }
    // Where the log groups are: this session, or the same one built for their region.
    let elsewhere = session.elsewhere(&region).await?;
    let there: &Session = elsewhere.as_deref().unwrap_or(session);
    let out = there
        .logs
        .start_query()
        .set_log_group_names(Some(groups.clone()))
        .start_time(start)
        .end_time(end)
        .query_string(query)
        .limit(MAX_ROWS)
        .send()
        .await
        .map_err(there.error("logs:StartQuery"))?;
    let query_id = out
        .query_id()
        .ok_or_else(|| CoreError::Internal("StartQuery answered without a query id".into()))?;
    Ok(InsightsRun {
        query_id: query_id.to_string(),
        region,
        log_groups: groups,
    })
}

/// The results of query `query_id` so far, with a chart when they run over time (`range` in
/// epoch seconds, for its axis); `session` is in the query's region.
pub async fn results(
    session: &Session,
    query_id: &str,
    range: (i64, i64),
    options: &ChartOptions,
) -> Result<InsightsResults, CoreError> {
    let out = session
        .logs
        .get_query_results()
        .query_id(query_id)
        .send()
        .await
        .map_err(session.error("logs:GetQueryResults"))?;
    let status = out
        .status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|| "Unknown".into());
    let pairs: Vec<Vec<(String, String)>> = out
        .results()
        .iter()
        .map(|row| {
            row.iter()
                .map(|f| {
                    (
                        f.field().unwrap_or_default().to_string(),
                        f.value().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .collect();
    let (columns, rows) = table(&pairs);
    let stats = out.statistics();
    let bytes = stats.map_or(0.0, |s| s.bytes_scanned());
    let chart = match insights_chart(&columns, &rows, range) {
        Some(spec) => Some(render_svg(&spec, options)?),
        None => None,
    };
    Ok(InsightsResults {
        done: is_done(&status),
        status,
        columns,
        rows,
        matched: stats.map_or(0.0, |s| s.records_matched()),
        scanned_records: stats.map_or(0.0, |s| s.records_scanned()),
        scanned_bytes: bytes,
        scanned_words: scanned_words(bytes),
        chart,
    })
}

/// Stops query `query_id` (`session` in its region); a query that already finished is not an
/// error.
pub async fn stop(session: &Session, query_id: &str) -> Result<(), CoreError> {
    match session.logs.stop_query().query_id(query_id).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let err = session.error("logs:StopQuery")(e);
            // AWS refuses to stop a query that is over: it is stopped all the same.
            match &err {
                CoreError::Aws { code, .. } if code == "InvalidParameterException" => Ok(()),
                _ => Err(err),
            }
        }
    }
}

/// ECS Desk's ready queries, then the account's saved ones (all pages) in the session's region.
pub async fn named_queries(session: &Session) -> Result<Vec<NamedQuery>, CoreError> {
    let mut out = ready_queries();
    let mut token: Option<String> = None;
    // Saved queries are few; a bound keeps a bad token loop from running on.
    for _ in 0..20 {
        let page = session
            .logs
            .describe_query_definitions()
            .max_results(1000)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(session.error("logs:DescribeQueryDefinitions"))?;
        out.extend(page.query_definitions().iter().map(|d| NamedQuery {
            name: d.name().unwrap_or_default().to_string(),
            query: d.query_string().unwrap_or_default().to_string(),
            origin: "saved".into(),
            log_groups: d.log_group_names().to_vec(),
        }));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}
