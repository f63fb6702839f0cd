//! CloudWatch Logs Insights: StartQuery, GetQueryResults, StopQuery, DescribeQueries and the
//! saved query definitions. A query reads the events already ingested when it starts; it is
//! Scheduled for a moment, then Running — with partial results and growing statistics — for a
//! time that grows with the bytes it scans, then Complete (or Cancelled when stopped).

mod eval;
mod query;

use std::sync::Arc;

use super::lines::{Key, Lines};
use super::{groups, invalid, offset_token};
use crate::error::{AwsError, Reply};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{InsightsRecord, QueryDefinition, QueryRun, World};

/// Concurrent queries an account may run (CloudWatch Logs' quota).
pub const MAX_CONCURRENT: usize = 30;
/// A query stays Scheduled this long.
const SCHEDULED_SECS: f64 = 0.5;
/// Every query takes at least this long to scan.
const BASE_SECS: f64 = 5.0;
/// Bytes scanned per simulated second (a week of a busy service takes half a minute).
const BYTES_PER_SEC: f64 = 100_000.0;
/// Finished queries are kept for GetQueryResults this long (AWS: 7 days).
const KEPT_SECS: f64 = 7.0 * 86_400.0;

/// Run one Logs Insights operation; None when `op` is not one.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Option<Reply> {
    Some(match call.operation.as_str() {
        "StartQuery" => start_query(world, ctx, call),
        "GetQueryResults" => get_results(world, ctx, call),
        "StopQuery" => stop_query(world, ctx, call),
        "DescribeQueries" => describe_queries(world, ctx, call),
        "DescribeQueryDefinitions" => describe_definitions(world, ctx, call),
        "PutQueryDefinition" => put_definition(world, ctx, call),
        _ => return None,
    })
}

fn not_found(message: &str) -> AwsError {
    AwsError::client("ResourceNotFoundException", message)
}

/// The state of `q` at `now`: (status, the share of its events scanned).
fn progress(q: &QueryRun, now: f64) -> (&'static str, f64) {
    let at = q.cancelled_at.unwrap_or(now);
    let p = ((at - q.created - SCHEDULED_SECS) / q.run_secs).clamp(0.0, 1.0);
    match (q.cancelled_at, now - q.created) {
        (Some(_), _) => ("Cancelled", p),
        (None, age) if age < SCHEDULED_SECS => ("Scheduled", 0.0),
        (None, _) if p < 1.0 => ("Running", p),
        _ => ("Complete", 1.0),
    }
}

fn start_query(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let query = call.str("queryString").unwrap_or_default().to_string();
    // AWS adds the place as queryCompileError; the simulator names it in the message.
    query::parse(&query).map_err(|e| {
        AwsError::client(
            "MalformedQueryException",
            format!(
                "{} (at characters {}–{} of the query)",
                e.message, e.start, e.end
            ),
        )
    })?;
    let mut names = call.strings("logGroupNames");
    names.extend(call.str("logGroupName").map(str::to_string));
    names.extend(call.strings("logGroupIdentifiers").into_iter().map(|id| {
        id.split_once(":log-group:")
            .map_or(id.clone(), |(_, rest)| {
                rest.trim_end_matches(":*").to_string()
            })
    }));
    if names.is_empty() {
        return Err(invalid(
            "Specify logGroupName, logGroupNames or logGroupIdentifiers",
        ));
    }
    let (start, end) = (
        call.int("startTime").unwrap_or(0),
        call.int("endTime").unwrap_or(0),
    );
    if start > end {
        return Err(invalid(
            "endTime must be greater than or equal to startTime",
        ));
    }
    let limit = match call.int("limit") {
        None => 1000,
        Some(n) if (1..=10_000).contains(&n) => n as usize,
        Some(_) => return Err(invalid("limit must be between 1 and 10000")),
    };
    let now = ctx.now;
    let running = world
        .region(&ctx.principal.account_id, &ctx.region)
        .map_or(0, |r| {
            r.insights
                .iter()
                .filter(|q| matches!(progress(q, now).0, "Scheduled" | "Running"))
                .count()
        });
    if running >= MAX_CONCURRENT {
        return Err(AwsError::client(
            "LimitExceededException",
            format!("Account maximum query concurrency limit of [{MAX_CONCURRENT}] reached."),
        ));
    }
    let found = groups(world, ctx);
    let mut records: Vec<InsightsRecord> = Vec::new();
    for name in &names {
        let group = found.iter().find(|g| &g.name == name).ok_or_else(|| {
            not_found(&format!(
                "Log group '{name}' does not exist for account ID '{}'",
                ctx.principal.account_id
            ))
        })?;
        let log = format!("{}:{}", ctx.principal.account_id, group.name);
        for stream in &group.streams {
            let lines = Lines::new(stream, now);
            for key in lines.forward(Key::after_ms(start * 1000 - 1), end * 1000 + 1) {
                records.push(InsightsRecord {
                    ts_ms: key.ts,
                    message: lines.event(key).message,
                    stream: stream.name.clone(),
                    log: log.clone(),
                });
            }
        }
    }
    records.sort_by_key(|r| r.ts_ms);
    let bytes: usize = records.iter().map(|r| r.message.len()).sum();
    let id = crate::ids::uuid_layout(&format!(
        "{:032x}",
        u128::from(world.next_seq()) * 0x9e37_79b9 + now as u128
    ));
    let run = QueryRun {
        id: id.clone(),
        query,
        groups: names,
        start,
        end,
        limit,
        created: now,
        run_secs: BASE_SECS + bytes as f64 / BYTES_PER_SEC,
        cancelled_at: None,
        records: Arc::new(records),
    };
    let region = world
        .region_mut(&ctx.principal.account_id, &ctx.region)
        .ok_or_else(|| invalid("unknown region"))?;
    region.insights.retain(|q| q.created >= now - KEPT_SECS);
    region.insights.push(run);
    Ok(Shape::map([("queryId", Shape::from(id))]))
}

