//! CloudWatch metrics and alarms. The same handlers answer rpc-v2-cbor (aws-sdk-cloudwatch),
//! awsJson1_0 and awsQuery: `protocol` normalises all three to PascalCase JSON (awsQuery scalars
//! arrive as strings, so every number and time here is read leniently).
//!
//! Values come from `metrics` (generated, not stored); alarm states are evaluated from those
//! values whenever alarms are described.

use base64::Engine;
use serde_json::Value;

use crate::error::{AwsError, Reply};
use crate::metrics::{self, MetricId, Series, Stat};
use crate::protocol::{value_int, Call, Protocol};
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Alarm, Region, World};

/// Most queries one GetMetricData call may carry.
const MAX_QUERIES: usize = 500;
/// Default (and largest) MaxDatapoints of GetMetricData.
const MAX_DATAPOINTS: i64 = 100_800;
/// Most datapoints one GetMetricStatistics call may return.
const MAX_STATISTICS_DATAPOINTS: usize = 1440;

fn invalid_value(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterValue", message)
}

fn invalid_combination(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterCombination", message)
}

fn missing(name: &str) -> AwsError {
    AwsError::client(
        "MissingParameter",
        format!("The parameter {name} is required."),
    )
}

fn invalid_token() -> AwsError {
    AwsError::client("InvalidNextToken", "The service cannot use the NextToken.")
}

/// Run one CloudWatch operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
        "GetMetricData" => get_metric_data(world, ctx, call),
        "GetMetricStatistics" => get_metric_statistics(world, ctx, call),
        "ListMetrics" => list_metrics(world, ctx, call),
        "DescribeAlarms" => describe_alarms(world, ctx, call),
        "DescribeAlarmsForMetric" => describe_alarms_for_metric(world, ctx, call),
        op => Err(AwsError::unknown_operation("cloudwatch", op)),
    }
}

fn region<'a>(world: &'a World, ctx: &Ctx) -> Option<&'a Region> {
    world.region(&ctx.principal.account_id, &ctx.region)
}

fn v_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn v_list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// `Dimensions: [{Name, Value}]`.
fn dimensions(v: &Value) -> Vec<(String, String)> {
    v_list(v, "Dimensions")
        .iter()
        .filter_map(|d| {
            Some((
                v_str(d, "Name")?.to_string(),
                v_str(d, "Value")?.to_string(),
            ))
        })
        .collect()
}

fn metric_id(v: &Value, field: &str) -> Result<MetricId, AwsError> {
    let namespace = v_str(v, "Namespace").ok_or_else(|| missing(&format!("{field}.Namespace")))?;
    let name = v_str(v, "MetricName").ok_or_else(|| missing(&format!("{field}.MetricName")))?;
    Ok(MetricId {
        namespace: namespace.to_string(),
        name: name.to_string(),
        dimensions: dimensions(v),
    })
}

fn dimensions_shape(dims: &[(String, String)]) -> Shape {
    Shape::List(
        dims.iter()
            .map(|(n, v)| Shape::map([("Name", Shape::from(n)), ("Value", Shape::from(v))]))
            .collect(),
    )
}

/// Check a period: 1, 5, 10, 30 or a multiple of 60 (high-resolution periods are answered at
/// one-minute resolution, as for any standard-resolution metric).
fn check_period(period: Option<i64>, field: &str) -> Result<f64, AwsError> {
    let p = period.ok_or_else(|| missing(field))?;
    match p {
        1 | 5 | 10 | 30 => Ok(60.0),
        p if p >= 60 && p % 60 == 0 => Ok(p as f64),
        p => Err(invalid_value(format!(
            "The parameter {field} must be a multiple of 60 or equal to 1, 5, 10, or 30 (got {p})."
        ))),
    }
}

fn times(call: &Call) -> Result<(f64, f64), AwsError> {
    let start = call.time("StartTime").ok_or_else(|| missing("StartTime"))?;
    let end = call.time("EndTime").ok_or_else(|| missing("EndTime"))?;
    if start >= end {
        return Err(invalid_value(
            "The parameter StartTime must be less than the parameter EndTime.",
        ));
    }
    Ok((start, end))
}

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
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            "gmd1:{}:{}:{}:{:x}",
            self.query, self.offset, self.now, self.fingerprint
        ))
    }

    fn decode(token: &str) -> Option<Cursor> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
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

fn get_metric_data(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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

/// An ExtendedStatistics map: a JSON/CBOR map, or awsQuery's `<entry><key/><value/></entry>`.
fn value_map(protocol: Protocol, pairs: Vec<(String, f64)>) -> Shape {
    if protocol == Protocol::AwsQuery {
        Shape::Map(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    (
                        "entry".to_string(),
                        Shape::map([("key", Shape::from(k)), ("value", Shape::Float(v))]),
                    )
                })
                .collect(),
        )
    } else {
        Shape::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Shape::Float(v)))
                .collect(),
        )
    }
}

