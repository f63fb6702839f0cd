//! Metric series generated from the simulated fleet, with no storage: the value of any
//! (metric, dimensions, time, period, statistic) is computed from the service's behaviour, its
//! recorded history (running tasks, healthy targets), its deployments and a few past incidents.
//!
//! Every service has a daily shape (a sinusoid peaking mid-afternoon UTC) plus hashed noise, so
//! the same query always answers the same numbers. Past incidents are placed on whole UTC days
//! before today, so they never appear in the last hours of a fresh demo and never move.

use crate::world::{Behaviour, Region, Service};

/// Oldest data served, in seconds before now (CloudWatch keeps one-minute data for 15 days).
pub const RETENTION_SECONDS: f64 = 15.0 * 86400.0;

/// FNV-1a of a string: a stable seed for generated values.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64 of two values: a stable pseudo-random number for (seed, index).
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hash mapped to [0, 1).
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A hash mapped to [-1, 1).
fn signed(h: u64) -> f64 {
    unit(h) * 2.0 - 1.0
}

/// A statistic of a period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stat {
    /// Mean of the samples.
    Average,
    /// Largest sample.
    Maximum,
    /// Smallest sample.
    Minimum,
    /// Sum of the samples.
    Sum,
    /// Number of samples.
    SampleCount,
    /// A percentile, 0–100.
    Percentile(f64),
}

impl Stat {
    /// Parse `Average`, `Maximum`, …, or `pNN`/`pNN.N`.
    pub fn parse(s: &str) -> Option<Stat> {
        match s {
            "Average" => Some(Stat::Average),
            "Maximum" => Some(Stat::Maximum),
            "Minimum" => Some(Stat::Minimum),
            "Sum" => Some(Stat::Sum),
            "SampleCount" => Some(Stat::SampleCount),
            _ => {
                let n: f64 = s.strip_prefix('p')?.parse().ok()?;
                (n.is_finite() && (0.0..=100.0).contains(&n)).then_some(Stat::Percentile(n))
            }
        }
    }
}

/// The metrics the simulator generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// AWS/ECS CPUUtilization (percent).
    Cpu,
    /// AWS/ECS MemoryUtilization (percent).
    Memory,
    /// AWS/ApplicationELB RequestCount.
    Requests,
    /// AWS/ApplicationELB HTTPCode_Target_5XX_Count.
    Target5xx,
    /// AWS/ApplicationELB TargetResponseTime (seconds).
    ResponseTime,
    /// AWS/ApplicationELB HealthyHostCount.
    HealthyHosts,
    /// AWS/ApplicationELB UnHealthyHostCount.
    UnhealthyHosts,
    /// ECS/ContainerInsights RunningTaskCount.
    RunningTasks,
    /// ECS/ContainerInsights DesiredTaskCount.
    DesiredTasks,
}

/// ECS metric names.
pub const ECS_METRICS: &[(&str, Kind)] = &[
    ("CPUUtilization", Kind::Cpu),
    ("MemoryUtilization", Kind::Memory),
];

/// Container Insights service metric names.
pub const INSIGHTS_METRICS: &[(&str, Kind)] = &[
    ("RunningTaskCount", Kind::RunningTasks),
    ("DesiredTaskCount", Kind::DesiredTasks),
];

/// Application Load Balancer metric names.
pub const ALB_METRICS: &[(&str, Kind)] = &[
    ("RequestCount", Kind::Requests),
    ("HTTPCode_Target_5XX_Count", Kind::Target5xx),
    ("TargetResponseTime", Kind::ResponseTime),
    ("HealthyHostCount", Kind::HealthyHosts),
    ("UnHealthyHostCount", Kind::UnhealthyHosts),
];

impl Kind {
    /// The metric's CloudWatch unit.
    pub fn unit(self) -> &'static str {
        match self {
            Kind::Cpu | Kind::Memory => "Percent",
            Kind::ResponseTime => "Seconds",
            _ => "Count",
        }
    }

    fn is_gauge(self) -> bool {
        !matches!(self, Kind::Requests | Kind::Target5xx)
    }

    fn salt(self) -> u64 {
        self as u64 + 1
    }
}

/// A metric as CloudWatch names it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricId {
    /// Namespace, e.g. `AWS/ECS`.
    pub namespace: String,
    /// Metric name.
    pub name: String,
    /// Dimensions (name, value).
    pub dimensions: Vec<(String, String)>,
}

