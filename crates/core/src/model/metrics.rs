//! Metric ranges and windows (which period keeps a chart under its point limit and inside
//! CloudWatch's retention), fetched series and the latest values the health roll-up weighs.

use std::collections::HashMap;

use crate::error::CoreError;
use crate::util::time::parse_time;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The runbook's time ranges; `custom` uses the range's own start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum RangePreset {
    /// The last hour.
    #[serde(rename = "1h")]
    H1,
    /// The last 3 hours.
    #[serde(rename = "3h")]
    H3,
    /// The last 12 hours.
    #[serde(rename = "12h")]
    H12,
    /// The last day.
    #[serde(rename = "1d")]
    D1,
    /// The last 3 days.
    #[serde(rename = "3d")]
    D3,
    /// The last week.
    #[serde(rename = "1w")]
    W1,
    /// From `start` to `end`.
    #[serde(rename = "custom")]
    Custom,
}

impl RangePreset {
    /// Length in seconds (none for custom).
    fn seconds(self) -> Option<i64> {
        match self {
            RangePreset::H1 => Some(3_600),
            RangePreset::H3 => Some(3 * 3_600),
            RangePreset::H12 => Some(12 * 3_600),
            RangePreset::D1 => Some(86_400),
            RangePreset::D3 => Some(3 * 86_400),
            RangePreset::W1 => Some(7 * 86_400),
            RangePreset::Custom => None,
        }
    }
}

/// A time range as the UI asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MetricRange {
    /// Which range.
    pub preset: RangePreset,
    /// Custom start (RFC 3339); ignored for presets.
    pub start: Option<String>,
    /// Custom end (RFC 3339); ignored for presets.
    pub end: Option<String>,
}

impl MetricRange {
    /// A preset range ending now.
    pub fn preset(preset: RangePreset) -> Self {
        MetricRange {
            preset,
            start: None,
            end: None,
        }
    }
}

/// The resolved window of a fetch: epoch seconds and the period of every datapoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// Start (epoch seconds, a multiple of the period).
    #[ts(type = "number")]
    pub start: i64,
    /// End (epoch seconds).
    #[ts(type = "number")]
    pub end: i64,
    /// Seconds per datapoint.
    pub period: i32,
}

/// Most datapoints one series may have; the period grows until the range fits.
pub const MAX_POINTS: i64 = 1_440;
/// Periods CloudWatch serves, finest first.
const PERIODS: &[i64] = &[60, 300, 900, 3_600, 21_600, 86_400];
/// CloudWatch keeps 1-minute data 15 days and 5-minute data 63 days (then hourly, 15 months).
const RETENTION: &[(i64, i64)] = &[(15 * 86_400, 60), (63 * 86_400, 300), (i64::MAX, 3_600)];
/// Longest range CloudWatch keeps (15 months).
const MAX_SPAN: i64 = 455 * 86_400;

/// The epoch seconds of a range's `what` (start or end) time, or a message naming it.
fn epoch_seconds(text: &str, what: &str) -> Result<i64, CoreError> {
    parse_time(text).map(|t| t.timestamp()).ok_or_else(|| {
        CoreError::InvalidInput(format!(
            "The {what} time \"{text}\" is not a date and time ECS Desk understands."
        ))
    })
}

/// The finest period that keeps `span` at or under [`MAX_POINTS`] and that CloudWatch still
/// has for data `age` seconds old.
pub fn period_for(span: i64, age: i64) -> i64 {
    let finest = RETENTION
        .iter()
        .find(|(limit, _)| age <= *limit)
        .map_or(3_600, |(_, p)| *p);
    PERIODS
        .iter()
        .copied()
        .find(|p| *p >= finest && (span + p - 1) / p <= MAX_POINTS)
        .unwrap_or(86_400)
}

/// Resolves `range` at `now` (epoch seconds) to a window with its period.
pub fn window(range: &MetricRange, now: i64) -> Result<Window, CoreError> {
    let (start, end) = match range.preset.seconds() {
        Some(span) => {
            // End on the next whole minute so the same minute gives the same window (cache key).
            let end = (now / 60 + 1) * 60;
            (end - span, end)
        }
        None => {
            let start = range
                .start
                .as_deref()
                .ok_or_else(|| CoreError::InvalidInput("A custom range needs a start.".into()))
                .and_then(|s| epoch_seconds(s, "start"))?;
            let end = match range.end.as_deref() {
                Some(e) => epoch_seconds(e, "end")?,
                None => now,
            };
            (start, end)
        }
    };
    if start >= end {
        return Err(CoreError::InvalidInput(
            "The start of the range must be before its end.".into(),
        ));
    }
    if end - start > MAX_SPAN {
        return Err(CoreError::InvalidInput(
            "CloudWatch keeps metrics for 15 months; choose a shorter range.".into(),
        ));
    }
    let period = period_for(end - start, now - start);
    Ok(Window {
        start: start - start.rem_euclid(period),
        end,
        period: period as i32,
    })
}

