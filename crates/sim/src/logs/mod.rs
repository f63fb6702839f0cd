//! CloudWatch Logs (awsJson1_1): log groups, streams, GetLogEvents and FilterLogEvents.
//!
//! Log lines are not stored. Each stream's lines are generated on demand between the time its
//! container started and the time it stopped (or now): a request line roughly every 15 seconds,
//! with WARN and ERROR lines at rates its behaviour sets, merged with the explicit lines the
//! engine recorded (start-up banners, crash messages). Every line has a key (timestamp, source,
//! number), so reading can start anywhere without building the lines before it.
//!
//! `lines` generates a stream's lines, `ingestion` says when each becomes searchable (seconds
//! after its timestamp, in per-stream batches, as the awslogs driver sends them), `pattern` parses filter patterns, `groups` answers the
//! Describe calls, and `events` GetLogEvents and FilterLogEvents.

mod events;
mod groups;
mod ingestion;
mod insights;
mod lines;
mod pattern;

use crate::error::{AwsError, Reply};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::world::{LogGroup, World};

use events::{filter_log_events, get_log_events};
use groups::{describe_log_groups, describe_log_streams};

/// Default and largest `limit` of GetLogEvents and FilterLogEvents.
const MAX_EVENTS: i64 = 10_000;
/// Largest `limit` of DescribeLogGroups / DescribeLogStreams.
const MAX_DESCRIBE: i64 = 50;

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterException", message)
}

fn no_group() -> AwsError {
    AwsError::client(
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
}

/// Run one CloudWatch Logs operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
        "DescribeLogGroups" => describe_log_groups(world, ctx, call),
        "DescribeLogStreams" => describe_log_streams(world, ctx, call),
        "GetLogEvents" => get_log_events(world, ctx, call),
        "FilterLogEvents" => filter_log_events(world, ctx, call),
        op => insights::handle(world, ctx, call)
            .unwrap_or_else(|| Err(AwsError::unknown_operation("logs", op))),
    }
}

/// The group a call names by `logGroupName` or `logGroupIdentifier` (name or ARN).
fn group_name(call: &Call) -> Result<String, AwsError> {
    if let Some(name) = call.str("logGroupName") {
        return Ok(name.to_string());
    }
    let Some(id) = call.str("logGroupIdentifier") else {
        return Err(invalid("logGroupName or logGroupIdentifier is required"));
    };
    match id.split_once(":log-group:") {
        Some((_, rest)) => Ok(rest.trim_end_matches(":*").to_string()),
        None => Ok(id.to_string()),
    }
}

/// The log groups CloudWatch Logs serves in the call's region: the region's own, and those
/// tasks of other regions write here through `awslogs-region`.
fn groups<'a>(world: &'a World, ctx: &Ctx) -> Vec<&'a LogGroup> {
    let Some(account) = world.account(&ctx.principal.account_id) else {
        return Vec::new();
    };
    account
        .regions
        .iter()
        .flat_map(|r| {
            r.log_groups
                .iter()
                .filter(move |g| g.shown_in.as_deref().unwrap_or(&r.name) == ctx.region)
        })
        .collect()
}

fn find_group<'a>(world: &'a World, ctx: &Ctx, call: &Call) -> Result<&'a LogGroup, AwsError> {
    let name = group_name(call)?;
    groups(world, ctx)
        .into_iter()
        .find(|g| g.name == name)
        .ok_or_else(no_group)
}

fn limit(call: &Call, max: i64, default: i64) -> Result<usize, AwsError> {
    match call.int("limit") {
        None => Ok(default as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => Err(invalid(format!(
            "1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {max}"
        ))),
    }
}

fn offset_token(call: &Call, kind: &str) -> Result<usize, AwsError> {
    let Some(token) = call.str("nextToken") else {
        return Ok(0);
    };
    page_token::offset(token, kind).ok_or_else(|| invalid("The specified nextToken is invalid."))
}

fn group_arn(ctx: &Ctx, name: &str) -> String {
    format!(
        "arn:{}:logs:{}:{}:log-group:{name}",
        ctx.principal.partition, ctx.region, ctx.principal.account_id
    )
}

#[cfg(test)]
mod demo_tests;
