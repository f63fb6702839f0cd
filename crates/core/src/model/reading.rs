//! One reading of a service as actions see it: its deployments, its tasks (running and recently
//! stopped, with the deployment that started each) and the health of its load balancer targets.

use crate::model::deployment::Deployment;
use crate::model::service::task_definition_label;
use crate::model::service::ServiceEventInfo;
use crate::model::service_deployment::ServiceDeploymentRecord;
use crate::model::service_kind::ServiceKind;
use crate::model::strategy::DeploymentStrategy;

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
    /// Container instance ARN (EC2 launch type).
    pub container_instance: Option<String>,
    /// EC2 instance id of that container instance (the target id of bridge- and host-mode tasks).
    pub instance_id: Option<String>,
    /// Ports the task's containers are bound to on their instance.
    pub host_ports: Vec<i32>,
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

    /// Whether `target` is this task: its IP (awsvpc), or its instance and one of its host ports
    /// (EC2 bridge and host mode, where several tasks share an instance).
    pub fn is_target(&self, target: &SnapTarget) -> bool {
        if self.private_ip.as_deref() == Some(target.id.as_str()) {
            return true;
        }
        self.instance_id.as_deref() == Some(target.id.as_str())
            && target.port.is_some_and(|p| self.host_ports.contains(&p))
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
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Its scheduling strategy and deployment controller.
    pub kind: ServiceKind,
    /// How it deploys (rolling, blue/green, linear, canary).
    pub strategy: DeploymentStrategy,
    /// ECS's record of its current service deployment, where the region keeps them.
    pub service_deployment: Option<ServiceDeploymentRecord>,
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

    /// The load balancer target of `task` (by IP, or by instance and port), if any.
    pub fn target_of(&self, task: &SnapTask) -> Option<&SnapTarget> {
        self.targets.iter().find(|t| task.is_target(t))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn target(id: &str, port: i32) -> SnapTarget {
        SnapTarget {
            id: id.into(),
            port: Some(port),
            state: "healthy".into(),
            reason: None,
        }
    }

    #[test]
    fn targets_match_tasks_by_ip_or_by_instance_and_port() {
        let awsvpc = SnapTask {
            private_ip: Some("10.0.1.4".into()),
            ..Default::default()
        };
        assert!(awsvpc.is_target(&target("10.0.1.4", 8080)));
        assert!(!awsvpc.is_target(&target("10.0.1.5", 8080)));
        // Two bridge-mode tasks on one instance: the port tells them apart.
        let a = SnapTask {
            instance_id: Some("i-0abc".into()),
            host_ports: vec![32_801],
            ..Default::default()
        };
        let b = SnapTask {
            host_ports: vec![45_112],
            ..a.clone()
        };
        let t = target("i-0abc", 45_112);
        assert!(!a.is_target(&t));
        assert!(b.is_target(&t));
        assert!(!b.is_target(&target("i-0def", 45_112)));
    }
}
