//! The snapshot files with hostile text everywhere AWS, the logs or the audit file can put some:
//! the Markdown keeps its own structure (one code block, its headings, its table columns) and the
//! HTML loads and runs nothing.

use super::html::CSP;
use super::*;
use crate::model::partition::Partition;
use crate::render::charts::{render_svg, ChartOptions, ChartSpec, SeriesSpec, Theme};
use serde_json::json;

/// Text that would be a tag if it reached the HTML or the Markdown unescaped.
const TAG: &str = "<img src=x onerror=alert(1)>";
/// Text that would be a script.
const SCRIPT: &str = "<script>alert(1)</script>";

/// Log lines: runs of backticks, and a multi-line message that closes a three-backtick fence.
fn log_lines() -> Vec<LogLine> {
    [
        "``` ``` ```` ````",
        "`````````` a run of ten",
        "panic: boom\n```\n# Injected heading\n[click](https://evil.example)\n````",
        TAG,
    ]
    .iter()
    .map(|m| LogLine {
        event_id: None,
        timestamp: 1_795_000_000_000,
        stream: None,
        message: (*m).to_string(),
    })
    .collect()
}

fn hostile() -> Contents {
    let health: ServiceHealth = serde_json::from_value(json!({
        "service": "api", "level": "red", "summary": format!("down {SCRIPT}"),
        "reasons": [{"level": "red", "check": "alarms", "text": "# alarm\n> quoted <b>bold</b>"}],
        "notes": [], "full": true, "latest": null,
        "thresholds": serde_json::to_value(crate::model::thresholds::Thresholds::default()).unwrap(),
    }))
    .unwrap();
    let event = |message: &str| -> ServiceEvent {
        serde_json::from_value(json!({
            "id": "e", "createdAt": "2026-11-23T20:01:05Z", "message": message,
            "kind": "other", "gloss": null, "problem": true,
        }))
        .unwrap()
    };
    let stopped: StoppedTask = serde_json::from_value(json!({
        "id": "t1", "arn": "arn", "taskDefinition": "api:3", "startedAt": null,
        "stoppedAt": "not a time | x", "stopCode": null,
        "stoppedReason": format!("a | b \\| c\n| d {TAG}"), "containers": [], "lastLines": [],
        "diagnosis": {"cause": "outOfMemory", "title": "Ran out of memory", "advice": TAG},
    }))
    .unwrap();
    let audit: AuditEntry = serde_json::from_value(json!({
        "record": {
            "time": "2026-11-23T20:01:05Z", "event": "executed", "planId": "p",
            "user": format!("[me](javascript:alert(1)) {SCRIPT}"), "callerArn": "arn",
            "partition": "aws", "accountId": "123456789012", "role": null,
            "region": "us-east-1", "cluster": "c", "service": "api",
            "action": "stopTask", "parameters": {}, "planSummary": "stop", "result": "started",
            "message": null, "deploymentId": null,
        },
        "verdict": null, "verdictMessage": null, "verdictTime": null,
    }))
    .unwrap();
    let chart = render_svg(
        &ChartSpec {
            id: "cpu".into(),
            title: format!("CPU {TAG}"),
            unit: "%".into(),
            series: vec![SeriesSpec {
                name: format!("target-group {SCRIPT}"),
                points: vec![(1_795_000_000, 10.0), (1_795_000_300, 20.0)],
            }],
            threshold: Some((70.0, "limit".into())),
            markers: vec![(1_795_000_100, TAG.into())],
            x_range: (1_795_000_000, 1_795_000_300),
            y_floor_max: 100.0,
            period: 300,
        },
        &ChartOptions {
            width: 600,
            height: 200,
            theme: Theme::Light,
        },
    )
    .unwrap();
    Contents {
        session: SessionInfo {
            id: "s".into(),
            profile: "p".into(),
            partition: Partition::Aws,
            account_id: "123456789012".into(),
            account_name: Some(format!("prod {TAG}")),
            arn: "arn".into(),
            region: "us-east-1".into(),
            sso_session: None,
            role_name: None,
        },
        cluster: "coe-ecs`prod".into(),
        service: "api".into(),
        taken_at: "2026-11-23 20:01 UTC".into(),
        window: "last 3 hours".into(),
        health: Some(health),
        charts: vec![chart],
        deployments: vec![Deployment {
            status: "PRIMARY".into(),
            task_definition: "api:3 | extra".into(),
            ..Deployment::default()
        }],
        events: vec![event(SCRIPT), event(TAG), event("x\n## Injected\n- item")],
        stopped: vec![stopped],
        errors: log_lines(),
        log_group: Some(format!("/ecs/api {TAG}")),
        audit: vec![audit],
        notes: vec![format!("Audit log: {SCRIPT}\n# heading")],
    }
}

/// The Markdown's lines as CommonMark splits them (`\n`, `\r\n` or a lone `\r`).
fn md_lines(md: &str) -> Vec<&str> {
    md.split("\r\n")
        .flat_map(|l| l.split(['\n', '\r']))
        .collect()
}

/// The backtick-fenced code blocks of top-level `lines`, as CommonMark reads them: (opening
/// line, closing line), `None` when the block runs to the end of the file.
fn code_blocks(lines: &[&str]) -> Vec<(usize, Option<usize>)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let ticks = rest.len() - rest.trim_start_matches('`').len();
        let after = &rest[ticks..];
        match open {
            None if indent <= 3 && ticks >= 3 && !after.contains('`') => open = Some((i, ticks)),
            Some((start, len)) if indent <= 3 && ticks >= len && after.trim().is_empty() => {
                blocks.push((start, Some(i)));
                open = None;
            }
            _ => {}
        }
    }
    blocks.extend(open.map(|(start, _)| (start, None)));
    blocks
}

