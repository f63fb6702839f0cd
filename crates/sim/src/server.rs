//! The HTTP front: one loopback port for every service. Recognises the protocol of each request,
//! counts it, applies injected faults, checks credentials and hands it to the service's module.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::error::AwsError;
use crate::protocol::{self, Call, Encoded, Protocol, Service};
use crate::world::World;
use crate::SharedWorld;

/// Largest request body accepted (AWS request limits are far below this).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Who is calling and where, for handlers of signed services.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The authenticated principal.
    pub principal: crate::world::Principal,
    /// Region the call was signed for.
    pub region: String,
    /// Simulated now.
    pub now: f64,
}

/// A reason to close the connection without answering (the `drop` fault).
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

/// Accept connections until `stop` fires, then close every open connection gracefully.
pub async fn serve(
    listener: TcpListener,
    world: SharedWorld,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let (closing_tx, closing_rx) = tokio::sync::watch::channel(false);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let world = world.clone();
                let mut closing = closing_rx.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| handle(world.clone(), req));
                    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = closing.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
        }
    }
    let _ = closing_tx.send(true);
}

fn respond(enc: Encoded, request_id: &str) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(enc.status)
        .header("x-amzn-requestid", request_id)
        .header("x-amz-request-id", request_id);
    for (k, v) in enc.headers {
        builder = builder.header(k, v);
    }
    builder
        .body(Full::new(Bytes::from(enc.body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// A plain (non-AWS) reply, for the control API and the browser pages.
pub fn plain(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(body.into()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn header<'a>(req: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn new_request_id() -> String {
    let n: u128 = rand::random();
    crate::ids::uuid_layout(&format!("{n:032x}"))
}

/// Recognise service, protocol and operation, and decode the input.
fn decode(
    method: &str,
    path: &str,
    query: &str,
    headers: &Headers,
    body: &[u8],
) -> Result<Call, (Service, Protocol, AwsError)> {
    let scope = headers
        .authorization
        .as_deref()
        .and_then(crate::auth::parse_authorization);
    let mut call = Call {
        service: Service::Ecs,
        protocol: Protocol::AwsJson11,
        operation: String::new(),
        input: Value::Object(Default::default()),
        scope: scope.clone(),
        session_token: headers.security_token.clone(),
        bearer: headers.bearer.clone(),
        string_to_sign: None,
        user_agent: headers.user_agent.clone(),
    };
    if headers.smithy_protocol.as_deref() == Some("rpc-v2-cbor") {
        // POST /service/GraniteServiceVersion20100801/operation/GetMetricData
        let mut parts = path.trim_start_matches('/').split('/');
        let (Some("service"), Some(svc), Some("operation"), Some(op)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err((
                Service::CloudWatch,
                Protocol::RpcV2Cbor,
                AwsError::client(
                    "UnknownOperationException",
                    format!("no RPC v2 route {path}"),
                ),
            ));
        };
        call.service = match protocol::service_for_target(svc) {
            Some((s, _)) => s,
            None => {
                return Err((
                    Service::CloudWatch,
                    Protocol::RpcV2Cbor,
                    AwsError::client(
                        "UnknownOperationException",
                        format!("unknown service {svc}"),
                    ),
                ))
            }
        };
        call.protocol = Protocol::RpcV2Cbor;
        call.operation = op.to_string();
        if !body.is_empty() {
            let v: ciborium::Value = ciborium::from_reader(body).map_err(|e| {
                (
                    Service::CloudWatch,
                    Protocol::RpcV2Cbor,
                    AwsError::client("SerializationException", format!("invalid CBOR body: {e}")),
                )
            })?;
            call.input = protocol::cbor_to_json(v);
        }
        return Ok(call);
    }
    if let Some(target) = headers.target.as_deref() {
        // The operation follows the last dot (CloudTrail's prefix has dots of its own).
        let (prefix, op) = target.rsplit_once('.').unwrap_or((target, ""));
        let Some((service, proto)) = protocol::service_for_target(prefix) else {
            return Err((
                Service::Ecs,
                Protocol::AwsJson11,
                AwsError::client(
                    "UnknownOperationException",
                    format!("unknown X-Amz-Target {target}"),
                ),
            ));
        };
        // A client may speak JSON 1.0 or 1.1 to a target; answer in the version it sent.
        let proto = match headers.content_type.as_deref() {
            Some(ct) if ct.contains("amz-json-1.0") => Protocol::AwsJson10,
            Some(ct) if ct.contains("amz-json-1.1") => Protocol::AwsJson11,
            _ => proto,
        };
        call.service = service;
        call.protocol = proto;
        call.operation = op.to_string();
        if !body.iter().all(u8::is_ascii_whitespace) {
            call.input = serde_json::from_slice(body).map_err(|e| {
                (
                    service,
                    proto,
                    AwsError::client("SerializationException", format!("invalid JSON body: {e}")),
                )
            })?;
        }
        if !call.input.is_object() {
            return Err((
                service,
                proto,
                AwsError::client("SerializationException", "the JSON body must be an object"),
            ));
        }
        return Ok(call);
    }
    if let Some((service, op)) = protocol::rest_operation(method, path) {
        call.service = service;
        call.protocol = Protocol::RestJson;
        call.operation = op.to_string();
        let mut input = serde_json::Map::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            input.insert(k.into_owned(), Value::String(v.into_owned()));
        }
        if !body.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(map)) => input.extend(map),
                _ => {
                    return Err((
                        service,
                        Protocol::RestJson,
                        AwsError::client(
                            "InvalidRequestException",
                            "the body must be a JSON object",
                        ),
                    ))
                }
            }
        }
        call.input = Value::Object(input);
        return Ok(call);
    }
    let is_form = headers
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if method == "POST" && is_form {
        let mut action = None;
        let mut version = None;
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "Action" => action = Some(v.into_owned()),
                "Version" => version = Some(v.into_owned()),
                _ => {}
            }
        }
        let Some(service) = protocol::service_for_query(scope.as_ref(), version.as_deref()) else {
            return Err((
                Service::Sts,
                Protocol::AwsQuery,
                AwsError::client(
                    "InvalidAction",
                    "cannot tell which service this query is for",
                ),
            ));
        };
        let Some(action) = action else {
            return Err((
                service,
                Protocol::AwsQuery,
                AwsError::client("MissingAction", "the request has no Action parameter"),
            ));
        };
        call.service = service;
        call.protocol = Protocol::AwsQuery;
        call.operation = action;
        call.input = protocol::decode_query_form(body);
        return Ok(call);
    }
    Err((
        Service::Ecs,
        Protocol::AwsJson11,
        AwsError::with_status(
            404,
            "UnknownOperationException",
            format!("no AWS operation at {method} {path}"),
        ),
    ))
}

