//! Why a task stopped: the known causes, recognised from its stop code, reason, container exit
//! codes and last log lines, in plain words.

use crate::model::task::ContainerInfo;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The known causes of a stopped task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StopCause {
    /// The container used more memory than the task allows (exit 137 / OutOfMemoryError).
    OutOfMemory,
    /// The image was built for another CPU architecture.
    WrongArchitecture,
    /// The image could not be pulled.
    ImagePull,
    /// Secrets, SSM parameters, ECR or log setup failed before the container started.
    ResourceInitialization,
    /// The load balancer's health checks failed.
    FailedHealthChecks,
    /// The container's own health check failed.
    ContainerHealthCheck,
    /// An essential container exited (non-zero code).
    EssentialContainerExited,
    /// Someone or something stopped it on purpose (deployment, scale-in, StopTask).
    Intended,
    /// AWS took back the Fargate Spot capacity it ran on; ECS starts a replacement.
    SpotInterruption,
    /// Not one of the known causes.
    Other,
}

impl StopCause {
    /// Whether this stop means something is wrong with the service.
    pub fn is_failure(self) -> bool {
        !matches!(self, StopCause::Intended | StopCause::SpotInterruption)
    }
}

/// A diagnosis: the cause, a headline and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    /// The cause.
    pub cause: StopCause,
    /// One sentence for the list, e.g. "Ran out of memory".
    pub title: String,
    /// What it means and what to do, in plain words.
    pub advice: String,
}

/// A stopped task with its diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoppedTask {
    /// Task id.
    pub id: String,
    /// Task ARN.
    pub arn: String,
    /// Task definition as `family:revision`.
    pub task_definition: String,
    /// Started (RFC 3339).
    pub started_at: Option<String>,
    /// Stopped (RFC 3339).
    pub stopped_at: Option<String>,
    /// ECS stop code, e.g. `EssentialContainerExited`.
    pub stop_code: Option<String>,
    /// Why ECS says it stopped.
    pub stopped_reason: Option<String>,
    /// Containers with exit codes and reasons.
    pub containers: Vec<ContainerInfo>,
    /// The last lines the task logged (failed tasks only; empty when not read).
    pub last_lines: Vec<String>,
    /// What the app makes of it.
    pub diagnosis: Diagnosis,
}

/// The image of a CannotPullContainerError that names it as not found ("failed to resolve ref
/// IMAGE: IMAGE: not found").
fn missing_image(text: &str) -> Option<&str> {
    let rest = text.split_once("failed to resolve ref ")?.1;
    let (image, tail) = rest.split_once(": ")?;
    tail.ends_with("not found").then_some(image.trim())
}

/// A permission AWS refused, as an AccessDeniedException inside an ECS reason words it.
struct Refused<'a> {
    /// Role name, from an `assumed-role/NAME/...` principal.
    role: Option<&'a str>,
    /// IAM action, e.g. `secretsmanager:GetSecretValue`.
    action: &'a str,
    /// ARN of what was refused.
    resource: &'a str,
}

/// Reads "User: PRINCIPAL is not authorized to perform: ACTION on resource: RESOURCE".
fn refused_permission(text: &str) -> Option<Refused<'_>> {
    let (before, after) = text.split_once(" is not authorized to perform: ")?;
    let (action, rest) = after.split_once(" on resource: ")?;
    let resource = rest.split_whitespace().next()?;
    let role = before
        .rsplit("User: ")
        .next()
        .and_then(|p| p.split_once("assumed-role/"))
        .and_then(|(_, r)| r.split('/').next());
    Some(Refused {
        role,
        action: action.trim(),
        resource,
    })
}

/// Builds a diagnosis.
fn diag(cause: StopCause, title: impl Into<String>, advice: impl Into<String>) -> Diagnosis {
    Diagnosis {
        cause,
        title: title.into(),
        advice: advice.into(),
    }
}