fn get_metric_statistics(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let metric = metric_id(&call.input, "")?;
    let (start, end) = times(call)?;
    let period = check_period(call.int("Period"), "Period")?;
    let names = call.strings("Statistics");
    let extended = call.strings("ExtendedStatistics");
    if names.is_empty() && extended.is_empty() {
        return Err(invalid_combination(
            "At least one of the parameters Statistics and ExtendedStatistics must be specified.",
        ));
    }
    let mut stats = Vec::new();
    for n in &names {
        match Stat::parse(n) {
            Some(Stat::Percentile(_)) | None => {
                return Err(invalid_value(format!(
                    "The parameter Statistics contains an invalid value {n}: use SampleCount, Average, Sum, Minimum or Maximum."
                )))
            }
            Some(s) => stats.push(s),
        }
    }
    for n in &extended {
        match Stat::parse(n) {
            Some(s @ Stat::Percentile(_)) => stats.push(s),
            _ => {
                return Err(invalid_value(format!(
                    "The parameter ExtendedStatistics contains an invalid value {n}: use pNN.NN."
                )))
            }
        }
    }
    let first = (start / period).floor() * period;
    let requested = ((end - first) / period).ceil().max(0.0) as usize;
    if requested > MAX_STATISTICS_DATAPOINTS {
        return Err(invalid_combination(format!(
            "You have requested up to {requested} datapoints, which exceeds the limit of {MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range."
        )));
    }
    let series: Option<Series> = region(world, ctx).and_then(|r| metrics::resolve(r, &metric));
    let unit_filter = call.str("Unit");
    let mut datapoints = Vec::new();
    if let Some(series) = series.filter(|s| unit_filter.is_none_or(|u| u == s.unit())) {
        for (t, values) in series.datapoints(start, end, period, ctx.now, &stats) {
            let mut dp = vec![("Timestamp".to_string(), Shape::Time(t))];
            let mut ext = Vec::new();
            for (stat, v) in stats.iter().zip(values) {
                let key = match stat {
                    Stat::Average => "Average",
                    Stat::Maximum => "Maximum",
                    Stat::Minimum => "Minimum",
                    Stat::Sum => "Sum",
                    Stat::SampleCount => "SampleCount",
                    Stat::Percentile(_) => {
                        ext.push((extended.get(ext.len()).cloned().unwrap_or_default(), v));
                        continue;
                    }
                };
                dp.push((key.to_string(), Shape::Float(v)));
            }
            dp.push(("Unit".to_string(), Shape::from(series.unit())));
            if !ext.is_empty() {
                dp.push((
                    "ExtendedStatistics".to_string(),
                    value_map(call.protocol, ext),
                ));
            }
            datapoints.push(Shape::Map(dp));
        }
    }
    Ok(Shape::map([
        ("Label", Shape::from(&metric.name)),
        ("Datapoints", Shape::List(datapoints)),
    ]))
}

/// A page offset in a plain `NextToken`.
fn page_offset(call: &Call, kind: &str) -> Result<usize, AwsError> {
    let Some(token) = call.str("NextToken") else {
        return Ok(0);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix(kind).and_then(|n| n.parse().ok()))
        .ok_or_else(invalid_token)
}

fn page_token(kind: &str, offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}{offset}"))
}

