//! Why tasks stopped: recent stopped tasks (ECS keeps them about an hour) with stop code, reason,
//! container exit codes and a plain-language diagnosis of the known causes.

use std::sync::Arc;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::diagnosis::diagnose;
use crate::model::diagnosis::StopCause;
use crate::model::diagnosis::StoppedTask;
use crate::model::service::task_definition_label;
use crate::model::task::ContainerInfo;
use crate::read::logs::{sources_of_task_definition, tail, LogSource};
use crate::read::tasks::{container_info, describe_tasks, list_task_arns};
use crate::util::arn::arn_name;
use crate::util::time::sdk_rfc3339;

/// Maps an SDK task.
fn stopped(task: &aws_sdk_ecs::types::Task) -> StoppedTask {
    let arn = task.task_arn().unwrap_or_default().to_string();
    let containers: Vec<ContainerInfo> = task.containers().iter().map(container_info).collect();
    let stop_code = task.stop_code().map(|c| c.as_str().to_string());
    let stopped_reason = task.stopped_reason().map(str::to_string);
    StoppedTask {
        id: arn_name(&arn),
        task_definition: task_definition_label(task.task_definition_arn().unwrap_or_default()).0,
        started_at: sdk_rfc3339(task.started_at()),
        stopped_at: sdk_rfc3339(task.stopped_at()),
        diagnosis: diagnose(
            stop_code.as_deref(),
            stopped_reason.as_deref(),
            &containers,
            &[],
        ),
        last_lines: Vec::new(),
        stop_code,
        stopped_reason,
        containers,
        arn,
    }
}

/// Describes `arns` of `cluster` as stopped tasks, newest stop first.
async fn describe_stopped(
    session: &Session,
    cluster: &str,
    arns: Vec<String>,
) -> Result<Vec<(Option<String>, StoppedTask)>, CoreError> {
    let mut tasks = describe_tasks(session, cluster, arns, |t| {
        (t.group().map(str::to_string), stopped(t))
    })
    .await?;
    tasks.sort_by(|a, b| b.1.stopped_at.cmp(&a.1.stopped_at));
    Ok(tasks)
}

/// The recently stopped tasks of `service`, newest first, each with its diagnosis.
pub async fn stopped_tasks(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<Vec<StoppedTask>, CoreError> {
    // Shared within the freshness window: the health banner and the Stopped tab ask together.
    let tasks = session
        .reads()
        .table("stopped-tasks", crate::util::freshness::DESCRIBE_TTL)
        .get((cluster.to_string(), service.to_string()), || async {
            let arns = list_task_arns(
                session,
                cluster,
                Some(service),
                aws_sdk_ecs::types::DesiredStatus::Stopped,
            )
            .await?;
            let mut tasks: Vec<StoppedTask> = describe_stopped(session, cluster, arns)
                .await?
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            read_last_lines(session, &mut tasks).await;
            Ok(Arc::new(tasks))
        })
        .await?;
    Ok(tasks.as_ref().clone())
}

/// Failed tasks whose last log lines are read (newest first).
const TAILS_READ: usize = 10;
/// Lines read from the end of each failed task's stream.
const TAIL_LINES: i32 = 8;

/// Reads the last log lines of the newest failed tasks and diagnoses them again with those
/// lines. Best effort: a task whose log cannot be read keeps its first diagnosis.
async fn read_last_lines(session: &Session, tasks: &mut [StoppedTask]) {
    let mut sources: std::collections::HashMap<String, Vec<LogSource>> = Default::default();
    let failed = tasks
        .iter_mut()
        .filter(|t| {
            t.diagnosis.cause != StopCause::Intended
                && t.containers
                    .iter()
                    .any(|c| c.exit_code.is_some_and(|e| e != 0))
        })
        .take(TAILS_READ);
    for task in failed {
        if !sources.contains_key(&task.task_definition) {
            let found = sources_of_task_definition(session, &task.task_definition)
                .await
                .unwrap_or_default();
            sources.insert(task.task_definition.clone(), found);
        }
        let exited: Vec<String> = task
            .containers
            .iter()
            .filter(|c| c.exit_code.is_some_and(|e| e != 0))
            .map(|c| c.name.clone())
            .collect();
        let Some(source) = sources
            .get(&task.task_definition)
            .and_then(|list| list.iter().find(|s| exited.contains(&s.container)))
        else {
            continue;
        };
        let Some(stream) = source.task_stream(&task.id) else {
            continue;
        };
        // Logs the task definition sends to another region are read there.
        let elsewhere = match &source.region {
            Some(region) => session.elsewhere(region).await.ok().flatten(),
            None => None,
        };
        let reader = elsewhere.as_deref().unwrap_or(session);
        if let Ok(lines) = tail(reader, &source.group, &stream, TAIL_LINES).await {
            task.diagnosis = diagnose(
                task.stop_code.as_deref(),
                task.stopped_reason.as_deref(),
                &task.containers,
                &lines,
            );
            task.last_lines = lines;
        }
    }
}

/// Stopped tasks by service name.
pub type StoppedByService = std::collections::HashMap<String, Vec<StoppedTask>>;

/// The recently stopped tasks of every service of `cluster` in one listing, keyed by service
/// name (from the task group `service:NAME`), so the services list needs no call per service.
pub async fn stopped_tasks_by_service(
    session: &Session,
    cluster: &str,
) -> Result<Arc<StoppedByService>, CoreError> {
    // Shared within the freshness window: the list's roll-up and the fleet view ask together.
    session
        .reads()
        .table("stopped-by-service", crate::util::freshness::DESCRIBE_TTL)
        .get(cluster.to_string(), || async {
            let arns = list_task_arns(
                session,
                cluster,
                None,
                aws_sdk_ecs::types::DesiredStatus::Stopped,
            )
            .await?;
            let mut by_service = StoppedByService::new();
            for (group, task) in describe_stopped(session, cluster, arns).await? {
                if let Some(name) = group.as_deref().and_then(|g| g.strip_prefix("service:")) {
                    by_service.entry(name.to_string()).or_default().push(task);
                }
            }
            Ok(Arc::new(by_service))
        })
        .await
}
