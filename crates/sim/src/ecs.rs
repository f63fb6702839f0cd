//! Amazon ECS operations (awsJson1_1): clusters, services, tasks, task definitions and container
//! instances of the caller's account in the signed region, with ECS's pagination, limits, error
//! codes and wording.

use base64::Engine;

use crate::engine::{self, StopInfo};
use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{
    Cluster, ContainerInstance, Deployment, Region, Service, Task, TaskDefinition, World,
};

/// Run one ECS operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
        "ListClusters" => list_clusters(world, ctx, call),
        "DescribeClusters" => describe_clusters(world, ctx, call),
        "ListServices" => list_services(world, ctx, call),
        "DescribeServices" => describe_services(world, ctx, call),
        "ListTasks" => list_tasks(world, ctx, call),
        "DescribeTasks" => describe_tasks(world, ctx, call),
        "StopTask" => stop_task(world, ctx, call),
        "UpdateService" => update_service(world, ctx, call),
        "ListTaskDefinitions" => list_task_definitions(world, ctx, call),
        "DescribeTaskDefinition" => describe_task_definition(world, ctx, call),
        "ListContainerInstances" => list_container_instances(world, ctx, call),
        "DescribeContainerInstances" => describe_container_instances(world, ctx, call),
        op => Err(AwsError::unknown_operation("ecs", op)),
    }
}

fn cluster_not_found() -> AwsError {
    AwsError::client("ClusterNotFoundException", "Cluster not found.")
}

fn service_not_found() -> AwsError {
    AwsError::client("ServiceNotFoundException", "Service not found.")
}

fn access_denied(ctx: &Ctx, action: &str, resource: &str) -> AwsError {
    AwsError::client(
        "AccessDeniedException",
        format!(
            "User: {} is not authorized to perform: ecs:{action} on resource: {resource} because no identity-based policy allows the ecs:{action} action",
            ctx.principal.arn()
        ),
    )
}

fn arn(ctx: &Ctx, resource: &str) -> String {
    crate::scenario::ecs_arn(
        &ctx.principal.partition,
        &ctx.region,
        &ctx.principal.account_id,
        resource,
    )
}

/// The name (last path segment) an identifier names: a plain name/id, or an ARN of this
/// account and region whose resource starts with `kind/`. None for an ARN elsewhere.
fn ident_name(ctx: &Ctx, ident: &str, kind: &str) -> Option<String> {
    if !ident.starts_with("arn:") {
        return Some(ident.to_string());
    }
    let parts: Vec<&str> = ident.splitn(6, ':').collect();
    if parts.len() != 6
        || parts[1] != ctx.principal.partition
        || parts[2] != "ecs"
        || parts[3] != ctx.region
        || parts[4] != ctx.principal.account_id
    {
        return None;
    }
    let rest = parts[5].strip_prefix(kind)?.strip_prefix('/')?;
    rest.rsplit('/').next().map(str::to_string)
}

fn with_region<R>(world: &World, ctx: &Ctx, f: impl FnOnce(&Region) -> R) -> R {
    match world.region(&ctx.principal.account_id, &ctx.region) {
        Some(r) => f(r),
        None => f(&Region::default()),
    }
}

fn find_cluster<'r>(region: &'r Region, ctx: &Ctx, call: &Call) -> Result<&'r Cluster, AwsError> {
    let ident = call.str("cluster").unwrap_or("default");
    let name = ident_name(ctx, ident, "cluster").ok_or_else(cluster_not_found)?;
    region
        .clusters
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(cluster_not_found)
}

/// An opaque, checked pagination token for position `offset` of listing `op`.
fn encode_token(op: &str, offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("ecsdesk-sim:{op}:{offset}"))
}

fn decode_token(op: &str, token: &str) -> Result<usize, AwsError> {
    let bad = || AwsError::invalid_parameter("Invalid nextToken.");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let rest = text
        .strip_prefix("ecsdesk-sim:")
        .and_then(|r| r.strip_prefix(op))
        .and_then(|r| r.strip_prefix(':'))
        .ok_or_else(bad)?;
    rest.parse().map_err(|_| bad())
}

