//! ECS's own record of service deployments: each deployment creates a service revision and a
//! record that follows it to SUCCESSFUL, STOPPED (superseded, or failed without rollback) or a
//! rollback; records are kept 90 days.

use super::deployments::breaker_threshold;
use super::Env;
use crate::ids::{ecs_arn, stable_hex};
use crate::world::{
    RevisionSide, Service, ServiceDeploymentRecord, ServiceRevision, RECORD_RETENTION_SECS,
};

/// A new service revision for `td_arn` (every deployment rolls out one); its ARN. A `green`
/// revision of a traffic-shifting deployment takes production in the standby target group.
fn new_revision(svc: &mut Service, env: &mut Env<'_>, td_arn: &str, t: f64, green: bool) -> String {
    let n = env.next();
    let digits = u64::from_str_radix(&stable_hex(&format!("{}/revision/{n}", svc.arn), 15), 16)
        .unwrap_or(n)
        % 10_000_000_000_000_000_000;
    let arn = ecs_arn(
        env.partition,
        env.region,
        env.account_id,
        &format!(
            "service-revision/{}/{}/{digits:019}",
            env.cluster_name, svc.name
        ),
    );
    let images = env
        .task_definitions
        .iter()
        .find(|d| d.arn == td_arn)
        .map(|d| {
            d.containers
                .iter()
                .map(|c| {
                    let digest = format!("sha256:{}", stable_hex(&c.image, 64));
                    (c.name.clone(), c.image.clone(), digest)
                })
                .collect()
        })
        .unwrap_or_default();
    let target_groups = svc
        .load_balancers
        .iter()
        .map(|lb| {
            let tg = if green {
                lb.standby_target_group()
            } else {
                lb.production_target_group()
            };
            (tg.to_string(), lb.production_listener_rule.clone())
        })
        .collect();
    svc.release.revisions.push(ServiceRevision {
        arn: arn.clone(),
        task_definition: td_arn.to_string(),
        created_at: t,
        launch_type: svc.launch_type.clone(),
        images,
        target_groups,
    });
    arn
}

/// The revision an ECS deployment runs, from the records that started it.
fn revision_of(svc: &Service, deployment_id: &str) -> Option<String> {
    svc.release.records.iter().find_map(|r| {
        if r.target.deployment_id == deployment_id {
            Some(r.target.revision_arn.clone())
        } else if r.rollback_deployment.as_deref() == Some(deployment_id) {
            r.rollback.as_ref().map(|(_, _, arn)| arn.clone())
        } else {
            None
        }
    })
}

fn side(revision_arn: String, deployment_id: String) -> RevisionSide {
    RevisionSide {
        revision_arn,
        deployment_id,
        requested: 0,
        running: 0,
        pending: 0,
    }
}

/// Open the record of the deployment `deployment_id` (PRIMARY, just started) of `td_arn`: the
/// open one before it stops (superseded), and records older than 90 days are forgotten.
pub(super) fn open_record(
    svc: &mut Service,
    env: &mut Env<'_>,
    deployment_id: &str,
    td_arn: &str,
    t: f64,
) {
    if let Some(open) = svc.release.in_progress_mut() {
        open.status = "STOPPED".into();
        open.status_reason = "Stopped because a newer service deployment started.".into();
        open.stopped_at = Some(t);
        open.updated_at = t;
        if let Some(run) = open
            .hooks
            .iter_mut()
            .find(|h| h.status == "AWAITING_ACTION")
        {
            run.status = "FAILED".into();
        }
    }
    svc.release
        .records
        .retain(|r| r.created_at >= t - RECORD_RETENTION_SECS);
    let mut source = Vec::new();
    let others: Vec<(String, String)> = svc
        .deployments
        .iter()
        .filter(|d| d.id != deployment_id)
        .map(|d| (d.id.clone(), d.task_definition.clone()))
        .collect();
    for (id, td) in others {
        let arn = match revision_of(svc, &id) {
            Some(arn) => arn,
            None => new_revision(svc, env, &td, t, false),
        };
        source.push(side(arn, id));
    }
    let green = svc.release.shifts_traffic() && !source.is_empty();
    let target = new_revision(svc, env, td_arn, t, green);
    let n = env.next();
    let id = stable_hex(&format!("{}/service-deployment/{n}", svc.arn), 22);
    let arn = ecs_arn(
        env.partition,
        env.region,
        env.account_id,
        &format!("service-deployment/{}/{}/{id}", env.cluster_name, svc.name),
    );
    let release = &svc.release;
    let shifting = green;
    let record = ServiceDeploymentRecord {
        arn,
        created_at: t,
        started_at: t,
        finished_at: None,
        stopped_at: None,
        updated_at: t,
        source,
        target: side(target, deployment_id.to_string()),
        status: "IN_PROGRESS".into(),
        status_reason: "Service deployment in progress.".into(),
        stage: shifting.then(|| "PRE_SCALE_UP".to_string()),
        stage_since: t,
        strategy: if shifting {
            release.strategy()
        } else {
            "ROLLING"
        }
        .to_string(),
        bake_minutes: release.bake_minutes,
        canary: release.canary,
        linear: release.linear,
        production_weight: 0.0,
        test_weight: 0.0,
        breaker: (
            if svc.circuit_breaker {
                "MONITORING"
            } else {
                "DISABLED"
            }
            .into(),
            0,
            breaker_threshold(svc.desired_count.max(0)),
        ),
        alarms: match &release.alarms {
            Some((names, _)) if !names.is_empty() => {
                ("MONITORING".into(), names.clone(), Vec::new())
            }
            _ => ("DISABLED".into(), Vec::new(), Vec::new()),
        },
        rollback: None,
        rollback_deployment: None,
        hooks: Vec::new(),
    };
    svc.release.records.insert(0, record);
}

