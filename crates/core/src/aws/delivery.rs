//! The actions that must never run twice (UpdateService, StopTask), sent exactly once: when their
//! answer is lost they are reconciled by reading ECS, never sent again blindly.

use aws_config::retry::RetryConfig;
use aws_sdk_ecs::operation::stop_task::builders::StopTaskFluentBuilder;
use aws_sdk_ecs::operation::update_service::builders::UpdateServiceFluentBuilder;
use aws_smithy_runtime_api::client::result::SdkError;

use crate::aws::session::Session;
use crate::error::CoreError;

/// An ECS client configuration override that sends a request exactly once.
fn send_once() -> aws_sdk_ecs::config::Builder {
    aws_sdk_ecs::config::Builder::default().retry_config(RetryConfig::disabled())
}

/// Whether a failed call may have reached AWS and been applied: the connection broke, timed out
/// or the answer could not be read. AWS's own error answers and requests never sent are not.
pub fn outcome_unknown<E, R>(err: &SdkError<E, R>) -> bool {
    match err {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        SdkError::DispatchFailure(failure) => !failure.is_user(),
        _ => false,
    }
}

/// The parts of a service an UpdateService changes, read before and after the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceMark {
    /// Id of the PRIMARY deployment.
    pub primary_deployment: Option<String>,
    /// Desired task count.
    pub desired_count: i32,
    /// Task definition ARN of the service.
    pub task_definition: Option<String>,
}

/// Reads the [`ServiceMark`] of `service` (an ordinary, retried DescribeServices).
pub async fn service_mark(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<ServiceMark, CoreError> {
    let out = session
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(session.error("ecs:DescribeServices"))?;
    let found = out.services().first().ok_or_else(|| {
        CoreError::NotFound(format!(
            "The service \"{service}\" was not found in cluster \"{cluster}\"."
        ))
    })?;
    Ok(ServiceMark {
        primary_deployment: found
            .deployments()
            .iter()
            .find(|d| d.status() == Some("PRIMARY"))
            .and_then(|d| d.id())
            .map(str::to_string),
        desired_count: found.desired_count(),
        task_definition: found.task_definition().map(str::to_string),
    })
}

/// How an action call that was sent once ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The answer was lost and reading ECS showed the change happened.
    pub reconciled: bool,
    /// The service's PRIMARY deployment after the call (UpdateService only).
    pub deployment_id: Option<String>,
}

/// What an UpdateService asked for, to recognise it in the service's state.
#[derive(Debug, Clone, Default)]
struct UpdateWanted {
    force_new_deployment: bool,
    desired_count: Option<i32>,
    task_definition: Option<String>,
}

impl UpdateWanted {
    /// Whether the change from `before` to `after` is this update having happened.
    fn seen(&self, before: &ServiceMark, after: &ServiceMark) -> bool {
        let new_primary = after.primary_deployment.is_some()
            && after.primary_deployment != before.primary_deployment;
        // A forced deployment and a new task definition both start a new PRIMARY deployment.
        if new_primary {
            return true;
        }
        match self.desired_count {
            Some(n) if !self.force_new_deployment && self.task_definition.is_none() => {
                after.desired_count == n
            }
            _ => false,
        }
    }
}

