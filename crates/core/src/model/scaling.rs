//! A service's auto scaling as the app shows it: its limits, policies and schedules in plain
//! words, recent scaling activities, and the warnings an operator acts on (thrashing, pinned at
//! the maximum).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::count::tasks;
use crate::util::arn::arn_name;

/// Scale-ups and scale-downs closer than this count towards thrashing.
pub const THRASH_WINDOW_SECS: i64 = 3600;
/// Moves within the window (both directions among them) that make it thrashing.
pub const THRASH_MOVES: usize = 3;

/// The minimum and maximum auto scaling keeps a service's desired count between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScalingLimits {
    /// MinCapacity.
    pub min: i32,
    /// MaxCapacity.
    pub max: i32,
}

impl ScalingLimits {
    /// Whether `desired` lies within the limits.
    pub fn holds(&self, desired: i32) -> bool {
        (self.min..=self.max).contains(&desired)
    }

    /// The smallest limits that hold `desired` and keep the rest of these.
    pub fn widened_to(&self, desired: i32) -> ScalingLimits {
        ScalingLimits {
            min: self.min.min(desired),
            max: self.max.max(desired),
        }
    }

    /// "2–8 tasks".
    pub fn words(&self) -> String {
        format!("{}–{} tasks", self.min, self.max)
    }
}

/// One policy in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyView {
    /// PolicyName.
    pub name: String,
    /// "Target tracking" or "Step scaling".
    pub kind: String,
    /// What it does, e.g. "Keeps average CPU near 60 % …".
    pub summary: String,
}

/// One scheduled action in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledView {
    /// ScheduledActionName.
    pub name: String,
    /// When, e.g. "Weekdays at 07:00 (America/New_York)", or the expression as written.
    pub when: String,
    /// The expression as AWS stores it.
    pub schedule: String,
    /// What it sets, e.g. "min 3, max 8".
    pub sets: String,
}

/// Which way an activity moved the desired count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// More tasks.
    Out,
    /// Fewer tasks.
    In,
    /// Not scaled (at a limit, or failed).
    None,
}

/// One scaling activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    /// When it started (RFC 3339).
    pub at: String,
    /// Epoch seconds of `at`, for ordering and windows.
    #[ts(type = "number")]
    pub epoch: i64,
    /// The desired count it set (or tried to set).
    pub to: Option<i32>,
    /// Which way it went.
    pub direction: Direction,
    /// What happened, e.g. "Set the desired count to 4".
    pub what: String,
    /// Why, in plain words, e.g. "CPU above the policy's target".
    pub why: String,
    /// StatusCode (Successful, Failed, …).
    pub status: String,
    /// AWS's own words (Description, Cause, StatusMessage), for the details.
    pub raw: String,
}

/// A warning about how the service scales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScalingWarning {
    /// `thrashing`, `atMaximum` or `suspended`.
    pub code: String,
    /// The warning in plain words.
    pub message: String,
}

/// The Auto scaling tab of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceScaling {
    /// The limits; None when the service is not registered with Application Auto Scaling.
    pub limits: Option<ScalingLimits>,
    /// The service's desired count now.
    pub desired: i32,
    /// Policies.
    pub policies: Vec<PolicyView>,
    /// Scheduled actions.
    pub scheduled: Vec<ScheduledView>,
    /// Activities of the last six weeks, newest first.
    pub activities: Vec<ActivityView>,
    /// Warnings, most serious first.
    pub warnings: Vec<ScalingWarning>,
    /// What is suspended, in words (e.g. "Scale-in is suspended").
    pub suspended: Vec<String>,
}

/// The warnings of a service with `limits`, desired count `desired` and `activities` (any
/// order), at epoch second `now`.
pub fn warnings(
    limits: ScalingLimits,
    desired: i32,
    activities: &[ActivityView],
    now: i64,
) -> Vec<ScalingWarning> {
    let mut out = Vec::new();
    let recent: Vec<&ActivityView> = activities
        .iter()
        .filter(|a| now - a.epoch <= THRASH_WINDOW_SECS && a.direction != Direction::None)
        .collect();
    let outs = recent
        .iter()
        .filter(|a| a.direction == Direction::Out)
        .count();
    let ins = recent.len() - outs;
    if recent.len() >= THRASH_MOVES && outs > 0 && ins > 0 {
        out.push(ScalingWarning {
            code: "thrashing".into(),
            message: format!(
                "Scaled up {outs} and down {ins} times in the last hour (thrashing): each change starts or stops tasks. A lower target or longer cooldowns would steady it."
            ),
        });
    }
    if desired >= limits.max {
        let wanted = activities
            .iter()
            .filter(|a| now - a.epoch <= THRASH_WINDOW_SECS && a.direction == Direction::None)
            .filter_map(|a| a.to)
            .max()
            .filter(|w| *w > limits.max);
        out.push(ScalingWarning {
            code: "atMaximum".into(),
            message: match wanted {
                Some(w) => format!(
                    "At its maximum of {}: auto scaling wanted {w} in the last hour and could not add more. Raise the maximum if the load is real.",
                    tasks(limits.max)
                ),
                None => format!(
                    "At its maximum of {}: auto scaling cannot add more if the load grows.",
                    tasks(limits.max)
                ),
            },
        });
    }
    out
}

/// `service/<cluster name>/<service name>`, the id Application Auto Scaling knows a service by.
pub fn resource_id(cluster: &str, service: &str) -> String {
    format!("service/{}/{}", arn_name(cluster), arn_name(service))
}

