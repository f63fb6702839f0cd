//! GetMetricStatistics: standard and extended statistics of one metric, period by period.

use super::{check_period, invalid_combination, invalid_value, metric_id, region, times};
use crate::error::Reply;
use crate::metrics::{self, Series, Stat};
use crate::protocol::{Call, Protocol};
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::World;

/// Most datapoints one GetMetricStatistics call may return.
const MAX_STATISTICS_DATAPOINTS: usize = 1440;

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

pub(super) fn get_metric_statistics(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
