//! CloudTrail's management events: every write the simulator carries out, by whom, from where,
//! kept 90 days and visible to LookupEvents only once delivered, minutes after the call.

use serde_json::{json, Value};

use super::Principal;

/// CloudTrail keeps management events 90 days for LookupEvents.
pub const TRAIL_RETENTION_SECS: f64 = 90.0 * 86_400.0;

/// CloudTrail delivers an event "within an average of about 5 minutes of an API call" (not
/// guaranteed): each event here becomes visible 2 to 5 minutes after its call.
pub const DELIVERY_MIN_SECS: f64 = 120.0;
/// See [`DELIVERY_MIN_SECS`].
pub const DELIVERY_SPREAD_SECS: f64 = 180.0;

/// One management event.
#[derive(Debug, Clone)]
pub struct TrailEvent {
    /// EventId (a UUID).
    pub id: String,
    /// EventName, e.g. `UpdateService`.
    pub name: String,
    /// EventSource, e.g. `ecs.amazonaws.com`.
    pub source: String,
    /// When the call was made.
    pub time: f64,
    /// When LookupEvents starts returning it.
    pub delivered_at: f64,
    /// Username as LookupEvents reports it (user name or role session name).
    pub username: String,
    /// The access key of the call.
    pub access_key_id: String,
    /// Whether the call only read.
    pub read_only: bool,
    /// Resources LookupEvents lists (type, name).
    pub resources: Vec<(String, String)>,
    /// The whole record (`CloudTrailEvent`).
    pub record: Value,
}

/// The event source of a service by its simulator prefix.
pub fn event_source(prefix: &str) -> String {
    match prefix {
        "cloudwatch" => "monitoring.amazonaws.com".into(),
        "elbv2" => "elasticloadbalancing.amazonaws.com".into(),
        other => format!("{other}.amazonaws.com"),
    }
}

/// The role an assumed-role principal acts through, as CloudTrail's sessionIssuer names it.
fn issuer_role(p: &Principal) -> (String, String) {
    let name = format!("AWSReservedSSO_{}_0123456789abcdef", p.name);
    let arn = format!(
        "arn:{}:iam::{}:role/aws-reserved/sso.amazonaws.com/{name}",
        p.partition, p.account_id
    );
    (name, arn)
}

/// CloudTrail's userIdentity of `principal` calling with `access_key`.
pub fn user_identity(p: &Principal, access_key: &str, at: f64) -> Value {
    let principal_id = crate::sts::user_id(p);
    if p.federated {
        return json!({
            "type": "FederatedUser",
            "principalId": principal_id,
            "arn": p.arn(),
            "accountId": p.account_id,
            "accessKeyId": access_key,
        });
    }
    if p.is_user {
        return json!({
            "type": "IAMUser",
            "principalId": principal_id,
            "arn": p.arn(),
            "accountId": p.account_id,
            "accessKeyId": access_key,
            "userName": p.name,
        });
    }
    let (role, role_arn) = issuer_role(p);
    json!({
        "type": "AssumedRole",
        "principalId": principal_id,
        "arn": p.arn(),
        "accountId": p.account_id,
        "accessKeyId": access_key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": principal_id.split(':').next().unwrap_or_default(),
                "arn": role_arn,
                "accountId": p.account_id,
                "userName": role,
            },
            "attributes": {"creationDate": crate::shape::iso8601(at), "mfaAuthenticated": "false"},
        },
    })
}

/// CloudTrail's userIdentity of a session of IAM role `role` (under `path`, e.g. `/` or
/// `/aws-service-role/ecs.application-autoscaling.amazonaws.com/`) named `session`; AWS services
/// acting for the account add `invokedBy`.
pub fn role_identity(
    partition: &str,
    account: &str,
    path: &str,
    role: &str,
    session: &str,
    invoked_by: Option<&str>,
) -> Value {
    let role_id = format!(
        "AROA{:016X}",
        crate::metrics::hash_str(&format!("{account}{path}{role}"))
    );
    let mut identity = json!({
        "type": "AssumedRole",
        "principalId": format!("{role_id}:{session}"),
        "arn": format!("arn:{partition}:sts::{account}:assumed-role/{role}/{session}"),
        "accountId": account,
        "accessKeyId": format!("ASIA{:016X}", crate::metrics::hash_str(&format!("{role}/{session}"))),
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": format!("arn:{partition}:iam::{account}:role{path}{role}"),
                "accountId": account,
                "userName": role,
            },
        },
    });
    if let (Some(by), Some(obj)) = (invoked_by, identity.as_object_mut()) {
        obj.insert("invokedBy".into(), Value::from(by));
    }
    identity
}

/// What one call leaves in CloudTrail.
#[derive(Debug, Clone)]
pub struct CallRecord<'a> {
    /// EventName.
    pub name: &'a str,
    /// EventSource.
    pub source: String,
    /// When.
    pub time: f64,
    /// userIdentity.
    pub identity: Value,
    /// Username as LookupEvents reports it.
    pub username: String,
    /// accessKeyId.
    pub access_key_id: String,
    /// userAgent.
    pub user_agent: &'a str,
    /// sourceIPAddress.
    pub source_ip: &'a str,
    /// awsRegion.
    pub region: &'a str,
    /// recipientAccountId.
    pub account_id: &'a str,
    /// requestParameters.
    pub request: Value,
    /// responseElements.
    pub response: Value,
    /// A seed for the event id and its delivery delay (deterministic per call).
    pub seed: u64,
}

impl CallRecord<'_> {
    /// The event, delivered some minutes after the call.
    pub fn event(self) -> TrailEvent {
        let id = crate::ids::uuid_layout(&format!(
            "{:016x}{:016x}",
            self.seed,
            self.seed.rotate_left(17) ^ 0x7a11
        ));
        let delay = DELIVERY_MIN_SECS + (self.seed % 1000) as f64 / 1000.0 * DELIVERY_SPREAD_SECS;
        let record = json!({
            "eventVersion": "1.09",
            "userIdentity": self.identity,
            "eventTime": crate::shape::iso8601(self.time),
            "eventSource": self.source,
            "eventName": self.name,
            "awsRegion": self.region,
            "sourceIPAddress": self.source_ip,
            "userAgent": self.user_agent,
            "requestParameters": self.request,
            "responseElements": self.response,
            "requestID": crate::ids::uuid_layout(&format!("{:032x}", u128::from(self.seed) * 31 + 7)),
            "eventID": id,
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": self.account_id,
            "eventCategory": "Management",
        });
        TrailEvent {
            id,
            name: self.name.to_string(),
            source: self.source,
            time: self.time,
            delivered_at: self.time + delay,
            username: self.username,
            access_key_id: self.access_key_id,
            read_only: false,
            // CloudTrail does not name ECS services as resources of their events (our reading
            // of its lookup attributes: no ECS resource type is listed), so none are indexed.
            resources: Vec::new(),
            record,
        }
    }
}
