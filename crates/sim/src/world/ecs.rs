//! ECS resources: clusters, container instances, services with their scheduler state,
//! deployments and events, task definitions, tasks and their containers.

/// What a service's tasks do when they run.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// Start, pass health checks, run.
    Healthy,
    /// Exit shortly after start with this log line and exit code.
    CrashLoop {
        /// Last line the container writes.
        message: String,
        /// Container exit code.
        exit_code: i32,
    },
    /// Run, then get killed for memory after `after` seconds (exit 137).
    OutOfMemory {
        /// Seconds of running before the kill.
        after: f64,
    },
    /// Take `seconds` longer than usual to become healthy.
    SlowStart {
        /// Extra start-up seconds.
        seconds: f64,
    },
    /// Run but fail the load balancer health check (tasks get replaced).
    FailingHealthCheck,
    /// Healthy but CPU near `cpu` percent.
    HighCpu {
        /// Typical CPU percent.
        cpu: f64,
    },
    /// The image tag does not exist: ECS stops the task before it runs (TaskFailedToStart,
    /// CannotPullContainerError).
    ImageNotFound,
    /// The execution role may not read `secret`: ECS stops the task before it runs
    /// (TaskFailedToStart, ResourceInitializationError).
    SecretDenied {
        /// Name of the Secrets Manager secret the task definition refers to.
        secret: String,
    },
}

/// An ECS cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `ACTIVE`.
    pub status: String,
    /// Capacity providers (FARGATE, FARGATE_SPOT) or empty for EC2.
    pub capacity_providers: Vec<String>,
    /// EC2 container instances (empty for Fargate-only clusters).
    pub container_instances: Vec<ContainerInstance>,
    /// Services.
    pub services: Vec<Service>,
}

/// An EC2 container instance.
#[derive(Debug, Clone)]
pub struct ContainerInstance {
    /// ARN.
    pub arn: String,
    /// EC2 instance id.
    pub ec2_instance_id: String,
    /// `ACTIVE` / `DRAINING`.
    pub status: String,
    /// Registered CPU units.
    pub cpu: i64,
    /// Registered memory MiB.
    pub memory: i64,
    /// When it registered.
    pub registered_at: f64,
}

/// An ECS service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `ACTIVE`.
    pub status: String,
    /// Desired task count.
    pub desired_count: i64,
    /// `FARGATE` or `EC2`.
    pub launch_type: String,
    /// The capacity provider of its strategy (`FARGATE_SPOT`), if it uses one instead of a
    /// launch type: DescribeServices then shows the strategy and no `launchType`.
    pub capacity_provider: Option<String>,
    /// Current task definition ARN.
    pub task_definition: String,
    /// `REPLICA`, or `DAEMON`: one task on each ACTIVE container instance, no desired count of
    /// its own.
    pub scheduling_strategy: String,
    /// Who deploys it: `ECS`, `CODE_DEPLOY` (blue/green through CodeDeploy) or `EXTERNAL` (task
    /// sets made by another tool). The last two show task sets instead of deployments and refuse
    /// a new task definition or a forced deployment through UpdateService.
    pub deployment_controller: String,
    /// deploymentConfiguration.minimumHealthyPercent.
    pub minimum_healthy_percent: i64,
    /// deploymentConfiguration.maximumPercent.
    pub maximum_percent: i64,
    /// Deployment circuit breaker enabled.
    pub circuit_breaker: bool,
    /// Circuit breaker rollback enabled.
    pub rollback: bool,
    /// Target group ARNs with container name and port.
    pub load_balancers: Vec<ServiceLoadBalancer>,
    /// Deployments, PRIMARY first.
    pub deployments: Vec<Deployment>,
    /// Events, newest first (ECS keeps 100).
    pub events: Vec<ServiceEvent>,
    /// Tasks, running and recently stopped.
    pub tasks: Vec<Task>,
    /// How this service's tasks behave.
    pub behaviour: Behaviour,
    /// Creation time.
    pub created_at: f64,
    /// (time, running, healthy targets) samples whenever they changed, for metrics.
    pub history: Vec<(f64, i64, i64)>,
    /// Cluster ARN.
    pub cluster_arn: String,
    /// Engine bookkeeping (timers, back-off, last completed deployment).
    pub scheduler: Scheduler,
    /// Deployment strategy, service revisions and ECS's record of service deployments.
    pub release: super::Release,
    /// Load that follows the number of tasks (services that auto scale); None: each task's CPU
    /// follows its behaviour alone.
    pub demand: Option<super::Demand>,
}