/// The request headers the router looks at.
#[derive(Debug, Default)]
struct Headers {
    authorization: Option<String>,
    security_token: Option<String>,
    bearer: Option<String>,
    target: Option<String>,
    content_type: Option<String>,
    smithy_protocol: Option<String>,
    user_agent: Option<String>,
}

async fn handle(
    world: SharedWorld,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    // Every header as it arrived, for rebuilding what a SigV4 signature signed.
    let all_headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let headers = Headers {
        authorization: header(&req, "authorization").map(str::to_string),
        security_token: header(&req, "x-amz-security-token").map(str::to_string),
        bearer: header(&req, "x-amz-sso_bearer_token").map(str::to_string),
        target: header(&req, "x-amz-target").map(str::to_string),
        content_type: header(&req, "content-type").map(str::to_string),
        smithy_protocol: header(&req, "smithy-protocol").map(str::to_string),
        user_agent: header(&req, "user-agent").map(str::to_string),
    };
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Ok(plain(
                413,
                "application/json",
                r#"{"__type":"RequestEntityTooLargeException","message":"request body too large or interrupted"}"#,
            ))
        }
    };
    if let Some(rest) = path.strip_prefix("/_sim/") {
        return Ok(crate::control::handle(&world, &method, rest, &body).await);
    }
    if method == "GET" && path == "/federation" {
        return Ok(crate::federation::handle(&world, &query));
    }
    if method == "GET" && path == "/authorize" {
        return Ok(crate::oidc::authorize_page(&world, &query));
    }
    let request_id = new_request_id();
    let mut call = match decode(&method, &path, &query, &headers, &body) {
        Ok(call) => call,
        Err((service, proto, err)) => {
            return Ok(respond(
                protocol::encode_error(service, proto, &err, &request_id),
                &request_id,
            ))
        }
    };
    if let Some(scope) = &call.scope {
        let request = crate::auth::SignedRequest {
            method: &method,
            path: &path,
            query: &query,
            headers: &all_headers,
            body: &body,
        };
        call.string_to_sign = Some(crate::auth::string_to_sign(
            scope,
            &request,
            call.protocol == Protocol::AwsQuery,
        ));
    }
    // Count the call and take any fault aimed at it, without holding the lock while sleeping.
    let (fault, base_latency) = match world.lock() {
        Ok(mut w) => (
            crate::control::take_fault(&mut w, &call),
            w.control.base_latency_ms,
        ),
        Err(_) => return Err(Dropped),
    };
    if base_latency > 0 {
        tokio::time::sleep(Duration::from_millis(base_latency)).await;
    }
    let mut lose_answer = false;
    if let Some(fault) = fault {
        match fault.kind.as_str() {
            "latency" => tokio::time::sleep(Duration::from_millis(fault.ms)).await,
            "drop" => return Err(Dropped),
            // Carried out, but the answer is lost on the way back (the client cannot tell).
            "lost_answer" => lose_answer = true,
            kind => {
                let err = crate::control::fault_error(&call, kind);
                return Ok(respond(
                    protocol::encode_error(call.service, call.protocol, &err, &request_id),
                    &request_id,
                ));
            }
        }
    }
    let reply = match world.lock() {
        Ok(mut w) => dispatch(&mut w, &call),
        Err(_) => Err(AwsError::internal("simulator state poisoned")),
    };
    if lose_answer {
        return Err(Dropped);
    }
    let enc = match reply {
        Ok(shape) => protocol::encode_ok(&call, &shape, &request_id),
        Err(err) => protocol::encode_error(call.service, call.protocol, &err, &request_id),
    };
    Ok(respond(enc, &request_id))
}

