//! Following a log: polling FilterLogEvents over a trailing window before the last line seen
//! (lines arrive late and out of order), deduplicated by event id, with pause, resume and stop.

use crate::aws::session::Session;
use crate::error::{CoreError, ErrorPayload};
use crate::read::logs::LogLine;
use crate::read::logs::LogQuery;
use crate::read::logs::{now_ms, search, FOLLOW_PAGES};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// New lines of a followed search, or why a poll failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogBatch {
    /// The follow this batch belongs to.
    pub follow_id: String,
    /// New lines, oldest first (never a line sent before).
    pub lines: Vec<LogLine>,
    /// A poll failed; following goes on.
    pub error: Option<ErrorPayload>,
}

/// The controls of one follow.
struct FollowControl {
    cancel: CancellationToken,
    paused: watch::Sender<bool>,
}

/// Follows that are running, by id (cheap to clone; shared by the app).
#[derive(Clone, Default)]
pub struct LogFollows {
    running: Arc<Mutex<HashMap<String, FollowControl>>>,
    next: Arc<AtomicU64>,
}

impl std::fmt::Debug for LogFollows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.running.lock().map(|m| m.len()).unwrap_or_default();
        write!(f, "LogFollows({count} running)")
    }
}

/// How far back each poll reads again. CloudWatch finds a line once it is ingested, not at its
/// timestamp: the awslogs driver sends each stream in batches every few seconds and streams arrive
/// out of order, so a line of task B stamped before task A's newest line may appear a poll later.
pub(crate) const LATE_WINDOW_MS: i64 = 120_000;

/// What a poll remembers: where the follow began, the newest timestamp seen, and the ids seen in
/// the trailing window (so a line read again is never sent twice).
#[derive(Debug, Default)]
pub(crate) struct Cursor {
    /// Lines before this are never shown (the follow's start).
    pub(crate) floor: i64,
    /// The newest timestamp seen.
    pub(crate) newest: i64,
    pub(crate) seen: HashMap<String, i64>,
}

impl Cursor {
    /// A cursor for a follow starting at `start` (epoch ms).
    pub(crate) fn at(start: i64) -> Cursor {
        Cursor {
            floor: start,
            newest: start,
            seen: HashMap::new(),
        }
    }

    /// Where the next poll starts: the trailing window before the newest line, not before the
    /// follow's start.
    pub(crate) fn query_start(&self) -> i64 {
        (self.newest - LATE_WINDOW_MS).max(self.floor)
    }

    /// Keeps the lines not sent before, oldest first, and remembers them.
    pub(crate) fn take_new(&mut self, lines: Vec<LogLine>) -> Vec<LogLine> {
        let mut fresh: Vec<LogLine> = lines
            .into_iter()
            .filter(|l| l.timestamp >= self.floor)
            .filter(|l| {
                let key = l
                    .event_id
                    .clone()
                    .unwrap_or_else(|| format!("{}:{:?}:{}", l.timestamp, l.stream, l.message));
                self.seen.insert(key, l.timestamp).is_none()
            })
            .collect();
        fresh.sort_by_key(|l| l.timestamp);
        if let Some(newest) = fresh.last().map(|l| l.timestamp) {
            if newest > self.newest {
                self.newest = newest;
                // Ids before the trailing window are never read again.
                let keep_from = self.query_start();
                self.seen.retain(|_, ts| *ts >= keep_from);
            }
        }
        fresh
    }
}

impl LogFollows {
    /// No follows yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts following `query` (its `start`, default one minute ago, is where lines begin),
    /// polling every `interval`; every batch of new lines goes to `sink`, which returns false
    /// when nobody listens any more. Returns the follow id.
    pub fn start<F>(
        &self,
        session: Arc<Session>,
        query: LogQuery,
        interval: Duration,
        sink: F,
    ) -> String
    where
        F: Fn(LogBatch) -> bool + Send + Sync + 'static,
    {
        let id = format!("follow-{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let cancel = CancellationToken::new();
        let (paused_tx, mut paused_rx) = watch::channel(false);
        if let Ok(mut running) = self.running.lock() {
            running.insert(
                id.clone(),
                FollowControl {
                    cancel: cancel.clone(),
                    paused: paused_tx,
                },
            );
        }
        let follow_id = id.clone();
        let running = self.running.clone();
        tokio::spawn(async move {
            let mut cursor = Cursor::at(query.start.unwrap_or_else(|| now_ms() - 60_000));
            let mut first = true;
            'follow: loop {
                if !first {
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        _ = tokio::time::sleep(interval) => {}
                    }
                }
                first = false;
                while *paused_rx.borrow() {
                    tokio::select! {
                        _ = cancel.cancelled() => break 'follow,
                        changed = paused_rx.changed() => if changed.is_err() { break 'follow },
                    }
                }
                let mut page = LogQuery {
                    start: Some(cursor.query_start()),
                    end: None,
                    next_token: None,
                    ..query.clone()
                };
                for _ in 0..FOLLOW_PAGES {
                    let result = tokio::select! {
                        _ = cancel.cancelled() => break 'follow,
                        r = search(&session, &page) => r,
                    };
                    match result {
                        Ok(found) => {
                            let lines = cursor.take_new(found.lines);
                            if !lines.is_empty()
                                && !sink(LogBatch {
                                    follow_id: follow_id.clone(),
                                    lines,
                                    error: None,
                                })
                            {
                                break 'follow;
                            }
                            match found.next_token {
                                Some(token) => page.next_token = Some(token),
                                None => break,
                            }
                        }
                        Err(err) => {
                            if !sink(LogBatch {
                                follow_id: follow_id.clone(),
                                lines: Vec::new(),
                                error: Some(ErrorPayload::from(err)),
                            }) {
                                break 'follow;
                            }
                            break;
                        }
                    }
                }
            }
            if let Ok(mut running) = running.lock() {
                running.remove(&follow_id);
            }
        });
        id
    }

    /// The control of follow `id`.
    fn with<R>(&self, id: &str, f: impl FnOnce(&FollowControl) -> R) -> Result<R, CoreError> {
        let running = self
            .running
            .lock()
            .map_err(|_| CoreError::Internal("the follow list is unusable".into()))?;
        running
            .get(id)
            .map(f)
            .ok_or_else(|| CoreError::NotFound(format!("The log follow {id} is not running.")))
    }

    /// Pauses follow `id` (no polling until resumed).
    pub fn pause(&self, id: &str) -> Result<(), CoreError> {
        self.with(id, |c| {
            c.paused.send_replace(true);
        })
    }

    /// Resumes follow `id`; lines written meanwhile arrive on the next poll.
    pub fn resume(&self, id: &str) -> Result<(), CoreError> {
        self.with(id, |c| {
            c.paused.send_replace(false);
        })
    }

    /// Stops follow `id`.
    pub fn stop(&self, id: &str) -> Result<(), CoreError> {
        self.with(id, |c| c.cancel.cancel())?;
        if let Ok(mut running) = self.running.lock() {
            running.remove(id);
        }
        Ok(())
    }

    /// Whether follow `id` is running.
    pub fn is_running(&self, id: &str) -> bool {
        self.running
            .lock()
            .map(|r| r.contains_key(id))
            .unwrap_or(false)
    }
}