/// Sends `request` (an UpdateService of `session`'s ECS client) exactly once. If the answer is
/// lost, reads the service: a new PRIMARY deployment (or the asked desired count) means it
/// happened; otherwise the error `OutcomeUnknown` tells the user to look before trying again.
pub async fn update_service_once(
    session: &Session,
    request: UpdateServiceFluentBuilder,
) -> Result<Delivery, CoreError> {
    let input = request.as_input();
    let cluster = input.get_cluster().clone().unwrap_or_default();
    let service = input.get_service().clone().unwrap_or_default();
    let wanted = UpdateWanted {
        force_new_deployment: input.get_force_new_deployment().unwrap_or(false),
        desired_count: *input.get_desired_count(),
        task_definition: input.get_task_definition().clone(),
    };
    let before = service_mark(session, &cluster, &service).await?;
    let err = match request
        .customize()
        .config_override(send_once())
        .send()
        .await
    {
        Ok(out) => {
            let deployment_id = out.service().and_then(|s| {
                s.deployments()
                    .iter()
                    .find(|d| d.status() == Some("PRIMARY"))
                    .and_then(|d| d.id())
                    .map(str::to_string)
            });
            return Ok(Delivery {
                reconciled: false,
                deployment_id,
            });
        }
        Err(err) => err,
    };
    if !outcome_unknown(&err) {
        return Err(session.error("ecs:UpdateService")(err));
    }
    let (cluster, service, before, wanted) = (cluster.as_str(), service.as_str(), &before, &wanted);
    reconcile(&format!("the change to {service}"), || async move {
        let after = service_mark(session, cluster, service).await?;
        Ok(wanted.seen(before, &after).then_some(Delivery {
            reconciled: true,
            deployment_id: after.primary_deployment,
        }))
    })
    .await
}

/// Sends `request` (a StopTask of `session`'s ECS client) exactly once. If the answer is lost,
/// reads the task: a desired status of STOPPED means it happened.
pub async fn stop_task_once(
    session: &Session,
    request: StopTaskFluentBuilder,
) -> Result<Delivery, CoreError> {
    let input = request.as_input();
    let cluster = input.get_cluster().clone().unwrap_or_default();
    let task = input.get_task().clone().unwrap_or_default();
    let err = match request
        .customize()
        .config_override(send_once())
        .send()
        .await
    {
        Ok(_) => {
            return Ok(Delivery {
                reconciled: false,
                deployment_id: None,
            })
        }
        Err(err) => err,
    };
    if !outcome_unknown(&err) {
        return Err(session.error("ecs:StopTask")(err));
    }
    let (cluster, task) = (cluster.as_str(), task.as_str());
    reconcile(&format!("stopping task {task}"), || async move {
        let out = session
            .ecs
            .describe_tasks()
            .cluster(cluster)
            .tasks(task)
            .send()
            .await
            .map_err(session.error("ecs:DescribeTasks"))?;
        let stopped = out
            .tasks()
            .iter()
            .any(|t| t.desired_status() == Some("STOPPED"));
        Ok(stopped.then_some(Delivery {
            reconciled: true,
            deployment_id: None,
        }))
    })
    .await
}

/// What a native deployment call asks of ECS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentCall<'a> {
    /// StopServiceDeployment ROLLBACK.
    StopRollback,
    /// ContinueServiceDeployment at pause hook `0`, CONTINUE (true) or ROLLBACK (false).
    Continue(&'a str, bool),
}

/// Sends StopServiceDeployment or ContinueServiceDeployment for deployment `arn` exactly once.
/// If the answer is lost, reads the deployment: a rollback under way, or the hook no longer
/// waiting, means it happened.
pub async fn service_deployment_once(
    session: &Session,
    arn: &str,
    call: DeploymentCall<'_>,
) -> Result<Delivery, CoreError> {
    // Each call's error is judged (was the answer lost?) before it becomes a CoreError.
    let sent: Result<(), (bool, CoreError)> = match call {
        DeploymentCall::StopRollback => session
            .ecs
            .stop_service_deployment()
            .service_deployment_arn(arn)
            .stop_type(aws_sdk_ecs::types::StopServiceDeploymentStopType::Rollback)
            .customize()
            .config_override(send_once())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                (
                    outcome_unknown(&e),
                    session.error("ecs:StopServiceDeployment")(e),
                )
            }),
        DeploymentCall::Continue(hook, go_on) => session
            .ecs
            .continue_service_deployment()
            .service_deployment_arn(arn)
            .hook_id(hook)
            .action(if go_on {
                aws_sdk_ecs::types::DeploymentLifecycleHookAction::Continue
            } else {
                aws_sdk_ecs::types::DeploymentLifecycleHookAction::Rollback
            })
            .customize()
            .config_override(send_once())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                let lost = outcome_unknown(&e);
                (lost, session.error("ecs:ContinueServiceDeployment")(e))
            }),
    };
    match sent {
        Ok(()) => {
            return Ok(Delivery {
                reconciled: false,
                deployment_id: None,
            })
        }
        Err((false, err)) => return Err(err),
        Err((true, _)) => {}
    }
    reconcile("the deployment action", || async move {
        let out = session
            .ecs
            .describe_service_deployments()
            .service_deployment_arns(arn)
            .send()
            .await
            .map_err(session.error("ecs:DescribeServiceDeployments"))?;
        let Some(d) = out.service_deployments().first() else {
            return Ok(None);
        };
        let status = d.status().map(|s| s.as_str()).unwrap_or_default();
        let happened = match call {
            DeploymentCall::StopRollback => status.starts_with("ROLLBACK"),
            DeploymentCall::Continue(hook, _) => !d.lifecycle_hook_details().iter().any(|h| {
                h.hook_id() == Some(hook)
                    && h.status().map(|s| s.as_str()) == Some("AWAITING_ACTION")
            }),
        };
        Ok(happened.then_some(Delivery {
            reconciled: true,
            deployment_id: None,
        }))
    })
    .await
}

