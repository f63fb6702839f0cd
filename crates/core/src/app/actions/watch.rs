//! Watching an executed action to a verdict, cancelling a watch, and the latest action of a
//! service.

use super::*;

impl ActionCenter {
    /// Follows the action until a verdict, then audits it and frees the service.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn watch(
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
            match self.reading(&session, &plan, &spec).await {
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
        if outcome == VerdictOutcome::Overridden {
            // Name the usual culprit when it is there; otherwise the general sentence stands.
            if let Ok(Some(limits)) =
                crate::read::scaling::limits(&session, &plan.cluster, &plan.service).await
            {
                detail = format!(
                    "Auto scaling manages this service ({}) and moved the count to fit the load: its policy at work, not a fault. To hold a count, auto scaling's minimum must be raised to it.",
                    limits.words()
                );
            }
        }
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
            stage: None,
            new_traffic_percent: None,
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

    /// One reading for the watch: the service, with ECS's record of the deployment a native
    /// action acts on read by its ARN (DescribeServices stops pointing at it once it is over).
    async fn reading(
        &self,
        session: &Session,
        plan: &ActionPlan,
        spec: &WatchTargetSpec,
    ) -> Result<ServiceSnapshot, CoreError> {
        let mut snap =
            crate::read::reading::read(session, &plan.cluster, &plan.service, true).await?;
        if let Some(arn) = spec.action.service_deployment() {
            if snap.service_deployment.as_ref().map(|d| d.arn.as_str()) != Some(arn) {
                snap.service_deployment =
                    crate::read::service_deployments::current(session, arn).await?;
            }
        }
        Ok(snap)
    }

    /// Keeps the latest progress for pages opened later.
    pub(super) fn remember_update(&self, plan: &ActionPlan, update: &WatchUpdate) {
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
        let key = session.info().service_ref(cluster, service).key();
        Ok(lock(&self.inner.latest).get(&key).cloned())
    }
}
