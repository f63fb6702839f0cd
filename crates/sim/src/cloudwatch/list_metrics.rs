//! ListMetrics: every metric the caller's region publishes, filtered and paged.

use super::{dimensions_shape, page_offset, region, v_list, v_str};
use crate::error::Reply;
use crate::metrics::{self, MetricId};
use crate::page_token;
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::World;

pub(super) fn list_metrics(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
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
            Shape::from((end < all.len()).then(|| page_token::encode(&format!("lm:{end}")))),
        ),
    ]))
}
