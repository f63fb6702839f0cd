//! Deployments of a service (status, rollout state, counts, circuit breaker) and what changed
//! between two task definition revisions.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::service_deployment::DeploymentHistory;

/// One deployment of a service: what the service page, the deployments tab, the health roll-up,
/// the history and the action plans all read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// Deployment id.
    pub id: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// Task definition as `family:revision`.
    pub task_definition: String,
    /// Task definition revision number.
    pub revision: i32,
    /// Desired tasks.
    pub desired: i32,
    /// Running tasks.
    pub running: i32,
    /// Pending tasks.
    pub pending: i32,
    /// Tasks that failed to start.
    pub failed_tasks: i32,
    /// `COMPLETED`, `IN_PROGRESS` or `FAILED`.
    pub rollout_state: Option<String>,
    /// ECS's reason for the rollout state.
    pub rollout_state_reason: Option<String>,
    /// `FARGATE`, `EC2` or the capacity provider strategy.
    pub launch_type: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Updated (RFC 3339).
    pub updated_at: Option<String>,
    /// Whether the circuit breaker stopped this deployment.
    pub circuit_breaker_tripped: bool,
}

/// The service's deployment circuit breaker settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CircuitBreakerInfo {
    /// Whether ECS stops a deployment whose tasks keep failing.
    pub enabled: bool,
    /// Whether it then rolls back to the last good deployment.
    pub rollback: bool,
}

/// The Deployments tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDeployments {
    /// Deployments, primary first, then newest first.
    pub deployments: Vec<Deployment>,
    /// Circuit breaker settings.
    pub circuit_breaker: Option<CircuitBreakerInfo>,
    /// The service's task definition, `family:revision`.
    pub task_definition: String,
    /// The revision before it (`family:revision-1`), to compare with.
    pub previous_task_definition: Option<String>,
    /// ECS's deployment history of the last 90 days, where the region keeps one.
    pub history: DeploymentHistory,
}

/// One difference between two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionChange {
    /// Container name, or null for task-level fields.
    pub container: Option<String>,
    /// `image`, `cpu`, `memory`, `cpuArchitecture`, `environment`, `secrets` or `container`.
    pub field: String,
    /// Value in the older revision (for environment and secrets: the NAME only).
    pub before: Option<String>,
    /// Value in the newer revision.
    pub after: Option<String>,
}

/// What changed from one revision to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinitionDiff {
    /// Older revision, `family:revision`.
    pub from: String,
    /// Newer revision.
    pub to: String,
    /// Differences (empty when the revisions are alike in what is compared).
    pub changes: Vec<DefinitionChange>,
}
