//! Charts of a service's metrics drawn with plotters: SVG for the UI, PNG for export. Every
//! chart has axes with units, a legend, the runbook threshold as a dashed line, deployments as
//! marks on the time axis, and light or dark colours. Series are reduced to the plot's pixel
//! width with LTTB before drawing, and the reduced points are returned so the UI can show the
//! value under the cursor without fetching again.

use std::path::Path;
use std::sync::OnceLock;

use chrono::TimeZone;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::health::Thresholds;
use crate::metrics::{FetchedMetrics, LatestValues, MetricRange, MetricsCache, Window};
use crate::sessions::Session;
use crate::targets::service_context;

/// DejaVu Sans (Bitstream Vera licence, see assets/DejaVuSans.LICENSE): text is measured with
/// it, and the PNG backend draws with it, so no system font library is needed.
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Font family every chart uses.
const FAMILY: &str = "sans-serif";

/// Colour scheme of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Dark text on white.
    Light,
    /// Light text on near-black.
    Dark,
}

/// Colours of one theme.
struct Palette {
    background: RGBColor,
    text: RGBColor,
    grid: RGBColor,
    axis: RGBColor,
    threshold: RGBColor,
    marker: RGBColor,
    series: [RGBColor; 4],
}

impl Theme {
    /// The palette (series colours chosen to stay apart for common colour blindness).
    fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: RGBColor(255, 255, 255),
                text: RGBColor(31, 41, 55),
                grid: RGBColor(229, 231, 235),
                axis: RGBColor(107, 114, 128),
                threshold: RGBColor(220, 38, 38),
                marker: RGBColor(124, 58, 237),
                series: [
                    RGBColor(37, 99, 235),
                    RGBColor(234, 88, 12),
                    RGBColor(5, 150, 105),
                    RGBColor(190, 24, 93),
                ],
            },
            Theme::Dark => Palette {
                background: RGBColor(17, 24, 39),
                text: RGBColor(229, 231, 235),
                grid: RGBColor(55, 65, 81),
                axis: RGBColor(156, 163, 175),
                threshold: RGBColor(248, 113, 113),
                marker: RGBColor(196, 181, 253),
                series: [
                    RGBColor(96, 165, 250),
                    RGBColor(251, 146, 60),
                    RGBColor(52, 211, 153),
                    RGBColor(244, 114, 182),
                ],
            },
        }
    }
}

/// One line of a chart before drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesSpec {
    /// Legend text.
    pub name: String,
    /// (epoch seconds, value), oldest first.
    pub points: Vec<(i64, f64)>,
}

/// A chart before drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// Stable id: `cpu`, `memory`, `requests`, `errors`, `latency`, `targets`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit of the y axis, e.g. `%`, `ms`, `per 1 min`.
    pub unit: String,
    /// Lines.
    pub series: Vec<SeriesSpec>,
    /// Threshold value and its label.
    pub threshold: Option<(f64, String)>,
    /// Deployment marks (epoch seconds, label).
    pub markers: Vec<(i64, String)>,
    /// Time axis start and end (epoch seconds).
    pub x_range: (i64, i64),
    /// The y axis reaches at least this value (100 for percentages).
    pub y_floor_max: f64,
    /// Seconds per datapoint; gaps longer than two periods break the line.
    pub period: i64,
}

/// Size and theme of a rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChartOptions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Colours.
    pub theme: Theme,
}

/// Where the plot sits inside the picture, in pixels (for mapping the cursor to a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlotArea {
    /// Left edge.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Width.
    pub width: i32,
    /// Height.
    pub height: i32,
}

/// One drawn line with the points it was drawn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReducedSeries {
    /// Legend text.
    pub name: String,
    /// Line colour, `#rrggbb`.
    pub color: String,
    /// (epoch seconds, value) after LTTB, oldest first.
    #[ts(type = "Array<[number, number]>")]
    pub points: Vec<(i64, f64)>,
}

