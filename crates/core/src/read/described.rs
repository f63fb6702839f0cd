//! What one described ECS service says, read the same way by every view: its kind, its
//! deployments (or, for services CodeDeploy or an external tool deploys, its task sets read as
//! deployments) and its task definition.

use aws_sdk_ecs::types::{Service, TaskSet};

use crate::model::deployment::Deployment;
use crate::model::service::task_definition_label;
use crate::model::service_kind::ServiceKind;
use crate::model::strategy::{DeploymentStrategy, PauseHook, StrategyKind};
use crate::util::time::sdk_rfc3339;

/// The launch type, or else the first capacity provider, of a service, deployment or task set.
pub(crate) fn launch_label(
    launch_type: Option<&aws_sdk_ecs::types::LaunchType>,
    strategy: &[aws_sdk_ecs::types::CapacityProviderStrategyItem],
) -> Option<String> {
    launch_type
        .map(|l| l.as_str().to_string())
        .or_else(|| strategy.first().map(|s| s.capacity_provider().to_string()))
}

/// The service's scheduling strategy and deployment controller.
pub(crate) fn kind_of(service: &Service) -> ServiceKind {
    ServiceKind::from_names(
        service.scheduling_strategy().map(|s| s.as_str()),
        service.deployment_controller().map(|c| c.r#type().as_str()),
    )
}

/// Maps an SDK deployment: the one reading of a deployment every view shares.
pub(crate) fn deployment(d: &aws_sdk_ecs::types::Deployment) -> Deployment {
    let (task_definition, revision) =
        task_definition_label(d.task_definition().unwrap_or_default());
    let reason = d.rollout_state_reason().map(str::to_string);
    Deployment {
        id: d.id().unwrap_or_default().to_string(),
        status: d.status().unwrap_or_default().to_string(),
        task_definition,
        revision,
        desired: d.desired_count(),
        running: d.running_count(),
        pending: d.pending_count(),
        failed_tasks: d.failed_tasks(),
        rollout_state: d.rollout_state().map(|r| r.as_str().to_string()),
        // ECS names the circuit breaker in the reason when it stopped the deployment.
        circuit_breaker_tripped: reason
            .as_deref()
            .is_some_and(|r| r.to_ascii_lowercase().contains("circuit breaker")),
        rollout_state_reason: reason,
        launch_type: launch_label(d.launch_type(), d.capacity_provider_strategy()),
        created_at: sdk_rfc3339(d.created_at()),
        updated_at: sdk_rfc3339(d.updated_at()),
    }
}

/// A task set read as a deployment: a steady set has completed, a stabilizing one is in
/// progress (task sets have no rollout state or failed-task count of their own).
fn task_set(t: &TaskSet) -> Deployment {
    let (task_definition, revision) =
        task_definition_label(t.task_definition().unwrap_or_default());
    let steady = t.stability_status().map(|s| s.as_str()) == Some("STEADY_STATE");
    Deployment {
        id: t.id().unwrap_or_default().to_string(),
        status: t.status().unwrap_or_default().to_string(),
        task_definition,
        revision,
        desired: t.computed_desired_count(),
        running: t.running_count(),
        pending: t.pending_count(),
        failed_tasks: 0,
        rollout_state: Some(if steady { "COMPLETED" } else { "IN_PROGRESS" }.to_string()),
        rollout_state_reason: t.external_id().map(|id| {
            format!(
                "Deployed by {}: {id}",
                t.started_by().unwrap_or("its controller")
            )
        }),
        launch_type: launch_label(t.launch_type(), t.capacity_provider_strategy()),
        created_at: sdk_rfc3339(t.created_at()),
        updated_at: sdk_rfc3339(t.updated_at()),
        circuit_breaker_tripped: false,
    }
}

/// The service's deployments, primary first, then newest first; its task sets when it has no
/// deployments of its own.
pub(crate) fn deployments_of(service: &Service) -> Vec<Deployment> {
    let mut out: Vec<Deployment> = if service.deployments().is_empty() {
        service.task_sets().iter().map(task_set).collect()
    } else {
        service.deployments().iter().map(deployment).collect()
    };
    out.sort_by(|a, b| {
        (b.status == "PRIMARY")
            .cmp(&(a.status == "PRIMARY"))
            .then_with(|| b.created_at.cmp(&a.created_at))
    });
    out
}

/// The service's task definition ARN: its own, or its primary task set's (an EXTERNAL service
/// keeps it only there).
pub(crate) fn task_definition_of(service: &Service) -> &str {
    service
        .task_definition()
        .or_else(|| {
            let sets = service.task_sets();
            sets.iter()
                .find(|t| t.status() == Some("PRIMARY"))
                .or(sets.first())
                .and_then(|t| t.task_definition())
        })
        .unwrap_or_default()
}

/// The target groups whose targets are the service's: each load balancer's, and for a
/// blue/green pair the alternate one too (new tasks start there before taking production).
pub(crate) fn target_group_arns(svc: &aws_sdk_ecs::types::Service) -> Vec<String> {
    let mut arns = Vec::new();
    for lb in svc.load_balancers() {
        arns.extend(lb.target_group_arn().map(str::to_string));
        arns.extend(
            lb.advanced_configuration()
                .and_then(|a| a.alternate_target_group_arn())
                .map(str::to_string),
        );
    }
    arns.dedup();
    arns
}

/// How a deployment configuration moves to a new version (absent fields are ECS's defaults).
pub(crate) fn strategy_of(
    config: Option<&aws_sdk_ecs::types::DeploymentConfiguration>,
) -> DeploymentStrategy {
    let Some(c) = config else {
        return DeploymentStrategy::default();
    };
    let pauses = c
        .lifecycle_hooks()
        .iter()
        .filter(|h| h.target_type().map(|t| t.as_str()) == Some("PAUSE"))
        .map(|h| PauseHook {
            stages: h
                .lifecycle_stages()
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            timeout_minutes: h
                .timeout_configuration()
                .and_then(|t| t.timeout_in_minutes())
                .unwrap_or(1440),
            timeout_action: h
                .timeout_configuration()
                .and_then(|t| t.action())
                .map_or("ROLLBACK", |a| a.as_str())
                .to_string(),
        })
        .collect();
    DeploymentStrategy {
        kind: StrategyKind::from_name(c.strategy().map(|s| s.as_str())),
        bake_minutes: c.bake_time_in_minutes().unwrap_or(0),
        canary_percent: c.canary_configuration().and_then(|x| x.canary_percent()),
        canary_minutes: c
            .canary_configuration()
            .and_then(|x| x.canary_bake_time_in_minutes()),
        step_percent: c.linear_configuration().and_then(|x| x.step_percent()),
        step_minutes: c
            .linear_configuration()
            .and_then(|x| x.step_bake_time_in_minutes()),
        pauses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{DeploymentController, DeploymentControllerType, StabilityStatus};

    #[test]
    fn an_external_service_is_read_from_its_task_sets() {
        let set = |id: &str, status: &str, rev: i32, steady: bool| {
            TaskSet::builder()
                .id(id)
                .status(status)
                .task_definition(format!(
                    "arn:aws:ecs:us-east-1:1:task-definition/partner-api:{rev}"
                ))
                .computed_desired_count(2)
                .running_count(if steady { 2 } else { 1 })
                .stability_status(if steady {
                    StabilityStatus::SteadyState
                } else {
                    StabilityStatus::Stabilizing
                })
                .build()
        };
        let svc = Service::builder()
            .deployment_controller(
                DeploymentController::builder()
                    .r#type(DeploymentControllerType::External)
                    .build()
                    .unwrap(),
            )
            .task_sets(set("ecs-svc/1", "ACTIVE", 1, true))
            .task_sets(set("ecs-svc/2", "PRIMARY", 2, false))
            .build();
        assert_eq!(
            kind_of(&svc).controller,
            crate::model::service_kind::Controller::External
        );
        let d = deployments_of(&svc);
        assert_eq!(d[0].id, "ecs-svc/2", "primary first");
        assert_eq!(d[0].revision, 2);
        assert_eq!(d[0].rollout_state.as_deref(), Some("IN_PROGRESS"));
        assert_eq!(d[1].rollout_state.as_deref(), Some("COMPLETED"));
        assert_eq!(
            task_definition_label(task_definition_of(&svc)).0,
            "partner-api:2"
        );
    }
}
