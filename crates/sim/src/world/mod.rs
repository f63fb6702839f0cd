//! The simulated fleet: accounts in both partitions, their regions, clusters, services, tasks,
//! load balancers, alarms and log groups, plus the credentials issued to callers.
//!
//! Field additions are fine; renames break the other modules. All times are epoch seconds on the
//! simulated clock.
//!
//! `identity` holds callers and credentials, `ecs` clusters, services, tasks and task
//! definitions, `elbv2` load balancers and targets, `cloudwatch` alarms and log groups; this
//! module ties them into accounts, regions and the `World`.

mod cloudwatch;
mod ecs;
mod elbv2;
mod identity;
mod insights;
mod release;
mod scaling;
mod trail;

use std::collections::{BTreeMap, HashMap};

use crate::clock::Clock;

pub use cloudwatch::{Alarm, LogGroup, LogStream};
pub use ecs::{
    Behaviour, Cluster, ContainerDefinition, ContainerInstance, Deployment, Scheduler, Service,
    ServiceEvent, ServiceLoadBalancer, Task, TaskContainer, TaskDefinition,
};
pub use elbv2::{LoadBalancer, Target, TargetGroup};
pub use identity::{Credential, IamUser, Principal, RoleDef, SsoInstance};
pub use insights::{InsightsRecord, QueryDefinition, QueryRun};
pub use release::{
    HookRun, LifecycleHook, Release, RevisionSide, ServiceDeploymentRecord, ServiceRevision,
    RECORD_RETENTION_SECS,
};
pub use scaling::{
    Demand, PolicyKind, ScalableTarget, ScalingActivity, ScalingPolicy, ScheduledAction, Suspended,
    Tracker, ACTIVITY_RETENTION_SECS, ECS_DESIRED_COUNT,
};
pub use trail::{
    event_source, role_identity, user_identity, CallRecord, TrailEvent, DELIVERY_MIN_SECS,
    DELIVERY_SPREAD_SECS, TRAIL_RETENTION_SECS,
};

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
    /// Application Auto Scaling targets (ECS services' desired counts).
    pub scalable_targets: Vec<ScalableTarget>,
    /// CloudTrail's management events, oldest first.
    pub trail: Vec<TrailEvent>,
    /// Logs Insights queries started here.
    pub insights: Vec<QueryRun>,
    /// Saved Logs Insights queries.
    pub query_definitions: Vec<QueryDefinition>,
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
    /// Console sign-in tokens of the federation endpoint: token -> (principal, expiry).
    pub signin_tokens: HashMap<String, (Principal, f64)>,
    /// Recent LookupEvents calls per (account, region), for CloudTrail's rate limit (real time:
    /// a limit per second holds whatever the simulated clock's speed).
    pub lookups: HashMap<(String, String), Vec<std::time::Instant>>,
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
