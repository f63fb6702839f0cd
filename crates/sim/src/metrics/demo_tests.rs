//! Checks of the generated metrics on the demo world.

use super::*;
use crate::world::World;

fn demo() -> World {
    let scenario = crate::scenario::Scenario::load("demo").expect("demo scenario");
    World::from_scenario(scenario, crate::clock::Clock::new(1.0)).expect("demo world")
}

fn region<'a>(w: &'a World, account: &str, name: &str) -> &'a Region {
    w.region(account, name).expect("region")
}

const COM: &str = "123456789012";
const GOV: &str = "210987654321";

fn metric(ns: &str, name: &str, dims: &[(&str, &str)]) -> MetricId {
    MetricId {
        namespace: ns.into(),
        name: name.into(),
        dimensions: dims
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    }
}

fn ecs(name: &str, cluster: &str, service: Option<&str>) -> MetricId {
    match service {
        Some(s) => metric(
            "AWS/ECS",
            name,
            &[("ClusterName", cluster), ("ServiceName", s)],
        ),
        None => metric("AWS/ECS", name, &[("ClusterName", cluster)]),
    }
}

fn lb_dim(r: &Region, name: &str) -> String {
    let lb = r
        .load_balancers
        .iter()
        .find(|l| l.name == name)
        .expect("load balancer");
    lb_dimension(&lb.arn).to_string()
}

fn tg_dim(r: &Region, name: &str) -> String {
    let tg = r
        .target_groups
        .iter()
        .find(|g| g.name == name)
        .expect("target group");
    tg_dimension(&tg.arn).to_string()
}

#[test]
fn values_are_deterministic_in_range_and_follow_the_day() {
    let w = demo();
    let now = w.clock.now();
    let r = region(&w, COM, "us-east-1");
    let s = resolve(
        r,
        &ecs(
            "CPUUtilization",
            "coe-ecs-staging",
            Some("api-staging-Service"),
        ),
    )
    .expect("resolves");
    let stats = [Stat::Average, Stat::Maximum];
    let a = s.datapoints(now - 86400.0, now, 300.0, now, &stats);
    let b = s.datapoints(now - 86400.0, now, 300.0, now, &stats);
    assert_eq!(a, b);
    assert!(a.len() >= 287, "{}", a.len());
    for (_, v) in &a {
        assert!(v[0] > 0.0 && v[0] < 70.0, "healthy CPU {v:?}");
        assert!(v[1] >= v[0]);
    }
    let day = (now / 86400.0).floor() * 86400.0 - 86400.0;
    let at = |h: f64| {
        s.period(day + h * 3600.0, 3600.0, now, &[Stat::Average])
            .expect("data")[0]
    };
    assert!(at(15.0) > at(3.0) + 10.0, "{} vs {}", at(15.0), at(3.0));
}

#[test]
fn high_cpu_sits_near_its_value_and_oom_memory_reaches_full() {
    let w = demo();
    let now = w.clock.now();
    let r = region(&w, COM, "us-east-1");
    let cpu = resolve(
        r,
        &ecs(
            "CPUUtilization",
            "coe-ecs-staging",
            Some("search-staging-Service"),
        ),
    )
    .and_then(|s| s.period(now - 3600.0, 3600.0, now, &[Stat::Average]))
    .expect("cpu");
    assert!(cpu[0] > 80.0 && cpu[0] <= 100.0, "{cpu:?}");
    let mem = resolve(
        r,
        &ecs(
            "MemoryUtilization",
            "coe-ecs-staging",
            Some("reports-staging-Service"),
        ),
    )
    .and_then(|s| {
        s.period(
            now - 6.0 * 3600.0,
            6.0 * 3600.0,
            now,
            &[Stat::Minimum, Stat::Average],
        )
    })
    .expect("memory");
    let series = resolve(
        r,
        &ecs(
            "MemoryUtilization",
            "coe-ecs-staging",
            Some("reports-staging-Service"),
        ),
    )
    .expect("memory series");
    let peak = series
        .datapoints(now - 6.0 * 3600.0, now, 60.0, now, &[Stat::Average])
        .iter()
        .map(|(_, v)| v[0])
        .fold(0.0, f64::max);
    assert!(peak > 95.0, "OOM memory peak {peak}");
    assert!(mem[0] < 60.0, "sawtooth restarts low: {mem:?}");
}

