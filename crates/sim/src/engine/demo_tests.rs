//! The engine on the demo world, where a behaviour needs the world's own state to show.

use crate::world::{Behaviour, World};

fn demo() -> World {
    let scenario = crate::scenario::Scenario::load("demo").expect("demo scenario");
    World::from_scenario(scenario, crate::clock::Clock::new(1.0)).expect("demo world")
}

/// As the ECS API documents `failedTasks`: once a task of the deployment runs successfully, the
/// count goes back to zero and is no longer evaluated, so failures after that do not count.
#[test]
fn failed_tasks_reset_once_a_task_of_the_deployment_runs() {
    let mut w = demo();
    let primary = |w: &World| {
        w.region("123456789012", "us-east-1")
            .and_then(|r| r.clusters.iter().find(|c| c.name == "start-failures"))
            .and_then(|c| {
                c.services
                    .iter()
                    .find(|s| s.name == "secrets-denied-Service")
            })
            .and_then(|s| s.deployments.first().cloned())
            .expect("the deployment")
    };
    let before = primary(&w);
    assert_eq!(before.rollout_state, "IN_PROGRESS");
    assert!(before.failed_tasks >= 1, "{before:?}");
    // The execution role is allowed to read the secret now: the next task ECS tries starts.
    let region = w.region_mut("123456789012", "us-east-1").expect("region");
    for td in region
        .task_definitions
        .iter_mut()
        .filter(|d| d.arn == before.task_definition)
    {
        td.behaviour = Some(Behaviour::Healthy);
    }
    let now = w.engine_time;
    super::advance_to(&mut w, now + 1_800.0);
    let after = primary(&w);
    assert_eq!(after.id, before.id);
    assert_eq!(after.failed_tasks, 0, "{after:?}");
    assert!(after.failures_settled);
    assert_eq!(after.rollout_state, "COMPLETED");
}
