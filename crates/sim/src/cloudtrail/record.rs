//! Recording: every write a signed caller makes (refused ones too, with their error code)
//! becomes a CloudTrail management event of the caller's account and region.

use serde_json::Value;

use crate::error::Reply;
use crate::protocol::{Call, Service};
use crate::server::Ctx;
use crate::world::{event_source, user_identity, CallRecord, World, TRAIL_RETENTION_SECS};

/// Whether CloudTrail would log `operation` as a write (the rest only read).
fn is_write(operation: &str) -> bool {
    !["Describe", "List", "Get", "Lookup", "Filter", "Test"]
        .iter()
        .any(|p| operation.starts_with(p))
}

/// The name LookupEvents' Username attribute matches for a principal.
pub fn username(p: &crate::world::Principal) -> String {
    if p.is_user || p.federated {
        p.name.clone()
    } else {
        p.sso_user.clone().unwrap_or_else(|| p.name.clone())
    }
}

/// Record `call`, answered with `reply`, in the caller's account and region.
pub fn record_call(world: &mut World, ctx: &Ctx, call: &Call, reply: &Reply) {
    if matches!(call.service, Service::Sts | Service::Sso | Service::SsoOidc)
        || !is_write(&call.operation)
    {
        return;
    }
    let access_key = call
        .scope
        .as_ref()
        .map(|s| s.access_key.clone())
        .unwrap_or_default();
    // Ids from what the call was and how many events came before it: the engine's id sequence
    // is left to the engine.
    let earlier = world
        .region(&ctx.principal.account_id, &ctx.region)
        .map_or(0, |r| r.trail.len());
    let seed = crate::metrics::hash_str(&format!(
        "{access_key}/{}/{}/{earlier}",
        ctx.now, call.operation
    ));
    let mut record = CallRecord {
        name: &call.operation,
        source: event_source(call.service.prefix()),
        time: ctx.now,
        identity: user_identity(&ctx.principal, &access_key, ctx.now),
        username: username(&ctx.principal),
        access_key_id: access_key,
        user_agent: call.user_agent.as_deref().unwrap_or_default(),
        source_ip: "127.0.0.1",
        region: &ctx.region,
        account_id: &ctx.principal.account_id,
        request: call.input.clone(),
        response: match reply {
            Ok(shape) => shape.to_json(),
            Err(_) => Value::Null,
        },
        seed,
    }
    .event();
    if let Err(e) = reply {
        if let Some(obj) = record.record.as_object_mut() {
            obj.insert("errorCode".into(), Value::from(e.code.clone()));
            obj.insert("errorMessage".into(), Value::from(e.message.clone()));
        }
    }
    let now = ctx.now;
    if let Some(region) = world.region_mut(&ctx.principal.account_id, &ctx.region) {
        region
            .trail
            .retain(|e| e.time >= now - TRAIL_RETENTION_SECS);
        region.trail.push(record);
    }
}
