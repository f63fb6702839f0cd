//! A CloudWatch alarm as the app shows it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One alarm and its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AlarmInfo {
    /// Alarm name.
    pub name: String,
    /// What the alarm's author wrote about it.
    pub description: Option<String>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: String,
    /// CloudWatch's explanation of the state.
    pub state_reason: Option<String>,
    /// When the state last changed (RFC 3339).
    pub state_updated_at: Option<String>,
    /// Metric namespace, e.g. `AWS/ECS`.
    pub namespace: Option<String>,
    /// Metric name, e.g. `CPUUtilization`.
    pub metric: Option<String>,
    /// Statistic, e.g. `Average` or `p90`.
    pub statistic: Option<String>,
    /// Threshold value.
    pub threshold: Option<f64>,
    /// `GreaterThanThreshold`...
    pub comparison: Option<String>,
    /// The rule in words, e.g. "CPUUtilization Average > 80 for 2 × 5 min".
    pub rule: String,
}
