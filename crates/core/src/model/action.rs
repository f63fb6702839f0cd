//! Actions on a service and what the app shows of them: the request, its plan in plain words,
//! the risk and confirmation it needs, the watch to a verdict and the protection that applies.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::partition::Partition;
use crate::model::protection::{EffectiveProtection, ProtectionLevel};
use crate::model::service::ServiceEventInfo;

/// An action on a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ActionRequest {
    /// Restart: UpdateService forceNewDeployment (same task definition, fresh tasks).
    ForceNewDeployment,
    /// StopTask on one task, with the reason ECS keeps.
    StopTask {
        /// Task id or ARN.
        task: String,
        /// Why, in the user's words.
        reason: String,
    },
    /// UpdateService desiredCount, after RegisterScalableTarget when `limits` are given.
    SetDesiredCount {
        /// The new desired count.
        desired: i32,
        /// New auto scaling limits set in the same action (so the scaler keeps the new count).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        limits: Option<crate::model::scaling::ScalingLimits>,
    },
    /// UpdateService taskDefinition `family:revision` (never registers a task definition).
    Rollback {
        /// The revision to run.
        revision: i32,
    },
    /// ECS's own rollback of a deployment in progress: StopServiceDeployment ROLLBACK, or
    /// ContinueServiceDeployment ROLLBACK when it waits at a pause hook.
    RollBackDeployment {
        /// Service deployment ARN.
        deployment: String,
        /// The pause hook it waits at; the core fills it in when planning.
        hook: Option<String>,
    },
    /// ContinueServiceDeployment CONTINUE of a deployment waiting at a pause hook.
    ContinueDeployment {
        /// Service deployment ARN.
        deployment: String,
        /// The pause hook's id.
        hook: String,
    },
}

impl ActionRequest {
    /// The action's name in the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            ActionRequest::ForceNewDeployment => "forceNewDeployment",
            ActionRequest::StopTask { .. } => "stopTask",
            ActionRequest::SetDesiredCount { .. } => "setDesiredCount",
            ActionRequest::Rollback { .. } => "rollback",
            ActionRequest::RollBackDeployment { .. } => "rollBackDeployment",
            ActionRequest::ContinueDeployment { .. } => "continueDeployment",
        }
    }

    /// The IAM action it needs.
    pub fn iam_action(&self) -> &'static str {
        match self {
            ActionRequest::StopTask { .. } => "ecs:StopTask",
            ActionRequest::RollBackDeployment { hook: None, .. } => "ecs:StopServiceDeployment",
            ActionRequest::RollBackDeployment { .. } | ActionRequest::ContinueDeployment { .. } => {
                "ecs:ContinueServiceDeployment"
            }
            _ => "ecs:UpdateService",
        }
    }

    /// The service deployment it acts on, for the native deployment actions.
    pub fn service_deployment(&self) -> Option<&str> {
        match self {
            ActionRequest::RollBackDeployment { deployment, .. }
            | ActionRequest::ContinueDeployment { deployment, .. } => Some(deployment),
            _ => None,
        }
    }

    /// What the user tried, for the access-denied sentence.
    pub(crate) fn verb(&self) -> &'static str {
        match self {
            ActionRequest::ForceNewDeployment => "restart services",
            ActionRequest::StopTask { .. } => "stop tasks",
            ActionRequest::SetDesiredCount { .. } => "scale services",
            ActionRequest::Rollback { .. } | ActionRequest::RollBackDeployment { .. } => {
                "roll back services"
            }
            ActionRequest::ContinueDeployment { .. } => "continue deployments",
        }
    }

    /// The parameters for the audit log.
    pub(crate) fn parameters(&self) -> serde_json::Value {
        match self {
            ActionRequest::ForceNewDeployment => serde_json::json!({}),
            ActionRequest::StopTask { task, reason } => {
                serde_json::json!({ "task": task, "reason": reason })
            }
            ActionRequest::SetDesiredCount { desired, limits } => match limits {
                Some(l) => serde_json::json!({ "desired": desired, "min": l.min, "max": l.max }),
                None => serde_json::json!({ "desired": desired }),
            },
            ActionRequest::Rollback { revision } => serde_json::json!({ "revision": revision }),
            ActionRequest::RollBackDeployment { deployment, hook } => {
                serde_json::json!({ "deployment": deployment, "hook": hook })
            }
            ActionRequest::ContinueDeployment { deployment, hook } => {
                serde_json::json!({ "deployment": deployment, "hook": hook })
            }
        }
    }
}

