//! The simulated fleet: accounts in both partitions, their regions, clusters, services, tasks,
//! load balancers, alarms and log groups, plus the credentials issued to callers.
//!
//! Field additions are fine; renames break the other modules. All times are epoch seconds on the
//! simulated clock.

use std::collections::{BTreeMap, HashMap};

use crate::clock::Clock;

/// The partitions the simulator knows, with their regions.
pub const PARTITIONS: &[(&str, &[&str])] = &[
    (
        "aws",
        &[
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "ca-central-1",
            "eu-west-1",
            "eu-west-2",
            "eu-central-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "sa-east-1",
        ],
    ),
    ("aws-us-gov", &["us-gov-east-1", "us-gov-west-1"]),
];

/// The partition a region belongs to, if the simulator knows the region.
pub fn partition_of_region(region: &str) -> Option<&'static str> {
    PARTITIONS
        .iter()
        .find(|(_, regions)| regions.contains(&region))
        .map(|(p, _)| *p)
}

/// Who is calling, resolved from their credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// 12-digit account id.
    pub account_id: String,
    /// `aws` or `aws-us-gov`.
    pub partition: String,
    /// Role name (SSO role credentials) or IAM user name (static keys).
    pub name: String,
    /// True for an IAM user, false for an assumed SSO role.
    pub is_user: bool,
    /// True when the principal may only read (UpdateService/StopTask are denied).
    pub read_only: bool,
    /// The SSO user who obtained role credentials, when any.
    pub sso_user: Option<String>,
}

impl Principal {
    /// The caller ARN as STS GetCallerIdentity reports it.
    pub fn arn(&self) -> String {
        if self.is_user {
            format!(
                "arn:{}:iam::{}:user/{}",
                self.partition, self.account_id, self.name
            )
        } else {
            format!(
                "arn:{}:sts::{}:assumed-role/AWSReservedSSO_{}_0123456789abcdef/{}",
                self.partition,
                self.account_id,
                self.name,
                self.sso_user.as_deref().unwrap_or("user")
            )
        }
    }
}

/// Issued credentials: static IAM user keys or role credentials from SSO GetRoleCredentials.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token (role credentials only).
    pub session_token: Option<String>,
    /// Expiry (role credentials only).
    pub expires_at: Option<f64>,
    /// Who these credentials act as.
    pub principal: Principal,
}

/// A role that SSO users can assume in an account.
#[derive(Debug, Clone)]
pub struct RoleDef {
    /// Role name, e.g. `OperatorAccess`.
    pub name: String,
    /// True when the role may not change anything.
    pub read_only: bool,
}

/// An IAM user with static keys (for plain-key `~/.aws/config` profiles).
#[derive(Debug, Clone)]
pub struct IamUser {
    /// User name.
    pub name: String,
    /// Profile name written by `--aws-config-out`.
    pub profile: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// True when the user may not change anything.
    pub read_only: bool,
}

/// An AWS account and everything in it.
#[derive(Debug, Clone)]
pub struct Account {
    /// 12-digit id.
    pub id: String,
    /// Display name (SSO ListAccounts accountName).
    pub name: String,
    /// Email (SSO ListAccounts emailAddress).
    pub email: String,
    /// `aws` or `aws-us-gov`.
    pub partition: String,
    /// Default region for profiles written by `--aws-config-out`.
    pub default_region: String,
    /// Roles SSO users may assume here.
    pub roles: Vec<RoleDef>,
    /// IAM users with static keys.
    pub users: Vec<IamUser>,
    /// Regions with resources; a region absent here is empty.
    pub regions: Vec<Region>,
}

/// An IAM Identity Center instance (one start URL).
#[derive(Debug, Clone)]
pub struct SsoInstance {
    /// Start URL, e.g. `https://ecsdesk-demo.awsapps.com/start`.
    pub start_url: String,
    /// SSO region.
    pub region: String,
    /// sso-session name written by `--aws-config-out`.
    pub session_name: String,
    /// `aws` or `aws-us-gov` (from the region).
    pub partition: String,
    /// User name of the simulated signed-in person.
    pub user: String,
    /// Account ids this instance can reach, with the role names assigned in each.
    pub assignments: Vec<(String, Vec<String>)>,
}

/// Everything of one account in one region.
#[derive(Debug, Clone, Default)]
pub struct Region {
    /// Region code.
    pub name: String,
    /// ECS clusters.
    pub clusters: Vec<Cluster>,
    /// Registered task definitions (all revisions of all families).
    pub task_definitions: Vec<TaskDefinition>,
    /// Application load balancers.
    pub load_balancers: Vec<LoadBalancer>,
    /// Target groups.
    pub target_groups: Vec<TargetGroup>,
    /// CloudWatch alarms.
    pub alarms: Vec<Alarm>,
    /// CloudWatch Logs groups.
    pub log_groups: Vec<LogGroup>,
}

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
    /// Current task definition ARN.
    pub task_definition: String,
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

/// An application load balancer.
#[derive(Debug, Clone)]
pub struct LoadBalancer {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// DNS name.
    pub dns_name: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// Listener ports.
    pub listener_ports: Vec<i64>,
    /// Created.
    pub created_at: f64,
    /// VPC id.
    pub vpc_id: String,
    /// Availability zones it spans.
    pub availability_zones: Vec<String>,
}

