//! What a scenario puts in one region: task definition families and revisions, clusters and
//! services with their behaviour, load balancers, target groups and alarms.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::world::Behaviour;

fn default_true() -> bool {
    true
}
fn default_one() -> i32 {
    1
}
pub(super) fn default_launch_type() -> String {
    "FARGATE".into()
}
fn default_min_healthy() -> i64 {
    100
}
fn default_max_percent() -> i64 {
    200
}
pub(super) fn default_cpu() -> String {
    "512".into()
}
pub(super) fn default_memory() -> String {
    "1024".into()
}
pub(super) fn default_arch() -> String {
    "X86_64".into()
}
pub(super) fn default_prefix() -> String {
    "ecs".into()
}
pub(super) fn default_container() -> String {
    "app".into()
}
pub(super) fn default_network_mode() -> String {
    "awsvpc".into()
}
fn default_scheme() -> String {
    "internet-facing".into()
}
fn default_lb_type() -> String {
    "application".into()
}
fn default_listeners() -> Vec<i64> {
    vec![443]
}
fn default_tg_port() -> i64 {
    8080
}
fn default_protocol() -> String {
    "HTTP".into()
}
fn default_hc_path() -> String {
    "/".into()
}
fn default_dereg() -> f64 {
    300.0
}
fn default_scheduling() -> String {
    "REPLICA".into()
}

fn default_controller() -> String {
    "ECS".into()
}

fn default_target_type() -> String {
    "ip".into()
}
fn default_statistic() -> String {
    "Average".into()
}
fn default_period() -> i64 {
    300
}
fn default_eval() -> i64 {
    1
}
fn default_state() -> String {
    "OK".into()
}
pub(super) fn default_instance_cpu() -> i64 {
    2048
}
pub(super) fn default_instance_memory() -> i64 {
    7982
}

/// One region of an account.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Region code.
    pub name: String,
    /// Task definition families.
    #[serde(default)]
    pub task_definitions: Vec<FamilySpec>,
    /// Load balancers.
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancerSpec>,
    /// Target groups.
    #[serde(default)]
    pub target_groups: Vec<TargetGroupSpec>,
    /// Clusters.
    #[serde(default)]
    pub clusters: Vec<ClusterSpec>,
    /// Alarms.
    #[serde(default)]
    pub alarms: Vec<AlarmSpec>,
}

/// A task definition family and its revisions (1, 2, ... in order).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilySpec {
    /// Family name.
    pub family: String,
    /// Container name.
    #[serde(default = "default_container")]
    pub container: String,
    /// Container port.
    #[serde(default)]
    pub port: Option<i64>,
    /// Task CPU units.
    #[serde(default = "default_cpu")]
    pub cpu: String,
    /// Task memory MiB.
    #[serde(default = "default_memory")]
    pub memory: String,
    /// `X86_64` or `ARM64`.
    #[serde(default = "default_arch")]
    pub architecture: String,
    /// awslogs-group (None: no logging).
    #[serde(default)]
    pub log_group: Option<String>,
    /// awslogs-stream-prefix.
    #[serde(default = "default_prefix")]
    pub log_prefix: String,
    /// awslogs-region, when the logs go to another region of the partition.
    #[serde(default)]
    pub log_region: Option<String>,
    /// `awsvpc` or `bridge`.
    #[serde(default = "default_network_mode")]
    pub network_mode: String,
    /// requiresCompatibilities (defaults to FARGATE).
    #[serde(default)]
    pub compatibilities: Vec<String>,
    /// Revisions, oldest first.
    pub revisions: Vec<RevisionSpec>,
}

/// One task definition revision.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionSpec {
    /// Container image.
    pub image: String,
    /// Environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Overrides the family's task CPU.
    #[serde(default)]
    pub cpu: Option<String>,
    /// Overrides the family's task memory.
    #[serde(default)]
    pub memory: Option<String>,
    /// Overrides the family's architecture.
    #[serde(default)]
    pub architecture: Option<String>,
    /// How tasks of this revision behave (a service's `behaviour` applies to its current revision).
    #[serde(default)]
    pub behaviour: Option<BehaviourSpec>,
    /// When it was registered (days before now; default: spaced a week apart).
    #[serde(default)]
    pub registered_days_ago: Option<f64>,
    /// `ACTIVE` (default) or `INACTIVE`.
    #[serde(default)]
    pub status: Option<String>,
}

/// What a service's tasks do.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BehaviourSpec {
    /// Start, pass health checks, run.
    Healthy,
    /// Exit about 10 s after start with this log line and exit code.
    CrashLoop {
        /// Last line written.
        message: String,
        /// Exit code.
        #[serde(default = "default_one")]
        exit_code: i32,
    },
    /// Killed for memory after `after` seconds (exit 137).
    Oom {
        /// Seconds of running before the kill.
        after: f64,
    },
    /// Takes `seconds` longer to become healthy.
    SlowStart {
        /// Extra seconds.
        seconds: f64,
    },
    /// Fails the load balancer health check.
    FailingHealthCheck,
    /// Healthy at high CPU.
    HighCpu {
        /// CPU percent.
        cpu: f64,
    },
    /// Its image tag does not exist (the task never starts).
    ImageNotFound,
    /// Its execution role may not read this secret (the task never starts).
    SecretDenied {
        /// Secret name.
        secret: String,
    },
}

