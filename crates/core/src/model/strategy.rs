//! How ECS moves a service to a new version (`deploymentConfiguration.strategy`): rolling, or one
//! of the three that run the new tasks beside the old ones and shift load balancer traffic
//! (blue/green, linear, canary), with bake time and pause hooks. Plans describe it in words.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::count::tasks;

/// The deployment strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StrategyKind {
    /// Tasks replaced a few at a time (`ROLLING`, ECS's default).
    #[default]
    Rolling,
    /// All new tasks first, then all traffic at once (`BLUE_GREEN`).
    BlueGreen,
    /// Traffic moved in equal steps (`LINEAR`).
    Linear,
    /// A small share of traffic first, then the rest (`CANARY`).
    Canary,
}

impl StrategyKind {
    /// Reads ECS's name; absent or unknown is rolling.
    pub fn from_name(name: Option<&str>) -> Self {
        match name {
            Some("BLUE_GREEN") => StrategyKind::BlueGreen,
            Some("LINEAR") => StrategyKind::Linear,
            Some("CANARY") => StrategyKind::Canary,
            _ => StrategyKind::Rolling,
        }
    }

    /// The name users read.
    pub fn label(self) -> &'static str {
        match self {
            StrategyKind::Rolling => "Rolling update",
            StrategyKind::BlueGreen => "Blue/green",
            StrategyKind::Linear => "Linear",
            StrategyKind::Canary => "Canary",
        }
    }
}

/// A hook that pauses a deployment until someone continues or rolls it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PauseHook {
    /// Lifecycle stages it pauses at (ECS names, e.g. `POST_TEST_TRAFFIC_SHIFT`).
    pub stages: Vec<String>,
    /// Minutes before ECS takes the timeout action.
    pub timeout_minutes: i32,
    /// `CONTINUE` or `ROLLBACK`.
    pub timeout_action: String,
}

/// A service's deployment strategy and its timings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStrategy {
    /// The strategy.
    pub kind: StrategyKind,
    /// Minutes both versions keep running after all traffic moved (a rollback is instant).
    pub bake_minutes: i32,
    /// Canary: share of production traffic the new tasks get first, in percent.
    pub canary_percent: Option<f64>,
    /// Canary: minutes before the rest of the traffic moves.
    pub canary_minutes: Option<i32>,
    /// Linear: percent of traffic moved per step.
    pub step_percent: Option<f64>,
    /// Linear: minutes between steps.
    pub step_minutes: Option<i32>,
    /// Pause hooks.
    pub pauses: Vec<PauseHook>,
}

/// `12.5` → "12.5", `10.0` → "10".
pub fn percent(p: f64) -> String {
    if (p - p.round()).abs() < 0.05 {
        format!("{}", p.round() as i64)
    } else {
        format!("{p:.1}")
    }
}

/// "1 minute", "5 minutes".
pub fn minutes(m: i32) -> String {
    if m == 1 {
        "1 minute".to_string()
    } else {
        format!("{m} minutes")
    }
}

/// An ECS lifecycle stage in words.
pub fn stage_words(stage: &str) -> String {
    match stage {
        "RECONCILE_SERVICE" => "reconciling the service",
        "PRE_SCALE_UP" => "before starting new tasks",
        "SCALE_UP" => "starting new tasks",
        "POST_SCALE_UP" => "new tasks started",
        "TEST_TRAFFIC_SHIFT" => "moving test traffic",
        "POST_TEST_TRAFFIC_SHIFT" => "test traffic on the new tasks",
        "PRE_PRODUCTION_TRAFFIC_SHIFT" => "before moving production traffic",
        "PRODUCTION_TRAFFIC_SHIFT" => "moving production traffic",
        "POST_PRODUCTION_TRAFFIC_SHIFT" => "production traffic moved",
        "BAKE_TIME" => "bake time",
        "CLEAN_UP" => "stopping the old tasks",
        other => return other.to_ascii_lowercase().replace('_', " "),
    }
    .to_string()
}

impl DeploymentStrategy {
    /// The canary step: (percent, minutes), ECS's defaults where the configuration is silent.
    pub fn canary_step(&self) -> (f64, i32) {
        (
            self.canary_percent.unwrap_or(5.0),
            self.canary_minutes.unwrap_or(10),
        )
    }

    /// The linear step: (percent, minutes), ECS's defaults where the configuration is silent.
    pub fn linear_step(&self) -> (f64, i32) {
        (
            self.step_percent.unwrap_or(10.0),
            self.step_minutes.unwrap_or(6),
        )
    }

    /// Whether new tasks run beside the old ones while traffic shifts (not rolling).
    pub fn shifts_traffic(&self) -> bool {
        self.kind != StrategyKind::Rolling
    }

