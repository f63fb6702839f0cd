//! Wire protocols: recognise which AWS service and protocol a request speaks, decode its input
//! into one JSON shape, and encode replies and errors the way that protocol's clients expect.

use serde_json::{Map, Value};

use crate::auth::SigScope;
use crate::error::AwsError;
use crate::shape::Shape;

/// The AWS services served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Amazon ECS.
    Ecs,
    /// CloudWatch (metrics and alarms).
    CloudWatch,
    /// CloudWatch Logs.
    Logs,
    /// Elastic Load Balancing v2.
    Elbv2,
    /// STS.
    Sts,
    /// IAM Identity Center portal (SSO).
    Sso,
    /// IAM Identity Center OIDC.
    SsoOidc,
    /// Application Auto Scaling.
    AutoScaling,
    /// CloudTrail.
    CloudTrail,
}

impl Service {
    /// Prefix used in call counters (`ecs:DescribeServices`).
    pub fn prefix(self) -> &'static str {
        match self {
            Service::Ecs => "ecs",
            Service::CloudWatch => "cloudwatch",
            Service::Logs => "logs",
            Service::Elbv2 => "elbv2",
            Service::Sts => "sts",
            Service::Sso => "sso",
            Service::SsoOidc => "oidc",
            Service::AutoScaling => "application-autoscaling",
            Service::CloudTrail => "cloudtrail",
        }
    }

    /// XML namespace of awsQuery replies.
    fn xml_namespace(self) -> &'static str {
        match self {
            Service::Elbv2 => "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
            Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
            _ => "http://monitoring.amazonaws.com/doc/2010-08-01/",
        }
    }
}

/// The wire protocols spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `X-Amz-Target` + JSON 1.1 (ECS, Logs).
    AwsJson11,
    /// `X-Amz-Target` + JSON 1.0 (CloudWatch, other clients).
    AwsJson10,
    /// Smithy RPC v2 CBOR (aws-sdk-cloudwatch).
    RpcV2Cbor,
    /// Form body, XML reply (ELBv2, STS, CloudWatch for older clients).
    AwsQuery,
    /// REST + JSON (SSO, SSO OIDC).
    RestJson,
}

/// One decoded AWS call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Which service.
    pub service: Service,
    /// Which protocol it came in.
    pub protocol: Protocol,
    /// Operation name, e.g. `DescribeServices`.
    pub operation: String,
    /// Input members by their wire names (PascalCase for CloudWatch/ELBv2/STS, camelCase for
    /// ECS/Logs, REST query/body names for SSO). awsQuery lists become arrays; all awsQuery
    /// scalars arrive as strings.
    pub input: Value,
    /// SigV4 scope, when signed.
    pub scope: Option<SigScope>,
    /// `X-Amz-Security-Token`.
    pub session_token: Option<String>,
    /// `x-amz-sso_bearer_token` (SSO portal calls).
    pub bearer: Option<String>,
    /// What the SigV4 signature must sign, rebuilt from the request, or why it cannot be.
    pub string_to_sign: Option<Result<String, crate::error::AwsError>>,
    /// `User-Agent` (CloudTrail records it: it tells the console, the CLI and SDKs apart).
    pub user_agent: Option<String>,
}

impl Call {
    /// Counter key, e.g. `ecs:DescribeServices`.
    pub fn counter_key(&self) -> String {
        format!("{}:{}", self.service.prefix(), self.operation)
    }

    /// A string member.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.input.get(key).and_then(Value::as_str)
    }

    /// An integer member (numbers, or numeric strings as awsQuery sends them).
    pub fn int(&self, key: &str) -> Option<i64> {
        value_int(self.input.get(key)?)
    }

    /// A boolean member (JSON bool, or "true"/"false").
    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.input.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// A list of strings member.
    pub fn strings(&self, key: &str) -> Vec<String> {
        match self.input.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A timestamp member in epoch seconds: numbers, numeric strings or ISO 8601 strings.
    pub fn time(&self, key: &str) -> Option<f64> {
        value_time(self.input.get(key)?)
    }
}

/// An integer from a JSON number or numeric string.
pub fn value_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A timestamp from epoch seconds (number or string) or an ISO 8601 string.
pub fn value_time(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok().or_else(|| {
            chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.timestamp_millis() as f64 / 1000.0)
        }),
        _ => None,
    }
}

/// Service named by an `X-Amz-Target` prefix.
pub fn service_for_target(prefix: &str) -> Option<(Service, Protocol)> {
    match prefix {
        "AmazonEC2ContainerServiceV20141113" => Some((Service::Ecs, Protocol::AwsJson11)),
        "Logs_20140328" => Some((Service::Logs, Protocol::AwsJson11)),
        "AnyScaleFrontendService" => Some((Service::AutoScaling, Protocol::AwsJson11)),
        // The Rust SDK sends the short name, botocore the full one.
        "CloudTrail_20131101" | "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101" => {
            Some((Service::CloudTrail, Protocol::AwsJson11))
        }
        "GraniteServiceVersion20100801" => Some((Service::CloudWatch, Protocol::AwsJson10)),
        _ => None,
    }
}