fn find<'w>(world: &'w World, ctx: &Ctx, id: &str) -> Result<&'w QueryRun, AwsError> {
    world
        .region(&ctx.principal.account_id, &ctx.region)
        .and_then(|r| r.insights.iter().find(|q| q.id == id))
        .ok_or_else(|| not_found("The query could not be found."))
}

fn get_results(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let q = find(world, ctx, call.str("queryId").unwrap_or_default())?;
    let (status, p) = progress(q, ctx.now);
    let scanned = ((q.records.len() as f64) * p).round() as usize;
    let part = &q.records[..scanned.min(q.records.len())];
    let commands = query::parse(&q.query).map_err(|e| invalid(e.message))?;
    let out = eval::run(&commands, part, q.limit);
    let bytes: usize = part.iter().map(|r| r.message.len()).sum();
    let rows = out.rows.into_iter().map(|row| {
        Shape::list(row.into_iter().map(|(field, value)| {
            Shape::map([("field", Shape::from(field)), ("value", Shape::from(value))])
        }))
    });
    Ok(Shape::map([
        ("results", Shape::list(rows)),
        (
            "statistics",
            Shape::map([
                ("recordsMatched", Shape::from(out.matched as f64)),
                ("recordsScanned", Shape::from(scanned as f64)),
                ("bytesScanned", Shape::from(bytes as f64)),
            ]),
        ),
        ("status", Shape::from(status)),
    ]))
}

fn stop_query(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let id = call.str("queryId").unwrap_or_default().to_string();
    let status = progress(find(world, ctx, &id)?, ctx.now).0;
    if !matches!(status, "Scheduled" | "Running") {
        return Err(invalid(format!(
            "Query {id} is not running; its status is {status}."
        )));
    }
    if let Some(q) = world
        .region_mut(&ctx.principal.account_id, &ctx.region)
        .and_then(|r| r.insights.iter_mut().find(|q| q.id == id))
    {
        q.cancelled_at = Some(ctx.now);
    }
    Ok(Shape::map([("success", Shape::Bool(true))]))
}

fn describe_queries(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let wanted = call.str("status");
    let group = call.str("logGroupName");
    let list: Vec<Shape> = world
        .region(&ctx.principal.account_id, &ctx.region)
        .map(|r| r.insights.iter().rev().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|q| wanted.is_none_or(|s| s == progress(q, ctx.now).0))
        .filter(|q| group.is_none_or(|g| q.groups.iter().any(|x| x == g)))
        .map(|q| {
            Shape::map([
                ("queryId", Shape::from(&q.id)),
                ("queryString", Shape::from(&q.query)),
                ("status", Shape::from(progress(q, ctx.now).0)),
                ("createTime", Shape::Int((q.created * 1000.0) as i64)),
                ("logGroupName", Shape::from(q.groups.first().cloned())),
            ])
        })
        .collect();
    Ok(Shape::map([("queries", Shape::List(list))]))
}

fn describe_definitions(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let prefix = call.str("queryDefinitionNamePrefix").unwrap_or_default();
    let size = match call.int("maxResults") {
        None => 1000,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(_) => return Err(invalid("maxResults must be between 1 and 1000")),
    };
    let from = offset_token(call, "qd:")?;
    let defs: Vec<&QueryDefinition> = world
        .region(&ctx.principal.account_id, &ctx.region)
        .map(|r| {
            r.query_definitions
                .iter()
                .filter(|d| d.name.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default();
    let to = (from + size).min(defs.len());
    let page = defs.get(from..to).unwrap_or_default();
    let next = (to < defs.len()).then(|| page_token::encode(&format!("qd:{to}")));
    Ok(Shape::map([
        (
            "queryDefinitions",
            Shape::list(page.iter().map(|d| {
                Shape::map([
                    ("queryDefinitionId", Shape::from(&d.id)),
                    ("name", Shape::from(&d.name)),
                    ("queryString", Shape::from(&d.query)),
                    ("lastModified", Shape::Int((d.modified * 1000.0) as i64)),
                    ("logGroupNames", Shape::list(d.groups.clone())),
                ])
            })),
        ),
        ("nextToken", Shape::from(next)),
    ]))
}

fn put_definition(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let name = call.str("name").unwrap_or_default().to_string();
    let text = call.str("queryString").unwrap_or_default().to_string();
    if name.is_empty() || text.is_empty() {
        return Err(invalid("name and queryString are required"));
    }
    query::parse(&text).map_err(|e| AwsError::client("MalformedQueryException", e.message))?;
    let seq = world.next_seq();
    let region = world
        .region_mut(&ctx.principal.account_id, &ctx.region)
        .ok_or_else(|| invalid("unknown region"))?;
    let id = call
        .str("queryDefinitionId")
        .map(str::to_string)
        .unwrap_or_else(|| {
            crate::ids::uuid_layout(&crate::ids::stable_hex(&format!("qd/{name}/{seq}"), 32))
        });
    let def = QueryDefinition {
        id: id.clone(),
        name,
        query: text,
        groups: call.strings("logGroupNames"),
        modified: ctx.now,
    };
    match region.query_definitions.iter_mut().find(|d| d.id == id) {
        Some(existing) => *existing = def,
        None => region.query_definitions.push(def),
    }
    Ok(Shape::map([("queryDefinitionId", Shape::from(id))]))
}

#[cfg(test)]
mod tests;
