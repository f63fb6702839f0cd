//! A service's charts as the app asks for them: metrics fetched once per range, drawn as SVG for
//! the page or exported as PNG into the exports folder.

use std::path::Path;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::metrics::MetricRange;
use crate::read::metrics::MetricsCache;
use crate::read::targets::service_context;
use crate::render::charts::{
    check_size, render_png, render_svg, service_charts, ChartOptions, RenderedChart,
};
use crate::util::new_file::write_new_blocking;

use crate::model::metrics::LatestValues;
use crate::model::metrics::Window;
use crate::model::thresholds::Thresholds;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let name = format!("{}-{chart_id}-{stamp}.png", ctx.name());
    let png = render_png(&spec, options)?;
    write_new_blocking(dir.to_path_buf(), name, png).await
}
