//! Services ECS does not deploy itself, and daemons: DescribeServices shows the task sets of a
//! CODE_DEPLOY or EXTERNAL service instead of deployments, and UpdateService refuses what those
//! controllers and the DAEMON scheduling strategy do not allow.

use crate::error::AwsError;
use crate::ids::stable_hex;
use crate::protocol::Call;
use crate::shape::Shape;
use crate::world::{Deployment, Service};

/// Whether DescribeServices shows `taskSets` (and an empty `deployments`) for `svc`.
pub(super) fn uses_task_sets(svc: &Service) -> bool {
    svc.deployment_controller != "ECS"
}

/// The task sets of a CODE_DEPLOY or EXTERNAL service: one per deployment still running tasks.
pub(super) fn task_sets(svc: &Service, network: &Shape) -> Shape {
    Shape::List(
        svc.deployments
            .iter()
            .filter(|d| d.status != "INACTIVE")
            .map(|d| task_set(svc, d, network))
            .collect(),
    )
}

fn task_set(svc: &Service, d: &Deployment, network: &Shape) -> Shape {
    let steady = d.rollout_state == "COMPLETED" && d.running_count == d.desired_count;
    let code_deploy = svc.deployment_controller == "CODE_DEPLOY";
    // CodeDeploy names its deployment `d-` and nine characters; an external tool names itself.
    let external_id = code_deploy.then(|| {
        format!(
            "d-{}",
            stable_hex(&format!("{}/{}", svc.arn, d.id), 9).to_uppercase()
        )
    });
    Shape::map([
        ("id", Shape::from(&d.id)),
        (
            "taskSetArn",
            Shape::from(format!(
                "{}/{}",
                svc.arn.replacen(":service/", ":task-set/", 1),
                d.id
            )),
        ),
        ("serviceArn", Shape::from(&svc.arn)),
        ("clusterArn", Shape::from(&svc.cluster_arn)),
        (
            "startedBy",
            Shape::from(if code_deploy {
                "CodeDeploy"
            } else {
                "release-pipeline"
            }),
        ),
        ("externalId", Shape::from(external_id)),
        ("status", Shape::from(&d.status)),
        ("taskDefinition", Shape::from(&d.task_definition)),
        ("computedDesiredCount", Shape::Int(d.desired_count)),
        ("pendingCount", Shape::Int(d.pending_count)),
        ("runningCount", Shape::Int(d.running_count)),
        ("createdAt", Shape::Time(d.created_at)),
        ("updatedAt", Shape::Time(d.updated_at)),
        ("launchType", Shape::from(&d.launch_type)),
        ("networkConfiguration", network.clone()),
        (
            "scale",
            Shape::map([
                ("value", Shape::Float(100.0)),
                ("unit", Shape::from("PERCENT")),
            ]),
        ),
        (
            "stabilityStatus",
            Shape::from(if steady {
                "STEADY_STATE"
            } else {
                "STABILIZING"
            }),
        ),
        ("stabilityStatusAt", Shape::Time(d.updated_at)),
    ])
}

/// What UpdateService refuses of `svc`, with ECS's code and words.
pub(super) fn refusal(svc: &Service, call: &Call) -> Option<AwsError> {
    let given = |key: &str| call.input.get(key).is_some_and(|v| !v.is_null());
    if svc.scheduling_strategy == "DAEMON" {
        if given("desiredCount") {
            return Some(AwsError::invalid_parameter(
                "The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again",
            ));
        }
        let max = call
            .input
            .get("deploymentConfiguration")
            .and_then(|dc| dc.get("maximumPercent"))
            .and_then(crate::protocol::value_int);
        if max.is_some_and(|m| m > 100) {
            return Some(AwsError::invalid_parameter(
                "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again",
            ));
        }
    }
    // CODE_DEPLOY's words are ECS's own; for EXTERNAL, ECS documents the same limits (task
    // definition and forced deployments go through task sets) and we word it alike.
    let (controller, instead) = match svc.deployment_controller.as_str() {
        "CODE_DEPLOY" => (
            "a CODE_DEPLOY",
            "Use AWS CodeDeploy to trigger a new deployment.",
        ),
        "EXTERNAL" => ("an EXTERNAL", "Create a new task set to deploy."),
        _ => return None,
    };
    if given("taskDefinition") {
        return Some(AwsError::invalid_parameter(format!(
            "Unable to update task definition on services with {controller} deployment controller. {instead}"
        )));
    }
    if call.bool("forceNewDeployment").unwrap_or(false) {
        return Some(AwsError::invalid_parameter(format!(
            "Cannot force a new deployment on services with {controller} deployment controller. {instead}"
        )));
    }
    None
}