/// Diagnoses one stopped task from its stop code, reason, containers and last log lines (ECS
/// does not report some causes, e.g. "exec format error", anywhere but in the container's log).
pub fn diagnose(
    stop_code: Option<&str>,
    stopped_reason: Option<&str>,
    containers: &[ContainerInfo],
    last_lines: &[String],
) -> Diagnosis {
    let reason = stopped_reason.unwrap_or_default();
    let texts: Vec<&str> = std::iter::once(reason)
        .chain(containers.iter().filter_map(|c| c.reason.as_deref()))
        .chain(last_lines.iter().map(String::as_str))
        .collect();
    let any = |needle: &str| {
        let needle = needle.to_ascii_lowercase();
        texts
            .iter()
            .any(|t| t.to_ascii_lowercase().contains(&needle))
    };
    // First: a reclaimed Spot task exits with SIGTERM's 143, which would read as a crash.
    if stop_code == Some("SpotInterruption") {
        return diag(
            StopCause::SpotInterruption,
            "Reclaimed by AWS (Fargate Spot)",
            "AWS took back the spare capacity this task ran on, with two minutes' notice, and ECS started a replacement. This is how Fargate Spot works, not a fault of the service. If it happens too often, run part of the service on regular Fargate capacity.",
        );
    }
    let failed_exit = containers
        .iter()
        .find(|c| c.exit_code.is_some_and(|code| code != 0));
    // Exit 137 is SIGKILL: out of memory unless ECS killed it after a stop timeout.
    let killed = stop_code == Some("EssentialContainerExited")
        && containers.iter().any(|c| c.exit_code == Some(137));
    if any("OutOfMemory") || any("OOMKilled") || killed {
        return diag(
            StopCause::OutOfMemory,
            "Ran out of memory",
            "The container used more memory than the task allows and was killed (exit code 137). Raise the task memory, or fix a memory leak in the application.",
        );
    }
    if any("exec format error") {
        return diag(
            StopCause::WrongArchitecture,
            "Image built for another CPU architecture",
            "The container image was built for another CPU architecture (for example an ARM image on X86_64). Rebuild the image for the task's platform, or set the task definition's CPU architecture to match.",
        );
    }
    if any("CannotPullContainerError") || any("pull image") {
        if let Some(image) = texts.iter().find_map(|t| missing_image(t)) {
            return diag(
                StopCause::ImagePull,
                "The image does not exist",
                format!("ECS could not find the image {image}: its tag or digest is wrong, or it was never pushed. Fix the image in the task definition (or push it), then roll back or deploy again."),
            );
        }
        return diag(
            StopCause::ImagePull,
            "Could not download the image",
            "ECS could not pull the container image. Check the image name and tag exist, that the task execution role may read the repository, and that the task can reach ECR (NAT gateway or VPC endpoints).",
        );
    }
    if any("ResourceInitializationError") {
        if let Some(refused) = texts.iter().find_map(|t| refused_permission(t)) {
            return diag(
                StopCause::ResourceInitialization,
                "Not allowed to read what the task needs",
                format!(
                    "ECS could not prepare the task: the task execution role{} is not allowed to call {} on {}. Allow it in the role's policy (or correct the name in the task definition), then deploy again.",
                    refused.role.map(|r| format!(" {r}")).unwrap_or_default(),
                    refused.action,
                    refused.resource
                ),
            );
        }
        return diag(
            StopCause::ResourceInitialization,
            "Could not set up the task (secrets, parameters or registry access)",
            "ECS could not prepare the task before starting it: usually it could not read a secret from Secrets Manager or a parameter from SSM, or reach ECR or CloudWatch Logs. Check the task execution role's permissions and the network path to those services.",
        );
    }
    if any("ELB health checks") {
        return diag(
            StopCause::FailedHealthChecks,
            "Failed the load balancer's health checks",
            "The load balancer could not get a healthy answer from the task, so ECS replaced it. Check the application starts and answers on the health check path and port, and that start-up is shorter than the health check grace period.",
        );
    }
    if any("container health check") || any("HealthCheck") {
        return diag(
            StopCause::ContainerHealthCheck,
            "Failed its container health check",
            "The container's own health check failed, so ECS replaced the task. Look at the task's log lines just before it stopped.",
        );
    }
    let intended = matches!(
        stop_code,
        Some("UserInitiated") | Some("ServiceSchedulerInitiated")
    ) && failed_exit.is_none()
        || any("Scaling activity")
        || any("deployment")
        || any("Task stopped by user");
    if let (Some("EssentialContainerExited") | None, Some(container)) = (stop_code, failed_exit) {
        let code = container.exit_code.unwrap_or_default();
        return diag(
            StopCause::EssentialContainerExited,
            format!("The {} container exited with code {code}", container.name),
            format!(
                "An essential container ({}) stopped with exit code {code}, so ECS stopped the task. The application crashed or quit: read its last log lines to see why.",
                container.name
            ),
        );
    }
    if intended {
        return diag(
            StopCause::Intended,
            "Stopped on purpose",
            "ECS or a person stopped this task on purpose (a deployment, scaling in, or a stop from the console). Nothing is wrong.",
        );
    }
    if stop_code == Some("EssentialContainerExited") {
        return diag(
            StopCause::EssentialContainerExited,
            "An essential container exited",
            "An essential container stopped, so ECS stopped the task. Read its last log lines to see why.",
        );
    }
    if stop_code == Some("TaskFailedToStart") {
        return diag(
            StopCause::Other,
            "The task failed to start",
            format!("ECS could not start the task: {reason}"),
        );
    }
    diag(
        StopCause::Other,
        "Stopped",
        if reason.is_empty() {
            "ECS gave no reason.".to_string()
        } else {
            format!("ECS says: {reason}")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnose3(
        code: Option<&str>,
        reason: Option<&str>,
        containers: &[ContainerInfo],
    ) -> Diagnosis {
        diagnose(code, reason, containers, &[])
    }

    fn container(name: &str, exit: Option<i32>, reason: Option<&str>) -> ContainerInfo {
        ContainerInfo {
            name: name.into(),
            image: None,
            last_status: Some("STOPPED".into()),
            exit_code: exit,
            reason: reason.map(str::to_string),
            health_status: None,
        }
    }

    /// A reclaimed Spot task exits 143 after SIGTERM: before, it read as a crash and counted
    /// against the service.
    #[test]
    fn a_spot_reclaim_is_not_a_failure() {
        let d = diagnose3(
            Some("SpotInterruption"),
            Some("Your Spot Task was interrupted."),
            &[container("batch", Some(143), None)],
        );
        assert_eq!(d.cause, StopCause::SpotInterruption);
        assert!(!d.cause.is_failure());
        assert!(d.title.contains("Spot"), "{}", d.title);
    }

    #[test]
    fn out_of_memory_by_reason_or_exit_code() {
        let d = diagnose3(
            Some("EssentialContainerExited"),
            Some("Essential container in task exited"),
            &[container(
                "reports",
                Some(137),
                Some("OutOfMemoryError: Container killed due to memory usage"),
            )],
        );
        assert_eq!(d.cause, StopCause::OutOfMemory);
        assert!(d.advice.contains("Raise the task memory"));
        let by_code = diagnose3(
            Some("EssentialContainerExited"),
            None,
            &[container("app", Some(137), None)],
        );
        assert_eq!(by_code.cause, StopCause::OutOfMemory);
    }

    #[test]
    fn exec_format_error_is_wrong_architecture() {
        // ECS only says the container exited; the cause is in its last log line.
        let exited = [container("worker", Some(1), None)];
        let without = diagnose3(
            Some("EssentialContainerExited"),
            Some("Essential container in task exited"),
            &exited,
        );
        assert_eq!(without.cause, StopCause::EssentialContainerExited);
        let d = diagnose(
            Some("EssentialContainerExited"),
            Some("Essential container in task exited"),
            &exited,
            &["exec /sbin/api-server: exec format error".to_string()],
        );
        assert_eq!(d.cause, StopCause::WrongArchitecture);
        assert!(d.advice.contains("ARM image on X86_64"));
    }

    #[test]
    fn pull_secrets_health_checks_and_exits() {
        let pull = diagnose3(
            Some("TaskFailedToStart"),
            Some("CannotPullContainerError: pull image manifest has been retried 5 time(s)"),
            &[],
        );
        assert_eq!(pull.cause, StopCause::ImagePull);
        let secrets = diagnose3(
            Some("TaskFailedToStart"),
            Some("ResourceInitializationError: unable to pull secrets or registry auth"),
            &[],
        );
        assert_eq!(secrets.cause, StopCause::ResourceInitialization);
        // AWS's full reasons name what is wrong; so does the advice.
        let typo = diagnose3(
            Some("TaskFailedToStart"),
            Some("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 1.dkr.ecr.us-east-1.amazonaws.com/web:3.4.1-rc: 1.dkr.ecr.us-east-1.amazonaws.com/web:3.4.1-rc: not found"),
            &[],
        );
        assert_eq!(typo.title, "The image does not exist");
        assert!(
            typo.advice.contains(
                "could not find the image 1.dkr.ecr.us-east-1.amazonaws.com/web:3.4.1-rc:"
            ),
            "{}",
            typo.advice
        );
        let denied = diagnose3(
            Some("TaskFailedToStart"),
            Some("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): AccessDeniedException: User: arn:aws:sts::1:assumed-role/ecsTaskExecutionRole/abc is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:1:secret:billing/key-AbCdEf because no identity-based policy allows the secretsmanager:GetSecretValue action"),
            &[],
        );
        assert_eq!(
            denied.advice,
            "ECS could not prepare the task: the task execution role ecsTaskExecutionRole is not allowed to call secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:1:secret:billing/key-AbCdEf. Allow it in the role's policy (or correct the name in the task definition), then deploy again."
        );
        let elb = diagnose3(
            Some("ServiceSchedulerInitiated"),
            Some("Task failed ELB health checks in (target-group arn:aws:...)"),
            &[container("api", Some(143), None)],
        );
        assert_eq!(elb.cause, StopCause::FailedHealthChecks);
        let exited = diagnose3(
            Some("EssentialContainerExited"),
            Some("Essential container in task exited"),
            &[container("api", Some(2), None)],
        );
        assert_eq!(exited.cause, StopCause::EssentialContainerExited);
        assert!(exited.title.contains("code 2"), "{}", exited.title);
        let deploy = diagnose3(
            Some("ServiceSchedulerInitiated"),
            Some("Deployment in progress: replaced by a new task"),
            &[container("api", Some(0), None)],
        );
        assert_eq!(deploy.cause, StopCause::Intended);
        assert!(!deploy.cause.is_failure());
    }
}
