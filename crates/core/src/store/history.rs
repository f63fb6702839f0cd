//! Local history: stopped tasks, service events, deployments and health changes the app has
//! seen, kept in SQLite (`history.sqlite` in the app data folder) beyond ECS's own retention
//! (about an hour for stopped tasks), for a configurable number of days.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::model::deployment::Deployment;
use crate::model::diagnosis::StoppedTask;
use crate::model::event::ServiceEvent;
use crate::model::health::{HealthLevel, ServiceHealth};
use crate::util::time::rfc3339;

/// Days kept unless the user chooses otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// At most this many rows of each kind are returned for one service.
const READ_LIMIT: u32 = 500;

/// Tables: every kept item as JSON, keyed by kind, service key and id; and settings.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS items (
    kind TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL,
    at INTEGER NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (kind, key, id));
  CREATE INDEX IF NOT EXISTS items_by_time ON items (key, kind, at);
  CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);";

/// A change of a service's health level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthChange {
    /// When the app saw it (RFC 3339).
    pub at: String,
    /// The new level.
    pub level: HealthLevel,
    /// The roll-up's summary then.
    pub summary: String,
}

/// What the app has kept about one service, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceHistory {
    /// Stopped tasks with their diagnoses.
    pub stopped: Vec<StoppedTask>,
    /// Service events.
    pub events: Vec<ServiceEvent>,
    /// Deployments.
    pub deployments: Vec<Deployment>,
    /// Health level changes.
    pub health: Vec<HealthChange>,
    /// Days kept.
    pub retention_days: u32,
    /// Why the latest data could not be added (the history shown is still valid).
    pub note: Option<String>,
}

/// The history database (cheap to clone; one connection behind a lock, as writes are small).
#[derive(Debug, Clone)]
pub struct History {
    conn: Arc<Mutex<Connection>>,
}

/// Maps a SQLite error.
fn db(e: rusqlite::Error) -> CoreError {
    CoreError::Internal(format!("history database: {e}"))
}

/// Seconds since the epoch of an RFC 3339 time (now when absent or unreadable).
fn epoch(at: Option<&str>) -> i64 {
    at.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(|| chrono::Utc::now().timestamp(), |t| t.timestamp())
}