/// Copy the task counts of the open record's revisions and its circuit breaker count.
pub(super) fn refresh_records(svc: &mut Service) {
    let Service {
        release,
        deployments,
        tasks,
        ..
    } = svc;
    let Some(record) = release.in_progress_mut() else {
        return;
    };
    let count = |side: &mut RevisionSide| {
        let dep = deployments.iter().find(|d| d.id == side.deployment_id);
        side.requested = dep.map_or(0, |d| d.desired_count);
        side.running = tasks
            .iter()
            .filter(|x| x.started_by == side.deployment_id && x.last_status == "RUNNING")
            .count() as i64;
        side.pending = tasks
            .iter()
            .filter(|x| {
                x.started_by == side.deployment_id
                    && x.desired_status == "RUNNING"
                    && matches!(
                        x.last_status.as_str(),
                        "PROVISIONING" | "PENDING" | "ACTIVATING"
                    )
            })
            .count() as i64;
    };
    count(&mut record.target);
    record.source.iter_mut().for_each(count);
    if let Some(d) = deployments
        .iter()
        .find(|d| d.id == record.target.deployment_id)
    {
        record.breaker.1 = record.breaker.1.max(d.failed_tasks);
    }
}

/// The ECS deployment `deployment_id` completed: its record succeeded or its rollback did.
pub(super) fn deployment_completed(svc: &mut Service, deployment_id: &str, t: f64) {
    refresh_records(svc);
    let Some(record) = svc.release.in_progress_mut() else {
        return;
    };
    if record.target.deployment_id == deployment_id && record.status == "IN_PROGRESS" {
        record.status = "SUCCESSFUL".into();
        record.status_reason = "Service deployment completed successfully.".into();
        for monitor in [&mut record.breaker.0, &mut record.alarms.0] {
            if monitor == "MONITORING" {
                *monitor = "MONITORING_COMPLETE".into();
            }
        }
    } else if record.rollback_deployment.as_deref() == Some(deployment_id) {
        record.status = "ROLLBACK_SUCCESSFUL".into();
        record.status_reason = "Service deployment rolled back successfully.".into();
    } else {
        return;
    }
    record.finished_at = Some(t);
    record.updated_at = t;
    // A traffic-shifting deployment that succeeded leaves production on the other target group
    // of the pair; the next one starts its new tasks in the one it left.
    if record.status == "SUCCESSFUL" && record.stage.is_some() {
        for lb in &mut svc.load_balancers {
            if lb.alternate_target_group_arn.is_some() {
                lb.production_on_alternate = !lb.production_on_alternate;
            }
        }
    }
}

/// A rollback monitor saw the open record's target fail: the circuit breaker (with its count)
/// or these alarms. Marked TRIGGERED.
pub(super) fn monitor_triggered(svc: &mut Service, alarms: &[String], t: f64) {
    refresh_records(svc);
    if let Some(record) = svc.release.in_progress_mut() {
        if alarms.is_empty() {
            record.breaker.0 = "TRIGGERED".into();
        } else {
            record.alarms.0 = "TRIGGERED".into();
            record.alarms.2 = alarms.to_vec();
        }
        record.updated_at = t;
    }
}

/// The open record stops where it is (a failure ECS does not roll back), for `reason`.
pub(super) fn stop_record(svc: &mut Service, t: f64, reason: &str) {
    if let Some(record) = svc.release.in_progress_mut() {
        record.status = "STOPPED".into();
        record.status_reason = reason.to_string();
        record.stopped_at = Some(t);
        record.updated_at = t;
    }
}

/// ECS rolls a rolling deployment back to the last one that completed (`completed_id`, of
/// `td_arn`), as the ECS deployment `rollback_id`, for `reason`.
pub(super) fn rolling_back(
    svc: &mut Service,
    env: &mut Env<'_>,
    t: f64,
    (completed_id, td_arn, rollback_id): (&str, &str, &str),
    reason: &str,
) {
    let revision = match revision_of(svc, completed_id) {
        Some(arn) => arn,
        None => new_revision(svc, env, td_arn, t, false),
    };
    if let Some(record) = svc.release.in_progress_mut() {
        record.status = "ROLLBACK_IN_PROGRESS".into();
        record.status_reason = reason.into();
        record.rollback = Some((reason.into(), t, revision));
        record.rollback_deployment = Some(rollback_id.to_string());
        record.updated_at = t;
    }
}
