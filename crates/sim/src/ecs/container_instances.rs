//! ListContainerInstances and DescribeContainerInstances (EC2 capacity of a cluster).

use super::{all_tasks, describe_idents, find_cluster, ident_name, missing, paginate, with_region};
use crate::error::Reply;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Cluster, ContainerInstance, Task, World};

pub(super) fn list_container_instances(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let status = call.str("status");
    let arns = with_region(world, ctx, |r| {
        find_cluster(r, ctx, call).map(|c| {
            c.container_instances
                .iter()
                .filter(|ci| status.is_none_or(|s| ci.status == s))
                .map(|ci| ci.arn.clone())
                .collect::<Vec<_>>()
        })
    })?;
    let (page, next) = paginate(call, "ListContainerInstances", arns, 100, 100)?;
    Ok(Shape::map([
        ("containerInstanceArns", Shape::list(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn resources(cpu: i64, memory: i64) -> Shape {
    Shape::list([
        Shape::map([
            ("name", Shape::from("CPU")),
            ("type", Shape::from("INTEGER")),
            ("integerValue", Shape::Int(cpu)),
        ]),
        Shape::map([
            ("name", Shape::from("MEMORY")),
            ("type", Shape::from("INTEGER")),
            ("integerValue", Shape::Int(memory)),
        ]),
    ])
}

fn container_instance_shape(cluster: &Cluster, ci: &ContainerInstance) -> Shape {
    let tasks: Vec<&Task> = all_tasks(cluster)
        .map(|(_, t)| t)
        .filter(|t| t.container_instance_arn.as_deref() == Some(&ci.arn))
        .collect();
    let running = tasks.iter().filter(|t| t.last_status == "RUNNING").count();
    let pending = tasks
        .iter()
        .filter(|t| matches!(t.last_status.as_str(), "PROVISIONING" | "PENDING"))
        .count();
    let (mut cpu_used, mut mem_used) = (0, 0);
    for t in tasks.iter().filter(|t| t.desired_status == "RUNNING") {
        cpu_used += t.cpu.parse::<i64>().unwrap_or(0);
        mem_used += t.memory.parse::<i64>().unwrap_or(0);
    }
    Shape::map([
        ("containerInstanceArn", Shape::from(&ci.arn)),
        ("ec2InstanceId", Shape::from(&ci.ec2_instance_id)),
        ("version", Shape::Int(1)),
        (
            "versionInfo",
            Shape::map([
                ("agentVersion", Shape::from("1.86.3")),
                ("agentHash", Shape::from("6a7b1a2c")),
                ("dockerVersion", Shape::from("DockerVersion: 25.0.6")),
            ]),
        ),
        (
            "remainingResources",
            resources((ci.cpu - cpu_used).max(0), (ci.memory - mem_used).max(0)),
        ),
        ("registeredResources", resources(ci.cpu, ci.memory)),
        ("status", Shape::from(&ci.status)),
        ("agentConnected", Shape::Bool(true)),
        ("runningTasksCount", Shape::from(running)),
        ("pendingTasksCount", Shape::from(pending)),
        (
            "attributes",
            Shape::list([
                Shape::map([
                    ("name", Shape::from("ecs.os-type")),
                    ("value", Shape::from("linux")),
                ]),
                Shape::map([
                    ("name", Shape::from("ecs.cpu-architecture")),
                    ("value", Shape::from("x86_64")),
                ]),
                Shape::map([
                    ("name", Shape::from("ecs.instance-type")),
                    ("value", Shape::from("m6i.large")),
                ]),
            ]),
        ),
        ("registeredAt", Shape::Time(ci.registered_at)),
        ("attachments", Shape::List(Vec::new())),
        ("tags", Shape::List(Vec::new())),
    ])
}

pub(super) fn describe_container_instances(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = describe_idents(call, "containerInstances", "ContainerInstances", 100)?;
    with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for ident in &wanted {
            let found = ident_name(ctx, ident, "container-instance").and_then(|id| {
                cluster
                    .container_instances
                    .iter()
                    .find(|ci| ci.arn.rsplit('/').next() == Some(id.as_str()))
            });
            match found {
                Some(ci) => out.push(container_instance_shape(cluster, ci)),
                None => failures.push(missing(
                    ctx,
                    ident,
                    &format!("container-instance/{}/{ident}", cluster.name),
                )),
            }
        }
        Ok(Shape::map([
            ("containerInstances", Shape::List(out)),
            ("failures", Shape::List(failures)),
        ]))
    })
}