/// The cells of a table row, split at pipes that are not backslash-escaped (as GFM does).
fn cells(row: &str) -> usize {
    let mut pipes = 0;
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => pipes += 1,
            _ => {}
        }
    }
    pipes - 1
}

#[test]
fn log_lines_stay_inside_one_markdown_fence() {
    let md = markdown(&hostile());
    let lines = md_lines(&md);
    let heading = |h: &str| lines.iter().position(|l| *l == h).unwrap();
    let blocks = code_blocks(&lines);
    assert_eq!(blocks.len(), 1, "one code block: {blocks:?}\n{md}");
    let (open, close) = blocks[0];
    let close = close.unwrap_or_else(|| panic!("the block is never closed\n{md}"));
    // It opens right under its heading and closes right before the next one.
    assert_eq!(open, heading("## Recent error lines") + 2, "{md}");
    assert_eq!(close + 2, heading("## Events"), "{md}");
    // Inside it: every line of every message, and nothing else.
    let mut body = Vec::new();
    for l in log_lines() {
        let mut parts = md_lines(&l.message).into_iter().map(str::to_string);
        let first = parts.next().unwrap_or_default();
        body.push(format!("{}  {first}", time_text(l.timestamp / 1000)));
        body.extend(parts);
    }
    assert_eq!(lines[open + 1..close], body, "{md}");
    // The fence is longer than the longest run of backticks (ten) in it.
    assert_eq!(lines[open], "`".repeat(11));
}

#[test]
fn markdown_text_keeps_the_structure_of_the_file() {
    let md = markdown(&hostile());
    let lines = md_lines(&md);
    let (open, close) = code_blocks(&lines)[0];
    let close = close.unwrap_or(lines.len());
    let outside: Vec<(usize, &str)> = lines
        .iter()
        .copied()
        .enumerate()
        .filter(|(i, _)| *i < open || *i > close)
        .collect();
    let headings: Vec<&str> = outside
        .iter()
        .map(|(_, l)| *l)
        .filter(|l| l.starts_with('#'))
        .collect();
    assert_eq!(
        headings,
        [
            "# api — snapshot 2026-11-23 20:01 UTC",
            "## Health",
            "## Deployments",
            "## Stopped tasks",
            "## Recent error lines",
            "## Events",
            "## Actions (audit log)",
        ],
        "{md}"
    );
    // Outside the code block, `<` appears only around the console address.
    for (_, line) in &outside {
        if !line.starts_with("[Open in the AWS console](<https://") {
            assert!(!line.contains('<'), "raw `<` in {line:?}");
        }
    }
    assert!(md.contains("- 2026-11-23 20:01:05 UTC — &lt;script>alert(1)&lt;/script>"));
    assert!(md.contains("&lt;img src=x onerror=alert(1)>"), "{md}");
    assert!(
        md.contains("\\[me\\](javascript:alert(1))"),
        "no link: {md}"
    );
    assert!(
        md.contains("- \\# alarm > quoted &lt;b>bold&lt;/b>"),
        "{md}"
    );
    assert!(md.contains("Cluster ``coe-ecs`prod``"), "{md}");
    // Table rows keep their columns; list items and the quote stay one line each.
    let rows: Vec<&str> = outside
        .iter()
        .map(|(_, l)| *l)
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .collect();
    let columns: Vec<usize> = rows.iter().map(|r| cells(r)).collect();
    assert_eq!(columns, [6, 6, 4, 4], "{rows:#?}");
    let items = outside.iter().filter(|(_, l)| l.starts_with("- ")).count();
    assert_eq!(
        items,
        1 + 3 + 1,
        "a reason, three events and an action\n{md}"
    );
    assert!(md.ends_with("> Not included: Audit log: &lt;script>alert(1)&lt;/script> # heading\n"));
}

#[test]
fn html_has_its_own_policy_and_no_active_content() {
    let html = html(&hostile());
    let head = html.find("<head>").unwrap() + "<head>".len();
    assert!(html[head..].starts_with(CSP), "the policy comes first");
    assert!(CSP.contains("content=\"default-src 'none'; style-src 'unsafe-inline';"));
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<img", "<link", "<iframe", "<object", "<embed", "<image",
    ] {
        assert!(!lower.contains(banned), "{banned} in the snapshot");
    }
    assert!(!lower.contains("url("), "no CSS that loads anything");
    for (tag, name, value) in attributes(&html) {
        assert!(!name.starts_with("on"), "<{tag} {name}=…> handler");
        let value = value.to_ascii_lowercase();
        let loads = [
            "src",
            "href",
            "xlink:href",
            "srcset",
            "action",
            "data",
            "poster",
        ];
        if loads.contains(&name.as_str()) {
            // The one link is to the AWS console, for the reader to follow (not loaded).
            let console = tag == "a" && name == "href" && value.starts_with("https://console.");
            assert!(console, "<{tag} {name}=\"{value}\"> points elsewhere");
            assert!(!value.starts_with("javascript:"), "{value}");
        }
    }
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains(" rel=\"noreferrer\">Open in the AWS console</a>"));
}

/// Every (tag, attribute name, value) of the markup in `html`, names lowercased.
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/');
        let tag = rest[..end.unwrap_or(rest.len())].to_ascii_lowercase();
        rest = &rest[end.unwrap_or(rest.len())..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let name_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            let name = rest[..name_end].to_ascii_lowercase();
            rest = rest[name_end..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (v, tail) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                        (&after[1..close], after.get(close + 1..).unwrap_or(""))
                    }
                    _ => {
                        let stop = after
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(after.len());
                        (&after[..stop], &after[stop..])
                    }
                };
                value = v.to_string();
                rest = tail;
            }
            out.push((tag.clone(), name, value));
        }
    }
    out
}
