//! Launching a task of the primary deployment: where it goes (a daemon's one per instance), its
//! ports and addresses; and the tasks ECS stops before they run (image or secrets not reachable).

use super::tasks::stop_task;
use super::PROVISION_SECS;
use super::{Env, StopInfo};
use crate::ids::{ecs_arn, stable_hex};
use crate::metrics::{hash_str, mix};
use crate::world::{Behaviour, Service, Task, TaskContainer};

/// Launch one task of the PRIMARY deployment; its id, or None without a task definition.
pub(super) fn launch_task(svc: &mut Service, env: &mut Env<'_>, t: f64) -> Option<String> {
    let (dep_id, td_arn) = {
        let p = svc.deployments.first()?;
        (p.id.clone(), p.task_definition.clone())
    };
    let td = env.task_definitions.iter().find(|d| d.arn == td_arn)?;
    let container_instance_arn = place(svc, env);
    if svc.scheduling_strategy == "DAEMON" && container_instance_arn.is_none() {
        return None;
    }
    let containers = td
        .containers
        .iter()
        .map(|c| TaskContainer {
            name: c.name.clone(),
            image: c.image.clone(),
            last_status: "PENDING".into(),
            exit_code: None,
            reason: None,
            health_status: "UNKNOWN".into(),
        })
        .collect();
    let (cpu, memory) = (td.cpu.clone(), td.memory.clone());
    let behaviour = td.behaviour.clone().unwrap_or(Behaviour::Healthy);
    let n = env.next();
    let id = stable_hex(&format!("{}/task/{n}", svc.arn), 32);
    // Bridge mode maps the container port to a dynamic port of the instance; host mode uses the
    // container port itself; awsvpc tasks get their own IP instead.
    let container_port = td.containers.iter().find_map(|c| c.ports.first().copied());
    let host_port = match (svc.launch_type.as_str(), td.network_mode.as_str()) {
        ("EC2", "bridge") => Some(32_768 + (mix(hash_str(&id), 0x9047) % 28_232) as i64),
        ("EC2", "host") => container_port,
        _ => None,
    };
    let zones = ["a", "b", "c"];
    let task = Task {
        id: id.clone(),
        arn: ecs_arn(
            env.partition,
            env.region,
            env.account_id,
            &format!("task/{}/{id}", env.cluster_name),
        ),
        task_definition: td_arn,
        started_by: dep_id,
        last_status: "PROVISIONING".into(),
        desired_status: "RUNNING".into(),
        health_status: "UNKNOWN".into(),
        launch_type: svc.launch_type.clone(),
        capacity_provider: svc.capacity_provider.clone(),
        private_ip: format!("10.0.{}.{}", (n / 250) % 250 + 1, n % 250 + 4),
        availability_zone: format!("{}{}", env.region, zones[(n % 3) as usize]),
        created_at: t,
        pull_started_at: None,
        started_at: None,
        stopping_at: None,
        stopped_at: None,
        stop_code: None,
        stopped_reason: None,
        containers,
        next_transition: Some(t + PROVISION_SECS),
        container_instance_arn,
        host_port,
        cluster_arn: svc.cluster_arn.clone(),
        group: format!("service:{}", svc.name),
        cpu,
        memory,
        behaviour,
        due_phase: Some(t + PROVISION_SECS),
        due_health: None,
        due_exit: None,
        before_stop: None,
    };
    svc.tasks.push(task);
    Some(id)
}

/// The container instance a new EC2 task goes to: for a daemon the first instance without one
/// of its tasks, otherwise round robin; none for Fargate.
fn place(svc: &Service, env: &Env<'_>) -> Option<String> {
    if svc.launch_type != "EC2" || env.container_instances.is_empty() {
        return None;
    }
    let active = svc.tasks.iter().filter(|x| x.desired_status == "RUNNING");
    if svc.scheduling_strategy == "DAEMON" {
        let taken: Vec<&str> = active
            .filter_map(|x| x.container_instance_arn.as_deref())
            .collect();
        return env
            .container_instances
            .iter()
            .find(|ci| ci.status == "ACTIVE" && !taken.contains(&ci.arn.as_str()))
            .map(|ci| ci.arn.clone());
    }
    let idx = active.count() % env.container_instances.len();
    Some(env.container_instances[idx].arn.clone())
}

/// Why `task` cannot start, as ECS words it, when its behaviour says it never does.
pub(super) fn start_failure(svc: &Service, env: &Env<'_>, task: &Task) -> Option<String> {
    match &task.behaviour {
        Behaviour::ImageNotFound => {
            let image = env
                .task_definitions
                .iter()
                .find(|d| d.arn == task.task_definition)
                .and_then(|d| d.containers.first())
                .map(|c| c.image.clone())
                .unwrap_or_default();
            Some(format!(
                "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: {image}: not found"
            ))
        }
        Behaviour::SecretDenied { secret } => {
            let (p, region, account) = (env.partition, env.region, env.account_id);
            let suffix = stable_hex(&format!("{}/{secret}", svc.arn), 6);
            Some(format!(
                "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): AccessDeniedException: User: arn:{p}:sts::{account}:assumed-role/ecsTaskExecutionRole/{} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:{p}:secretsmanager:{region}:{account}:secret:{secret}-{suffix} because no identity-based policy allows the secretsmanager:GetSecretValue action",
                task.id
            ))
        }
        _ => None,
    }
}

/// Stops task `i` before its containers ran: stop code TaskFailedToStart, the reason on the
/// task and its containers, no exit code and no log stream.
pub(super) fn fail_start(svc: &mut Service, env: &mut Env<'_>, i: usize, t: f64, reason: String) {
    for c in &mut svc.tasks[i].containers {
        c.last_status = "STOPPED".into();
        c.reason = Some(reason.clone());
    }
    stop_task(
        svc,
        env,
        i,
        t,
        StopInfo {
            code: "TaskFailedToStart",
            reason,
            exit: None,
            failed_start: true,
        },
    );
}
