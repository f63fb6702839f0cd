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
    /// Made by a target-tracking scaling policy: in ALARM it tells the scaler to add or remove
    /// tasks (the low one sits in ALARM whenever load is low), so it is not a sign of trouble.
    pub scaling: bool,
}

/// What Application Auto Scaling writes in the description of the alarms it makes.
const TARGET_TRACKING_DESCRIPTION: &str = "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy";

/// Whether an alarm was made by a target-tracking scaling policy: its description says so, or its
/// name has the shape `TargetTracking-<resource>-AlarmHigh-<id>` / `-AlarmLow-<id>`.
pub fn is_scaling_alarm(name: &str, description: Option<&str>) -> bool {
    description.is_some_and(|d| d.starts_with(TARGET_TRACKING_DESCRIPTION))
        || (name.starts_with("TargetTracking-")
            && (name.contains("-AlarmHigh-") || name.contains("-AlarmLow-")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_tracking_alarms_are_told_apart_by_name_or_description() {
        assert!(is_scaling_alarm(
            "TargetTracking-service/coe-ecs-staging/api-staging-Service-AlarmLow-0b1c2d3e",
            None
        ));
        assert!(is_scaling_alarm(
            "renamed",
            Some("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:…")
        ));
        assert!(!is_scaling_alarm(
            "api-staging-Service-high-cpu",
            Some("CPU > 80%")
        ));
        assert!(!is_scaling_alarm("TargetTracking-notes", None));
    }
}