/// How risky an action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RiskLevel {
    /// No downtime, no capacity loss.
    Safe,
    /// Less capacity for a while, or a different version.
    Caution,
    /// Downtime expected.
    Danger,
}

/// How the user confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ConfirmationKind {
    /// One click in a clear dialog.
    Click,
    /// Typing the service name.
    TypedName,
}

/// A safer way to the same goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanAlternative {
    /// The action to plan instead.
    pub action: ActionRequest,
    /// Button label.
    pub label: String,
    /// Why it is better.
    pub why: String,
}

/// A plan the user reviews before confirming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionPlan {
    /// The token `execute_action` must present.
    pub plan_id: String,
    /// Planned at (RFC 3339).
    pub created_at: String,
    /// The plan may not be executed after this (RFC 3339).
    pub expires_at: String,
    /// Session the plan belongs to.
    pub session_id: String,
    /// Partition.
    pub partition: Partition,
    /// "Commercial" or "GovCloud (US)".
    pub partition_label: String,
    /// Account id.
    pub account_id: String,
    /// Account name, when known.
    pub account_name: Option<String>,
    /// Who acts (SSO user, IAM user or caller ARN).
    pub user: String,
    /// The role acted with; null for IAM users.
    pub role: Option<String>,
    /// Region.
    pub region: String,
    /// Cluster.
    pub cluster: String,
    /// Service.
    pub service: String,
    /// The action.
    pub action: ActionRequest,
    /// Short title.
    pub title: String,
    /// What ECS will do, step by step.
    pub steps: Vec<String>,
    /// Risk level.
    pub risk: RiskLevel,
    /// The risk in one sentence.
    pub risk_sentence: String,
    /// The service is expected to be down for a while.
    pub downtime_expected: bool,
    /// Things worth knowing about the service now.
    pub notes: Vec<String>,
    /// A safer way, if there is one.
    pub alternative: Option<PlanAlternative>,
    /// Protection of the cluster/account.
    pub protection: EffectiveProtection,
    /// How to confirm.
    pub confirmation: ConfirmationKind,
    /// Why the action cannot run at all (read-only protection); null if it can.
    pub blocked_reason: Option<String>,
    /// Desired count now.
    pub desired: i32,
    /// Running tasks now.
    pub running: i32,
    /// Task definition now (`family:revision`).
    pub task_definition: String,
    /// The plan in one sentence (kept in the audit log).
    pub summary: String,
}

/// The answer to `execute_action`: the call was accepted and audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteStarted {
    /// The plan.
    pub plan_id: String,
    /// The deployment the action started, if any.
    pub deployment_id: Option<String>,
    /// When (RFC 3339).
    pub started_at: String,
}

/// A load balancer target during a watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WatchTarget {
    /// Target id (IP or instance id).
    pub id: String,
    /// Port.
    pub port: Option<i32>,
    /// `initial`, `healthy`, `unhealthy`, `draining`...
    pub state: String,
    /// Reason code.
    pub reason: Option<String>,
    /// The task behind it, if known.
    pub task_id: Option<String>,
    /// The task was started by this action.
    pub is_new: bool,
}

/// How a watched action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum VerdictOutcome {
    /// ECS reached a steady state with the change.
    Completed,
    /// The change failed (and was not rolled back).
    Failed,
    /// The change failed and ECS rolled back to the previous version.
    RolledBack,
    /// No verdict within the time limit.
    TimedOut,
    /// The user stopped watching (the action itself goes on in ECS).
    StoppedWatching,
    /// The service could not be read any more.
    Error,
    /// The deployment waits at a pause hook for someone to continue or roll it back.
    Paused,
    /// Something else (auto scaling, a person, a pipeline) changed the service after the action.
    Overridden,
}

