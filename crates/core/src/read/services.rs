//! ECS services of a cluster: listing and the detail page (deployments, events, tasks).

use std::collections::VecDeque;
use std::sync::Arc;

use aws_sdk_ecs::types::Service;
use futures::stream::{FuturesUnordered, StreamExt};

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::service::task_definition_label;
use crate::model::service::LastDeployment;
use crate::model::service::LoadBalancerInfo;
use crate::model::service::ServiceDetail;
use crate::model::service::ServiceEventInfo;
use crate::model::service::ServiceSummary;
use crate::model::task::DesiredStatus;
use crate::read::described::{deployments_of, kind_of, launch_label, task_definition_of};
use crate::read::tasks;
use crate::util::arn::arn_name;
use crate::util::batches::DESCRIBE_CONCURRENCY;
use crate::util::freshness::{Freshness, DESCRIBE_TTL};
use crate::util::time::sdk_rfc3339;

/// DescribeServices accepts at most 10 services a call.
pub(crate) const DESCRIBE_SERVICES_BATCH: usize = 10;

/// Maps an SDK service to its list row.
fn summary(service: &aws_sdk_ecs::types::Service) -> ServiceSummary {
    let arn = service.service_arn().unwrap_or_default().to_string();
    let (task_definition, task_definition_revision) =
        task_definition_label(task_definition_of(service));
    let last_deployment = deployments_of(service)
        .into_iter()
        .next()
        .map(|d| LastDeployment {
            rollout_state: d.rollout_state,
            status: d.status,
            updated_at: d.updated_at.or(d.created_at),
        });
    ServiceSummary {
        name: service
            .service_name()
            .map(str::to_string)
            .unwrap_or_else(|| arn_name(&arn)),
        arn,
        status: service.status().unwrap_or_default().to_string(),
        desired: service.desired_count(),
        running: service.running_count(),
        pending: service.pending_count(),
        launch_type: launch_label(service.launch_type(), service.capacity_provider_strategy()),
        task_definition,
        task_definition_revision,
        last_deployment,
    }
}

/// The events of an SDK service, newest first.
pub(crate) fn events_of(service: &Service) -> Vec<ServiceEventInfo> {
    let mut events: Vec<ServiceEventInfo> = service
        .events()
        .iter()
        .map(|e| ServiceEventInfo {
            id: e.id().unwrap_or_default().to_string(),
            created_at: sdk_rfc3339(e.created_at()),
            message: e.message().unwrap_or_default().to_string(),
        })
        .collect();
    // RFC 3339 UTC strings of one format sort like the times they name.
    events.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    events
}

/// The shared table of every cluster's described services.
fn cluster_table(session: &Session) -> Arc<Freshness<String, Arc<Vec<Service>>>> {
    session.reads().table("cluster-services", DESCRIBE_TTL)
}

/// Every service of `cluster` as DescribeServices returns it, shared by the views for
/// [`DESCRIBE_TTL`](crate::util::freshness::DESCRIBE_TTL) (the list, its health roll-up, service pages).
pub async fn cluster_services(
    session: &Session,
    cluster: &str,
) -> Result<Arc<Vec<Service>>, CoreError> {
    let services = cluster_table(session)
        .get(cluster.to_string(), || async {
            Ok(Arc::new(describe_all(session, cluster).await?))
        })
        .await?;
    Ok(services)
}

