//! CloudWatch alarms, and CloudWatch Logs groups and streams.

use super::Behaviour;

/// A CloudWatch alarm.
#[derive(Debug, Clone)]
pub struct Alarm {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Description.
    pub description: String,
    /// Namespace.
    pub namespace: String,
    /// Metric name.
    pub metric_name: String,
    /// Dimensions.
    pub dimensions: Vec<(String, String)>,
    /// Statistic.
    pub statistic: String,
    /// Period seconds.
    pub period: i64,
    /// Threshold.
    pub threshold: f64,
    /// Comparison operator.
    pub comparison: String,
    /// Evaluation periods.
    pub evaluation_periods: i64,
    /// `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    pub state: String,
    /// State reason.
    pub state_reason: String,
    /// State updated.
    pub state_updated_at: f64,
}

/// A CloudWatch Logs group.
#[derive(Debug, Clone)]
pub struct LogGroup {
    /// Name.
    pub name: String,
    /// Created.
    pub created_at: f64,
    /// Retention days.
    pub retention_days: Option<i64>,
    /// The region CloudWatch Logs serves it from when that is not the region of the tasks that
    /// write it (their task definition's `awslogs-region`).
    pub shown_in: Option<String>,
    /// Streams (created by tasks through the awslogs driver).
    pub streams: Vec<LogStream>,
}

/// A log stream written by one container of one task.
#[derive(Debug, Clone)]
pub struct LogStream {
    /// `prefix/container/task-id`.
    pub name: String,
    /// Created.
    pub created_at: f64,
    /// Task id.
    pub task_id: String,
    /// Service name.
    pub service: String,
    /// What the task does (drives the generated lines).
    pub behaviour: Behaviour,
    /// When the container started writing.
    pub started_at: f64,
    /// When it stopped writing (task stopped).
    pub stopped_at: Option<f64>,
    /// Explicit lines (start-up banners, crash messages), sorted by time.
    pub events: Vec<(f64, String)>,
}
