//! IAM Identity Center portal operations (being written).

use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::world::World;

/// Run one SSO portal operation.
pub fn handle(_world: &mut World, call: &Call) -> Reply {
    Err(AwsError::unknown_operation("sso", &call.operation))
}
