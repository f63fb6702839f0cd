//! A service's CloudWatch metrics for one time range, fetched with ONE logical GetMetricData
//! request (all pages of it): ECS CPU and memory, and per target group the ALB request count,
//! 5xx count, response time and healthy/unhealthy host counts. The result is kept for a minute
//! in a [`MetricsCache`] so the health banner, the charts and a PNG export of the same range
//! share one call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_smithy_types::DateTime;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::metrics::window;
use crate::model::metrics::FetchedMetrics;
use crate::model::metrics::LatestValues;
use crate::model::metrics::MetricGroup;
use crate::model::metrics::MetricRange;
use crate::model::metrics::Points;
use crate::model::metrics::Window;
use crate::read::targets::ServiceContext;

/// One GetMetricData query of a service.
#[derive(Debug, Clone, PartialEq)]
struct QuerySpec {
    id: String,
    namespace: &'static str,
    metric: &'static str,
    dimensions: Vec<(&'static str, String)>,
    stat: &'static str,
}

/// An application load balancer's metrics of a target group: (query id, metric, statistic).
const ALB_QUERIES: &[(&str, &str, &str)] = &[
    ("req", "RequestCount", "Sum"),
    ("e5xx", "HTTPCode_Target_5XX_Count", "Sum"),
    ("rt_avg", "TargetResponseTime", "Average"),
    ("rt_p90", "TargetResponseTime", "p90"),
    ("healthy", "HealthyHostCount", "Minimum"),
    ("unhealthy", "UnHealthyHostCount", "Maximum"),
];

/// A network load balancer's (TCP: connections, not requests).
const NLB_QUERIES: &[(&str, &str, &str)] = &[
    ("flows", "NewFlowCount", "Sum"),
    ("resets", "TCP_Target_Reset_Count", "Sum"),
    ("healthy", "HealthyHostCount", "Minimum"),
    ("unhealthy", "UnHealthyHostCount", "Maximum"),
];

/// The queries of a service: ECS CPU/memory, then per target group (`_N`) its load balancer's
/// metrics, from `AWS/ApplicationELB` or `AWS/NetworkELB`.
fn queries(ctx: &ServiceContext) -> Vec<QuerySpec> {
    let ecs_dims = vec![
        ("ClusterName", ctx.cluster_name.clone()),
        ("ServiceName", ctx.name().to_string()),
    ];
    let ecs = |id: &str, metric, stat| QuerySpec {
        id: id.to_string(),
        namespace: "AWS/ECS",
        metric,
        dimensions: ecs_dims.clone(),
        stat,
    };
    let mut out = vec![
        ecs("cpu_avg", "CPUUtilization", "Average"),
        ecs("cpu_max", "CPUUtilization", "Maximum"),
        ecs("mem_avg", "MemoryUtilization", "Average"),
        ecs("mem_max", "MemoryUtilization", "Maximum"),
    ];
    for (i, group) in ctx.target_groups.iter().enumerate() {
        let mut dims = vec![("TargetGroup", group.dimension.clone())];
        if let Some(lb) = &group.load_balancer_dimension {
            dims.push(("LoadBalancer", lb.clone()));
        }
        let (namespace, metrics) = if group.is_network() {
            ("AWS/NetworkELB", NLB_QUERIES)
        } else {
            ("AWS/ApplicationELB", ALB_QUERIES)
        };
        for &(id, metric, stat) in metrics {
            out.push(QuerySpec {
                id: format!("{id}_{i}"),
                namespace,
                metric,
                dimensions: dims.clone(),
                stat,
            });
        }
    }
    out
}

/// The SDK form of a query.
fn sdk_query(q: &QuerySpec, period: i32) -> MetricDataQuery {
    let metric = Metric::builder()
        .namespace(q.namespace)
        .metric_name(q.metric)
        .set_dimensions(Some(
            q.dimensions
                .iter()
                .map(|(n, v)| Dimension::builder().name(*n).value(v).build())
                .collect(),
        ))
        .build();
    MetricDataQuery::builder()
        .id(&q.id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(period)
                .stat(q.stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// Deployment marks from the service's deployments and its "deployment completed" /
/// "rolling back" events.
fn markers(ctx: &ServiceContext, window: &Window) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = Vec::new();
    for d in ctx.service.deployments() {
        if let Some(t) = d.created_at() {
            let (_, rev) = crate::model::service::task_definition_label(
                d.task_definition().unwrap_or_default(),
            );
            out.push((t.secs(), format!("deploy :{rev}")));
        }
    }
    for e in ctx.service.events() {
        let message = e.message().unwrap_or_default();
        let label = if message.contains("rolling back") {
            "rollback"
        } else if message.contains("deployment completed") {
            "deployed"
        } else {
            continue;
        };
        if let Some(t) = e.created_at() {
            out.push((t.secs(), label.to_string()));
        }
    }
    out.retain(|(t, _)| *t >= window.start && *t <= window.end);
    out.sort();
    out.dedup();
    out
}

/// Fetches every metric of `ctx` for `window` in one GetMetricData request (following NextToken).
pub async fn fetch(
    session: &Session,
    ctx: &ServiceContext,
    window: Window,
) -> Result<FetchedMetrics, CoreError> {
    let queries = queries(ctx)
        .iter()
        .map(|q| sdk_query(q, window.period))
        .collect();
    let series = get_metric_data(session, queries, window.start, window.end).await?;
    Ok(FetchedMetrics {
        window,
        series,
        target_groups: ctx
            .target_groups
            .iter()
            .map(|g| MetricGroup {
                name: g.name.clone(),
                network: g.is_network(),
            })
            .collect(),
        markers: markers(ctx, &window),
    })
}

/// Queries one GetMetricData request may carry (the API's limit).
pub const MAX_QUERIES_PER_CALL: usize = 500;

/// Runs `queries` from `start` to `end` (epoch seconds), [`MAX_QUERIES_PER_CALL`] a request and
/// following NextToken: every query's points by id, oldest first.
pub async fn get_metric_data(
    session: &Session,
    queries: Vec<MetricDataQuery>,
    start: i64,
    end: i64,
) -> Result<HashMap<String, Points>, CoreError> {
    let mut series: HashMap<String, Points> = HashMap::new();
    for chunk in queries.chunks(MAX_QUERIES_PER_CALL) {
        let mut token: Option<String> = None;
        loop {
            let reply = session
                .cloudwatch
                .get_metric_data()
                .set_metric_data_queries(Some(chunk.to_vec()))
                .start_time(DateTime::from_secs(start))
                .end_time(DateTime::from_secs(end))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(session.error("cloudwatch:GetMetricData"))?;
            for result in reply.metric_data_results() {
                let Some(id) = result.id() else { continue };
                series.entry(id.to_string()).or_default().extend(
                    result
                        .timestamps()
                        .iter()
                        .zip(result.values())
                        .map(|(t, v)| (t.secs(), *v)),
                );
            }
            match reply.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_string()),
                _ => break,
            }
        }
    }
    for points in series.values_mut() {
        points.sort_by_key(|(t, _)| *t);
        points.dedup_by_key(|(t, _)| *t);
    }
    Ok(series)
}

/// The average CPU or memory query `id` of `service` in `cluster` (AWS/ECS), one point a `period`.
pub fn ecs_usage_query(
    id: &str,
    metric: &'static str,
    cluster: &str,
    service: &str,
    period: i32,
) -> MetricDataQuery {
    let spec = QuerySpec {
        id: id.to_string(),
        namespace: "AWS/ECS",
        metric,
        dimensions: vec![
            ("ClusterName", cluster.to_string()),
            ("ServiceName", service.to_string()),
        ],
        stat: "Average",
    };
    sdk_query(&spec, period)
}

/// How far back the list's roll-up looks for each service's latest CPU and memory.
const USAGE_LOOKBACK: i64 = 15 * 60;
/// How long those values are shared: CloudWatch has a new point a minute at most.
const USAGE_TTL: Duration = Duration::from_secs(55);

/// The latest five-minute average CPU and memory of each of `services` of `cluster`, by service
/// name (services without data are left out): two queries a service, so 250 services a call,
/// shared for a minute by the views that ask (the services list, the fleet view).
pub async fn latest_usage(
    session: &Session,
    cluster: &str,
    services: &[String],
) -> Result<Arc<HashMap<String, LatestValues>>, CoreError> {
    let key = (cluster.to_string(), services.to_vec());
    session
        .reads()
        .table("latest-usage", USAGE_TTL)
        .get(key, || async {
            let end = chrono::Utc::now().timestamp() / 60 * 60;
            let queries = services
                .iter()
                .enumerate()
                .flat_map(|(i, name)| {
                    [
                        ecs_usage_query(&format!("c{i}"), "CPUUtilization", cluster, name, 300),
                        ecs_usage_query(&format!("m{i}"), "MemoryUtilization", cluster, name, 300),
                    ]
                })
                .collect();
            let series = get_metric_data(session, queries, end - USAGE_LOOKBACK, end).await?;
            let newest = |id: String| series.get(&id).and_then(|p| p.last()).map(|(_, v)| *v);
            let usage = services
                .iter()
                .enumerate()
                .filter_map(|(i, name)| {
                    let values = LatestValues {
                        cpu_percent: newest(format!("c{i}")),
                        memory_percent: newest(format!("m{i}")),
                        ..Default::default()
                    };
                    (values.cpu_percent.is_some() || values.memory_percent.is_some())
                        .then(|| (name.clone(), values))
                })
                .collect();
            Ok(Arc::new(usage))
        })
        .await
}

/// Cache key: session, region, cluster, service and window.
type CacheKey = (String, String, String, String, Window);

/// A cached fetch and when it was made.
type CacheEntry = (Instant, Arc<FetchedMetrics>);

/// How long a fetch is reused.
const CACHE_TTL: Duration = Duration::from_secs(55);

/// Recent fetches, shared by the commands of one app (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct MetricsCache {
    entries: Arc<Mutex<HashMap<CacheKey, CacheEntry>>>,
}

impl MetricsCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The metrics of `ctx` for `range`: from the cache if fetched within the last minute,
    /// else with one GetMetricData request.
    pub async fn get(
        &self,
        session: &Session,
        ctx: &ServiceContext,
        range: &MetricRange,
    ) -> Result<Arc<FetchedMetrics>, CoreError> {
        let now = chrono::Utc::now().timestamp();
        let window = window(range, now)?;
        let key = (
            session.info().id.clone(),
            session.info().region.clone(),
            ctx.cluster_name.clone(),
            ctx.name().to_string(),
            window,
        );
        if let Some(hit) = self.lookup(&key) {
            return Ok(hit);
        }
        let fetched = Arc::new(fetch(session, ctx, window).await?);
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (at, _)| at.elapsed() < CACHE_TTL);
            entries.insert(key, (Instant::now(), fetched.clone()));
        }
        Ok(fetched)
    }

    /// A fresh cached entry for `key`.
    fn lookup(&self, key: &CacheKey) -> Option<Arc<FetchedMetrics>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, m)| m.clone())
    }
}