#[test]
fn cluster_metrics_average_services_and_alb_counts_sum() {
    let w = demo();
    let now = w.clock.now();
    let r = region(&w, GOV, "us-gov-east-1");
    let t = ((now - 600.0) / 60.0).floor() * 60.0;
    let get = |m: MetricId, stat: Stat| {
        resolve(r, &m).and_then(|s| s.period(t, 60.0, now, &[stat]).map(|v| v[0]))
    };
    let cluster = get(ecs("CPUUtilization", "coe-ecs-prod", None), Stat::Average).expect("cluster");
    let etl = get(
        ecs(
            "CPUUtilization",
            "coe-ecs-prod",
            Some("coe-etl-prod-Service"),
        ),
        Stat::Average,
    )
    .expect("etl");
    let api = get(
        ecs(
            "CPUUtilization",
            "coe-ecs-prod",
            Some("coe-api-prod-Service"),
        ),
        Stat::Average,
    )
    .expect("api");
    assert!((cluster - (etl + api) / 2.0).abs() < 0.01);
    let lb = lb_dim(r, "coe-prod-alb");
    let ns = "AWS/ApplicationELB";
    let by_lb = get(
        metric(ns, "RequestCount", &[("LoadBalancer", &lb)]),
        Stat::Sum,
    )
    .expect("lb");
    let by_tgs: f64 = ["coe-etl-prod-tg", "coe-api-prod-tg"]
        .iter()
        .map(|g| {
            get(
                metric(
                    ns,
                    "RequestCount",
                    &[("TargetGroup", &tg_dim(r, g)), ("LoadBalancer", &lb)],
                ),
                Stat::Sum,
            )
            .expect("tg")
        })
        .sum();
    assert_eq!(by_lb, by_tgs);
    assert!(by_lb > 50.0);
    assert!(resolve(
        r,
        &metric(ns, "RequestCount", &[("LoadBalancer", "app/nope/1")])
    )
    .is_none());
    assert!(resolve(
        r,
        &metric("AWS/ECS", "CPUUtilization", &[("ServiceName", "x")])
    )
    .is_none());
    let healthy = get(
        metric(
            ns,
            "HealthyHostCount",
            &[
                ("TargetGroup", &tg_dim(r, "coe-etl-prod-tg")),
                ("LoadBalancer", &lb),
            ],
        ),
        Stat::Minimum,
    );
    assert_eq!(healthy, Some(1.0));
}

#[test]
fn no_data_after_now_or_before_retention() {
    let w = demo();
    let now = w.clock.now();
    let r = region(&w, GOV, "us-gov-east-1");
    let s = resolve(r, &ecs("CPUUtilization", "wft-ecs-prod", None)).expect("resolves");
    let points = s.datapoints(
        now - 30.0 * 86400.0,
        now + 7200.0,
        3600.0,
        now,
        &[Stat::Average],
    );
    assert!(points.iter().all(|(t, _)| *t <= now));
    assert!(points
        .iter()
        .all(|(t, _)| *t >= now - RETENTION_SECONDS - 3600.0));
    assert!(points.len() as f64 >= 14.0 * 24.0, "{}", points.len());
}

#[test]
fn deployments_bump_cpu() {
    let mut w = demo();
    let now = w.clock.now();
    let m = ecs(
        "CPUUtilization",
        "wft-ecs-prod",
        Some("wft-etl-prod-Service"),
    );
    let cpu = |w: &World| {
        resolve(region(w, GOV, "us-gov-east-1"), &m)
            .and_then(|s| s.period(now - 600.0, 600.0, now, &[Stat::Average]))
            .expect("data")[0]
    };
    let base = cpu(&w);
    let svc = w
        .accounts
        .iter_mut()
        .flat_map(|a| a.regions.iter_mut())
        .flat_map(|r| r.clusters.iter_mut())
        .flat_map(|c| c.services.iter_mut())
        .find(|s| s.name == "wft-etl-prod-Service")
        .expect("service");
    let mut dep = svc.deployments[0].clone();
    dep.rollout_state = "IN_PROGRESS".into();
    dep.created_at = now - 900.0;
    svc.deployments.push(dep);
    let bumped = cpu(&w);
    assert!(bumped > base + 5.0, "{base} -> {bumped}");
}

#[test]
fn percentiles_of_response_time_exceed_the_mean() {
    let w = demo();
    let now = w.clock.now();
    let r = region(&w, COM, "us-east-1");
    let lb = r.load_balancers.first().expect("an ALB");
    let m = metric(
        "AWS/ApplicationELB",
        "TargetResponseTime",
        &[("LoadBalancer", lb_dimension(&lb.arn))],
    );
    let v = resolve(r, &m)
        .and_then(|s| {
            s.period(
                now - 3600.0,
                3600.0,
                now,
                &[Stat::Average, Stat::Percentile(90.0)],
            )
        })
        .expect("data");
    assert!(v[1] > v[0] && v[0] > 0.0 && v[0] < 0.5, "{v:?}");
}

#[test]
fn list_names_every_service_metric() {
    let w = demo();
    let r = region(&w, COM, "us-east-1");
    let all = list(r);
    assert!(all.contains(&ecs(
        "MemoryUtilization",
        "coe-ecs-staging",
        Some("worker-staging-Service")
    )));
    assert!(
        all.iter().all(|m| resolve(r, m).is_some()),
        "every listed metric resolves"
    );
}
