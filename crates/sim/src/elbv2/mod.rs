//! Elastic Load Balancing v2 operations (awsQuery, XML replies): load balancers, target groups,
//! target health and listeners of the caller's account in the signed region; `rules` holds the
//! listener rules ECS moves blue/green traffic with.

mod listeners;
mod rules;

pub use listeners::listener_arn;
pub use rules::rule_arn;

use crate::error::{AwsError, Reply};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{LoadBalancer, Region, TargetGroup, World};

/// Run one ELBv2 operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let empty = Region::default();
    let region = world
        .region(&ctx.principal.account_id, &ctx.region)
        .unwrap_or(&empty);
    match call.operation.as_str() {
        "DescribeLoadBalancers" => describe_load_balancers(region, call),
        "DescribeTargetGroups" => describe_target_groups(region, call),
        "DescribeTargetHealth" => describe_target_health(region, call),
        "DescribeListeners" => listeners::describe_listeners(region, call),
        "DescribeRules" => rules::describe_rules(region, call),
        op => Err(AwsError::unknown_operation("elasticloadbalancing", op)),
    }
}

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::client("ValidationError", message)
}

fn lb_not_found(what: &str) -> AwsError {
    AwsError::client(
        "LoadBalancerNotFound",
        format!("Load balancers '[{what}]' not found"),
    )
}

fn tg_not_found(what: &str) -> AwsError {
    AwsError::client(
        "TargetGroupNotFound",
        format!("Target groups '[{what}]' not found"),
    )
}

/// One page per `PageSize` (1..=400) and the opaque `Marker`.
fn paginate<T: Clone>(
    call: &Call,
    op: &str,
    items: Vec<T>,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let size = match call.str("PageSize") {
        None => 400,
        Some(_) => match call.int("PageSize") {
            Some(n) if (1..=400).contains(&n) => n as usize,
            _ => {
                return Err(validation(
                    "1 validation error detected: Value at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400",
                ))
            }
        },
    };
    let start = match call.str("Marker") {
        Some(m) if !m.is_empty() => {
            let bad = || validation("Invalid marker");
            let n = page_token::decode_listing(op, m).ok_or_else(bad)?;
            if n > items.len() {
                return Err(bad());
            }
            n
        }
        _ => 0,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| page_token::encode_listing(op, end));
    Ok((items[start..end].to_vec(), next))
}

fn subnet_for(vpc: &str, zone: &str) -> String {
    format!(
        "subnet-{}",
        crate::ids::stable_hex(&format!("{vpc}/{zone}"), 17)
    )
}

