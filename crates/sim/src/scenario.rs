//! Scenario files (TOML) and the built-in scenarios: `demo`, `scale:CLUSTERS:SERVICES`, or a path.
//!
//! A scenario describes the fleet as it was configured; `World::from_scenario` builds it and lets
//! the engine play the recent past (service creation, earlier rollouts, crash loops, OOM kills) so
//! the world is at a consistent "steady state as of now" with tasks, events and log streams.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::clock::Clock;
use crate::error::SimError;
use crate::world::{
    Account, Alarm, Behaviour, Cluster, ContainerDefinition, ContainerInstance, Credential,
    IamUser, LoadBalancer, LogGroup, Principal, Region, RoleDef, Scheduler, Service,
    ServiceLoadBalancer, SsoInstance, TargetGroup, TaskDefinition, World,
};

/// The built-in demo scenario (fixed names; see the team contract).
const DEMO: &str = include_str!("../scenarios/demo.toml");

const DAY: f64 = 86_400.0;
const HOUR: f64 = 3_600.0;

/// A parsed scenario.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// How many days of past the engine plays at start-up (events, task history, log streams).
    #[serde(default = "default_history_days")]
    pub history_days: f64,
    /// Accounts.
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
    /// IAM Identity Center instances.
    #[serde(default)]
    pub sso: Vec<SsoSpec>,
}

fn default_history_days() -> f64 {
    8.0
}
fn default_true() -> bool {
    true
}
fn default_one() -> i32 {
    1
}
fn default_launch_type() -> String {
    "FARGATE".into()
}
fn default_min_healthy() -> i64 {
    100
}
fn default_max_percent() -> i64 {
    200
}
fn default_cpu() -> String {
    "512".into()
}
fn default_memory() -> String {
    "1024".into()
}
fn default_arch() -> String {
    "X86_64".into()
}
fn default_prefix() -> String {
    "ecs".into()
}
fn default_container() -> String {
    "app".into()
}
fn default_network_mode() -> String {
    "awsvpc".into()
}
fn default_scheme() -> String {
    "internet-facing".into()
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
fn default_instance_cpu() -> i64 {
    2048
}
fn default_instance_memory() -> i64 {
    7982
}

/// An account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// 12-digit id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// `aws` or `aws-us-gov`.
    pub partition: String,
    /// Default region for written profiles.
    pub default_region: String,
    /// Roles SSO users may assume.
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    /// IAM users with static keys.
    #[serde(default)]
    pub users: Vec<UserSpec>,
    /// Regions with resources.
    #[serde(default)]
    pub regions: Vec<RegionSpec>,
}

/// A role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    /// Role name.
    pub name: String,
    /// May not change anything.
    #[serde(default)]
    pub read_only: bool,
}

/// An IAM user with static keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    /// User name.
    pub name: String,
    /// Profile name written by `--aws-config-out` (defaults to the user name).
    #[serde(default)]
    pub profile: Option<String>,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// May not change anything.
    #[serde(default)]
    pub read_only: bool,
}

/// An IAM Identity Center instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoSpec {
    /// Start URL.
    pub start_url: String,
    /// SSO region.
    pub region: String,
    /// sso-session name.
    pub session_name: String,
    /// Signed-in user name.
    #[serde(default = "default_user")]
    pub user: String,
    /// Account assignments.
    #[serde(default)]
    pub assignments: Vec<AssignmentSpec>,
}

fn default_user() -> String {
    "ops.user@example.com".into()
}

/// Roles of one account reachable through an SSO instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSpec {
    /// Account id.
    pub account: String,
    /// Role names.
    pub roles: Vec<String>,
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
    /// Current task definition, `family:revision`.
    pub task_definition: String,
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

impl Scenario {
    /// Load a built-in scenario by name or a TOML file by path.
    pub fn load(name: &str) -> Result<Scenario, SimError> {
        if name == "demo" {
            return Self::parse("demo", DEMO);
        }
        if let Some(rest) = name.strip_prefix("scale:") {
            return Self::scale(name, rest);
        }
        let text = std::fs::read_to_string(name).map_err(|e| SimError::Scenario {
            name: name.to_string(),
            message: format!(
                "not a built-in scenario (demo, scale:CLUSTERS:SERVICES) and not a readable file: {e}"
            ),
        })?;
        Self::parse(name, &text)
    }