/// One page of `items` per `maxResults`/`nextToken`, with ECS's default and maximum.
fn paginate<T: Clone>(
    call: &Call,
    op: &str,
    items: Vec<T>,
    default: i64,
    max: i64,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let size = match call.input.get("maxResults") {
        None | Some(serde_json::Value::Null) => default,
        Some(_) => match call.int("maxResults") {
            Some(n) if (1..=max).contains(&n) => n,
            _ => {
                return Err(AwsError::invalid_parameter(format!(
                    "maxResults must be between 1 and {max}."
                )))
            }
        },
    } as usize;
    let start = match call.str("nextToken") {
        Some(t) if !t.is_empty() => decode_token(op, t)?,
        _ => 0,
    };
    if start > items.len() {
        return Err(AwsError::invalid_parameter("Invalid nextToken."));
    }
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| encode_token(op, end));
    Ok((items[start..end].to_vec(), next))
}

fn list_clusters(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let arns: Vec<String> = with_region(world, ctx, |r| {
        r.clusters.iter().map(|c| c.arn.clone()).collect()
    });
    let (page, next) = paginate(call, "ListClusters", arns, 100, 100)?;
    Ok(Shape::map([
        ("clusterArns", Shape::list(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn cluster_shape(c: &Cluster) -> Shape {
    let (mut running, mut pending) = (0, 0);
    for s in &c.services {
        let (r, p) = engine::service_counts(s);
        running += r;
        pending += p;
    }
    let active = c.services.iter().filter(|s| s.status == "ACTIVE").count();
    Shape::map([
        ("clusterArn", Shape::from(&c.arn)),
        ("clusterName", Shape::from(&c.name)),
        ("status", Shape::from(&c.status)),
        (
            "registeredContainerInstancesCount",
            Shape::from(c.container_instances.len()),
        ),
        ("runningTasksCount", Shape::Int(running)),
        ("pendingTasksCount", Shape::Int(pending)),
        ("activeServicesCount", Shape::from(active)),
        ("statistics", Shape::List(Vec::new())),
        ("tags", Shape::List(Vec::new())),
        (
            "settings",
            Shape::list([Shape::map([
                ("name", Shape::from("containerInsights")),
                ("value", Shape::from("enabled")),
            ])]),
        ),
        (
            "capacityProviders",
            Shape::list(c.capacity_providers.clone()),
        ),
        (
            "defaultCapacityProviderStrategy",
            Shape::List(
                c.capacity_providers
                    .iter()
                    .filter(|p| p.as_str() == "FARGATE")
                    .map(|p| {
                        Shape::map([
                            ("capacityProvider", Shape::from(p)),
                            ("weight", Shape::Int(1)),
                            ("base", Shape::Int(0)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

fn failure(arn: String, reason: &str) -> Shape {
    Shape::map([("arn", Shape::from(arn)), ("reason", Shape::from(reason))])
}

/// The MISSING failure of `ident`: the ARN as asked, or the ARN of `resource` when asked by name.
fn missing(ctx: &Ctx, ident: &str, resource: &str) -> Shape {
    let arn = if ident.starts_with("arn:") {
        ident.to_string()
    } else {
        arn(ctx, resource)
    };
    failure(arn, "MISSING")
}

/// The identifiers of `key` of a Describe* call, refused as ECS does when none or more than `max`.
fn describe_idents(
    call: &Call,
    key: &str,
    label: &str,
    max: usize,
) -> Result<Vec<String>, AwsError> {
    let wanted = call.strings(key);
    if wanted.is_empty() {
        return Err(AwsError::invalid_parameter(format!(
            "{label} cannot be empty."
        )));
    }
    if wanted.len() > max {
        return Err(AwsError::invalid_parameter(format!(
            "{label} cannot have more than {max} elements"
        )));
    }
    Ok(wanted)
}

fn describe_clusters(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let mut wanted = call.strings("clusters");
    if wanted.is_empty() {
        wanted.push("default".into());
    }
    if wanted.len() > 100 {
        return Err(AwsError::invalid_parameter(
            "Clusters cannot have more than 100 elements",
        ));
    }
    Ok(with_region(world, ctx, |r| {
        let mut clusters = Vec::new();
        let mut failures = Vec::new();
        for ident in &wanted {
            let found = ident_name(ctx, ident, "cluster")
                .and_then(|name| r.clusters.iter().find(|c| c.name == name));
            match found {
                Some(c) => clusters.push(cluster_shape(c)),
                None => failures.push(missing(ctx, ident, &format!("cluster/{ident}"))),
            }
        }
        Shape::map([
            ("clusters", Shape::List(clusters)),
            ("failures", Shape::List(failures)),
        ])
    }))
}

fn list_services(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let launch_type = call.str("launchType").map(str::to_string);
    if let Some(lt) = &launch_type {
        if !["EC2", "FARGATE", "EXTERNAL"].contains(&lt.as_str()) {
            return Err(AwsError::invalid_parameter(format!(
                "launchType '{lt}' is not one of EC2, FARGATE, EXTERNAL."
            )));
        }
    }
    let arns = with_region(world, ctx, |r| {
        find_cluster(r, ctx, call).map(|c| {
            c.services
                .iter()
                .filter(|s| launch_type.as_ref().is_none_or(|lt| &s.launch_type == lt))
                .map(|s| s.arn.clone())
                .collect::<Vec<_>>()
        })
    })?;
    let (page, next) = paginate(call, "ListServices", arns, 10, 100)?;
    Ok(Shape::map([
        ("serviceArns", Shape::list(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn network_configuration(svc: &Service) -> Shape {
    if svc.launch_type != "FARGATE" {
        return Shape::Null;
    }
    let subnet = crate::scenario::stable_hex(&format!("{}/subnet", svc.cluster_arn), 17);
    let sg = crate::scenario::stable_hex(&format!("{}/sg", svc.arn), 17);
    Shape::map([(
        "awsvpcConfiguration",
        Shape::map([
            (
                "subnets",
                Shape::list([format!("subnet-{subnet}"), format!("subnet-{}", &sg[..17])]),
            ),
            ("securityGroups", Shape::list([format!("sg-{sg}")])),
            ("assignPublicIp", Shape::from("DISABLED")),
        ]),
    )])
}

fn deployment_shape(svc: &Service, d: &Deployment) -> Shape {
    let fargate = d.launch_type == "FARGATE";
    Shape::map([
        ("id", Shape::from(&d.id)),
        ("status", Shape::from(&d.status)),
        ("taskDefinition", Shape::from(&d.task_definition)),
        ("desiredCount", Shape::Int(d.desired_count)),
        ("pendingCount", Shape::Int(d.pending_count)),
        ("runningCount", Shape::Int(d.running_count)),
        ("failedTasks", Shape::Int(d.failed_tasks)),
        ("createdAt", Shape::Time(d.created_at)),
        ("updatedAt", Shape::Time(d.updated_at)),
        ("launchType", Shape::from(&d.launch_type)),
        ("platformVersion", fargate_only(fargate, "1.4.0")),
        ("platformFamily", fargate_only(fargate, "Linux")),
        ("networkConfiguration", network_configuration(svc)),
        ("rolloutState", Shape::from(&d.rollout_state)),
        ("rolloutStateReason", Shape::from(&d.rollout_state_reason)),
    ])
}

/// A value ECS reports only for Fargate tasks and services (null for EC2).
fn fargate_only(fargate: bool, value: &str) -> Shape {
    if fargate {
        Shape::from(value)
    } else {
        Shape::Null
    }
}

fn service_shape(svc: &Service) -> Shape {
    let (running, pending) = engine::service_counts(svc);
    let fargate = svc.launch_type == "FARGATE";
    Shape::map([
        ("serviceArn", Shape::from(&svc.arn)),
        ("serviceName", Shape::from(&svc.name)),
        ("clusterArn", Shape::from(&svc.cluster_arn)),
        (
            "loadBalancers",
            Shape::List(
                svc.load_balancers
                    .iter()
                    .map(|lb| {
                        Shape::map([
                            ("targetGroupArn", Shape::from(&lb.target_group_arn)),
                            ("containerName", Shape::from(&lb.container_name)),
                            ("containerPort", Shape::Int(lb.container_port)),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("serviceRegistries", Shape::List(Vec::new())),
        ("status", Shape::from(&svc.status)),
        ("desiredCount", Shape::Int(svc.desired_count)),
        ("runningCount", Shape::Int(running)),
        ("pendingCount", Shape::Int(pending)),
        ("launchType", Shape::from(&svc.launch_type)),
        ("platformVersion", fargate_only(fargate, "LATEST")),
        ("platformFamily", fargate_only(fargate, "Linux")),
        ("taskDefinition", Shape::from(&svc.task_definition)),
        (
            "deploymentConfiguration",
            Shape::map([
                (
                    "deploymentCircuitBreaker",
                    Shape::map([
                        ("enable", Shape::Bool(svc.circuit_breaker)),
                        ("rollback", Shape::Bool(svc.rollback)),
                    ]),
                ),
                ("maximumPercent", Shape::Int(svc.maximum_percent)),
                (
                    "minimumHealthyPercent",
                    Shape::Int(svc.minimum_healthy_percent),
                ),
            ]),
        ),
        (
            "deployments",
            Shape::List(
                svc.deployments
                    .iter()
                    .map(|d| deployment_shape(svc, d))
                    .collect(),
            ),
        ),
        (
            "events",
            Shape::List(
                svc.events
                    .iter()
                    .map(|e| {
                        Shape::map([
                            ("id", Shape::from(&e.id)),
                            ("createdAt", Shape::Time(e.created_at)),
                            ("message", Shape::from(&e.message)),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("createdAt", Shape::Time(svc.created_at)),
        ("placementConstraints", Shape::List(Vec::new())),
        ("placementStrategy", Shape::List(Vec::new())),
        ("networkConfiguration", network_configuration(svc)),
        (
            "healthCheckGracePeriodSeconds",
            if svc.load_balancers.is_empty() {
                Shape::Null
            } else {
                Shape::Int(60)
            },
        ),
        ("schedulingStrategy", Shape::from("REPLICA")),
        (
            "deploymentController",
            Shape::map([("type", Shape::from("ECS"))]),
        ),
        ("enableECSManagedTags", Shape::Bool(true)),
        ("propagateTags", Shape::from("NONE")),
        ("enableExecuteCommand", Shape::Bool(false)),
    ])
}

fn describe_services(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = describe_idents(call, "services", "Services", 10)?;
    with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let mut services = Vec::new();
        let mut failures = Vec::new();
        for ident in &wanted {
            let found = ident_name(ctx, ident, "service")
                .and_then(|name| cluster.services.iter().find(|s| s.name == name));
            match found {
                Some(s) => services.push(service_shape(s)),
                None => failures.push(missing(
                    ctx,
                    ident,
                    &format!("service/{}/{ident}", cluster.name),
                )),
            }
        }
        Ok(Shape::map([
            ("services", Shape::List(services)),
            ("failures", Shape::List(failures)),
        ]))
    })
}

fn all_tasks(cluster: &Cluster) -> impl Iterator<Item = (&Service, &Task)> {
    cluster
        .services
        .iter()
        .flat_map(|s| s.tasks.iter().map(move |t| (s, t)))
}

fn list_tasks(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
    let eni = format!("eni-{}", crate::scenario::stable_hex(&t.id, 17));
    let attachment_id = {
        let h = crate::scenario::stable_hex(&format!("{}/attachment", t.id), 32);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    };
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
                        crate::scenario::stable_hex(&format!("{}/{}", t.id, c.name), 32)
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
                                        ("hostPort", Shape::Int(p)),
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

fn describe_tasks(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = describe_idents(call, "tasks", "Tasks", 100)?;
    with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let mut tasks = Vec::new();
        let mut failures = Vec::new();
        for ident in &wanted {
            let found = ident_name(ctx, ident, "task")
                .and_then(|id| all_tasks(cluster).find(|(_, t)| t.id == id));
            match found {
                Some((_, t)) => tasks.push(task_shape(r, t)),
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

fn stop_task(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
            svc.tasks.iter().find(|t| t.arn == task_arn).cloned()
        },
    )
    .flatten()
    .ok_or_else(|| AwsError::internal("the task vanished while stopping"))?;
    let task = with_region(world, ctx, |r| task_shape(r, &shape));
    Ok(Shape::map([("task", task)]))
}

/// Resolve `family`, `family:revision` or an ARN to a registered task definition.
fn resolve_task_definition<'r>(
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

fn update_service(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let ident = call
        .str("service")
        .ok_or_else(|| AwsError::invalid_parameter("service must be specified."))?;
    let desired = match call.input.get("desiredCount") {
        None | Some(serde_json::Value::Null) => None,
        Some(_) => match call.int("desiredCount") {
            Some(n) if (0..=5000).contains(&n) => Some(n),
            _ => {
                return Err(AwsError::invalid_parameter(
                    "desiredCount must be between 0 and 5000.",
                ))
            }
        },
    };
    let (cluster_name, service_name, service_arn, status, td_arn) = with_region(world, ctx, |r| {
        let cluster = find_cluster(r, ctx, call)?;
        let name = ident_name(ctx, ident, "service").ok_or_else(service_not_found)?;
        let svc = cluster
            .services
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(service_not_found)?;
        let td = match call.str("taskDefinition") {
            Some(t) => Some(
                resolve_task_definition(r, ctx, t)
                    .filter(|d| d.status == "ACTIVE")
                    .map(|d| d.arn.clone())
                    .ok_or_else(|| {
                        AwsError::client("ClientException", "TaskDefinition not found.")
                    })?,
            ),
            None => None,
        };
        Ok::<_, AwsError>((
            cluster.name.clone(),
            svc.name.clone(),
            svc.arn.clone(),
            svc.status.clone(),
            td,
        ))
    })?;
    if ctx.principal.read_only {
        return Err(access_denied(ctx, "UpdateService", &service_arn));
    }
    if status != "ACTIVE" {
        return Err(AwsError::client(
            "ServiceNotActiveException",
            "Service was not ACTIVE.",
        ));
    }
    let deployment_config = call.input.get("deploymentConfiguration").cloned();
    let (min_pct, max_pct, breaker) = match &deployment_config {
        Some(dc) => {
            let min = dc
                .get("minimumHealthyPercent")
                .and_then(crate::protocol::value_int);
            let max = dc
                .get("maximumPercent")
                .and_then(crate::protocol::value_int);
            if min.is_some_and(|m| !(0..=100).contains(&m)) {
                return Err(AwsError::invalid_parameter(
                    "minimumHealthyPercent must be between 0 and 100.",
                ));
            }
            if max.is_some_and(|m| !(100..=200).contains(&m)) {
                return Err(AwsError::invalid_parameter(
                    "maximumPercent must be between 100 and 200.",
                ));
            }
            let breaker = dc.get("deploymentCircuitBreaker").map(|b| {
                (
                    b.get("enable")
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false),
                    b.get("rollback")
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false),
                )
            });
            (min, max, breaker)
        }
        None => (None, None, None),
    };
    let force = call.bool("forceNewDeployment").unwrap_or(false);
    let now = ctx.now;
    let account = ctx.principal.account_id.clone();
    let shape = engine::with_service(
        world,
        &account,
        &ctx.region,
        &cluster_name,
        &service_name,
        |svc, env| {
            if let Some(m) = min_pct {
                svc.minimum_healthy_percent = m;
            }
            if let Some(m) = max_pct {
                svc.maximum_percent = m;
            }
            if let Some((enable, rollback)) = breaker {
                svc.circuit_breaker = enable;
                svc.rollback = rollback;
            }
            if let Some(d) = desired {
                engine::set_desired_count(svc, d, now);
            }
            let new_td = td_arn.filter(|t| t != &svc.task_definition);
            if force || new_td.is_some() {
                let td = new_td.unwrap_or_else(|| svc.task_definition.clone());
                engine::start_deployment(svc, env, &td, now, None);
            }
            engine::run_until(svc, env, now);
            service_shape(svc)
        },
    )
    .ok_or_else(service_not_found)?;
    Ok(Shape::map([("service", shape)]))
}

fn list_task_definitions(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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

fn describe_task_definition(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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

fn list_container_instances(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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

fn describe_container_instances(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_other_operations() {
        let t = encode_token("ListServices", 30);
        assert_eq!(decode_token("ListServices", &t).ok(), Some(30));
        assert!(decode_token("ListTasks", &t).is_err());
        assert!(decode_token("ListServices", "garbage!").is_err());
    }
}
