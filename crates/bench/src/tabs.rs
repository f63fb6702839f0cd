//! Job (6): the service page's tabs beyond the console, each as the app opens it — only when its
//! tab is chosen, so job (2), the page as it opens, makes none of these calls.

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

/// The Auto scaling tab, opened.
async fn scaling_tab(
    session: &ecsdesk_core::Session,
) -> Result<ecsdesk_core::model::scaling::ServiceScaling, BenchError> {
    Ok(service_scaling(session, CLUSTER, SERVICE).await?)
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
    ]
}

/// Job (6).
pub(crate) async fn tabs(endpoint: &str, runs: usize) -> Result<Measured, BenchError> {
    let control = Control::new(endpoint);
    let work: Work<_> = |s, _| Box::pin(scaling_tab(s));
    let (mut out, tab) = timed(
        &control,
        runs,
        || open(endpoint, COMMERCIAL_KEYS, "us-east-1"),
        work,
    )
    .await?;
    out.minimum = minimum();
    out.note = format!(
        "limits {:?}, {} policies, {} schedules, {} activities, warnings {:?}",
        tab.limits.map(|l| (l.min, l.max)),
        tab.policies.len(),
        tab.scheduled.len(),
        tab.activities.len(),
        tab.warnings
            .iter()
            .map(|w| w.code.as_str())
            .collect::<Vec<_>>()
    );
    Ok(out)
}
