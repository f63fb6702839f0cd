//! Application Auto Scaling: scalable targets (an ECS service's desired count between a minimum
//! and a maximum), their policies, scheduled actions and the activities the scaler wrote.

/// `ecs:service:DesiredCount`, the only dimension the simulator scales.
pub const ECS_DESIRED_COUNT: &str = "ecs:service:DesiredCount";

/// Application Auto Scaling keeps activities for six weeks.
pub const ACTIVITY_RETENTION_SECS: f64 = 42.0 * 86_400.0;

/// One ECS service registered with Application Auto Scaling.
#[derive(Debug, Clone)]
pub struct ScalableTarget {
    /// `service/<cluster>/<service>`.
    pub resource_id: String,
    /// ScalableTargetARN.
    pub arn: String,
    /// MinCapacity.
    pub min: i64,
    /// MaxCapacity.
    pub max: i64,
    /// The service-linked role that changes the desired count.
    pub role_arn: String,
    /// CreationTime.
    pub created_at: f64,
    /// SuspendedState: dynamic scale-in, dynamic scale-out, scheduled scaling.
    pub suspended: Suspended,
    /// Scaling policies.
    pub policies: Vec<ScalingPolicy>,
    /// Scheduled actions (listed; the simulator does not run their schedules).
    pub scheduled: Vec<ScheduledAction>,
    /// Activities, oldest first.
    pub activities: Vec<ScalingActivity>,
    /// What the target-tracking alarms have seen so far.
    pub tracker: Tracker,
}

/// SuspendedState of a scalable target.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Suspended {
    /// DynamicScalingInSuspended.
    pub dynamic_in: bool,
    /// DynamicScalingOutSuspended.
    pub dynamic_out: bool,
    /// ScheduledScalingSuspended.
    pub scheduled: bool,
}

/// A scaling policy.
#[derive(Debug, Clone)]
pub struct ScalingPolicy {
    /// PolicyName.
    pub name: String,
    /// PolicyARN.
    pub arn: String,
    /// CreationTime.
    pub created_at: f64,
    /// What it does.
    pub kind: PolicyKind,
    /// The CloudWatch alarms that trigger it (target tracking: AlarmHigh and AlarmLow).
    pub alarms: Vec<String>,
}

/// The two kinds of policy ECS services use.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyKind {
    /// TargetTrackingScaling on a predefined metric.
    TargetTracking {
        /// PredefinedMetricType, e.g. `ECSServiceAverageCPUUtilization`.
        metric: String,
        /// TargetValue.
        target: f64,
        /// ScaleOutCooldown (seconds).
        scale_out_cooldown: i64,
        /// ScaleInCooldown (seconds).
        scale_in_cooldown: i64,
        /// DisableScaleIn.
        disable_scale_in: bool,
    },
    /// StepScaling triggered by an alarm of the user's.
    Step {
        /// AdjustmentType: ChangeInCapacity, PercentChangeInCapacity or ExactCapacity.
        adjustment_type: String,
        /// (lower bound, upper bound, adjustment) relative to the alarm threshold.
        steps: Vec<(Option<f64>, Option<f64>, i64)>,
        /// Cooldown (seconds).
        cooldown: i64,
    },
}

/// A scheduled action.
#[derive(Debug, Clone)]
pub struct ScheduledAction {
    /// ScheduledActionName.
    pub name: String,
    /// ScheduledActionARN.
    pub arn: String,
    /// Schedule: `cron(…)`, `rate(…)` or `at(…)`.
    pub schedule: String,
    /// Timezone (IANA name), if set.
    pub timezone: Option<String>,
    /// ScalableTargetAction.MinCapacity.
    pub min: Option<i64>,
    /// ScalableTargetAction.MaxCapacity.
    pub max: Option<i64>,
    /// CreationTime.
    pub created_at: f64,
}

/// One scaling activity.
#[derive(Debug, Clone)]
pub struct ScalingActivity {
    /// ActivityId.
    pub id: String,
    /// Description, e.g. `Setting desired count to 4.`
    pub description: String,
    /// Cause, e.g. `monitor alarm … in state ALARM triggered policy …`.
    pub cause: String,
    /// StartTime.
    pub start: f64,
    /// EndTime.
    pub end: Option<f64>,
    /// StatusCode: Successful, Failed, …
    pub status: String,
    /// StatusMessage.
    pub message: String,
    /// A not-scaled activity's reason: (code, min, max, current).
    pub not_scaled: Option<(String, i64, i64, i64)>,
}

/// The target-tracking alarms' memory between evaluations.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    /// Minutes in a row the metric stayed above the target.
    pub high: u32,
    /// Minutes in a row the metric stayed below 90 % of the target.
    pub low: u32,
    /// Last scale-out (for the cooldown).
    pub last_out: Option<f64>,
    /// Last scale-in (for the cooldown).
    pub last_in: Option<f64>,
    /// The last minute evaluated.
    pub evaluated_to: f64,
}

impl ScalableTarget {
    /// The `(cluster, service)` of an ECS resource id.
    pub fn service_path(&self) -> Option<(&str, &str)> {
        let rest = self.resource_id.strip_prefix("service/")?;
        rest.split_once('/')
    }
}

/// The load of a service that scales with it: the CPU the whole service needs (in percent of one
/// task), shared by whatever tasks run, so adding tasks lowers each task's CPU.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Demand {
    /// CPU needed on average, in percent of one task (200 = two tasks at 100 %).
    pub peak: f64,
    /// Period of a swing of ±50 % around the average (bursty traffic), in minutes; 0: the
    /// average follows the day instead (lowest at 03:00 UTC, highest at 15:00).
    pub wave_minutes: f64,
}

impl Demand {
    /// CPU needed at `t`, given the daily shape `daily` in [0, 1].
    pub fn needed(&self, t: f64, daily: f64) -> f64 {
        if self.wave_minutes > 0.0 {
            // Bursts the same at any hour, so the demo thrashes whenever it is opened.
            let wave = 0.5 * (t / (self.wave_minutes * 60.0) * std::f64::consts::TAU).sin();
            self.peak * (1.0 + wave)
        } else {
            self.peak * (0.35 + 0.65 * daily)
        }
    }
}
