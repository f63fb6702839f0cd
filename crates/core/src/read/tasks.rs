//! ECS tasks of a service: listing and the task page (containers, exit codes, stop reasons).

use std::sync::Arc;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::service::task_definition_label;
use crate::model::task::ContainerInfo;
use crate::model::task::DesiredStatus;
use crate::model::task::TaskDetail;
use crate::model::task::TaskSummary;
use crate::util::arn::arn_name;
use crate::util::batches::describe_in_batches;
use crate::util::freshness::DESCRIBE_TTL;
use crate::util::time::sdk_rfc3339;

/// The SDK's form of a desired status.
fn sdk_status(status: DesiredStatus) -> aws_sdk_ecs::types::DesiredStatus {
    match status {
        DesiredStatus::Running => aws_sdk_ecs::types::DesiredStatus::Running,
        DesiredStatus::Stopped => aws_sdk_ecs::types::DesiredStatus::Stopped,
    }
}

/// DescribeTasks accepts at most 100 tasks a call.
const DESCRIBE_TASKS_BATCH: usize = 100;

/// The private IPv4 address from the ENI attachment or a container's network interface.
pub(crate) fn private_ip(task: &aws_sdk_ecs::types::Task) -> Option<String> {
    task.attachments()
        .iter()
        .flat_map(|a| a.details())
        .find(|kv| kv.name() == Some("privateIPv4Address"))
        .and_then(|kv| kv.value())
        .or_else(|| {
            task.containers()
                .iter()
                .flat_map(|c| c.network_interfaces())
                .find_map(|n| n.private_ipv4_address())
        })
        .map(str::to_string)
}

/// Maps an SDK task to its list row.
fn summary(task: &aws_sdk_ecs::types::Task) -> TaskSummary {
    let arn = task.task_arn().unwrap_or_default().to_string();
    TaskSummary {
        id: arn_name(&arn),
        last_status: task.last_status().unwrap_or_default().to_string(),
        desired_status: task.desired_status().unwrap_or_default().to_string(),
        health_status: task.health_status().map(|h| h.as_str().to_string()),
        started_at: sdk_rfc3339(task.started_at()),
        stopped_at: sdk_rfc3339(task.stopped_at()),
        stop_code: task.stop_code().map(|c| c.as_str().to_string()),
        stopped_reason: task.stopped_reason().map(str::to_string),
        task_definition: task_definition_label(task.task_definition_arn().unwrap_or_default()).0,
        private_ip: private_ip(task),
        launch_type: task
            .launch_type()
            .map(|l| l.as_str().to_string())
            .or_else(|| task.capacity_provider_name().map(str::to_string)),
        arn,
    }
}

/// Maps an SDK container to its row on the task page.
pub(crate) fn container_info(c: &aws_sdk_ecs::types::Container) -> ContainerInfo {
    ContainerInfo {
        name: c.name().unwrap_or_default().to_string(),
        image: c.image().map(str::to_string),
        last_status: c.last_status().map(str::to_string),
        exit_code: c.exit_code(),
        reason: c.reason().map(str::to_string),
        health_status: c.health_status().map(|h| h.as_str().to_string()),
    }
}

/// Maps an SDK task to the task page.
fn detail(task: &aws_sdk_ecs::types::Task) -> TaskDetail {
    TaskDetail {
        summary: summary(task),
        containers: task.containers().iter().map(container_info).collect(),
        created_at: sdk_rfc3339(task.created_at()),
        pull_started_at: sdk_rfc3339(task.pull_started_at()),
        stopping_at: sdk_rfc3339(task.stopping_at()),
        cpu: task.cpu().map(str::to_string),
        memory: task.memory().map(str::to_string),
        availability_zone: task.availability_zone().map(str::to_string),
        group: task.group().map(str::to_string),
    }
}

/// Tasks of `service` with `desired_status`, newest first (all pages, 100 per describe), shared
/// by the views that ask within the freshness window.
pub async fn list_tasks(
    session: &Session,
    cluster: &str,
    service: &str,
    desired_status: DesiredStatus,
) -> Result<Vec<TaskSummary>, CoreError> {
    let key = (
        cluster.to_string(),
        service.to_string(),
        sdk_status(desired_status).as_str().to_string(),
    );
    let tasks = session
        .reads()
        .table("tasks", DESCRIBE_TTL)
        .get(key, || async {
            fetch_tasks(session, cluster, service, desired_status)
                .await
                .map(Arc::new)
        })
        .await?;
    Ok(tasks.as_ref().clone())
}

/// ListTasks (all pages) and DescribeTasks of `service`'s tasks with `desired_status`.
async fn fetch_tasks(
    session: &Session,
    cluster: &str,
    service: &str,
    desired_status: DesiredStatus,
) -> Result<Vec<TaskSummary>, CoreError> {
    let arns = list_task_arns(session, cluster, Some(service), sdk_status(desired_status)).await?;
    let mut tasks = describe_tasks(session, cluster, arns, summary).await?;
    // Newest first; tasks not started yet (null) come first, then by id for a stable order.
    tasks.sort_by(|a, b| {
        let key = |t: &TaskSummary| t.started_at.clone().unwrap_or_else(|| "~".to_string());
        key(b).cmp(&key(a)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(tasks)
}

/// ListTasks (all pages) of `cluster` with `status`: `service`'s tasks, or every task when none.
pub(crate) async fn list_task_arns(
    session: &Session,
    cluster: &str,
    service: Option<&str>,
    status: aws_sdk_ecs::types::DesiredStatus,
) -> Result<Vec<String>, CoreError> {
    session
        .ecs
        .list_tasks()
        .cluster(cluster)
        .set_service_name(service.map(str::to_string))
        .desired_status(status)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(session.error("ecs:ListTasks"))
}

/// DescribeTasks of `arns` in `cluster` (100 a call), each task mapped by `map`.
pub(crate) async fn describe_tasks<T>(
    session: &Session,
    cluster: &str,
    arns: Vec<String>,
    map: fn(&aws_sdk_ecs::types::Task) -> T,
) -> Result<Vec<T>, CoreError> {
    describe_in_batches(arns, DESCRIBE_TASKS_BATCH, |batch| async move {
        let out = session
            .ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(batch))
            .send()
            .await
            .map_err(session.error("ecs:DescribeTasks"))?;
        Ok(out.tasks().iter().map(map).collect::<Vec<_>>())
    })
    .await
}

/// The task page of `task` (id or ARN) in `cluster`.
pub async fn get_task(
    session: &Session,
    cluster: &str,
    task: &str,
) -> Result<TaskDetail, CoreError> {
    let out = session
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .tasks(task)
        .send()
        .await
        .map_err(session.error("ecs:DescribeTasks"))?;
    out.tasks().first().map(detail).ok_or_else(|| {
        CoreError::NotFound(format!(
            "The task {task} was not found in cluster {cluster}. Stopped tasks disappear after about an hour."
        ))
    })
}