/// A chart as the UI gets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RenderedChart {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit of the values.
    pub unit: String,
    /// The SVG document.
    pub svg: String,
    /// Lines with their reduced points.
    pub series: Vec<ReducedSeries>,
    /// Plot area in pixels.
    pub plot: PlotArea,
    /// Time axis (epoch seconds).
    #[ts(type = "[number, number]")]
    pub x_range: (i64, i64),
    /// Value axis.
    pub y_range: (f64, f64),
    /// The threshold drawn, if any.
    pub threshold: Option<f64>,
    /// Whether no series had any data.
    pub empty: bool,
}

/// Registers the embedded font once.
fn ensure_font() -> Result<(), CoreError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok()
            && plotters::style::register_font(FAMILY, FontStyle::Bold, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(CoreError::Internal(
            "the chart font could not be loaded".into(),
        ))
    }
}

/// Largest-Triangle-Three-Buckets: keeps `threshold` points that preserve the shape.
pub fn lttb(points: &[(i64, f64)], threshold: usize) -> Vec<(i64, f64)> {
    let n = points.len();
    if threshold >= n || threshold < 3 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(threshold);
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut a = 0usize;
    out.push(points[0]);
    for i in 0..threshold - 2 {
        // Average of the next bucket.
        let next_start = ((i + 1) as f64 * every) as usize + 1;
        let next_end = (((i + 2) as f64 * every) as usize + 1).min(n);
        let next = &points[next_start.min(n - 1)..next_end.max(next_start.min(n - 1) + 1)];
        let (avg_x, avg_y) = next
            .iter()
            .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + *x as f64, sy + y));
        let count = next.len() as f64;
        let (avg_x, avg_y) = (avg_x / count, avg_y / count);
        // The point of this bucket with the largest triangle.
        let start = (i as f64 * every) as usize + 1;
        let end = (((i + 1) as f64 * every) as usize + 1).min(n - 1);
        let (ax, ay) = (points[a].0 as f64, points[a].1);
        let mut best = start;
        let mut best_area = -1.0;
        for (j, (x, y)) in points
            .iter()
            .enumerate()
            .take(end.max(start + 1))
            .skip(start)
        {
            let area = ((ax - avg_x) * (y - ay) - (ax - *x as f64) * (avg_y - ay)).abs();
            if area > best_area {
                best_area = area;
                best = j;
            }
        }
        out.push(points[best]);
        a = best;
    }
    out.push(points[n - 1]);
    out
}

/// `#rrggbb` of a colour.
fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Maps a plotters error.
fn draw_error<E: std::fmt::Debug>(err: E) -> CoreError {
    CoreError::Internal(format!("drawing a chart failed: {err:?}"))
}

/// A time label in local time, coarser for longer ranges.
fn time_label(t: f64, span: i64) -> String {
    let format = if span <= 86_400 {
        "%H:%M"
    } else if span <= 3 * 86_400 {
        "%a %H:%M"
    } else {
        "%d %b"
    };
    chrono::Local
        .timestamp_opt(t as i64, 0)
        .single()
        .map(|d| d.format(format).to_string())
        .unwrap_or_default()
}

/// A value label without needless decimals.
fn value_label(v: f64) -> String {
    let a = v.abs();
    if a >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else if a >= 10_000.0 {
        format!("{:.0}k", v / 1_000.0)
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The spans of `points` with no data for longer than two periods (start, end).
fn gaps(points: &[(i64, f64)], period: i64) -> Vec<(i64, i64)> {
    points
        .windows(2)
        .filter(|w| w[1].0 - w[0].0 > 2 * period.max(60))
        .map(|w| (w[0].0, w[1].0))
        .collect()
}

/// Splits reduced points at the gaps of the original series, so missing data is not bridged.
fn segments<'a>(points: &'a [(i64, f64)], gaps: &[(i64, i64)]) -> Vec<&'a [(i64, f64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut g = 0;
    for i in 1..points.len() {
        while g < gaps.len() && gaps[g].1 <= points[i - 1].0 {
            g += 1;
        }
        if g < gaps.len() && points[i - 1].0 <= gaps[g].0 && gaps[g].1 <= points[i].0 {
            out.push(&points[start..i]);
            start = i;
        }
    }
    if start < points.len() {
        out.push(&points[start..]);
    }
    out
}

