//! A Logs Insights result over time as a chart: one line per group.

use std::collections::BTreeMap;

use super::{ChartSpec, SeriesSpec};
use crate::model::insights::{bin_seconds, insights_time};

/// The results as chart lines over time: the time column (a `bin(…)` or `@timestamp`), one
/// number column, and the other columns naming the lines. None when they are not over time.
pub fn insights_chart(
    columns: &[String],
    rows: &[Vec<String>],
    range: (i64, i64),
) -> Option<ChartSpec> {
    let time = columns
        .iter()
        .position(|c| c.starts_with("bin(") || c == "@timestamp")?;
    let numeric = |i: usize| {
        i != time
            && !rows.is_empty()
            && rows
                .iter()
                .all(|r| r.get(i).is_some_and(|v| v.parse::<f64>().is_ok()))
    };
    // The aggregates come last (`stats count(*) as requests by status, bin(5m)` answers status,
    // bin, requests): the value is the last column, the group fields name the lines.
    let value = columns.len().checked_sub(1).filter(|i| numeric(*i))?;
    let first_aggregate = (0..columns.len())
        .rev()
        .take_while(|i| numeric(*i))
        .last()
        .unwrap_or(value);
    let labels: Vec<usize> = (0..first_aggregate).filter(|i| *i != time).collect();
    let mut lines: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
    for row in rows {
        let (Some(t), Some(v)) = (
            row.get(time).and_then(|t| insights_time(t)),
            row.get(value).and_then(|v| v.parse::<f64>().ok()),
        ) else {
            continue;
        };
        let name = labels
            .iter()
            .filter_map(|i| row.get(*i).cloned())
            .collect::<Vec<_>>()
            .join(" ");
        let name = if name.is_empty() {
            columns[value].clone()
        } else {
            name
        };
        lines.entry(name).or_default().push((t, v));
    }
    if lines.is_empty() {
        return None;
    }
    let series = lines
        .into_iter()
        .map(|(name, mut points)| {
            points.sort_by_key(|p| p.0);
            SeriesSpec { name, points }
        })
        .collect();
    let period = bin_seconds(&columns[time]).unwrap_or(60);
    Some(ChartSpec {
        id: "insights".into(),
        title: format!("{} over time", columns[value]),
        unit: columns[value].clone(),
        series,
        threshold: None,
        markers: Vec::new(),
        x_range: range,
        y_floor_max: 1.0,
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binned_results_become_one_line_per_group() {
        let columns: Vec<String> = ["status", "bin(5m)", "requests"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows: Vec<Vec<String>> = [
            ["200", "2026-12-04 10:05:00.000", "40"],
            ["200", "2026-12-04 10:00:00.000", "38"],
            ["500", "2026-12-04 10:00:00.000", "2"],
        ]
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
        let spec = insights_chart(&columns, &rows, (0, 1)).expect("a chart");
        assert_eq!(spec.period, 300);
        assert_eq!(spec.series.len(), 2);
        assert_eq!(spec.series[0].name, "200");
        assert_eq!(spec.series[0].points[0].1, 38.0, "oldest first");
        assert_eq!(spec.unit, "requests");
        // Counts by message have no time: a table only.
        let plain: Vec<String> = ["error", "errors"].iter().map(|s| s.to_string()).collect();
        assert!(insights_chart(&plain, &[vec!["x".into(), "3".into()]], (0, 1)).is_none());
    }
}
