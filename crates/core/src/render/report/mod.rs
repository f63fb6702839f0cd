//! The incident report of a service, rendered twice from the same contents: self-contained HTML
//! (charts inline as SVG, no scripts, no outside resources, its own Content-Security-Policy) and
//! Markdown for pasting into an incident ticket. Text from AWS, the logs and the audit file is
//! escaped on the way out (see `escape`), so it cannot add markup to either file.

mod escape;
mod html;
mod markdown;
#[cfg(test)]
mod tests;

pub(crate) use html::html;
pub(crate) use markdown::markdown;

use crate::aws::session::SessionInfo;
use crate::model::console::{console_url, ConsoleTarget};
use crate::model::deployment::Deployment;
use crate::model::diagnosis::StoppedTask;
use crate::model::event::ServiceEvent;
use crate::model::health::ServiceHealth;
use crate::read::logs::LogLine;
use crate::render::charts::RenderedChart;
use crate::store::audit::AuditEntry;

/// Everything a report shows (gathered first, then rendered twice).
pub(crate) struct Contents {
    pub(crate) session: SessionInfo,
    pub(crate) cluster: String,
    pub(crate) service: String,
    pub(crate) taken_at: String,
    pub(crate) window: String,
    pub(crate) health: Option<ServiceHealth>,
    pub(crate) charts: Vec<RenderedChart>,
    pub(crate) deployments: Vec<Deployment>,
    pub(crate) events: Vec<ServiceEvent>,
    pub(crate) stopped: Vec<StoppedTask>,
    pub(crate) errors: Vec<LogLine>,
    pub(crate) log_group: Option<String>,
    pub(crate) audit: Vec<AuditEntry>,
    pub(crate) notes: Vec<String>,
}

/// An RFC 3339 time as `2026-11-23 20:01:05 UTC` (as given when it does not parse).
fn when(at: Option<&str>) -> String {
    let Some(at) = at else { return String::new() };
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

/// The AWS console page of the service, in the snapshot's partition and region.
fn service_console(c: &Contents) -> Option<String> {
    let target = ConsoleTarget::Service {
        cluster: c.cluster.clone(),
        service: c.service.clone(),
    };
    console_url(c.session.partition, &c.session.region, &target).ok()
}

/// The health level in words.
fn level_word(h: &ServiceHealth) -> &'static str {
    match h.level {
        crate::model::health::HealthLevel::Green => "Healthy",
        crate::model::health::HealthLevel::Amber => "Needs attention",
        crate::model::health::HealthLevel::Red => "Broken",
    }
}

/// Epoch seconds as `2026-11-23 20:01 UTC`.
pub(crate) fn time_text(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}
