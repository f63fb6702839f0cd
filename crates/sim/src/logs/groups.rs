//! DescribeLogGroups and DescribeLogStreams.

use super::lines::{ms, Lines};
use super::{find_group, group_arn, groups, invalid, limit, offset_token, MAX_DESCRIBE};
use crate::error::Reply;
use crate::metrics::{hash_str, mix};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{LogGroup, LogStream, World};

pub(super) fn describe_log_groups(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let limit = limit(call, MAX_DESCRIBE, MAX_DESCRIBE)?;
    let prefix = call.str("logGroupNamePrefix");
    let pattern = call.str("logGroupNamePattern");
    if prefix.is_some() && pattern.is_some() {
        return Err(invalid(
            "logGroupNamePrefix and logGroupNamePattern are mutually exclusive",
        ));
    }
    let mut list: Vec<&LogGroup> = groups(world, ctx)
        .into_iter()
        .filter(|g| prefix.is_none_or(|p| g.name.starts_with(p)))
        .filter(|g| pattern.is_none_or(|p| g.name.to_lowercase().contains(&p.to_lowercase())))
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    let start = offset_token(call, "lg:")?;
    let end = (start + limit).min(list.len());
    let page = list.get(start..end).unwrap_or_default();
    let items = page
        .iter()
        .map(|g| {
            let arn = group_arn(ctx, &g.name);
            Shape::map([
                ("logGroupName", Shape::from(&g.name)),
                ("creationTime", Shape::Int(ms(g.created_at))),
                ("retentionInDays", Shape::from(g.retention_days)),
                ("metricFilterCount", Shape::Int(0)),
                ("arn", Shape::from(format!("{arn}:*"))),
                ("logGroupArn", Shape::from(arn)),
                ("storedBytes", Shape::Int(0)),
                ("logGroupClass", Shape::from("STANDARD")),
            ])
        })
        .collect();
    Ok(Shape::map([
        ("logGroups", Shape::List(items)),
        (
            "nextToken",
            Shape::from((end < list.len()).then(|| page_token::encode(&format!("lg:{end}")))),
        ),
    ]))
}

/// A stream as DescribeLogStreams lists it: first event, reported (lagging) last event, and the
/// real last event (for lastIngestionTime).
type StreamRow<'a> = (&'a LogStream, Option<i64>, Option<i64>, Option<i64>);

pub(super) fn describe_log_streams(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let group = find_group(world, ctx, call)?;
    let limit = limit(call, MAX_DESCRIBE, MAX_DESCRIBE)?;
    let by_time = match call.str("orderBy") {
        None | Some("LogStreamName") => false,
        Some("LastEventTime") => true,
        Some(other) => {
            return Err(invalid(format!(
                "1 validation error detected: Value '{other}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"
            )))
        }
    };
    let prefix = call.str("logStreamNamePrefix");
    if by_time && prefix.is_some() {
        return Err(invalid(
            "Cannot order by LastEventTime with a logStreamNamePrefix.",
        ));
    }
    let descending = call.bool("descending").unwrap_or(false);
    // lastEventTimestamp is eventually consistent ("typically updates in less than an hour"):
    // each stream reports its last line of 5 to 30 minutes ago, or none, and LastEventTime
    // order follows what is reported. lastIngestionTime stays current.
    let mut rows: Vec<StreamRow> = group
        .streams
        .iter()
        .filter(|s| prefix.is_none_or(|p| s.name.starts_with(p)))
        .map(|s| {
            let lines = Lines::new(s, ctx.now);
            let lag_ms = 300_000 + (mix(hash_str(&s.name), 0x1a6) % 1_500_001) as i64;
            let reported = lines.last_ts_until(ms(ctx.now) - lag_ms);
            (s, lines.first_ts(), reported, lines.last_ts())
        })
        .collect();
    if by_time {
        rows.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.name.cmp(&b.0.name)));
    } else {
        rows.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    }
    if descending {
        rows.reverse();
    }
    let start = offset_token(call, "ls:")?;
    let end = (start + limit).min(rows.len());
    let page = rows.get(start..end).unwrap_or_default();
    let arn = group_arn(ctx, &group.name);
    let items = page
        .iter()
        .map(|(s, first, reported, last)| {
            Shape::map([
                ("logStreamName", Shape::from(&s.name)),
                ("creationTime", Shape::Int(ms(s.created_at))),
                ("firstEventTimestamp", Shape::from(*first)),
                ("lastEventTimestamp", Shape::from(*reported)),
                ("lastIngestionTime", Shape::from(last.map(|t| t + 500))),
                ("arn", Shape::from(format!("{arn}:log-stream:{}", s.name))),
                ("storedBytes", Shape::Int(0)),
            ])
        })
        .collect();
    Ok(Shape::map([
        ("logStreams", Shape::List(items)),
        (
            "nextToken",
            Shape::from((end < rows.len()).then(|| page_token::encode(&format!("ls:{end}")))),
        ),
    ]))
}
