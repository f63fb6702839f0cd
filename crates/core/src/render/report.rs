//! The incident report of a service, rendered twice from the same contents: self-contained HTML
//! (charts inline as SVG, no scripts, no outside resources) and Markdown for pasting into an
//! incident ticket.

use crate::aws::session::SessionInfo;
use crate::model::console::{console_url, ConsoleTarget};
use crate::model::deployment::Deployment;
use crate::model::diagnosis::StoppedTask;
use crate::model::event::ServiceEvent;
use crate::model::health::ServiceHealth;
use crate::read::logs::LogLine;
use crate::render::charts::RenderedChart;
use crate::store::audit::AuditEntry;
use std::fmt::Write as _;

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

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn console(c: &Contents, target: ConsoleTarget) -> Option<String> {
    console_url(c.session.partition, &c.session.region, &target).ok()
}

fn level_word(h: &ServiceHealth) -> &'static str {
    match h.level {
        crate::model::health::HealthLevel::Green => "Healthy",
        crate::model::health::HealthLevel::Amber => "Needs attention",
        crate::model::health::HealthLevel::Red => "Broken",
    }
}

/// The HTML snapshot: inline CSS and SVG only.
pub(crate) fn html(c: &Contents) -> String {
    let mut h = String::new();
    let title = format!("{} — ECS Desk snapshot {}", c.service, c.taken_at);
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>",
        esc(&title)
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"meta\">Cluster <b>{}</b> · account {} ({}) · {} · region {} · taken {} · window {}</p>",
        esc(&c.service),
        esc(&c.cluster),
        esc(c.session.account_name.as_deref().unwrap_or(&c.session.account_id)),
        esc(&c.session.account_id),
        esc(c.session.partition.label()),
        esc(&c.session.region),
        esc(&c.taken_at),
        esc(&c.window)
    );
    if let Some(url) = console(
        c,
        ConsoleTarget::Service {
            cluster: c.cluster.clone(),
            service: c.service.clone(),
        },
    ) {
        let _ = write!(
            h,
            "<p><a href=\"{}\">Open in the AWS console</a></p>",
            esc(&url)
        );
    }
    h.push_str("<h2>Health</h2>");
    match &c.health {
        Some(health) => {
            let _ = write!(
                h,
                "<p class=\"health {:?}\"><b>{}</b>: {}</p><ul>",
                health.level,
                level_word(health),
                esc(&health.summary)
            );
            for r in &health.reasons {
                let _ = write!(h, "<li>{}</li>", esc(&r.text));
            }
            h.push_str("</ul>");
        }
        None => h.push_str("<p>Not available.</p>"),
    }
    h.push_str("<h2>Charts</h2>");
    if c.charts.is_empty() {
        h.push_str("<p>No charts.</p>");
    }
    for chart in &c.charts {
        let _ = write!(
            h,
            "<figure aria-label=\"{}\">{}</figure>",
            esc(&chart.title),
            chart.svg
        );
    }
    h.push_str("<h2>Deployments</h2><table><tr><th>Status</th><th>Task definition</th><th>Rollout</th><th>Running / desired</th><th>Failed</th><th>Created</th></tr>");
    for d in &c.deployments {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.status),
            esc(&d.task_definition),
            esc(d.rollout_state.as_deref().unwrap_or("")),
            d.running,
            d.desired,
            d.failed_tasks,
            esc(&when(d.created_at.as_deref()))
        );
    }
    h.push_str("</table><h2>Stopped tasks</h2><table><tr><th>Task</th><th>Stopped</th><th>Diagnosis</th><th>ECS reason</th></tr>");
    for t in &c.stopped {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td><b>{}</b><br>{}</td><td>{}</td></tr>",
            esc(&t.id),
            esc(&when(t.stopped_at.as_deref())),
            esc(&t.diagnosis.title),
            esc(&t.diagnosis.advice),
            esc(t.stopped_reason.as_deref().unwrap_or(""))
        );
    }
    if c.stopped.is_empty() {
        h.push_str("<tr><td colspan=\"4\">None recently.</td></tr>");
    }
    let _ = write!(
        h,
        "</table><h2>Recent error lines{}</h2><pre>",
        c.log_group
            .as_deref()
            .map(|g| format!(" ({})", esc(g)))
            .unwrap_or_default()
    );
    for l in &c.errors {
        let _ = writeln!(
            h,
            "{}  {}",
            esc(&time_text(l.timestamp / 1000)),
            esc(&l.message)
        );
    }
    if c.errors.is_empty() {
        h.push_str("No error lines in the last hour.");
    }
    h.push_str("</pre><h2>Events</h2><table><tr><th>When</th><th>Event</th></tr>");
    for e in &c.events {
        let _ = write!(
            h,
            "<tr{}><td>{}</td><td>{}</td></tr>",
            if e.problem { " class=\"problem\"" } else { "" },
            esc(&when(e.created_at.as_deref())),
            esc(&e.message)
        );
    }
    h.push_str("</table><h2>Actions (audit log)</h2><table><tr><th>When</th><th>Who</th><th>Action</th><th>Result</th></tr>");
    for a in &c.audit {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&when(Some(&a.record.time))),
            esc(&a.record.user),
            esc(&a.record.action),
            esc(a.verdict.as_deref().unwrap_or(&a.record.result))
        );
    }
    if c.audit.is_empty() {
        h.push_str("<tr><td colspan=\"4\">No actions in this window.</td></tr>");
    }
    h.push_str("</table>");
    if !c.notes.is_empty() {
        h.push_str("<h2>Not included</h2><ul>");
        for n in &c.notes {
            let _ = write!(h, "<li>{}</li>", esc(n));
        }
        h.push_str("</ul>");
    }
    h.push_str("</body></html>\n");
    h
}

