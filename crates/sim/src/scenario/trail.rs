//! The demo's CloudTrail history by other people: colleagues in the console, a CI pipeline, a
//! Terraform run and an on-call engineer with the AWS CLI, changing the services the runbooks
//! name — so "who changed this service" has answers the first time it is opened.

use serde_json::{json, Value};

use super::HOUR;
use crate::world::{
    event_source, role_identity, user_identity, CallRecord, Principal, Region, TrailEvent,
};

const CONSOLE: &str = "console.amazonaws.com";
const CLI: &str = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-azure exe/x86_64.ubuntu.22 prompt/off command/ecs.update-service";
const TERRAFORM: &str = "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0 aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.8 api/ecs#1.41.1";

/// Who made a past change.
enum Who {
    /// A person through IAM Identity Center (role, user).
    Sso(&'static str, &'static str),
    /// A role session (role, session name).
    Role(&'static str, &'static str),
    /// An IAM user.
    User(&'static str),
}

/// One past change: hours ago, who, user agent, operation, cluster, service, request, response.
type Past = (
    f64,
    Who,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Value,
    Value,
);

fn history(region: &str) -> Vec<Past> {
    let stop = |cluster: &str, service: &str, task: &str, reason: &str| {
        (
            json!({"cluster": cluster, "task": task, "reason": reason}),
            json!({"task": {"taskArn": task, "group": format!("service:{service}"), "desiredStatus": "STOPPED"}}),
        )
    };
    match region {
        "us-east-1" => {
            let (stop_req, stop_resp) = stop(
                "coe-ecs-staging",
                "api-staging-Service",
                "arn:aws:ecs:us-east-1:123456789012:task/coe-ecs-staging/5d1e0c8a2b7f4e6b9c3a1f0e8d7c6b5a",
                "stuck on a database lock",
            );
            vec![
                (
                    0.8,
                    Who::Sso("OperatorAccess", "alice@example.com"),
                    CONSOLE,
                    "UpdateService",
                    "coe-ecs-staging",
                    "api-staging-Service",
                    json!({"cluster": "coe-ecs-staging", "service": "api-staging-Service", "forceNewDeployment": true}),
                    Value::Null,
                ),
                (
                    50.2,
                    Who::Role("github-actions-deploy", "GitHubActions"),
                    CLI,
                    "RegisterTaskDefinition",
                    "coe-ecs-staging",
                    "api-staging-Service",
                    json!({"family": "api-staging", "containerDefinitions": [{"name": "api"}]}),
                    Value::Null,
                ),
                (
                    50.0,
                    Who::Role("github-actions-deploy", "GitHubActions"),
                    CLI,
                    "UpdateService",
                    "coe-ecs-staging",
                    "api-staging-Service",
                    json!({"cluster": "coe-ecs-staging", "service": "api-staging-Service", "taskDefinition": "api-staging:3"}),
                    Value::Null,
                ),
                (
                    75.0,
                    Who::Sso("OperatorAccess", "bob@example.com"),
                    CONSOLE,
                    "StopTask",
                    "coe-ecs-staging",
                    "api-staging-Service",
                    stop_req,
                    stop_resp,
                ),
                (
                    240.0,
                    Who::Role("terraform-apply", "terraform-run-8842"),
                    TERRAFORM,
                    "UpdateService",
                    "coe-ecs-staging",
                    "api-staging-Service",
                    json!({"cluster": "coe-ecs-staging", "service": "api-staging-Service", "deploymentConfiguration": {"minimumHealthyPercent": 100, "maximumPercent": 200}}),
                    Value::Null,
                ),
                (
                    120.0,
                    Who::Sso("OperatorAccess", "bob@example.com"),
                    CONSOLE,
                    "RegisterScalableTarget",
                    "autoscaling",
                    "web-autoscaled-Service",
                    json!({"serviceNamespace": "ecs", "resourceId": "service/autoscaling/web-autoscaled-Service", "scalableDimension": "ecs:service:DesiredCount", "minCapacity": 2, "maxCapacity": 8}),
                    Value::Null,
                ),
            ]
        }
        "us-gov-east-1" => vec![
            (
                2.0,
                Who::Sso("OperatorAccess", "carol@example.com"),
                CONSOLE,
                "UpdateService",
                "coe-ecs-prod",
                "coe-etl-prod-Service",
                json!({"cluster": "coe-ecs-prod", "service": "coe-etl-prod-Service", "forceNewDeployment": true}),
                Value::Null,
            ),
            (
                146.0,
                Who::User("jenkins-deployer"),
                CLI,
                "UpdateService",
                "coe-ecs-prod",
                "coe-etl-prod-Service",
                json!({"cluster": "coe-ecs-prod", "service": "coe-etl-prod-Service", "taskDefinition": "coe-etl-prod:3"}),
                Value::Null,
            ),
        ],
        _ => Vec::new(),
    }
}

/// The demo's past changes in `region` of `account` (`partition`) at `now`, for services it has.
pub fn seed(region: &mut Region, partition: &str, account: &str, now: f64) {
    let has = |r: &Region, cluster: &str, service: &str| {
        r.clusters
            .iter()
            .any(|c| c.name == cluster && c.services.iter().any(|s| s.name == service))
    };
    let mut events: Vec<TrailEvent> = Vec::new();
    for (n, (hours, who, agent, op, cluster, service, request, response)) in
        history(&region.name).into_iter().enumerate()
    {
        if !has(region, cluster, service) {
            continue;
        }
        let time = now - hours * HOUR;
        let (identity, username) = match who {
            Who::Sso(role, user) => {
                let p = Principal {
                    account_id: account.to_string(),
                    partition: partition.to_string(),
                    name: role.to_string(),
                    is_user: false,
                    read_only: false,
                    sso_user: Some(user.to_string()),
                    federated: false,
                };
                (
                    user_identity(&p, "ASIADEMOCONSOLE00001", time),
                    user.to_string(),
                )
            }
            Who::Role(role, session) => (
                role_identity(partition, account, "/", role, session, None),
                session.to_string(),
            ),
            Who::User(name) => {
                let p = Principal {
                    account_id: account.to_string(),
                    partition: partition.to_string(),
                    name: name.to_string(),
                    is_user: true,
                    read_only: false,
                    sso_user: None,
                    federated: false,
                };
                (
                    user_identity(&p, "AKIADEMOJENKINS00001", time),
                    name.to_string(),
                )
            }
        };
        let access_key_id = identity
            .get("accessKeyId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let prefix = if op == "RegisterScalableTarget" {
            "application-autoscaling"
        } else {
            "ecs"
        };
        let mut event = CallRecord {
            name: op,
            source: event_source(prefix),
            time,
            identity,
            username,
            access_key_id,
            user_agent: agent,
            source_ip: "203.0.113.24",
            region: &region.name,
            account_id: account,
            request,
            response,
            seed: crate::metrics::hash_str(&format!("{account}/{}/{n}", region.name)),
        }
        .event();
        // Long delivered: the demo's history is there from the start.
        event.delivered_at = event.delivered_at.min(now);
        events.push(event);
    }
    events.sort_by(|a, b| a.time.total_cmp(&b.time));
    region.trail.extend(events);
}
