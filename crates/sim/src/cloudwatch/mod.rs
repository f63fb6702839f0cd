//! CloudWatch metrics and alarms. The same handlers answer rpc-v2-cbor (aws-sdk-cloudwatch),
//! awsJson1_0 and awsQuery: `protocol` normalises all three to PascalCase JSON (awsQuery scalars
//! arrive as strings, so every number and time here is read leniently).
//!
//! Values come from `metrics` (generated, not stored); alarm states are evaluated from those
//! values whenever alarms are described.
//!
//! `metric_data` answers GetMetricData, `statistics` GetMetricStatistics, `list_metrics`
//! ListMetrics and `alarms` the alarm calls; this module holds the parameter reading they share.

mod alarms;
mod list_metrics;
mod metric_data;
mod statistics;

use serde_json::Value;

use crate::error::{AwsError, Reply};
use crate::metrics::MetricId;
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Region, World};

pub use alarms::{alarm_state, comparison_words};

use alarms::{describe_alarms, describe_alarms_for_metric};
use list_metrics::list_metrics;
use metric_data::get_metric_data;
use statistics::get_metric_statistics;

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

/// A page offset in a plain `NextToken`.
fn page_offset(call: &Call, kind: &str) -> Result<usize, AwsError> {
    let Some(token) = call.str("NextToken") else {
        return Ok(0);
    };
    page_token::offset(token, kind).ok_or_else(invalid_token)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
