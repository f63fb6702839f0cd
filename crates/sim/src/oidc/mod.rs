//! IAM Identity Center OIDC: client registration, the device-code flow, the authorization-code
//! flow with PKCE (including the browser page at `/authorize`), refresh tokens, and the access
//! tokens the SSO portal (`sso`) accepts.
//!
//! Access and refresh tokens live on the simulated clock. Device authorizations are for a person
//! at a browser, so their expiry and polling interval are stretched by the clock speed: a device
//! code stays valid for ten real minutes however fast the simulation runs.
//!
//! `state` holds clients, authorizations and tokens, `operations` answers RegisterClient,
//! StartDeviceAuthorization and CreateToken, and `authorize` serves the browser page.

mod authorize;
mod operations;
mod state;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::world::World;

pub use authorize::authorize_page;
pub use state::{AuthCode, DeviceAuth, OidcClient, OidcState, Token};

use operations::{create_token, register_client, start_device_authorization};

/// Seconds an access token stays valid (simulated).
pub const ACCESS_TOKEN_SECONDS: f64 = 3600.0;
/// Seconds a refresh token stays valid (simulated).
pub const REFRESH_TOKEN_SECONDS: f64 = 90.0 * 86400.0;
/// Seconds a client registration stays valid (simulated).
pub const CLIENT_SECONDS: f64 = 90.0 * 86400.0;
/// Seconds a device code stays valid, as told to the client.
pub const DEVICE_CODE_SECONDS: i64 = 600;
/// Polling interval told to device-flow clients (kept small so tests run quickly).
pub const DEVICE_INTERVAL_SECONDS: i64 = 1;
/// Seconds an authorization code stays valid.
const AUTH_CODE_SECONDS: f64 = 300.0;

/// A random URL-safe token with a readable prefix.
fn random_token(prefix: &str, bytes: usize) -> String {
    let raw: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}

/// The PKCE S256 challenge of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Run one SSO OIDC operation.
pub fn handle(world: &mut World, call: &Call) -> Reply {
    match call.operation.as_str() {
        "RegisterClient" => register_client(world, call),
        "StartDeviceAuthorization" => start_device_authorization(world, call),
        "CreateToken" => create_token(world, call),
        op => Err(AwsError::unknown_operation("sso-oidc", op)),
    }
}

/// Start URLs compare without a trailing slash or `#/`.
fn same_start_url(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> &str {
        s.trim_end_matches('/')
            .trim_end_matches('#')
            .trim_end_matches('/')
    }
    norm(a) == norm(b)
}

/// Approve every pending device authorization and turn on auto-approval of `/authorize`;
/// returns how many device authorizations were approved.
pub fn approve_all(world: &mut World) -> usize {
    let now = world.clock.now();
    world.oidc.auto_approve = true;
    let mut n = 0;
    for auth in world.oidc.devices.values_mut() {
        if !auth.approved && !auth.used && now < auth.expires_at {
            auth.approved = true;
            n += 1;
        }
    }
    n
}

/// `http://127.0.0.1:PORT/...` or `http://localhost:PORT/...` (RFC 8252 loopback redirect).
fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    url.scheme() == "http"
        && matches!(
            url.host_str(),
            Some("127.0.0.1") | Some("localhost") | Some("[::1]")
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn only_http_loopback_redirects_are_accepted() {
        assert!(is_loopback_redirect("http://127.0.0.1:4321/oauth/callback"));
        assert!(is_loopback_redirect("http://localhost:80/cb"));
        assert!(!is_loopback_redirect("https://127.0.0.1:4321/cb"));
        assert!(!is_loopback_redirect("http://evil.example:4321/cb"));
        assert!(!is_loopback_redirect("not a url"));
    }

    #[test]
    fn start_urls_ignore_trailing_slash() {
        assert!(same_start_url(
            "https://ecsdesk-demo.awsapps.com/start",
            "https://ecsdesk-demo.awsapps.com/start/"
        ));
        assert!(same_start_url(
            "https://ecsdesk-demo.awsapps.com/start",
            "https://ecsdesk-demo.awsapps.com/start#/"
        ));
        assert!(!same_start_url(
            "https://ecsdesk-demo.awsapps.com/start",
            "https://other.awsapps.com/start"
        ));
    }
}
