//! CloudWatch Logs Insights as the app shows it: the ready queries, a query's results as a table,
//! and what it scanned — queries cost money by the byte.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A query offered by name: ECS Desk's ready ones and the account's saved ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NamedQuery {
    /// Shown name (saved queries may use `/` for folders).
    pub name: String,
    /// The query text.
    pub query: String,
    /// `ready` (ECS Desk's) or `saved` (the account's).
    pub origin: String,
    /// The log groups a saved query names (empty: the service's own).
    pub log_groups: Vec<String>,
}

/// ECS Desk's ready queries over an ECS service's logs (lines like
/// `INFO GET /api/orders/1234 200 34ms request_id=…` and `ERROR …`).
pub fn ready_queries() -> Vec<NamedQuery> {
    let ready = |name: &str, query: &str| NamedQuery {
        name: name.to_string(),
        query: query.to_string(),
        origin: "ready".into(),
        log_groups: Vec::new(),
    };
    vec![
        ready("Errors by message", READY_ERRORS),
        ready("Slowest requests", READY_SLOWEST),
        ready("Requests per status", READY_STATUS),
    ]
}

/// Errors grouped by their message (request ids left out), most frequent first.
pub const READY_ERRORS: &str = "fields @timestamp, @message
| filter @message like /ERROR/
| parse @message /ERROR (?<error>.*?)( request_id=|$)/
| stats count(*) as errors by error
| sort errors desc
| limit 20";

/// The slowest requests, with their path and status.
pub const READY_SLOWEST: &str = "fields @timestamp, @message
| parse @message /(?<method>GET|POST|PUT|DELETE) (?<path>\\S+) (?<status>\\d{3}) (?<latency>\\d+)ms/
| filter ispresent(latency)
| sort latency desc
| display @timestamp, method, path, status, latency
| limit 20";

/// Requests per HTTP status, in 5-minute bins.
pub const READY_STATUS: &str = "fields @timestamp, @message
| parse @message /(?<method>GET|POST|PUT|DELETE) (?<path>\\S+) (?<status>\\d{3}) /
| filter ispresent(status)
| stats count(*) as requests by status, bin(5m)";

/// A query run, to poll and stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InsightsRun {
    /// queryId.
    pub query_id: String,
    /// Region the log groups live in (where it runs).
    pub region: String,
    /// The log groups it reads.
    pub log_groups: Vec<String>,
}

/// Whether a query status is final.
pub fn is_done(status: &str) -> bool {
    matches!(
        status,
        "Complete" | "Failed" | "Cancelled" | "Timeout" | "Unknown"
    )
}

/// "12.4 MB scanned".
pub fn scanned_words(bytes: f64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = bytes.max(0.0);
    let mut i = 0;
    while v >= 1000.0 && i + 1 < units.len() {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 {
        format!("{} bytes scanned", v as u64)
    } else {
        format!("{v:.1} {} scanned", units[i])
    }
}

/// Rows of (field, value) pairs as columns and rows; `@ptr` is left out.
pub fn table(rows: &[Vec<(String, String)>]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        for (field, _) in row {
            if field != "@ptr" && !columns.contains(field) {
                columns.push(field.clone());
            }
        }
    }
    let out = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|(f, _)| f == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    (columns, out)
}

/// An Insights time (`2026-12-04 10:05:00.000`, UTC) in epoch seconds.
pub fn insights_time(text: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp())
}

/// The seconds of a `bin(5m)` column name.
pub fn bin_seconds(column: &str) -> Option<i64> {
    let inner = column.strip_prefix("bin(")?.strip_suffix(')')?;
    let split = inner.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = inner.split_at(split);
    let n: i64 = n.parse().ok()?;
    let unit_secs = match unit {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" | "hr" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    Some(n * unit_secs)
}

#[cfg(test)]
mod tests;
