//! CloudTrail (awsJson1_1, `CloudTrail_20131101`): LookupEvents over the management events the
//! simulator recorded — delivered minutes late, kept 90 days, newest first, 2 calls a second per
//! account and region, one lookup attribute at a time.

mod record;

pub use record::{record_call, username};

use serde_json::Value;

use crate::error::{AwsError, Reply};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{TrailEvent, World, TRAIL_RETENTION_SECS};

/// LookupEvents' rate per account and region.
pub const LOOKUPS_PER_SECOND: usize = 2;

/// The lookup attribute keys of the API model.
const KEYS: [&str; 8] = [
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
];

/// Run one CloudTrail operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
        "LookupEvents" => lookup_events(world, ctx, call),
        op => Err(AwsError::unknown_operation("cloudtrail", op)),
    }
}

/// A timestamp member: epoch seconds as JSON number (or numeric string).
fn time(call: &Call, key: &str) -> Option<f64> {
    match call.input.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Throttle a caller past 2 LookupEvents calls in the last (real) second of its account and
/// region.
fn throttled(world: &mut World, ctx: &Ctx) -> bool {
    let key = (ctx.principal.account_id.clone(), ctx.region.clone());
    let calls = world.lookups.entry(key).or_default();
    let now = std::time::Instant::now();
    calls.retain(|t| now.duration_since(*t) < std::time::Duration::from_secs(1));
    if calls.len() >= LOOKUPS_PER_SECOND {
        return true;
    }
    calls.push(now);
    false
}

fn lookup_events(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    if throttled(world, ctx) {
        return Err(AwsError::client("ThrottlingException", "Rate exceeded"));
    }
    let attrs = match call.input.get("LookupAttributes") {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    if attrs.len() > 1 {
        return Err(AwsError::client(
            "InvalidLookupAttributesException",
            "You can only specify one lookup attribute.",
        ));
    }
    let filter = match attrs.first() {
        None => None,
        Some(a) => {
            let key = a
                .get("AttributeKey")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let value = a
                .get("AttributeValue")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !KEYS.contains(&key) || value.is_empty() {
                return Err(AwsError::client(
                    "InvalidLookupAttributesException",
                    format!("'{key}' is not a valid lookup attribute key, or its value is empty."),
                ));
            }
            Some((key.to_string(), value.to_string()))
        }
    };
    let end = time(call, "EndTime").unwrap_or(ctx.now);
    let start = time(call, "StartTime").unwrap_or(ctx.now - TRAIL_RETENTION_SECS);
    if start > end {
        return Err(AwsError::client(
            "InvalidTimeRangeException",
            "Start time must be before end time.",
        ));
    }
    let size = match call.int("MaxResults") {
        None => 50,
        Some(n) if (1..=50).contains(&n) => n as usize,
        Some(_) => {
            return Err(AwsError::client(
                "InvalidMaxResultsException",
                "MaxResults must be between 1 and 50.",
            ))
        }
    };
    // Insight events are a separate category the simulator does not produce.
    if call.str("EventCategory") == Some("insight") {
        return Ok(Shape::map([("Events", Shape::list(Vec::<Shape>::new()))]));
    }
    let oldest = ctx.now - TRAIL_RETENTION_SECS;
    let region = world.region(&ctx.principal.account_id, &ctx.region);
    let mut found: Vec<&TrailEvent> = region.map(|r| r.trail.iter().collect()).unwrap_or_default();
    found.retain(|e| {
        e.delivered_at <= ctx.now
            && e.time >= oldest.max(start)
            && e.time <= end
            && filter.as_ref().is_none_or(|(k, v)| matches(e, k, v))
    });
    found.sort_by(|a, b| b.time.total_cmp(&a.time).then_with(|| b.id.cmp(&a.id)));
    let from = match call.str("NextToken") {
        Some(t) if !t.is_empty() => page_token::offset(t, "trail:")
            .filter(|n| *n <= found.len())
            .ok_or_else(|| AwsError::client("InvalidNextTokenException", "Invalid NextToken."))?,
        _ => 0,
    };
    let to = (from + size).min(found.len());
    let next = (to < found.len()).then(|| page_token::encode(&format!("trail:{to}")));
    Ok(Shape::map([
        (
            "Events",
            Shape::list(found[from..to].iter().map(|e| event(e))),
        ),
        ("NextToken", Shape::from(next)),
    ]))
}

/// Whether event `e` has `value` for lookup attribute `key`.
fn matches(e: &TrailEvent, key: &str, value: &str) -> bool {
    match key {
        "EventId" => e.id == value,
        "EventName" => e.name == value,
        "ReadOnly" => e.read_only.to_string() == value,
        "Username" => e.username == value,
        "EventSource" => e.source == value,
        "AccessKeyId" => e.access_key_id == value,
        "ResourceType" => e.resources.iter().any(|(t, _)| t == value),
        "ResourceName" => e.resources.iter().any(|(_, n)| n == value),
        _ => false,
    }
}

fn event(e: &TrailEvent) -> Shape {
    Shape::map([
        ("EventId", Shape::from(&e.id)),
        ("EventName", Shape::from(&e.name)),
        ("ReadOnly", Shape::from(e.read_only.to_string())),
        ("AccessKeyId", Shape::from(&e.access_key_id)),
        ("EventTime", Shape::time(Some(e.time))),
        ("EventSource", Shape::from(&e.source)),
        ("Username", Shape::from(&e.username)),
        (
            "Resources",
            Shape::list(e.resources.iter().map(|(t, n)| {
                Shape::map([
                    ("ResourceType", Shape::from(t)),
                    ("ResourceName", Shape::from(n)),
                ])
            })),
        ),
        ("CloudTrailEvent", Shape::from(e.record.to_string())),
    ])
}
