//! What must not change between an action's plan and its execution, and what did, in words.

use crate::model::action::ActionRequest;
use crate::model::plan::ScaleKind;
use crate::model::reading::ServiceSnapshot;

/// What must not change between plan and execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fingerprint {
    task_definition: String,
    desired: i32,
    primary: Option<String>,
    task_running: Option<bool>,
    /// For ECS's own deployment actions: the deployment's status and the hook it waits at.
    service_deployment: Option<(String, Option<String>)>,
    /// For a scale: the count it sets.
    scale_to: Option<i32>,
}

impl Fingerprint {
    /// The fingerprint of `snap` for `action`.
    pub(super) fn of(snap: &ServiceSnapshot, action: &ActionRequest) -> Fingerprint {
        let task_running = match action {
            ActionRequest::StopTask { task, .. } => {
                let id = task.rsplit('/').next().unwrap_or(task);
                Some(
                    snap.tasks
                        .iter()
                        .any(|t| t.id == id && t.desired_status == "RUNNING"),
                )
            }
            _ => None,
        };
        let service_deployment = action.service_deployment().map(|arn| {
            snap.service_deployment
                .as_ref()
                .filter(|d| d.arn == arn)
                .map_or(("gone".to_string(), None), |d| {
                    (d.status.clone(), d.paused_hook().map(|h| h.hook_id.clone()))
                })
        });
        let scale_to = match action {
            ActionRequest::SetDesiredCount { desired, .. } => Some(*desired),
            _ => None,
        };
        Fingerprint {
            service_deployment,
            scale_to,
            task_definition: snap.task_definition.clone(),
            desired: snap.desired,
            primary: snap.primary().map(|p| p.id.clone()),
            task_running,
        }
    }

    /// What differs, in words.
    pub(super) fn changes(&self, now: &Fingerprint) -> Vec<String> {
        let mut out = Vec::new();
        if self.task_definition != now.task_definition {
            out.push(format!(
                "the task definition is now {} (was {})",
                now.task_definition, self.task_definition
            ));
        }
        // Auto scaling moves a service's count every few minutes: a scale to a set count means
        // the same while it still adds (or removes) tasks, so only a change of kind refuses it.
        let same_scale = self
            .scale_to
            .is_some_and(|to| ScaleKind::of(self.desired, to) == ScaleKind::of(now.desired, to));
        if self.desired != now.desired && !same_scale {
            out.push(format!(
                "the desired count is now {} (was {})",
                now.desired, self.desired
            ));
        }
        if self.primary != now.primary {
            out.push("another deployment started".to_string());
        }
        if self.service_deployment != now.service_deployment {
            out.push(match &now.service_deployment {
                Some((status, None)) => format!(
                    "the deployment is now {} and waits at no pause",
                    status.to_ascii_lowercase().replace('_', " ")
                ),
                _ => "the deployment moved on".to_string(),
            });
        }
        if self.task_running != now.task_running {
            out.push("the task is no longer running".to_string());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(desired: i32, action: &ActionRequest) -> Fingerprint {
        let snap = ServiceSnapshot {
            desired,
            ..Default::default()
        };
        Fingerprint::of(&snap, action)
    }

    /// Auto scaling moved a thrashing service from 4 to 5 tasks while its scale to 12 was being
    /// read: CI saw that refused; it is the same scale up. Past 12, or for a restart, it is not.
    #[test]
    fn a_scale_allows_a_moved_count_of_the_same_kind() {
        let scale = ActionRequest::SetDesiredCount {
            desired: 12,
            limits: None,
        };
        assert!(at(4, &scale).changes(&at(5, &scale)).is_empty());
        assert_eq!(
            at(4, &scale).changes(&at(13, &scale)),
            ["the desired count is now 13 (was 4)"]
        );
        let down = ActionRequest::SetDesiredCount {
            desired: 0,
            limits: None,
        };
        assert!(at(4, &down).changes(&at(6, &down)).is_empty());
        let restart = ActionRequest::ForceNewDeployment;
        assert_eq!(at(4, &restart).changes(&at(5, &restart)).len(), 1);
    }
}
