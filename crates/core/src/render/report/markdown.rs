//! The Markdown snapshot, for pasting into an incident ticket. Every text from outside goes
//! through `md` (or `code`), and the log lines sit in a fence longer than any backtick run in
//! them, so the structure of the file is always the one written here.

use std::fmt::Write as _;

use super::escape::{code, fenced, md};
use super::{level_word, service_console, time_text, when, Contents};

/// The Markdown snapshot (charts are left to the HTML file; their latest values are listed).
pub(crate) fn markdown(c: &Contents) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {} — snapshot {}\n", md(&c.service), md(&c.taken_at));
    let _ = writeln!(
        m,
        "Cluster {}, account {} ({}), {}, region {}. Window: {}.\n",
        code(&c.cluster),
        md(c.session
            .account_name
            .as_deref()
            .unwrap_or(&c.session.account_id)),
        md(&c.session.account_id),
        md(c.session.partition.label()),
        md(&c.session.region),
        md(&c.window)
    );
    // Angle brackets: the address may hold `(` or `)` and still be one link destination.
    if let Some(url) = service_console(c) {
        let _ = writeln!(
            m,
            "[Open in the AWS console](<{}>)\n",
            url.replace(['<', '>', '\n', '\r'], "")
        );
    }
    m.push_str("## Health\n\n");
    match &c.health {
        Some(h) => {
            let _ = writeln!(m, "**{}**: {}\n", level_word(h), md(&h.summary));
            for r in &h.reasons {
                let _ = writeln!(m, "- {}", md(&r.text));
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
            md(&d.status),
            md(&d.task_definition),
            md(d.rollout_state.as_deref().unwrap_or("")),
            d.running,
            d.desired,
            d.failed_tasks,
            md(&when(d.created_at.as_deref()))
        );
    }
    m.push_str(
        "\n## Stopped tasks\n\n| Task | Stopped | Diagnosis | ECS reason |\n|---|---|---|---|\n",
    );
    for t in &c.stopped {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} |",
            md(&t.id),
            md(&when(t.stopped_at.as_deref())),
            md(&t.diagnosis.title),
            md(t.stopped_reason.as_deref().unwrap_or(""))
        );
    }
    m.push_str("\n## Recent error lines\n\n");
    let mut lines = String::new();
    for l in &c.errors {
        let _ = writeln!(lines, "{}  {}", time_text(l.timestamp / 1000), l.message);
    }
    m.push_str(&fenced(&lines));
    m.push_str("\n## Events\n\n");
    for e in &c.events {
        let _ = writeln!(
            m,
            "- {} — {}",
            md(&when(e.created_at.as_deref())),
            md(&e.message)
        );
    }
    m.push_str("\n## Actions (audit log)\n\n");
    for a in &c.audit {
        let _ = writeln!(
            m,
            "- {} {} {} — {}",
            md(&a.record.time),
            md(&a.record.user),
            md(&a.record.action),
            md(a.verdict.as_deref().unwrap_or(&a.record.result))
        );
    }
    if c.audit.is_empty() {
        m.push_str("No actions in this window.\n");
    }
    for n in &c.notes {
        let _ = writeln!(m, "\n> Not included: {}", md(n));
    }
    m
}
