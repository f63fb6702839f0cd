//! CloudWatch Logs of a service or task: where its lines go (the task definition's awslogs
//! options), recent lines, "errors in the last hour" (runbook 001), searches with filter
//! patterns in pages, follow mode (polling FilterLogEvents from the last line seen, deduplicated
//! by event id, with pause/resume/stop) and lines as plain text for saving.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::read::targets::describe_service;
use crate::read::task_definitions::describe_task_definition;

/// The filter pattern of "errors in the last hour": any of the usual error words.
pub const ERROR_PATTERN: &str = "?ERROR ?Error ?error ?Exception ?FATAL";
/// Lines one search page asks for.
const PAGE_LIMIT: i32 = 1_000;
/// Pages one follow poll reads at most before handing over (the rest comes next poll).
pub(crate) const FOLLOW_PAGES: usize = 20;

/// Where a container's lines go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogSource {
    /// Container name.
    pub container: String,
    /// Log group (`awslogs-group`).
    pub group: String,
    /// `awslogs-stream-prefix`; streams are `prefix/container/task-id`.
    pub stream_prefix: Option<String>,
    /// `awslogs-region`.
    pub region: Option<String>,
}

impl LogSource {
    /// The stream prefix of this container's streams (`prefix/container/`), if it has one.
    pub fn container_prefix(&self) -> Option<String> {
        self.stream_prefix
            .as_ref()
            .map(|p| format!("{p}/{}/", self.container))
    }

    /// The stream of task `task_id` (`prefix/container/task-id`).
    pub fn task_stream(&self, task_id: &str) -> Option<String> {
        self.container_prefix().map(|p| format!("{p}{task_id}"))
    }
}

/// The log sources of `service`'s task definition (containers using the awslogs driver).
pub async fn log_sources(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<Vec<LogSource>, CoreError> {
    let found = describe_service(session, cluster, service).await?;
    sources_of_task_definition(session, crate::read::described::task_definition_of(&found)).await
}

/// The log sources of task definition `name` (`family:revision` or ARN).
pub(crate) async fn sources_of_task_definition(
    session: &Session,
    name: &str,
) -> Result<Vec<LogSource>, CoreError> {
    let td = describe_task_definition(session, name).await?;
    Ok(td
        .container_definitions()
        .iter()
        .filter_map(|c| {
            let config = c.log_configuration()?;
            if config.log_driver().as_str() != "awslogs" {
                return None;
            }
            let options = config.options()?;
            Some(LogSource {
                container: c.name().unwrap_or_default().to_string(),
                group: options.get("awslogs-group")?.clone(),
                stream_prefix: options.get("awslogs-stream-prefix").cloned(),
                region: options.get("awslogs-region").cloned(),
            })
        })
        .collect())
}

/// Calls one backward read of a stream makes at most: GetLogEvents may answer with part of a
/// page, or none, while more lines are there.
const TAIL_CALLS: usize = 20;

/// The last `count` lines of one stream, oldest first: GetLogEvents read backwards, following
/// its backward token until enough lines came or the token comes back unchanged (the start).
pub(crate) async fn stream_tail(
    session: &Session,
    group: &str,
    stream: &str,
    count: i32,
) -> Result<Vec<LogLine>, CoreError> {
    let count = count.clamp(1, 10_000);
    let mut lines: Vec<LogLine> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..TAIL_CALLS {
        let reply = session
            .logs
            .get_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .start_from_head(false)
            .limit(count - lines.len() as i32)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(session.error("logs:GetLogEvents"))?;
        let page: Vec<LogLine> = reply
            .events()
            .iter()
            .map(|e| LogLine {
                event_id: None,
                timestamp: e.timestamp().unwrap_or_default(),
                stream: Some(stream.to_string()),
                message: display_message(e.message().unwrap_or_default()),
            })
            .collect();
        lines.splice(0..0, page);
        let next = reply.next_backward_token().map(str::to_string);
        if lines.len() as i32 >= count || next.is_none() || next == token {
            break;
        }
        token = next;
    }
    Ok(lines)
}

/// The last `count` lines of one stream (what a container said just before it stopped).
pub(crate) async fn tail(
    session: &Session,
    group: &str,
    stream: &str,
    count: i32,
) -> Result<Vec<String>, CoreError> {
    Ok(stream_tail(session, group, stream, count)
        .await?
        .into_iter()
        .map(|l| l.message)
        .collect())
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    /// CloudWatch event id (null from GetLogEvents).
    pub event_id: Option<String>,
    /// Epoch milliseconds.
    #[ts(type = "number")]
    pub timestamp: i64,
    /// Stream name.
    pub stream: Option<String>,
    /// The text.
    pub message: String,
}

/// A search: group, optional stream restriction, filter pattern and time range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogQuery {
    /// Log group.
    pub group: String,
    /// Only streams starting with this (e.g. `ecs/api/` or one task's stream).
    pub stream_prefix: Option<String>,
    /// CloudWatch filter pattern (terms, `?any`, `-not`, `"phrase"`); empty = every line.
    pub pattern: Option<String>,
    /// From (epoch ms).
    #[ts(type = "number | null")]
    pub start: Option<i64>,
    /// To (epoch ms).
    #[ts(type = "number | null")]
    pub end: Option<i64>,
    /// Lines per page (at most 10,000; default 1,000).
    pub limit: Option<i32>,
    /// Token of the next page from a previous [`LogPage`].
    pub next_token: Option<String>,
    /// The group's region when the task definition sends it elsewhere (`awslogs-region`);
    /// null for the session's region.
    pub region: Option<String>,
}

