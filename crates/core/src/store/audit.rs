//! The audit log: one JSON line per action event in `audit.jsonl` in the app's data directory,
//! appended with `O_APPEND` and synced to disk before the UI hears of success.
//!
//! A log line is never rewritten, so an executed action has its `executed` line (written before
//! the UI reports the action started) and later a `verdict` line with the same plan id;
//! [`AuditLog::list`] folds the verdict into its action's row.

use std::io::{BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;

/// What an audit line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AuditEvent {
    /// The user confirmed and AWS accepted the call.
    Executed,
    /// The user cancelled the plan.
    Cancelled,
    /// AWS refused the call because the role lacks a permission.
    Denied,
    /// The call failed, or ECS Desk refused it (plan expired, service changed, protection).
    Failed,
    /// The watch of an executed action ended with a verdict.
    Verdict,
    /// A protection level was changed, or lowering it was refused.
    Protection,
}

/// One line of the audit log. Holds names and ARNs only, never keys or tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// What this line records.
    pub event: AuditEvent,
    /// The plan the action came from.
    pub plan_id: String,
    /// Who: SSO user name, IAM user name, or the caller ARN.
    pub user: String,
    /// Caller ARN from sts GetCallerIdentity.
    pub caller_arn: String,
    /// `aws` or `aws-us-gov`.
    pub partition: String,
    /// AWS account id.
    pub account_id: String,
    /// Role name (SSO permission set or assumed role); null for IAM users.
    pub role: Option<String>,
    /// Region.
    pub region: String,
    /// Cluster name.
    pub cluster: String,
    /// Service name.
    pub service: String,
    /// `forceNewDeployment`, `stopTask`, `setDesiredCount` or `rollback`.
    pub action: String,
    /// The action's parameters (task id and reason, desired count, revision).
    #[ts(type = "Record<string, unknown>")]
    pub parameters: serde_json::Value,
    /// The plan as the user saw it, in one sentence.
    pub plan_summary: String,
    /// Outcome: `started`, `cancelled`, `denied`, `failed`, `refused`, or the verdict outcome.
    pub result: String,
    /// Details of the outcome (error message, verdict headline).
    pub message: Option<String>,
    /// The ECS deployment the action started, if any.
    pub deployment_id: Option<String>,
}

/// Which audit rows to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    /// Words that must all appear somewhere in the row (case-insensitive).
    pub text: Option<String>,
    /// Only this account.
    pub account_id: Option<String>,
    /// Only this cluster.
    pub cluster: Option<String>,
    /// Only this service.
    pub service: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// At most this many rows (newest first); default 500.
    pub limit: Option<u32>,
}

/// One action as the audit view shows it: its action line with the verdict folded in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// The action line.
    pub record: AuditRecord,
    /// The verdict outcome, once the watch ended (`completed`, `failed`, `rolledBack`...).
    pub verdict: Option<String>,
    /// The verdict in words.
    pub verdict_message: Option<String>,
    /// When the verdict came (RFC 3339).
    pub verdict_time: Option<String>,
}

/// The audit rows a filter matched, and how many lines of the file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// Matching actions, newest first.
    pub entries: Vec<AuditEntry>,
    /// Lines of the file that are not an audit record (damaged, or cut short by a crash); the
    /// page shows the count so a gap in the log is never silent.
    pub skipped: u32,
}

/// The audit log file (appends from one process are serialised; each is one `write` call).
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    lock: Mutex<()>,
}

