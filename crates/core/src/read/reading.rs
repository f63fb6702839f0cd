//! One reading of a service as actions see it: DescribeServices, its tasks (running and recently
//! stopped, with the deployment that started each) and the health of its load balancer targets.

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::reading::ServiceSnapshot;

use crate::model::reading::SnapTarget;
use crate::model::reading::SnapTask;
use crate::model::service::task_definition_label;
use crate::read::tasks::{describe_tasks, list_task_arns, private_ip};
use crate::util::arn::arn_name;
use crate::util::time::sdk_rfc3339;

/// Maps an SDK task.
fn snap_task(t: &aws_sdk_ecs::types::Task) -> SnapTask {
    let first = t.containers().first();
    SnapTask {
        id: arn_name(t.task_arn().unwrap_or_default()),
        last_status: t.last_status().unwrap_or_default().to_string(),
        desired_status: t.desired_status().unwrap_or_default().to_string(),
        health: t.health_status().map(|h| h.as_str().to_string()),
        started_by: t.started_by().map(str::to_string),
        private_ip: private_ip(t),
        container_instance: t.container_instance_arn().map(str::to_string),
        instance_id: None,
        host_ports: t
            .containers()
            .iter()
            .flat_map(|c| c.network_bindings())
            .filter_map(|b| b.host_port())
            .collect(),
        task_definition: task_definition_label(t.task_definition_arn().unwrap_or_default()).0,
        stopped_reason: t.stopped_reason().map(str::to_string),
        exit_code: first.and_then(|c| c.exit_code()),
        container_reason: first.and_then(|c| c.reason()).map(str::to_string),
        created_at: sdk_rfc3339(t.created_at()),
    }
}

/// Tasks of `service` with `status` (all pages, 100 per describe).
async fn tasks(
    session: &Session,
    cluster: &str,
    service: &str,
    status: aws_sdk_ecs::types::DesiredStatus,
) -> Result<Vec<SnapTask>, CoreError> {
    let arns = list_task_arns(session, cluster, Some(service), status).await?;
    describe_tasks(session, cluster, arns, snap_task).await
}

/// Fills the EC2 instance id of tasks on container instances (bridge- and host-mode tasks are
/// load balancer targets by instance and port): one DescribeContainerInstances per 100.
async fn instance_ids(
    session: &Session,
    cluster: &str,
    tasks: &mut [SnapTask],
) -> Result<(), CoreError> {
    let mut arns: Vec<String> = tasks
        .iter()
        .filter_map(|t| t.container_instance.clone())
        .collect();
    arns.sort();
    arns.dedup();
    let mut ids = std::collections::HashMap::new();
    for chunk in arns.chunks(100) {
        let out = session
            .ecs
            .describe_container_instances()
            .cluster(cluster)
            .set_container_instances(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(session.error("ecs:DescribeContainerInstances"))?;
        for ci in out.container_instances() {
            if let (Some(arn), Some(id)) = (ci.container_instance_arn(), ci.ec2_instance_id()) {
                ids.insert(arn.to_string(), id.to_string());
            }
        }
    }
    for t in tasks.iter_mut() {
        t.instance_id = t
            .container_instance
            .as_ref()
            .and_then(|a| ids.get(a))
            .cloned();
    }
    Ok(())
}

/// Reads `service` of `cluster`; stopped tasks only when `with_stopped` (the watch needs them to
/// see draining tasks and why new tasks failed).
pub async fn read(
    session: &Session,
    cluster: &str,
    service: &str,
    with_stopped: bool,
) -> Result<ServiceSnapshot, CoreError> {
    let out = session
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(session.error("ecs:DescribeServices"))?;
    let Some(svc) = out.services().first() else {
        return Err(CoreError::NotFound(format!(
            "The service {service} was not found in cluster {cluster}."
        )));
    };
    let name = svc.service_name().unwrap_or(service).to_string();
    let deployments = crate::read::described::deployments_of(svc);
    let events = crate::read::services::events_of(svc);
    let config = svc.deployment_configuration();
    let breaker = config.and_then(|c| c.deployment_circuit_breaker());
    let target_groups = crate::read::described::target_group_arns(svc);

    let mut all = tasks(
        session,
        cluster,
        &name,
        aws_sdk_ecs::types::DesiredStatus::Running,
    )
    .await?;
    if with_stopped {
        all.extend(
            tasks(
                session,
                cluster,
                &name,
                aws_sdk_ecs::types::DesiredStatus::Stopped,
            )
            .await?,
        );
    }
    if !target_groups.is_empty() {
        instance_ids(session, cluster, &mut all).await?;
    }
    let mut targets = Vec::new();
    for tg in &target_groups {
        let out = session
            .elbv2
            .describe_target_health()
            .target_group_arn(tg)
            .send()
            .await
            .map_err(session.error("elasticloadbalancing:DescribeTargetHealth"))?;
        for d in out.target_health_descriptions() {
            let Some(target) = d.target() else { continue };
            let health = d.target_health();
            targets.push(SnapTarget {
                id: target.id().unwrap_or_default().to_string(),
                port: target.port(),
                state: health
                    .and_then(|h| h.state())
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|| "unknown".to_string()),
                reason: health
                    .and_then(|h| h.reason())
                    .map(|r| r.as_str().to_string()),
            });
        }
    }
    // The service deployment ECS records, read only when it tells more than DescribeServices:
    // while a deployment runs, or always for strategies with stages and traffic weights.
    let strategy = crate::read::described::strategy_of(config);
    let moving = deployments.len() > 1
        || deployments
            .iter()
            .any(|d| d.rollout_state.as_deref() == Some("IN_PROGRESS"));
    let service_deployment = match svc.current_service_deployment() {
        Some(arn) if moving || strategy.shifts_traffic() => {
            crate::read::service_deployments::current(session, arn).await?
        }
        _ => None,
    };
    Ok(ServiceSnapshot {
        name,
        status: svc.status().unwrap_or_default().to_string(),
        desired: svc.desired_count(),
        running: svc.running_count(),
        pending: svc.pending_count(),
        min_pct: config
            .and_then(|c| c.minimum_healthy_percent())
            .unwrap_or(100),
        max_pct: config.and_then(|c| c.maximum_percent()).unwrap_or(200),
        breaker: breaker.is_some_and(|b| b.enable()),
        breaker_rollback: breaker.is_some_and(|b| b.rollback()),
        task_definition: task_definition_label(crate::read::described::task_definition_of(svc)).0,
        deployments,
        events,
        tasks: all,
        has_load_balancer: !target_groups.is_empty(),
        targets,
        kind: crate::read::described::kind_of(svc),
        strategy,
        service_deployment,
    })
}

/// ACTIVE revisions of `family`, newest first.
pub async fn revisions(session: &Session, family: &str) -> Result<Vec<i32>, CoreError> {
    let arns: Vec<String> = session
        .ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
        .sort(aws_sdk_ecs::types::SortOrder::Desc)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(session.error("ecs:ListTaskDefinitions"))?;
    let mut revs: Vec<i32> = arns
        .iter()
        .map(|a| task_definition_label(a))
        .filter(|(label, _)| label.rsplit_once(':').is_some_and(|(f, _)| f == family))
        .map(|(_, rev)| rev)
        .collect();
    revs.sort_unstable_by(|a, b| b.cmp(a));
    Ok(revs)
}