    /// How a new deployment of `desired` tasks proceeds, step by step (traffic strategies only).
    pub fn steps(&self, desired: i32) -> Vec<String> {
        let mut steps = vec![format!(
            "ECS starts {} of the new version beside the {} running now; they get no traffic yet.",
            tasks(desired).replace("task", "new task"),
            tasks(desired).replace("task", "old task"),
        )];
        steps.push(
            "Once they pass the load balancer's health checks, test traffic goes to them."
                .to_string(),
        );
        for pause in &self.pauses {
            let at = pause
                .stages
                .iter()
                .map(|s| stage_words(s))
                .collect::<Vec<_>>()
                .join(", ");
            steps.push(format!(
                "The deployment pauses ({at}) until someone continues it or rolls it back; after {} ECS will {} by itself.",
                minutes(pause.timeout_minutes),
                if pause.timeout_action == "CONTINUE" { "continue" } else { "roll back" }
            ));
        }
        steps.push(match self.kind {
            StrategyKind::Canary => format!(
                "{} % of production traffic goes to the new tasks for {}; then all of it.",
                percent(self.canary_step().0),
                minutes(self.canary_step().1)
            ),
            StrategyKind::Linear => {
                let step = self.linear_step().0.max(1.0);
                let count = (100.0 / step).ceil() as i32;
                format!(
                    "Production traffic moves to the new tasks {} % at a time, every {} ({count} steps).",
                    percent(step),
                    minutes(self.linear_step().1)
                )
            }
            _ => "All production traffic moves to the new tasks at once.".to_string(),
        });
        steps.push(format!(
            "The old tasks keep running for {} of bake time, so a rollback sends traffic back at once; then ECS stops them.",
            minutes(self.bake_minutes)
        ));
        steps
    }

    /// The strategy in one line, e.g. "Canary: 10 % of traffic for 20 minutes, then all; 10 minutes of bake time".
    pub fn summary(&self) -> String {
        let shift = match self.kind {
            StrategyKind::Rolling => {
                return "Rolling update: ECS replaces tasks a few at a time.".to_string()
            }
            StrategyKind::BlueGreen => "all traffic moves at once".to_string(),
            StrategyKind::Canary => format!(
                "{} % of traffic for {}, then all",
                percent(self.canary_step().0),
                minutes(self.canary_step().1)
            ),
            StrategyKind::Linear => format!(
                "traffic moves {} % every {}",
                percent(self.linear_step().0),
                minutes(self.linear_step().1)
            ),
        };
        let pauses: Vec<String> = self
            .pauses
            .iter()
            .flat_map(|p| p.stages.iter().map(|s| stage_words(s)))
            .collect();
        let pauses = if pauses.is_empty() {
            String::new()
        } else {
            format!("; pauses for someone to continue at: {}", pauses.join(", "))
        };
        format!(
            "{}: {shift}; the old tasks stay ready for {} of bake time{pauses}.",
            self.kind.label(),
            minutes(self.bake_minutes)
        )
    }

    /// How long the traffic shift and bake take at least, in minutes (pauses not counted).
    pub fn minimum_minutes(&self) -> i32 {
        let shift = match self.kind {
            StrategyKind::Canary => self.canary_step().1,
            StrategyKind::Linear => {
                let step = self.linear_step().0.max(1.0);
                let count = (100.0 / step).ceil() as i32;
                (count - 1).max(0) * self.linear_step().1
            }
            _ => 0,
        };
        shift + self.bake_minutes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_steps_say_how_much_traffic_and_for_how_long() {
        let s = DeploymentStrategy {
            kind: StrategyKind::Canary,
            bake_minutes: 10,
            canary_percent: Some(10.0),
            canary_minutes: Some(20),
            ..Default::default()
        };
        let steps = s.steps(2).join(" ");
        assert!(
            steps.contains("10 % of production traffic goes to the new tasks for 20 minutes"),
            "{steps}"
        );
        assert!(steps.contains("10 minutes of bake time"), "{steps}");
        assert!(steps.contains("2 new tasks"), "{steps}");
        assert_eq!(s.minimum_minutes(), 30);
        assert_eq!(
            s.summary(),
            "Canary: 10 % of traffic for 20 minutes, then all; the old tasks stay ready for 10 minutes of bake time."
        );
    }

    #[test]
    fn linear_steps_count_the_steps_and_pauses_say_what_happens_on_timeout() {
        let s = DeploymentStrategy {
            kind: StrategyKind::Linear,
            bake_minutes: 5,
            step_percent: Some(25.0),
            step_minutes: Some(2),
            pauses: vec![PauseHook {
                stages: vec!["POST_TEST_TRAFFIC_SHIFT".into()],
                timeout_minutes: 120,
                timeout_action: "ROLLBACK".into(),
            }],
            ..Default::default()
        };
        let steps = s.steps(2).join(" ");
        assert!(
            steps.contains("25 % at a time, every 2 minutes (4 steps)"),
            "{steps}"
        );
        assert!(
            steps.contains("pauses (test traffic on the new tasks)"),
            "{steps}"
        );
        assert!(
            steps.contains("after 120 minutes ECS will roll back by itself"),
            "{steps}"
        );
        assert_eq!(s.minimum_minutes(), 11);
        assert_eq!(
            StrategyKind::from_name(Some("LINEAR")),
            StrategyKind::Linear
        );
        assert_eq!(StrategyKind::from_name(None), StrategyKind::Rolling);
        assert_eq!(percent(12.5), "12.5");
    }
}
