//! "Who changed this service": one CloudTrail management event as the app shows it — who did
//! what, from where, when — read from the event's own record (no I/O here).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::util::arn::arn_name;

/// Who made a change, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ActorKind {
    /// A person (IAM user, or a role session named after someone).
    Person,
    /// A CI/CD pipeline or infrastructure tool (GitHub Actions, Jenkins, Terraform, …).
    Pipeline,
    /// An AWS service acting on its own (Application Auto Scaling, CodeDeploy, …).
    AwsService,
}

/// One change to a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceChange {
    /// CloudTrail's event id.
    pub id: String,
    /// When (RFC 3339).
    pub at: String,
    /// Epoch seconds of `at`.
    #[ts(type = "number")]
    pub epoch: i64,
    /// Who: the user name, the role session, or the AWS service.
    pub who: String,
    /// The role they acted through, if any.
    pub role: Option<String>,
    /// What kind of actor.
    pub actor: ActorKind,
    /// From where: "AWS console", "AWS CLI", "Python (boto3)", "Terraform", "ECS Desk", …
    pub via: String,
    /// What changed, in plain words.
    pub what: String,
    /// The API operation (e.g. `UpdateService`).
    pub event_name: String,
    /// The AWS error code when AWS refused the call.
    pub error: Option<String>,
}

/// The Changes tab: changes to a service by anyone, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceChanges {
    /// The changes found so far, newest first.
    pub changes: Vec<ServiceChange>,
    /// Where to go on for older changes (pass back as is); None when the 90 days are read.
    pub more: Option<String>,
    /// Events CloudTrail returned and ECS Desk read (of every service) to find these.
    pub scanned: u32,
    /// Until when back the list is complete (RFC 3339); None when it covers all 90 days.
    pub complete_since: Option<String>,
}

/// The fields of a CloudTrail record (`CloudTrailEvent`, a JSON string) the app reads.
#[derive(Debug, Clone, Default)]
pub struct TrailRecord {
    /// userIdentity.
    pub identity: Value,
    /// userAgent.
    pub user_agent: String,
    /// requestParameters.
    pub request: Value,
    /// responseElements.
    pub response: Value,
    /// errorCode.
    pub error: Option<String>,
}

