//! The CPU or memory sparkline of a fleet row, as numbers: the points (reduced with LTTB to what
//! a small chart can show), the latest value and the highest. The UI draws it; no markup is made
//! here, so nothing from the backend is ever put into the page as HTML.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::lttb::lttb;

/// At most this many points are sent (the UI draws them 120 pixels wide).
pub const SPARK_POINTS: usize = 60;

/// One point of a sparkline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SparkPoint {
    /// When (epoch seconds).
    #[ts(type = "number")]
    pub at: i64,
    /// Value, percent.
    pub value: f64,
}

/// A small line chart of the last three hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Sparkline {
    /// The points, oldest first, at most [`SPARK_POINTS`]; gaps in the data stay gaps in time.
    pub points: Vec<SparkPoint>,
    /// Latest value, percent.
    pub latest: Option<f64>,
    /// Highest value in the window, percent (before reduction, so a spike always counts).
    pub max: Option<f64>,
}

impl Sparkline {
    /// The sparkline of `points` (epoch seconds, percent), oldest first; values that are not
    /// numbers are left out (JSON has no NaN, and a chart cannot draw one).
    pub fn of(points: &[(i64, f64)]) -> Sparkline {
        let finite: Vec<(i64, f64)> = points
            .iter()
            .copied()
            .filter(|(_, v)| v.is_finite())
            .collect();
        let latest = finite.last().map(|(_, v)| *v);
        let max = finite.iter().map(|(_, v)| *v).reduce(f64::max);
        let points = lttb(&finite, SPARK_POINTS)
            .into_iter()
            .map(|(at, value)| SparkPoint { at, value })
            .collect();
        Sparkline {
            points,
            latest,
            max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_latest_and_highest_and_sends_numbers_only() {
        let s = Sparkline::of(&[(0, 10.0), (300, f64::NAN), (600, 90.0), (900, 50.0)]);
        assert_eq!(s.latest, Some(50.0));
        assert_eq!(s.max, Some(90.0));
        let at: Vec<i64> = s.points.iter().map(|p| p.at).collect();
        assert_eq!(at, [0, 600, 900], "the NaN is left out");
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains('<'), "{json}");
        let empty = Sparkline::of(&[]);
        assert!(empty.points.is_empty());
        assert_eq!((empty.latest, empty.max), (None, None));
    }

    #[test]
    fn a_long_window_is_reduced_and_keeps_its_spike() {
        let mut points: Vec<(i64, f64)> = (0..1_000).map(|i| (i * 60, 20.0)).collect();
        points[500].1 = 99.0;
        let s = Sparkline::of(&points);
        assert_eq!(s.points.len(), SPARK_POINTS);
        assert!(
            s.points.iter().any(|p| p.value == 99.0),
            "the spike survives"
        );
        assert_eq!(s.points.first().map(|p| p.at), Some(0));
        assert_eq!(s.points.last().map(|p| p.at), Some(999 * 60));
        assert_eq!(s.max, Some(99.0));
    }
}
