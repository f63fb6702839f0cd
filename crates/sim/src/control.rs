//! The control API under `/_sim/`: call counters, fault injection, the clock, reset and SSO
//! approval. Tests and the demo driver use it; the app never does.

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::{json, Value};

use crate::error::AwsError;
use crate::protocol::{Call, Protocol, Service};
use crate::server::plain;
use crate::world::{Fault, World};
use crate::SharedWorld;

fn reply_json(status: u16, v: Value) -> Response<Full<Bytes>> {
    plain(status, "application/json", v.to_string())
}

fn bad_request(message: impl Into<String>) -> Response<Full<Bytes>> {
    reply_json(400, json!({"error": message.into()}))
}

/// Handle `/_sim/<rest>`.
pub async fn handle(
    world: &SharedWorld,
    method: &str,
    rest: &str,
    body: &[u8],
) -> Response<Full<Bytes>> {
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad_request(format!("the body is not JSON: {e}")),
        }
    };
    let Ok(mut w) = world.lock() else {
        return reply_json(500, json!({"error": "simulator state poisoned"}));
    };
    match (method, rest) {
        ("GET", "calls") => reply_json(200, json!(w.control.calls)),
        ("POST", "calls/reset") => {
            w.control.calls.clear();
            reply_json(200, json!({"ok": true}))
        }
        ("POST", "faults") => match parse_fault(&input) {
            Ok(fault) => {
                w.control.faults.push(fault);
                reply_json(200, json!({"ok": true, "pending": w.control.faults.len()}))
            }
            Err(msg) => bad_request(msg),
        },
        ("DELETE", "faults") => {
            w.control.faults.clear();
            reply_json(200, json!({"ok": true}))
        }
        ("POST", "latency") => match input.get("ms").and_then(Value::as_u64) {
            Some(ms) if ms <= 60_000 => {
                w.control.base_latency_ms = ms;
                reply_json(200, json!({"ok": true}))
            }
            _ => bad_request("latency needs {\"ms\": 0..60000}"),
        },
        ("POST", "clock/advance") => match input.get("seconds").and_then(Value::as_f64) {
            Some(s) if s.is_finite() && s > 0.0 && s <= 30.0 * 86400.0 => {
                w.clock.advance(s);
                crate::engine::advance(&mut w);
                reply_json(200, json!({"ok": true, "now": w.clock.now()}))
            }
            _ => bad_request("clock/advance needs {\"seconds\": N} with 0 < N <= 2592000"),
        },
        ("GET", "clock") => {
            reply_json(200, json!({"now": w.clock.now(), "speed": w.clock.speed()}))
        }
        ("POST", "reset") => {
            let scenario = w.scenario.clone();
            let mut clock = w.clock.clone();
            clock.reset();
            match World::from_scenario(scenario, clock) {
                Ok(fresh) => {
                    *w = fresh;
                    reply_json(200, json!({"ok": true}))
                }
                Err(e) => reply_json(500, json!({"error": e.to_string()})),
            }
        }
        ("POST", "sso/approve") => {
            let approved = crate::oidc::approve_all(&mut w);
            reply_json(200, json!({"ok": true, "approved": approved}))
        }
        ("POST", "sso/expire-tokens") => {
            let now = w.clock.now();
            let expired = w.oidc.expire_access_tokens(now);
            reply_json(200, json!({"ok": true, "expired": expired}))
        }
        ("POST", "sso/revoke-refresh") => {
            let revoked = w.oidc.revoke_refresh_tokens();
            reply_json(200, json!({"ok": true, "revoked": revoked}))
        }
        _ => reply_json(
            404,
            json!({"error": format!("no control route {method} /_sim/{rest}")}),
        ),
    }
}

fn parse_fault(v: &Value) -> Result<Fault, String> {
    let operation = v
        .get("operation")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or("a fault needs \"operation\" (e.g. \"DescribeServices\")")?;
    let kind = v.get("kind").and_then(Value::as_str).ok_or(
        "a fault needs \"kind\": throttle | error500 | error503 | latency | drop | lost_answer | unknown_operation",
    )?;
    if ![
        "throttle",
        "error500",
        "error503",
        "latency",
        "drop",
        "lost_answer",
        "unknown_operation",
    ]
    .contains(&kind)
    {
        return Err(format!(
            "unknown fault kind '{kind}': use throttle, error500, error503, latency, drop, lost_answer or unknown_operation"
        ));
    }
    let count = v.get("count").and_then(Value::as_u64).unwrap_or(1);
    let ms = v
        .get("ms")
        .and_then(Value::as_u64)
        .unwrap_or(1000)
        .min(120_000);
    Ok(Fault {
        operation: operation.to_string(),
        kind: kind.to_string(),
        remaining: count,
        ms,
    })
}

/// Count a call and take the first pending fault aimed at its operation, if any.
pub fn take_fault(world: &mut World, call: &Call) -> Option<Fault> {
    let key = call.counter_key();
    *world.control.calls.entry(key.clone()).or_insert(0) += 1;
    let idx = world.control.faults.iter().position(|f| {
        f.remaining > 0
            && (f.operation == call.operation || f.operation == key || f.operation == "*")
    })?;
    let fault = &mut world.control.faults[idx];
    fault.remaining -= 1;
    let taken = fault.clone();
    if fault.remaining == 0 {
        world.control.faults.remove(idx);
    }
    Some(taken)
}

/// The error an injected `throttle`, `error500` or `error503` fault answers with, in the
/// service's own codes.
pub fn fault_error(call: &Call, kind: &str) -> AwsError {
    let query = call.protocol == Protocol::AwsQuery;
    match kind {
        // A region (or endpoint) that does not have the operation yet.
        "unknown_operation" => AwsError::unknown_operation(call.service.prefix(), &call.operation),
        "throttle" if query => AwsError::client("Throttling", "Rate exceeded"),
        "throttle" if call.service == Service::Sso || call.service == Service::SsoOidc => {
            AwsError::with_status(429, "TooManyRequestsException", "Too many requests")
        }
        "throttle" => AwsError::throttling(),
        // An overloaded front end: HTTP 503 (what a region under strain answers).
        "error503" if query => {
            AwsError::with_status(503, "ServiceUnavailable", "Service Unavailable")
        }
        "error503" if call.service == Service::Logs => {
            AwsError::with_status(503, "ServiceUnavailableException", "Service Unavailable")
        }
        "error503" => AwsError::with_status(503, "ServiceUnavailable", "Service Unavailable"),
        _ if call.service == Service::Ecs => AwsError::with_status(
            500,
            "ServerException",
            "Service encountered an internal error",
        ),
        _ if call.service == Service::Logs => {
            AwsError::with_status(500, "ServiceUnavailableException", "Service unavailable")
        }
        _ => AwsError::with_status(
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error",
        ),
    }
}
