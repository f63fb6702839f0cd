//! What DescribeServices (and DescribeServiceDeployments) show of a service's release settings:
//! the deployment configuration with its strategy, bake time and hooks, the load balancers with
//! their blue/green advanced configuration, and the current service deployment and revisions.

use crate::shape::Shape;
use crate::world::{LifecycleHook, Release, Service};

fn hook_shape(h: &LifecycleHook) -> Shape {
    Shape::map([
        ("targetType", Shape::from(&h.target_type)),
        ("hookTargetArn", Shape::from(h.target_arn.clone())),
        ("roleArn", Shape::from(h.role_arn.clone())),
        (
            "lifecycleStages",
            Shape::list(h.stages.iter().map(String::as_str)),
        ),
        (
            "timeoutConfiguration",
            Shape::map([
                ("timeoutInMinutes", Shape::Int(h.timeout_minutes)),
                ("action", Shape::from(&h.timeout_action)),
            ]),
        ),
    ])
}

/// deploymentConfiguration with the given release settings (the service's, or a deployment's).
pub(super) fn deployment_configuration(svc: &Service, release: &Release) -> Shape {
    let shifting = release.shifts_traffic();
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
        (
            "alarms",
            release
                .alarms
                .as_ref()
                .map_or(Shape::Null, |(names, rollback)| {
                    Shape::map([
                        ("alarmNames", Shape::list(names.iter().map(String::as_str))),
                        ("rollback", Shape::Bool(*rollback)),
                        ("enable", Shape::Bool(true)),
                    ])
                }),
        ),
        ("strategy", Shape::from(release.strategy())),
        (
            "bakeTimeInMinutes",
            if shifting {
                Shape::Int(release.bake_minutes)
            } else {
                Shape::Null
            },
        ),
        (
            "lifecycleHooks",
            if release.hooks.is_empty() {
                Shape::Null
            } else {
                Shape::List(release.hooks.iter().map(hook_shape).collect())
            },
        ),
        (
            "canaryConfiguration",
            release.canary.map_or(Shape::Null, |(percent, minutes)| {
                Shape::map([
                    ("canaryPercent", Shape::Float(percent)),
                    ("canaryBakeTimeInMinutes", Shape::Int(minutes)),
                ])
            }),
        ),
        (
            "linearConfiguration",
            release.linear.map_or(Shape::Null, |(step, minutes)| {
                Shape::map([
                    ("stepPercent", Shape::Float(step)),
                    ("stepBakeTimeInMinutes", Shape::Int(minutes)),
                ])
            }),
        ),
    ])
}

/// loadBalancers, with advancedConfiguration where a blue/green pair is configured.
pub(super) fn load_balancers(svc: &Service) -> Shape {
    Shape::List(
        svc.load_balancers
            .iter()
            .map(|lb| {
                let advanced = lb
                    .alternate_target_group_arn
                    .as_ref()
                    .map_or(Shape::Null, |alt| {
                        Shape::map([
                            ("alternateTargetGroupArn", Shape::from(alt)),
                            (
                                "productionListenerRule",
                                Shape::from(lb.production_listener_rule.clone()),
                            ),
                            (
                                "testListenerRule",
                                Shape::from(lb.test_listener_rule.clone()),
                            ),
                            (
                                "roleArn",
                                Shape::from(format!(
                                    "{}:role/ecsInfrastructureRoleForLoadBalancers",
                                    iam_prefix(&svc.arn)
                                )),
                            ),
                        ])
                    });
                Shape::map([
                    ("targetGroupArn", Shape::from(&lb.target_group_arn)),
                    ("containerName", Shape::from(&lb.container_name)),
                    ("containerPort", Shape::Int(lb.container_port)),
                    ("advancedConfiguration", advanced),
                ])
            })
            .collect(),
    )
}

/// `arn:PARTITION:iam::ACCOUNT` of the account owning `arn`.
fn iam_prefix(arn: &str) -> String {
    let parts: Vec<&str> = arn.split(':').collect();
    format!(
        "arn:{}:iam::{}",
        parts.get(1).unwrap_or(&"aws"),
        parts.get(4).unwrap_or(&"")
    )
}

/// currentServiceDeployment (the newest record's ARN).
pub(super) fn current_deployment(svc: &Service) -> Shape {
    Shape::from(svc.release.records.first().map(|r| r.arn.clone()))
}

/// currentServiceRevisions: the revisions with tasks, and their counts.
pub(super) fn current_revisions(svc: &Service) -> Shape {
    let Some(r) = svc.release.records.first() else {
        return Shape::Null;
    };
    let open = r.is_open();
    let sides = std::iter::once(&r.target).chain(r.source.iter().filter(|_| open));
    Shape::List(
        sides
            .filter(|s| open || s.running + s.pending > 0 || s.requested > 0)
            .map(|s| {
                Shape::map([
                    ("arn", Shape::from(&s.revision_arn)),
                    ("requestedTaskCount", Shape::Int(s.requested)),
                    ("runningTaskCount", Shape::Int(s.running)),
                    ("pendingTaskCount", Shape::Int(s.pending)),
                ])
            })
            .collect(),
    )
}
