//! Alarms: their state evaluated from the generated metrics whenever they are described, and
//! DescribeAlarms / DescribeAlarmsForMetric.

use super::{dimensions_shape, invalid_combination, invalid_value, metric_id, page_offset, region};
use crate::error::Reply;
use crate::metrics::{self, MetricId, Stat};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Alarm, Region, World};

fn compare(op: &str, value: f64, threshold: f64) -> bool {
    match op {
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => value > threshold,
    }
}

/// How CloudWatch words a comparison operator in alarm state reasons; None for an operator it
/// does not know, so each caller picks its own fallback.
pub fn comparison_words(op: &str) -> Option<&'static str> {
    match op {
        "GreaterThanThreshold" => Some("greater than"),
        "GreaterThanOrEqualToThreshold" => Some("greater than or equal to"),
        "LessThanThreshold" => Some("less than"),
        "LessThanOrEqualToThreshold" => Some("less than or equal to"),
        _ => None,
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
    // An unknown operator compares as GreaterThanThreshold (see `compare`), so it reads so too.
    let words = comparison_words(&alarm.comparison).unwrap_or("greater than");
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

/// The state `alarm` is in at `now`: from its metric, or as the scenario set it.
pub fn alarm_state(region: &Region, alarm: &Alarm, now: f64) -> String {
    evaluate(region, alarm, now).map_or_else(|| alarm.state.clone(), |(state, _)| state)
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

pub(super) fn describe_alarms(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
            Shape::from((end < alarms.len()).then(|| page_token::encode(&format!("da:{end}")))),
        ),
    ]))
}

pub(super) fn describe_alarms_for_metric(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
    fn comparisons() {
        assert!(compare("GreaterThanThreshold", 81.0, 80.0));
        assert!(!compare("GreaterThanThreshold", 80.0, 80.0));
        assert!(compare("GreaterThanOrEqualToThreshold", 80.0, 80.0));
        assert!(compare("LessThanThreshold", 1.0, 2.0));
    }
}