fn list_metrics(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    const PAGE: usize = 500;
    let filters: Vec<(String, Option<String>)> = v_list(&call.input, "Dimensions")
        .iter()
        .filter_map(|d| {
            Some((
                v_str(d, "Name")?.to_string(),
                v_str(d, "Value").map(str::to_string),
            ))
        })
        .collect();
    let all: Vec<MetricId> = region(world, ctx)
        .map(metrics::list)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| call.str("Namespace").is_none_or(|n| n == m.namespace))
        .filter(|m| call.str("MetricName").is_none_or(|n| n == m.name))
        .filter(|m| {
            filters.iter().all(|(name, value)| {
                m.dimensions
                    .iter()
                    .any(|(n, v)| n == name && value.as_deref().is_none_or(|x| x == v))
            })
        })
        .collect();
    let start = page_offset(call, "lm:")?;
    let end = (start + PAGE).min(all.len());
    let page = all.get(start..end).unwrap_or_default();
    Ok(Shape::map([
        (
            "Metrics",
            Shape::List(
                page.iter()
                    .map(|m| {
                        Shape::map([
                            ("Namespace", Shape::from(&m.namespace)),
                            ("MetricName", Shape::from(&m.name)),
                            ("Dimensions", dimensions_shape(&m.dimensions)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "NextToken",
            Shape::from((end < all.len()).then(|| page_token("lm:", end))),
        ),
    ]))
}

fn compare(op: &str, value: f64, threshold: f64) -> bool {
    match op {
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => value > threshold,
    }
}

fn comparison_words(op: &str) -> &'static str {
    match op {
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "LessThanThreshold" => "less than",
        "LessThanOrEqualToThreshold" => "less than or equal to",
        _ => "greater than",
    }
}

/// The state an alarm's metric puts it in now: (state, reason), or `None` when the metric is
/// not one the simulator generates (the scenario's state then stands).
fn evaluate(region: &Region, alarm: &Alarm, now: f64) -> Option<(String, String)> {
    let metric = MetricId {
        namespace: alarm.namespace.clone(),
        name: alarm.metric_name.clone(),
        dimensions: alarm.dimensions.clone(),
    };
    let series = metrics::resolve(region, &metric)?;
    let stat = Stat::parse(&alarm.statistic).unwrap_or(Stat::Average);
    let period = if alarm.period >= 60 {
        alarm.period as f64
    } else {
        60.0
    };
    let n = alarm.evaluation_periods.max(1) as f64;
    let end = (now / period).floor() * period;
    let points = series.datapoints(end - n * period, end, period, now, &[stat]);
    let words = comparison_words(&alarm.comparison);
    if points.is_empty() {
        return Some((
            "INSUFFICIENT_DATA".into(),
            format!("Insufficient Data: {n} datapoints were unknown."),
        ));
    }
    let listed: Vec<String> = points
        .iter()
        .rev()
        .filter_map(|(t, v)| {
            let when = chrono::DateTime::from_timestamp(*t as i64, 0)?;
            Some(format!(
                "{} ({})",
                (v[0] * 1000.0).round() / 1000.0,
                when.format("%d/%m/%y %H:%M:%S")
            ))
        })
        .collect();
    let breaching = points
        .iter()
        .all(|(_, v)| compare(&alarm.comparison, v[0], alarm.threshold));
    let count = points.len();
    let (state, verb) = if breaching {
        ("ALARM", if count == 1 { "was" } else { "were" })
    } else {
        ("OK", if count == 1 { "was not" } else { "were not" })
    };
    Some((
        state.into(),
        format!(
            "Threshold Crossed: {count} datapoint{} [{}] {verb} {words} the threshold ({:.1}).",
            if count == 1 { "" } else { "s" },
            listed.join(", "),
            alarm.threshold
        ),
    ))
}

/// Re-evaluate the alarms of the caller's region, recording state changes.
fn refresh_alarms(world: &mut World, ctx: &Ctx) {
    let Some(region) = region(world, ctx) else {
        return;
    };
    let changes: Vec<(usize, String, String)> = region
        .alarms
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let (state, reason) = evaluate(region, a, ctx.now)?;
            (state != a.state || reason != a.state_reason).then_some((i, state, reason))
        })
        .collect();
    if changes.is_empty() {
        return;
    }
    let account = ctx.principal.account_id.clone();
    let Some(region) = world.region_mut(&account, &ctx.region) else {
        return;
    };
    for (i, state, reason) in changes {
        if let Some(alarm) = region.alarms.get_mut(i) {
            if alarm.state != state {
                alarm.state_updated_at = ctx.now;
            }
            alarm.state = state;
            alarm.state_reason = reason;
        }
    }
}

fn alarm_shape(a: &Alarm) -> Shape {
    let percentile = matches!(Stat::parse(&a.statistic), Some(Stat::Percentile(_)));
    Shape::map([
        ("AlarmName", Shape::from(&a.name)),
        ("AlarmArn", Shape::from(&a.arn)),
        ("AlarmDescription", Shape::from(&a.description)),
        (
            "AlarmConfigurationUpdatedTimestamp",
            Shape::Time(a.state_updated_at),
        ),
        ("ActionsEnabled", Shape::Bool(true)),
        ("OKActions", Shape::List(Vec::new())),
        ("AlarmActions", Shape::List(Vec::new())),
        ("InsufficientDataActions", Shape::List(Vec::new())),
        ("StateValue", Shape::from(&a.state)),
        ("StateReason", Shape::from(&a.state_reason)),
        ("StateUpdatedTimestamp", Shape::Time(a.state_updated_at)),
        (
            "StateTransitionedTimestamp",
            Shape::Time(a.state_updated_at),
        ),
        ("MetricName", Shape::from(&a.metric_name)),
        ("Namespace", Shape::from(&a.namespace)),
        (
            "Statistic",
            if percentile {
                Shape::Null
            } else {
                Shape::from(&a.statistic)
            },
        ),
        (
            "ExtendedStatistic",
            if percentile {
                Shape::from(&a.statistic)
            } else {
                Shape::Null
            },
        ),
        ("Dimensions", dimensions_shape(&a.dimensions)),
        ("Period", Shape::Int(a.period)),
        ("EvaluationPeriods", Shape::Int(a.evaluation_periods)),
        ("DatapointsToAlarm", Shape::Int(a.evaluation_periods)),
        ("Threshold", Shape::Float(a.threshold)),
        ("ComparisonOperator", Shape::from(&a.comparison)),
        ("TreatMissingData", Shape::from("missing")),
    ])
}

fn describe_alarms(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let names = call.strings("AlarmNames");
    let prefix = call.str("AlarmNamePrefix");
    if !names.is_empty() && prefix.is_some() {
        return Err(invalid_combination(
            "AlarmNames and AlarmNamePrefix cannot be specified together.",
        ));
    }
    if names.len() > 100 {
        return Err(invalid_value(
            "The collection AlarmNames must not have a size greater than 100.",
        ));
    }
    let state = call.str("StateValue");
    if let Some(s) = state {
        if !["OK", "ALARM", "INSUFFICIENT_DATA"].contains(&s) {
            return Err(invalid_value(format!(
                "The value {s} for parameter StateValue is not valid: use OK, ALARM or INSUFFICIENT_DATA."
            )));
        }
    }
    let max = match call.int("MaxRecords") {
        None => 50,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) => {
            return Err(invalid_value(format!(
                "The parameter MaxRecords must be between 1 and 100 (got {n})."
            )))
        }
    };
    let types = call.strings("AlarmTypes");
    let wants_metric = types.is_empty() || types.iter().any(|t| t == "MetricAlarm");
    let start = page_offset(call, "da:")?;
    refresh_alarms(world, ctx);
    let mut alarms: Vec<&Alarm> = region(world, ctx)
        .map(|r| r.alarms.iter().collect())
        .unwrap_or_default();
    alarms.retain(|a| {
        wants_metric
            && (names.is_empty() || names.contains(&a.name))
            && prefix.is_none_or(|p| a.name.starts_with(p))
            && state.is_none_or(|s| a.state == s)
    });
    alarms.sort_by(|a, b| a.name.cmp(&b.name));
    let end = (start + max).min(alarms.len());
    let page = alarms.get(start..end).unwrap_or_default();
    Ok(Shape::map([
        (
            "MetricAlarms",
            Shape::List(page.iter().map(|a| alarm_shape(a)).collect()),
        ),
        ("CompositeAlarms", Shape::List(Vec::new())),
        (
            "NextToken",
            Shape::from((end < alarms.len()).then(|| page_token("da:", end))),
        ),
    ]))
}

fn describe_alarms_for_metric(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let metric = metric_id(&call.input, "")?;
    refresh_alarms(world, ctx);
    let mut dims = metric.dimensions.clone();
    dims.sort();
    let alarms: Vec<Shape> = region(world, ctx)
        .map(|r| {
            r.alarms
                .iter()
                .filter(|a| a.namespace == metric.namespace && a.metric_name == metric.name)
                .filter(|a| {
                    let mut d = a.dimensions.clone();
                    d.sort();
                    dims.is_empty() || d == dims
                })
                .filter(|a| call.str("Statistic").is_none_or(|s| s == a.statistic))
                .filter(|a| {
                    call.str("ExtendedStatistic")
                        .is_none_or(|s| s == a.statistic)
                })
                .filter(|a| call.int("Period").is_none_or(|p| p == a.period))
                .map(alarm_shape)
                .collect()
        })
        .unwrap_or_default();
    Ok(Shape::map([("MetricAlarms", Shape::List(alarms))]))
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
    fn periods_are_checked() {
        assert_eq!(check_period(Some(300), "Period"), Ok(300.0));
        assert_eq!(check_period(Some(5), "Period"), Ok(60.0));
        assert!(check_period(Some(90), "Period").is_err());
        assert!(check_period(Some(0), "Period").is_err());
        assert_eq!(
            check_period(None, "Period").map_err(|e| e.code),
            Err("MissingParameter".to_string())
        );
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

    #[test]
    fn comparisons() {
        assert!(compare("GreaterThanThreshold", 81.0, 80.0));
        assert!(!compare("GreaterThanThreshold", 80.0, 80.0));
        assert!(compare("GreaterThanOrEqualToThreshold", 80.0, 80.0));
        assert!(compare("LessThanThreshold", 1.0, 2.0));
    }
}
