//! The limits a service is held to: runbook 001's by default, or the service's own.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The limits a service is held to (runbook 001 by default).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    /// Average CPU above this percentage is a warning.
    pub cpu_percent: f64,
    /// Average memory above this percentage is a warning.
    pub memory_percent: f64,
    /// 5xx answers above this percentage of requests is a warning.
    pub error_rate_percent: f64,
    /// Average target response time above this many milliseconds is a warning.
    pub response_time_ms: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            cpu_percent: 70.0,
            memory_percent: 80.0,
            error_rate_percent: 1.0,
            response_time_ms: 500.0,
        }
    }
}
