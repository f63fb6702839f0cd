//! ListTaskDefinitions and DescribeTaskDefinition, and resolving `family`, `family:revision`
//! or an ARN to a registered revision.

use super::{paginate, with_region};
use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Region, TaskDefinition, World};

/// Resolve `family`, `family:revision` or an ARN to a registered task definition.
pub(super) fn resolve_task_definition<'r>(
    region: &'r Region,
    ctx: &Ctx,
    ident: &str,
) -> Option<&'r TaskDefinition> {
    let name = if ident.starts_with("arn:") {
        let parts: Vec<&str> = ident.splitn(6, ':').collect();
        if parts.len() != 6
            || parts[1] != ctx.principal.partition
            || parts[3] != ctx.region
            || parts[4] != ctx.principal.account_id
        {
            return None;
        }
        let rest = parts[5].strip_prefix("task-definition/")?;
        rest.to_string()
    } else {
        ident.to_string()
    };
    match name.rsplit_once(':') {
        Some((family, rev)) => {
            let rev: i64 = rev.parse().ok()?;
            region
                .task_definitions
                .iter()
                .find(|d| d.family == family && d.revision == rev)
        }
        None => region
            .task_definitions
            .iter()
            .filter(|d| d.family == name && d.status == "ACTIVE")
            .max_by_key(|d| d.revision),
    }
}

pub(super) fn list_task_definitions(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let status = call.str("status").unwrap_or("ACTIVE");
    if !["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"].contains(&status) {
        return Err(AwsError::invalid_parameter(format!(
            "status '{status}' is not one of ACTIVE, INACTIVE, DELETE_IN_PROGRESS."
        )));
    }
    let sort = call.str("sort").unwrap_or("ASC");
    if sort != "ASC" && sort != "DESC" {
        return Err(AwsError::invalid_parameter(format!(
            "sort '{sort}' is not one of ASC, DESC."
        )));
    }
    let prefix = call.str("familyPrefix");
    let mut defs: Vec<(String, i64, String)> = with_region(world, ctx, |r| {
        r.task_definitions
            .iter()
            .filter(|d| d.status == status && prefix.is_none_or(|p| d.family.starts_with(p)))
            .map(|d| (d.family.clone(), d.revision, d.arn.clone()))
            .collect()
    });
    defs.sort();
    if sort == "DESC" {
        defs.reverse();
    }
    let arns: Vec<String> = defs.into_iter().map(|d| d.2).collect();
    let (page, next) = paginate(call, "ListTaskDefinitions", arns, 100, 100)?;
    Ok(Shape::map([
        ("taskDefinitionArns", Shape::list(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn task_definition_shape(ctx: &Ctx, d: &TaskDefinition) -> Shape {
    let containers = d
        .containers
        .iter()
        .map(|c| {
            Shape::map([
                ("name", Shape::from(&c.name)),
                ("image", Shape::from(&c.image)),
                ("cpu", Shape::Int(c.cpu)),
                ("memoryReservation", Shape::from(c.memory_reservation)),
                (
                    "portMappings",
                    Shape::List(
                        c.ports
                            .iter()
                            .map(|p| {
                                Shape::map([
                                    ("containerPort", Shape::Int(*p)),
                                    (
                                        "hostPort",
                                        if d.network_mode == "awsvpc" {
                                            Shape::Int(*p)
                                        } else {
                                            Shape::Int(0)
                                        },
                                    ),
                                    ("protocol", Shape::from("tcp")),
                                ])
                            })
                            .collect(),
                    ),
                ),
                ("essential", Shape::Bool(c.essential)),
                (
                    "environment",
                    Shape::List(
                        c.environment
                            .iter()
                            .map(|(k, v)| {
                                Shape::map([("name", Shape::from(k)), ("value", Shape::from(v))])
                            })
                            .collect(),
                    ),
                ),
                ("mountPoints", Shape::List(Vec::new())),
                ("volumesFrom", Shape::List(Vec::new())),
                (
                    "logConfiguration",
                    match (&c.log_group, &c.log_stream_prefix) {
                        (Some(group), prefix) => Shape::map([
                            ("logDriver", Shape::from("awslogs")),
                            (
                                "options",
                                Shape::Map(
                                    [
                                        Some(("awslogs-group".to_string(), Shape::from(group))),
                                        Some((
                                            "awslogs-region".to_string(),
                                            Shape::from(&d.region),
                                        )),
                                        prefix.as_ref().map(|p| {
                                            ("awslogs-stream-prefix".to_string(), Shape::from(p))
                                        }),
                                    ]
                                    .into_iter()
                                    .flatten()
                                    .collect(),
                                ),
                            ),
                            ("secretOptions", Shape::List(Vec::new())),
                        ]),
                        (None, _) => Shape::Null,
                    },
                ),
                (
                    "healthCheck",
                    c.ports.first().map_or(Shape::Null, |p| {
                        Shape::map([
                            (
                                "command",
                                Shape::list([
                                    "CMD-SHELL".to_string(),
                                    format!("curl -f http://localhost:{p}/ || exit 1"),
                                ]),
                            ),
                            ("interval", Shape::Int(30)),
                            ("timeout", Shape::Int(5)),
                            ("retries", Shape::Int(3)),
                            ("startPeriod", Shape::Int(10)),
                        ])
                    }),
                ),
            ])
        })
        .collect();
    Shape::map([
        ("taskDefinitionArn", Shape::from(&d.arn)),
        ("containerDefinitions", Shape::List(containers)),
        ("family", Shape::from(&d.family)),
        ("taskRoleArn", Shape::from(d.task_role_arn.clone())),
        (
            "executionRoleArn",
            Shape::from(d.execution_role_arn.clone()),
        ),
        ("networkMode", Shape::from(&d.network_mode)),
        ("revision", Shape::Int(d.revision)),
        ("volumes", Shape::List(Vec::new())),
        ("status", Shape::from(&d.status)),
        (
            "requiresAttributes",
            Shape::list([Shape::map([(
                "name",
                Shape::from("com.amazonaws.ecs.capability.logging-driver.awslogs"),
            )])]),
        ),
        ("placementConstraints", Shape::List(Vec::new())),
        ("compatibilities", Shape::list(["EC2", "FARGATE"])),
        (
            "requiresCompatibilities",
            Shape::list(d.requires_compatibilities.clone()),
        ),
        ("cpu", Shape::from(&d.cpu)),
        ("memory", Shape::from(&d.memory)),
        (
            "runtimePlatform",
            Shape::map([
                ("cpuArchitecture", Shape::from(&d.cpu_architecture)),
                ("operatingSystemFamily", Shape::from("LINUX")),
            ]),
        ),
        ("registeredAt", Shape::Time(d.registered_at)),
        (
            "registeredBy",
            Shape::from(format!(
                "arn:{}:iam::{}:role/ci-deployer",
                ctx.principal.partition, ctx.principal.account_id
            )),
        ),
    ])
}

pub(super) fn describe_task_definition(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let ident = call
        .str("taskDefinition")
        .ok_or_else(|| AwsError::invalid_parameter("taskDefinition must be specified."))?;
    with_region(world, ctx, |r| {
        let d = resolve_task_definition(r, ctx, ident).ok_or_else(|| {
            AwsError::client("ClientException", "Unable to describe task definition.")
        })?;
        Ok(Shape::map([
            ("taskDefinition", task_definition_shape(ctx, d)),
            ("tags", Shape::List(Vec::new())),
        ]))
    })
}