impl ServiceLoadBalancer {
    /// The target group taking production traffic now.
    pub fn production_target_group(&self) -> &str {
        match &self.alternate_target_group_arn {
            Some(alt) if self.production_on_alternate => alt,
            _ => &self.target_group_arn,
        }
    }

    /// The target group a traffic-shifting deployment starts its new tasks in.
    pub fn standby_target_group(&self) -> &str {
        match &self.alternate_target_group_arn {
            Some(alt) if !self.production_on_alternate => alt,
            _ => &self.target_group_arn,
        }
    }
}

impl Service {
    /// Every target group its tasks may be registered in (blue/green: both of each pair).
    pub fn target_group_arns(&self) -> Vec<String> {
        let mut arns = Vec::new();
        for lb in &self.load_balancers {
            arns.push(lb.target_group_arn.clone());
            arns.extend(lb.alternate_target_group_arn.clone());
        }
        arns
    }
}

/// The service scheduler's own state, kept by `engine`.
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    /// When the scheduler must look at the service again (launch back-off, new work).
    pub wake_at: Option<f64>,
    /// Earliest time the next task may be launched (restart throttling after failures).
    pub launch_not_before: f64,
    /// Tasks in a row that stopped without ever becoming healthy.
    pub consecutive_failures: u32,
    /// Whether the service is in steady state (COMPLETED, running = desired, all healthy).
    pub steady: bool,
    /// When the next periodic "has reached a steady state." event is due.
    pub next_steady_event: Option<f64>,
    /// The last deployment that COMPLETED: (deployment id, task definition ARN); rollback target.
    pub last_completed: Option<(String, String)>,
    /// Rollouts the scenario's history starts at given times: (time, task definition ARN).
    pub planned_updates: Vec<(f64, String)>,
}

/// A service's load balancer attachment.
#[derive(Debug, Clone)]
pub struct ServiceLoadBalancer {
    /// Target group ARN.
    pub target_group_arn: String,
    /// Container name.
    pub container_name: String,
    /// Container port.
    pub container_port: i64,
    /// advancedConfiguration.alternateTargetGroupArn: the other target group of a blue/green
    /// pair. The configuration stays as set; which of the two takes production traffic
    /// alternates with each traffic-shifting deployment (`production_on_alternate`).
    pub alternate_target_group_arn: Option<String>,
    /// Whether the alternate target group takes production traffic now (ECS state, not config).
    pub production_on_alternate: bool,
    /// advancedConfiguration.productionListenerRule.
    pub production_listener_rule: Option<String>,
    /// advancedConfiguration.testListenerRule.
    pub test_listener_rule: Option<String>,
}

/// An ECS deployment.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// `ecs-svc/NNNN`.
    pub id: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// Task definition ARN.
    pub task_definition: String,
    /// Desired count.
    pub desired_count: i64,
    /// Pending count.
    pub pending_count: i64,
    /// Running count.
    pub running_count: i64,
    /// Failed task count (circuit breaker input).
    pub failed_tasks: i64,
    /// `IN_PROGRESS`, `COMPLETED` or `FAILED`.
    pub rollout_state: String,
    /// Reason for the rollout state.
    pub rollout_state_reason: String,
    /// Created.
    pub created_at: f64,
    /// Last updated.
    pub updated_at: f64,
    /// Launch type.
    pub launch_type: String,
    /// DescribeServices lists it from this time on: reads are eventually consistent, so a
    /// deployment UpdateService starts shows up a few seconds after the call.
    pub listed_from: f64,
    /// A task of it ran healthy: `failedTasks` went back to zero and no longer counts.
    pub failures_settled: bool,
}

/// A service event.
#[derive(Debug, Clone)]
pub struct ServiceEvent {
    /// Id.
    pub id: String,
    /// When.
    pub created_at: f64,
    /// ECS wording.
    pub message: String,
}

/// A task definition revision.
#[derive(Debug, Clone)]
pub struct TaskDefinition {
    /// Family.
    pub family: String,
    /// Revision.
    pub revision: i64,
    /// ARN.
    pub arn: String,
    /// `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// Task CPU units (string in the API).
    pub cpu: String,
    /// Task memory MiB (string in the API).
    pub memory: String,
    /// Containers.
    pub containers: Vec<ContainerDefinition>,
    /// `awsvpc` etc.
    pub network_mode: String,
    /// Registered at.
    pub registered_at: f64,
    /// CPU architecture (`X86_64` / `ARM64`).
    pub cpu_architecture: String,
    /// How tasks of this revision behave (None = healthy).
    pub behaviour: Option<Behaviour>,
    /// `FARGATE` and/or `EC2`.
    pub requires_compatibilities: Vec<String>,
    /// Task execution role ARN.
    pub execution_role_arn: Option<String>,
    /// Task role ARN.
    pub task_role_arn: Option<String>,
    /// Region code (awslogs-region).
    pub region: String,
}