/// Service for an awsQuery request, from the signing name or else the API version.
pub fn service_for_query(scope: Option<&SigScope>, version: Option<&str>) -> Option<Service> {
    match scope.map(|s| s.service.as_str()) {
        Some("elasticloadbalancing") => return Some(Service::Elbv2),
        Some("sts") => return Some(Service::Sts),
        Some("monitoring") => return Some(Service::CloudWatch),
        _ => {}
    }
    match version {
        Some("2015-12-01") => Some(Service::Elbv2),
        Some("2011-06-15") => Some(Service::Sts),
        Some("2010-08-01") => Some(Service::CloudWatch),
        _ => None,
    }
}

/// REST routes of SSO and SSO OIDC: (method, path) -> operation.
pub fn rest_operation(method: &str, path: &str) -> Option<(Service, &'static str)> {
    match (method, path) {
        ("GET", "/assignment/accounts") => Some((Service::Sso, "ListAccounts")),
        ("GET", "/assignment/roles") => Some((Service::Sso, "ListAccountRoles")),
        ("GET", "/federation/credentials") => Some((Service::Sso, "GetRoleCredentials")),
        ("POST", "/logout") => Some((Service::Sso, "Logout")),
        ("POST", "/client/register") => Some((Service::SsoOidc, "RegisterClient")),
        ("POST", "/device_authorization") => Some((Service::SsoOidc, "StartDeviceAuthorization")),
        ("POST", "/token") => Some((Service::SsoOidc, "CreateToken")),
        _ => None,
    }
}

/// Turn an awsQuery form (`Names.member.1=a&Action=X`) into nested JSON (`{"Names":["a"]}`).
pub fn decode_query_form(body: &[u8]) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in form_urlencoded::parse(body) {
        if key == "Action" || key == "Version" {
            continue;
        }
        let segments: Vec<&str> = key.split('.').collect();
        insert_path(&mut root, &segments, Value::String(value.into_owned()));
    }
    root
}

