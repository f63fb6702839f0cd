//! DescribeListeners: each load balancer's listeners (HTTPS with its certificate, or TCP/TLS
//! for a network load balancer) and their default forward action.

use super::{lb_not_found, validation};
use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::shape::Shape;
use crate::world::{LoadBalancer, Region};

/// The ARN of `lb`'s listener on `port`.
pub fn listener_arn(lb: &LoadBalancer, port: i64) -> String {
    let id = crate::ids::stable_hex(&format!("{}/listener/{port}", lb.arn), 16);
    format!(
        "{}/{id}",
        lb.arn.replacen(":loadbalancer/", ":listener/", 1)
    )
}

pub(super) fn describe_listeners(region: &Region, call: &Call) -> Reply {
    let lb_arn = call.str("LoadBalancerArn");
    let arns = call.strings("ListenerArns");
    if lb_arn.is_none() && arns.is_empty() {
        return Err(validation(
            "You must specify either listener ARNs or a load balancer ARN",
        ));
    }
    let mut listeners = Vec::new();
    for lb in &region.load_balancers {
        if lb_arn.is_some_and(|a| a != lb.arn) {
            continue;
        }
        let forward_to = region
            .target_groups
            .iter()
            .find(|t| t.load_balancer_arns.contains(&lb.arn))
            .map(|t| t.arn.clone());
        for &port in &lb.listener_ports {
            let arn = listener_arn(lb, port);
            if !arns.is_empty() && !arns.contains(&arn) {
                continue;
            }
            let https = port == 443;
            let protocol = match (lb.kind.as_str(), port) {
                ("network", 443) => "TLS",
                ("network", _) => "TCP",
                (_, 443) => "HTTPS",
                _ => "HTTP",
            };
            listeners.push(Shape::map([
                ("ListenerArn", Shape::from(arn)),
                ("LoadBalancerArn", Shape::from(&lb.arn)),
                ("Port", Shape::Int(port)),
                ("Protocol", Shape::from(protocol)),
                (
                    "Certificates",
                    if https {
                        Shape::list([Shape::map([(
                            "CertificateArn",
                            Shape::from(format!(
                                "{}certificate/{}",
                                lb.arn
                                    .split(":loadbalancer/")
                                    .next()
                                    .unwrap_or_default()
                                    .replacen(":elasticloadbalancing:", ":acm:", 1)
                                    + ":",
                                crate::ids::stable_hex(&lb.arn, 32)
                            )),
                        )])])
                    } else {
                        Shape::Null
                    },
                ),
                (
                    "SslPolicy",
                    if https {
                        Shape::from("ELBSecurityPolicy-TLS13-1-2-2021-06")
                    } else {
                        Shape::Null
                    },
                ),
                (
                    "DefaultActions",
                    Shape::List(
                        forward_to
                            .iter()
                            .map(|tg| {
                                Shape::map([
                                    ("Type", Shape::from("forward")),
                                    ("TargetGroupArn", Shape::from(tg)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ]));
        }
    }
    if let Some(a) = lb_arn {
        if !region.load_balancers.iter().any(|l| l.arn == a) {
            return Err(lb_not_found(a));
        }
    }
    if !arns.is_empty() && listeners.len() != arns.len() {
        return Err(AwsError::client(
            "ListenerNotFound",
            "One or more listeners not found",
        ));
    }
    Ok(Shape::map([("Listeners", Shape::List(listeners))]))
}
