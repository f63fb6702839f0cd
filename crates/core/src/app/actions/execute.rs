//! Executing a confirmed plan, step by step: the plan and confirmation checked again, the
//! protection level, the service re-read and compared, the per-service lock, the audit line
//! written and synced, then the one AWS call, sent exactly once.

use super::*;

impl ActionCenter {
    /// The audit line of `plan` with `event`, `result` and `message`.
    pub(super) fn record(
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
    pub(super) fn refuse(
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
                && typed.map(str::trim) != Some(stored.confirm_text.as_str())
            {
                return Err(CoreError::ActionRefused {
                    code: "ConfirmationMismatch",
                    message: format!(
                        "Type the service name {} exactly to confirm.",
                        stored.confirm_text
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
    pub(super) async fn execute_plan(
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

        let deployment_id =
            deployment_id.or_else(|| crate::model::plan::watched_deployment(&before, &plan.action));

        // 7. Audited and synced before anyone hears of success.
        let started = ExecuteStarted {
            plan_id: plan.plan_id.clone(),
            deployment_id: deployment_id.clone(),
            started_at: now_rfc3339(),
        };
        // A scale may run from a count auto scaling moved since the plan; the log says from which.
        let moved = (before.desired != plan.desired).then(|| {
            format!(
                "The desired count was {} when this ran ({} when planned).",
                before.desired, plan.desired
            )
        });
        let record = Self::record(
            plan,
            &info.arn,
            AuditEvent::Executed,
            "started",
            moved,
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
            baseline_service_deployment: before.service_deployment.as_ref().map(|d| d.arn.clone()),
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
    pub(super) async fn call(
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
            ActionRequest::SetDesiredCount { desired, limits } => {
                // New limits first: set the other way round, the scaler could undo the count
                // before the limits allow it. RegisterScalableTarget is idempotent.
                if let Some(l) = limits {
                    crate::aws::limits::register(session, &plan.cluster, &plan.service, *l)
                        .await
                        .map_err(denied)?;
                }
                once(update().desired_count(*desired))
                    .await
                    .map(|_| None)
                    .map_err(denied)
            }
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
            ActionRequest::RollBackDeployment { deployment, hook } => {
                let call = match hook {
                    Some(h) => delivery::DeploymentCall::Continue(h, false),
                    None => delivery::DeploymentCall::StopRollback,
                };
                delivery::service_deployment_once(session, deployment, call)
                    .await
                    .map(|_| None)
                    .map_err(denied)
            }
            ActionRequest::ContinueDeployment { deployment, hook } => {
                let call = delivery::DeploymentCall::Continue(hook, true);
                delivery::service_deployment_once(session, deployment, call)
                    .await
                    .map(|_| None)
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
}
