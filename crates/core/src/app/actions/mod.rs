//! Guarded actions: plan → confirm → execute → watch to a verdict → audit.
//!
//! No path fires an action without a plan: [`ActionCenter::execute`] takes a plan id, checks the
//! typed confirmation and the protection level again, re-reads the service and refuses if it
//! changed, holds a per-service lock so only one action runs at a time, appends the audit line
//! (synced) and only then reports success; the watch then streams progress to a sink.

mod execute;
mod fingerprint;
mod protection;
mod watch;

pub use protection::ConfirmLowering;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::aws::delivery;
use crate::aws::session::{Session, SessionRegistry};
use crate::error::CoreError;
use crate::model::action::ActionConfig;
use crate::model::action::ActionPlan;
use crate::model::action::ActionRequest;
use crate::model::action::ActionStatus;
use crate::model::action::ConfirmationKind;
use crate::model::action::ExecuteStarted;
use crate::model::action::PlanAlternative;
use crate::model::action::ProtectionScope;
use crate::model::action::ProtectionView;
use crate::model::action::RevisionInfo;
use crate::model::action::RiskLevel;
use crate::model::action::Verdict;
use crate::model::action::VerdictOutcome;
use crate::model::action::WatchTarget;
use crate::model::action::WatchUpdate;
use crate::model::protection::{EffectiveProtection, ProtectionLevel, ProtectionSettings};
use crate::model::reading::ServiceSnapshot;
use crate::model::service_ref::ServiceRef;
use crate::model::watch::{WatchMemory, WatchTargetSpec};
use crate::store::audit::{AuditEvent, AuditFilter, AuditLog, AuditPage, AuditRecord};
use crate::store::protection::ProtectionStore;
use crate::util::time::{now_rfc3339, rfc3339};
use fingerprint::Fingerprint;

/// Receives watch updates (the shell forwards them to a Tauri channel).
pub type WatchSink = Arc<dyn Fn(WatchUpdate) + Send + Sync>;

/// A plan waiting for confirmation or being executed.
struct StoredPlan {
    plan: ActionPlan,
    /// What a typed confirmation must match; checked here, never sent to the page.
    confirm_text: String,
    fingerprint: Fingerprint,
    created: Instant,
    executing: bool,
}

/// Shared state of the action center.
struct Inner {
    audit: AuditLog,
    protection: ProtectionStore,
    protection_lock: Mutex<()>,
    export_dir: PathBuf,
    config: ActionConfig,
    plans: Mutex<HashMap<String, StoredPlan>>,
    /// Service key -> plan id of the action in flight.
    in_flight: Mutex<HashMap<String, String>>,
    /// Service key -> its latest executed action.
    latest: Mutex<HashMap<String, ActionStatus>>,
    /// Plan id -> cancels its watch.
    watches: Mutex<HashMap<String, CancellationToken>>,
}

/// Locks a std mutex; a poisoned lock only means a panic elsewhere, the map is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Releases the per-service lock when dropped (also if the watch task panics).
struct FlightGuard {
    inner: Arc<Inner>,
    key: String,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        lock(&self.inner.in_flight).remove(&self.key);
    }
}

/// Plans, executes, watches and audits actions; cheap to clone.
#[derive(Clone)]
pub struct ActionCenter {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ActionCenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ActionCenter({})", self.inner.audit.path().display())
    }
}

/// The user and role of a caller ARN: SSO and assumed roles give role + session name, IAM users
/// their name.
pub fn identity_of(arn: &str) -> (String, Option<String>) {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    if let Some(rest) = resource.strip_prefix("assumed-role/") {
        let mut parts = rest.splitn(2, '/');
        let role = parts.next().unwrap_or_default();
        let user = parts.next().unwrap_or(arn);
        // IAM Identity Center roles are named AWSReservedSSO_<permission set>_<hex>.
        let role = match role.strip_prefix("AWSReservedSSO_") {
            Some(r) => r.rsplit_once('_').map_or(r, |(set, _)| set),
            None => role,
        };
        (user.to_string(), Some(role.to_string()))
    } else if let Some(user) = resource.strip_prefix("user/") {
        (user.rsplit('/').next().unwrap_or(user).to_string(), None)
    } else {
        (arn.to_string(), None)
    }
}

/// Whole seconds since `start` (a watch never lasts anywhere near `u32::MAX` seconds).
fn secs(start: Instant) -> u32 {
    u32::try_from(start.elapsed().as_secs()).unwrap_or(u32::MAX)
}

/// The key of the per-service lock.
fn service_key(plan: &ActionPlan) -> String {
    ServiceRef::new(
        plan.partition,
        &plan.account_id,
        &plan.region,
        &plan.cluster,
        &plan.service,
    )
    .key()
}

