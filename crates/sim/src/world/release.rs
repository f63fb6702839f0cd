//! How ECS releases a service since 2025: its deployment strategy (rolling, blue/green, linear,
//! canary) with bake time and lifecycle hooks, the service revisions each deployment creates, and
//! ECS's own 90-day record of every service deployment (ListServiceDeployments).

/// ECS keeps service deployments for 90 days.
pub const RECORD_RETENTION_SECS: f64 = 90.0 * 86_400.0;

/// The release settings of a service and its deployment record.
#[derive(Debug, Clone, Default)]
pub struct Release {
    /// deploymentConfiguration.strategy: `ROLLING` (empty means ROLLING), `BLUE_GREEN`,
    /// `LINEAR` or `CANARY`.
    pub strategy: String,
    /// deploymentConfiguration.bakeTimeInMinutes (traffic-shifting strategies).
    pub bake_minutes: i64,
    /// canaryConfiguration: (canaryPercent, canaryBakeTimeInMinutes).
    pub canary: Option<(f64, i64)>,
    /// linearConfiguration: (stepPercent, stepBakeTimeInMinutes).
    pub linear: Option<(f64, i64)>,
    /// deploymentConfiguration.lifecycleHooks.
    pub hooks: Vec<LifecycleHook>,
    /// deploymentConfiguration.alarms: (alarm names, roll back when one goes to ALARM).
    pub alarms: Option<(Vec<String>, bool)>,
    /// Service revisions, oldest first.
    pub revisions: Vec<ServiceRevision>,
    /// Service deployments, newest first (kept 90 days).
    pub records: Vec<ServiceDeploymentRecord>,
}

impl Release {
    /// The strategy's API name (`ROLLING` when unset).
    pub fn strategy(&self) -> &str {
        if self.strategy.is_empty() {
            "ROLLING"
        } else {
            &self.strategy
        }
    }

    /// Whether deployments move traffic between two target groups (blue/green, linear, canary).
    pub fn shifts_traffic(&self) -> bool {
        self.strategy() != "ROLLING"
    }

    /// The service deployment still under way, if any.
    pub fn in_progress(&self) -> Option<&ServiceDeploymentRecord> {
        self.records.first().filter(|r| r.is_open())
    }

    /// The service deployment still under way, mutably.
    pub fn in_progress_mut(&mut self) -> Option<&mut ServiceDeploymentRecord> {
        self.records.first_mut().filter(|r| r.is_open())
    }
}

/// A lifecycle hook of the deployment configuration.
#[derive(Debug, Clone)]
pub struct LifecycleHook {
    /// `PAUSE` (waits for ContinueServiceDeployment) or `AWS_LAMBDA`.
    pub target_type: String,
    /// The Lambda function (AWS_LAMBDA hooks).
    pub target_arn: Option<String>,
    /// The role ECS assumes to invoke it.
    pub role_arn: Option<String>,
    /// Stages it runs at (`POST_TEST_TRAFFIC_SHIFT`, ...).
    pub stages: Vec<String>,
    /// timeoutConfiguration.timeoutInMinutes.
    pub timeout_minutes: i64,
    /// timeoutConfiguration.action: `ROLLBACK` or `CONTINUE`.
    pub timeout_action: String,
}

/// A service revision: the configuration one deployment rolled out.
#[derive(Debug, Clone)]
pub struct ServiceRevision {
    /// ARN (`service-revision/CLUSTER/SERVICE/NUMBER`).
    pub arn: String,
    /// Task definition ARN.
    pub task_definition: String,
    /// Created.
    pub created_at: f64,
    /// Launch type.
    pub launch_type: String,
    /// Container images: (container name, image, digest).
    pub images: Vec<(String, String, String)>,
    /// resolvedConfiguration.loadBalancers: (target group taking its production traffic,
    /// production listener rule).
    pub target_groups: Vec<(String, Option<String>)>,
}

/// One side of a service deployment: a revision and the ECS deployment running its tasks.
#[derive(Debug, Clone)]
pub struct RevisionSide {
    /// Service revision ARN.
    pub revision_arn: String,
    /// The ECS deployment (`ecs-svc/...`) whose tasks run this revision.
    pub deployment_id: String,
    /// requestedTaskCount.
    pub requested: i64,
    /// runningTaskCount.
    pub running: i64,
    /// pendingTaskCount.
    pub pending: i64,
}

/// A lifecycle hook's run within one deployment.
#[derive(Debug, Clone)]
pub struct HookRun {
    /// hookId.
    pub hook_id: String,
    /// The hook it runs.
    pub hook: LifecycleHook,
    /// The stage it runs at.
    pub stage: String,
    /// `AWAITING_ACTION`, `IN_PROGRESS`, `SUCCEEDED`, `FAILED` or `TIMED_OUT`.
    pub status: String,
    /// When it times out.
    pub expires_at: f64,
}

/// ECS's record of one service deployment (DescribeServiceDeployments).
#[derive(Debug, Clone)]
pub struct ServiceDeploymentRecord {
    /// ARN (`service-deployment/CLUSTER/SERVICE/ID`).
    pub arn: String,
    /// Created.
    pub created_at: f64,
    /// Started.
    pub started_at: f64,
    /// Finished (successful, rolled back).
    pub finished_at: Option<f64>,
    /// Stopped (stopped, superseded).
    pub stopped_at: Option<f64>,
    /// Last change.
    pub updated_at: f64,
    /// What ran before.
    pub source: Vec<RevisionSide>,
    /// What it rolls out.
    pub target: RevisionSide,
    /// ServiceDeploymentStatus.
    pub status: String,
    /// statusReason.
    pub status_reason: String,
    /// lifecycleStage (None for rolling deployments).
    pub stage: Option<String>,
    /// When the current stage began.
    pub stage_since: f64,
    /// The strategy it deploys with (fixed when it starts).
    pub strategy: String,
    /// bakeTimeInMinutes, canary and linear settings it deploys with.
    pub bake_minutes: i64,
    /// canaryConfiguration it deploys with.
    pub canary: Option<(f64, i64)>,
    /// linearConfiguration it deploys with.
    pub linear: Option<(f64, i64)>,
    /// Percent of production traffic on the target revision.
    pub production_weight: f64,
    /// Percent of test traffic on the target revision.
    pub test_weight: f64,
    /// Circuit breaker: (status, failure count, threshold).
    pub breaker: (String, i64, i64),
    /// Alarms: (status, alarm names, triggered names).
    pub alarms: (String, Vec<String>, Vec<String>),
    /// rollback: (reason, started at, revision it returns to).
    pub rollback: Option<(String, f64, String)>,
    /// The ECS deployment carrying a rolling rollback, when one was started.
    pub rollback_deployment: Option<String>,
    /// Lifecycle hook runs.
    pub hooks: Vec<HookRun>,
}

impl ServiceDeploymentRecord {
    /// Whether it has not reached a final status.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status.as_str(),
            "PENDING"
                | "IN_PROGRESS"
                | "STOP_REQUESTED"
                | "ROLLBACK_REQUESTED"
                | "ROLLBACK_IN_PROGRESS"
        )
    }

    /// The hook waiting for ContinueServiceDeployment, if any.
    pub fn awaiting(&self) -> Option<&HookRun> {
        self.hooks.iter().find(|h| h.status == "AWAITING_ACTION")
    }
}
