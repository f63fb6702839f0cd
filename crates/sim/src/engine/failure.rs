//! What ECS does when a deployment fails — its circuit breaker tripped, or an alarm it watches
//! went to ALARM: roll back when rollback is on (a traffic-shifting deployment sends traffic
//! back to the old tasks; a rolling one deploys the last revision that completed), otherwise
//! the deployment stops where it is. The alarms are checked region by region after each step.

use super::deployments::launch_deployment;
use super::lifecycle::roll_back;
use super::service_deployments::{monitor_triggered, rolling_back, stop_record};
use super::{push_event, Env};
use crate::world::{Cluster, Region, Service};

/// Which rollback monitor saw the failure.
#[derive(Debug, Clone)]
pub(super) enum Monitor {
    /// The deployment circuit breaker.
    Breaker,
    /// These CloudWatch alarms of deploymentConfiguration.alarms are in ALARM.
    Alarms(Vec<String>),
}

impl Monitor {
    /// Why ECS rolls back, as the record says it.
    fn rollback_reason(&self) -> String {
        match self {
            Monitor::Breaker => {
                "Service deployment rolled back because the circuit breaker threshold was exceeded."
                    .into()
            }
            Monitor::Alarms(names) => format!(
                "Service deployment rolled back because alarm {} went into ALARM state.",
                names.join(", ")
            ),
        }
    }

    /// Why the deployment stopped without a rollback.
    fn stop_reason(&self) -> String {
        match self {
            Monitor::Breaker => {
                "Service deployment stopped because the circuit breaker threshold was exceeded."
                    .into()
            }
            Monitor::Alarms(names) => format!(
                "Service deployment stopped because alarm {} went into ALARM state.",
                names.join(", ")
            ),
        }
    }

    /// The ECS deployment's rolloutStateReason of a rolling rollback to `done_id`.
    fn rolling_reason(&self, done_id: &str) -> String {
        match self {
            Monitor::Breaker => {
                format!("ECS deployment circuit breaker: rolling back to deploymentId {done_id}.")
            }
            Monitor::Alarms(_) => {
                format!("ECS deployment alarms: rolling back to deploymentId {done_id}.")
            }
        }
    }
}

/// The PRIMARY deployment failed by `monitor`: ECS rolls back (`rollback`) or stops it.
pub(super) fn deployment_failed(
    svc: &mut Service,
    env: &mut Env<'_>,
    t: f64,
    monitor: Monitor,
    rollback: bool,
) {
    let recorded = svc
        .release
        .in_progress()
        .is_some_and(|r| r.status == "IN_PROGRESS");
    if recorded {
        let alarms = match &monitor {
            Monitor::Alarms(names) => names.clone(),
            Monitor::Breaker => Vec::new(),
        };
        monitor_triggered(svc, &alarms, t);
    }
    // A traffic-shifting deployment goes back to the tasks it was replacing.
    if recorded && svc.release.in_progress().is_some_and(|r| r.stage.is_some()) {
        if rollback {
            roll_back(svc, env, t, &monitor.rollback_reason());
        } else {
            stop_record(svc, t, &monitor.stop_reason());
        }
        return;
    }
    // A rolling one deploys the last revision that completed.
    let primary_td = svc
        .deployments
        .first()
        .map(|d| d.task_definition.clone())
        .unwrap_or_default();
    let mut rolled = false;
    if rollback {
        if let Some((done_id, done_td)) = svc.scheduler.last_completed.clone() {
            if done_td != primary_td {
                let msg = format!(
                    "(service {}) rolling back to deployment {done_id}.",
                    svc.name
                );
                push_event(svc, env, t, msg);
                let reason = monitor.rolling_reason(&done_id);
                let id = launch_deployment(svc, env, &done_td, t, Some(reason));
                if recorded {
                    let why = monitor.rollback_reason();
                    rolling_back(svc, env, t, (&done_id, &done_td, &id), &why);
                }
                rolled = true;
            }
        }
    }
    if recorded && !rolled {
        stop_record(svc, t, &monitor.stop_reason());
    }
}

/// Roll back (or stop) the deployments in progress of `region` whose watched alarms are in
/// ALARM at `t`.
pub(super) fn watch_alarms(
    region: &mut Region,
    partition: &str,
    account_id: &str,
    seq: &mut u64,
    t: f64,
) {
    let mut hits = Vec::new();
    for (ci, c) in region.clusters.iter().enumerate() {
        for (si, s) in c.services.iter().enumerate() {
            let open = s
                .release
                .in_progress()
                .is_some_and(|r| r.status == "IN_PROGRESS");
            let Some((names, rollback)) = s.release.alarms.as_ref().filter(|_| open) else {
                continue;
            };
            let fired: Vec<String> = names
                .iter()
                .filter(|n| {
                    region.alarms.iter().any(|a| {
                        &&a.name == n && crate::cloudwatch::alarm_state(region, a, t) == "ALARM"
                    })
                })
                .cloned()
                .collect();
            if !fired.is_empty() {
                hits.push((ci, si, fired, *rollback));
            }
        }
    }
    for (ci, si, fired, rollback) in hits {
        let Region {
            name,
            clusters,
            task_definitions,
            target_groups,
            log_groups,
            ..
        } = &mut *region;
        let Cluster {
            name: cluster_name,
            container_instances,
            services,
            ..
        } = &mut clusters[ci];
        let svc = &mut services[si];
        let mut env = Env {
            partition,
            region: name,
            account_id,
            cluster_name,
            container_instances,
            task_definitions,
            target_groups,
            log_groups,
            seq,
        };
        let names = fired.join(", ");
        let id = svc
            .deployments
            .first()
            .map(|d| d.id.clone())
            .unwrap_or_default();
        if let Some(p) = svc.deployments.first_mut() {
            p.rollout_state = "FAILED".into();
            p.rollout_state_reason = format!("ECS deployment failed: alarm {names} is in ALARM.");
            p.updated_at = t;
        }
        let msg = format!(
            "(service {}) (deployment {id}) deployment failed: alarm detected.",
            svc.name
        );
        push_event(svc, &mut env, t, msg);
        deployment_failed(svc, &mut env, t, Monitor::Alarms(fired), rollback);
    }
}