/// The direction from the count before to the count an activity set.
pub fn direction(before: Option<i32>, to: Option<i32>, scaled: bool) -> Direction {
    match (scaled, before, to) {
        (true, Some(b), Some(t)) if t > b => Direction::Out,
        (true, Some(b), Some(t)) if t < b => Direction::In,
        _ => Direction::None,
    }
}

/// "Setting desired count to 4." → 4 (the number in an activity's description).
pub fn count_in(description: &str) -> Option<i32> {
    description
        .split(|c: char| !c.is_ascii_digit())
        .rfind(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

/// An activity's cause in plain words.
pub fn cause_words(cause: &str) -> String {
    let policy = cause.rsplit("triggered policy ").next().unwrap_or(cause);
    if cause.contains("-AlarmHigh-") {
        format!("Load above the target of policy {policy}")
    } else if cause.contains("-AlarmLow-") {
        format!("Load below the target of policy {policy}")
    } else if cause.starts_with("monitor alarm ") {
        let alarm = cause
            .trim_start_matches("monitor alarm ")
            .split(" in state")
            .next()
            .unwrap_or_default();
        format!("Alarm {alarm} fired (policy {policy})")
    } else if let Some(n) = cause.strip_prefix("maximum capacity was set to ") {
        format!("The maximum was changed to {n}")
    } else if let Some(n) = cause.strip_prefix("minimum capacity was set to ") {
        format!("The minimum was changed to {n}")
    } else if cause.contains("scheduled action") {
        format!("A scheduled action: {cause}")
    } else {
        cause.to_string()
    }
}

/// A target-tracking policy in plain words.
pub fn target_tracking_words(
    metric: &str,
    target: f64,
    out_cooldown: Option<i32>,
    in_cooldown: Option<i32>,
    no_scale_in: bool,
) -> String {
    let (what, unit) = match metric {
        "ECSServiceAverageCPUUtilization" => ("average CPU", " %"),
        "ECSServiceAverageMemoryUtilization" => ("average memory", " %"),
        "ALBRequestCountPerTarget" => ("requests per task per minute", ""),
        "" => ("a custom metric", ""),
        other => (other, ""),
    };
    let low = (target * 0.9 * 10.0).round() / 10.0;
    let mut s = format!("Keeps {what} near {target}{unit}: adds tasks after 3 minutes above it");
    if no_scale_in {
        s.push_str(" and never removes any");
    } else {
        s.push_str(&format!(
            ", removes tasks after 15 minutes below {low}{unit}"
        ));
    }
    let mins = |s: i32| {
        if s % 60 == 0 {
            format!("{} min", s / 60)
        } else {
            format!("{s} s")
        }
    };
    match (out_cooldown, in_cooldown) {
        (Some(o), Some(i)) => s.push_str(&format!(
            "; waits {} after adding and {} after removing.",
            mins(o),
            mins(i)
        )),
        _ => s.push('.'),
    }
    s
}

/// One step of a step policy in words: "adds 2 tasks when 500 or more above the threshold".
pub fn step_words(lower: Option<f64>, upper: Option<f64>, adjustment: i32, kind: &str) -> String {
    let change = match (kind, adjustment) {
        ("ExactCapacity", n) => format!("sets {}", tasks(n)),
        ("PercentChangeInCapacity", n) if n >= 0 => format!("adds {n} %"),
        ("PercentChangeInCapacity", n) => format!("removes {} %", -n),
        (_, n) if n >= 0 => format!("adds {}", tasks(n)),
        (_, n) => format!("removes {}", tasks(-n)),
    };
    let range = match (lower, upper) {
        (Some(l), Some(u)) => format!("{l}–{u} past the alarm's threshold"),
        (Some(l), None) => format!("{l} or more past the alarm's threshold"),
        (None, Some(u)) => format!("up to {u} past the alarm's threshold"),
        (None, None) => "whenever the alarm fires".to_string(),
    };
    format!("{change} ({range})")
}

/// A schedule expression in words where it is a common one; None to show it as written.
pub fn schedule_words(expr: &str, timezone: Option<&str>) -> Option<String> {
    let tz = timezone
        .map(|t| format!(" ({t})"))
        .unwrap_or_else(|| " (UTC)".into());
    if let Some(rate) = expr.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        return Some(format!("Every {rate}"));
    }
    if let Some(at) = expr.strip_prefix("at(").and_then(|r| r.strip_suffix(')')) {
        return Some(format!("Once, at {}{tz}", at.replace('T', " ")));
    }
    let fields: Vec<&str> = expr
        .strip_prefix("cron(")?
        .strip_suffix(')')?
        .split_whitespace()
        .collect();
    let [minute, hour, dom, month, dow, year] = fields.as_slice() else {
        return None;
    };
    let (m, h): (u32, u32) = (minute.parse().ok()?, hour.parse().ok()?);
    if !matches!((*dom, *month, *year), ("*" | "?", "*", "*")) {
        return None;
    }
    let days = match *dow {
        "*" | "?" => "Every day".to_string(),
        "MON-FRI" | "2-6" => "Weekdays".to_string(),
        "SAT,SUN" | "SAT-SUN" | "1,7" => "Weekends".to_string(),
        other => format!("On {other}"),
    };
    Some(format!("{days} at {h:02}:{m:02}{tz}"))
}

#[cfg(test)]
mod tests;