impl AuditLog {
    /// The log at `path` (created on first append).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        AuditLog {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record` as one line and syncs it to disk before returning.
    pub fn append(&self, record: &AuditRecord) -> Result<(), CoreError> {
        let io = |action: &str| {
            let path = self.path.clone();
            let action = action.to_string();
            move |source| CoreError::FileIo {
                path,
                action,
                source,
            }
        };
        let mut line = serde_json::to_string(record)
            .map_err(|e| CoreError::Internal(format!("serialising an audit record: {e}")))?;
        line.push('\n');
        // A poisoned lock only means another append panicked; the file itself is still fine.
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        // Owner-only, like every file the app writes (narrowed if an older version left it wider).
        crate::util::files::make_private_file(&self.path)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&self.path)
            .map_err(io("open the audit log"))?;
        // A kill in the middle of an earlier append can leave a torn last line: end it first, so
        // this record starts on a line of its own (the torn one is skipped when reading).
        let len = file.metadata().map_err(io("read the audit log"))?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::End(-1))
                .and_then(|_| file.read_exact(&mut last))
                .map_err(io("read the audit log"))?;
            if last[0] != b'\n' {
                line.insert(0, '\n');
            }
        }
        // One write of the whole line: with O_APPEND it lands after every earlier line.
        file.write_all(line.as_bytes())
            .map_err(io("append to the audit log"))?;
        file.sync_all().map_err(io("sync the audit log"))?;
        if len == 0 {
            // A new file: make its directory entry durable too (best effort, not on every OS).
            if let Some(dir) = self.path.parent() {
                if let Ok(d) = std::fs::File::open(dir) {
                    let _ = d.sync_all();
                }
            }
        }
        Ok(())
    }

    /// Every well-formed line in file order (a torn last line from a crash is skipped).
    pub fn records(&self) -> Result<Vec<AuditRecord>, CoreError> {
        self.read().map(|(records, _)| records)
    }

    /// Every well-formed line in file order, and how many non-empty lines were not records.
    fn read(&self) -> Result<(Vec<AuditRecord>, u32), CoreError> {
        let file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(source) => {
                return Err(CoreError::FileIo {
                    path: self.path.clone(),
                    action: "read".into(),
                    source,
                })
            }
        };
        let mut out = Vec::new();
        let mut skipped = 0u32;
        // Lines are read as bytes: one damaged by a disk error need not be valid UTF-8.
        for line in std::io::BufReader::new(file).split(b'\n') {
            let line = line.map_err(|source| CoreError::FileIo {
                path: self.path.clone(),
                action: "read".into(),
                source,
            })?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<AuditRecord>(&line) {
                Ok(record) => out.push(record),
                Err(_) => skipped = skipped.saturating_add(1),
            }
        }
        Ok((out, skipped))
    }

    /// Actions matching `filter`, newest first, each with its verdict.
    pub fn list(&self, filter: &AuditFilter) -> Result<AuditPage, CoreError> {
        let (records, skipped) = self.read()?;
        let mut entries: Vec<AuditEntry> = Vec::new();
        let mut verdicts = Vec::new();
        for r in records {
            if r.event == AuditEvent::Verdict {
                verdicts.push(r);
            } else {
                entries.push(AuditEntry {
                    record: r,
                    verdict: None,
                    verdict_message: None,
                    verdict_time: None,
                });
            }
        }
        for v in verdicts {
            if let Some(e) = entries
                .iter_mut()
                .rev()
                .find(|e| e.record.plan_id == v.plan_id && e.record.event == AuditEvent::Executed)
            {
                e.verdict = Some(v.result);
                e.verdict_message = v.message;
                e.verdict_time = Some(v.time);
            }
        }
        let words: Vec<String> = filter
            .text
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let same = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        let limit = filter.limit.unwrap_or(500) as usize;
        let entries = entries
            .into_iter()
            .rev()
            .filter(|e| {
                let r = &e.record;
                same(&filter.account_id, &r.account_id)
                    && same(&filter.cluster, &r.cluster)
                    && same(&filter.service, &r.service)
                    && same(&filter.action, &r.action)
                    && (words.is_empty() || {
                        let hay = entry_text(e).to_lowercase();
                        words.iter().all(|w| hay.contains(w))
                    })
            })
            .take(limit)
            .collect();
        Ok(AuditPage { entries, skipped })
    }

    /// The actions matching `filter` as CSV text, every row (no limit).
    pub fn csv(&self, filter: &AuditFilter) -> Result<String, CoreError> {
        let all = AuditFilter {
            limit: Some(u32::MAX),
            ..filter.clone()
        };
        Ok(to_csv(&self.list(&all)?.entries))
    }
}

/// Every searchable field of an entry, joined.
fn entry_text(e: &AuditEntry) -> String {
    let r = &e.record;
    [
        r.user.as_str(),
        r.caller_arn.as_str(),
        r.partition.as_str(),
        r.account_id.as_str(),
        r.role.as_deref().unwrap_or_default(),
        r.region.as_str(),
        r.cluster.as_str(),
        r.service.as_str(),
        r.action.as_str(),
        &r.parameters.to_string(),
        r.plan_summary.as_str(),
        r.result.as_str(),
        r.message.as_deref().unwrap_or_default(),
        r.deployment_id.as_deref().unwrap_or_default(),
        e.verdict.as_deref().unwrap_or_default(),
        e.verdict_message.as_deref().unwrap_or_default(),
    ]
    .join(" ")
}

