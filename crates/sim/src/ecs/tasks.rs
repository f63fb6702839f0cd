//! ListTasks, DescribeTasks and StopTask, which hands the stop to the engine.

use super::{
    access_denied, all_tasks, as_read, describe_idents, fargate_only, find_cluster, ident_name,
    missing, paginate, service_not_found, with_region, STOP_LISTING_LAG_SECS,
};
use crate::engine::{self, StopInfo};
use crate::error::{AwsError, Reply};
use crate::ids::{stable_hex, uuid_layout};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Region, Task, World};

pub(super) fn list_tasks(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let desired = call.str("desiredStatus").unwrap_or("RUNNING");
    if !["RUNNING", "PENDING", "STOPPED"].contains(&desired) {
        return Err(AwsError::invalid_parameter(format!(
            "desiredStatus '{desired}' is not one of RUNNING, PENDING, STOPPED."
        )));
    }
    let arns = with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let service = match call.str("serviceName") {
            Some(ident) => {
                let name = ident_name(ctx, ident, "service").ok_or_else(service_not_found)?;
                Some(
                    cluster
                        .services
                        .iter()
                        .find(|s| s.name == name)
                        .ok_or_else(service_not_found)?
                        .name
                        .clone(),
                )
            }
            None => None,
        };
        let instance = match call.str("containerInstance") {
            Some(ident) => Some(
                ident_name(ctx, ident, "container-instance")
                    .and_then(|id| {
                        cluster
                            .container_instances
                            .iter()
                            .find(|ci| ci.arn.ends_with(&format!("/{id}")))
                    })
                    .map(|ci| ci.arn.clone())
                    .ok_or_else(|| {
                        AwsError::invalid_parameter(
                            "The referenced container instance was not found.",
                        )
                    })?,
            ),
            None => None,
        };
        let family = call.str("family");
        let started_by = call.str("startedBy");
        let launch_type = call.str("launchType");
        let mut tasks: Vec<&Task> = all_tasks(cluster)
            .map(|(s, t)| (s, as_read(t, ctx.now)))
            .filter(|(s, t)| {
                service.as_ref().is_none_or(|n| &s.name == n)
                    && match desired {
                        // PENDING lists tasks that are to run but do not yet.
                        "PENDING" => {
                            t.desired_status == "RUNNING"
                                && matches!(t.last_status.as_str(), "PROVISIONING" | "PENDING")
                        }
                        d => t.desired_status == d,
                    }
                    && instance
                        .as_ref()
                        .is_none_or(|i| t.container_instance_arn.as_ref() == Some(i))
                    && family.is_none_or(|f| {
                        t.task_definition
                            .rsplit_once('/')
                            .and_then(|(_, fr)| fr.rsplit_once(':'))
                            .is_some_and(|(fam, _)| fam == f)
                    })
                    && started_by.is_none_or(|b| t.started_by == b)
                    && launch_type.is_none_or(|l| t.launch_type == l)
            })
            .map(|(_, t)| t)
            .collect();
        // Newest first, like ECS.
        tasks.sort_by(|a, b| b.created_at.total_cmp(&a.created_at));
        Ok::<_, AwsError>(tasks.iter().map(|t| t.arn.clone()).collect::<Vec<_>>())
    })?;
    let (page, next) = paginate(call, "ListTasks", arns, 100, 100)?;
    Ok(Shape::map([
        ("taskArns", Shape::list(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn task_shape(region: &Region, t: &Task) -> Shape {
    let td = region
        .task_definitions
        .iter()
        .find(|d| d.arn == t.task_definition);
    let fargate = t.launch_type == "FARGATE";
    let eni = format!("eni-{}", stable_hex(&t.id, 17));
    let attachment_id = uuid_layout(&stable_hex(&format!("{}/attachment", t.id), 32));
    let containers = t
        .containers
        .iter()
        .map(|c| {
            let port = td
                .and_then(|d| d.containers.iter().find(|x| x.name == c.name))
                .and_then(|x| x.ports.first().copied());
            Shape::map([
                (
                    "containerArn",
                    Shape::from(format!(
                        "{}/{}",
                        t.arn.replacen(":task/", ":container/", 1),
                        stable_hex(&format!("{}/{}", t.id, c.name), 32)
                    )),
                ),
                ("taskArn", Shape::from(&t.arn)),
                ("name", Shape::from(&c.name)),
                ("image", Shape::from(&c.image)),
                ("lastStatus", Shape::from(&c.last_status)),
                ("exitCode", Shape::from(c.exit_code)),
                ("reason", Shape::from(c.reason.clone())),
                (
                    "networkBindings",
                    if fargate {
                        Shape::List(Vec::new())
                    } else {
                        Shape::List(
                            port.into_iter()
                                .map(|p| {
                                    Shape::map([
                                        ("bindIP", Shape::from("0.0.0.0")),
                                        ("containerPort", Shape::Int(p)),
                                        ("hostPort", Shape::Int(t.host_port.unwrap_or(p))),
                                        ("protocol", Shape::from("tcp")),
                                    ])
                                })
                                .collect(),
                        )
                    },
                ),
                (
                    "networkInterfaces",
                    if fargate {
                        Shape::list([Shape::map([
                            ("attachmentId", Shape::from(attachment_id.clone())),
                            ("privateIpv4Address", Shape::from(&t.private_ip)),
                        ])])
                    } else {
                        Shape::List(Vec::new())
                    },
                ),
                ("healthStatus", Shape::from(&c.health_status)),
                ("cpu", Shape::from("0")),
            ])
        })
        .collect();
    let pull_stopped = t
        .pull_started_at
        .filter(|_| t.started_at.is_some())
        .map(|p| p + engine::PULL_SECS - 1.0);
    let execution_stopped = match t.last_status.as_str() {
        "DEPROVISIONING" | "STOPPED" => t.stopping_at,
        _ => None,
    };
    Shape::map([
        ("taskArn", Shape::from(&t.arn)),
        ("clusterArn", Shape::from(&t.cluster_arn)),
        ("taskDefinitionArn", Shape::from(&t.task_definition)),
        (
            "containerInstanceArn",
            Shape::from(t.container_instance_arn.clone()),
        ),
        (
            "capacityProviderName",
            Shape::from(t.capacity_provider.clone()),
        ),
        (
            "overrides",
            Shape::map([(
                "containerOverrides",
                Shape::List(
                    t.containers
                        .iter()
                        .map(|c| Shape::map([("name", Shape::from(&c.name))]))
                        .collect(),
                ),
            )]),
        ),
        ("lastStatus", Shape::from(&t.last_status)),
        ("desiredStatus", Shape::from(&t.desired_status)),
        ("cpu", Shape::from(&t.cpu)),
        ("memory", Shape::from(&t.memory)),
        ("containers", Shape::List(containers)),
        ("startedBy", Shape::from(&t.started_by)),
        ("version", Shape::Int(1)),
        ("stoppedReason", Shape::from(t.stopped_reason.clone())),
        ("stopCode", Shape::from(t.stop_code.clone())),
        (
            "connectivity",
            if t.last_status == "PROVISIONING" {
                Shape::Null
            } else {
                Shape::from("CONNECTED")
            },
        ),
        ("connectivityAt", Shape::time(t.pull_started_at)),
        ("pullStartedAt", Shape::time(t.pull_started_at)),
        ("pullStoppedAt", Shape::time(pull_stopped)),
        ("executionStoppedAt", Shape::time(execution_stopped)),
        ("createdAt", Shape::Time(t.created_at)),
        ("startedAt", Shape::time(t.started_at)),
        ("stoppingAt", Shape::time(t.stopping_at)),
        ("stoppedAt", Shape::time(t.stopped_at)),
        ("group", Shape::from(&t.group)),
        ("launchType", Shape::from(&t.launch_type)),
        ("platformVersion", fargate_only(fargate, "1.4.0")),
        ("platformFamily", fargate_only(fargate, "Linux")),
        (
            "attachments",
            if fargate {
                Shape::list([Shape::map([
                    ("id", Shape::from(attachment_id.clone())),
                    ("type", Shape::from("ElasticNetworkInterface")),
                    (
                        "status",
                        Shape::from(match t.last_status.as_str() {
                            "PROVISIONING" => "PRECREATED",
                            "STOPPED" => "DELETED",
                            "DEPROVISIONING" => "DELETING",
                            _ => "ATTACHED",
                        }),
                    ),
                    (
                        "details",
                        Shape::list([
                            Shape::map([
                                ("name", Shape::from("networkInterfaceId")),
                                ("value", Shape::from(eni.clone())),
                            ]),
                            Shape::map([
                                ("name", Shape::from("privateIPv4Address")),
                                ("value", Shape::from(&t.private_ip)),
                            ]),
                        ]),
                    ),
                ])])
            } else {
                Shape::List(Vec::new())
            },
        ),
        ("healthStatus", Shape::from(&t.health_status)),
        ("availabilityZone", Shape::from(&t.availability_zone)),
        ("tags", Shape::List(Vec::new())),
        (
            "ephemeralStorage",
            if fargate {
                Shape::map([("sizeInGiB", Shape::Int(20))])
            } else {
                Shape::Null
            },
        ),
        ("enableExecuteCommand", Shape::Bool(false)),
        (
            "attributes",
            Shape::list([Shape::map([
                ("name", Shape::from("ecs.cpu-architecture")),
                (
                    "value",
                    Shape::from(
                        td.map(|d| d.cpu_architecture.to_ascii_lowercase())
                            .unwrap_or_else(|| "x86_64".into()),
                    ),
                ),
            ])]),
        ),
    ])
}

pub(super) fn describe_tasks(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = describe_idents(call, "tasks", "Tasks", 100)?;
    with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let mut tasks = Vec::new();
        let mut failures = Vec::new();
        for ident in &wanted {
            let found = ident_name(ctx, ident, "task")
                .and_then(|id| all_tasks(cluster).find(|(_, t)| t.id == id));
            match found {
                Some((_, t)) => tasks.push(task_shape(r, as_read(t, ctx.now))),
                None => failures.push(missing(
                    ctx,
                    ident,
                    &format!("task/{}/{ident}", cluster.name),
                )),
            }
        }
        Ok(Shape::map([
            ("tasks", Shape::List(tasks)),
            ("failures", Shape::List(failures)),
        ]))
    })
}

pub(super) fn stop_task(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let ident = call
        .str("task")
        .ok_or_else(|| AwsError::invalid_parameter("task must be specified."))?;
    let (cluster_name, service_name, task_arn) = with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let not_found = || AwsError::invalid_parameter("The referenced task was not found.");
        let id = ident_name(ctx, ident, "task").ok_or_else(not_found)?;
        let (s, t) = all_tasks(cluster)
            .find(|(_, t)| t.id == id)
            .ok_or_else(not_found)?;
        Ok::<_, AwsError>((cluster.name.clone(), s.name.clone(), t.arn.clone()))
    })?;
    if ctx.principal.read_only {
        return Err(access_denied(ctx, "StopTask", &task_arn));
    }
    let reason = call
        .str("reason")
        .filter(|r| !r.is_empty())
        .unwrap_or("Task stopped by user")
        .to_string();
    if reason.len() > 255 {
        return Err(AwsError::invalid_parameter(
            "Reason cannot be longer than 255 characters.",
        ));
    }
    let now = ctx.now;
    let account = ctx.principal.account_id.clone();
    let shape = engine::with_service(
        world,
        &account,
        &ctx.region,
        &cluster_name,
        &service_name,
        |svc, env| {
            let i = svc.tasks.iter().position(|t| t.arn == task_arn)?;
            let before = Box::new(Task {
                before_stop: None,
                ..svc.tasks[i].clone()
            });
            engine::stop_task(
                svc,
                env,
                i,
                now,
                StopInfo {
                    code: "UserInitiated",
                    reason,
                    exit: None,
                    failed_start: false,
                },
            );
            engine::run_until(svc, env, now);
            let task = svc.tasks.iter_mut().find(|t| t.arn == task_arn)?;
            // The call's own answer shows the stop; reads catch up a moment later.
            if task.before_stop.is_none() && before.desired_status == "RUNNING" {
                task.before_stop = Some((now + STOP_LISTING_LAG_SECS, before));
            }
            Some(task.clone())
        },
    )
    .flatten()
    .ok_or_else(|| AwsError::internal("the task vanished while stopping"))?;
    let task = with_region(world, ctx, |r| task_shape(r, &shape));
    Ok(Shape::map([("task", task)]))
}