/// Draws `spec` on `root`; returns the plot area and the y range.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    reduced: &[Vec<(i64, f64)>],
    palette: &Palette,
) -> Result<(PlotArea, (f64, f64)), CoreError> {
    root.fill(&palette.background).map_err(draw_error)?;
    let (width, _) = root.dim_in_pixel();
    let title_style = (FAMILY, 18, FontStyle::Bold)
        .into_font()
        .color(&palette.text);
    let legend_style = (FAMILY, 15).into_font().color(&palette.text);
    let small = (FAMILY, 13).into_font().color(&palette.axis);

    // Header: the title, then the legend on the same row when it fits, else on a second row.
    let title_width = root
        .estimate_text_size(&spec.title, &title_style)
        .map_err(draw_error)?
        .0 as i32;
    let legend_widths: Vec<i32> = spec
        .series
        .iter()
        .map(|s| {
            root.estimate_text_size(&s.name, &legend_style)
                .map(|(w, _)| w as i32 + 30)
        })
        .collect::<Result<_, _>>()
        .map_err(draw_error)?;
    let legend_total: i32 = legend_widths.iter().sum();
    let one_row = 12 + title_width + 24 + legend_total <= width as i32;
    let header = if one_row { 28 } else { 46 };
    root.draw_text(&spec.title, &title_style, (12, 6))
        .map_err(draw_error)?;
    let (mut x, y) = if one_row {
        (width as i32 - legend_total - 8, 9)
    } else {
        (12, 28)
    };
    for (i, (series, w)) in spec.series.iter().zip(&legend_widths).enumerate() {
        let color = palette.series[i % palette.series.len()];
        root.draw(&PathElement::new(
            vec![(x, y + 7), (x + 18, y + 7)],
            color.stroke_width(3),
        ))
        .map_err(draw_error)?;
        root.draw_text(&series.name, &legend_style, (x + 24, y))
            .map_err(draw_error)?;
        x += w;
    }

    let (x0, x1) = spec.x_range;
    let data_max = reduced
        .iter()
        .flatten()
        .map(|(_, v)| *v)
        .fold(f64::NEG_INFINITY, f64::max);
    let threshold_top = spec.threshold.as_ref().map_or(0.0, |(t, _)| t * 1.25);
    let mut y_max = spec
        .y_floor_max
        .max(threshold_top)
        .max(if data_max.is_finite() {
            data_max * 1.1
        } else {
            0.0
        });
    if y_max <= 0.0 {
        y_max = 1.0;
    }
    let span = x1 - x0;
    let x_fmt = |t: &f64| time_label(*t, span);
    let y_fmt = |v: &f64| value_label(*v);
    let mut chart = ChartBuilder::on(root)
        .margin_top(header)
        .margin_right(30)
        .margin_left(6)
        .margin_bottom(4)
        .x_label_area_size(24)
        .y_label_area_size(58)
        .build_cartesian_2d(x0 as f64..x1 as f64, 0.0..y_max)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_labels((width as usize / 110).clamp(2, 8))
        .y_labels(5)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_desc(spec.unit.as_str())
        .axis_desc_style((FAMILY, 15).into_font().color(&palette.text))
        .label_style((FAMILY, 14).into_font().color(&palette.text))
        .axis_style(palette.axis)
        .bold_line_style(palette.grid)
        .max_light_lines(0)
        .draw()
        .map_err(draw_error)?;

    // Deployment marks: dashed verticals with a short label (skipped when labels would collide).
    let mut last_label_x: Option<i32> = None;
    for (t, label) in &spec.markers {
        let t = *t as f64;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(t, 0.0), (t, y_max)],
                4,
                4,
                palette.marker.stroke_width(1),
            ))
            .map_err(draw_error)?;
        let (px, py) = chart.backend_coord(&(t, y_max));
        if last_label_x.is_none_or(|last| px - last > 70) {
            root.draw_text(label, &small.color(&palette.marker), (px + 3, py + 2))
                .map_err(draw_error)?;
            last_label_x = Some(px);
        }
    }
    if let Some((value, label)) = &spec.threshold {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0 as f64, *value), (x1 as f64, *value)],
                8,
                5,
                palette.threshold.stroke_width(2),
            ))
            .map_err(draw_error)?;
        let (px, py) = chart.backend_coord(&(x1 as f64, *value));
        let style = (FAMILY, 13)
            .into_font()
            .color(&palette.threshold)
            .pos(Pos::new(HPos::Right, VPos::Bottom));
        // A backing box keeps the label readable where a line crosses it.
        let (w, h) = root.estimate_text_size(label, &style).map_err(draw_error)?;
        root.draw(&Rectangle::new(
            [(px - 8 - w as i32, py - 5 - h as i32), (px - 2, py - 2)],
            palette.background.mix(0.85).filled(),
        ))
        .map_err(draw_error)?;
        root.draw_text(label, &style, (px - 4, py - 3))
            .map_err(draw_error)?;
    }
    for (i, (points, series)) in reduced.iter().zip(&spec.series).enumerate() {
        let color = palette.series[i % palette.series.len()];
        let holes = gaps(&series.points, spec.period);
        for segment in segments(points, &holes) {
            chart
                .draw_series(LineSeries::new(
                    segment.iter().map(|(t, v)| (*t as f64, *v)),
                    color.stroke_width(2),
                ))
                .map_err(draw_error)?;
        }
    }
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    root.present().map_err(draw_error)?;
    Ok((
        PlotArea {
            left: xs.start,
            top: ys.start,
            width: xs.end - xs.start,
            height: ys.end - ys.start,
        },
        (0.0, y_max),
    ))
}