/// The CSV header.
const CSV_HEADER: &[&str] = &[
    "time",
    "user",
    "caller_arn",
    "partition",
    "account_id",
    "role",
    "region",
    "cluster",
    "service",
    "action",
    "parameters",
    "plan_summary",
    "result",
    "message",
    "deployment_id",
    "verdict",
    "verdict_message",
    "verdict_time",
    "plan_id",
];

/// One CSV field, quoted when needed (RFC 4180); a leading `=`, `+`, `-` or `@` gets a `'` so a
/// spreadsheet never runs a field as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The entries as CSV text (header first).
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for e in entries {
        let r = &e.record;
        let fields = [
            r.time.clone(),
            r.user.clone(),
            r.caller_arn.clone(),
            r.partition.clone(),
            r.account_id.clone(),
            r.role.clone().unwrap_or_default(),
            r.region.clone(),
            r.cluster.clone(),
            r.service.clone(),
            r.action.clone(),
            r.parameters.to_string(),
            r.plan_summary.clone(),
            r.result.clone(),
            r.message.clone().unwrap_or_default(),
            r.deployment_id.clone().unwrap_or_default(),
            e.verdict.clone().unwrap_or_default(),
            e.verdict_message.clone().unwrap_or_default(),
            e.verdict_time.clone().unwrap_or_default(),
            r.plan_id.clone(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(plan: &str, event: AuditEvent, service: &str, result: &str) -> AuditRecord {
        AuditRecord {
            time: "2024-05-01T10:00:00Z".into(),
            event,
            plan_id: plan.into(),
            user: "jane".into(),
            caller_arn: "arn:aws:sts::1:assumed-role/AWSReservedSSO_OperatorAccess_x/jane".into(),
            partition: "aws".into(),
            account_id: "123456789012".into(),
            role: Some("OperatorAccess".into()),
            region: "us-east-1".into(),
            cluster: "coe-ecs-staging".into(),
            service: service.into(),
            action: "forceNewDeployment".into(),
            parameters: serde_json::json!({}),
            plan_summary: "Restart, \"no downtime\"".into(),
            result: result.into(),
            message: None,
            deployment_id: Some("ecs-svc/1".into()),
        }
    }

    #[test]
    fn verdicts_fold_into_their_action_and_filters_apply() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        log.append(&record("p1", AuditEvent::Executed, "api", "started"))
            .unwrap();
        log.append(&record("p2", AuditEvent::Cancelled, "worker", "cancelled"))
            .unwrap();
        let mut v = record("p1", AuditEvent::Verdict, "api", "completed");
        v.message = Some("steady".into());
        log.append(&v).unwrap();
        let all = log.list(&AuditFilter::default()).unwrap().entries;
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].record.plan_id, "p2", "newest first");
        assert_eq!(all[1].verdict.as_deref(), Some("completed"));
        assert_eq!(all[1].verdict_message.as_deref(), Some("steady"));
        let only = log
            .list(&AuditFilter {
                text: Some("WORKER cancel".into()),
                ..Default::default()
            })
            .unwrap()
            .entries;
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].record.service, "worker");
        let by_service = log
            .list(&AuditFilter {
                service: Some("api".into()),
                ..Default::default()
            })
            .unwrap()
            .entries;
        assert_eq!(by_service.len(), 1);
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        log.append(&record("p1", AuditEvent::Executed, "api", "started"))
            .unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap();
        f.write_all(b"{\"time\":\"2024").unwrap();
        assert_eq!(log.records().unwrap().len(), 1);
        assert_eq!(log.list(&AuditFilter::default()).unwrap().skipped, 1);
    }

    #[test]
    fn damaged_lines_are_counted_not_dropped_silently() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        log.append(&record("p1", AuditEvent::Executed, "api", "started"))
            .unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap();
        f.write_all(b"not json\n\xff\xfe{}\n\n").unwrap();
        drop(f);
        log.append(&record("p2", AuditEvent::Executed, "api", "started"))
            .unwrap();
        let page = log.list(&AuditFilter::default()).unwrap();
        assert_eq!(page.entries.len(), 2, "the lines after the damage are kept");
        assert_eq!(page.skipped, 2);
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        log.append(&record("p1", AuditEvent::Executed, "api", "started"))
            .unwrap();
        let text = log.csv(&AuditFilter::default()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("time,user,caller_arn,partition,account_id,role"));
        assert!(
            lines[1].contains("\"Restart, \"\"no downtime\"\"\""),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains(",coe-ecs-staging,api,forceNewDeployment,{},"));
    }
}