/// Advance the world to now, authenticate, and run the operation.
pub fn dispatch(world: &mut World, call: &Call) -> crate::error::Reply {
    crate::engine::advance(world);
    match call.service {
        Service::Sso => return crate::sso::handle(world, call),
        Service::SsoOidc => return crate::oidc::handle(world, call),
        _ => {}
    }
    let principal = crate::auth::authorize(
        world,
        call.scope.as_ref(),
        call.string_to_sign.as_ref(),
        call.session_token.as_deref(),
        call.protocol == Protocol::AwsQuery,
    )?;
    let ctx = Ctx {
        principal,
        region: call
            .scope
            .as_ref()
            .map(|s| s.region.clone())
            .unwrap_or_default(),
        now: world.clock.now(),
    };
    let reply = match call.service {
        Service::Ecs => crate::ecs::handle(world, &ctx, call),
        Service::CloudWatch => crate::cloudwatch::handle(world, &ctx, call),
        Service::Logs => crate::logs::handle(world, &ctx, call),
        Service::Elbv2 => crate::elbv2::handle(world, &ctx, call),
        Service::Sts => crate::sts::handle(world, &ctx, call),
        Service::AutoScaling => crate::autoscaling::handle(world, &ctx, call),
        Service::CloudTrail => crate::cloudtrail::handle(world, &ctx, call),
        Service::Sso | Service::SsoOidc => Err(AwsError::internal("unreachable route")),
    };
    crate::cloudtrail::record_call(world, &ctx, call, &reply);
    reply
}