impl BehaviourSpec {
    /// The world's behaviour.
    pub fn to_behaviour(&self) -> Behaviour {
        match self {
            BehaviourSpec::Healthy => Behaviour::Healthy,
            BehaviourSpec::CrashLoop { message, exit_code } => Behaviour::CrashLoop {
                message: message.clone(),
                exit_code: *exit_code,
            },
            BehaviourSpec::Oom { after } => Behaviour::OutOfMemory { after: *after },
            BehaviourSpec::SlowStart { seconds } => Behaviour::SlowStart { seconds: *seconds },
            BehaviourSpec::FailingHealthCheck => Behaviour::FailingHealthCheck,
            BehaviourSpec::HighCpu { cpu } => Behaviour::HighCpu { cpu: *cpu },
            BehaviourSpec::ImageNotFound => Behaviour::ImageNotFound,
            BehaviourSpec::SecretDenied { secret } => Behaviour::SecretDenied {
                secret: secret.clone(),
            },
        }
    }
}

/// A cluster.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    /// Name.
    pub name: String,
    /// Capacity providers (FARGATE, FARGATE_SPOT); empty for EC2.
    #[serde(default)]
    pub capacity_providers: Vec<String>,
    /// Number of EC2 container instances.
    #[serde(default)]
    pub container_instances: u32,
    /// CPU units of each container instance.
    #[serde(default = "default_instance_cpu")]
    pub instance_cpu: i64,
    /// Memory MiB of each container instance.
    #[serde(default = "default_instance_memory")]
    pub instance_memory: i64,
    /// Services.
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
}

/// A service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Name.
    pub name: String,
    /// Desired count.
    pub desired_count: i64,
    /// `FARGATE` or `EC2`.
    #[serde(default = "default_launch_type")]
    pub launch_type: String,
    /// A capacity provider strategy of one provider (`FARGATE` or `FARGATE_SPOT`) instead of
    /// the launch type.
    #[serde(default)]
    pub capacity_provider: Option<String>,
    /// Current task definition, `family:revision`.
    pub task_definition: String,
    /// `REPLICA` or `DAEMON` (EC2 only; its desired count is the cluster's instance count).
    #[serde(default = "default_scheduling")]
    pub scheduling_strategy: String,
    /// `ECS`, `CODE_DEPLOY` or `EXTERNAL`.
    #[serde(default = "default_controller")]
    pub deployment_controller: String,
    /// Target group name, when behind a load balancer.
    #[serde(default)]
    pub target_group: Option<String>,
    /// Container port registered in the target group (default: the family's port).
    #[serde(default)]
    pub container_port: Option<i64>,
    /// deploymentConfiguration.minimumHealthyPercent.
    #[serde(default = "default_min_healthy")]
    pub minimum_healthy_percent: i64,
    /// deploymentConfiguration.maximumPercent.
    #[serde(default = "default_max_percent")]
    pub maximum_percent: i64,
    /// Deployment circuit breaker.
    #[serde(default = "default_true")]
    pub circuit_breaker: bool,
    /// Circuit breaker rollback.
    #[serde(default = "default_true")]
    pub rollback: bool,
    /// Behaviour of the current revision's tasks.
    #[serde(default)]
    pub behaviour: Option<BehaviourSpec>,
    /// When the current revision was rolled out (hours ago); before that the previous revision ran.
    #[serde(default)]
    pub deployed_hours_ago: Option<f64>,
    /// When the service was created (days ago; display only).
    #[serde(default)]
    pub created_days_ago: Option<f64>,
    /// Deployment strategy, bake time, hooks and replayed rollouts.
    #[serde(default)]
    pub release: Option<super::release::ReleaseSpec>,
    /// Application Auto Scaling of its desired count.
    #[serde(default)]
    pub autoscaling: Option<super::scaling::AutoScalingSpec>,
}

/// An application load balancer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    /// Name.
    pub name: String,
    /// `internet-facing` or `internal`.
    #[serde(default = "default_scheme")]
    pub scheme: String,
    /// `application` or `network` (TCP; its metrics are in AWS/NetworkELB).
    #[serde(rename = "type", default = "default_lb_type")]
    pub kind: String,
    /// Listener ports.
    #[serde(default = "default_listeners")]
    pub listeners: Vec<i64>,
}

/// A target group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupSpec {
    /// Name.
    pub name: String,
    /// Load balancer name.
    #[serde(default)]
    pub load_balancer: Option<String>,
    /// Port.
    #[serde(default = "default_tg_port")]
    pub port: i64,
    /// Protocol.
    #[serde(default = "default_protocol")]
    pub protocol: String,
    /// Health check path.
    #[serde(default = "default_hc_path")]
    pub health_check_path: String,
    /// Deregistration delay seconds.
    #[serde(default = "default_dereg")]
    pub deregistration_delay: f64,
    /// `ip` (awsvpc tasks) or `instance` (EC2 tasks in bridge or host mode).
    #[serde(default = "default_target_type")]
    pub target_type: String,
}

/// A CloudWatch alarm. Dimension values `@lb:NAME` and `@tg:NAME` expand to the ALB and target
/// group dimension values (`app/NAME/ID`, `targetgroup/NAME/ID`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Namespace.
    pub namespace: String,
    /// Metric name.
    pub metric: String,
    /// Dimensions.
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
    /// Threshold.
    pub threshold: f64,
    /// Comparison operator.
    pub comparison: String,
    /// Statistic.
    #[serde(default = "default_statistic")]
    pub statistic: String,
    /// Period seconds.
    #[serde(default = "default_period")]
    pub period: i64,
    /// Evaluation periods.
    #[serde(default = "default_eval")]
    pub evaluation_periods: i64,
    /// Initial state.
    #[serde(default = "default_state")]
    pub state: String,
    /// State reason.
    #[serde(default)]
    pub state_reason: Option<String>,
}