/// Pixels the plot will be wide at `width` (for LTTB), before it is drawn.
fn plot_width(width: u32) -> usize {
    width.saturating_sub(6 + 58 + 30).max(3) as usize
}

/// Checks a requested size.
fn check_size(options: &ChartOptions) -> Result<(), CoreError> {
    if !(120..=4_000).contains(&options.width) || !(100..=3_000).contains(&options.height) {
        return Err(CoreError::InvalidInput(format!(
            "A chart must be 120–4000 pixels wide and 100–3000 high (asked {}×{}).",
            options.width, options.height
        )));
    }
    Ok(())
}

/// What both renderers need: a checked size, the font, the theme's colours, and each series
/// reduced to the plot's pixel width.
fn prepare(
    spec: &ChartSpec,
    options: &ChartOptions,
) -> Result<(Palette, Vec<crate::metrics::Points>), CoreError> {
    check_size(options)?;
    ensure_font()?;
    let target = plot_width(options.width);
    let reduced = spec
        .series
        .iter()
        .map(|s| lttb(&s.points, target))
        .collect();
    Ok((options.theme.palette(), reduced))
}

/// Renders `spec` to an SVG document with its reduced points.
pub fn render_svg(spec: &ChartSpec, options: &ChartOptions) -> Result<RenderedChart, CoreError> {
    let (palette, reduced) = prepare(spec, options)?;
    let mut svg = String::new();
    let (plot, y_range) = {
        let root =
            SVGBackend::with_string(&mut svg, (options.width, options.height)).into_drawing_area();
        draw(&root, spec, &reduced, &palette)?
    };
    Ok(RenderedChart {
        id: spec.id.clone(),
        title: spec.title.clone(),
        unit: spec.unit.clone(),
        svg,
        series: spec
            .series
            .iter()
            .zip(reduced)
            .enumerate()
            .map(|(i, (s, points))| ReducedSeries {
                name: s.name.clone(),
                color: hex(palette.series[i % palette.series.len()]),
                points,
            })
            .collect(),
        plot,
        x_range: spec.x_range,
        y_range,
        threshold: spec.threshold.as_ref().map(|(t, _)| *t),
        empty: spec.series.iter().all(|s| s.points.is_empty()),
    })
}