/// One page of a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogPage {
    /// Lines, oldest first.
    pub lines: Vec<LogLine>,
    /// Pass back in [`LogQuery::next_token`] for the next page; null when the search is done.
    pub next_token: Option<String>,
}

/// One FilterLogEvents page.
pub async fn search(session: &Session, query: &LogQuery) -> Result<LogPage, CoreError> {
    if query.group.is_empty() {
        return Err(CoreError::InvalidInput(
            "Choose a log group to search.".into(),
        ));
    }
    let limit = query.limit.unwrap_or(PAGE_LIMIT).clamp(1, 10_000);
    let reply = session
        .logs
        .filter_log_events()
        .log_group_name(&query.group)
        .set_log_stream_name_prefix(query.stream_prefix.clone().filter(|p| !p.is_empty()))
        .set_filter_pattern(query.pattern.clone().filter(|p| !p.trim().is_empty()))
        .set_start_time(query.start)
        .set_end_time(query.end)
        .limit(limit)
        .set_next_token(query.next_token.clone())
        .send()
        .await
        .map_err(session.error("logs:FilterLogEvents"))?;
    Ok(LogPage {
        lines: reply
            .events()
            .iter()
            .map(|e| LogLine {
                event_id: e.event_id().map(str::to_string),
                timestamp: e.timestamp().unwrap_or_default(),
                stream: e.log_stream_name().map(str::to_string),
                message: display_message(e.message().unwrap_or_default()),
            })
            .collect(),
        next_token: reply.next_token().map(str::to_string),
    })
}

/// Now, in epoch milliseconds.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The first page of error lines of the last hour in `group` (runbook 001, step 4).
pub async fn errors_last_hour(
    session: &Session,
    group: &str,
    stream_prefix: Option<String>,
) -> Result<LogPage, CoreError> {
    search(
        session,
        &LogQuery {
            group: group.to_string(),
            stream_prefix,
            pattern: Some(ERROR_PATTERN.to_string()),
            start: Some(now_ms() - 3_600_000),
            ..Default::default()
        },
    )
    .await
}

/// How far back "recent lines" of a group look, widening until enough lines are found.
const RECENT_WINDOWS_MS: [i64; 4] = [60_000, 10 * 60_000, 3_600_000, 86_400_000];
/// FilterLogEvents pages one window reads at most (the first, one minute, is rarely one page).
const RECENT_PAGES: usize = 5;

/// The last `limit` lines of `group` (or of `stream` alone), oldest first. A group's lines are
/// searched by time over a widening window rather than taken from the streams DescribeLogStreams
/// lists as most recent: its `lastEventTimestamp` lags by up to an hour, so a task started a few
/// minutes ago would be missed.
pub async fn recent(
    session: &Session,
    group: &str,
    stream: Option<&str>,
    limit: i32,
) -> Result<Vec<LogLine>, CoreError> {
    let limit = limit.clamp(1, 10_000);
    if let Some(stream) = stream {
        return stream_tail(session, group, stream, limit).await;
    }
    let mut lines = Vec::new();
    for (i, window) in RECENT_WINDOWS_MS.iter().enumerate() {
        let mut query = LogQuery {
            group: group.to_string(),
            start: Some(now_ms() - window),
            limit: Some(10_000),
            ..LogQuery::default()
        };
        lines.clear();
        for _ in 0..RECENT_PAGES {
            let page = search(session, &query).await?;
            lines.extend(page.lines);
            match page.next_token {
                Some(t) => query.next_token = Some(t),
                None => break,
            }
        }
        if lines.len() >= limit as usize || i + 1 == RECENT_WINDOWS_MS.len() {
            break;
        }
    }
    lines.sort_by_key(|l| l.timestamp);
    let skip = lines.len().saturating_sub(limit as usize);
    Ok(lines.split_off(skip))
}

