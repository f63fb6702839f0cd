//! The HTML snapshot: one self-contained page that loads nothing and runs nothing.

use std::fmt::Write as _;

use super::escape::esc;
use super::{level_word, service_console, time_text, when, Contents};

/// The HTML snapshot: inline CSS and SVG only, every text escaped.
pub(crate) fn html(c: &Contents) -> String {
    let mut h = String::new();
    let title = format!("{} — ECS Desk snapshot {}", c.service, c.taken_at);
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head>{CSP}<meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>",
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
    // A plain link for the reader to follow (navigation, not a resource the page loads); the
    // address is built by `console_url` from an https base with its parts percent-encoded.
    if let Some(url) = service_console(c) {
        let _ = write!(
            h,
            "<p><a href=\"{}\" rel=\"noreferrer\">Open in the AWS console</a></p>",
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
        // The SVG is plotters' output from numbers and our own labels; plotters escapes its text.
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

/// The snapshot's own policy, first in `<head>` so it covers everything after it: nothing may be
/// loaded or run (no scripts, frames, fonts, images or stylesheets from anywhere), only the
/// inline `<style>` and the inline SVG charts' style attributes apply; no `<base>` and no form
/// posts. The charts are inline `<svg>`, so no `img-src` is needed.
pub(super) const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">";

/// The snapshot's own styles (printable, light).
const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}\
h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #d0d7de;padding-bottom:4px}\
.meta{color:#57606a}table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}\
th{background:#f6f8fa}tr.problem td{background:#fff4f4}pre{background:#f6f8fa;padding:8px;white-space:pre-wrap}\
figure{margin:8px 0}figcaption{font-weight:600}.health.Red b{color:#b42318}.health.Amber b{color:#9a6700}.health.Green b{color:#1a7f37}";