/// Renders `spec` as a PNG file at `path`.
pub fn render_png(spec: &ChartSpec, options: &ChartOptions, path: &Path) -> Result<(), CoreError> {
    let (palette, reduced) = prepare(spec, options)?;
    let root = BitMapBackend::new(path, (options.width, options.height)).into_drawing_area();
    draw(&root, spec, &reduced, &palette)?;
    Ok(())
}

/// "per 1 min", "per 5 min", "per 1 h"...
fn per_period(period: i64) -> String {
    if period % 3_600 == 0 {
        format!("per {} h", period / 3_600)
    } else {
        format!("per {} min", (period / 60).max(1))
    }
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
            format!("{base} ({})", m.target_groups[i])
        } else {
            base.to_string()
        }
    };
    let groups = 0..m.target_groups.len();
    let mut requests = Vec::new();
    let mut rate = Vec::new();
    let mut latency = Vec::new();
    let mut hosts = Vec::new();
    for i in groups {
        requests.push(line(&named("requests", i), &format!("req_{i}")));
        requests.push(line(&named("5xx answers", i), &format!("e5xx_{i}")));
        let errors: std::collections::HashMap<i64, f64> =
            m.points(&format!("e5xx_{i}")).iter().copied().collect();
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
        hosts.push(line(&named("healthy", i), &format!("healthy_{i}")));
        hosts.push(line(&named("unhealthy", i), &format!("unhealthy_{i}")));
    }
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

/// The Metrics tab: every chart of one range, drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCharts {
    /// The window and period fetched.
    pub window: Window,
    /// Charts in display order.
    pub charts: Vec<RenderedChart>,
    /// The last five minutes' values.
    pub latest: LatestValues,
}

/// Fetches (or reuses, see [`MetricsCache`]) the metrics of `service` for `range` and draws
/// every chart as SVG.
pub async fn service_metrics(
    session: &Session,
    cache: &MetricsCache,
    cluster: &str,
    service: &str,
    range: &MetricRange,
    thresholds: &Thresholds,
    options: &ChartOptions,
) -> Result<ServiceCharts, CoreError> {
    check_size(options)?;
    let ctx = service_context(session, cluster, service).await?;
    let fetched = cache.get(session, &ctx, range).await?;
    let charts = service_charts(&fetched, thresholds)
        .iter()
        .map(|spec| render_svg(spec, options))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ServiceCharts {
        window: fetched.window,
        charts,
        latest: fetched.latest(),
    })
}

