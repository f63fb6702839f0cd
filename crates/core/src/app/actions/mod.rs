//! Guarded actions: plan → confirm → execute → watch to a verdict → audit.
//!
//! No path fires an action without a plan: [`ActionCenter::execute`] takes a plan id, checks the
//! typed confirmation and the protection level again, re-reads the service and refuses if it
//! changed, holds a per-service lock so only one action runs at a time, appends the audit line
//! (synced) and only then reports success; the watch then streams progress to a sink.

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
use crate::model::watch::{WatchMemory, WatchTargetSpec};
use crate::store::audit::{AuditEntry, AuditEvent, AuditFilter, AuditLog, AuditRecord};
use crate::store::protection::ProtectionStore;
use crate::util::time::now_rfc3339;

/// Receives watch updates (the shell forwards them to a Tauri channel).
pub type WatchSink = Arc<dyn Fn(WatchUpdate) + Send + Sync>;

/// A plan waiting for confirmation or being executed.
struct StoredPlan {
    plan: ActionPlan,
    fingerprint: Fingerprint,
    created: Instant,
    executing: bool,
}

/// What must not change between plan and execution.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    task_definition: String,
    desired: i32,
    primary: Option<String>,
    task_running: Option<bool>,
}

impl Fingerprint {
    fn of(snap: &ServiceSnapshot, action: &ActionRequest) -> Fingerprint {
        let task_running = match action {
            ActionRequest::StopTask { task, .. } => {
                let id = task.rsplit('/').next().unwrap_or(task);
                Some(
                    snap.tasks
                        .iter()
                        .any(|t| t.id == id && t.desired_status == "RUNNING"),
                )
            }
            _ => None,
        };
        Fingerprint {
            task_definition: snap.task_definition.clone(),
            desired: snap.desired,
            primary: snap.primary().map(|p| p.id.clone()),
            task_running,
        }
    }