impl VerdictOutcome {
    /// The outcome's name in the audit log.
    pub(crate) fn name(self) -> &'static str {
        match self {
            VerdictOutcome::Completed => "completed",
            VerdictOutcome::Failed => "failed",
            VerdictOutcome::RolledBack => "rolledBack",
            VerdictOutcome::TimedOut => "timedOut",
            VerdictOutcome::StoppedWatching => "stoppedWatching",
            VerdictOutcome::Error => "error",
            VerdictOutcome::Paused => "paused",
            VerdictOutcome::Overridden => "overridden",
        }
    }
}

/// The end of a watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// Outcome.
    pub outcome: VerdictOutcome,
    /// One sentence.
    pub headline: String,
    /// More detail (why tasks failed, downtime seen).
    pub detail: String,
    /// The deployment the action started.
    pub deployment_id: Option<String>,
    /// When (RFC 3339).
    pub finished_at: String,
    /// Seconds from execution to verdict.
    pub elapsed_secs: u32,
    /// A moment with no healthy load balancer target was seen.
    pub zero_healthy_seen: bool,
}

/// One progress report of a watch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WatchUpdate {
    /// The plan.
    pub plan_id: String,
    /// Service name.
    pub service: String,
    /// When (RFC 3339).
    pub at: String,
    /// Seconds since execution.
    pub elapsed_secs: u32,
    /// What is happening, in plain words.
    pub phase: String,
    /// Desired count.
    pub desired: i32,
    /// New tasks running.
    pub new_running: i32,
    /// New tasks running and healthy.
    pub new_healthy: i32,
    /// Old tasks still running.
    pub old_running: i32,
    /// Tasks draining or stopping.
    pub old_draining: i32,
    /// New tasks that failed to start.
    pub failed_tasks: i32,
    /// Healthy load balancer targets.
    pub healthy_targets: i32,
    /// All load balancer targets.
    pub total_targets: i32,
    /// The service is behind a load balancer.
    pub has_load_balancer: bool,
    /// Targets.
    pub targets: Vec<WatchTarget>,
    /// Rollout state of the action's deployment.
    pub rollout_state: Option<String>,
    /// ECS's lifecycle stage of the deployment, for strategies with stages.
    pub stage: Option<String>,
    /// Share of production traffic on the new tasks, in percent, while traffic shifts.
    pub new_traffic_percent: Option<f64>,
    /// Service events since the action, newest first.
    pub events: Vec<ServiceEventInfo>,
    /// Set on the last update.
    pub verdict: Option<Verdict>,
}

/// The latest action of a service, for a page opened later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionStatus {
    /// The plan executed.
    pub plan: ActionPlan,
    /// The execution.
    pub started: ExecuteStarted,
    /// The latest progress.
    pub last_update: Option<WatchUpdate>,
    /// The verdict, once over.
    pub verdict: Option<Verdict>,
}

/// A task definition revision for the rollback picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevisionInfo {
    /// `family:revision`.
    pub task_definition: String,
    /// Revision number.
    pub revision: i32,
    /// The service runs this one now.
    pub current: bool,
    /// The first container's image.
    pub image: Option<String>,
    /// Registered at (RFC 3339).
    pub registered_at: Option<String>,
}

/// Which protection rule to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProtectionScope {
    /// The whole account.
    Account,
    /// One cluster of the account.
    Cluster,
}

/// Protection as the service page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProtectionView {
    /// Account id.
    pub account_id: String,
    /// Cluster.
    pub cluster: String,
    /// What applies to the service.
    pub effective: EffectiveProtection,
    /// The account's own rule.
    pub account_level: Option<ProtectionLevel>,
    /// The cluster's own rule.
    pub cluster_level: Option<ProtectionLevel>,
}

/// Timing of plans and watches.
#[derive(Debug, Clone, Copy)]
pub struct ActionConfig {
    /// A plan may be executed for this long.
    pub plan_ttl: Duration,
    /// Time between readings during a watch.
    pub poll: Duration,
    /// A watch gives up after this long.
    pub limit: Duration,
    /// New tasks failing this many times end the watch as failed.
    pub failed_task_limit: i32,
}

impl Default for ActionConfig {
    fn default() -> Self {
        ActionConfig {
            plan_ttl: Duration::from_secs(300),
            poll: Duration::from_secs(3),
            limit: Duration::from_secs(20 * 60),
            failed_task_limit: 3,
        }
    }
}