/// A container definition.
#[derive(Debug, Clone)]
pub struct ContainerDefinition {
    /// Name.
    pub name: String,
    /// Image.
    pub image: String,
    /// Essential.
    pub essential: bool,
    /// Port mappings (container ports).
    pub ports: Vec<i64>,
    /// Environment variables.
    pub environment: Vec<(String, String)>,
    /// awslogs-group.
    pub log_group: Option<String>,
    /// awslogs-stream-prefix.
    pub log_stream_prefix: Option<String>,
    /// Container CPU units.
    pub cpu: i64,
    /// Container memory reservation MiB.
    pub memory_reservation: Option<i64>,
}

/// A task.
#[derive(Debug, Clone)]
pub struct Task {
    /// Task id (32 hex).
    pub id: String,
    /// ARN.
    pub arn: String,
    /// Task definition ARN.
    pub task_definition: String,
    /// Deployment id that started it.
    pub started_by: String,
    /// `PROVISIONING`, `PENDING`, `ACTIVATING`, `RUNNING`, `DEACTIVATING`, `STOPPING`, `DEPROVISIONING`, `STOPPED`.
    pub last_status: String,
    /// `RUNNING` or `STOPPED`.
    pub desired_status: String,
    /// `UNKNOWN`, `HEALTHY`, `UNHEALTHY`.
    pub health_status: String,
    /// Launch type.
    pub launch_type: String,
    /// Capacity provider it runs on (`FARGATE_SPOT` tasks can be reclaimed).
    pub capacity_provider: Option<String>,
    /// Private IPv4.
    pub private_ip: String,
    /// Availability zone.
    pub availability_zone: String,
    /// Created.
    pub created_at: f64,
    /// Image pull started.
    pub pull_started_at: Option<f64>,
    /// Running since.
    pub started_at: Option<f64>,
    /// Stopping since.
    pub stopping_at: Option<f64>,
    /// Stopped at.
    pub stopped_at: Option<f64>,
    /// `TaskFailedToStart`, `EssentialContainerExited`, `UserInitiated`, `ServiceSchedulerInitiated`.
    pub stop_code: Option<String>,
    /// Stopped reason.
    pub stopped_reason: Option<String>,
    /// Containers.
    pub containers: Vec<TaskContainer>,
    /// Next scheduled state change (engine bookkeeping).
    pub next_transition: Option<f64>,
    /// Container instance ARN (EC2 launch type).
    pub container_instance_arn: Option<String>,
    /// The port on its instance of a bridge-mode (dynamic, 32768–60999) or host-mode task;
    /// `None` for awsvpc tasks, which have their own IP.
    pub host_port: Option<i64>,
    /// Cluster ARN.
    pub cluster_arn: String,
    /// `service:NAME`.
    pub group: String,
    /// Task CPU units (string in the API).
    pub cpu: String,
    /// Task memory MiB (string in the API).
    pub memory: String,
    /// What this task does (from its task definition revision).
    pub behaviour: Behaviour,
    /// Next lifecycle phase change (engine bookkeeping).
    pub due_phase: Option<f64>,
    /// When the task turns HEALTHY (engine bookkeeping).
    pub due_health: Option<f64>,
    /// When its essential container exits on its own (crash, OOM; engine bookkeeping).
    pub due_exit: Option<f64>,
    /// What reads show until the given time: the task as it was before StopTask (its effect is
    /// eventually consistent, like UpdateService's).
    pub before_stop: Option<(f64, Box<Task>)>,
}

/// A container of a task.
#[derive(Debug, Clone)]
pub struct TaskContainer {
    /// Name.
    pub name: String,
    /// Image.
    pub image: String,
    /// Status.
    pub last_status: String,
    /// Exit code once stopped.
    pub exit_code: Option<i32>,
    /// Reason (e.g. `OutOfMemoryError: Container killed due to memory usage`).
    pub reason: Option<String>,
    /// Health.
    pub health_status: String,
}
