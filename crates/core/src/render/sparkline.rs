//! The CPU sparkline of a fleet row: a small SVG path drawn from the last hours of points.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A small line chart of the last three hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Sparkline {
    /// SVG drawn with `currentColor` (follows the theme).
    pub svg: String,
    /// Latest value, percent.
    pub latest: Option<f64>,
    /// Highest value in the window, percent.
    pub max: Option<f64>,
}

/// Sparkline width and height in pixels.
const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 28.0;

/// Draws `points` (percent, 0..=100 scale, higher values stretch it) as a small SVG polyline.
pub fn sparkline(points: &[(i64, f64)]) -> Sparkline {
    let latest = points.last().map(|(_, v)| *v);
    let max = points
        .iter()
        .map(|(_, v)| *v)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let top = max.unwrap_or(0.0).max(100.0);
    let (t0, t1) = match (points.first(), points.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => (a.0, b.0),
        _ => (0, 1),
    };
    let coords: Vec<String> = points
        .iter()
        .map(|(t, v)| {
            let x = (t - t0) as f64 / (t1 - t0) as f64 * (SPARK_W - 2.0) + 1.0;
            let y = SPARK_H - 1.0 - (v.max(0.0) / top) * (SPARK_H - 2.0);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let line = if coords.is_empty() {
        String::new()
    } else {
        format!(
            "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"{}\"/>",
            coords.join(" ")
        )
    };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SPARK_W}\" height=\"{SPARK_H}\" viewBox=\"0 0 {SPARK_W} {SPARK_H}\" role=\"img\"><line x1=\"0\" y1=\"{base}\" x2=\"{SPARK_W}\" y2=\"{base}\" stroke=\"currentColor\" stroke-opacity=\"0.2\"/>{line}</svg>",
        base = SPARK_H - 1.0
    );
    Sparkline { svg, latest, max }
}
