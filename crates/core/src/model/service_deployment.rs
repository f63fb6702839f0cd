//! ECS's record of one service deployment (ListServiceDeployments, DescribeServiceDeployments,
//! DescribeServiceRevisions): from which revision to which, its stage and traffic split, how it
//! ended and why, in plain words. ECS keeps them for 90 days.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::strategy::{stage_words, DeploymentStrategy};

/// One container image of a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevisionImage {
    /// Container name.
    pub container: String,
    /// Image as written in the task definition.
    pub image: String,
    /// The digest ECS resolved it to (`sha256:…`), when known.
    pub digest: Option<String>,
}

/// One side of a service deployment: a service revision and its tasks and traffic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevisionSide {
    /// Service revision ARN.
    pub arn: String,
    /// Task definition, `family:revision` (empty until the revision was read).
    pub task_definition: String,
    /// Images and digests.
    pub images: Vec<RevisionImage>,
    /// Who registered the task definition, when known.
    pub registered_by: Option<String>,
    /// Tasks ECS wants of it.
    pub requested: i32,
    /// Tasks running.
    pub running: i32,
    /// Tasks starting.
    pub pending: i32,
    /// Share of production traffic, in percent, when the strategy shifts traffic.
    pub production_percent: Option<f64>,
    /// Share of test traffic, in percent.
    pub test_percent: Option<f64>,
}

/// A lifecycle hook of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HookState {
    /// The hook id ContinueServiceDeployment takes.
    pub hook_id: String,
    /// `PAUSE` or `AWS_LAMBDA`.
    pub target_type: String,
    /// `AWAITING_ACTION`, `IN_PROGRESS`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`.
    pub status: String,
    /// When ECS takes the timeout action (RFC 3339).
    pub expires_at: Option<String>,
    /// `CONTINUE` or `ROLLBACK`.
    pub timeout_action: Option<String>,
}

impl HookState {
    /// Waiting for someone to continue or roll back.
    pub fn awaiting(&self) -> bool {
        self.status == "AWAITING_ACTION"
    }
}

/// One service deployment as ECS records it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDeploymentRecord {
    /// Service deployment ARN.
    pub arn: String,
    /// `PENDING`, `IN_PROGRESS`, `SUCCESSFUL`, `STOPPED`, `STOP_REQUESTED`, `ROLLBACK_REQUESTED`,
    /// `ROLLBACK_IN_PROGRESS`, `ROLLBACK_SUCCESSFUL`, `ROLLBACK_FAILED`.
    pub status: String,
    /// ECS's reason for the status.
    pub status_reason: Option<String>,
    /// Current lifecycle stage (ECS name), for strategies that have stages.
    pub stage: Option<String>,
    /// The stage in words.
    pub stage_words: Option<String>,
    /// Created (RFC 3339).
    pub created_at: Option<String>,
    /// Started.
    pub started_at: Option<String>,
    /// Finished (successfully or rolled back).
    pub finished_at: Option<String>,
    /// Stopped.
    pub stopped_at: Option<String>,
    /// Last changed.
    pub updated_at: Option<String>,
    /// The revisions it moves away from.
    pub source: Vec<RevisionSide>,
    /// The revision it deploys.
    pub target: Option<RevisionSide>,
    /// The strategy it runs with (rolling when ECS does not say).
    pub strategy: DeploymentStrategy,
    /// Why it was rolled back, when it was.
    pub rollback_reason: Option<String>,
    /// The revision it rolled back to.
    pub rolled_back_to: Option<String>,
    /// Tasks the circuit breaker counted as failed, and its threshold.
    pub breaker: Option<(i32, i32)>,
    /// CloudWatch alarms that went off during it.
    pub triggered_alarms: Vec<String>,
    /// Its lifecycle hooks.
    pub hooks: Vec<HookState>,
    /// The outcome in plain words.
    pub outcome: String,
}

impl ServiceDeploymentRecord {
    /// Fills in what is said in words (the outcome and the stage).
    pub fn with_words(mut self) -> Self {
        self.stage_words = self.stage.as_deref().map(stage_words);
        self.outcome = outcome_words(&self);
        self
    }
}

impl ServiceDeploymentRecord {
    /// Still moving (a rollback may be requested).
    pub fn in_progress(&self) -> bool {
        matches!(self.status.as_str(), "PENDING" | "IN_PROGRESS")
    }