/// A target group.
#[derive(Debug, Clone)]
pub struct TargetGroup {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Load balancer ARNs.
    pub load_balancer_arns: Vec<String>,
    /// Port.
    pub port: i64,
    /// Protocol.
    pub protocol: String,
    /// Health check path.
    pub health_check_path: String,
    /// Deregistration delay seconds.
    pub deregistration_delay: f64,
    /// Registered targets.
    pub targets: Vec<Target>,
    /// VPC id.
    pub vpc_id: String,
    /// `ip` (awsvpc tasks) or `instance`.
    pub target_type: String,
}

/// A registered target.
#[derive(Debug, Clone)]
pub struct Target {
    /// IP.
    pub ip: String,
    /// Port.
    pub port: i64,
    /// `initial`, `healthy`, `unhealthy`, `draining`, `unused`.
    pub state: String,
    /// Reason code (e.g. `Elb.RegistrationInProgress`).
    pub reason: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// When the state changed.
    pub since: f64,
    /// Task id behind the target.
    pub task_id: String,
    /// When the target changes state next (health check verdict, end of draining).
    pub next_transition: Option<f64>,
}

/// A CloudWatch alarm.
#[derive(Debug, Clone)]
pub struct Alarm {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Description.
    pub description: String,
    /// Namespace.
    pub namespace: String,
    /// Metric name.
    pub metric_name: String,
    /// Dimensions.
    pub dimensions: Vec<(String, String)>,
    /// Statistic.
    pub statistic: String,
    /// Period seconds.
    pub period: i64,
    /// Threshold.
    pub threshold: f64,
    /// Comparison operator.
    pub comparison: String,
    /// Evaluation periods.
    pub evaluation_periods: i64,
    /// `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    pub state: String,
    /// State reason.
    pub state_reason: String,
    /// State updated.
    pub state_updated_at: f64,
}

/// A CloudWatch Logs group.
#[derive(Debug, Clone)]
pub struct LogGroup {
    /// Name.
    pub name: String,
    /// Created.
    pub created_at: f64,
    /// Retention days.
    pub retention_days: Option<i64>,
    /// Streams (created by tasks through the awslogs driver).
    pub streams: Vec<LogStream>,
}

/// A log stream written by one container of one task.
#[derive(Debug, Clone)]
pub struct LogStream {
    /// `prefix/container/task-id`.
    pub name: String,
    /// Created.
    pub created_at: f64,
    /// Task id.
    pub task_id: String,
    /// Service name.
    pub service: String,
    /// What the task does (drives the generated lines).
    pub behaviour: Behaviour,
    /// When the container started writing.
    pub started_at: f64,
    /// When it stopped writing (task stopped).
    pub stopped_at: Option<f64>,
    /// Explicit lines (start-up banners, crash messages), sorted by time.
    pub events: Vec<(f64, String)>,
}

/// An injected fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// Operation name, e.g. `DescribeServices` (or `ecs:DescribeServices`).
    pub operation: String,
    /// `throttle`, `error500`, `latency` or `drop`.
    pub kind: String,
    /// Calls left to affect.
    pub remaining: u64,
    /// Latency in milliseconds (for `latency`).
    pub ms: u64,
}

/// Call counters and pending faults.
#[derive(Debug, Clone, Default)]
pub struct ControlState {
    /// `service:Operation` -> calls.
    pub calls: BTreeMap<String, u64>,
    /// Faults waiting to fire.
    pub faults: Vec<Fault>,
    /// Latency added to every call (milliseconds), for benchmarks.
    pub base_latency_ms: u64,
}

/// The whole simulated world.
#[derive(Debug)]
pub struct World {
    /// Simulated clock.
    pub clock: Clock,
    /// The scenario this world was built from (for `/_sim/reset`).
    pub scenario: crate::scenario::Scenario,
    /// Accounts.
    pub accounts: Vec<Account>,
    /// SSO instances.
    pub sso: Vec<SsoInstance>,
    /// Issued credentials by access key id.
    pub credentials: HashMap<String, Credential>,
    /// SSO OIDC state (clients, authorizations, tokens).
    pub oidc: crate::oidc::OidcState,
    /// Call counters and faults.
    pub control: ControlState,
    /// Counter for ids.
    pub seq: u64,
    /// Simulated time the engine has advanced to.
    pub engine_time: f64,
}

impl World {
    /// Find an account by id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The region state of an account, if it has resources there.
    pub fn region(&self, account_id: &str, region: &str) -> Option<&Region> {
        self.account(account_id)?
            .regions
            .iter()
            .find(|r| r.name == region)
    }

    /// Mutable region state of an account, created empty when the region is valid for the
    /// account's partition.
    pub fn region_mut(&mut self, account_id: &str, region: &str) -> Option<&mut Region> {
        let account = self.accounts.iter_mut().find(|a| a.id == account_id)?;
        if partition_of_region(region) != Some(account.partition.as_str()) {
            return None;
        }
        if !account.regions.iter().any(|r| r.name == region) {
            account.regions.push(Region {
                name: region.to_string(),
                ..Region::default()
            });
        }
        account.regions.iter_mut().find(|r| r.name == region)
    }

    /// A fresh id number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}