/// The `app/NAME/ID` dimension value of a load balancer ARN.
pub fn lb_dimension(arn: &str) -> &str {
    arn.split_once(":loadbalancer/").map_or(arn, |(_, v)| v)
}

/// The `targetgroup/NAME/ID` dimension value of a target group ARN.
pub fn tg_dimension(arn: &str) -> &str {
    arn.rsplit_once(':').map_or(arn, |(_, v)| v)
}

/// One minute of a metric: typical value, spread and number of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    value: f64,
    min: f64,
    max: f64,
    count: f64,
}

/// A metric resolved to the services it describes, ready to be evaluated at any time.
#[derive(Debug)]
pub struct Series<'a> {
    kind: Kind,
    services: Vec<&'a Service>,
    unit: &'static str,
}

/// The services of a region with their cluster name.
fn services(region: &Region) -> impl Iterator<Item = (&str, &Service)> {
    region
        .clusters
        .iter()
        .flat_map(|c| c.services.iter().map(move |s| (c.name.as_str(), s)))
}

/// Resolve a metric to the services it aggregates; `None` when this region has no such metric.
pub fn resolve<'a>(region: &'a Region, metric: &MetricId) -> Option<Series<'a>> {
    let dim = |name: &str| {
        metric
            .dimensions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let (kind, services) = match metric.namespace.as_str() {
        "AWS/ECS" | "ECS/ContainerInsights" => {
            let names = if metric.namespace == "AWS/ECS" {
                ECS_METRICS
            } else {
                INSIGHTS_METRICS
            };
            let kind = names
                .iter()
                .find(|(n, _)| *n == metric.name)
                .map(|(_, k)| *k)?;
            let cluster = dim("ClusterName")?;
            let service = dim("ServiceName");
            let allowed = if service.is_some() { 2 } else { 1 };
            if metric.dimensions.len() != allowed {
                return None;
            }
            let found: Vec<&Service> = services(region)
                .filter(|(c, s)| *c == cluster && service.is_none_or(|n| n == s.name))
                .map(|(_, s)| s)
                .collect();
            (kind, found)
        }
        "AWS/ApplicationELB" => {
            let kind = ALB_METRICS
                .iter()
                .find(|(n, _)| *n == metric.name)
                .map(|(_, k)| *k)?;
            let lb = dim("LoadBalancer");
            let tg = dim("TargetGroup");
            let known = usize::from(lb.is_some()) + usize::from(tg.is_some());
            if known == 0 || metric.dimensions.len() != known {
                return None;
            }
            let lb_arn = match lb {
                Some(v) => Some(
                    region
                        .load_balancers
                        .iter()
                        .find(|l| lb_dimension(&l.arn) == v)?
                        .arn
                        .as_str(),
                ),
                None => None,
            };
            let tg_arns: Vec<&str> = region
                .target_groups
                .iter()
                .filter(|g| tg.is_none_or(|v| tg_dimension(&g.arn) == v))
                .filter(|g| lb_arn.is_none_or(|a| g.load_balancer_arns.iter().any(|x| x == a)))
                .map(|g| g.arn.as_str())
                .collect();
            if tg_arns.is_empty() {
                return None;
            }
            let found: Vec<&Service> = services(region)
                .map(|(_, s)| s)
                .filter(|s| {
                    s.load_balancers
                        .iter()
                        .any(|l| tg_arns.contains(&l.target_group_arn.as_str()))
                })
                .collect();
            (kind, found)
        }
        _ => return None,
    };
    if services.is_empty() {
        return None;
    }
    Some(Series {
        kind,
        services,
        unit: kind.unit(),
    })
}

