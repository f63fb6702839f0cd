//! Load balancing of a service: its target groups, their load balancers and the health of every
//! registered target (runbook 001 step 3, `aws elbv2 describe-target-health`).

use std::sync::Arc;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::target::load_balancer_dimension;
use crate::model::target::target_group_dimension;
use crate::model::target::TargetGroupHealth;
use crate::model::target::TargetGroupRef;
use crate::model::target::TargetInfo;

/// A service as the health views need it: the SDK service plus its resolved target groups.
#[derive(Debug, Clone)]
pub struct ServiceContext {
    /// Cluster name or ARN as the caller gave it.
    pub cluster: String,
    /// Cluster name (for the CloudWatch `ClusterName` dimension).
    pub cluster_name: String,
    /// The service as DescribeServices returned it.
    pub service: aws_sdk_ecs::types::Service,
    /// Its target groups (empty for services without a load balancer).
    pub target_groups: Vec<TargetGroupRef>,
}

impl ServiceContext {
    /// The service name.
    pub fn name(&self) -> &str {
        self.service.service_name().unwrap_or_default()
    }
}

/// DescribeTargetGroups accepts at most 20 target group ARNs a call.
const DESCRIBE_TARGET_GROUPS_BATCH: usize = 20;

/// The SDK service `service` of `cluster` (one DescribeServices call, shared with the other
/// views of the service within the freshness window).
pub(crate) async fn describe_service(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<aws_sdk_ecs::types::Service, CoreError> {
    let found = crate::read::services::describe_service(session, cluster, service).await?;
    Ok(found.as_ref().clone())
}

/// Resolves the target groups of `service` (DescribeTargetGroups; none when it has no ALB),
/// shared by the service's views (they change only when the service is re-created).
pub(crate) async fn target_groups_of(
    session: &Session,
    service: &aws_sdk_ecs::types::Service,
) -> Result<Vec<TargetGroupRef>, CoreError> {
    let arns = crate::read::described::target_group_arns(service);
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let found = session
        .reads()
        .table("target-groups", crate::util::freshness::DEFINITION_TTL)
        .get(arns.clone(), || async {
            fetch_target_groups(session, &arns).await.map(Arc::new)
        })
        .await?;
    Ok(found.as_ref().clone())
}

/// DescribeTargetGroups of `arns`, 20 a call, in the order given.
async fn fetch_target_groups(
    session: &Session,
    arns: &[String],
) -> Result<Vec<TargetGroupRef>, CoreError> {
    let mut out = Vec::new();
    for batch in arns.chunks(DESCRIBE_TARGET_GROUPS_BATCH) {
        let reply = session
            .elbv2
            .describe_target_groups()
            .set_target_group_arns(Some(batch.to_vec()))
            .send()
            .await
            .map_err(session.error("elasticloadbalancing:DescribeTargetGroups"))?;
        for group in reply.target_groups() {
            let arn = group.target_group_arn().unwrap_or_default().to_string();
            let lb_arn = group.load_balancer_arns().first().cloned();
            out.push(TargetGroupRef {
                name: group
                    .target_group_name()
                    .map(str::to_string)
                    .unwrap_or_else(|| arn.split('/').nth(1).unwrap_or_default().to_string()),
                dimension: target_group_dimension(&arn),
                load_balancer_dimension: lb_arn.as_deref().map(load_balancer_dimension),
                load_balancer_name: lb_arn
                    .as_deref()
                    .and_then(|a| a.split('/').nth(2))
                    .map(str::to_string),
                load_balancer_arn: lb_arn,
                health_check_path: group.health_check_path().map(str::to_string),
                port: group.port(),
                arn,
            });
        }
    }
    // Keep the order of the service's own load balancer list.
    out.sort_by_key(|g| arns.iter().position(|a| *a == g.arn).unwrap_or(usize::MAX));
    Ok(out)
}

/// DescribeServices plus DescribeTargetGroups: everything the health views start from.
pub async fn service_context(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<ServiceContext, CoreError> {
    let found = describe_service(session, cluster, service).await?;
    let target_groups = target_groups_of(session, &found).await?;
    let cluster_name = found
        .cluster_arn()
        .map(crate::util::arn::arn_name)
        .unwrap_or_else(|| crate::util::arn::arn_name(cluster));
    Ok(ServiceContext {
        cluster: cluster.to_string(),
        cluster_name,
        service: found,
        target_groups,
    })
}

/// DescribeTargetHealth of every target group in `ctx`, shared by the views that ask within the
/// freshness window (the health banner and the Targets tab).
pub async fn target_health_of(
    session: &Session,
    ctx: &ServiceContext,
) -> Result<Vec<TargetGroupHealth>, CoreError> {
    if ctx.target_groups.is_empty() {
        return Ok(Vec::new());
    }
    let key: Vec<String> = ctx.target_groups.iter().map(|g| g.arn.clone()).collect();
    let found = session
        .reads()
        .table("target-health", crate::util::freshness::DESCRIBE_TTL)
        .get(key, || async {
            fetch_target_health(session, ctx).await.map(Arc::new)
        })
        .await?;
    Ok(found.as_ref().clone())
}

/// DescribeTargetHealth of each target group of `ctx`, all at once.
async fn fetch_target_health(
    session: &Session,
    ctx: &ServiceContext,
) -> Result<Vec<TargetGroupHealth>, CoreError> {
    let mut out = Vec::new();
    for group in &ctx.target_groups {
        let reply = session
            .elbv2
            .describe_target_health()
            .target_group_arn(&group.arn)
            .send()
            .await
            .map_err(session.error("elasticloadbalancing:DescribeTargetHealth"))?;
        let targets: Vec<TargetInfo> = reply
            .target_health_descriptions()
            .iter()
            .map(|d| {
                let target = d.target();
                let health = d.target_health();
                TargetInfo {
                    id: target.and_then(|t| t.id()).unwrap_or_default().to_string(),
                    port: target.and_then(|t| t.port()),
                    availability_zone: target
                        .and_then(|t| t.availability_zone())
                        .map(str::to_string),
                    state: health
                        .and_then(|h| h.state())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "unknown".to_string()),
                    reason: health
                        .and_then(|h| h.reason())
                        .map(|r| r.as_str().to_string()),
                    description: health.and_then(|h| h.description()).map(str::to_string),
                }
            })
            .collect();
        let count = |state: &str| targets.iter().filter(|t| t.state == state).count() as u32;
        out.push(TargetGroupHealth {
            arn: group.arn.clone(),
            name: group.name.clone(),
            load_balancer_name: group.load_balancer_name.clone(),
            health_check_path: group.health_check_path.clone(),
            healthy: count("healthy"),
            unhealthy: count("unhealthy"),
            targets,
        });
    }
    Ok(out)
}

/// Target health of every target group of `service`.
pub async fn target_health(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<Vec<TargetGroupHealth>, CoreError> {
    let ctx = service_context(session, cluster, service).await?;
    target_health_of(session, &ctx).await
}
