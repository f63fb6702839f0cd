//! ListClusters and DescribeClusters.

use super::{ident_name, missing, paginate, with_region};
use crate::engine;
use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Cluster, World};

pub(super) fn list_clusters(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let arns: Vec<String> = with_region(world, ctx, |r| {
        r.clusters.iter().map(|c| c.arn.clone()).collect()
    });
    let (page, next) = paginate(call, "ListClusters", arns, 100, 100)?;
    Ok(Shape::map([
        ("clusterArns", Shape::list(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn cluster_shape(c: &Cluster) -> Shape {
    let (mut running, mut pending) = (0, 0);
    for s in &c.services {
        let (r, p) = engine::service_counts(s);
        running += r;
        pending += p;
    }
    let active = c.services.iter().filter(|s| s.status == "ACTIVE").count();
    Shape::map([
        ("clusterArn", Shape::from(&c.arn)),
        ("clusterName", Shape::from(&c.name)),
        ("status", Shape::from(&c.status)),
        (
            "registeredContainerInstancesCount",
            Shape::from(c.container_instances.len()),
        ),
        ("runningTasksCount", Shape::Int(running)),
        ("pendingTasksCount", Shape::Int(pending)),
        ("activeServicesCount", Shape::from(active)),
        ("statistics", Shape::List(Vec::new())),
        ("tags", Shape::List(Vec::new())),
        (
            "settings",
            Shape::list([Shape::map([
                ("name", Shape::from("containerInsights")),
                ("value", Shape::from("enabled")),
            ])]),
        ),
        (
            "capacityProviders",
            Shape::list(c.capacity_providers.clone()),
        ),
        (
            "defaultCapacityProviderStrategy",
            Shape::List(
                c.capacity_providers
                    .iter()
                    .filter(|p| p.as_str() == "FARGATE")
                    .map(|p| {
                        Shape::map([
                            ("capacityProvider", Shape::from(p)),
                            ("weight", Shape::Int(1)),
                            ("base", Shape::Int(0)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

pub(super) fn describe_clusters(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let mut wanted = call.strings("clusters");
    if wanted.is_empty() {
        wanted.push("default".into());
    }
    if wanted.len() > 100 {
        return Err(AwsError::invalid_parameter(
            "Clusters cannot have more than 100 elements",
        ));
    }
    Ok(with_region(world, ctx, |r| {
        let mut clusters = Vec::new();
        let mut failures = Vec::new();
        for ident in &wanted {
            let found = ident_name(ctx, ident, "cluster")
                .and_then(|name| r.clusters.iter().find(|c| c.name == name));
            match found {
                Some(c) => clusters.push(cluster_shape(c)),
                None => failures.push(missing(ctx, ident, &format!("cluster/{ident}"))),
            }
        }
        Shape::map([
            ("clusters", Shape::List(clusters)),
            ("failures", Shape::List(failures)),
        ])
    }))
}
