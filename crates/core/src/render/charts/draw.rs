//! Drawing one chart with plotters on any backend: axes with units, series with gaps where data
//! is missing, the threshold line and deployment marks.

use chrono::TimeZone;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{draw_error, ChartSpec, Palette, PlotArea, FAMILY};
use crate::error::CoreError;

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
pub(super) fn gaps(points: &[(i64, f64)], period: i64) -> Vec<(i64, i64)> {
    points
        .windows(2)
        .filter(|w| w[1].0 - w[0].0 > 2 * period.max(60))
        .map(|w| (w[0].0, w[1].0))
        .collect()
}

/// Splits reduced points at the gaps of the original series, so missing data is not bridged.
pub(super) fn segments<'a>(points: &'a [(i64, f64)], gaps: &[(i64, i64)]) -> Vec<&'a [(i64, f64)]> {
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
pub(super) fn draw<DB: DrawingBackend>(
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
