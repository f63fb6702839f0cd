//! The fewest AWS calls each job can be done with, from the API limits: ListServices 100 a page,
//! DescribeServices 10 services, ListTasks 100 a page, DescribeTasks 100 tasks, DescribeTargetGroups
//! 20 groups, DescribeTargetHealth one group, GetMetricData 500 queries (one call per time range),
//! DescribeAlarms 100 a page, ListAccounts 100 a page, ListAccountRoles one account a call.

use serde::{Deserialize, Serialize};

use crate::control::Calls;

/// The fewest calls of one operation and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minimum {
    /// Counter key, e.g. `ecs:DescribeServices`.
    pub operation: String,
    /// Fewest calls.
    pub count: u64,
    /// The arithmetic, e.g. `ceil(1000/10)`.
    pub why: String,
}

fn min(operation: &str, count: usize, why: String) -> Minimum {
    Minimum {
        operation: operation.to_string(),
        count: count as u64,
        why,
    }
}

/// Pages needed to list `n` items `per` a page (an empty list still takes one call).
fn pages(n: usize, per: usize) -> usize {
    n.div_ceil(per).max(1)
}

/// Job (1): `services` services and `stopped` stopped tasks in the cluster.
pub fn overview(services: usize, stopped: usize) -> Vec<Minimum> {
    vec![
        min(
            "ecs:ListServices",
            pages(services, 100),
            format!("ceil({services}/100)"),
        ),
        min(
            "ecs:DescribeServices",
            services.div_ceil(10),
            format!("ceil({services}/10)"),
        ),
        min(
            "ecs:ListTasks",
            pages(stopped, 100),
            format!("stopped tasks of the whole cluster: max(1, ceil({stopped}/100))"),
        ),
        min(
            "ecs:DescribeTasks",
            stopped.div_ceil(100),
            format!("ceil({stopped}/100)"),
        ),
        min(
            "cloudwatch:GetMetricData",
            (2 * services).div_ceil(500),
            format!("latest CPU and memory of every service: ceil(2 x {services}/500)"),
        ),
    ]
}

/// Job (2): a service with `running` tasks, `stopped` stopped ones and `groups` target groups.
pub fn service_page(running: usize, stopped: usize, groups: usize) -> Vec<Minimum> {
    vec![
        min(
            "ecs:DescribeServices",
            1,
            "counts, deployments and events in one".into(),
        ),
        min(
            "ecs:ListTasks",
            pages(running, 100) + pages(stopped, 100),
            format!("running max(1, ceil({running}/100)) + stopped max(1, ceil({stopped}/100))"),
        ),
        min(
            "ecs:DescribeTasks",
            running.div_ceil(100) + stopped.div_ceil(100),
            format!("ceil({running}/100) + ceil({stopped}/100)"),
        ),
        min(
            "elbv2:DescribeTargetGroups",
            groups.div_ceil(20),
            "the load balancer of each target group (ALB metric dimension)".into(),
        ),
        min(
            "elbv2:DescribeTargetHealth",
            groups,
            "one per target group".into(),
        ),
        min(
            "cloudwatch:GetMetricData",
            3,
            "one per range: 1 h (health banner), 1 d, 1 w".into(),
        ),
        min(
            "cloudwatch:DescribeAlarms",
            1,
            "the region's alarms, under 100".into(),
        ),
        min(
            "ecs:DescribeTaskDefinition",
            1,
            "the awslogs group of the service's revision".into(),
        ),
        min(
            "logs:FilterLogEvents",
            1,
            "errors of the last hour, one page".into(),
        ),
    ]
}

/// Job (3): runbook 001's four steps for a service with `running` tasks and `groups` target
/// groups (the app also shows each task, so it describes them; the CLI only lists their ARNs).
pub fn health_check(running: usize, groups: usize) -> Vec<Minimum> {
    vec![
        min("ecs:DescribeServices", 1, "step 1".into()),
        min(
            "ecs:ListTasks",
            pages(running, 100),
            format!("step 2: max(1, ceil({running}/100))"),
        ),
        min(
            "ecs:DescribeTasks",
            running.div_ceil(100),
            format!("step 2, task states: ceil({running}/100)"),
        ),
        min(
            "elbv2:DescribeTargetHealth",
            groups,
            "step 3: one per target group".into(),
        ),
        min(
            "ecs:DescribeTaskDefinition",
            1,
            "step 4: the log group (the runbook reads it from terraform)".into(),
        ),
        min("logs:FilterLogEvents", 1, "step 4: one page".into()),
    ]
}

/// Job (4): `accounts` accounts (each with fewer than 100 roles).
pub fn accounts(accounts: usize) -> Vec<Minimum> {
    vec![
        min(
            "sso:ListAccounts",
            pages(accounts, 100),
            format!("ceil({accounts}/100)"),
        ),
        min("sso:ListAccountRoles", accounts, "one per account".into()),
    ]
}

/// One operation's measured calls next to its minimum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Counter key.
    pub operation: String,
    /// Calls made.
    pub measured: u64,
    /// Fewest possible.
    pub minimum: u64,
    /// The arithmetic of the minimum ("not needed" for calls no minimum names).
    pub why: String,
}

/// Every operation that was called or has a minimum, in minimum order then the rest.
pub fn compare(calls: &Calls, minimum: &[Minimum]) -> Vec<Comparison> {
    let mut out: Vec<Comparison> = minimum
        .iter()
        .map(|m| Comparison {
            operation: m.operation.clone(),
            measured: calls.get(&m.operation).copied().unwrap_or(0),
            minimum: m.count,
            why: m.why.clone(),
        })
        .collect();
    for (op, n) in calls {
        if !minimum.iter().any(|m| &m.operation == op) {
            out.push(Comparison {
                operation: op.clone(),
                measured: *n,
                minimum: 0,
                why: "not needed".into(),
            });
        }
    }
    out
}

/// Total calls made and the total minimum.
pub fn totals(calls: &Calls, minimum: &[Minimum]) -> (u64, u64) {
    (calls.values().sum(), minimum.iter().map(|m| m.count).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousand_services_need_110_calls_plus_the_stopped_listing_and_metrics() {
        let m = overview(1_000, 0);
        let total: u64 = m.iter().map(|m| m.count).sum();
        assert_eq!(total, 10 + 100 + 1 + 4);
        assert_eq!(overview(1_001, 250)[1].count, 101);
        assert_eq!(overview(1_001, 250)[3].count, 3);
        assert_eq!(overview(1_001, 250)[4].count, 5);
    }

    #[test]
    fn comparison_lists_extra_operations() {
        let calls: Calls = [
            ("ecs:ListServices".to_string(), 10),
            ("sts:GetCallerIdentity".to_string(), 1),
        ]
        .into_iter()
        .collect();
        let c = compare(&calls, &overview(1_000, 0));
        assert_eq!(c[0].measured, 10);
        assert_eq!(c[1].measured, 0);
        assert_eq!(c.last().map(|c| c.why.as_str()), Some("not needed"));
        assert_eq!(accounts(200).iter().map(|m| m.count).sum::<u64>(), 202);
    }
}