/// Draws chart `chart_id` of `service` for `range` as a PNG file in `dir`; returns its path.
#[allow(clippy::too_many_arguments)]
pub async fn export_chart_png(
    session: &Session,
    cache: &MetricsCache,
    cluster: &str,
    service: &str,
    range: &MetricRange,
    thresholds: &Thresholds,
    options: &ChartOptions,
    chart_id: &str,
    dir: &Path,
) -> Result<std::path::PathBuf, CoreError> {
    check_size(options)?;
    let ctx = service_context(session, cluster, service).await?;
    let fetched = cache.get(session, &ctx, range).await?;
    let spec = service_charts(&fetched, thresholds)
        .into_iter()
        .find(|c| c.id == chart_id)
        .ok_or_else(|| CoreError::NotFound(format!("There is no chart called {chart_id}.")))?;
    std::fs::create_dir_all(dir).map_err(|source| CoreError::FileIo {
        path: dir.to_path_buf(),
        action: "create".into(),
        source,
    })?;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let safe: String = format!("{}-{chart_id}-{stamp}.png", ctx.name())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(safe);
    render_png(&spec, options, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week() -> Vec<(i64, f64)> {
        (0..10_080)
            .map(|i| (i * 60, 50.0 + 40.0 * ((i as f64) / 300.0).sin()))
            .collect()
    }

    #[test]
    fn lttb_keeps_ends_and_extremes() {
        let mut points = week();
        points[5_000].1 = 500.0;
        let reduced = lttb(&points, 700);
        assert_eq!(reduced.len(), 700);
        assert_eq!(reduced.first(), points.first());
        assert_eq!(reduced.last(), points.last());
        assert!(reduced.iter().any(|p| p.1 == 500.0), "the spike survives");
        assert!(
            reduced.windows(2).all(|w| w[0].0 < w[1].0),
            "time order kept"
        );
        assert_eq!(lttb(&points[..10], 700).len(), 10);
    }

    #[test]
    fn svg_has_axes_legend_threshold_and_marks() {
        let spec = ChartSpec {
            id: "cpu".into(),
            title: "CPU utilization".into(),
            unit: "%".into(),
            series: vec![
                SeriesSpec {
                    name: "average".into(),
                    points: week(),
                },
                SeriesSpec {
                    name: "maximum".into(),
                    points: week().into_iter().map(|(t, v)| (t, v + 5.0)).collect(),
                },
            ],
            threshold: Some((70.0, "limit 70 %".into())),
            markers: vec![(86_400, "deploy :3".into())],
            x_range: (0, 10_080 * 60),
            y_floor_max: 100.0,
            period: 60,
        };
        for theme in [Theme::Light, Theme::Dark] {
            let out = render_svg(
                &spec,
                &ChartOptions {
                    width: 720,
                    height: 260,
                    theme,
                },
            )
            .unwrap();
            assert!(out.svg.starts_with("<svg"), "{}", &out.svg[..40]);
            for text in [
                "CPU utilization",
                "average",
                "maximum",
                "limit 70 %",
                "deploy :3",
            ] {
                if let Some(dir) = std::env::var_os("CHART_DUMP") {
                    let dir = std::path::PathBuf::from(dir);
                    std::fs::write(dir.join(format!("chart-{theme:?}.svg")), &out.svg).unwrap();
                    let options = ChartOptions {
                        width: 720,
                        height: 260,
                        theme,
                    };
                    render_png(&spec, &options, &dir.join(format!("chart-{theme:?}.png"))).unwrap();
                }
                assert!(out.svg.contains(text), "{text} missing");
            }
            assert!(out.svg.contains("rotate(270"), "a y axis title");
            assert!(out.series[0].points.len() <= out.plot.width as usize + 1);
            assert!(
                out.plot.width > 500 && out.plot.height > 150,
                "{:?}",
                out.plot
            );
            assert!(out.y_range.1 >= 100.0);
            assert!(!out.empty);
        }
        let dark = render_svg(
            &spec,
            &ChartOptions {
                width: 720,
                height: 260,
                theme: Theme::Dark,
            },
        )
        .unwrap();
        assert!(
            dark.svg.contains("#111827")
                || dark.svg.contains("rgb(17,24,39)")
                || dark.svg.to_lowercase().contains("#111827")
        );
    }

    #[test]
    fn png_export_writes_a_png() {
        let spec = ChartSpec {
            id: "x".into(),
            title: "Requests".into(),
            unit: "per 1 min".into(),
            series: vec![SeriesSpec {
                name: "requests".into(),
                points: vec![(0, 1.0), (60, 3.0), (600, 2.0)],
            }],
            threshold: None,
            markers: vec![],
            x_range: (0, 600),
            y_floor_max: 0.0,
            period: 60,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.png");
        render_png(
            &spec,
            &ChartOptions {
                width: 400,
                height: 200,
                theme: Theme::Light,
            },
            &path,
        )
        .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let bad = render_png(
            &spec,
            &ChartOptions {
                width: 10,
                height: 10,
                theme: Theme::Light,
            },
            &path,
        );
        assert_eq!(bad.unwrap_err().code(), "InvalidInput");
    }

    #[test]
    fn gaps_break_lines_but_reduction_does_not() {
        let points = vec![(0, 1.0), (60, 1.0), (600, 1.0), (660, 1.0)];
        let holes = gaps(&points, 60);
        assert_eq!(holes, vec![(60, 600)]);
        assert_eq!(segments(&points, &holes).len(), 2);
        assert_eq!(segments(&points[..2], &holes).len(), 1);
        let dense = week();
        let reduced = lttb(&dense, 100);
        assert_eq!(segments(&reduced, &gaps(&dense, 60)).len(), 1);
    }
}
