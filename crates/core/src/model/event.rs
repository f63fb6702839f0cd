//! Service events with ECS's wording kept and a plain-language gloss for the common ones.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of event it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    /// "has reached a steady state".
    SteadyState,
    /// "was unable to place a task".
    UnableToPlace,
    /// Failed ELB or container health checks.
    HealthCheck,
    /// The circuit breaker tripped or the deployment failed.
    DeploymentFailed,
    /// Rolling back to an earlier deployment.
    RollingBack,
    /// A deployment finished.
    DeploymentCompleted,
    /// Tasks started.
    TasksStarted,
    /// Tasks stopped.
    TasksStopped,
    /// Tasks registered with or drained from a target group.
    Targets,
    /// "is unable to consistently start tasks successfully".
    TasksFailing,
    /// Anything else.
    Other,
}

impl EventKind {
    /// Whether the event points at trouble.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            EventKind::UnableToPlace
                | EventKind::HealthCheck
                | EventKind::DeploymentFailed
                | EventKind::RollingBack
                | EventKind::TasksFailing
        )
    }
}

/// One service event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEvent {
    /// Event id.
    pub id: String,
    /// When (RFC 3339).
    pub created_at: Option<String>,
    /// ECS's own words.
    pub message: String,
    /// The kind.
    pub kind: EventKind,
    /// What it means, in plain words (for the common kinds).
    pub gloss: Option<String>,
    /// Whether it points at trouble.
    pub problem: bool,
}

/// The kind and plain-language gloss of an ECS event message.
pub fn gloss(message: &str) -> (EventKind, Option<&'static str>) {
    let m = message.to_ascii_lowercase();
    let (kind, text) = if m.contains("has reached a steady state") {
        (
            EventKind::SteadyState,
            "All is well: the service runs the number of tasks it should and nothing is changing.",
        )
    } else if m.contains("unable to place a task") {
        (
            EventKind::UnableToPlace,
            "ECS could not find room for a new task (not enough CPU, memory, ports or capacity in the cluster, or no subnet/IP available).",
        )
    } else if m.contains("failed elb health checks") || m.contains("failed container health checks")
    {
        (
            EventKind::HealthCheck,
            "A task did not answer its health checks in time, so ECS is replacing it. Check the application's logs and the health check path.",
        )
    } else if m.contains("circuit breaker") || m.contains("deployment failed") {
        (
            EventKind::DeploymentFailed,
            "The new version's tasks kept failing, so ECS stopped the deployment.",
        )
    } else if m.contains("rolling back") {
        (
            EventKind::RollingBack,
            "ECS is going back to the last version that worked.",
        )
    } else if m.contains("deployment completed") {
        (
            EventKind::DeploymentCompleted,
            "The new version is fully rolled out.",
        )
    } else if m.contains("unable to consistently start tasks") {
        (
            EventKind::TasksFailing,
            "Tasks keep failing soon after they start. ECS is slowing down its retries; see Stopped tasks for why.",
        )
    } else if m.contains("has started") && m.contains("tasks") {
        (EventKind::TasksStarted, "ECS started new tasks.")
    } else if m.contains("has stopped") && m.contains("tasks") {
        (
            EventKind::TasksStopped,
            "ECS stopped tasks (during a deployment, a scale-in or after a failure).",
        )
    } else if m.contains("deregistered") || m.contains("draining") {
        (
            EventKind::Targets,
            "Tasks are being taken out of the load balancer.",
        )
    } else if m.contains("registered") && m.contains("target") {
        (EventKind::Targets, "Tasks were added to the load balancer.")
    } else {
        return (EventKind::Other, None);
    };
    (kind, Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_messages_get_a_gloss() {
        let cases = [
            ("(service x) has reached a steady state.", EventKind::SteadyState),
            ("(service x) was unable to place a task because no container instance met all of its requirements.", EventKind::UnableToPlace),
            ("(service x) (task 1) failed ELB health checks in (target-group arn)", EventKind::HealthCheck),
            ("(service x) (deployment ecs-svc/1) deployment failed: tasks failed to start.", EventKind::DeploymentFailed),
            ("(service x) rolling back to deployment ecs-svc/0.", EventKind::RollingBack),
            ("(service x) has started 1 tasks: (task abc).", EventKind::TasksStarted),
            ("(service x) has stopped 1 running tasks: (task abc).", EventKind::TasksStopped),
            ("(service x) is unable to consistently start tasks successfully.", EventKind::TasksFailing),
        ];
        for (message, kind) in cases {
            let (k, text) = gloss(message);
            assert_eq!(k, kind, "{message}");
            assert!(text.is_some());
        }
        assert_eq!(gloss("something new").0, EventKind::Other);
        let (_, out) = gloss("(service x) deregistered 1 targets in (target-group arn)");
        assert!(out.is_some_and(|t| t.contains("taken out")));
        let (_, added) = gloss("(service x) registered 1 targets in (target-group arn)");
        assert!(added.is_some_and(|t| t.contains("added")));
        assert!(EventKind::RollingBack.is_problem());
        assert!(!EventKind::SteadyState.is_problem());
    }
}