impl ActionCenter {
    /// Keeps `audit.jsonl` and `protection.json` in `data_dir`; CSV exports go to `export_dir`.
    pub fn new(data_dir: &Path, export_dir: &Path) -> Self {
        Self::with_config(data_dir, export_dir, ActionConfig::default())
    }

    /// Like [`ActionCenter::new`] with other timings (tests).
    pub fn with_config(data_dir: &Path, export_dir: &Path, config: ActionConfig) -> Self {
        ActionCenter {
            inner: Arc::new(Inner {
                audit: AuditLog::new(data_dir.join("audit.jsonl")),
                protection: ProtectionStore::new(data_dir.join("protection.json")),
                protection_lock: Mutex::new(()),
                export_dir: export_dir.to_path_buf(),
                config,
                plans: Mutex::new(HashMap::new()),
                in_flight: Mutex::new(HashMap::new()),
                latest: Mutex::new(HashMap::new()),
                watches: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.inner.audit
    }

    /// Plans `action` on `service` of `cluster` in session `session_id`.
    pub async fn plan(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        action: ActionRequest,
    ) -> Result<ActionPlan, CoreError> {
        let session = registry.get(session_id).await?;
        let snap = crate::read::reading::read(&session, cluster, service, false).await?;
        let revisions = crate::read::reading::revisions(&session, snap.family()).await?;
        let action = crate::model::plan::settle(&snap, action);
        let body = crate::model::plan::plan(&snap, &action, &revisions)?;
        let body = match &action {
            // Only a scale plan asks Application Auto Scaling for the service's limits.
            ActionRequest::SetDesiredCount { .. } => {
                let limits = crate::read::scaling::limits(&session, cluster, service).await?;
                crate::model::plan::with_limits(body, &action, limits)?
            }
            _ => body,
        };
        let info = session.info();
        let protection = self
            .load_protection()?
            .effective(&info.account_id, cluster, &snap.name);
        let blocked_reason = (protection.level == ProtectionLevel::ReadOnly).then(|| {
            format!(
                "{} Actions are turned off here; change the protection to run them.",
                protection.reason
            )
        });
        let confirmation =
            if protection.level != ProtectionLevel::Confirm || body.risk != RiskLevel::Safe {
                ConfirmationKind::TypedName
            } else {
                ConfirmationKind::Click
            };
        let (user, role) = identity_of(&info.arn);
        let created = chrono::Utc::now();
        let ttl = chrono::Duration::from_std(self.inner.config.plan_ttl)
            .unwrap_or_else(|_| chrono::Duration::minutes(5));
        let mut id_bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut id_bytes);
        let plan = ActionPlan {
            plan_id: hex::encode(id_bytes),
            created_at: rfc3339(created),
            expires_at: rfc3339(created + ttl),
            session_id: session_id.to_string(),
            partition: info.partition,
            partition_label: info.partition.label().to_string(),
            account_id: info.account_id.clone(),
            account_name: info.account_name.clone(),
            user,
            role,
            region: info.region.clone(),
            cluster: cluster.to_string(),
            service: snap.name.clone(),
            summary: format!("{}: {}", body.title, body.risk_sentence),
            action: action.clone(),
            title: body.title,
            steps: body.steps,
            risk: body.risk,
            risk_sentence: body.risk_sentence,
            downtime_expected: body.downtime_expected,
            notes: body.notes,
            alternative: body.alternative,
            protection,
            confirmation,
            blocked_reason,
            desired: snap.desired,
            running: snap.running_tasks().count() as i32,
            task_definition: snap.task_definition.clone(),
        };
        let mut plans = lock(&self.inner.plans);
        let ttl = self.inner.config.plan_ttl;
        plans.retain(|_, p| p.executing || p.created.elapsed() < ttl);
        plans.insert(
            plan.plan_id.clone(),
            StoredPlan {
                confirm_text: plan.service.clone(),
                plan: plan.clone(),
                fingerprint: Fingerprint::of(&snap, &action),
                created: Instant::now(),
                executing: false,
            },
        );
        Ok(plan)
    }

    /// Audit entries matching `filter`, newest first.
    pub fn list_audit(&self, filter: &AuditFilter) -> Result<AuditPage, CoreError> {
        self.inner.audit.list(filter)
    }

    /// Writes the matching audit entries as CSV to a new file in the exports folder; returns it.
    pub fn export_audit_csv(&self, filter: &AuditFilter) -> Result<PathBuf, CoreError> {
        let text = self.inner.audit.csv(filter)?;
        let name = format!(
            "ecsdesk-audit-{}.csv",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        );
        crate::util::new_file::write_new(&self.inner.export_dir, &name, text.as_bytes())
    }

    /// Active revisions of the service's task family, newest first (for the rollback picker).
    pub async fn list_revisions(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
    ) -> Result<Vec<RevisionInfo>, CoreError> {
        let session = registry.get(session_id).await?;
        let snap = crate::read::reading::read(&session, cluster, service, false).await?;
        let family = snap.family().to_string();
        let current = snap.revision();
        let revisions = crate::read::reading::revisions(&session, &family).await?;
        let mut out = Vec::new();
        // Details for the newest few; older ones are listed by number only.
        for (i, revision) in revisions.iter().enumerate() {
            let name = format!("{family}:{revision}");
            let (image, registered_at) = if i < 10 {
                let d = session
                    .ecs
                    .describe_task_definition()
                    .task_definition(&name)
                    .send()
                    .await
                    .map_err(session.error("ecs:DescribeTaskDefinition"))?;
                let td = d.task_definition();
                (
                    td.and_then(|t| t.container_definitions().first())
                        .and_then(|c| c.image())
                        .map(str::to_string),
                    crate::util::time::sdk_rfc3339(td.and_then(|t| t.registered_at())),
                )
            } else {
                (None, None)
            };
            out.push(RevisionInfo {
                task_definition: name,
                revision: *revision,
                current: *revision == current,
                image,
                registered_at,
            });
        }
        Ok(out)
    }
}

/// Writes the TypeScript declarations of the action, audit and protection bridge types.
pub fn export_bindings(dir: &Path) -> Result<(), CoreError> {
    use crate::model::protection::{ProtectionRule, ProtectionSource};
    use crate::store::audit::AuditEvent;
    let fail =
        |e: ts_rs::ExportError| CoreError::Internal(format!("exporting TypeScript bindings: {e}"));
    ActionRequest::export_all_to(dir).map_err(fail)?;
    RiskLevel::export_all_to(dir).map_err(fail)?;
    ConfirmationKind::export_all_to(dir).map_err(fail)?;
    PlanAlternative::export_all_to(dir).map_err(fail)?;
    ActionPlan::export_all_to(dir).map_err(fail)?;
    ExecuteStarted::export_all_to(dir).map_err(fail)?;
    WatchTarget::export_all_to(dir).map_err(fail)?;
    VerdictOutcome::export_all_to(dir).map_err(fail)?;
    Verdict::export_all_to(dir).map_err(fail)?;
    WatchUpdate::export_all_to(dir).map_err(fail)?;
    ActionStatus::export_all_to(dir).map_err(fail)?;
    RevisionInfo::export_all_to(dir).map_err(fail)?;
    ProtectionScope::export_all_to(dir).map_err(fail)?;
    ProtectionView::export_all_to(dir).map_err(fail)?;
    ProtectionLevel::export_all_to(dir).map_err(fail)?;
    ProtectionRule::export_all_to(dir).map_err(fail)?;
    ProtectionSource::export_all_to(dir).map_err(fail)?;
    EffectiveProtection::export_all_to(dir).map_err(fail)?;
    AuditEvent::export_all_to(dir).map_err(fail)?;
    AuditRecord::export_all_to(dir).map_err(fail)?;
    AuditFilter::export_all_to(dir).map_err(fail)?;
    AuditPage::export_all_to(dir).map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_from_sso_role_and_iam_user() {
        let (user, role) = identity_of(
            "arn:aws-us-gov:sts::210987654321:assumed-role/AWSReservedSSO_ReadOnlyAccess_0123abcd/jane@example.gov",
        );
        assert_eq!(user, "jane@example.gov");
        assert_eq!(role.as_deref(), Some("ReadOnlyAccess"));
        let (user, role) = identity_of("arn:aws:iam::123456789012:user/ops/demo-commercial");
        assert_eq!(user, "demo-commercial");
        assert_eq!(role, None);
        let (user, role) = identity_of("arn:aws:sts::1:assumed-role/Deployer/session1");
        assert_eq!(
            (user.as_str(), role.as_deref()),
            ("session1", Some("Deployer"))
        );
    }

    #[test]
    fn denied_sentence_names_role_and_permission() {
        let err = CoreError::ActionDenied {
            code: "AccessDeniedException".into(),
            principal: "role ReadOnlyAccess".into(),
            verb: ActionRequest::ForceNewDeployment.verb().into(),
            action: "ecs:UpdateService".into(),
        };
        assert_eq!(
            err.to_string(),
            "Your role ReadOnlyAccess may view but not restart services: it lacks ecs:UpdateService."
        );
        assert_eq!(err.code(), "AccessDeniedException");
    }

    #[test]
    fn requests_cross_the_bridge_tagged() {
        let json = serde_json::to_value(ActionRequest::StopTask {
            task: "abc".into(),
            reason: "hung".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "stopTask", "task": "abc", "reason": "hung"})
        );
        let back: ActionRequest =
            serde_json::from_value(serde_json::json!({"kind": "forceNewDeployment"})).unwrap();
        assert_eq!(back, ActionRequest::ForceNewDeployment);
    }
}
