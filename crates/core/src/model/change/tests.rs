use super::*;
use serde_json::json;

#[test]
fn agents_read_as_where_the_call_came_from() {
    assert_eq!(via("console.amazonaws.com"), "AWS console");
    assert_eq!(via("AWS Internal"), "AWS console");
    assert_eq!(
        via("aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 command/ecs.update-service"),
        "AWS CLI"
    );
    assert_eq!(
        via("Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux"),
        "Python (boto3)"
    );
    assert_eq!(
        via("APN/1.0 HashiCorp/1.0 Terraform/1.7.0 (+https://www.terraform.io)"),
        "Terraform"
    );
    assert_eq!(
        via("aws-sdk-rust/1.3.9 os/linux lang/rust/1.95.0 app/ecs-desk"),
        "ECS Desk"
    );
    assert_eq!(
        via("application-autoscaling.amazonaws.com"),
        "Application Auto Scaling"
    );
    assert_eq!(via("curl/8.5.0"), "curl/8.5.0");
    assert_eq!(via(""), "unknown");
}

#[test]
fn actors_are_people_pipelines_or_aws() {
    let person = json!({
        "type": "AssumedRole",
        "arn": "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_OperatorAccess_0123/alice@example.com",
        "sessionContext": {"sessionIssuer": {"userName": "AWSReservedSSO_OperatorAccess_0123"}}
    });
    let (who, role, kind) = actor(&person, "console.amazonaws.com");
    assert_eq!(who, "alice@example.com");
    assert_eq!(role.as_deref(), Some("AWSReservedSSO_OperatorAccess_0123"));
    assert_eq!(kind, ActorKind::Person);

    let ci = json!({
        "type": "AssumedRole",
        "arn": "arn:aws:sts::123456789012:assumed-role/github-actions-deploy/GitHubActions",
        "sessionContext": {"sessionIssuer": {"userName": "github-actions-deploy"}}
    });
    assert_eq!(actor(&ci, "aws-cli/2.15.0").2, ActorKind::Pipeline);

    let scaler = json!({
        "type": "AssumedRole",
        "arn": "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForApplicationAutoScaling_ECSService/AutoScaling",
        "sessionContext": {"sessionIssuer": {"userName": "AWSServiceRoleForApplicationAutoScaling_ECSService"}},
        "invokedBy": "application-autoscaling.amazonaws.com"
    });
    assert_eq!(
        actor(&scaler, "application-autoscaling.amazonaws.com").2,
        ActorKind::AwsService
    );

    let user = json!({"type": "IAMUser", "userName": "demo-commercial", "arn": "arn:aws:iam::123456789012:user/demo-commercial"});
    assert_eq!(actor(&user, "aws-cli/2").0, "demo-commercial");
}

#[test]
fn events_say_what_changed() {
    let rec = |request: serde_json::Value| TrailRecord {
        request,
        ..TrailRecord::default()
    };
    assert_eq!(
        what(
            "UpdateService",
            &rec(json!({"service": "web", "forceNewDeployment": true}))
        ),
        "Restarted it (forced a new deployment)"
    );
    assert_eq!(
        what(
            "UpdateService",
            &rec(
                json!({"desiredCount": 4, "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/web:7"})
            )
        ),
        "Set the desired count to 4, changed the task definition to web:7"
    );
    assert_eq!(
        what(
            "StopTask",
            &rec(json!({"task": "arn:aws:ecs:us-east-1:1:task/c/abc123", "reason": "stuck"}))
        ),
        "Stopped task abc123: “stuck”"
    );
    assert_eq!(
        what(
            "RegisterScalableTarget",
            &rec(json!({"MinCapacity": 2, "MaxCapacity": 12}))
        ),
        "Set the auto scaling limits to 2–12 tasks"
    );
    assert_eq!(
        what("RegisterTaskDefinition", &rec(json!({"family": "web"}))),
        "Registered a new revision of web"
    );
    let parsed = TrailRecord::parse(r#"{"userAgent":"aws-cli/2","requestParameters":{"service":"web"},"errorCode":"AccessDenied"}"#).unwrap();
    assert_eq!(parsed.param("service"), Some("web"));
    assert_eq!(parsed.error.as_deref(), Some("AccessDenied"));
    assert!(TrailRecord::parse("[1]").is_none());
}

#[test]
fn only_this_services_events_concern_it() {
    let target = ChangeTarget {
        cluster: "coe-ecs-staging".into(),
        service: "api-staging-Service".into(),
        family: Some("api-staging".into()),
    };
    let rec = |request: serde_json::Value, response: serde_json::Value| TrailRecord {
        request,
        response,
        ..TrailRecord::default()
    };
    let arn = "arn:aws:ecs:us-east-1:123456789012:service/coe-ecs-staging/api-staging-Service";
    assert!(target.concerns(
        "UpdateService",
        &rec(
            json!({"cluster": "coe-ecs-staging", "service": arn}),
            json!(null)
        )
    ));
    assert!(!target.concerns(
        "UpdateService",
        &rec(
            json!({"cluster": "other", "service": "api-staging-Service"}),
            json!(null)
        )
    ));
    assert!(
        !target.concerns(
            "UpdateService",
            &rec(json!({"service": "api-staging-Service"}), json!(null))
        ),
        "default cluster"
    );
    let stopped = |group: &str| {
        rec(
            json!({"cluster": "coe-ecs-staging", "task": "abc"}),
            json!({"task": {"group": group}}),
        )
    };
    assert!(target.concerns("StopTask", &stopped("service:api-staging-Service")));
    assert!(!target.concerns("StopTask", &stopped("service:worker-staging-Service")));
    assert!(target.concerns(
        "RegisterTaskDefinition",
        &rec(json!({"family": "api-staging"}), json!(null))
    ));
    assert!(target.concerns(
        "RegisterScalableTarget",
        &rec(
            json!({"ResourceId": "service/coe-ecs-staging/api-staging-Service"}),
            json!(null)
        )
    ));
}