/// A time series: (epoch seconds, value), oldest first.
pub type Points = Vec<(i64, f64)>;

/// What one fetch returned: every query's points by id, plus what the charts are drawn around.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedMetrics {
    /// The window fetched.
    pub window: Window,
    /// Query id -> points.
    pub series: HashMap<String, Points>,
    /// Target groups, in query-suffix order.
    pub target_groups: Vec<MetricGroup>,
    /// Deployment times in the window (epoch seconds, label).
    pub markers: Vec<(i64, String)>,
}

/// A target group as its metrics are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricGroup {
    /// Target group name.
    pub name: String,
    /// Behind a network load balancer (TCP, `AWS/NetworkELB`): connections and resets, no
    /// requests, HTTP codes or response times.
    pub network: bool,
}

impl FetchedMetrics {
    /// The points of query `id` (empty if it returned none).
    pub fn points(&self, id: &str) -> &[(i64, f64)] {
        self.series.get(id).map_or(&[][..], Vec::as_slice)
    }
}

/// The latest values the health roll-up compares with its thresholds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LatestValues {
    /// Average CPU, percent.
    pub cpu_percent: Option<f64>,
    /// Average memory, percent.
    pub memory_percent: Option<f64>,
    /// 5xx answers as a percent of requests.
    pub error_rate_percent: Option<f64>,
    /// Average target response time, milliseconds.
    pub response_time_ms: Option<f64>,
    /// Requests in the span.
    pub requests: Option<f64>,
}

/// Mean of the values at or after `since`.
fn mean_since(points: &[(i64, f64)], since: i64) -> Option<f64> {
    let recent: Vec<f64> = points
        .iter()
        .filter(|(t, _)| *t >= since)
        .map(|(_, v)| *v)
        .collect();
    (!recent.is_empty()).then(|| recent.iter().sum::<f64>() / recent.len() as f64)
}

/// Sum of the values at or after `since`.
fn sum_since(points: &[(i64, f64)], since: i64) -> Option<f64> {
    let recent: Vec<f64> = points
        .iter()
        .filter(|(t, _)| *t >= since)
        .map(|(_, v)| *v)
        .collect();
    (!recent.is_empty()).then(|| recent.iter().sum())
}