/// Every metric the region publishes, for ListMetrics.
pub fn list(region: &Region) -> Vec<MetricId> {
    let mut out = Vec::new();
    let metric = |ns: &str, name: &str, dims: Vec<(&str, &str)>| MetricId {
        namespace: ns.to_string(),
        name: name.to_string(),
        dimensions: dims
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    };
    for cluster in &region.clusters {
        if cluster.services.is_empty() {
            continue;
        }
        for (namespace, metrics) in [
            ("AWS/ECS", ECS_METRICS),
            ("ECS/ContainerInsights", INSIGHTS_METRICS),
        ] {
            for (name, _) in metrics {
                out.push(metric(
                    namespace,
                    name,
                    vec![("ClusterName", &cluster.name)],
                ));
                for s in &cluster.services {
                    out.push(metric(
                        namespace,
                        name,
                        vec![("ClusterName", &cluster.name), ("ServiceName", &s.name)],
                    ));
                }
            }
        }
    }
    for lb in &region.load_balancers {
        let lbv = lb_dimension(&lb.arn);
        let groups: Vec<_> = region
            .target_groups
            .iter()
            .filter(|g| g.load_balancer_arns.contains(&lb.arn))
            .collect();
        for (name, kind) in ALB_METRICS {
            if !matches!(kind, Kind::HealthyHosts | Kind::UnhealthyHosts) {
                out.push(metric(
                    "AWS/ApplicationELB",
                    name,
                    vec![("LoadBalancer", lbv)],
                ));
            }
            for g in &groups {
                out.push(metric(
                    "AWS/ApplicationELB",
                    name,
                    vec![("TargetGroup", tg_dimension(&g.arn)), ("LoadBalancer", lbv)],
                ));
            }
        }
    }
    out
}

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
fn service_minute(s: &Service, kind: Kind, t: f64, now: f64) -> Option<Sample> {
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
                    Behaviour::Healthy | Behaviour::SlowStart { .. } => 14.0 + 24.0 * d,
                    Behaviour::HighCpu { cpu } => cpu - 4.0 + 6.0 * d,
                    Behaviour::CrashLoop { .. } => 1.5 + n.abs(),
                    Behaviour::OutOfMemory { .. } => 28.0 + 12.0 * d,
                    Behaviour::FailingHealthCheck => 9.0 + 8.0 * d,
                };
                base + 2.5 * n + if dep { 8.0 } else { 0.0 } + inc.map_or(0.0, |v| 25.0 * v)
            } else {
                let base = match &s.behaviour {
                    Behaviour::Healthy => 32.0 + 6.0 * d,
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
                    if healthy == 0 && !matches!(s.behaviour, Behaviour::FailingHealthCheck) {
                        return Some(Sample {
                            value: 0.0,
                            min: 0.0,
                            max: 0.0,
                            count: 1.0,
                        });
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

/// Latency percentile relative to the mean, for a quantile q in [0, 1].
fn latency_factor(q: f64) -> f64 {
    0.45 + 1.7 * q.powi(3)
}

impl Series<'_> {
    /// The metric kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// CloudWatch unit of the metric.
    pub fn unit(&self) -> &'static str {
        self.unit
    }

    /// One minute across the series' services.
    fn minute(&self, t: f64, now: f64) -> Option<Sample> {
        let mut parts = self
            .services
            .iter()
            .filter_map(|s| service_minute(s, self.kind, t, now).map(|m| (s, m)))
            .peekable();
        parts.peek()?;
        let mut total = Sample {
            value: 0.0,
            min: f64::MAX,
            max: f64::MIN,
            count: 0.0,
        };
        let mut n = 0.0;
        let mut weight = 0.0;
        for (_, m) in parts {
            n += 1.0;
            match self.kind {
                // Utilisation of a cluster is the mean over its services.
                Kind::Cpu | Kind::Memory => {
                    total.value += m.value;
                    total.min = total.min.min(m.min);
                    total.max = total.max.max(m.max);
                }
                // Response time is weighted by requests (its sample count).
                Kind::ResponseTime => {
                    total.value += m.value * m.count;
                    weight += m.count;
                    total.min = total.min.min(m.min);
                    total.max = total.max.max(m.max);
                }
                _ => {
                    total.value += m.value;
                    total.min = total.value;
                    total.max = total.value;
                }
            }
            total.count += m.count;
        }
        match self.kind {
            Kind::Cpu | Kind::Memory => total.value /= n,
            Kind::ResponseTime if weight > 0.0 => total.value /= weight,
            _ => {}
        }
        if !matches!(self.kind, Kind::Cpu | Kind::Memory | Kind::ResponseTime) {
            total.count = 1.0;
        }
        Some(total)
    }

    /// The statistics of the period starting at `start` (aligned), with samples up to `now`;
    /// `None` when nothing was published in it.
    pub fn period(&self, start: f64, period: f64, now: f64, stats: &[Stat]) -> Option<Vec<f64>> {
        // Long periods are estimated from at most 60 evenly spaced minutes.
        let step = if period <= 3600.0 {
            60.0
        } else {
            ((period / 60.0 / 60.0).ceil() * 60.0).max(60.0)
        };
        let mut samples = Vec::with_capacity((period / step) as usize + 1);
        let mut t = start;
        let oldest = now - RETENTION_SECONDS;
        while t < start + period && t <= now {
            if t >= oldest {
                if let Some(m) = self.minute(t, now) {
                    samples.push(m);
                }
            }
            t += step;
        }
        if samples.is_empty() {
            return None;
        }
        let scale = step / 60.0;
        let len = samples.len() as f64;
        let gauge = self.kind.is_gauge();
        Some(
            stats
                .iter()
                .map(|stat| match stat {
                    Stat::Average => samples.iter().map(|m| m.value).sum::<f64>() / len,
                    Stat::Maximum => samples.iter().map(|m| m.max).fold(f64::MIN, f64::max),
                    Stat::Minimum => samples.iter().map(|m| m.min).fold(f64::MAX, f64::min),
                    Stat::SampleCount => samples.iter().map(|m| m.count).sum::<f64>() * scale,
                    Stat::Sum if gauge => {
                        samples.iter().map(|m| m.value * m.count).sum::<f64>() * scale
                    }
                    Stat::Sum => samples.iter().map(|m| m.value).sum::<f64>() * scale,
                    Stat::Percentile(p) => {
                        let q = p / 100.0;
                        let mut values: Vec<f64> = samples
                            .iter()
                            .map(|m| match self.kind {
                                Kind::ResponseTime => m.value * latency_factor(q),
                                _ => m.min + (m.max - m.min) * q,
                            })
                            .collect();
                        values.sort_by(f64::total_cmp);
                        let idx = ((values.len() - 1) as f64 * q).round() as usize;
                        values[idx.min(values.len() - 1)]
                    }
                })
                .map(|v| (v * 10_000.0).round() / 10_000.0)
                .collect(),
        )
    }

    /// Datapoints `(period start, statistics)` between `start` and `end`, oldest first.
    pub fn datapoints(
        &self,
        start: f64,
        end: f64,
        period: f64,
        now: f64,
        stats: &[Stat],
    ) -> Vec<(f64, Vec<f64>)> {
        let mut out = Vec::new();
        if period < 1.0 {
            return out;
        }
        let mut t = (start / period).floor() * period;
        let oldest = ((now - RETENTION_SECONDS) / period).floor() * period;
        if t < oldest {
            t = oldest;
        }
        while t < end && t <= now {
            if let Some(values) = self.period(t, period, now, stats) {
                out.push((t, values));
            }
            t += period;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    fn demo() -> World {
        let scenario = crate::scenario::Scenario::load("demo").expect("demo scenario");
        World::from_scenario(scenario, crate::clock::Clock::new(1.0)).expect("demo world")
    }

    fn region<'a>(w: &'a World, account: &str, name: &str) -> &'a Region {
        w.region(account, name).expect("region")
    }

    const COM: &str = "123456789012";
    const GOV: &str = "210987654321";

    fn metric(ns: &str, name: &str, dims: &[(&str, &str)]) -> MetricId {
        MetricId {
            namespace: ns.into(),
            name: name.into(),
            dimensions: dims
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    fn ecs(name: &str, cluster: &str, service: Option<&str>) -> MetricId {
        match service {
            Some(s) => metric(
                "AWS/ECS",
                name,
                &[("ClusterName", cluster), ("ServiceName", s)],
            ),
            None => metric("AWS/ECS", name, &[("ClusterName", cluster)]),
        }
    }

    fn lb_dim(r: &Region, name: &str) -> String {
        let lb = r
            .load_balancers
            .iter()
            .find(|l| l.name == name)
            .expect("load balancer");
        lb_dimension(&lb.arn).to_string()
    }

    fn tg_dim(r: &Region, name: &str) -> String {
        let tg = r
            .target_groups
            .iter()
            .find(|g| g.name == name)
            .expect("target group");
        tg_dimension(&tg.arn).to_string()
    }

    #[test]
    fn stats_parse_including_percentiles() {
        assert_eq!(Stat::parse("Average"), Some(Stat::Average));
        assert_eq!(Stat::parse("p90"), Some(Stat::Percentile(90.0)));
        assert_eq!(Stat::parse("p99.9"), Some(Stat::Percentile(99.9)));
        assert_eq!(Stat::parse("p101"), None);
        assert_eq!(Stat::parse("average"), None);
    }

    #[test]
    fn dimension_values_come_from_arns() {
        assert_eq!(
            lb_dimension("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/123"),
            "app/x/123"
        );
        assert_eq!(
            tg_dimension("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/123"),
            "targetgroup/x/123"
        );
    }

    #[test]
    fn values_are_deterministic_in_range_and_follow_the_day() {
        let w = demo();
        let now = w.clock.now();
        let r = region(&w, COM, "us-east-1");
        let s = resolve(
            r,
            &ecs(
                "CPUUtilization",
                "coe-ecs-staging",
                Some("api-staging-Service"),
            ),
        )
        .expect("resolves");
        let stats = [Stat::Average, Stat::Maximum];
        let a = s.datapoints(now - 86400.0, now, 300.0, now, &stats);
        let b = s.datapoints(now - 86400.0, now, 300.0, now, &stats);
        assert_eq!(a, b);
        assert!(a.len() >= 287, "{}", a.len());
        for (_, v) in &a {
            assert!(v[0] > 0.0 && v[0] < 70.0, "healthy CPU {v:?}");
            assert!(v[1] >= v[0]);
        }
        let day = (now / 86400.0).floor() * 86400.0 - 86400.0;
        let at = |h: f64| {
            s.period(day + h * 3600.0, 3600.0, now, &[Stat::Average])
                .expect("data")[0]
        };
        assert!(at(15.0) > at(3.0) + 10.0, "{} vs {}", at(15.0), at(3.0));
    }

    #[test]
    fn high_cpu_sits_near_its_value_and_oom_memory_reaches_full() {
        let w = demo();
        let now = w.clock.now();
        let r = region(&w, COM, "us-east-1");
        let cpu = resolve(
            r,
            &ecs(
                "CPUUtilization",
                "coe-ecs-staging",
                Some("search-staging-Service"),
            ),
        )
        .and_then(|s| s.period(now - 3600.0, 3600.0, now, &[Stat::Average]))
        .expect("cpu");
        assert!(cpu[0] > 80.0 && cpu[0] <= 100.0, "{cpu:?}");
        let mem = resolve(
            r,
            &ecs(
                "MemoryUtilization",
                "coe-ecs-staging",
                Some("reports-staging-Service"),
            ),
        )
        .and_then(|s| {
            s.period(
                now - 6.0 * 3600.0,
                6.0 * 3600.0,
                now,
                &[Stat::Minimum, Stat::Average],
            )
        })
        .expect("memory");
        let series = resolve(
            r,
            &ecs(
                "MemoryUtilization",
                "coe-ecs-staging",
                Some("reports-staging-Service"),
            ),
        )
        .expect("memory series");
        let peak = series
            .datapoints(now - 6.0 * 3600.0, now, 60.0, now, &[Stat::Average])
            .iter()
            .map(|(_, v)| v[0])
            .fold(0.0, f64::max);
        assert!(peak > 95.0, "OOM memory peak {peak}");
        assert!(mem[0] < 60.0, "sawtooth restarts low: {mem:?}");
    }

    #[test]
    fn cluster_metrics_average_services_and_alb_counts_sum() {
        let w = demo();
        let now = w.clock.now();
        let r = region(&w, GOV, "us-gov-east-1");
        let t = ((now - 600.0) / 60.0).floor() * 60.0;
        let get = |m: MetricId, stat: Stat| {
            resolve(r, &m).and_then(|s| s.period(t, 60.0, now, &[stat]).map(|v| v[0]))
        };
        let cluster =
            get(ecs("CPUUtilization", "coe-ecs-prod", None), Stat::Average).expect("cluster");
        let etl = get(
            ecs(
                "CPUUtilization",
                "coe-ecs-prod",
                Some("coe-etl-prod-Service"),
            ),
            Stat::Average,
        )
        .expect("etl");
        let api = get(
            ecs(
                "CPUUtilization",
                "coe-ecs-prod",
                Some("coe-api-prod-Service"),
            ),
            Stat::Average,
        )
        .expect("api");
        assert!((cluster - (etl + api) / 2.0).abs() < 0.01);
        let lb = lb_dim(r, "coe-prod-alb");
        let ns = "AWS/ApplicationELB";
        let by_lb = get(
            metric(ns, "RequestCount", &[("LoadBalancer", &lb)]),
            Stat::Sum,
        )
        .expect("lb");
        let by_tgs: f64 = ["coe-etl-prod-tg", "coe-api-prod-tg"]
            .iter()
            .map(|g| {
                get(
                    metric(
                        ns,
                        "RequestCount",
                        &[("TargetGroup", &tg_dim(r, g)), ("LoadBalancer", &lb)],
                    ),
                    Stat::Sum,
                )
                .expect("tg")
            })
            .sum();
        assert_eq!(by_lb, by_tgs);
        assert!(by_lb > 50.0);
        assert!(resolve(
            r,
            &metric(ns, "RequestCount", &[("LoadBalancer", "app/nope/1")])
        )
        .is_none());
        assert!(resolve(
            r,
            &metric("AWS/ECS", "CPUUtilization", &[("ServiceName", "x")])
        )
        .is_none());
        let healthy = get(
            metric(
                ns,
                "HealthyHostCount",
                &[
                    ("TargetGroup", &tg_dim(r, "coe-etl-prod-tg")),
                    ("LoadBalancer", &lb),
                ],
            ),
            Stat::Minimum,
        );
        assert_eq!(healthy, Some(1.0));
    }

    #[test]
    fn no_data_after_now_or_before_retention() {
        let w = demo();
        let now = w.clock.now();
        let r = region(&w, GOV, "us-gov-east-1");
        let s = resolve(r, &ecs("CPUUtilization", "wft-ecs-prod", None)).expect("resolves");
        let points = s.datapoints(
            now - 30.0 * 86400.0,
            now + 7200.0,
            3600.0,
            now,
            &[Stat::Average],
        );
        assert!(points.iter().all(|(t, _)| *t <= now));
        assert!(points
            .iter()
            .all(|(t, _)| *t >= now - RETENTION_SECONDS - 3600.0));
        assert!(points.len() as f64 >= 14.0 * 24.0, "{}", points.len());
    }

    #[test]
    fn deployments_bump_cpu() {
        let mut w = demo();
        let now = w.clock.now();
        let m = ecs(
            "CPUUtilization",
            "wft-ecs-prod",
            Some("wft-etl-prod-Service"),
        );
        let cpu = |w: &World| {
            resolve(region(w, GOV, "us-gov-east-1"), &m)
                .and_then(|s| s.period(now - 600.0, 600.0, now, &[Stat::Average]))
                .expect("data")[0]
        };
        let base = cpu(&w);
        let svc = w
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.iter_mut())
            .flat_map(|r| r.clusters.iter_mut())
            .flat_map(|c| c.services.iter_mut())
            .find(|s| s.name == "wft-etl-prod-Service")
            .expect("service");
        let mut dep = svc.deployments[0].clone();
        dep.rollout_state = "IN_PROGRESS".into();
        dep.created_at = now - 900.0;
        svc.deployments.push(dep);
        let bumped = cpu(&w);
        assert!(bumped > base + 5.0, "{base} -> {bumped}");
    }

    #[test]
    fn percentiles_of_response_time_exceed_the_mean() {
        let w = demo();
        let now = w.clock.now();
        let r = region(&w, COM, "us-east-1");
        let lb = r.load_balancers.first().expect("an ALB");
        let m = metric(
            "AWS/ApplicationELB",
            "TargetResponseTime",
            &[("LoadBalancer", lb_dimension(&lb.arn))],
        );
        let v = resolve(r, &m)
            .and_then(|s| {
                s.period(
                    now - 3600.0,
                    3600.0,
                    now,
                    &[Stat::Average, Stat::Percentile(90.0)],
                )
            })
            .expect("data");
        assert!(v[1] > v[0] && v[0] > 0.0 && v[0] < 0.5, "{v:?}");
    }

    #[test]
    fn list_names_every_service_metric() {
        let w = demo();
        let r = region(&w, COM, "us-east-1");
        let all = list(r);
        assert!(all.contains(&ecs(
            "MemoryUtilization",
            "coe-ecs-staging",
            Some("worker-staging-Service")
        )));
        assert!(
            all.iter().all(|m| resolve(r, m).is_some()),
            "every listed metric resolves"
        );
    }

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
