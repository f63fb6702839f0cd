//! The plan of a scale to a set number of tasks, and the kind of change it is (the kind decides
//! its risk, so the app also checks before running it that the kind is still the same).

use super::{PlanBody, MAX_DESIRED_COUNT};
use crate::error::CoreError;
use crate::model::action::RiskLevel;
use crate::model::count::tasks;
use crate::model::reading::ServiceSnapshot;

/// What a scale from one count to another does, as far as its risk goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleKind {
    /// Nothing to do.
    Same,
    /// Stops every task.
    ToZero,
    /// Stops some tasks.
    Down,
    /// Brings a service with no tasks back.
    FromZero,
    /// Adds tasks.
    Up,
}

impl ScaleKind {
    /// The kind of a scale `from` tasks `to` tasks.
    pub fn of(from: i32, to: i32) -> ScaleKind {
        match (from, to) {
            _ if from == to => ScaleKind::Same,
            (_, 0) => ScaleKind::ToZero,
            _ if to < from => ScaleKind::Down,
            (0, _) => ScaleKind::FromZero,
            _ => ScaleKind::Up,
        }
    }
}

/// The plan of scaling `snap`'s service to `d` tasks.
pub(super) fn scale(
    snap: &ServiceSnapshot,
    d: i32,
    notes: Vec<String>,
) -> Result<PlanBody, CoreError> {
    let service = snap.name.as_str();
    let n = snap.desired;
    if !(0..=MAX_DESIRED_COUNT).contains(&d) {
        return Err(CoreError::InvalidInput(format!(
            "Choose a number of tasks from 0 to {MAX_DESIRED_COUNT}. For more, ask your platform team."
        )));
    }
    let title = format!("Scale {service} from {} to {}", tasks(n), tasks(d));
    let (steps, risk, sentence, downtime) = match ScaleKind::of(n, d) {
        ScaleKind::Same => {
            return Err(CoreError::InvalidInput(format!(
                "{service} already wants {}.",
                tasks(n)
            )))
        }
        ScaleKind::ToZero => (
            vec![
                format!("ECS stops all {} (open connections drain first).", tasks(n)),
                "The service stays defined with 0 tasks; scale it up again to bring it back."
                    .to_string(),
            ],
            RiskLevel::Danger,
            "Scaling to zero stops every task: the service will be down until you scale it up again.".to_string(),
            true,
        ),
        ScaleKind::Down => (
            vec![format!(
                "ECS stops {} (open connections drain first); {} keep serving.",
                tasks(n - d),
                tasks(d)
            )],
            RiskLevel::Caution,
            format!("Capacity drops from {n} to {d}; if the remaining tasks are too busy, requests may slow down or fail."),
            false,
        ),
        kind @ (ScaleKind::FromZero | ScaleKind::Up) => {
            let mut steps = vec![format!(
                "ECS starts {} of {}.",
                tasks(d - n).replace("task", "new task"),
                snap.task_definition
            )];
            steps.push(if snap.has_load_balancer {
                "Each receives traffic once it passes the load balancer's health checks."
                    .to_string()
            } else {
                "Each starts working once it is running.".to_string()
            });
            let sentence = if kind == ScaleKind::FromZero {
                "The service comes back once the new tasks are running and healthy (a few minutes).".to_string()
            } else {
                "Adds capacity; running tasks are not touched.".to_string()
            };
            (steps, RiskLevel::Safe, sentence, false)
        }
    };
    Ok(PlanBody {
        title,
        steps,
        risk,
        risk_sentence: sentence,
        downtime_expected: downtime,
        notes,
        alternative: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_counts() {
        assert_eq!(ScaleKind::of(4, 4), ScaleKind::Same);
        assert_eq!(ScaleKind::of(4, 0), ScaleKind::ToZero);
        assert_eq!(ScaleKind::of(4, 2), ScaleKind::Down);
        assert_eq!(ScaleKind::of(0, 2), ScaleKind::FromZero);
        assert_eq!(ScaleKind::of(4, 12), ScaleKind::Up);
        assert_eq!(ScaleKind::of(5, 12), ScaleKind::of(4, 12));
        assert_ne!(ScaleKind::of(13, 12), ScaleKind::of(4, 12));
    }
}