    /// Parse and check scenario TOML; errors name the file and the line or field.
    pub fn parse(name: &str, text: &str) -> Result<Scenario, SimError> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            SimError::Scenario {
                name: name.to_string(),
                message: match line {
                    Some(l) => format!("line {l}: {}", e.message()),
                    None => e.to_string(),
                },
            }
        })?;
        scenario.validate().map_err(|message| SimError::Scenario {
            name: name.to_string(),
            message,
        })?;
        Ok(scenario)
    }

    /// `scale:CLUSTERS:SERVICES`: one account per partition, each with CLUSTERS clusters of
    /// SERVICES healthy services; plus a read-only IAM user per account.
    fn scale(name: &str, spec: &str) -> Result<Scenario, SimError> {
        let bad = || {
            SimError::Scenario {
            name: name.to_string(),
            message: "expected scale:CLUSTERS:SERVICES with 1..=100 clusters and 1..=2000 services per cluster".into(),
        }
        };
        let (c, s) = spec.split_once(':').ok_or_else(bad)?;
        let clusters: usize = c.parse().map_err(|_| bad())?;
        let services: usize = s.parse().map_err(|_| bad())?;
        if !(1..=100).contains(&clusters) || !(1..=2000).contains(&services) {
            return Err(bad());
        }
        let demo = Self::parse("demo", DEMO)?;
        let mut accounts = Vec::new();
        for base in &demo.accounts {
            let mut account = base.clone();
            let Some(first) = base.users.first() else {
                continue;
            };
            // The read-only key is the operator key with its last character replaced by `R`.
            let ro_key: String = first
                .access_key_id
                .chars()
                .take(19)
                .chain(std::iter::once('R'))
                .collect();
            account.users.push(UserSpec {
                name: format!("{}-readonly", first.name),
                profile: Some(format!(
                    "{}-readonly",
                    first.profile.as_deref().unwrap_or(&first.name)
                )),
                access_key_id: ro_key,
                secret_access_key: format!("{}ReadOnly", first.secret_access_key),
                read_only: true,
            });
            let mut region = RegionSpec {
                name: base.default_region.clone(),
                ..RegionSpec::default()
            };
            for ci in 0..clusters {
                let mut cluster = ClusterSpec {
                    name: format!("scale-cluster-{ci:02}"),
                    capacity_providers: vec!["FARGATE".into(), "FARGATE_SPOT".into()],
                    container_instances: 0,
                    instance_cpu: default_instance_cpu(),
                    instance_memory: default_instance_memory(),
                    services: Vec::with_capacity(services),
                };
                for si in 0..services {
                    let family = format!("scale-{ci:02}-svc-{si:04}");
                    region.task_definitions.push(FamilySpec {
                        family: family.clone(),
                        container: "app".into(),
                        port: Some(8080),
                        cpu: default_cpu(),
                        memory: default_memory(),
                        architecture: default_arch(),
                        log_group: Some(format!("/ecs/{family}")),
                        log_prefix: default_prefix(),
                        network_mode: default_network_mode(),
                        compatibilities: Vec::new(),
                        revisions: vec![RevisionSpec {
                            image: format!("public.ecr.aws/ecsdesk/{family}:1.0.{}", si % 7),
                            env: BTreeMap::from([("SERVICE".to_string(), family.clone())]),
                            cpu: None,
                            memory: None,
                            architecture: None,
                            behaviour: None,
                            registered_days_ago: Some(10.0),
                            status: None,
                        }],
                    });
                    cluster.services.push(ServiceSpec {
                        name: format!("{family}-Service"),
                        desired_count: 1 + (si % 2) as i64,
                        launch_type: default_launch_type(),
                        task_definition: format!("{family}:1"),
                        target_group: None,
                        container_port: None,
                        minimum_healthy_percent: 100,
                        maximum_percent: 200,
                        circuit_breaker: true,
                        rollback: true,
                        behaviour: None,
                        deployed_hours_ago: None,
                        created_days_ago: Some(10.0),
                    });
                }
                region.clusters.push(cluster);
            }
            account.regions = vec![region];
            accounts.push(account);
        }
        Ok(Scenario {
            name: name.to_string(),
            history_days: 8.0,
            accounts,
            sso: demo.sso,
        })
    }

    /// Cross-references and values serde cannot check; the message names the field.
    fn validate(&self) -> Result<(), String> {
        let mut key_ids = std::collections::HashSet::new();
        for (ai, a) in self.accounts.iter().enumerate() {
            let at = format!("accounts[{ai}] ({})", a.name);
            if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{at}.id: '{}' is not a 12-digit account id", a.id));
            }
            let Some((_, regions)) = crate::world::PARTITIONS
                .iter()
                .find(|(p, _)| *p == a.partition)
            else {
                return Err(format!(
                    "{at}.partition: '{}' is not aws or aws-us-gov",
                    a.partition
                ));
            };
            if !regions.contains(&a.default_region.as_str()) {
                return Err(format!(
                    "{at}.default_region: '{}' is not a region of {}",
                    a.default_region, a.partition
                ));
            }
            for (ui, u) in a.users.iter().enumerate() {
                if !key_ids.insert(u.access_key_id.clone()) {
                    return Err(format!(
                        "{at}.users[{ui}].access_key_id: '{}' is used twice",
                        u.access_key_id
                    ));
                }
            }
            for (ri, r) in a.regions.iter().enumerate() {
                let at = format!("{at}.regions[{ri}] ({})", r.name);
                if !regions.contains(&r.name.as_str()) {
                    return Err(format!(
                        "{at}.name: '{}' is not a region of {}",
                        r.name, a.partition
                    ));
                }
                for (fi, f) in r.task_definitions.iter().enumerate() {
                    if f.revisions.is_empty() {
                        return Err(format!(
                            "{at}.task_definitions[{fi}] ({}).revisions: at least one revision is needed",
                            f.family
                        ));
                    }
                }
                for (ti, t) in r.target_groups.iter().enumerate() {
                    if let Some(lb) = &t.load_balancer {
                        if !r.load_balancers.iter().any(|l| &l.name == lb) {
                            return Err(format!(
                                "{at}.target_groups[{ti}] ({}).load_balancer: no load balancer '{lb}' in this region",
                                t.name
                            ));
                        }
                    }
                }
                for (ci, c) in r.clusters.iter().enumerate() {
                    for (si, s) in c.services.iter().enumerate() {
                        let at = format!(
                            "{at}.clusters[{ci}] ({}).services[{si}] ({})",
                            c.name, s.name
                        );
                        let Some((family, rev)) = s.task_definition.rsplit_once(':') else {
                            return Err(format!(
                                "{at}.task_definition: '{}' is not family:revision",
                                s.task_definition
                            ));
                        };
                        let rev: usize = rev.parse().unwrap_or(0);
                        let ok = r
                            .task_definitions
                            .iter()
                            .any(|f| f.family == family && rev >= 1 && rev <= f.revisions.len());
                        if !ok {
                            return Err(format!(
                                "{at}.task_definition: no task definition '{}' in this region",
                                s.task_definition
                            ));
                        }
                        if let Some(tg) = &s.target_group {
                            if !r.target_groups.iter().any(|t| &t.name == tg) {
                                return Err(format!(
                                    "{at}.target_group: no target group '{tg}' in this region"
                                ));
                            }
                        }
                        if s.desired_count < 0 {
                            return Err(format!("{at}.desired_count: must be 0 or more"));
                        }
                        if s.launch_type != "FARGATE" && s.launch_type != "EC2" {
                            return Err(format!(
                                "{at}.launch_type: '{}' is not FARGATE or EC2",
                                s.launch_type
                            ));
                        }
                        if s.launch_type == "EC2" && c.container_instances == 0 {
                            return Err(format!(
                                "{at}.launch_type: EC2 needs container_instances in cluster {}",
                                c.name
                            ));
                        }
                    }
                }
            }
        }
        for (si, s) in self.sso.iter().enumerate() {
            if crate::world::partition_of_region(&s.region).is_none() {
                return Err(format!(
                    "sso[{si}].region: '{}' is not a known region",
                    s.region
                ));
            }
            for (ai, asg) in s.assignments.iter().enumerate() {
                let Some(account) = self.accounts.iter().find(|a| a.id == asg.account) else {
                    return Err(format!(
                        "sso[{si}].assignments[{ai}].account: no account {}",
                        asg.account
                    ));
                };
                for role in &asg.roles {
                    if !account.roles.iter().any(|r| &r.name == role) {
                        return Err(format!(
                            "sso[{si}].assignments[{ai}].roles: account {} has no role '{role}'",
                            asg.account
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A stable 16-hex-digit id derived from a name (load balancer and target group ARN suffixes).
pub fn stable_hex(seed: &str, len: usize) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(seed.as_bytes());
    let mut out = hex::encode(digest);
    out.truncate(len);
    out
}

/// The ELBv2 resource ARN prefix of a region.
fn elb_arn(partition: &str, region: &str, account: &str, resource: &str) -> String {
    format!("arn:{partition}:elasticloadbalancing:{region}:{account}:{resource}")
}

/// The ECS resource ARN of a region.
pub fn ecs_arn(partition: &str, region: &str, account: &str, resource: &str) -> String {
    format!("arn:{partition}:ecs:{region}:{account}:{resource}")
}

impl World {
    /// Build the world a scenario describes, then play its recent past up to the clock's now.
    pub fn from_scenario(scenario: Scenario, clock: Clock) -> Result<World, SimError> {
        let now = clock.now();
        let history_start = now - scenario.history_days.max(0.0) * DAY;
        let mut credentials = std::collections::HashMap::new();
        let mut accounts = Vec::new();
        for a in &scenario.accounts {
            let mut users = Vec::new();
            for u in &a.users {
                let user = IamUser {
                    name: u.name.clone(),
                    profile: u.profile.clone().unwrap_or_else(|| u.name.clone()),
                    access_key_id: u.access_key_id.clone(),
                    secret_access_key: u.secret_access_key.clone(),
                    read_only: u.read_only,
                };
                credentials.insert(
                    u.access_key_id.clone(),
                    Credential {
                        access_key_id: u.access_key_id.clone(),
                        secret_access_key: u.secret_access_key.clone(),
                        session_token: None,
                        expires_at: None,
                        principal: Principal {
                            account_id: a.id.clone(),
                            partition: a.partition.clone(),
                            name: u.name.clone(),
                            is_user: true,
                            read_only: u.read_only,
                            sso_user: None,
                        },
                    },
                );
                users.push(user);
            }
            let regions = a
                .regions
                .iter()
                .map(|r| build_region(a, r, now, history_start))
                .collect();
            accounts.push(Account {
                id: a.id.clone(),
                name: a.name.clone(),
                email: if a.email.is_empty() {
                    format!("aws+{}@example.com", a.name)
                } else {
                    a.email.clone()
                },
                partition: a.partition.clone(),
                default_region: a.default_region.clone(),
                roles: a
                    .roles
                    .iter()
                    .map(|r| RoleDef {
                        name: r.name.clone(),
                        read_only: r.read_only,
                    })
                    .collect(),
                users,
                regions,
            });
        }
        let sso = scenario
            .sso
            .iter()
            .map(|s| SsoInstance {
                start_url: s.start_url.clone(),
                region: s.region.clone(),
                session_name: s.session_name.clone(),
                partition: crate::world::partition_of_region(&s.region)
                    .unwrap_or("aws")
                    .to_string(),
                user: s.user.clone(),
                assignments: s
                    .assignments
                    .iter()
                    .map(|x| (x.account.clone(), x.roles.clone()))
                    .collect(),
            })
            .collect();
        let mut world = World {
            clock,
            scenario,
            accounts,
            sso,
            credentials,
            oidc: Default::default(),
            control: Default::default(),
            seq: 0,
            engine_time: history_start,
        };
        crate::engine::advance_to(&mut world, now);
        Ok(world)
    }
}

fn build_region(a: &AccountSpec, r: &RegionSpec, now: f64, history_start: f64) -> Region {
    let p = a.partition.as_str();
    let region = r.name.as_str();
    let acct = a.id.as_str();
    let vpc_id = format!("vpc-{}", stable_hex(&format!("{acct}/{region}/vpc"), 17));
    let azs: Vec<String> = ["a", "b"].iter().map(|z| format!("{region}{z}")).collect();
    let mut out = Region {
        name: r.name.clone(),
        ..Region::default()
    };
    for f in &r.task_definitions {
        let n = f.revisions.len();
        for (i, rev) in f.revisions.iter().enumerate() {
            let revision = i as i64 + 1;
            let days_ago = rev
                .registered_days_ago
                .unwrap_or(((n - i) as f64) * 7.0 + 2.0);
            let env: Vec<(String, String)> = rev
                .env
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            out.task_definitions.push(TaskDefinition {
                family: f.family.clone(),
                revision,
                arn: ecs_arn(
                    p,
                    region,
                    acct,
                    &format!("task-definition/{}:{revision}", f.family),
                ),
                status: rev.status.clone().unwrap_or_else(|| "ACTIVE".into()),
                cpu: rev.cpu.clone().unwrap_or_else(|| f.cpu.clone()),
                memory: rev.memory.clone().unwrap_or_else(|| f.memory.clone()),
                containers: vec![ContainerDefinition {
                    name: f.container.clone(),
                    image: rev.image.clone(),
                    essential: true,
                    ports: f.port.into_iter().collect(),
                    environment: env,
                    log_group: f.log_group.clone(),
                    log_stream_prefix: f.log_group.as_ref().map(|_| f.log_prefix.clone()),
                    cpu: 0,
                    memory_reservation: None,
                }],
                network_mode: f.network_mode.clone(),
                registered_at: now - days_ago * DAY,
                cpu_architecture: rev
                    .architecture
                    .clone()
                    .unwrap_or_else(|| f.architecture.clone()),
                behaviour: rev.behaviour.as_ref().map(BehaviourSpec::to_behaviour),
                requires_compatibilities: if f.compatibilities.is_empty() {
                    vec!["FARGATE".into()]
                } else {
                    f.compatibilities.clone()
                },
                execution_role_arn: Some(format!(
                    "arn:{p}:iam::{acct}:role/{}-execution-role",
                    f.family
                )),
                task_role_arn: Some(format!("arn:{p}:iam::{acct}:role/{}-task-role", f.family)),
                region: r.name.clone(),
            });
            if let Some(group) = &f.log_group {
                if !out.log_groups.iter().any(|g| &g.name == group) {
                    out.log_groups.push(LogGroup {
                        name: group.clone(),
                        created_at: now - (n as f64 * 7.0 + 30.0) * DAY,
                        retention_days: Some(30),
                        streams: Vec::new(),
                    });
                }
            }
        }
    }
    for lb in &r.load_balancers {
        let id = stable_hex(&format!("{acct}/{region}/lb/{}", lb.name), 16);
        out.load_balancers.push(LoadBalancer {
            name: lb.name.clone(),
            arn: elb_arn(
                p,
                region,
                acct,
                &format!("loadbalancer/app/{}/{id}", lb.name),
            ),
            dns_name: format!(
                "{}{}-{}.{region}.elb.amazonaws.com",
                if lb.scheme == "internal" {
                    "internal-"
                } else {
                    ""
                },
                lb.name,
                u64::from_str_radix(&id[..8], 16).unwrap_or(1) % 2_000_000_000
            ),
            scheme: lb.scheme.clone(),
            listener_ports: lb.listeners.clone(),
            created_at: now - 120.0 * DAY,
            vpc_id: vpc_id.clone(),
            availability_zones: azs.clone(),
        });
    }
    for tg in &r.target_groups {
        let id = stable_hex(&format!("{acct}/{region}/tg/{}", tg.name), 16);
        let lb_arns = tg
            .load_balancer
            .as_ref()
            .and_then(|n| out.load_balancers.iter().find(|l| &l.name == n))
            .map(|l| vec![l.arn.clone()])
            .unwrap_or_default();
        out.target_groups.push(TargetGroup {
            name: tg.name.clone(),
            arn: elb_arn(p, region, acct, &format!("targetgroup/{}/{id}", tg.name)),
            load_balancer_arns: lb_arns,
            port: tg.port,
            protocol: tg.protocol.clone(),
            health_check_path: tg.health_check_path.clone(),
            deregistration_delay: tg.deregistration_delay,
            targets: Vec::new(),
            vpc_id: vpc_id.clone(),
            target_type: "ip".into(),
        });
    }
    for c in &r.clusters {
        let cluster_arn = ecs_arn(p, region, acct, &format!("cluster/{}", c.name));
        let container_instances = (0..c.container_instances)
            .map(|i| {
                let id = stable_hex(&format!("{cluster_arn}/ci/{i}"), 32);
                ContainerInstance {
                    arn: ecs_arn(
                        p,
                        region,
                        acct,
                        &format!("container-instance/{}/{id}", c.name),
                    ),
                    ec2_instance_id: format!("i-{}", stable_hex(&format!("{id}/ec2"), 17)),
                    status: "ACTIVE".into(),
                    cpu: c.instance_cpu,
                    memory: c.instance_memory,
                    registered_at: now - 20.0 * DAY,
                }
            })
            .collect();
        let mut services = Vec::new();
        for s in &c.services {
            services.push(build_service(
                a,
                r,
                &mut out,
                s,
                &cluster_arn,
                &c.name,
                now,
                history_start,
            ));
        }
        out.clusters.push(Cluster {
            name: c.name.clone(),
            arn: cluster_arn,
            status: "ACTIVE".into(),
            capacity_providers: c.capacity_providers.clone(),
            container_instances,
            services,
        });
    }
    for al in &r.alarms {
        let dimensions = al
            .dimensions
            .iter()
            .map(|(k, v)| (k.clone(), expand_dimension(&out, v)))
            .collect();
        out.alarms.push(Alarm {
            name: al.name.clone(),
            arn: format!("arn:{p}:cloudwatch:{region}:{acct}:alarm:{}", al.name),
            description: al.description.clone(),
            namespace: al.namespace.clone(),
            metric_name: al.metric.clone(),
            dimensions,
            statistic: al.statistic.clone(),
            period: al.period,
            threshold: al.threshold,
            comparison: al.comparison.clone(),
            evaluation_periods: al.evaluation_periods,
            state: al.state.clone(),
            state_reason: al.state_reason.clone().unwrap_or_else(|| {
                if al.state == "ALARM" {
                    format!(
                        "Threshold Crossed: {} datapoints were {} the threshold ({}).",
                        al.evaluation_periods,
                        comparison_words(&al.comparison),
                        al.threshold
                    )
                } else {
                    format!(
                        "Threshold Crossed: no datapoints were {} the threshold ({}).",
                        comparison_words(&al.comparison),
                        al.threshold
                    )
                }
            }),
            state_updated_at: now
                - if al.state == "ALARM" {
                    0.6 * HOUR
                } else {
                    2.0 * DAY
                },
        });
    }
    out
}

fn comparison_words(op: &str) -> &'static str {
    match op {
        "GreaterThanThreshold" => "greater than",
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "LessThanThreshold" => "less than",
        "LessThanOrEqualToThreshold" => "less than or equal to",
        _ => "compared with",
    }
}

/// `@lb:NAME` -> `app/NAME/ID`, `@tg:NAME` -> `targetgroup/NAME/ID` (CloudWatch dimension values).
fn expand_dimension(region: &Region, value: &str) -> String {
    if let Some(name) = value.strip_prefix("@lb:") {
        if let Some(lb) = region.load_balancers.iter().find(|l| l.name == name) {
            if let Some((_, suffix)) = lb.arn.split_once(":loadbalancer/") {
                return suffix.to_string();
            }
        }
    }
    if let Some(name) = value.strip_prefix("@tg:") {
        if let Some(tg) = region.target_groups.iter().find(|t| t.name == name) {
            if let Some((_, suffix)) = tg.arn.rsplit_once(':') {
                return suffix.to_string();
            }
        }
    }
    value.to_string()
}

#[allow(clippy::too_many_arguments)]
fn build_service(
    a: &AccountSpec,
    r: &RegionSpec,
    region: &mut Region,
    s: &ServiceSpec,
    cluster_arn: &str,
    cluster_name: &str,
    now: f64,
    history_start: f64,
) -> Service {
    let (family, rev) = s
        .task_definition
        .rsplit_once(':')
        .unwrap_or((s.task_definition.as_str(), "1"));
    let rev: i64 = rev.parse().unwrap_or(1);
    let td_arn = |rev: i64| {
        ecs_arn(
            &a.partition,
            &r.name,
            &a.id,
            &format!("task-definition/{family}:{rev}"),
        )
    };
    // A service's behaviour belongs to the revision it runs now, unless the revision says otherwise.
    let behaviour = s.behaviour.as_ref().map(BehaviourSpec::to_behaviour);
    if let Some(b) = &behaviour {
        if let Some(td) = region
            .task_definitions
            .iter_mut()
            .find(|t| t.family == family && t.revision == rev && t.behaviour.is_none())
        {
            td.behaviour = Some(b.clone());
        }
    }
    let port = s.container_port.unwrap_or_else(|| {
        r.task_definitions
            .iter()
            .find(|f| f.family == family)
            .and_then(|f| f.port)
            .unwrap_or(8080)
    });
    let container = r
        .task_definitions
        .iter()
        .find(|f| f.family == family)
        .map(|f| f.container.clone())
        .unwrap_or_else(default_container);
    let load_balancers = s
        .target_group
        .as_ref()
        .and_then(|tg| region.target_groups.iter().find(|t| &t.name == tg))
        .map(|tg| {
            vec![ServiceLoadBalancer {
                target_group_arn: tg.arn.clone(),
                container_name: container.clone(),
                container_port: port,
            }]
        })
        .unwrap_or_default();
    let deployed_at = s.deployed_hours_ago.map(|h| now - h * HOUR);
    let (first_rev, planned) = match deployed_at {
        Some(t) if rev > 1 && t > history_start => (rev - 1, vec![(t, td_arn(rev))]),
        _ => (rev, Vec::new()),
    };
    Service {
        name: s.name.clone(),
        arn: ecs_arn(
            &a.partition,
            &r.name,
            &a.id,
            &format!("service/{cluster_name}/{}", s.name),
        ),
        status: "ACTIVE".into(),
        desired_count: s.desired_count,
        launch_type: s.launch_type.clone(),
        task_definition: td_arn(first_rev),
        minimum_healthy_percent: s.minimum_healthy_percent,
        maximum_percent: s.maximum_percent,
        circuit_breaker: s.circuit_breaker,
        rollback: s.rollback,
        load_balancers,
        deployments: Vec::new(),
        events: Vec::new(),
        tasks: Vec::new(),
        behaviour: Behaviour::Healthy,
        created_at: now - s.created_days_ago.unwrap_or(90.0) * DAY,
        history: Vec::new(),
        cluster_arn: cluster_arn.to_string(),
        scheduler: Scheduler {
            // The engine creates the first deployment when history starts.
            planned_updates: std::iter::once((history_start, td_arn(first_rev)))
                .chain(planned)
                .collect(),
            ..Scheduler::default()
        },
    }
}

/// An AWS CLI config file with profiles for the world's IAM users and SSO instances.
pub fn aws_config_text(world: &World) -> String {
    let mut out = String::from(
        "# Written by ecsdesk-sim for its scenario; endpoints come from AWS_ENDPOINT_URL.\n\n",
    );
    for a in &world.accounts {
        for u in &a.users {
            out.push_str(&format!(
                // ECS Desk shows `ecsdesk_account_name` for plain-key profiles (other tools ignore it).
                "[profile {}]\nregion = {}\naws_access_key_id = {}\naws_secret_access_key = {}\necsdesk_account_name = {}\n\n",
                u.profile, a.default_region, u.access_key_id, u.secret_access_key, a.name
            ));
        }
    }
    for s in &world.sso {
        out.push_str(&format!(
            "[sso-session {}]\nsso_start_url = {}\nsso_region = {}\nsso_registration_scopes = sso:account:access\n\n",
            s.session_name, s.start_url, s.region
        ));
        for (account_id, roles) in &s.assignments {
            let Some(account) = world.account(account_id) else {
                continue;
            };
            for role in roles {
                out.push_str(&format!(
                    "[profile {}-{role}]\nsso_session = {}\nsso_account_id = {}\nsso_role_name = {role}\nregion = {}\n\n",
                    account.name, s.session_name, account.id, account.default_region
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_toml_names_the_line() {
        let err = Scenario::parse("bad.toml", "name = \"x\"\n[[accounts]]\nid = 5\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn bad_reference_names_the_field() {
        let text = r#"
[[accounts]]
id = "111111111111"
name = "x"
partition = "aws"
default_region = "us-east-1"
[[accounts.regions]]
name = "us-east-1"
[[accounts.regions.clusters]]
name = "c"
[[accounts.regions.clusters.services]]
name = "s"
desired_count = 1
task_definition = "nope:1"
"#;
        let err = Scenario::parse("x.toml", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("services[0] (s).task_definition"), "{err}");
    }

    #[test]
    fn wrong_partition_region_is_rejected() {
        let text = r#"
[[accounts]]
id = "111111111111"
name = "x"
partition = "aws-us-gov"
default_region = "us-east-1"
"#;
        let err = Scenario::parse("x.toml", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("default_region"), "{err}");
    }
}