fn lb_shape(lb: &LoadBalancer) -> Shape {
    Shape::map([
        ("LoadBalancerArn", Shape::from(&lb.arn)),
        ("DNSName", Shape::from(&lb.dns_name)),
        ("CanonicalHostedZoneId", Shape::from("Z35SXDOTRQ7X7K")),
        ("CreatedTime", Shape::Time(lb.created_at)),
        ("LoadBalancerName", Shape::from(&lb.name)),
        ("Scheme", Shape::from(&lb.scheme)),
        ("VpcId", Shape::from(&lb.vpc_id)),
        ("State", Shape::map([("Code", Shape::from("active"))])),
        ("Type", Shape::from(&lb.kind)),
        (
            "AvailabilityZones",
            Shape::List(
                lb.availability_zones
                    .iter()
                    .map(|z| {
                        Shape::map([
                            ("ZoneName", Shape::from(z)),
                            ("SubnetId", Shape::from(subnet_for(&lb.vpc_id, z))),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "SecurityGroups",
            Shape::list([format!(
                "sg-{}",
                crate::ids::stable_hex(&format!("{}/sg", lb.arn), 17)
            )]),
        ),
        ("IpAddressType", Shape::from("ipv4")),
    ])
}

fn describe_load_balancers(region: &Region, call: &Call) -> Reply {
    let arns = call.strings("LoadBalancerArns");
    let names = call.strings("Names");
    if !arns.is_empty() && !names.is_empty() {
        return Err(validation(
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        ));
    }
    let mut found: Vec<&LoadBalancer> = Vec::new();
    if !arns.is_empty() {
        for a in &arns {
            found.push(
                region
                    .load_balancers
                    .iter()
                    .find(|l| &l.arn == a)
                    .ok_or_else(|| lb_not_found(a))?,
            );
        }
    } else if !names.is_empty() {
        for n in &names {
            found.push(
                region
                    .load_balancers
                    .iter()
                    .find(|l| &l.name == n)
                    .ok_or_else(|| lb_not_found(n))?,
            );
        }
    } else {
        found = region.load_balancers.iter().collect();
    }
    let (page, next) = paginate(call, "DescribeLoadBalancers", found)?;
    Ok(Shape::map([
        (
            "LoadBalancers",
            Shape::List(page.into_iter().map(lb_shape).collect()),
        ),
        ("NextMarker", Shape::from(next)),
    ]))
}

fn tg_shape(tg: &TargetGroup) -> Shape {
    // A TCP group (behind a network load balancer) checks health by connecting: no path, no
    // matcher, no HTTP version.
    let http = tg.protocol.starts_with("HTTP");
    let when_http = |v: Shape| if http { v } else { Shape::Null };
    Shape::map([
        ("TargetGroupArn", Shape::from(&tg.arn)),
        ("TargetGroupName", Shape::from(&tg.name)),
        ("Protocol", Shape::from(&tg.protocol)),
        ("Port", Shape::Int(tg.port)),
        ("VpcId", Shape::from(&tg.vpc_id)),
        ("HealthCheckProtocol", Shape::from(&tg.protocol)),
        ("HealthCheckPort", Shape::from("traffic-port")),
        ("HealthCheckEnabled", Shape::Bool(true)),
        ("HealthCheckIntervalSeconds", Shape::Int(30)),
        ("HealthCheckTimeoutSeconds", Shape::Int(5)),
        ("HealthyThresholdCount", Shape::Int(5)),
        ("UnhealthyThresholdCount", Shape::Int(2)),
        (
            "HealthCheckPath",
            when_http(Shape::from(&tg.health_check_path)),
        ),
        (
            "Matcher",
            when_http(Shape::map([("HttpCode", Shape::from("200"))])),
        ),
        (
            "LoadBalancerArns",
            Shape::list(tg.load_balancer_arns.clone()),
        ),
        ("TargetType", Shape::from(&tg.target_type)),
        ("ProtocolVersion", when_http(Shape::from("HTTP1"))),
        ("IpAddressType", Shape::from("ipv4")),
    ])
}

fn describe_target_groups(region: &Region, call: &Call) -> Reply {
    let arns = call.strings("TargetGroupArns");
    let names = call.strings("Names");
    let lb = call.str("LoadBalancerArn");
    if [!arns.is_empty(), !names.is_empty(), lb.is_some()]
        .iter()
        .filter(|x| **x)
        .count()
        > 1
    {
        return Err(validation(
            "A load balancer ARN, target group ARNs or target group names can be specified, but not more than one",
        ));
    }
    let mut found: Vec<&TargetGroup> = Vec::new();
    if let Some(lb) = lb {
        if !region.load_balancers.iter().any(|l| l.arn == lb) {
            return Err(lb_not_found(lb));
        }
        found = region
            .target_groups
            .iter()
            .filter(|t| t.load_balancer_arns.iter().any(|a| a == lb))
            .collect();
    } else if !arns.is_empty() {
        for a in &arns {
            found.push(
                region
                    .target_groups
                    .iter()
                    .find(|t| &t.arn == a)
                    .ok_or_else(|| tg_not_found(a))?,
            );
        }
    } else if !names.is_empty() {
        for n in &names {
            found.push(
                region
                    .target_groups
                    .iter()
                    .find(|t| &t.name == n)
                    .ok_or_else(|| tg_not_found(n))?,
            );
        }
    } else {
        found = region.target_groups.iter().collect();
    }
    let (page, next) = paginate(call, "DescribeTargetGroups", found)?;
    Ok(Shape::map([
        (
            "TargetGroups",
            Shape::List(page.into_iter().map(tg_shape).collect()),
        ),
        ("NextMarker", Shape::from(next)),
    ]))
}

fn describe_target_health(region: &Region, call: &Call) -> Reply {
    let arn = call
        .str("TargetGroupArn")
        .ok_or_else(|| validation("A target group ARN must be specified"))?;
    let tg = region
        .target_groups
        .iter()
        .find(|t| t.arn == arn)
        .ok_or_else(|| tg_not_found(arn))?;
    let wanted: Vec<(String, Option<i64>)> = match call.input.get("Targets") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|t| {
                let id = t.get("Id")?.as_str()?.to_string();
                let port = t.get("Port").and_then(crate::protocol::value_int);
                Some((id, port))
            })
            .collect(),
        _ => Vec::new(),
    };
    let describe = |ip: &str, port: i64, state: &str, reason: Option<&str>, desc: Option<&str>| {
        Shape::map([
            (
                "Target",
                Shape::map([("Id", Shape::from(ip)), ("Port", Shape::Int(port))]),
            ),
            ("HealthCheckPort", Shape::from(port.to_string())),
            (
                "TargetHealth",
                Shape::map([
                    ("State", Shape::from(state)),
                    ("Reason", Shape::from(reason)),
                    ("Description", Shape::from(desc)),
                ]),
            ),
        ])
    };
    let descriptions: Vec<Shape> = if wanted.is_empty() {
        tg.targets
            .iter()
            .map(|t| {
                describe(
                    &t.ip,
                    t.port,
                    &t.state,
                    t.reason.as_deref(),
                    t.description.as_deref(),
                )
            })
            .collect()
    } else {
        wanted
            .iter()
            .map(|(id, port)| {
                match tg
                    .targets
                    .iter()
                    .find(|t| &t.ip == id && port.is_none_or(|p| p == t.port))
                {
                    Some(t) => describe(
                        &t.ip,
                        t.port,
                        &t.state,
                        t.reason.as_deref(),
                        t.description.as_deref(),
                    ),
                    None => describe(
                        id,
                        port.unwrap_or(tg.port),
                        "unused",
                        Some("Target.NotRegistered"),
                        Some("Target is not registered to the target group"),
                    ),
                }
            })
            .collect()
    };
    Ok(Shape::map([(
        "TargetHealthDescriptions",
        Shape::List(descriptions),
    )]))
}
