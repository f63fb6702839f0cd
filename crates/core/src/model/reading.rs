//! One reading of a service as actions see it: its deployments, its tasks (running and recently
//! stopped, with the deployment that started each) and the health of its load balancer targets.

use crate::model::deployment::Deployment;
use crate::model::service::task_definition_label;
use crate::model::service::ServiceEventInfo;

/// One task of the service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnapTask {
    /// Task id.
    pub id: String,
    /// `PROVISIONING` ... `RUNNING`, `DEACTIVATING`, `STOPPING`, `STOPPED`.
    pub last_status: String,
    /// `RUNNING` or `STOPPED`.
    pub desired_status: String,
    /// Task health (`HEALTHY`, `UNHEALTHY`, `UNKNOWN`).
    pub health: Option<String>,
    /// The deployment that started it (`ecs-svc/...`).
    pub started_by: Option<String>,
    /// Private IPv4 (the load balancer target id of awsvpc tasks).
    pub private_ip: Option<String>,
    /// `family:revision`.
    pub task_definition: String,
    /// Why it stopped.
    pub stopped_reason: Option<String>,
    /// The first container's exit code.
    pub exit_code: Option<i32>,
    /// The first container's stop reason.
    pub container_reason: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
}

impl SnapTask {
    /// Running and meant to keep running.
    pub fn is_running(&self) -> bool {
        self.last_status == "RUNNING" && self.desired_status == "RUNNING"
    }

    /// Meant to run, not running yet.
    pub fn is_starting(&self) -> bool {
        self.desired_status == "RUNNING" && self.last_status != "RUNNING"
    }

    /// Being stopped (draining its connections or shutting down).
    pub fn is_stopping(&self) -> bool {
        self.desired_status == "STOPPED" && self.last_status != "STOPPED"
    }
}

/// One load balancer target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnapTarget {
    /// Target id (an IP for awsvpc tasks, an instance id otherwise).
    pub id: String,
    /// Port.
    pub port: Option<i32>,
    /// `initial`, `healthy`, `unhealthy`, `draining`, `unused`.
    pub state: String,
    /// Reason code such as `Elb.RegistrationInProgress`.
    pub reason: Option<String>,
}

/// A service as read at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceSnapshot {
    /// Service name.
    pub name: String,
    /// `ACTIVE`, `DRAINING`, `INACTIVE`.
    pub status: String,
    /// Desired count.
    pub desired: i32,
    /// Running count.
    pub running: i32,
    /// Pending count.
    pub pending: i32,
    /// Deployment minimum healthy percent (ECS default 100).
    pub min_pct: i32,
    /// Deployment maximum percent (ECS default 200).
    pub max_pct: i32,
    /// Deployment circuit breaker on.
    pub breaker: bool,
    /// The circuit breaker rolls back.
    pub breaker_rollback: bool,
    /// `family:revision` of the service.
    pub task_definition: String,
    /// Deployments, primary first.
    pub deployments: Vec<Deployment>,
    /// Events, newest first.
    pub events: Vec<ServiceEventInfo>,
    /// Tasks meant to run, then recently stopped ones.
    pub tasks: Vec<SnapTask>,
    /// The service is behind a load balancer target group.
    pub has_load_balancer: bool,
    /// Targets of its target groups.
    pub targets: Vec<SnapTarget>,
}

impl ServiceSnapshot {
    /// The primary deployment.
    pub fn primary(&self) -> Option<&Deployment> {
        self.deployments
            .iter()
            .find(|d| d.status == "PRIMARY")
            .or(self.deployments.first())
    }

    /// Tasks running and meant to keep running.
    pub fn running_tasks(&self) -> impl Iterator<Item = &SnapTask> {
        self.tasks.iter().filter(|t| t.is_running())
    }

    /// The task family.
    pub fn family(&self) -> &str {
        self.task_definition
            .rsplit_once(':')
            .map_or(self.task_definition.as_str(), |(f, _)| f)
    }

    /// The revision of the service's task definition.
    pub fn revision(&self) -> i32 {
        task_definition_label(&self.task_definition).1
    }

    /// The load balancer target state of `task` (matched by private IP), if any.
    pub fn target_of(&self, task: &SnapTask) -> Option<&SnapTarget> {
        let ip = task.private_ip.as_deref()?;
        self.targets.iter().find(|t| t.id == ip)
    }

    /// Whether `task` is running and healthy (healthy target when behind a load balancer).
    pub fn is_healthy(&self, task: &SnapTask) -> bool {
        if !task.is_running() {
            return false;
        }
        if self.has_load_balancer {
            self.target_of(task).is_some_and(|t| t.state == "healthy")
        } else {
            task.health.as_deref() != Some("UNHEALTHY")
        }
    }

    /// Healthy load balancer targets.
    pub fn healthy_targets(&self) -> usize {
        self.targets.iter().filter(|t| t.state == "healthy").count()
    }
}