/// Longest log line kept for display: CloudWatch allows 256 KB per event, and a page of 1,000 such
/// lines would make the list (and the bridge) carry a quarter of a gigabyte.
pub const MAX_DISPLAY_LINE: usize = 16 * 1024;

/// A log event's text as shown: trailing whitespace trimmed, cut at [`MAX_DISPLAY_LINE`] bytes (on a
/// character boundary) with a note of how much was left out.
pub fn display_message(text: &str) -> String {
    let text = text.trim_end();
    if text.len() <= MAX_DISPLAY_LINE {
        return text.to_string();
    }
    let mut cut = MAX_DISPLAY_LINE;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{} … [line cut for display: {} more bytes]",
        &text[..cut],
        text.len() - cut
    )
}

/// `lines` as plain text, one line each: time (UTC, RFC 3339), stream, message.
pub fn lines_text(lines: &[LogLine]) -> String {
    let mut text = String::new();
    for line in lines {
        let at = chrono::DateTime::from_timestamp_millis(line.timestamp)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            .unwrap_or_default();
        text.push_str(&at);
        text.push(' ');
        if let Some(stream) = &line.stream {
            text.push_str(stream);
            text.push(' ');
        }
        text.push_str(&line.message);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::log_follow::{Cursor, LATE_WINDOW_MS};

    fn line(ts: i64, id: &str) -> LogLine {
        LogLine {
            event_id: Some(format!("{ts:020}{id}")),
            timestamp: ts,
            stream: None,
            message: id.into(),
        }
    }

    #[test]
    fn huge_lines_are_cut_for_display_on_a_char_boundary() {
        assert_eq!(display_message("ERROR boom  \n"), "ERROR boom");
        let huge = "é".repeat(200_000);
        let shown = display_message(&huge);
        assert!(shown.len() < MAX_DISPLAY_LINE + 100, "{}", shown.len());
        assert!(shown.ends_with("more bytes]"));
        assert!(shown.starts_with("éé"));
    }

    #[test]
    fn cursor_never_repeats_a_line() {
        let mut c = Cursor::at(1_000);
        let first = c.take_new(vec![line(999, "old"), line(1_000, "a"), line(2_000, "b")]);
        assert_eq!(first.len(), 2);
        assert_eq!(c.newest, 2_000);
        // The next poll reads the trailing window again: b comes back, plus a new line of the
        // same millisecond.
        let second = c.take_new(vec![line(2_000, "b"), line(2_000, "c"), line(3_000, "d")]);
        let names: Vec<&str> = second.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(names, ["c", "d"]);
    }

    /// On AWS a line of task B stamped before task A's newest line can be ingested a poll later:
    /// the old cursor (start at the newest timestamp) never showed it, error lines included.
    #[test]
    fn a_late_line_of_another_stream_is_still_shown_once() {
        let mut c = Cursor::at(0);
        let a = c.take_new(vec![line(50_000, "A newest")]);
        assert_eq!(a.len(), 1);
        assert!(c.query_start() <= 40_000, "re-reads before the newest line");
        let late = c.take_new(vec![line(40_000, "B ERROR late"), line(50_000, "A newest")]);
        let names: Vec<&str> = late.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(names, ["B ERROR late"]);
        // Ids leave the memory only once they are before the trailing window.
        c.take_new(vec![line(50_000 + LATE_WINDOW_MS + 1_000, "much later")]);
        assert!(c.seen.len() <= 2, "{:?}", c.seen);
        assert_eq!(c.query_start(), 51_000);
    }

    #[test]
    fn sources_name_task_streams() {
        let s = LogSource {
            container: "api".into(),
            group: "/ecs/coe-etl-prod".into(),
            stream_prefix: Some("ecs".into()),
            region: None,
        };
        assert_eq!(s.task_stream("abc").as_deref(), Some("ecs/api/abc"));
        let none = LogSource {
            stream_prefix: None,
            ..s
        };
        assert_eq!(none.task_stream("abc"), None);
    }

    #[test]
    fn lines_become_text_with_time_and_stream() {
        let text = lines_text(&[LogLine {
            event_id: None,
            timestamp: 0,
            stream: Some("ecs/api/1".into()),
            message: "hello".into(),
        }]);
        assert_eq!(text, "1970-01-01T00:00:00.000Z ecs/api/1 hello\n");
    }
}
