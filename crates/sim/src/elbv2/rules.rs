//! DescribeRules: each listener's default rule, and the production and test rules of ECS
//! blue/green services, whose weighted forward actions follow the deployment under way.

use super::validation;
use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::shape::Shape;
use crate::world::{Region, ServiceLoadBalancer};

/// The ARN of a rule `key` on `listener` (`listener-rule/app/NAME/LB/LISTENER/RULE`).
pub fn rule_arn(listener: &str, key: &str) -> String {
    let id = crate::ids::stable_hex(&format!("{listener}/rule/{key}"), 16);
    format!(
        "{}/{id}",
        listener.replacen(":listener/", ":listener-rule/", 1)
    )
}

/// The listener a rule ARN belongs to.
fn listener_of(rule: &str) -> String {
    let listener = rule.replacen(":listener-rule/", ":listener/", 1);
    listener
        .rsplit_once('/')
        .map_or(listener.clone(), |(l, _)| l.to_string())
}

fn forward(groups: &[(String, i64)]) -> Shape {
    let weighted = Shape::List(
        groups
            .iter()
            .map(|(tg, w)| {
                Shape::map([
                    ("TargetGroupArn", Shape::from(tg)),
                    ("Weight", Shape::Int(*w)),
                ])
            })
            .collect(),
    );
    Shape::map([
        ("Type", Shape::from("forward")),
        ("Order", Shape::Int(1)),
        (
            "ForwardConfig",
            Shape::map([
                ("TargetGroups", weighted),
                (
                    "TargetGroupStickinessConfig",
                    Shape::map([("Enabled", Shape::Bool(false))]),
                ),
            ]),
        ),
    ])
}

fn rule(arn: String, priority: String, default: bool, groups: &[(String, i64)]) -> Shape {
    let conditions = if default {
        Shape::List(Vec::new())
    } else {
        Shape::list([Shape::map([
            ("Field", Shape::from("path-pattern")),
            (
                "PathPatternConfig",
                Shape::map([("Values", Shape::list(["/*"]))]),
            ),
        ])])
    };
    Shape::map([
        ("RuleArn", Shape::from(arn)),
        ("Priority", Shape::from(priority)),
        ("Conditions", conditions),
        ("Actions", Shape::list([forward(groups)])),
        ("IsDefault", Shape::Bool(default)),
    ])
}

/// A blue/green pair's weights: production or test traffic, from the deployment under way.
fn weights(lb: &ServiceLoadBalancer, new_share: f64) -> Vec<(String, i64)> {
    let share = new_share.round().clamp(0.0, 100.0) as i64;
    vec![
        (lb.production_target_group().to_string(), 100 - share),
        (lb.standby_target_group().to_string(), share),
    ]
}

pub(super) fn describe_rules(region: &Region, call: &Call) -> Reply {
    let listener = call.str("ListenerArn");
    let wanted = call.strings("RuleArns");
    if listener.is_none() && wanted.is_empty() {
        return Err(validation(
            "You must specify either listener ARN or rule ARNs",
        ));
    }
    let mut all: Vec<(String, Shape)> = Vec::new();
    for lb in &region.load_balancers {
        for &port in &lb.listener_ports {
            let arn = super::listener_arn(lb, port);
            let default = region
                .target_groups
                .iter()
                .find(|t| t.load_balancer_arns.contains(&lb.arn))
                .map(|t| vec![(t.arn.clone(), 1)])
                .unwrap_or_default();
            let rule_arn = rule_arn(&arn, "default");
            all.push((arn, rule(rule_arn, "default".into(), true, &default)));
        }
    }
    let services = region.clusters.iter().flat_map(|c| c.services.iter());
    for (k, svc) in services.enumerate() {
        let open = svc.release.in_progress().filter(|r| r.stage.is_some());
        for lb in svc
            .load_balancers
            .iter()
            .filter(|l| l.alternate_target_group_arn.is_some())
        {
            let pairs = [
                (
                    &lb.production_listener_rule,
                    open.map_or(0.0, |r| r.production_weight),
                ),
                (&lb.test_listener_rule, open.map_or(0.0, |r| r.test_weight)),
            ];
            for (n, (arn, share)) in pairs.into_iter().enumerate() {
                if let Some(arn) = arn {
                    let priority = (10 + 2 * k + n).to_string();
                    all.push((
                        listener_of(arn),
                        rule(arn.clone(), priority, false, &weights(lb, share)),
                    ));
                }
            }
        }
    }
    if let Some(l) = listener {
        if !all.iter().any(|(x, _)| x == l) {
            return Err(AwsError::client(
                "ListenerNotFound",
                "One or more listeners not found",
            ));
        }
    }
    let rules: Vec<Shape> = all
        .into_iter()
        .filter(|(l, r)| {
            listener.is_none_or(|x| x == l)
                && (wanted.is_empty()
                    || r.get("RuleArn")
                        .is_some_and(|a| matches!(a, Shape::Str(s) if wanted.contains(s))))
        })
        .map(|(_, r)| r)
        .collect();
    if !wanted.is_empty() && rules.len() != wanted.len() {
        return Err(AwsError::client(
            "RuleNotFound",
            "One or more rules not found",
        ));
    }
    Ok(Shape::map([("Rules", Shape::List(rules))]))
}