/// Reads up to the retry policy's reconcile count, its interval apart, until `seen` finds that
/// a call whose answer was lost took effect; otherwise the error that `what` is not confirmed
/// (with the last read's error, if reading failed).
async fn reconcile<F, Fut>(what: &str, mut seen: F) -> Result<Delivery, CoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Delivery>, CoreError>>,
{
    let policy = crate::aws::retry::policy();
    let mut last_read_error = None;
    for read in 0..policy.reconcile_reads.max(1) {
        if read > 0 {
            tokio::time::sleep(policy.reconcile_interval).await;
        }
        match seen().await {
            Ok(Some(delivery)) => return Ok(delivery),
            Ok(None) => last_read_error = None,
            Err(e) => last_read_error = Some(e),
        }
    }
    Err(not_confirmed(what, last_read_error))
}

/// The error of an action whose answer was lost and whose effect could not be seen.
fn not_confirmed(what: &str, read_error: Option<CoreError>) -> CoreError {
    let message = match read_error {
        Some(e) => format!(
            "The connection to AWS broke before it confirmed {what}, and ECS Desk could not read \
             the service to check ({e}). It was not sent again. Look at the service before trying again."
        ),
        None => format!(
            "The connection to AWS broke before it confirmed {what}, and the service shows no sign \
             of it. It was not sent again. Look at the service in a moment before trying again."
        ),
    };
    CoreError::ActionRefused {
        code: "OutcomeUnknown",
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(primary: &str, desired: i32) -> ServiceMark {
        ServiceMark {
            primary_deployment: Some(primary.to_string()),
            desired_count: desired,
            task_definition: Some("td:3".into()),
        }
    }

    #[test]
    fn a_new_primary_deployment_means_a_restart_happened() {
        let wanted = UpdateWanted {
            force_new_deployment: true,
            ..UpdateWanted::default()
        };
        assert!(wanted.seen(&mark("ecs-svc/1", 1), &mark("ecs-svc/2", 1)));
        assert!(!wanted.seen(&mark("ecs-svc/1", 1), &mark("ecs-svc/1", 1)));
    }

    #[test]
    fn a_desired_count_change_is_seen_in_the_count() {
        let wanted = UpdateWanted {
            desired_count: Some(3),
            ..UpdateWanted::default()
        };
        assert!(wanted.seen(&mark("d/1", 1), &mark("d/1", 3)));
        assert!(!wanted.seen(&mark("d/1", 1), &mark("d/1", 1)));
        // With a forced deployment the count alone is not proof.
        let forced = UpdateWanted {
            force_new_deployment: true,
            desired_count: Some(3),
            ..UpdateWanted::default()
        };
        assert!(!forced.seen(&mark("d/1", 3), &mark("d/1", 3)));
    }

    #[test]
    fn not_confirmed_says_it_was_not_sent_again() {
        let err = not_confirmed("the change to svc", None);
        assert_eq!(err.code(), "OutcomeUnknown");
        assert!(err.to_string().contains("not sent again"), "{err}");
    }
}
