//! One minute of one metric of one service: a daily shape, hashed noise, the service's
//! behaviour and recorded history, deployments under way and past incidents.

use super::noise::signed;
use super::{hash_str, mix, unit, Kind, Sample};
use crate::world::{Behaviour, Service};

/// Daily load shape in [0, 1]: lowest around 03:00 UTC, highest around 15:00 UTC.
fn daily(t: f64) -> f64 {
    let hour = t.rem_euclid(86400.0) / 3600.0;
    (((hour - 9.0) / 24.0 * std::f64::consts::TAU).sin() + 1.0) / 2.0
}

/// Severity (0–1] of a past incident of this service at `t`, if one is under way.
fn incident(seed: u64, t: f64, now: f64) -> Option<f64> {
    let today = (now / 86400.0).floor() as i64;
    let day = (t / 86400.0).floor() as i64;
    // An incident may start late on a day and run past midnight, so look at yesterday's too.
    for d in [day, day - 1] {
        if d >= today {
            continue;
        }
        let h = mix(seed ^ 0x1c1d, d as u64);
        if !h.is_multiple_of(5) {
            continue;
        }
        let start = d as f64 * 86400.0 + (((h >> 8) % 1400) * 60) as f64;
        let duration = (20 + (h >> 32) % 40) as f64 * 60.0;
        if t >= start && t < start + duration {
            return Some(0.4 + 0.6 * unit(mix(h, 7)));
        }
    }
    None
}

/// (running tasks, healthy targets) of a service at `t`, from its recorded history.
fn state_at(s: &Service, t: f64) -> (i64, i64) {
    if s.history.is_empty() {
        let running = s
            .tasks
            .iter()
            .filter(|t| t.last_status == "RUNNING")
            .count() as i64;
        let healthy = if s.load_balancers.is_empty() {
            0
        } else {
            s.tasks
                .iter()
                .filter(|t| t.last_status == "RUNNING" && t.health_status != "UNHEALTHY")
                .count() as i64
        };
        return (running, healthy);
    }
    let idx = s.history.partition_point(|(at, _, _)| *at <= t);
    if idx == 0 {
        // Before the recorded history the service ran as it first settled: the first sample
        // with tasks running (the very first one is usually the empty service at creation).
        let first = s
            .history
            .iter()
            .find(|(_, running, _)| *running > 0)
            .unwrap_or(&s.history[0]);
        return (first.1, first.2);
    }
    let (_, running, healthy) = s.history[idx - 1];
    (running, healthy)
}

/// Whether a deployment of the service is rolling out at `t` (bounded to 30 minutes).
fn deploying(s: &Service, t: f64, now: f64) -> bool {
    s.deployments.iter().any(|d| {
        let end = if d.rollout_state == "IN_PROGRESS" {
            now
        } else {
            d.updated_at
        };
        t >= d.created_at && t < end.min(d.created_at + 1800.0)
    })
}

/// Memory percent of an OOM-killed service: a sawtooth from 35 % to 100 % over each task's life.
fn oom_memory(s: &Service, after: f64, t: f64) -> f64 {
    let after = after.max(60.0);
    let running = s.tasks.iter().find(|task| {
        task.started_at.is_some_and(|st| st <= t) && task.stopped_at.is_none_or(|sp| t < sp)
    });
    let age = match running.and_then(|task| task.started_at) {
        Some(started) => t - started,
        // Before the tasks we know about, assume the same cycle (life plus a minute to restart).
        None => (t - s.created_at).rem_euclid(after + 60.0),
    };
    35.0 + 65.0 * (age / after).clamp(0.0, 1.0)
}

/// Requests per minute a service gets at its daily peak (300–900).
fn peak_rate(seed: u64) -> f64 {
    300.0 + 600.0 * unit(mix(seed, 0xa11))
}

