//! Charts of a service's metrics drawn with plotters: SVG for the UI, PNG for export. Every
//! chart has axes with units, a legend, the runbook threshold as a dashed line, deployments as
//! marks on the time axis, and light or dark colours. Series are reduced to the plot's pixel
//! width with LTTB before drawing, and the reduced points are returned so the UI can show the
//! value under the cursor without fetching again.

mod draw;
pub mod insights;
mod specs;

use std::sync::OnceLock;

use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::model::lttb::lttb;
pub use specs::service_charts;

/// DejaVu Sans (Bitstream Vera licence, see assets/DejaVuSans.LICENSE): text is measured with
/// it, and the PNG backend draws with it, so no system font library is needed.
static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

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

/// `#rrggbb` of a colour.
fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Maps a plotters error.
fn draw_error<E: std::fmt::Debug>(err: E) -> CoreError {
    CoreError::Internal(format!("drawing a chart failed: {err:?}"))
}

/// Pixels the plot will be wide at `width` (for LTTB), before it is drawn.
fn plot_width(width: u32) -> usize {
    width.saturating_sub(6 + 58 + 30).max(3) as usize
}

/// Checks a requested size.
pub fn check_size(options: &ChartOptions) -> Result<(), CoreError> {
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
) -> Result<(Palette, Vec<crate::model::metrics::Points>), CoreError> {
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
        draw::draw(&root, spec, &reduced, &palette)?
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

/// Renders `spec` as the bytes of a PNG image (the caller decides where, if anywhere, they go).
pub fn render_png(spec: &ChartSpec, options: &ChartOptions) -> Result<Vec<u8>, CoreError> {
    use image::ImageEncoder;
    let (palette, reduced) = prepare(spec, options)?;
    let (width, height) = (options.width, options.height);
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw::draw(&root, spec, &reduced, &palette)?;
        root.present()
            .map_err(|e| CoreError::Internal(format!("drawing the chart: {e}")))?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&rgb, width, height, image::ColorType::Rgb8)
        .map_err(|e| CoreError::Internal(format!("encoding the chart as PNG: {e}")))?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::draw::{gaps, segments};
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
                    let png = render_png(&spec, &options).unwrap();
                    std::fs::write(dir.join(format!("chart-{theme:?}.png")), png).unwrap();
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
        let bytes = render_png(
            &spec,
            &ChartOptions {
                width: 400,
                height: 200,
                theme: Theme::Light,
            },
        )
        .unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let bad = render_png(
            &spec,
            &ChartOptions {
                width: 10,
                height: 10,
                theme: Theme::Light,
            },
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
