//! ECS tasks as the app shows them: the list row, the detail page and its containers.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which tasks to list: the ones ECS keeps running, or the recently stopped ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DesiredStatus {
    /// Tasks that should be running (includes pending ones).
    Running,
    /// Tasks that were stopped (ECS keeps them for about an hour).
    Stopped,
}

/// One task as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskSummary {
    /// Task id (last part of the ARN).
    pub id: String,
    /// Task ARN.
    pub arn: String,
    /// `PROVISIONING`, `PENDING`, `RUNNING`, `STOPPED`...
    pub last_status: String,
    /// `RUNNING` or `STOPPED`.
    pub desired_status: String,
    /// `HEALTHY`, `UNHEALTHY` or `UNKNOWN`; null when the task has no health check data.
    pub health_status: Option<String>,
    /// Started (RFC 3339).
    pub started_at: Option<String>,
    /// Stopped (RFC 3339).
    pub stopped_at: Option<String>,
    /// `EssentialContainerExited`, `TaskFailedToStart`, `UserInitiated`...
    pub stop_code: Option<String>,
    /// Why the task stopped, in ECS's words.
    pub stopped_reason: Option<String>,
    /// Task definition as `family:revision`.
    pub task_definition: String,
    /// Private IPv4 address.
    pub private_ip: Option<String>,
    /// `FARGATE`, `EC2`...
    pub launch_type: Option<String>,
}

/// One container of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInfo {
    /// Container name.
    pub name: String,
    /// Image reference.
    pub image: Option<String>,
    /// `PENDING`, `RUNNING`, `STOPPED`.
    pub last_status: Option<String>,
    /// Exit code once stopped.
    pub exit_code: Option<i32>,
    /// Why the container stopped.
    pub reason: Option<String>,
    /// `HEALTHY`, `UNHEALTHY` or `UNKNOWN`.
    pub health_status: Option<String>,
}

/// The task page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskDetail {
    /// The list row of this task.
    pub summary: TaskSummary,
    /// Containers.
    pub containers: Vec<ContainerInfo>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Image pull started (RFC 3339).
    pub pull_started_at: Option<String>,
    /// Stopping started (RFC 3339).
    pub stopping_at: Option<String>,
    /// Task CPU units, e.g. `256`.
    pub cpu: Option<String>,
    /// Task memory MiB, e.g. `512`.
    pub memory: Option<String>,
    /// Availability zone.
    pub availability_zone: Option<String>,
    /// Task group, e.g. `service:coe-etl-prod-Service`.
    pub group: Option<String>,
}
