//! How DescribeServiceDeployments and ListServiceDeployments show ECS's record of a service
//! deployment: its revisions with task counts and traffic weights, stage, hooks, circuit
//! breaker, alarms and rollback.

use super::release_config::deployment_configuration;
use crate::shape::Shape;
use crate::world::{Release, RevisionSide, Service, ServiceDeploymentRecord};

/// A ServiceDeploymentBrief (ListServiceDeployments).
pub(super) fn brief(svc: &Service, r: &ServiceDeploymentRecord) -> Shape {
    Shape::map([
        ("serviceDeploymentArn", Shape::from(&r.arn)),
        ("serviceArn", Shape::from(&svc.arn)),
        ("clusterArn", Shape::from(&svc.cluster_arn)),
        ("startedAt", Shape::Time(r.started_at)),
        ("createdAt", Shape::Time(r.created_at)),
        ("finishedAt", Shape::time(r.finished_at)),
        (
            "targetServiceRevisionArn",
            Shape::from(&r.target.revision_arn),
        ),
        ("status", Shape::from(&r.status)),
        ("statusReason", Shape::from(&r.status_reason)),
    ])
}

/// A revision summary; `weight` is its share of production traffic when traffic shifts.
fn side_shape(s: &RevisionSide, weights: Option<(f64, f64)>) -> Shape {
    let (production, test) = weights.map_or((Shape::Null, Shape::Null), |(p, t)| {
        (Shape::Float(p), Shape::Float(t))
    });
    Shape::map([
        ("arn", Shape::from(&s.revision_arn)),
        ("requestedTaskCount", Shape::Int(s.requested)),
        ("runningTaskCount", Shape::Int(s.running)),
        ("pendingTaskCount", Shape::Int(s.pending)),
        ("requestedTestTrafficWeight", test),
        ("requestedProductionTrafficWeight", production),
    ])
}

/// A ServiceDeployment (DescribeServiceDeployments).
pub(super) fn full(svc: &Service, r: &ServiceDeploymentRecord) -> Shape {
    let shifting = r.stage.is_some();
    let weights = |new: bool| {
        let own = if new {
            (r.production_weight, r.test_weight)
        } else {
            (100.0 - r.production_weight, 100.0 - r.test_weight)
        };
        shifting.then_some(own)
    };
    let release = Release {
        strategy: r.strategy.clone(),
        bake_minutes: r.bake_minutes,
        canary: r.canary,
        linear: r.linear,
        hooks: svc.release.hooks.clone(),
        alarms: svc.release.alarms.clone(),
        ..Release::default()
    };
    let hooks: Vec<Shape> = r
        .hooks
        .iter()
        .map(|h| {
            Shape::map([
                ("hookId", Shape::from(&h.hook_id)),
                ("targetType", Shape::from(&h.hook.target_type)),
                ("targetArn", Shape::from(h.hook.target_arn.clone())),
                ("status", Shape::from(&h.status)),
                ("expiresAt", Shape::Time(h.expires_at)),
                ("timeoutAction", Shape::from(&h.hook.timeout_action)),
            ])
        })
        .collect();
    Shape::map([
        ("serviceDeploymentArn", Shape::from(&r.arn)),
        ("serviceArn", Shape::from(&svc.arn)),
        ("clusterArn", Shape::from(&svc.cluster_arn)),
        ("createdAt", Shape::Time(r.created_at)),
        ("startedAt", Shape::Time(r.started_at)),
        ("finishedAt", Shape::time(r.finished_at)),
        ("stoppedAt", Shape::time(r.stopped_at)),
        ("updatedAt", Shape::Time(r.updated_at)),
        (
            "sourceServiceRevisions",
            Shape::List(
                r.source
                    .iter()
                    .map(|s| side_shape(s, weights(false)))
                    .collect(),
            ),
        ),
        (
            "targetServiceRevision",
            side_shape(&r.target, weights(true)),
        ),
        ("status", Shape::from(&r.status)),
        ("statusReason", Shape::from(&r.status_reason)),
        ("lifecycleStage", Shape::from(r.stage.clone())),
        (
            "lifecycleHookDetails",
            if hooks.is_empty() {
                Shape::Null
            } else {
                Shape::List(hooks)
            },
        ),
        (
            "deploymentConfiguration",
            deployment_configuration(svc, &release),
        ),
        (
            "rollback",
            r.rollback
                .as_ref()
                .map_or(Shape::Null, |(reason, at, arn)| {
                    Shape::map([
                        ("reason", Shape::from(reason)),
                        ("startedAt", Shape::Time(*at)),
                        ("serviceRevisionArn", Shape::from(arn)),
                    ])
                }),
        ),
        (
            "deploymentCircuitBreaker",
            Shape::map([
                ("status", Shape::from(&r.breaker.0)),
                ("failureCount", Shape::Int(r.breaker.1)),
                ("threshold", Shape::Int(r.breaker.2)),
            ]),
        ),
        (
            "alarms",
            Shape::map([
                ("status", Shape::from(&r.alarms.0)),
                (
                    "alarmNames",
                    Shape::list(r.alarms.1.iter().map(String::as_str)),
                ),
                (
                    "triggeredAlarmNames",
                    Shape::list(r.alarms.2.iter().map(String::as_str)),
                ),
            ]),
        ),
    ])
}
