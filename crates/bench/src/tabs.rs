//! Job (6): the service page's tabs beyond the console (Auto scaling, Changes, Logs Insights),
//! each as the app opens it — only when its tab is chosen, so job (2), the page as it opens,
//! makes none of these calls. The Changes tab paces CloudTrail's 2 lookups a second, so this job
//! takes at least 1.65 s whatever the latency.

use ecsdesk_core::read::changes::{service_changes, CHANGE_EVENTS};
use ecsdesk_core::read::insights::named_queries;
use ecsdesk_core::read::scaling::service_scaling;

use crate::control::Control;
use crate::error::BenchError;
use crate::fleet::COMMERCIAL_KEYS;
use crate::jobs::{open, timed, Measured, Work};
use crate::minimum::Minimum;

/// The demo's autoscaled service (commercial, us-east-1).
const CLUSTER: &str = "autoscaling";
/// See [`CLUSTER`].
const SERVICE: &str = "web-autoscaled-Service";

/// What the three tabs showed.
struct Tabs {
    scaling: ecsdesk_core::model::scaling::ServiceScaling,
    changes: ecsdesk_core::model::change::ServiceChanges,
    queries: usize,
}

/// The Auto scaling, Changes and Logs Insights tabs, each opened once (one after another, as a
/// person clicks through them).
async fn open_tabs(session: &ecsdesk_core::Session) -> Result<Tabs, BenchError> {
    let scaling = service_scaling(session, CLUSTER, SERVICE).await?;
    let changes = service_changes(session, CLUSTER, SERVICE, None).await?;
    let queries = named_queries(session).await?.len();
    Ok(Tabs {
        scaling,
        changes,
        queries,
    })
}

/// The fewest calls the tabs need.
fn minimum() -> Vec<Minimum> {
    let one = |op: &str, why: &str| Minimum {
        operation: op.to_string(),
        count: 1,
        why: why.to_string(),
    };
    vec![
        one(
            "ecs:DescribeServices",
            "the desired count the limits are weighed against",
        ),
        one(
            "application-autoscaling:DescribeScalableTargets",
            "the service's limits (one resource id)",
        ),
        one(
            "application-autoscaling:DescribeScalingPolicies",
            "its policies, under 50",
        ),
        one(
            "application-autoscaling:DescribeScheduledActions",
            "its schedules, under 50",
        ),
        one(
            "application-autoscaling:DescribeScalingActivities",
            "the latest 50 activities (thrashing needs the last hour only)",
        ),
        Minimum {
            operation: "cloudtrail:LookupEvents".into(),
            count: CHANGE_EVENTS.len() as u64,
            why: "one page of each event that changes a service (one attribute a call)".into(),
        },
        one(
            "logs:DescribeQueryDefinitions",
            "the account's saved queries, under 1000",
        ),
    ]
}

/// Job (6).
pub(crate) async fn tabs(endpoint: &str, runs: usize) -> Result<Measured, BenchError> {
    let control = Control::new(endpoint);
    let work: Work<_> = |s, _| Box::pin(open_tabs(s));
    let (mut out, tab) = timed(
        &control,
        runs,
        || open(endpoint, COMMERCIAL_KEYS, "us-east-1"),
        work,
    )
    .await?;
    out.minimum = minimum();
    let s = &tab.scaling;
    out.note = format!(
        "auto scaling: limits {:?}, {} policies, {} schedules, {} activities, warnings {:?}; changes: {} of {} events read; {} named queries",
        s.limits.map(|l| (l.min, l.max)),
        s.policies.len(),
        s.scheduled.len(),
        s.activities.len(),
        s.warnings.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(),
        tab.changes.changes.len(),
        tab.changes.scanned,
        tab.queries,
    );
    Ok(out)
}
