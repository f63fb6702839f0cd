//! IAM Identity Center OIDC operations (being written).

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;

use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::world::World;
use crate::SharedWorld;

/// Registered clients, device authorizations, authorization codes and tokens.
#[derive(Debug, Clone, Default)]
pub struct OidcState {}

/// Run one SSO OIDC operation.
pub fn handle(_world: &mut World, call: &Call) -> Reply {
    Err(AwsError::unknown_operation("sso-oidc", &call.operation))
}

/// Approve every pending device authorization and authorization request; returns how many.
pub fn approve_all(_world: &mut World) -> usize {
    0
}

/// `GET /authorize`: the browser page of the authorization-code flow.
pub fn authorize_page(_world: &SharedWorld, _query: &str) -> Response<Full<Bytes>> {
    crate::server::plain(501, "text/plain", "not yet")
}
