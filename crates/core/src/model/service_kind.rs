//! How a service is scheduled and who deploys it, and which actions that rules out (stopping a
//! task never is): ECS refuses a desired count for a daemon, and a restart or a version change
//! of a service that AWS CodeDeploy or an external controller deploys. The app says so before
//! anyone confirms.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

    /// Why each action is not offered for such a service, in plain words.
    pub fn limits(&self) -> ActionLimits {
        let deployer = match self.controller {
            Controller::Ecs => None,
            Controller::CodeDeploy => Some(
                "AWS CodeDeploy deploys this service (blue/green), and ECS refuses a new deployment from anywhere else. Start or roll back a deployment in CodeDeploy.",
            ),
            Controller::External => Some(
                "An external deployment tool deploys this service through task sets, and ECS refuses a new deployment from anywhere else. Deploy or roll back with that tool.",
            ),
        }
        .map(str::to_string);
        ActionLimits {
            restart: deployer.clone(),
            rollback: deployer,
            scale: (self.scheduling == Scheduling::Daemon).then(|| {
                "This is a daemon service: ECS runs one task on each container instance, so its number of tasks follows the instances and cannot be set.".to_string()
            }),
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
            let l = k.limits();
            assert!(
                l.restart.as_deref().is_some_and(|r| r.contains(word)),
                "{l:?}"
            );
            assert_eq!(l.restart, l.rollback);
            assert!(l.scale.is_none(), "ECS lets these services scale");
        }
        // Unknown names read as ECS's defaults rather than blocking anything.
        assert_eq!(
            ServiceKind::from_names(Some("SOMETHING_NEW"), Some("")),
            ServiceKind::default()
        );
    }
}
