//! CloudWatch alarms that watch a service: on its ECS metrics or on its load balancer and
//! target groups. The region's alarms are fetched once (all pages) and filtered here, because
//! DescribeAlarms cannot filter by dimension.

use std::sync::Arc;

use aws_sdk_cloudwatch::types::MetricAlarm;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::alarm::{is_scaling_alarm, AlarmInfo};
use crate::read::targets::service_context;
use crate::read::targets::ServiceContext;
use crate::util::freshness::DESCRIBE_TTL;
use crate::util::time::sdk_rfc3339;

/// Whether the dimensions of one metric point at this service, its load balancer or target group.
fn watches(ctx: &ServiceContext, dims: &[aws_sdk_cloudwatch::types::Dimension]) -> bool {
    let get = |name: &str| {
        dims.iter()
            .find(|d| d.name() == Some(name))
            .and_then(|d| d.value())
    };
    if let Some(service) = get("ServiceName") {
        return service == ctx.name() && get("ClusterName").is_none_or(|c| c == ctx.cluster_name);
    }
    if let Some(tg) = get("TargetGroup") {
        return ctx.target_groups.iter().any(|g| g.dimension == tg);
    }
    if let Some(lb) = get("LoadBalancer") {
        return ctx
            .target_groups
            .iter()
            .any(|g| g.load_balancer_dimension.as_deref() == Some(lb));
    }
    false
}

/// The comparison operator as a symbol.
fn symbol(op: &str) -> &str {
    match op {
        "GreaterThanThreshold" => ">",
        "GreaterThanOrEqualToThreshold" => "≥",
        "LessThanThreshold" => "<",
        "LessThanOrEqualToThreshold" => "≤",
        other => other,
    }
}

/// Maps an SDK alarm.
fn alarm(a: &MetricAlarm) -> AlarmInfo {
    let statistic = a
        .extended_statistic()
        .map(str::to_string)
        .or_else(|| a.statistic().map(|s| s.as_str().to_string()));
    let comparison = a.comparison_operator().map(|c| c.as_str().to_string());
    let period_min = a.period().unwrap_or(60) / 60;
    let rule = format!(
        "{} {} {} {} for {} × {} min",
        a.metric_name().unwrap_or("metric"),
        statistic.as_deref().unwrap_or(""),
        symbol(comparison.as_deref().unwrap_or("?")),
        a.threshold()
            .map(|t| format!("{t}"))
            .unwrap_or_else(|| "?".into()),
        a.evaluation_periods().unwrap_or(1),
        period_min.max(1)
    );
    AlarmInfo {
        scaling: is_scaling_alarm(a.alarm_name().unwrap_or_default(), a.alarm_description()),
        name: a.alarm_name().unwrap_or_default().to_string(),
        description: a.alarm_description().map(str::to_string),
        state: a
            .state_value()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "INSUFFICIENT_DATA".into()),
        state_reason: a.state_reason().map(str::to_string),
        state_updated_at: sdk_rfc3339(a.state_updated_timestamp()),
        namespace: a.namespace().map(str::to_string),
        metric: a.metric_name().map(str::to_string),
        statistic,
        threshold: a.threshold(),
        comparison,
        rule,
    }
}

/// Every metric alarm of the session's region (all pages), shared by the views that ask within
/// the freshness window: the health banner and the Alarms tab need the same list.
async fn region_alarms(session: &Session) -> Result<Arc<Vec<MetricAlarm>>, CoreError> {
    session
        .reads()
        .table("region-alarms", DESCRIBE_TTL)
        .get((), || async {
            let pages: Vec<aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput> =
                session
                    .cloudwatch
                    .describe_alarms()
                    .max_records(100)
                    .into_paginator()
                    .send()
                    .try_collect()
                    .await
                    .map_err(session.error("cloudwatch:DescribeAlarms"))?;
            Ok(Arc::new(
                pages
                    .iter()
                    .flat_map(|p| p.metric_alarms())
                    .cloned()
                    .collect(),
            ))
        })
        .await
}

/// The alarms of the region that watch the service of `ctx` (ALARM first, then by name).
pub async fn alarms_of(
    session: &Session,
    ctx: &ServiceContext,
) -> Result<Vec<AlarmInfo>, CoreError> {
    let all = region_alarms(session).await?;
    let mut out: Vec<AlarmInfo> = all
        .iter()
        .filter(|a| {
            watches(ctx, a.dimensions())
                || a.metrics().iter().any(|q| {
                    q.metric_stat()
                        .and_then(|s| s.metric())
                        .is_some_and(|m| watches(ctx, m.dimensions()))
                })
        })
        .map(alarm)
        .collect();
    out.sort_by(|a, b| {
        (b.state == "ALARM")
            .cmp(&(a.state == "ALARM"))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(out)
}

/// The alarms watching `service` of `cluster`.
pub async fn service_alarms(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<Vec<AlarmInfo>, CoreError> {
    let ctx = service_context(session, cluster, service).await?;
    alarms_of(session, &ctx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_read_naturally() {
        assert_eq!(symbol("GreaterThanThreshold"), ">");
        assert_eq!(symbol("LessThanThreshold"), "<");
        assert_eq!(symbol("Other"), "Other");
    }
}