impl TrailRecord {
    /// Reads a `CloudTrailEvent` string; None when it is not a JSON object.
    pub fn parse(text: &str) -> Option<TrailRecord> {
        let v: Value = serde_json::from_str(text).ok()?;
        let v = v.as_object()?;
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Some(TrailRecord {
            identity: v.get("userIdentity").cloned().unwrap_or(Value::Null),
            user_agent: s("userAgent"),
            request: v.get("requestParameters").cloned().unwrap_or(Value::Null),
            response: v.get("responseElements").cloned().unwrap_or(Value::Null),
            error: v
                .get("errorCode")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// A member of requestParameters by its camelCase name (also found when recorded in
    /// PascalCase, as some services' records are).
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.request.get(key).or_else(|| {
            let mut c = key.chars();
            let pascal: String = c
                .next()
                .map(|f| f.to_ascii_uppercase())
                .into_iter()
                .chain(c)
                .collect();
            self.request.get(pascal)
        })
    }

    /// A string member of requestParameters.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.field(key).and_then(Value::as_str)
    }

    /// A number member of requestParameters.
    pub fn number(&self, key: &str) -> Option<i64> {
        self.field(key).and_then(Value::as_i64)
    }
}

/// Words that mark a role session or user agent as a pipeline or tool, not a person.
const PIPELINE_MARKS: [&str; 12] = [
    "github",
    "gitlab",
    "jenkins",
    "codebuild",
    "codepipeline",
    "circleci",
    "buildkite",
    "terraform",
    "pulumi",
    "spinnaker",
    "argocd",
    "deploy",
];

/// From where a call came, by its user agent.
pub fn via(user_agent: &str) -> String {
    let ua = user_agent.to_ascii_lowercase();
    let known: [(&str, &str); 14] = [
        ("ecs-desk", "ECS Desk"),
        (
            "application-autoscaling.amazonaws.com",
            "Application Auto Scaling",
        ),
        ("codedeploy.amazonaws.com", "CodeDeploy"),
        ("cloudformation.amazonaws.com", "CloudFormation"),
        ("ecs.amazonaws.com", "ECS"),
        ("console.amazonaws.com", "AWS console"),
        ("aws internal", "AWS console"),
        ("signin.amazonaws.com", "AWS console"),
        ("terraform", "Terraform"),
        ("aws-cli/", "AWS CLI"),
        ("boto3", "Python (boto3)"),
        ("aws-sdk-js", "JavaScript SDK"),
        ("aws-sdk-go", "Go SDK"),
        ("aws-sdk-java", "Java SDK"),
    ];
    if let Some((_, name)) = known.iter().find(|(mark, _)| ua.contains(mark)) {
        return (*name).to_string();
    }
    if ua.contains("aws-sdk-rust") {
        return "Rust SDK".into();
    }
    if ua.is_empty() {
        return "unknown".into();
    }
    // Anything else: its first product token (`curl/8.5`), short.
    user_agent
        .split_whitespace()
        .next()
        .unwrap_or(user_agent)
        .chars()
        .take(40)
        .collect()
}

/// Who acted, through which role, and what kind of actor, from userIdentity and the agent.
pub fn actor(identity: &Value, user_agent: &str) -> (String, Option<String>, ActorKind) {
    let s = |k: &str| identity.get(k).and_then(Value::as_str).unwrap_or_default();
    let kind = s("type");
    let invoked_by = s("invokedBy");
    let arn = s("arn");
    let issuer_role = identity
        .pointer("/sessionContext/sessionIssuer/userName")
        .and_then(Value::as_str)
        .map(str::to_string);
    let (who, role) = match kind {
        "AWSService" => (invoked_by.to_string(), None),
        "IAMUser" => (s("userName").to_string(), None),
        // arn:aws:sts::123:assumed-role/ROLE/SESSION: the session names who.
        "AssumedRole" => (arn_name(arn), issuer_role),
        "Root" => ("the account's root user".to_string(), None),
        _ => (arn_name(arn), None),
    };
    let role_name = role.as_deref().unwrap_or_default().to_ascii_lowercase();
    let aws_service = kind == "AWSService"
        || !invoked_by.is_empty()
        || role_name.starts_with("awsservicerole")
        || user_agent.ends_with(".amazonaws.com") && !user_agent.contains("console");
    let pipeline = !aws_service && {
        let text = format!(
            "{} {} {}",
            who.to_ascii_lowercase(),
            role_name,
            user_agent.to_ascii_lowercase()
        );
        PIPELINE_MARKS.iter().any(|m| text.contains(m))
    };
    let kind = if aws_service {
        ActorKind::AwsService
    } else if pipeline {
        ActorKind::Pipeline
    } else {
        ActorKind::Person
    };
    let who = if who.is_empty() {
        "someone".to_string()
    } else {
        who
    };
    (who, role, kind)
}

/// What an event changed, in plain words.
pub fn what(event_name: &str, record: &TrailRecord) -> String {
    let p = |k: &str| record.param(k).map(str::to_string);
    match event_name {
        "UpdateService" => {
            let mut parts = Vec::new();
            if record.field("forceNewDeployment").and_then(Value::as_bool) == Some(true) {
                parts.push("restarted it (forced a new deployment)".to_string());
            }
            if let Some(n) = record.number("desiredCount") {
                parts.push(format!("set the desired count to {n}"));
            }
            if let Some(td) = p("taskDefinition") {
                parts.push(format!("changed the task definition to {}", arn_name(&td)));
            }
            if record.field("deploymentConfiguration").is_some() {
                parts.push("changed how it deploys".to_string());
            }
            if parts.is_empty() {
                "updated the service".to_string()
            } else {
                capitalise(&parts.join(", "))
            }
        }
        "StopTask" => {
            let task = p("task").map_or_else(|| "a task".into(), |t| arn_name(&t));
            match p("reason") {
                Some(r) if !r.is_empty() => format!("Stopped task {task}: “{r}”"),
                _ => format!("Stopped task {task}"),
            }
        }
        "RegisterTaskDefinition" => match p("family") {
            Some(f) => format!("Registered a new revision of {f}"),
            None => "Registered a task definition".to_string(),
        },
        "RegisterScalableTarget" => {
            let (min, max) = (record.number("minCapacity"), record.number("maxCapacity"));
            match (min, max) {
                (Some(a), Some(b)) => format!("Set the auto scaling limits to {a}–{b} tasks"),
                _ => "Changed auto scaling".to_string(),
            }
        }
        "PutScalingPolicy" => format!(
            "Changed the scaling policy {}",
            p("policyName").unwrap_or_default()
        )
        .trim_end()
        .to_string(),
        "StopServiceDeployment" => "Stopped (rolled back) a deployment".to_string(),
        "ContinueServiceDeployment" => "Continued a paused deployment".to_string(),
        "CreateService" => "Created the service".to_string(),
        "DeleteService" => "Deleted the service".to_string(),
        other => other.to_string(),
    }
}

/// The service whose changes are wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTarget {
    /// Cluster name.
    pub cluster: String,
    /// Service name.
    pub service: String,
    /// Task definition family of the service.
    pub family: Option<String>,
}

impl ChangeTarget {
    /// Whether an event of `event_name` with `record` changed this service. StopTask records
    /// name only the task; AWS's answer (responseElements) says its group, `service:<name>`.
    pub fn concerns(&self, event_name: &str, record: &TrailRecord) -> bool {
        let cluster = record
            .param("cluster")
            .map_or_else(|| "default".to_string(), arn_name);
        let in_cluster = cluster == self.cluster;
        match event_name {
            "UpdateService" | "StopServiceDeployment" | "CreateService" | "DeleteService" => {
                in_cluster
                    && record
                        .param("service")
                        .or_else(|| record.param("serviceName"))
                        .is_some_and(|s| arn_name(s) == self.service)
            }
            "StopTask" => {
                let group = record
                    .response
                    .pointer("/task/group")
                    .and_then(Value::as_str);
                in_cluster && group == Some(&format!("service:{}", self.service))
            }
            "RegisterTaskDefinition" => {
                self.family.is_some() && record.param("family") == self.family.as_deref()
            }
            "RegisterScalableTarget" | "PutScalingPolicy" | "DeregisterScalableTarget" => {
                record.param("resourceId")
                    == Some(&format!("service/{}/{}", self.cluster, self.service))
            }
            _ => false,
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
