//! ECS services as the app shows them: the list row, the detail page and its parts.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::deployment::Deployment;
use crate::model::service_kind::{ActionLimits, ServiceKind};
use crate::model::task::TaskSummary;

/// The state of a service's newest deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastDeployment {
    /// `IN_PROGRESS`, `COMPLETED` or `FAILED` (null for services without a rollout state).
    pub rollout_state: Option<String>,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// When the deployment last changed (RFC 3339).
    pub updated_at: Option<String>,
}

/// One service as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSummary {
    /// Service name.
    pub name: String,
    /// Service ARN.
    pub arn: String,
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    pub status: String,
    /// Desired task count.
    pub desired: i32,
    /// Running task count.
    pub running: i32,
    /// Pending task count.
    pub pending: i32,
    /// `FARGATE`, `EC2`, `EXTERNAL`, or the first capacity provider; null if unknown.
    pub launch_type: Option<String>,
    /// Task definition as `family:revision`.
    pub task_definition: String,
    /// Task definition revision number (0 if unknown).
    pub task_definition_revision: i32,
    /// The primary deployment, if any.
    pub last_deployment: Option<LastDeployment>,
}

/// One service event ("has reached a steady state", ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEventInfo {
    /// Event id.
    pub id: String,
    /// When it happened (RFC 3339).
    pub created_at: Option<String>,
    /// The event text.
    pub message: String,
}

/// A load balancer target group a service registers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerInfo {
    /// Target group ARN.
    pub target_group_arn: Option<String>,
    /// Target group name (from its ARN).
    pub target_group_name: Option<String>,
    /// Classic load balancer name, if any.
    pub load_balancer_name: Option<String>,
    /// Container receiving traffic.
    pub container_name: Option<String>,
    /// Container port receiving traffic.
    pub container_port: Option<i32>,
    /// The other target group of a blue/green pair (name), where new tasks start.
    pub alternate_target_group_name: Option<String>,
}

/// The service page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDetail {
    /// The list row of this service.
    pub summary: ServiceSummary,
    /// Deployments, primary first.
    pub deployments: Vec<Deployment>,
    /// Events, newest first.
    pub events: Vec<ServiceEventInfo>,
    /// Tasks the service wants running.
    pub tasks: Vec<TaskSummary>,
    /// Target groups and containers behind load balancers.
    pub load_balancers: Vec<LoadBalancerInfo>,
    /// Deployment minimum healthy percent.
    pub minimum_healthy_percent: Option<i32>,
    /// Deployment maximum percent.
    pub maximum_percent: Option<i32>,
    /// Its scheduling strategy and deployment controller.
    pub kind: ServiceKind,
    /// Why an action is not offered for this kind of service.
    pub limits: ActionLimits,
    /// How ECS deploys it (rolling, blue/green, linear, canary).
    pub strategy: crate::model::strategy::DeploymentStrategy,
}

/// Splits a task definition ARN (or `family:rev`) into `family:rev` and the revision number.
pub fn task_definition_label(arn: &str) -> (String, i32) {
    let label = arn.rsplit('/').next().unwrap_or(arn).to_string();
    let revision = label
        .rsplit_once(':')
        .and_then(|(_, rev)| rev.parse::<i32>().ok())
        .unwrap_or(0);
    (label, revision)
}