impl FetchedMetrics {
    /// The values of the last five minutes (or of the last two periods when a period is longer),
    /// over one window ending at the window's end (now) for every series. Load-balancer counts are
    /// sparse on AWS (no datapoint for a period in which nothing was counted), so a missing count
    /// is zero — never a reason to look further back, where an old burst of errors would be
    /// divided by today's requests.
    pub fn latest(&self) -> LatestValues {
        let period = i64::from(self.window.period);
        let since = self.window.end - (2 * period).max(300);
        let mean = |id: &str| mean_since(self.points(id), since);
        // Requests, errors and response times come from application load balancers only.
        let http: Vec<usize> = (0..self.target_groups.len())
            .filter(|&i| !self.target_groups[i].network)
            .collect();
        let total = |prefix: &str| {
            (!http.is_empty()).then(|| {
                http.iter()
                    .map(|i| sum_since(self.points(&format!("{prefix}_{i}")), since).unwrap_or(0.0))
                    .sum::<f64>()
            })
        };
        let requests = total("req");
        let errors = total("e5xx");
        // Without requests there is no response time (AWS publishes none either).
        let response: Vec<f64> = http
            .iter()
            .filter_map(|i| mean(&format!("rt_avg_{i}")))
            .collect();
        LatestValues {
            cpu_percent: mean("cpu_avg"),
            memory_percent: mean("mem_avg"),
            error_rate_percent: match (requests, errors) {
                (Some(r), Some(e)) if r > 0.0 => Some(100.0 * e / r),
                (Some(_), _) => Some(0.0),
                _ => None,
            },
            response_time_ms: (!response.is_empty())
                .then(|| 1000.0 * response.iter().sum::<f64>() / response.len() as f64),
            requests,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_keep_points_under_the_limit() {
        assert_eq!(period_for(3_600, 3_600), 60);
        assert_eq!(period_for(3 * 3_600, 3 * 3_600), 60);
        assert_eq!(period_for(86_400, 86_400), 60);
        assert_eq!(period_for(3 * 86_400, 3 * 86_400), 300);
        assert_eq!(period_for(7 * 86_400, 7 * 86_400), 900);
        // An old hour only has 5-minute data.
        assert_eq!(period_for(3_600, 30 * 86_400), 300);
        for span in [3_600, 86_400, 7 * 86_400, 90 * 86_400, 400 * 86_400] {
            let p = period_for(span, span);
            assert!(span / p <= MAX_POINTS, "{span} -> {p}");
        }
    }

    #[test]
    fn windows_of_presets_and_custom_ranges() {
        let now = 1_700_000_030;
        let w = window(&MetricRange::preset(RangePreset::H1), now).unwrap();
        assert_eq!(w.period, 60);
        assert_eq!(w.end, 1_700_000_040);
        assert_eq!(w.start % 60, 0);
        assert!(w.end - w.start >= 3_600);
        let custom = MetricRange {
            preset: RangePreset::Custom,
            start: Some("2023-11-14T00:00:00Z".into()),
            end: Some("2023-11-14T06:00:00Z".into()),
        };
        let w = window(&custom, now).unwrap();
        assert_eq!(w.end - w.start, 6 * 3_600);
        let backwards = MetricRange {
            start: Some("2023-11-14T06:00:00Z".into()),
            end: Some("2023-11-14T00:00:00Z".into()),
            ..custom.clone()
        };
        assert_eq!(window(&backwards, now).unwrap_err().code(), "InvalidInput");
        let garbage = MetricRange {
            start: Some("yesterday".into()),
            ..custom
        };
        assert_eq!(window(&garbage, now).unwrap_err().code(), "InvalidInput");
    }

    /// On AWS a minute without a 5xx has no datapoint: a burst 50 minutes ago must not be divided
    /// by the requests of the last minutes (on the old per-series window it gave 10 %, red).
    #[test]
    fn an_old_error_burst_does_not_count_against_recent_requests() {
        let m = last_hour(vec![
            ("req_0", (0..60).map(|i| (i * 60, 100.0)).collect()),
            ("e5xx_0", vec![(600, 50.0)]),
            ("rt_avg_0", vec![(600, 2.0)]),
            ("cpu_avg", vec![(600, 95.0), (3_480, 20.0)]),
        ]);
        let l = m.latest();
        assert_eq!(l.requests, Some(500.0));
        assert_eq!(l.error_rate_percent, Some(0.0));
        assert_eq!(l.response_time_ms, None, "no recent latency point");
        assert_eq!(l.cpu_percent, Some(20.0));
        // No request and no error point at all in the window: zero requests, zero errors.
        let quiet = FetchedMetrics {
            series: HashMap::new(),
            ..m
        };
        let q = quiet.latest();
        assert_eq!((q.requests, q.error_rate_percent), (Some(0.0), Some(0.0)));
        assert_eq!(q.cpu_percent, None);
    }

    /// An hour of one-minute points ending at 3,600 s, behind one target group.
    fn last_hour(series: Vec<(&str, Points)>) -> FetchedMetrics {
        FetchedMetrics {
            window: Window {
                start: 0,
                end: 3_600,
                period: 60,
            },
            series: series
                .into_iter()
                .map(|(id, points)| (id.to_string(), points))
                .collect(),
            target_groups: vec![MetricGroup {
                name: "tg".into(),
                network: false,
            }],
            markers: vec![],
        }
    }

    #[test]
    fn a_network_load_balancer_has_no_requests_errors_or_latency() {
        let mut m = last_hour(vec![("flows_0", vec![(3_540, 40.0)])]);
        m.target_groups[0].network = true;
        let l = m.latest();
        assert_eq!(
            (l.requests, l.error_rate_percent, l.response_time_ms),
            (None, None, None)
        );
    }

    #[test]
    fn latest_values_average_the_last_five_minutes_and_rate_errors() {
        let m = last_hour(vec![
            (
                "cpu_avg",
                (0..60)
                    .map(|i| (i * 60, if i >= 55 { 90.0 } else { 10.0 }))
                    .collect(),
            ),
            ("req_0", vec![(3_540, 100.0), (3_480, 100.0)]),
            ("e5xx_0", vec![(3_540, 4.0)]),
            ("rt_avg_0", vec![(3_540, 0.25)]),
        ]);
        let l = m.latest();
        assert_eq!(l.cpu_percent, Some(90.0));
        assert_eq!(l.memory_percent, None);
        assert_eq!(l.error_rate_percent, Some(2.0));
        assert_eq!(l.response_time_ms, Some(250.0));
    }
}
