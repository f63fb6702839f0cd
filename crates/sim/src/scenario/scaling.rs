//! A service's auto scaling in a scenario: its limits, a target-tracking policy on CPU, an
//! optional step policy, scheduled actions, and the load it follows.

use serde::Deserialize;

use super::{AccountSpec, RegionSpec, DAY};
use crate::ids::{stable_hex, uuid_layout};
use crate::world::{
    Demand, PolicyKind, ScalableTarget, ScalingPolicy, ScheduledAction, Suspended, Tracker,
};

/// `autoscaling = { … }` of a service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingSpec {
    /// MinCapacity.
    pub min: i64,
    /// MaxCapacity.
    pub max: i64,
    /// Target of the CPU target-tracking policy (percent); none: no such policy.
    #[serde(default)]
    pub target_cpu: Option<f64>,
    /// CPU the whole service needs at its daily peak, in percent of one task; none: each task's
    /// CPU follows the service's behaviour whatever the count.
    #[serde(default)]
    pub demand: Option<f64>,
    /// Period of the load's bursts on top of the daily shape, in minutes (0: none).
    #[serde(default)]
    pub wave_minutes: f64,
    /// A step policy adding this many tasks when its alarm fires.
    #[serde(default)]
    pub step_out: Option<i64>,
    /// Scheduled actions.
    #[serde(default)]
    pub scheduled: Vec<ScheduledSpec>,
    /// When it was registered (days ago).
    #[serde(default = "default_registered")]
    pub registered_days_ago: f64,
}

/// A scheduled action of a scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledSpec {
    /// ScheduledActionName.
    pub name: String,
    /// `cron(…)`, `rate(…)` or `at(…)`.
    pub schedule: String,
    /// IANA time zone.
    #[serde(default)]
    pub timezone: Option<String>,
    /// New minimum.
    #[serde(default)]
    pub min: Option<i64>,
    /// New maximum.
    #[serde(default)]
    pub max: Option<i64>,
}

fn default_registered() -> f64 {
    30.0
}

impl AutoScalingSpec {
    /// The load the service follows, when the scenario gives one.
    pub fn demand(&self) -> Option<Demand> {
        self.demand.map(|peak| Demand {
            peak,
            wave_minutes: self.wave_minutes,
        })
    }

    /// The scalable target of service `service` in cluster `cluster`.
    pub fn target(
        &self,
        a: &AccountSpec,
        r: &RegionSpec,
        cluster: &str,
        service: &str,
        now: f64,
    ) -> ScalableTarget {
        let (p, region, acct) = (a.partition.as_str(), r.name.as_str(), a.id.as_str());
        let resource_id = format!("service/{cluster}/{service}");
        let created_at = now - self.registered_days_ago * DAY;
        let uuid = |what: &str| uuid_layout(&stable_hex(&format!("{resource_id}/{what}"), 32));
        let policy_arn = |name: &str| {
            format!(
                "arn:{p}:autoscaling:{region}:{acct}:scalingPolicy:{}:resource/ecs/{resource_id}:policyName/{name}",
                uuid(name)
            )
        };
        let mut policies = Vec::new();
        if let Some(target) = self.target_cpu {
            let name = format!("{service}-cpu{target:.0}-target-tracking");
            let alarm = |side: &str| {
                format!(
                    "TargetTracking-{resource_id}-Alarm{side}-{}",
                    uuid(&format!("alarm-{side}"))
                )
            };
            policies.push(ScalingPolicy {
                arn: policy_arn(&name),
                alarms: vec![alarm("High"), alarm("Low")],
                name,
                created_at,
                kind: PolicyKind::TargetTracking {
                    metric: "ECSServiceAverageCPUUtilization".into(),
                    target,
                    scale_out_cooldown: 300,
                    scale_in_cooldown: 300,
                    disable_scale_in: false,
                },
            });
        }
        if let Some(add) = self.step_out {
            let name = format!("{service}-backlog-step-scale-out");
            policies.push(ScalingPolicy {
                arn: policy_arn(&name),
                alarms: vec![format!("{service}-backlog-high")],
                name,
                created_at,
                kind: PolicyKind::Step {
                    adjustment_type: "ChangeInCapacity".into(),
                    steps: vec![(Some(0.0), Some(500.0), add), (Some(500.0), None, add * 2)],
                    cooldown: 120,
                },
            });
        }
        let scheduled = self
            .scheduled
            .iter()
            .map(|x| ScheduledAction {
                arn: format!(
                    "arn:{p}:autoscaling:{region}:{acct}:scheduledAction:{}:resource/ecs/{resource_id}:scheduledActionName/{}",
                    uuid(&x.name),
                    x.name
                ),
                name: x.name.clone(),
                schedule: x.schedule.clone(),
                timezone: x.timezone.clone(),
                min: x.min,
                max: x.max,
                created_at,
            })
            .collect();
        ScalableTarget {
            arn: format!(
                "arn:{p}:application-autoscaling:{region}:{acct}:scalable-target/{}",
                stable_hex(&format!("{resource_id}/target"), 32)
            ),
            resource_id,
            min: self.min,
            max: self.max,
            role_arn: service_linked_role(p, acct),
            created_at,
            suspended: Suspended::default(),
            policies,
            scheduled,
            activities: Vec::new(),
            tracker: Tracker::default(),
        }
    }
}

/// The role Application Auto Scaling uses to change ECS services' desired counts.
pub fn service_linked_role(partition: &str, account: &str) -> String {
    format!(
        "arn:{partition}:iam::{account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
    )
}