impl History {
    /// Opens (creating when needed) the database at `path`.
    pub fn open(path: &Path) -> Result<History, CoreError> {
        // 0600 before SQLite opens it: its -wal and -shm files take the database's mode.
        crate::util::files::make_private_file(path)?;
        let conn = Connection::open(path).map_err(db)?;
        // WAL keeps a crash mid-write from losing earlier rows; NORMAL sync is durable enough
        // for a cache of what AWS showed.
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
            .map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        Ok(History {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// A history kept in memory only (when the data folder cannot hold the database).
    pub fn in_memory() -> Result<History, CoreError> {
        let conn = Connection::open_in_memory().map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        Ok(History {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Days of history kept.
    pub fn retention_days(&self) -> Result<u32, CoreError> {
        let value: Option<String> = self
            .lock()
            .query_row(
                "SELECT value FROM settings WHERE name = 'retention_days'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        Ok(value
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_DAYS))
    }

    /// Sets the days kept (1 to 3650) and drops what is older.
    pub fn set_retention_days(&self, days: u32) -> Result<u32, CoreError> {
        if !(1..=3650).contains(&days) {
            return Err(CoreError::InvalidInput(
                "Keep history for 1 to 3650 days.".into(),
            ));
        }
        self.lock()
            .execute(
                "INSERT INTO settings (name, value) VALUES ('retention_days', ?1)
                 ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                params![days.to_string()],
            )
            .map_err(db)?;
        self.prune(chrono::Utc::now().timestamp())?;
        Ok(days)
    }

    /// Drops rows older than the retention, counted back from `now` (epoch seconds).
    pub fn prune(&self, now: i64) -> Result<usize, CoreError> {
        let cutoff = now - i64::from(self.retention_days()?) * 86_400;
        self.lock()
            .execute("DELETE FROM items WHERE at < ?1", params![cutoff])
            .map_err(db)
    }

    /// Stores (or updates) one item.
    fn put<T: Serialize>(
        conn: &Connection,
        kind: &str,
        key: &str,
        id: &str,
        at: i64,
        item: &T,
    ) -> Result<(), CoreError> {
        let json = serde_json::to_string(item)
            .map_err(|e| CoreError::Internal(format!("encoding history: {e}")))?;
        conn.execute(
            "INSERT INTO items (kind, key, id, at, json) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(kind, key, id) DO UPDATE SET at = excluded.at, json = excluded.json",
            params![kind, key, id, at, json],
        )
        .map_err(db)?;
        Ok(())
    }

    /// Records what a service page or the fleet showed of the service with `key`.
    pub fn record_service(
        &self,
        key: &str,
        stopped: &[StoppedTask],
        events: &[ServiceEvent],
        deployments: &[Deployment],
    ) -> Result<(), CoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(db)?;
        for t in stopped {
            let at = epoch(t.stopped_at.as_deref().or(t.started_at.as_deref()));
            Self::put(&tx, "stopped", key, &t.arn, at, t)?;
        }
        for e in events {
            Self::put(&tx, "event", key, &e.id, epoch(e.created_at.as_deref()), e)?;
        }
        for d in deployments {
            let at = epoch(d.created_at.as_deref());
            Self::put(&tx, "deployment", key, &d.id, at, d)?;
        }
        tx.commit().map_err(db)
    }

    /// Records `health` when its level differs from the last one kept; true when recorded.
    pub fn record_health(&self, key: &str, health: &ServiceHealth) -> Result<bool, CoreError> {
        let last: Vec<HealthChange> = self.read(key, "health", 1)?;
        if last.first().is_some_and(|h| h.level == health.level) {
            return Ok(false);
        }
        let now = chrono::Utc::now();
        let change = HealthChange {
            at: rfc3339(now),
            level: health.level,
            summary: health.summary.clone(),
        };
        let id = format!("{}", now.timestamp_micros());
        Self::put(&self.lock(), "health", key, &id, now.timestamp(), &change)?;
        Ok(true)
    }

    /// Items of `kind` for `key`, newest first.
    fn read<T: DeserializeOwned>(
        &self,
        key: &str,
        kind: &str,
        limit: u32,
    ) -> Result<Vec<T>, CoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT json FROM items WHERE key = ?1 AND kind = ?2 ORDER BY at DESC, id DESC LIMIT ?3",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![key, kind, limit], |r| r.get::<_, String>(0))
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            // A row written by another version that no longer reads is skipped, not fatal.
            if let Ok(item) = serde_json::from_str(&row.map_err(db)?) {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// Everything kept about the service with `key`, newest first.
    pub fn service_history(&self, key: &str) -> Result<ServiceHistory, CoreError> {
        Ok(ServiceHistory {
            stopped: self.read(key, "stopped", READ_LIMIT)?,
            events: self.read(key, "event", READ_LIMIT)?,
            deployments: self.read(key, "deployment", READ_LIMIT)?,
            health: self.read(key, "health", READ_LIMIT)?,
            retention_days: self.retention_days()?,
            note: None,
        })
    }
}

/// Writes the TypeScript declarations of the history types into `dir`.
pub fn export_bindings(dir: &Path) -> Result<(), CoreError> {
    let fail =
        |e: ts_rs::ExportError| CoreError::Internal(format!("exporting TypeScript bindings: {e}"));
    HealthChange::export_all_to(dir).map_err(fail)?;
    ServiceHistory::export_all_to(dir).map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(level: HealthLevel) -> ServiceHealth {
        ServiceHealth {
            service: "s".into(),
            level,
            summary: format!("{level:?}"),
            reasons: Vec::new(),
            notes: Vec::new(),
            full: false,
            latest: None,
            thresholds: Default::default(),
        }
    }

    #[test]
    fn health_changes_only_when_the_level_changes_and_retention_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open(&dir.path().join("h.sqlite")).unwrap();
        assert!(h.record_health("k", &health(HealthLevel::Green)).unwrap());
        assert!(!h.record_health("k", &health(HealthLevel::Green)).unwrap());
        assert!(h.record_health("k", &health(HealthLevel::Red)).unwrap());
        let kept = h.service_history("k").unwrap();
        assert_eq!(kept.health.len(), 2);
        assert_eq!(kept.health[0].level, HealthLevel::Red);
        assert_eq!(kept.retention_days, DEFAULT_RETENTION_DAYS);
        assert!(h.set_retention_days(0).is_err());
        h.set_retention_days(2).unwrap();
        // Three days later everything is older than the two days kept.
        let removed = h
            .prune(chrono::Utc::now().timestamp() + 3 * 86_400)
            .unwrap();
        assert_eq!(removed, 2);
        let reopened = History::open(&dir.path().join("h.sqlite")).unwrap();
        assert_eq!(reopened.retention_days().unwrap(), 2);
        assert!(reopened.service_history("k").unwrap().health.is_empty());
    }
}
