//! GetMetricData: validated MetricStat queries, answered from the generated series with
//! CloudWatch's datapoint budget and a NextToken that resumes where the budget ran out.

use serde_json::Value;

use super::{
    check_period, invalid_combination, invalid_token, invalid_value, metric_id, missing, region,
    times, v_str,
};
use crate::error::{AwsError, Reply};
use crate::metrics::{self, MetricId, Stat};
use crate::page_token;
use crate::protocol::{value_int, Call};
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Region, World};

/// Most queries one GetMetricData call may carry.
const MAX_QUERIES: usize = 500;
/// Default (and largest) MaxDatapoints of GetMetricData.
const MAX_DATAPOINTS: i64 = 100_800;

/// One MetricStat query, validated.
struct StatQuery {
    id: String,
    label: Option<String>,
    metric: MetricId,
    period: f64,
    stat: Stat,
    unit: Option<String>,
}

/// One validated GetMetricData query.
enum Query {
    Stat(StatQuery),
    Expression { id: String, label: Option<String> },
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id.len() <= 255
}

fn parse_queries(call: &Call) -> Result<Vec<Query>, AwsError> {
    let items = match call.input.get("MetricDataQueries") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => return Err(missing("MetricDataQueries")),
    };
    if items.len() > MAX_QUERIES {
        return Err(invalid_value(format!(
            "The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}."
        )));
    }
    let mut out = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::new();
    for (i, q) in items.iter().enumerate() {
        let field = format!("MetricDataQueries.member.{}", i + 1);
        let id = v_str(q, "Id").ok_or_else(|| missing(&format!("{field}.Id")))?;
        if !valid_id(id) {
            return Err(invalid_value(format!(
                "The value {id} for parameter {field}.Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores."
            )));
        }
        if !seen.insert(id.to_string()) {
            return Err(invalid_value(format!(
                "The value {id} for parameter MetricDataQueries.Id is not unique."
            )));
        }
        if q.get("ReturnData")
            .is_some_and(|v| v == &Value::Bool(false) || v.as_str() == Some("false"))
        {
            continue;
        }
        let label = v_str(q, "Label").map(str::to_string);
        match (q.get("MetricStat"), v_str(q, "Expression")) {
            (Some(ms), None) => {
                let metric = ms
                    .get("Metric")
                    .ok_or_else(|| missing(&format!("{field}.MetricStat.Metric")))
                    .and_then(|m| metric_id(m, &format!("{field}.MetricStat.Metric")))?;
                let period = check_period(
                    ms.get("Period").and_then(value_int),
                    &format!("{field}.MetricStat.Period"),
                )?;
                let stat_name = v_str(ms, "Stat")
                    .ok_or_else(|| missing(&format!("{field}.MetricStat.Stat")))?;
                let stat = Stat::parse(stat_name).ok_or_else(|| {
                    invalid_value(format!(
                        "The value {stat_name} for parameter {field}.MetricStat.Stat is not a valid statistic."
                    ))
                })?;
                out.push(Query::Stat(StatQuery {
                    id: id.to_string(),
                    label,
                    metric,
                    period,
                    stat,
                    unit: v_str(ms, "Unit").map(str::to_string),
                }));
            }
            (None, Some(_)) => out.push(Query::Expression {
                id: id.to_string(),
                label,
            }),
            _ => {
                return Err(invalid_combination(format!(
                    "Exactly one of {field}.MetricStat and {field}.Expression must be specified."
                )))
            }
        }
    }
    Ok(out)
}

/// Where the next page of a GetMetricData call starts, and the `now` its first page used (so
/// offsets do not shift while the clock runs).
#[derive(Debug, PartialEq)]
struct Cursor {
    query: usize,
    offset: usize,
    now: f64,
    fingerprint: u64,
}

impl Cursor {
    fn encode(&self) -> String {
        page_token::encode(&format!(
            "gmd1:{}:{}:{}:{:x}",
            self.query, self.offset, self.now, self.fingerprint
        ))
    }

    fn decode(token: &str) -> Option<Cursor> {
        let text = page_token::decode(token)?;
        let mut parts = text.strip_prefix("gmd1:")?.split(':');
        let cursor = Cursor {
            query: parts.next()?.parse().ok()?,
            offset: parts.next()?.parse().ok()?,
            now: parts.next()?.parse().ok()?,
            fingerprint: u64::from_str_radix(parts.next()?, 16).ok()?,
        };
        cursor.now.is_finite().then_some(cursor)
    }
}

/// A hash of what a request asks for, so a NextToken is only accepted for the same request.
fn fingerprint(call: &Call) -> u64 {
    let mut v = call.input.clone();
    if let Value::Object(map) = &mut v {
        map.remove("NextToken");
        map.remove("MaxDatapoints");
    }
    metrics::hash_str(&v.to_string())
}