/// One minute of one metric of one service; `None` when nothing was published.
pub(super) fn service_minute(s: &Service, kind: Kind, t: f64, now: f64) -> Option<Sample> {
    let seed = hash_str(&s.arn);
    let minute = (t / 60.0).floor() as u64;
    let n = signed(mix(seed ^ kind.salt(), minute));
    let d = daily(t);
    let (running, healthy) = state_at(s, t);
    let crash = matches!(s.behaviour, Behaviour::CrashLoop { .. });
    let inc = incident(seed, t, now);
    let dep = deploying(s, t, now);
    let tasks = running.max(1) as f64;
    match kind {
        Kind::Cpu | Kind::Memory => {
            if running == 0 && !crash {
                return None;
            }
            let v = if kind == Kind::Cpu {
                let base = match &s.behaviour {
                    // A service that scales shares its load among whatever tasks run.
                    Behaviour::Healthy if s.demand.is_some() => {
                        s.demand.map_or(0.0, |dm| dm.needed(t, d) / tasks)
                    }
                    // A revision that never starts leaves only older tasks running.
                    Behaviour::Healthy
                    | Behaviour::SlowStart { .. }
                    | Behaviour::ImageNotFound
                    | Behaviour::SecretDenied { .. } => 14.0 + 24.0 * d,
                    Behaviour::HighCpu { cpu } => cpu - 4.0 + 6.0 * d,
                    Behaviour::CrashLoop { .. } => 1.5 + n.abs(),
                    Behaviour::OutOfMemory { .. } => 28.0 + 12.0 * d,
                    Behaviour::FailingHealthCheck => 9.0 + 8.0 * d,
                };
                base + 2.5 * n + if dep { 8.0 } else { 0.0 } + inc.map_or(0.0, |v| 25.0 * v)
            } else {
                let base = match &s.behaviour {
                    Behaviour::Healthy
                    | Behaviour::ImageNotFound
                    | Behaviour::SecretDenied { .. } => 32.0 + 6.0 * d,
                    Behaviour::SlowStart { .. } => 40.0 + 4.0 * d,
                    Behaviour::HighCpu { .. } => 48.0 + 5.0 * d,
                    Behaviour::CrashLoop { .. } => 6.0 + 2.0 * n.abs(),
                    Behaviour::FailingHealthCheck => 30.0,
                    Behaviour::OutOfMemory { after } => oom_memory(s, *after, t),
                };
                base + 1.5 * n + if dep { 3.0 } else { 0.0 } + inc.map_or(0.0, |v| 5.0 * v)
            };
            let v = v.clamp(0.2, 100.0);
            Some(Sample {
                value: v,
                min: v * 0.75,
                max: (v * 1.3 + 2.0).min(100.0),
                count: tasks,
            })
        }
        Kind::Requests | Kind::Target5xx | Kind::ResponseTime => {
            if s.load_balancers.is_empty() {
                return None;
            }
            let requests = (peak_rate(seed) * (0.2 + 0.8 * d) * (1.0 + 0.12 * n)).round();
            match kind {
                Kind::Requests => Some(Sample {
                    value: requests,
                    min: requests,
                    max: requests,
                    count: 1.0,
                }),
                Kind::Target5xx => {
                    // The load balancer publishes a count only for a minute in which it counted
                    // something: a minute without 5xx has no datapoint at all, not a 0.
                    if healthy == 0 && !matches!(s.behaviour, Behaviour::FailingHealthCheck) {
                        return None;
                    }
                    let rate = match &s.behaviour {
                        Behaviour::FailingHealthCheck => 0.2,
                        Behaviour::OutOfMemory { .. } => 0.02,
                        Behaviour::HighCpu { .. } => 0.004,
                        _ => 0.0015,
                    } * unit(mix(seed ^ 0x5e, minute))
                        * 2.0
                        + inc.map_or(0.0, |v| 0.05 + 0.1 * v);
                    let errors = (requests * rate).floor();
                    if errors <= 0.0 {
                        return None;
                    }
                    Some(Sample {
                        value: errors,
                        min: errors,
                        max: errors,
                        count: 1.0,
                    })
                }
                _ => {
                    if healthy == 0 && !matches!(s.behaviour, Behaviour::FailingHealthCheck) {
                        return None;
                    }
                    let base = match &s.behaviour {
                        Behaviour::HighCpu { .. } => 0.26 + 0.2 * d,
                        Behaviour::FailingHealthCheck => 2.5,
                        Behaviour::OutOfMemory { .. } => 0.2 + 0.1 * d,
                        _ => 0.045 + 0.05 * d,
                    };
                    let v = (base * (1.0 + 0.15 * n) + if dep { 0.04 } else { 0.0 })
                        * (1.0 + inc.map_or(0.0, |v| 3.0 * v));
                    Some(Sample {
                        value: v,
                        min: v * 0.2,
                        max: v * 4.0,
                        count: requests.max(1.0),
                    })
                }
            }
        }
        Kind::NewFlows | Kind::TargetResets => {
            if s.load_balancers.is_empty() || healthy == 0 {
                return None;
            }
            // Long-lived TCP connections: a few new ones a minute per busy client.
            let flows = (peak_rate(seed) * 0.1 * (0.2 + 0.8 * d) * (1.0 + 0.2 * n)).round();
            let value = if kind == Kind::NewFlows {
                flows
            } else {
                // Resets are counted only in minutes that had one, like the ALB's 5xx.
                let resets = (flows * 0.01 * unit(mix(seed ^ 0x7c, minute)) * 2.0
                    + inc.map_or(0.0, |v| 3.0 * v))
                .floor();
                if resets <= 0.0 {
                    return None;
                }
                resets
            };
            Some(Sample {
                value,
                min: value,
                max: value,
                count: 1.0,
            })
        }
        Kind::RunningTasks | Kind::DesiredTasks => {
            let v = if kind == Kind::RunningTasks {
                running
            } else {
                s.desired_count
            } as f64;
            Some(Sample {
                value: v,
                min: v,
                max: v,
                count: 1.0,
            })
        }
        Kind::HealthyHosts | Kind::UnhealthyHosts => {
            if s.load_balancers.is_empty() {
                return None;
            }
            let v = if kind == Kind::HealthyHosts {
                healthy
            } else if matches!(s.behaviour, Behaviour::FailingHealthCheck) {
                running
            } else {
                (running - healthy).max(0)
            } as f64;
            Some(Sample {
                value: v,
                min: v,
                max: v,
                count: 1.0,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_weeks_have_incidents_but_today_has_none() {
        let now = 1_700_000_000.0;
        let seed = hash_str("arn:aws:ecs:us-east-1:123456789012:service/c1/api");
        let mut minutes = 0;
        let mut t = now - 14.0 * 86400.0;
        while t < now {
            if incident(seed, t, now).is_some() {
                minutes += 1;
            }
            t += 60.0;
        }
        assert!(minutes > 0, "no incident in two weeks");
        let mut t = (now / 86400.0).floor() * 86400.0;
        while t < now {
            assert!(incident(seed, t, now).is_none());
            t += 60.0;
        }
    }
}