    /// What differs, in words.
    fn changes(&self, now: &Fingerprint) -> Vec<String> {
        let mut out = Vec::new();
        if self.task_definition != now.task_definition {
            out.push(format!(
                "the task definition is now {} (was {})",
                now.task_definition, self.task_definition
            ));
        }
        if self.desired != now.desired {
            out.push(format!(
                "the desired count is now {} (was {})",
                now.desired, self.desired
            ));
        }
        if self.primary != now.primary {
            out.push("another deployment started".to_string());
        }
        if self.task_running != now.task_running {
            out.push("the task is no longer running".to_string());
        }
        out
    }
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
    format!(
        "{}/{}/{}/{}/{}",
        plan.partition.id(),
        plan.account_id,
        plan.region,
        plan.cluster,
        plan.service
    )
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
        let body = crate::model::plan::plan(&snap, &action, &revisions)?;
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
            created_at: created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            expires_at: (created + ttl).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
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
            confirm_text: snap.name.clone(),
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
                plan: plan.clone(),
                fingerprint: Fingerprint::of(&snap, &action),
                created: Instant::now(),
                executing: false,
            },
        );
        Ok(plan)
    }

    /// The audit line of `plan` with `event`, `result` and `message`.
    fn record(
        plan: &ActionPlan,
        caller_arn: &str,
        event: AuditEvent,
        result: &str,
        message: Option<String>,
        deployment_id: Option<String>,
    ) -> AuditRecord {
        AuditRecord {
            time: now_rfc3339(),
            event,
            plan_id: plan.plan_id.clone(),
            user: plan.user.clone(),
            caller_arn: caller_arn.to_string(),
            partition: plan.partition.id().to_string(),
            account_id: plan.account_id.clone(),
            role: plan.role.clone(),
            region: plan.region.clone(),
            cluster: plan.cluster.clone(),
            service: plan.service.clone(),
            action: plan.action.name().to_string(),
            parameters: plan.action.parameters(),
            plan_summary: plan.summary.clone(),
            result: result.to_string(),
            message,
            deployment_id,
        }
    }

    /// Audits a refusal and returns the error.
    fn refuse(
        &self,
        plan: &ActionPlan,
        caller_arn: &str,
        code: &'static str,
        message: String,
    ) -> CoreError {
        let record = Self::record(
            plan,
            caller_arn,
            AuditEvent::Failed,
            "refused",
            Some(message.clone()),
            None,
        );
        match self.inner.audit.append(&record) {
            Ok(()) => CoreError::ActionRefused { code, message },
            Err(e) => e,
        }
    }

    /// Executes plan `plan_id` once the user typed `typed` (ignored for click confirmations);
    /// progress goes to `sink` until the verdict.
    pub async fn execute(
        &self,
        registry: &SessionRegistry,
        plan_id: &str,
        typed: Option<&str>,
        sink: WatchSink,
    ) -> Result<ExecuteStarted, CoreError> {
        // 1. The plan: known, fresh, not already running, confirmed as asked.
        let (plan, fingerprint) = {
            let mut plans = lock(&self.inner.plans);
            let Some(stored) = plans.get_mut(plan_id) else {
                return Err(CoreError::ActionRefused {
                    code: "PlanNotFound",
                    message: "This plan is not known (it was used, cancelled or ECS Desk restarted). Review the action again.".to_string(),
                });
            };
            if stored.executing {
                return Err(CoreError::ActionRefused {
                    code: "ActionInProgress",
                    message: format!("This action on {} is already running.", stored.plan.service),
                });
            }
            if stored.created.elapsed() >= self.inner.config.plan_ttl {
                let plan = stored.plan.clone();
                plans.remove(plan_id);
                drop(plans);
                let minutes = self.inner.config.plan_ttl.as_secs().div_ceil(60);
                return Err(self.refuse(
                    &plan,
                    "",
                    "PlanExpired",
                    format!("This plan is more than {minutes} minutes old. Review the action again: the service may have changed."),
                ));
            }
            if stored.plan.confirmation == ConfirmationKind::TypedName
                && typed.map(str::trim) != Some(stored.plan.confirm_text.as_str())
            {
                return Err(CoreError::ActionRefused {
                    code: "ConfirmationMismatch",
                    message: format!(
                        "Type the service name {} exactly to confirm.",
                        stored.plan.confirm_text
                    ),
                });
            }
            stored.executing = true;
            (stored.plan.clone(), stored.fingerprint.clone())
        };
        let result = self.execute_plan(registry, &plan, &fingerprint, sink).await;
        let mut plans = lock(&self.inner.plans);
        match &result {
            // Used up: a plan runs once.
            Ok(_) => {
                plans.remove(plan_id);
            }
            // Refusals that a retry cannot fix use the plan up too; the others leave it to retry.
            Err(e)
                if matches!(
                    e.code(),
                    "ServiceChanged" | "Protected" | "AccessDeniedException" | "AccessDenied"
                ) =>
            {
                plans.remove(plan_id);
            }
            Err(_) => {
                if let Some(p) = plans.get_mut(plan_id) {
                    p.executing = false;
                }
            }
        }
        result
    }

    /// Steps 2.. of [`ActionCenter::execute`], with the plan marked as executing.
    async fn execute_plan(
        &self,
        registry: &SessionRegistry,
        plan: &ActionPlan,
        fingerprint: &Fingerprint,
        sink: WatchSink,
    ) -> Result<ExecuteStarted, CoreError> {
        // 2. One action per service.
        let key = service_key(plan);
        {
            let mut flights = lock(&self.inner.in_flight);
            if let Some(other) = flights.get(&key) {
                let what = lock(&self.inner.latest)
                    .get(&key)
                    .filter(|s| &s.plan.plan_id == other)
                    .map(|s| s.plan.title.clone())
                    .unwrap_or_else(|| "another action".to_string());
                return Err(CoreError::ActionRefused {
                    code: "ActionInProgress",
                    message: format!(
                        "{what} is still in progress on {}. Wait for its verdict, then try again.",
                        plan.service
                    ),
                });
            }
            flights.insert(key.clone(), plan.plan_id.clone());
        }
        let guard = FlightGuard {
            inner: self.inner.clone(),
            key: key.clone(),
        };

        // 3. The same session, account and region as planned.
        let session = registry.get(&plan.session_id).await?;
        let info = session.info().clone();
        if info.account_id != plan.account_id || info.region != plan.region {
            return Err(self.refuse(
                plan,
                &info.arn,
                "ServiceChanged",
                format!(
                    "The session now points at account {} in {}; the plan was for {} in {}. Review the action again.",
                    info.account_id, info.region, plan.account_id, plan.region
                ),
            ));
        }

        // 4. Protection, read again: it may have changed since the plan.
        let protection =
            self.load_protection()?
                .effective(&plan.account_id, &plan.cluster, &plan.service);
        if protection.level == ProtectionLevel::ReadOnly {
            return Err(self.refuse(
                plan,
                &info.arn,
                "Protected",
                format!("{} Actions are turned off here.", protection.reason),
            ));
        }
        if protection.level == ProtectionLevel::TypedConfirm
            && plan.confirmation != ConfirmationKind::TypedName
        {
            return Err(self.refuse(
                plan,
                &info.arn,
                "Protected",
                format!(
                    "{} Review the action again to confirm it with the service name.",
                    protection.reason
                ),
            ));
        }

        // 5. The service as it is now; refuse if it changed materially.
        let before =
            crate::read::reading::read(&session, &plan.cluster, &plan.service, true).await?;
        let changes = fingerprint.changes(&Fingerprint::of(&before, &plan.action));
        if !changes.is_empty() {
            return Err(self.refuse(
                plan,
                &info.arn,
                "ServiceChanged",
                format!(
                    "{} changed since you reviewed the plan: {}. Review the action again.",
                    plan.service,
                    changes.join("; ")
                ),
            ));
        }

        // 6. The call.
        let deployment_id = match self.call(&session, plan).await {
            Ok(d) => d,
            Err(err) => {
                let (event, result) = match err {
                    CoreError::ActionDenied { .. } => (AuditEvent::Denied, "denied"),
                    _ => (AuditEvent::Failed, "failed"),
                };
                let record =
                    Self::record(plan, &info.arn, event, result, Some(err.to_string()), None);
                self.inner.audit.append(&record)?;
                return Err(err);
            }
        };

        // 7. Audited and synced before anyone hears of success.
        let started = ExecuteStarted {
            plan_id: plan.plan_id.clone(),
            deployment_id: deployment_id.clone(),
            started_at: now_rfc3339(),
        };
        let record = Self::record(
            plan,
            &info.arn,
            AuditEvent::Executed,
            "started",
            None,
            deployment_id.clone(),
        );
        if let Err(e) = self.inner.audit.append(&record) {
            // The change is made in AWS; say so rather than pretend it failed.
            return Err(CoreError::Internal(format!(
                "{} was started, but ECS Desk could not write the audit log: {e}",
                plan.title
            )));
        }
        lock(&self.inner.latest).insert(
            key,
            ActionStatus {
                plan: plan.clone(),
                started: started.clone(),
                last_update: None,
                verdict: None,
            },
        );

        // 8. Watch to a verdict in the background; the lock goes with the watch.
        let spec = WatchTargetSpec {
            plan_id: plan.plan_id.clone(),
            action: plan.action.clone(),
            deployment_id,
            baseline_tasks: before.tasks.iter().map(|t| t.id.clone()).collect(),
            baseline_events: before.events.iter().map(|e| e.id.clone()).collect(),
            failed_task_limit: self.inner.config.failed_task_limit,
        };
        let cancel = CancellationToken::new();
        lock(&self.inner.watches).insert(plan.plan_id.clone(), cancel.clone());
        let center = self.clone();
        let plan = plan.clone();
        let caller = info.arn.clone();
        tokio::spawn(async move {
            center
                .watch(session, plan, caller, spec, sink, cancel, guard)
                .await;
        });
        Ok(started)
    }

    /// Makes the AWS call of `plan`; returns the deployment it started, if any.
    async fn call(
        &self,
        session: &Session,
        plan: &ActionPlan,
    ) -> Result<Option<String>, CoreError> {
        let denied = |err: CoreError| match err {
            CoreError::AccessDenied { code, action, .. } => {
                let (user, role) = identity_of(&session.info().arn);
                CoreError::ActionDenied {
                    code,
                    principal: match role {
                        Some(r) => format!("role {r}"),
                        None => format!("IAM user {user}"),
                    },
                    verb: plan.action.verb().to_string(),
                    action,
                }
            }
            other => other,
        };
        let update = || {
            session
                .ecs
                .update_service()
                .cluster(&plan.cluster)
                .service(&plan.service)
        };
        // Actions are sent exactly once: a lost answer is reconciled by reading ECS, never
        // re-sent (see `aws::delivery`).
        let once = |request| delivery::update_service_once(session, request);
        match &plan.action {
            ActionRequest::ForceNewDeployment => once(update().force_new_deployment(true))
                .await
                .map(|d| d.deployment_id)
                .map_err(denied),
            ActionRequest::SetDesiredCount { desired } => once(update().desired_count(*desired))
                .await
                .map(|_| None)
                .map_err(denied),
            ActionRequest::Rollback { revision } => {
                let family = plan
                    .task_definition
                    .rsplit_once(':')
                    .map_or(plan.task_definition.as_str(), |(f, _)| f);
                once(update().task_definition(format!("{family}:{revision}")))
                    .await
                    .map(|d| d.deployment_id)
                    .map_err(denied)
            }
            ActionRequest::StopTask { task, reason } => {
                // ECS keeps up to 255 characters; say who stopped it from where.
                let full = format!("{} (ECS Desk, {})", reason.trim(), plan.user);
                let full: String = full.chars().take(255).collect();
                let request = session
                    .ecs
                    .stop_task()
                    .cluster(&plan.cluster)
                    .task(task)
                    .reason(full);
                delivery::stop_task_once(session, request)
                    .await
                    .map(|_| None)
                    .map_err(denied)
            }
        }
    }

    /// Follows the action until a verdict, then audits it and frees the service.
    #[allow(clippy::too_many_arguments)]
    async fn watch(
        &self,
        session: Arc<Session>,
        plan: ActionPlan,
        caller_arn: String,
        spec: WatchTargetSpec,
        sink: WatchSink,
        cancel: CancellationToken,
        guard: FlightGuard,
    ) {
        let config = self.inner.config;
        let start = Instant::now();
        let mut memory = WatchMemory::default();
        let mut errors = 0;
        let mut last: Option<WatchUpdate> = None;
        let outcome = loop {
            if start.elapsed() >= config.limit {
                break (
                    VerdictOutcome::TimedOut,
                    format!(
                        "No verdict after {} minutes: ECS is still working on {}.",
                        config.limit.as_secs() / 60,
                        plan.service
                    ),
                    "Check the service page; the action itself goes on in ECS.".to_string(),
                );
            }
            match crate::read::reading::read(&session, &plan.cluster, &plan.service, true).await {
                Ok(snap) => {
                    errors = 0;
                    let (mut update, outcome) =
                        crate::model::watch::evaluate(&spec, &snap, &mut memory);
                    update.elapsed_secs = secs(start);
                    if let Some(outcome) = outcome {
                        last = Some(update);
                        break outcome;
                    }
                    self.remember_update(&plan, &update);
                    sink(update.clone());
                    last = Some(update);
                }
                Err(err) => {
                    errors += 1;
                    if errors >= 5 {
                        break (
                            VerdictOutcome::Error,
                            format!("ECS Desk lost track of {}.", plan.service),
                            err.to_string(),
                        );
                    }
                }
            }
            tokio::select! {
                _ = cancel.cancelled() => break (
                    VerdictOutcome::StoppedWatching,
                    format!("You stopped watching {}.", plan.service),
                    "The action itself goes on in ECS; the service page shows how it ends.".to_string(),
                ),
                _ = tokio::time::sleep(config.poll) => {}
            }
        };
        let (outcome, headline, mut detail) = outcome;
        if memory.zero_healthy_seen && outcome == VerdictOutcome::Completed {
            let note = "There was a moment with no healthy target behind the load balancer.";
            detail = if detail.is_empty() {
                note.to_string()
            } else {
                format!("{detail} {note}")
            };
        } else if !memory.zero_healthy_seen
            && outcome == VerdictOutcome::Completed
            && last.as_ref().is_some_and(|u| u.has_load_balancer)
            && plan.desired > 0
        {
            detail = "A healthy target served traffic the whole time.".to_string();
        }
        let verdict = Verdict {
            outcome,
            headline,
            detail,
            deployment_id: spec.deployment_id.clone(),
            finished_at: now_rfc3339(),
            elapsed_secs: secs(start),
            zero_healthy_seen: memory.zero_healthy_seen,
        };
        let record = Self::record(
            &plan,
            &caller_arn,
            AuditEvent::Verdict,
            outcome.name(),
            Some(if verdict.detail.is_empty() {
                verdict.headline.clone()
            } else {
                format!("{} {}", verdict.headline, verdict.detail)
            }),
            spec.deployment_id.clone(),
        );
        // The verdict is shown even if the disk is full; the executed line is already there.
        let _ = self.inner.audit.append(&record);
        let mut update = last.unwrap_or_else(|| WatchUpdate {
            plan_id: plan.plan_id.clone(),
            service: plan.service.clone(),
            at: now_rfc3339(),
            elapsed_secs: 0,
            phase: String::new(),
            desired: plan.desired,
            new_running: 0,
            new_healthy: 0,
            old_running: 0,
            old_draining: 0,
            failed_tasks: 0,
            healthy_targets: 0,
            total_targets: 0,
            has_load_balancer: false,
            targets: Vec::new(),
            rollout_state: None,
            events: Vec::new(),
            verdict: None,
        });
        update.phase = verdict.headline.clone();
        update.elapsed_secs = verdict.elapsed_secs;
        update.verdict = Some(verdict.clone());
        {
            let key = service_key(&plan);
            let mut latest = lock(&self.inner.latest);
            if let Some(status) = latest.get_mut(&key) {
                if status.plan.plan_id == plan.plan_id {
                    status.last_update = Some(update.clone());
                    status.verdict = Some(verdict);
                }
            }
        }
        lock(&self.inner.watches).remove(&plan.plan_id);
        drop(guard);
        sink(update);
    }

    /// Keeps the latest progress for pages opened later.
    fn remember_update(&self, plan: &ActionPlan, update: &WatchUpdate) {
        let key = service_key(plan);
        if let Some(status) = lock(&self.inner.latest).get_mut(&key) {
            if status.plan.plan_id == plan.plan_id {
                status.last_update = Some(update.clone());
            }
        }
    }

    /// Cancels plan `plan_id`: an unexecuted plan is dropped and audited as cancelled; a running
    /// watch stops (the action goes on in ECS).
    pub async fn cancel(&self, registry: &SessionRegistry, plan_id: &str) -> Result<(), CoreError> {
        if let Some(token) = lock(&self.inner.watches).get(plan_id) {
            token.cancel();
            return Ok(());
        }
        let stored = {
            let mut plans = lock(&self.inner.plans);
            match plans.get(plan_id) {
                Some(p) if p.executing => {
                    return Err(CoreError::ActionRefused {
                        code: "ActionInProgress",
                        message: "The action is being sent to AWS and can no longer be cancelled."
                            .to_string(),
                    })
                }
                Some(_) => plans.remove(plan_id),
                None => None,
            }
        };
        let Some(stored) = stored else {
            return Err(CoreError::ActionRefused {
                code: "PlanNotFound",
                message: "This plan is not known any more; nothing was changed.".to_string(),
            });
        };
        let caller = registry
            .get(&stored.plan.session_id)
            .await
            .map(|s| s.info().arn.clone())
            .unwrap_or_default();
        let record = Self::record(
            &stored.plan,
            &caller,
            AuditEvent::Cancelled,
            "cancelled",
            None,
            None,
        );
        self.inner.audit.append(&record)
    }

    /// The latest executed action on `service` (progress or verdict), if any this run.
    pub async fn status(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
    ) -> Result<Option<ActionStatus>, CoreError> {
        let session = registry.get(session_id).await?;
        let info = session.info();
        let key = format!(
            "{}/{}/{}/{cluster}/{service}",
            info.partition.id(),
            info.account_id,
            info.region
        );
        Ok(lock(&self.inner.latest).get(&key).cloned())
    }

    /// Audit entries matching `filter`, newest first.
    pub fn list_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, CoreError> {
        self.inner.audit.list(filter)
    }

    /// Writes the matching audit entries as CSV to `path`, or to a new file in the export folder;
    /// returns the file written.
    pub fn export_audit_csv(
        &self,
        filter: &AuditFilter,
        path: Option<PathBuf>,
    ) -> Result<PathBuf, CoreError> {
        let path = match path {
            Some(p) => p,
            None => {
                std::fs::create_dir_all(&self.inner.export_dir).map_err(|source| {
                    CoreError::FileIo {
                        path: self.inner.export_dir.clone(),
                        action: "create".into(),
                        source,
                    }
                })?;
                self.inner.export_dir.join(format!(
                    "ecsdesk-audit-{}.csv",
                    chrono::Utc::now().format("%Y%m%d-%H%M%S")
                ))
            }
        };
        self.inner.audit.export_csv(filter, &path)?;
        Ok(path)
    }

    /// The saved protection settings.
    fn load_protection(&self) -> Result<ProtectionSettings, CoreError> {
        self.inner.protection.load()
    }

    /// Protection of `service` in `cluster` of the session's account.
    pub async fn get_protection(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
    ) -> Result<ProtectionView, CoreError> {
        let session = registry.get(session_id).await?;
        let account = session.info().account_id.clone();
        let settings = self.load_protection()?;
        Ok(Self::view(&settings, &account, cluster, service))
    }

    /// Sets (or with `level` null clears) the rule of the session's account or of `cluster`.
    pub async fn set_protection(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        scope: ProtectionScope,
        level: Option<ProtectionLevel>,
    ) -> Result<ProtectionView, CoreError> {
        let session = registry.get(session_id).await?;
        let account = session.info().account_id.clone();
        let _guard = lock(&self.inner.protection_lock);
        let mut settings = self.load_protection()?;
        let rule_cluster = match scope {
            ProtectionScope::Account => None,
            ProtectionScope::Cluster => Some(cluster),
        };
        settings.set(&account, rule_cluster, level);
        self.inner.protection.save(&settings)?;
        Ok(Self::view(&settings, &account, cluster, service))
    }

    /// Builds the protection view.
    fn view(
        settings: &ProtectionSettings,
        account: &str,
        cluster: &str,
        service: &str,
    ) -> ProtectionView {
        let rule = |c: Option<&str>| {
            settings
                .rules
                .iter()
                .find(|r| r.account_id == account && r.cluster.as_deref() == c)
                .map(|r| r.level)
        };
        ProtectionView {
            account_id: account.to_string(),
            cluster: cluster.to_string(),
            effective: settings.effective(account, cluster, service),
            account_level: rule(None),
            cluster_level: rule(Some(cluster)),
        }
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
    AuditEntry::export_all_to(dir).map_err(fail)?;
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
