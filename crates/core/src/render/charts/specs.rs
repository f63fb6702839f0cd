//! The charts of a service page, built from its fetched metrics and thresholds.

use super::{ChartSpec, SeriesSpec};
use crate::model::metrics::FetchedMetrics;
use crate::model::thresholds::Thresholds;

/// "per 1 min", "per 5 min", "per 1 h"...
fn per_period(period: i64) -> String {
    if period % 3_600 == 0 {
        format!("per {} h", period / 3_600)
    } else {
        format!("per {} min", (period / 60).max(1))
    }
}

/// A sparse count drawn over the periods of `base`: AWS publishes a load balancer's count (5xx
/// answers, TCP resets) only for periods in which it counted some, so a period with traffic and
/// no count had none and is drawn as 0, not as a line between two bursts.
fn zero_filled(m: &FetchedMetrics, count_id: &str, base_id: &str) -> Vec<(i64, f64)> {
    let counts: std::collections::HashMap<i64, f64> = m.points(count_id).iter().copied().collect();
    let mut out: Vec<(i64, f64)> = m
        .points(base_id)
        .iter()
        .map(|(t, _)| (*t, counts.get(t).copied().unwrap_or(0.0)))
        .collect();
    let with_traffic: std::collections::HashSet<i64> = out.iter().map(|(t, _)| *t).collect();
    out.extend(
        m.points(count_id)
            .iter()
            .filter(|(t, _)| !with_traffic.contains(t)),
    );
    out.sort_by_key(|(t, _)| *t);
    out
}

/// The charts of a service's metrics, with the thresholds drawn.
pub fn service_charts(m: &FetchedMetrics, thresholds: &Thresholds) -> Vec<ChartSpec> {
    let period = i64::from(m.window.period);
    let x_range = (m.window.start, m.window.end);
    let chart = |id: &str, title: &str, unit: String, series: Vec<SeriesSpec>| ChartSpec {
        id: id.into(),
        title: title.into(),
        unit,
        series,
        threshold: None,
        markers: m.markers.clone(),
        x_range,
        y_floor_max: 0.0,
        period,
    };
    let line = |name: &str, id: &str| SeriesSpec {
        name: name.into(),
        points: m.points(id).to_vec(),
    };
    let limit = |value: f64, unit: &str| Some((value, format!("limit {value} {unit}")));
    // CPU and memory: average and maximum in percent, drawn to at least 100 %.
    let percent = |id: &str, title: &str, metric: &str, value: f64| ChartSpec {
        threshold: limit(value, "%"),
        y_floor_max: 100.0,
        ..chart(
            id,
            title,
            "%".into(),
            vec![
                line("average", &format!("{metric}_avg")),
                line("maximum", &format!("{metric}_max")),
            ],
        )
    };
    let mut out = vec![
        percent("cpu", "CPU utilization", "cpu", thresholds.cpu_percent),
        percent(
            "memory",
            "Memory utilization",
            "mem",
            thresholds.memory_percent,
        ),
    ];
    if m.target_groups.is_empty() {
        return out;
    }
    let many = m.target_groups.len() > 1;
    let named = |base: &str, i: usize| {
        if many {
            format!("{base} ({})", m.target_groups[i].name)
        } else {
            base.to_string()
        }
    };
    let groups = 0..m.target_groups.len();
    let mut requests = Vec::new();
    let mut rate = Vec::new();
    let mut latency = Vec::new();
    let mut hosts = Vec::new();
    let mut connections = Vec::new();
    for i in groups {
        hosts.push(line(&named("healthy", i), &format!("healthy_{i}")));
        hosts.push(line(&named("unhealthy", i), &format!("unhealthy_{i}")));
        if m.target_groups[i].network {
            // TCP: new connections, and resets (counted, like 5xx, only when there were some).
            connections.push(line(&named("new connections", i), &format!("flows_{i}")));
            connections.push(SeriesSpec {
                name: named("resets by targets", i),
                points: zero_filled(m, &format!("resets_{i}"), &format!("flows_{i}")),
            });
            continue;
        }
        requests.push(line(&named("requests", i), &format!("req_{i}")));
        let errors: std::collections::HashMap<i64, f64> =
            m.points(&format!("e5xx_{i}")).iter().copied().collect();
        requests.push(SeriesSpec {
            name: named("5xx answers", i),
            points: zero_filled(m, &format!("e5xx_{i}"), &format!("req_{i}")),
        });
        rate.push(SeriesSpec {
            name: named("5xx % of requests", i),
            points: m
                .points(&format!("req_{i}"))
                .iter()
                .filter(|(_, r)| *r > 0.0)
                .map(|(t, r)| (*t, 100.0 * errors.get(t).copied().unwrap_or(0.0) / r))
                .collect(),
        });
        let ms = |id: String, name: String| SeriesSpec {
            name,
            points: m
                .points(&id)
                .iter()
                .map(|(t, v)| (*t, v * 1000.0))
                .collect(),
        };
        latency.push(ms(format!("rt_avg_{i}"), named("average", i)));
        latency.push(ms(format!("rt_p90_{i}"), named("p90", i)));
    }
    if !requests.is_empty() {
        out.push(chart(
            "requests",
            "Requests and 5xx answers",
            per_period(period),
            requests,
        ));
        out.push(ChartSpec {
            threshold: limit(thresholds.error_rate_percent, "%"),
            ..chart("errors", "HTTP 5xx answers", "% of requests".into(), rate)
        });
        out.push(ChartSpec {
            threshold: limit(thresholds.response_time_ms, "ms"),
            ..chart("latency", "Target response time", "ms".into(), latency)
        });
    }
    if !connections.is_empty() {
        out.push(chart(
            "connections",
            "New connections and resets (network load balancer)",
            per_period(period),
            connections,
        ));
    }
    let mut targets = chart(
        "targets",
        "Healthy and unhealthy targets",
        "targets".into(),
        hosts,
    );
    targets.y_floor_max = 2.0;
    out.push(targets);
    out
}
