//! Smoke run of the benchmark jobs, small and in debug: the AWS calls each job makes are
//! deterministic, so they are asserted to equal the minimum the API limits allow (times are not).

use ecsdesk_bench::control::Calls;
use ecsdesk_bench::fleet::{Fleet, Sizes};
use ecsdesk_bench::jobs::{self, Job, Measured};
use ecsdesk_bench::minimum::compare;

/// Every operation's calls equal its minimum, except `allowed` extras (operation, calls).
fn assert_at_minimum(job: Job, m: &Measured, allowed: &[(&str, u64)]) {
    assert!(!m.minimum.is_empty(), "{job:?} states its minimum");
    for c in compare(&m.calls, &m.minimum) {
        let extra = allowed
            .iter()
            .find(|(op, _)| *op == c.operation)
            .map_or(0, |(_, n)| *n);
        assert_eq!(
            c.measured,
            c.minimum + extra,
            "{job:?}: {} made {} calls, minimum {} ({})",
            c.operation,
            c.measured,
            c.minimum,
            c.why
        );
    }
    assert!(m.calls_stable, "{job:?}: every run makes the same calls");
    assert!(m.runs_ms.iter().all(|t| *t > 0.0));
}

fn total(calls: &Option<Calls>) -> u64 {
    calls.as_ref().map_or(0, |c| c.values().sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_make_the_fewest_calls_the_apis_allow() {
    let dir = tempfile::tempdir().unwrap();
    let sizes = Sizes {
        services: 230,
        accounts: 25,
        latency_ms: 0,
    };
    let fleet = Fleet::start(sizes, dir.path()).await.unwrap();
    let endpoints = fleet.endpoints();

    // 230 services: 3 ListServices pages and 23 DescribeServices, shared by list and roll-up.
    let overview = jobs::run(Job::Overview, &endpoints, 2).await.unwrap();
    assert_eq!(overview.calls.get("ecs:ListServices"), Some(&3));
    assert_eq!(overview.calls.get("ecs:DescribeServices"), Some(&23));
    assert_at_minimum(Job::Overview, &overview, &[]);
    assert!(
        overview.note.starts_with("230 services"),
        "{}",
        overview.note
    );
    // Asked again at once (within the freshness window): nothing is fetched again.
    assert_eq!(
        total(&overview.repeat_calls),
        0,
        "{:?}",
        overview.repeat_calls
    );

    let page = jobs::run(Job::ServicePage, &endpoints, 1).await.unwrap();
    assert_at_minimum(Job::ServicePage, &page, &[]);
    assert_eq!(page.calls.get("cloudwatch:GetMetricData"), Some(&3));
    // Asked again at once: only the error search, left live on purpose, calls AWS again.
    let again = page.repeat_calls.clone().unwrap_or_default();
    assert_eq!(
        again.keys().collect::<Vec<_>>(),
        ["logs:FilterLogEvents"],
        "{again:?}"
    );

    // The tabs beyond the console load on their tab only: the page above made none of their
    // calls, and the Auto scaling tab makes one call per thing it shows.
    assert!(
        !page.calls.keys().any(|k| [
            "application-autoscaling:",
            "cloudtrail:",
            "logs:DescribeQuery",
            "logs:StartQuery"
        ]
        .iter()
        .any(|p| k.starts_with(p))),
        "{:?}",
        page.calls
    );
    let tabs = jobs::run(Job::Tabs, &endpoints, 1).await.unwrap();
    assert_at_minimum(Job::Tabs, &tabs, &[]);
    assert!(tabs.note.contains("thrashing"), "{}", tabs.note);

    // The app's health check also names the target group's load balancer (DescribeTargetGroups).
    let check = jobs::run(Job::HealthCheck, &endpoints, 1).await.unwrap();
    assert_at_minimum(
        Job::HealthCheck,
        &check,
        &[("elbv2:DescribeTargetGroups", 1)],
    );

    // 25 accounts: one ListAccounts page (of up to 100, not the API's default 20) and one
    // ListAccountRoles each (kept small: the portal limits itself to 5 calls a second).
    let accounts = jobs::run(Job::Accounts, &endpoints, 1).await.unwrap();
    assert_eq!(accounts.calls.get("sso:ListAccounts"), Some(&1));
    assert_at_minimum(Job::Accounts, &accounts, &[]);
    assert_eq!(
        total(&accounts.repeat_calls),
        0,
        "lists are kept until a refresh"
    );

    let chart = jobs::run(Job::Chart, &endpoints, 1).await.unwrap();
    assert!(chart.calls.is_empty());
    assert_eq!(chart.runs_ms.len(), 20);
    assert!(chart.peak_kb.is_some_and(|kb| kb > 0));

    fleet.shutdown().await;
}