/// Insert `value` at a dotted awsQuery path, where `member.N` (1-based) indexes a list.
fn insert_path(node: &mut Value, segments: &[&str], value: Value) {
    let Some((first, rest)) = segments.split_first() else {
        *node = value;
        return;
    };
    if *first == "member" {
        if let Some((index, rest)) = rest.split_first() {
            let Ok(index) = index.parse::<usize>() else {
                return;
            };
            if index == 0 || index > 10_000 {
                return;
            }
            if !node.is_array() {
                *node = Value::Array(Vec::new());
            }
            if let Value::Array(items) = node {
                if items.len() < index {
                    items.resize(index, Value::Null);
                }
                insert_path(&mut items[index - 1], rest, value);
            }
            return;
        }
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Value::Object(map) = node {
        let child = map.entry(first.to_string()).or_insert(Value::Null);
        insert_path(child, rest, value);
    }
}

/// CBOR input to JSON: tag-1 timestamps become epoch seconds, byte strings base64.
pub fn cbor_to_json(v: ciborium::Value) -> Value {
    use base64::Engine;
    use ciborium::Value as C;
    match v {
        C::Null => Value::Null,
        C::Bool(b) => Value::Bool(b),
        C::Integer(i) => {
            let i: i128 = i.into();
            i64::try_from(i).map(Value::from).unwrap_or(Value::Null)
        }
        C::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        C::Text(s) => Value::String(s),
        C::Bytes(b) => Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
        C::Tag(_, inner) => cbor_to_json(*inner),
        C::Array(items) => Value::Array(items.into_iter().map(cbor_to_json).collect()),
        C::Map(pairs) => Value::Object(
            pairs
                .into_iter()
                .filter_map(|(k, v)| match k {
                    C::Text(k) => Some((k, cbor_to_json(v))),
                    _ => None,
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// An encoded HTTP reply.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Encode a successful reply.
pub fn encode_ok(call: &Call, shape: &Shape, request_id: &str) -> Encoded {
    match call.protocol {
        Protocol::AwsJson11 | Protocol::AwsJson10 | Protocol::RestJson => {
            let content_type = match call.protocol {
                Protocol::AwsJson11 => "application/x-amz-json-1.1",
                Protocol::AwsJson10 => "application/x-amz-json-1.0",
                _ => "application/json",
            };
            Encoded {
                status: 200,
                headers: vec![("content-type", content_type.into())],
                body: shape.to_json().to_string().into_bytes(),
            }
        }
        Protocol::RpcV2Cbor => {
            let mut body = Vec::new();
            // Writing into a Vec cannot fail for a well-formed value; an empty body is the fallback.
            let _ = ciborium::into_writer(&shape.to_cbor(), &mut body);
            Encoded {
                status: 200,
                headers: vec![
                    ("content-type", "application/cbor".into()),
                    ("smithy-protocol", "rpc-v2-cbor".into()),
                ],
                body,
            }
        }
        Protocol::AwsQuery => {
            let op = &call.operation;
            let mut xml = format!(
                "<{op}Response xmlns=\"{}\"><{op}Result>",
                call.service.xml_namespace()
            );
            shape.write_xml(&mut xml);
            xml.push_str(&format!(
                "</{op}Result><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{op}Response>"
            ));
            Encoded {
                status: 200,
                headers: vec![("content-type", "text/xml".into())],
                body: xml.into_bytes(),
            }
        }
    }
}

/// Encode an error the way the call's protocol reports errors.
pub fn encode_error(
    service: Service,
    protocol: Protocol,
    err: &AwsError,
    request_id: &str,
) -> Encoded {
    match protocol {
        Protocol::AwsJson11 | Protocol::AwsJson10 => Encoded {
            status: err.status,
            headers: vec![
                (
                    "content-type",
                    if protocol == Protocol::AwsJson11 {
                        "application/x-amz-json-1.1".into()
                    } else {
                        "application/x-amz-json-1.0".into()
                    },
                ),
                ("x-amzn-errortype", err.code.clone()),
            ],
            body: serde_json::json!({"__type": err.code, "message": err.message})
                .to_string()
                .into_bytes(),
        },
        Protocol::RestJson => {
            let mut body = serde_json::json!({"message": err.message});
            if service == Service::SsoOidc {
                // OIDC clients read the OAuth-style `error` member as well as the header.
                body["error"] = Value::String(oauth_error_name(&err.code));
                body["error_description"] = Value::String(err.message.clone());
            }
            Encoded {
                status: err.status,
                headers: vec![
                    ("content-type", "application/json".into()),
                    ("x-amzn-errortype", err.code.clone()),
                ],
                body: body.to_string().into_bytes(),
            }
        }
        Protocol::RpcV2Cbor => {
            let value = Shape::map([
                ("__type", Shape::from(err.code.as_str())),
                ("message", Shape::from(err.message.as_str())),
            ]);
            let mut body = Vec::new();
            let _ = ciborium::into_writer(&value.to_cbor(), &mut body);
            Encoded {
                status: err.status,
                headers: vec![
                    ("content-type", "application/cbor".into()),
                    ("smithy-protocol", "rpc-v2-cbor".into()),
                ],
                body,
            }
        }
        Protocol::AwsQuery => {
            let mut xml = format!(
                "<ErrorResponse xmlns=\"{}\"><Error><Type>{}</Type><Code>",
                service.xml_namespace(),
                if err.sender_fault {
                    "Sender"
                } else {
                    "Receiver"
                }
            );
            crate::shape::xml_escape_into(&err.code, &mut xml);
            xml.push_str("</Code><Message>");
            crate::shape::xml_escape_into(&err.message, &mut xml);
            xml.push_str(&format!(
                "</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ));
            Encoded {
                status: err.status,
                headers: vec![("content-type", "text/xml".into())],
                body: xml.into_bytes(),
            }
        }
    }
}

/// `AuthorizationPendingException` -> `authorization_pending`.
fn oauth_error_name(code: &str) -> String {
    let base = code.strip_suffix("Exception").unwrap_or(code);
    let mut out = String::new();
    for (i, c) in base.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_form_builds_nested_lists() {
        let v = decode_query_form(
            b"Action=DescribeTargetHealth&Version=2015-12-01&Names.member.1=a&Names.member.2=b&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=80",
        );
        assert_eq!(
            v,
            serde_json::json!({"Names":["a","b"],"Targets":[{"Id":"10.0.0.1","Port":"80"}]})
        );
    }

    #[test]
    fn oauth_error_names() {
        assert_eq!(
            oauth_error_name("AuthorizationPendingException"),
            "authorization_pending"
        );
        assert_eq!(oauth_error_name("SlowDownException"), "slow_down");
    }

    #[test]
    fn cbor_timestamps_decode_to_seconds() {
        let v = ciborium::Value::Map(vec![(
            ciborium::Value::Text("StartTime".into()),
            ciborium::Value::Tag(1, Box::new(ciborium::Value::Integer(100.into()))),
        )]);
        assert_eq!(cbor_to_json(v), serde_json::json!({"StartTime": 100}));
    }
}
