//! Metric series generated from the simulated fleet, with no storage: the value of any
//! (metric, dimensions, time, period, statistic) is computed from the service's behaviour, its
//! recorded history (running tasks, healthy targets), its deployments and a few past incidents.
//!
//! Every service has a daily shape (a sinusoid peaking mid-afternoon UTC) plus hashed noise, so
//! the same query always answers the same numbers. Past incidents are placed on whole UTC days
//! before today, so they never appear in the last hours of a fresh demo and never move.
//!
//! `noise` makes the stable pseudo-random numbers, `generate` one minute of one service's metric,
//! and `series` aggregates minutes over services and periods into statistics; this module names
//! the metrics and resolves a CloudWatch metric to the services it describes.

mod generate;
mod noise;
mod series;

use crate::world::{Region, Service};

pub use noise::{hash_str, mix, unit};

/// A service's average CPU utilisation over the minute holding `t`, as CloudWatch publishes it;
/// None when no task ran.
pub fn service_cpu(s: &Service, t: f64, now: f64) -> Option<f64> {
    generate::service_minute(s, Kind::Cpu, t, now).map(|m| m.value)
}

/// Oldest data served, in seconds before now (CloudWatch keeps one-minute data for 15 days).
pub const RETENTION_SECONDS: f64 = 15.0 * 86400.0;

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
    /// AWS/ApplicationELB and AWS/NetworkELB HealthyHostCount.
    HealthyHosts,
    /// AWS/ApplicationELB and AWS/NetworkELB UnHealthyHostCount.
    UnhealthyHosts,
    /// AWS/NetworkELB NewFlowCount (new TCP connections).
    NewFlows,
    /// AWS/NetworkELB TCP_Target_Reset_Count (resets sent by targets).
    TargetResets,
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

/// Network Load Balancer metric names (no requests, HTTP codes or response times: it sees TCP).
pub const NLB_METRICS: &[(&str, Kind)] = &[
    ("NewFlowCount", Kind::NewFlows),
    ("TCP_Target_Reset_Count", Kind::TargetResets),
    ("HealthyHostCount", Kind::HealthyHosts),
    ("UnHealthyHostCount", Kind::UnhealthyHosts),
];

/// Whether a load balancer ARN (or its dimension value) is a network load balancer's.
pub fn is_network(lb: &str) -> bool {
    lb_dimension(lb).starts_with("net/")
}

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
        !matches!(
            self,
            Kind::Requests | Kind::Target5xx | Kind::NewFlows | Kind::TargetResets
        )
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
        ns @ ("AWS/ApplicationELB" | "AWS/NetworkELB") => {
            // Each namespace knows only its own kind of load balancer.
            let network = ns == "AWS/NetworkELB";
            let table = if network { NLB_METRICS } else { ALB_METRICS };
            let kind = table
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
                        .find(|l| lb_dimension(&l.arn) == v && is_network(&l.arn) == network)?
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
                .filter(|g| {
                    g.load_balancer_arns
                        .iter()
                        .any(|a| is_network(a) == network)
                })
                .map(|g| g.arn.as_str())
                .collect();
            if tg_arns.is_empty() {
                return None;
            }
            let found: Vec<&Service> = services(region)
                .map(|(_, s)| s)
                // Blue/green services own both target groups of their pair.
                .filter(|s| {
                    s.target_group_arns()
                        .iter()
                        .any(|arn| tg_arns.contains(&arn.as_str()))
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
        let (namespace, table) = if is_network(&lb.arn) {
            ("AWS/NetworkELB", NLB_METRICS)
        } else {
            ("AWS/ApplicationELB", ALB_METRICS)
        };
        for (name, kind) in table {
            if !matches!(kind, Kind::HealthyHosts | Kind::UnhealthyHosts) {
                out.push(metric(namespace, name, vec![("LoadBalancer", lbv)]));
            }
            for g in &groups {
                out.push(metric(
                    namespace,
                    name,
                    vec![("TargetGroup", tg_dimension(&g.arn)), ("LoadBalancer", lbv)],
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod demo_tests;

#[cfg(test)]
mod tests {
    use super::*;

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
}
