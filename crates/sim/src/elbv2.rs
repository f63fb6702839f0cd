//! elbv2 operations (being written).

use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::world::World;

/// Run one elbv2 operation.
pub fn handle(_world: &mut World, _ctx: &Ctx, call: &Call) -> Reply {
    Err(AwsError::unknown_operation("elbv2", &call.operation))
}