    /// Over, one way or another.
    pub fn finished(&self) -> bool {
        matches!(
            self.status.as_str(),
            "SUCCESSFUL" | "STOPPED" | "ROLLBACK_SUCCESSFUL" | "ROLLBACK_FAILED"
        )
    }

    /// The pause hook waiting for someone, if any.
    pub fn paused_hook(&self) -> Option<&HookState> {
        self.hooks
            .iter()
            .find(|h| h.awaiting() && h.target_type == "PAUSE")
    }

    /// The deployment's id (the ARN's last part).
    pub fn id(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or(&self.arn)
    }

    /// Production traffic on the new revision, in percent, when known.
    pub fn new_traffic(&self) -> Option<f64> {
        self.target.as_ref().and_then(|t| t.production_percent)
    }
}

/// The outcome of `record` in plain words.
pub fn outcome_words(record: &ServiceDeploymentRecord) -> String {
    let to = record
        .target
        .as_ref()
        .map(|t| t.task_definition.as_str())
        .filter(|t| !t.is_empty())
        .unwrap_or("the new revision");
    let stage = record
        .stage
        .as_deref()
        .map(|s| format!(" ({})", stage_words(s)))
        .unwrap_or_default();
    let why = record
        .rollback_reason
        .as_deref()
        .or(record.status_reason.as_deref())
        .map(|r| format!(": {}", r.trim_end_matches('.')))
        .unwrap_or_default();
    match record.status.as_str() {
        "SUCCESSFUL" => format!("Deployed {to}."),
        "PENDING" => format!("Waiting to start deploying {to}."),
        "IN_PROGRESS" if record.paused_hook().is_some() => {
            format!("Paused{stage}: waiting for someone to continue or roll back.")
        }
        "IN_PROGRESS" => format!("Deploying {to}{stage}."),
        "STOP_REQUESTED" => "Stopping, as requested.".to_string(),
        "STOPPED" => format!("Stopped before it finished{why}."),
        "ROLLBACK_REQUESTED" | "ROLLBACK_IN_PROGRESS" => format!("Rolling back{why}."),
        "ROLLBACK_SUCCESSFUL" => format!("Rolled back{why}."),
        "ROLLBACK_FAILED" => format!("The rollback failed{why}."),
        other => other.to_ascii_lowercase().replace('_', " "),
    }
}

/// The Deployments tab's history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentHistory {
    /// Whether the region answered ECS's deployment history operations.
    pub available: bool,
    /// Why not, said once (the tab then shows what DescribeServices lists).
    pub note: Option<String>,
    /// The service's strategy now.
    pub strategy: DeploymentStrategy,
    /// The strategy in one line.
    pub strategy_words: String,
    /// Deployments of the last 90 days, newest first.
    pub deployments: Vec<ServiceDeploymentRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: &str) -> ServiceDeploymentRecord {
        ServiceDeploymentRecord {
            arn: "arn:aws:ecs:us-east-1:1:service-deployment/c/s/abc".into(),
            status: status.into(),
            target: Some(RevisionSide {
                task_definition: "web:7".into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn outcomes_read_as_words() {
        assert_eq!(outcome_words(&record("SUCCESSFUL")), "Deployed web:7.");
        let mut r = record("ROLLBACK_SUCCESSFUL");
        r.rollback_reason = Some("the circuit breaker saw 3 tasks fail".into());
        assert_eq!(
            outcome_words(&r),
            "Rolled back: the circuit breaker saw 3 tasks fail."
        );
        let mut r = record("IN_PROGRESS");
        r.stage = Some("BAKE_TIME".into());
        assert_eq!(outcome_words(&r), "Deploying web:7 (bake time).");
        r.stage = Some("POST_TEST_TRAFFIC_SHIFT".into());
        r.hooks.push(HookState {
            hook_id: "h1".into(),
            target_type: "PAUSE".into(),
            status: "AWAITING_ACTION".into(),
            expires_at: None,
            timeout_action: Some("ROLLBACK".into()),
        });
        assert!(outcome_words(&r).starts_with("Paused (test traffic on the new tasks)"));
        assert!(r.in_progress() && !r.finished());
        assert_eq!(r.id(), "abc");
    }
}