fn series_points(
    region: Option<&Region>,
    q: &StatQuery,
    start: f64,
    end: f64,
    now: f64,
) -> Vec<(f64, f64)> {
    let Some(series) = region.and_then(|r| metrics::resolve(r, &q.metric)) else {
        return Vec::new();
    };
    if q.unit.as_deref().is_some_and(|u| u != series.unit()) {
        return Vec::new();
    }
    series
        .datapoints(start, end, q.period, now, &[q.stat])
        .into_iter()
        .filter_map(|(t, v)| v.first().map(|x| (t, *x)))
        .collect()
}

pub(super) fn get_metric_data(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let queries = parse_queries(call)?;
    let (start, end) = times(call)?;
    let descending = match call.str("ScanBy") {
        None | Some("TimestampDescending") => true,
        Some("TimestampAscending") => false,
        Some(other) => {
            return Err(invalid_value(format!(
                "The value {other} for parameter ScanBy is not valid: use TimestampDescending or TimestampAscending."
            )))
        }
    };
    let max = match call.int("MaxDatapoints") {
        None => MAX_DATAPOINTS,
        Some(n) if n >= 1 => n.min(MAX_DATAPOINTS),
        Some(n) => {
            return Err(invalid_value(format!(
                "The parameter MaxDatapoints must be greater than 0 (got {n})."
            )))
        }
    } as usize;
    let print = fingerprint(call);
    let cursor = match call.str("NextToken") {
        None => Cursor {
            query: 0,
            offset: 0,
            now: ctx.now,
            fingerprint: print,
        },
        Some(token) => Cursor::decode(token)
            .filter(|c| c.fingerprint == print && c.query < queries.len())
            .ok_or_else(invalid_token)?,
    };
    let region = region(world, ctx);
    let mut budget = max;
    let mut results = Vec::new();
    let mut next = None;
    for (qi, query) in queries.iter().enumerate().skip(cursor.query) {
        let skip = if qi == cursor.query { cursor.offset } else { 0 };
        match query {
            Query::Expression { id, label } => {
                if qi == cursor.query && skip > 0 {
                    continue;
                }
                results.push(Shape::map([
                    ("Id", Shape::from(id)),
                    ("Label", Shape::from(label.as_deref().unwrap_or(id))),
                    ("Timestamps", Shape::List(Vec::new())),
                    ("Values", Shape::List(Vec::new())),
                    ("StatusCode", Shape::from("InternalError")),
                    (
                        "Messages",
                        Shape::list([Shape::map([
                            ("Code", Shape::from("Unsupported")),
                            (
                                "Value",
                                Shape::from(
                                    "Metric math expressions are not supported by the simulator.",
                                ),
                            ),
                        ])]),
                    ),
                ]));
            }
            Query::Stat(q) => {
                if budget == 0 {
                    next = Some(Cursor {
                        query: qi,
                        offset: skip,
                        ..cursor
                    });
                    break;
                }
                let mut points = series_points(region, q, start, end, cursor.now);
                if descending {
                    points.reverse();
                }
                let rest = points.get(skip..).unwrap_or_default();
                let take = rest.len().min(budget);
                budget -= take;
                let complete = take == rest.len();
                let page = &rest[..take];
                results.push(Shape::map([
                    ("Id", Shape::from(&q.id)),
                    (
                        "Label",
                        Shape::from(q.label.as_deref().unwrap_or(&q.metric.name)),
                    ),
                    (
                        "Timestamps",
                        Shape::List(page.iter().map(|(t, _)| Shape::Time(*t)).collect()),
                    ),
                    (
                        "Values",
                        Shape::List(page.iter().map(|(_, v)| Shape::Float(*v)).collect()),
                    ),
                    (
                        "StatusCode",
                        Shape::from(if complete { "Complete" } else { "PartialData" }),
                    ),
                ]));
                if !complete {
                    next = Some(Cursor {
                        query: qi,
                        offset: skip + take,
                        ..cursor
                    });
                    break;
                }
            }
        }
    }
    Ok(Shape::map([
        ("MetricDataResults", Shape::List(results)),
        ("NextToken", Shape::from(next.map(|c| c.encode()))),
        ("Messages", Shape::List(Vec::new())),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_ids_follow_cloudwatch_rules() {
        assert!(valid_id("m1"));
        assert!(valid_id("cpu_avg_2"));
        assert!(!valid_id("M1"));
        assert!(!valid_id("1m"));
        assert!(!valid_id("m-1"));
        assert!(!valid_id(""));
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            query: 3,
            offset: 17,
            now: 1_700_000_000.5,
            fingerprint: 0xdead_beef,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("garbage"), None);
    }
}