/// ListServices pages of 100 (the API maximum) with DescribeServices of 10 (its maximum) started
/// as soon as each page arrives, at most [`DESCRIBE_CONCURRENCY`] at once: the pages must be read
/// one after another (each needs the previous token), so the describes ride along with them.
async fn describe_all(session: &Session, cluster: &str) -> Result<Vec<Service>, CoreError> {
    let mut pages = session
        .ecs
        .list_services()
        .cluster(cluster)
        .max_results(100)
        .into_paginator()
        .send();
    let describe = |batch: Vec<String>| async move {
        session
            .ecs
            .describe_services()
            .cluster(cluster)
            .set_services(Some(batch))
            .send()
            .await
            .map(|out| out.services.unwrap_or_default())
            .map_err(session.error("ecs:DescribeServices"))
    };
    let mut waiting: VecDeque<Vec<String>> = VecDeque::new();
    let mut running = FuturesUnordered::new();
    let mut services = Vec::new();
    let mut listed = false;
    loop {
        while running.len() < DESCRIBE_CONCURRENCY {
            match waiting.pop_front() {
                Some(batch) => running.push(describe(batch)),
                None => break,
            }
        }
        if listed && running.is_empty() {
            return Ok(services);
        }
        tokio::select! {
            page = pages.next(), if !listed => match page {
                Some(page) => {
                    let page = page.map_err(session.error("ecs:ListServices"))?;
                    waiting.extend(
                        page.service_arns()
                            .chunks(DESCRIBE_SERVICES_BATCH)
                            .map(<[String]>::to_vec),
                    );
                }
                None => listed = true,
            },
            Some(done) = running.next(), if !running.is_empty() => services.extend(done?),
        }
    }
}

/// Every service of `cluster`, sorted by name.
pub async fn list_services(
    session: &Session,
    cluster: &str,
) -> Result<Vec<ServiceSummary>, CoreError> {
    let described = cluster_services(session, cluster).await?;
    let mut services: Vec<ServiceSummary> = described.iter().map(summary).collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(services)
}

/// One service as DescribeServices returns it: from a fresh listing of its cluster, else one
/// DescribeServices call shared by the views that ask within the freshness window.
pub async fn describe_service(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<Arc<Service>, CoreError> {
    if let Some(listed) = cluster_table(session).peek(&cluster.to_string()) {
        if let Some(found) = listed
            .iter()
            .find(|s| s.service_name() == Some(service) || s.service_arn() == Some(service))
        {
            return Ok(Arc::new(found.clone()));
        }
    }
    session
        .reads()
        .table::<(String, String), Arc<Service>>("service", DESCRIBE_TTL)
        .get((cluster.to_string(), service.to_string()), || async {
            let out = session
                .ecs
                .describe_services()
                .cluster(cluster)
                .services(service)
                .send()
                .await
                .map_err(session.error("ecs:DescribeServices"))?;
            out.services()
                .first()
                .cloned()
                .map(Arc::new)
                .ok_or_else(|| {
                    CoreError::NotFound(format!(
                        "The service {service} was not found in cluster {cluster}."
                    ))
                })
        })
        .await
}

/// The service page of `service` in `cluster`.
pub async fn get_service(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<ServiceDetail, CoreError> {
    let found = describe_service(session, cluster, service).await?;
    let found = found.as_ref();
    let deployments = deployments_of(found);
    let kind = kind_of(found);
    let events = events_of(found);
    let load_balancers = found
        .load_balancers()
        .iter()
        .map(|lb| LoadBalancerInfo {
            target_group_arn: lb.target_group_arn().map(str::to_string),
            target_group_name: lb
                .target_group_arn()
                .and_then(|arn| arn.split('/').nth(1))
                .map(str::to_string),
            load_balancer_name: lb.load_balancer_name().map(str::to_string),
            container_name: lb.container_name().map(str::to_string),
            container_port: lb.container_port(),
            alternate_target_group_name: lb
                .advanced_configuration()
                .and_then(|a| a.alternate_target_group_arn())
                .and_then(|arn| arn.split('/').nth(1))
                .map(str::to_string),
        })
        .collect();
    let config = found.deployment_configuration();
    let summary = summary(found);
    let tasks = tasks::list_tasks(session, cluster, &summary.name, DesiredStatus::Running).await?;
    Ok(ServiceDetail {
        minimum_healthy_percent: config.and_then(|c| c.minimum_healthy_percent()),
        maximum_percent: config.and_then(|c| c.maximum_percent()),
        summary,
        deployments,
        events,
        tasks,
        load_balancers,
        kind,
        limits: kind.limits(),
        strategy: crate::read::described::strategy_of(config),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_definition_revision_is_parsed_from_arn() {
        assert_eq!(
            task_definition_label(
                "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task-definition/coe-etl-prod:3"
            ),
            ("coe-etl-prod:3".to_string(), 3)
        );
        assert_eq!(task_definition_label("web:12"), ("web:12".to_string(), 12));
        assert_eq!(task_definition_label(""), (String::new(), 0));
    }
}
