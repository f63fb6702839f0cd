//! How a service is scheduled and who deploys it, and which actions that rules out: ECS refuses
//! a desired count for a daemon, and a restart or a version change of a service that AWS
//! CodeDeploy or an external controller deploys. The app says so before anyone confirms.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::action::ActionRequest;

/// How ECS places the service's tasks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Scheduling {
    /// A desired number of tasks (`REPLICA`).
    #[default]
    Replica,
    /// One task on each container instance (`DAEMON`).
    Daemon,
}

/// Who deploys new versions of the service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Controller {
    /// ECS itself (`ECS`).
    #[default]
    Ecs,
    /// AWS CodeDeploy, blue/green through task sets (`CODE_DEPLOY`).
    CodeDeploy,
    /// Another tool, through task sets (`EXTERNAL`).
    External,
}

/// A service's scheduling strategy and deployment controller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceKind {
    /// How its tasks are placed.
    pub scheduling: Scheduling,
    /// Who deploys it.
    pub controller: Controller,
}

/// Why each action is not offered for a service; null where it is (stopping a task always is).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionLimits {
    /// Restart (force new deployment).
    pub restart: Option<String>,
    /// Scale (desired count).
    pub scale: Option<String>,
    /// Roll back (another task definition revision).
    pub rollback: Option<String>,
}

impl ServiceKind {
    /// Reads ECS's names (`schedulingStrategy`, `deploymentController.type`); absent or unknown
    /// names are ECS's defaults.
    pub fn from_names(scheduling: Option<&str>, controller: Option<&str>) -> Self {
        ServiceKind {
            scheduling: match scheduling {
                Some("DAEMON") => Scheduling::Daemon,
                _ => Scheduling::Replica,
            },
            controller: match controller {
                Some("CODE_DEPLOY") => Controller::CodeDeploy,
                Some("EXTERNAL") => Controller::External,
                _ => Controller::Ecs,
            },
        }
    }

    /// Whether its deployments are task sets (ECS shows no deployments of its own).
    pub fn uses_task_sets(&self) -> bool {
        self.controller != Controller::Ecs
    }

    /// Why `action` cannot be taken on such a service, in plain words; None when it can.
    pub fn refusal(&self, action: &ActionRequest) -> Option<String> {
        let deployer = match self.controller {
            Controller::Ecs => None,
            Controller::CodeDeploy => Some(
                "AWS CodeDeploy deploys this service (blue/green), and ECS refuses a new deployment from anywhere else. Start or roll back a deployment in CodeDeploy.",
            ),
            Controller::External => Some(
                "An external deployment tool deploys this service through task sets, and ECS refuses a new deployment from anywhere else. Deploy or roll back with that tool.",
            ),
        };
        match action {
            ActionRequest::ForceNewDeployment | ActionRequest::Rollback { .. } => {
                deployer.map(str::to_string)
            }
            ActionRequest::SetDesiredCount { .. } => (self.scheduling == Scheduling::Daemon).then(|| {
                "This is a daemon service: ECS runs one task on each container instance, so its number of tasks follows the instances and cannot be set.".to_string()
            }),
            ActionRequest::StopTask { .. } => None,
        }
    }

    /// The reasons for every action, for the service page.
    pub fn limits(&self) -> ActionLimits {
        let why = |a: ActionRequest| self.refusal(&a);
        ActionLimits {
            restart: why(ActionRequest::ForceNewDeployment),
            scale: why(ActionRequest::SetDesiredCount { desired: 0 }),
            rollback: why(ActionRequest::Rollback { revision: 0 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_refuses_what_ecs_refuses() {
        let plain = ServiceKind::from_names(Some("REPLICA"), Some("ECS"));
        assert_eq!(plain, ServiceKind::default());
        assert_eq!(plain.limits(), ActionLimits::default());

        let daemon = ServiceKind::from_names(Some("DAEMON"), None);
        let l = daemon.limits();
        assert!(l.scale.as_deref().is_some_and(|r| r.contains("daemon")));
        assert!(l.restart.is_none() && l.rollback.is_none());

        for (name, word) in [("CODE_DEPLOY", "CodeDeploy"), ("EXTERNAL", "external")] {
            let k = ServiceKind::from_names(None, Some(name));
            assert!(k.uses_task_sets());
            let l = k.limits();
            assert!(
                l.restart.as_deref().is_some_and(|r| r.contains(word)),
                "{l:?}"
            );
            assert_eq!(l.restart, l.rollback);
            assert!(l.scale.is_none(), "ECS lets these services scale");
            let stop = ActionRequest::StopTask {
                task: "t".into(),
                reason: "hung".into(),
            };
            assert!(k.refusal(&stop).is_none(), "their tasks may be stopped");
        }
        // Unknown names read as ECS's defaults rather than blocking anything.
        assert_eq!(
            ServiceKind::from_names(Some("SOMETHING_NEW"), Some("")),
            ServiceKind::default()
        );
    }
}
