//! What ECS does when a deployment fails — its circuit breaker tripped, or an alarm it watches
//! went to ALARM: roll back when rollback is on (a traffic-shifting deployment sends traffic
//! back to the old tasks; a rolling one deploys the last revision that completed), otherwise
//! the deployment stops where it is. The alarms are checked region by region after each step.

use super::deployments::launch_deployment;
use super::lifecycle::roll_back;
use super::service_deployments::{monitor_triggered, rolling_back, stop_record};
use super::{push_event, with_service, Env};
use crate::cloudwatch::alarm_state;
use crate::world::{Service, World};

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

/// Roll back (or stop) the deployments in progress whose watched alarms are in ALARM at `t`.
pub(super) fn watch_alarms(world: &mut World, t: f64) {
    let mut hits = Vec::new();
    for account in &world.accounts {
        for region in &account.regions {
            for cluster in &region.clusters {
                for svc in &cluster.services {
                    let open = svc
                        .release
                        .in_progress()
                        .is_some_and(|r| r.status == "IN_PROGRESS");
                    let Some((names, rollback)) = svc.release.alarms.as_ref().filter(|_| open)
                    else {
                        continue;
                    };
                    let fired: Vec<String> = names
                        .iter()
                        .filter(|n| {
                            region
                                .alarms
                                .iter()
                                .any(|a| &&a.name == n && alarm_state(region, a, t) == "ALARM")
                        })
                        .cloned()
                        .collect();
                    if !fired.is_empty() {
                        let at = (
                            account.id.clone(),
                            region.name.clone(),
                            cluster.name.clone(),
                        );
                        hits.push((at, svc.name.clone(), fired, *rollback));
                    }
                }
            }
        }
    }
    for ((account, region, cluster), service, fired, rollback) in hits {
        with_service(world, &account, &region, &cluster, &service, |svc, env| {
            let names = fired.join(", ");
            let id = svc
                .deployments
                .first()
                .map(|d| d.id.clone())
                .unwrap_or_default();
            if let Some(p) = svc.deployments.first_mut() {
                p.rollout_state = "FAILED".into();
                p.rollout_state_reason =
                    format!("ECS deployment failed: alarm {names} is in ALARM.");
                p.updated_at = t;
            }
            let msg = format!(
                "(service {}) (deployment {id}) deployment failed: alarm detected.",
                svc.name
            );
            push_event(svc, env, t, msg);
            deployment_failed(svc, env, t, Monitor::Alarms(fired), rollback);
        });
    }
}
