//! CloudWatch Logs Insights: the queries run (each over a snapshot of the events already
//! ingested when it started) and the account's saved query definitions.

/// One log event as a query reads it.
#[derive(Debug, Clone)]
pub struct InsightsRecord {
    /// Epoch milliseconds.
    pub ts_ms: i64,
    /// The message.
    pub message: String,
    /// Its stream.
    pub stream: String,
    /// `account:group`.
    pub log: String,
}

/// A query started with StartQuery.
#[derive(Debug, Clone)]
pub struct QueryRun {
    /// queryId.
    pub id: String,
    /// The query text.
    pub query: String,
    /// Log group names.
    pub groups: Vec<String>,
    /// Range (epoch seconds).
    pub start: i64,
    /// See `start`.
    pub end: i64,
    /// Rows asked for.
    pub limit: usize,
    /// When it started (simulated time).
    pub created: f64,
    /// How long it scans (simulated seconds).
    pub run_secs: f64,
    /// When StopQuery stopped it.
    pub cancelled_at: Option<f64>,
    /// The events in range, oldest first, as ingested when it started.
    pub records: std::sync::Arc<Vec<InsightsRecord>>,
}

/// A saved query (PutQueryDefinition).
#[derive(Debug, Clone)]
pub struct QueryDefinition {
    /// queryDefinitionId.
    pub id: String,
    /// Name (`/` makes folders in the console).
    pub name: String,
    /// The query text.
    pub query: String,
    /// Log groups it names.
    pub groups: Vec<String>,
    /// lastModified (epoch seconds).
    pub modified: f64,
}