/// The Markdown snapshot (charts are left to the HTML file; their latest values are listed).
pub(crate) fn markdown(c: &Contents) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {} — snapshot {}\n", c.service, c.taken_at);
    let _ = writeln!(
        m,
        "Cluster `{}`, account {} ({}), {}, region {}. Window: {}.\n",
        c.cluster,
        c.session
            .account_name
            .as_deref()
            .unwrap_or(&c.session.account_id),
        c.session.account_id,
        c.session.partition.label(),
        c.session.region,
        c.window
    );
    if let Some(url) = console(
        c,
        ConsoleTarget::Service {
            cluster: c.cluster.clone(),
            service: c.service.clone(),
        },
    ) {
        let _ = writeln!(m, "[Open in the AWS console]({url})\n");
    }
    m.push_str("## Health\n\n");
    match &c.health {
        Some(h) => {
            let _ = writeln!(m, "**{}**: {}\n", level_word(h), h.summary);
            for r in &h.reasons {
                let _ = writeln!(m, "- {}", r.text);
            }
            m.push('\n');
        }
        None => m.push_str("Not available.\n\n"),
    }
    m.push_str("## Deployments\n\n| Status | Task definition | Rollout | Running / desired | Failed | Created |\n|---|---|---|---|---|---|\n");
    for d in &c.deployments {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} / {} | {} | {} |",
            cell(&d.status),
            cell(&d.task_definition),
            cell(d.rollout_state.as_deref().unwrap_or("")),
            d.running,
            d.desired,
            d.failed_tasks,
            cell(&when(d.created_at.as_deref()))
        );
    }
    m.push_str(
        "\n## Stopped tasks\n\n| Task | Stopped | Diagnosis | ECS reason |\n|---|---|---|---|\n",
    );
    for t in &c.stopped {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} |",
            cell(&t.id),
            cell(&when(t.stopped_at.as_deref())),
            cell(&t.diagnosis.title),
            cell(t.stopped_reason.as_deref().unwrap_or(""))
        );
    }
    m.push_str("\n## Recent error lines\n\n```\n");
    for l in &c.errors {
        let _ = writeln!(m, "{}  {}", time_text(l.timestamp / 1000), l.message);
    }
    m.push_str("```\n\n## Events\n\n");
    for e in &c.events {
        let _ = writeln!(m, "- {} — {}", when(e.created_at.as_deref()), e.message);
    }
    m.push_str("\n## Actions (audit log)\n\n");
    for a in &c.audit {
        let _ = writeln!(
            m,
            "- {} {} {} — {}",
            a.record.time,
            a.record.user,
            a.record.action,
            a.verdict.as_deref().unwrap_or(&a.record.result)
        );
    }
    if c.audit.is_empty() {
        m.push_str("No actions in this window.\n");
    }
    for n in &c.notes {
        let _ = writeln!(m, "\n> Not included: {n}");
    }
    m
}

/// The snapshot's own styles (printable, light).
const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}\
h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #d0d7de;padding-bottom:4px}\
.meta{color:#57606a}table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}\
th{background:#f6f8fa}tr.problem td{background:#fff4f4}pre{background:#f6f8fa;padding:8px;white-space:pre-wrap}\
figure{margin:8px 0}figcaption{font-weight:600}.health.Red b{color:#b42318}.health.Amber b{color:#9a6700}.health.Green b{color:#1a7f37}";

/// Epoch seconds as `2026-11-23 20:01 UTC`.
pub(crate) fn time_text(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::files::safe_file_name;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(safe_file_name("coe/etl prod"), "coe_etl_prod");
    }
}
