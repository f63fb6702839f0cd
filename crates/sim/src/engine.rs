//! The behaviour engine: advances the world to the simulated now (being written).

use crate::world::World;

/// Advance every service's tasks, deployments, targets and logs to the clock's now.
pub fn advance(world: &mut World) {
    world.engine_time = world.clock.now();
}
