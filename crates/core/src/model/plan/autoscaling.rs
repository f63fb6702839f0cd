//! What auto scaling means for a scale plan: a desired count outside the scaler's limits does
//! not last (the scaler moves it back within minutes), so the plan says so and offers to change
//! the limits in the same action; a plan that changes the limits says how.

use super::PlanBody;
use crate::error::CoreError;
use crate::model::action::{ActionRequest, PlanAlternative};
use crate::model::count::tasks;
use crate::model::scaling::ScalingLimits;

/// `body` of a scale action, told what the scaler's limits `current` (None: not auto scaled) mean
/// for it. Other actions pass through unchanged.
pub fn with_limits(
    mut body: PlanBody,
    action: &ActionRequest,
    current: Option<ScalingLimits>,
) -> Result<PlanBody, CoreError> {
    let ActionRequest::SetDesiredCount { desired, limits } = action else {
        return Ok(body);
    };
    let d = *desired;
    match (current, limits) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err(CoreError::InvalidInput(
                "Auto scaling does not manage this service, so it has no limits to change."
                    .into(),
            ))
        }
        (Some(now), None) if now.holds(d) => body.notes.push(format!(
            "Auto scaling keeps this service between {} and {} and may change the count again as the load changes.",
            now.min,
            tasks(now.max)
        )),
        (Some(now), None) => {
            let back = if d > now.max { now.max } else { now.min };
            body.notes.insert(
                0,
                format!(
                    "Auto scaling keeps this service between {} and {}: within minutes it will change {d} back to {back}.",
                    now.min,
                    tasks(now.max)
                ),
            );
            let wider = now.widened_to(d);
            body.alternative = Some(PlanAlternative {
                action: ActionRequest::SetDesiredCount {
                    desired: d,
                    limits: Some(wider),
                },
                label: format!("Scale to {d} and set the limits to {}", wider.words()),
                why: "Changes auto scaling's limits in the same action, so the scaler does not take the count straight back."
                    .into(),
            });
        }
        (Some(now), Some(new)) => {
            if new.min < 0 || new.min > new.max {
                return Err(CoreError::InvalidInput(format!(
                    "The minimum ({}) must be between 0 and the maximum ({}).",
                    new.min, new.max
                )));
            }
            if !new.holds(d) {
                return Err(CoreError::InvalidInput(format!(
                    "{d} is outside the new limits ({}); choose limits that hold it.",
                    new.words()
                )));
            }
            body.title = format!("{} and set auto scaling to {}", body.title, new.words());
            body.steps.insert(
                0,
                format!(
                    "Application Auto Scaling's limits change from {} to {} (RegisterScalableTarget).",
                    now.words(),
                    new.words()
                ),
            );
            body.notes.push(
                "Auto scaling may still move the count within the new limits as the load changes."
                    .into(),
            );
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::action::RiskLevel;

    fn body() -> PlanBody {
        PlanBody {
            title: "Scale web from 3 tasks to 12 tasks".into(),
            steps: vec!["ECS starts 9 new tasks.".into()],
            risk: RiskLevel::Safe,
            risk_sentence: String::new(),
            downtime_expected: false,
            notes: Vec::new(),
            alternative: None,
        }
    }

    const NOW: ScalingLimits = ScalingLimits { min: 2, max: 8 };

    fn scale(desired: i32, limits: Option<ScalingLimits>) -> ActionRequest {
        ActionRequest::SetDesiredCount { desired, limits }
    }

    #[test]
    fn above_the_maximum_says_it_will_not_last_and_offers_wider_limits() {
        let b = with_limits(body(), &scale(12, None), Some(NOW)).unwrap();
        assert_eq!(
            b.notes[0],
            "Auto scaling keeps this service between 2 and 8 tasks: within minutes it will change 12 back to 8."
        );
        let alt = b.alternative.unwrap();
        assert_eq!(
            alt.action,
            scale(12, Some(ScalingLimits { min: 2, max: 12 }))
        );
        assert_eq!(alt.label, "Scale to 12 and set the limits to 2–12 tasks");
    }

    #[test]
    fn within_the_limits_only_notes_the_scaler() {
        let b = with_limits(body(), &scale(5, None), Some(NOW)).unwrap();
        assert!(b.alternative.is_none());
        assert!(b.notes[0].contains("may change the count again"));
        let plain = with_limits(body(), &scale(5, None), None).unwrap();
        assert_eq!(plain, body());
    }

    #[test]
    fn new_limits_become_the_first_step_and_must_hold_the_count() {
        let wide = Some(ScalingLimits { min: 2, max: 12 });
        let b = with_limits(body(), &scale(12, wide), Some(NOW)).unwrap();
        assert_eq!(
            b.steps[0],
            "Application Auto Scaling's limits change from 2–8 tasks to 2–12 tasks (RegisterScalableTarget)."
        );
        assert!(b.title.ends_with("and set auto scaling to 2–12 tasks"));
        assert!(with_limits(body(), &scale(13, wide), Some(NOW)).is_err());
        let upside_down = Some(ScalingLimits { min: 9, max: 3 });
        assert!(with_limits(body(), &scale(3, upside_down), Some(NOW)).is_err());
        assert!(with_limits(body(), &scale(12, wide), None).is_err());
    }
}
