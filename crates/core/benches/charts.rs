//! Rendering a one-week, one-minute chart (10,080 points × 4 series) to SVG: the budget is 20 ms.

use criterion::{criterion_group, criterion_main, Criterion};
use ecsdesk_core::render::charts::{render_svg, ChartOptions, ChartSpec, SeriesSpec, Theme};

/// A week of minutes with a daily shape and some noise, per series.
fn week(series: usize) -> Vec<SeriesSpec> {
    (0..series)
        .map(|s| SeriesSpec {
            name: format!("series {s}"),
            points: (0..10_080i64)
                .map(|i| {
                    let day = (i as f64 / 1_440.0 * std::f64::consts::TAU).sin();
                    let noise = ((i * 7919 + s as i64 * 104_729) % 97) as f64 / 97.0;
                    (i * 60, 40.0 + 25.0 * day + 10.0 * noise + s as f64 * 5.0)
                })
                .collect(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let spec = ChartSpec {
        id: "cpu".into(),
        title: "CPU utilization".into(),
        unit: "%".into(),
        series: week(4),
        threshold: Some((70.0, "limit 70 %".into())),
        markers: vec![(3 * 86_400, "deploy :3".into())],
        x_range: (0, 10_080 * 60),
        y_floor_max: 100.0,
        period: 60,
    };
    let options = ChartOptions {
        width: 800,
        height: 280,
        theme: Theme::Light,
    };
    c.bench_function("charts/week_1min_4_series_svg", |b| {
        b.iter(|| render_svg(&spec, &options).expect("renders"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
