//! RegisterClient, StartDeviceAuthorization and CreateToken (device-code, authorization-code
//! and refresh-token grants).

use super::{
    is_loopback_redirect, pkce_challenge, random_token, same_start_url, DeviceAuth, OidcClient,
    Token, ACCESS_TOKEN_SECONDS, CLIENT_SECONDS, DEVICE_CODE_SECONDS, DEVICE_INTERVAL_SECONDS,
    REFRESH_TOKEN_SECONDS,
};
use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::shape::Shape;
use crate::world::World;

/// The browser sign-in's grant.
const AUTH_CODE_GRANT: &str = "authorization_code";
/// The device sign-in's grant.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A user code like `ABCD-EFGH` (letters only, as IAM Identity Center shows them).
fn user_code() -> String {
    const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut s = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            s.push('-');
        }
        let idx = rand::random::<u8>() as usize % LETTERS.len();
        s.push(char::from(LETTERS[idx]));
    }
    s
}

fn invalid_request(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidRequestException", message)
}

/// The string `key` of a call, or the InvalidRequestException AWS answers when it is missing.
fn required<'a>(call: &'a Call, key: &str) -> Result<&'a str, AwsError> {
    call.str(key)
        .ok_or_else(|| invalid_request(format!("{key} is required")))
}

fn invalid_grant(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidGrantException", message)
}

fn invalid_client(message: impl Into<String>) -> AwsError {
    AwsError::with_status(401, "InvalidClientException", message)
}

pub(super) fn register_client(world: &mut World, call: &Call) -> Reply {
    let name = call
        .str("clientName")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid_request("clientName is required"))?;
    match call.str("clientType") {
        Some("public") => {}
        Some(other) => {
            return Err(invalid_request(format!(
                "clientType '{other}' is not supported; use public"
            )))
        }
        None => return Err(invalid_request("clientType is required")),
    }
    let grant_types = call.strings("grantTypes");
    let redirect_uris = call.strings("redirectUris");
    let auth_code = grant_types.iter().any(|g| g == AUTH_CODE_GRANT);
    // IAM Identity Center refuses a client for both browser and device sign-ins (reported as
    // InvalidScopeException by current tools; a 500 earlier): the AWS CLI registers one each.
    if auth_code && grant_types.iter().any(|g| g == DEVICE_GRANT) {
        return Err(AwsError::client(
            "InvalidScopeException",
            "A client may not be registered for both the authorization_code and the device_code grants",
        ));
    }
    if auth_code && redirect_uris.is_empty() {
        return Err(invalid_request(
            "redirectUris is required for the authorization_code grant",
        ));
    }
    for uri in &redirect_uris {
        if !is_loopback_redirect(uri) {
            return Err(AwsError::client(
                "InvalidRedirectUriException",
                format!("redirect URI {uri} is not an http loopback address"),
            ));
        }
    }
    let now = world.clock.now();
    let client = OidcClient {
        id: random_token("simclient-", 18),
        secret: random_token("simsecret-", 36),
        name: name.to_string(),
        issuer_url: call.str("issuerUrl").map(str::to_string),
        redirect_uris,
        grant_types,
        expires_at: now + CLIENT_SECONDS,
    };
    let reply = Shape::map([
        ("clientId", Shape::from(&client.id)),
        ("clientSecret", Shape::from(&client.secret)),
        ("clientIdIssuedAt", Shape::Int(now as i64)),
        (
            "clientSecretExpiresAt",
            Shape::Int(client.expires_at as i64),
        ),
        ("authorizationEndpoint", Shape::from("/authorize")),
        ("tokenEndpoint", Shape::from("/token")),
    ]);
    world.oidc.clients.insert(client.id.clone(), client);
    Ok(reply)
}

/// Check the client id and secret of a call; the client's record when they are good.
fn check_client<'a>(world: &'a World, call: &Call, now: f64) -> Result<&'a OidcClient, AwsError> {
    let id = required(call, "clientId")?;
    let secret = required(call, "clientSecret")?;
    let client = world
        .oidc
        .clients
        .get(id)
        .filter(|c| c.secret == secret)
        .ok_or_else(|| invalid_client("Invalid client id or secret"))?;
    if now >= client.expires_at {
        return Err(invalid_client("The client registration has expired"));
    }
    Ok(client)
}

/// A client registered for the browser sign-in (authorization code) may not start a device
/// sign-in; clients registered for the device grant, or with no grant types (as before
/// Identity Center knew the browser flow), may.
fn check_device_grant(client: &OidcClient) -> Result<(), AwsError> {
    if client.grant_types.iter().any(|g| g == AUTH_CODE_GRANT)
        && !client.grant_types.iter().any(|g| g == DEVICE_GRANT)
    {
        return Err(AwsError::client(
            "UnauthorizedClientException",
            "The client is not authorized to use the device_code grant",
        ));
    }
    Ok(())
}

pub(super) fn start_device_authorization(world: &mut World, call: &Call) -> Reply {
    let now = world.clock.now();
    let client = check_client(world, call, now)?;
    check_device_grant(client)?;
    let client_id = client.id.clone();
    let start_url = required(call, "startUrl")?;
    let Some(instance) = world
        .sso
        .iter()
        .find(|s| same_start_url(&s.start_url, start_url))
    else {
        return Err(invalid_request(format!(
            "{start_url} is not the start URL of an IAM Identity Center instance"
        )));
    };
    let stretch = world.clock.speed().max(1.0);
    let device_code = random_token("simdevice-", 36);
    let auth = DeviceAuth {
        client_id,
        start_url: instance.start_url.clone(),
        user_code: user_code(),
        expires_at: now + DEVICE_CODE_SECONDS as f64 * stretch,
        min_poll_gap: DEVICE_INTERVAL_SECONDS as f64 * stretch,
        approved: world.oidc.auto_approve,
        last_poll: None,
        used: false,
    };
    let verification_uri = format!("https://device.sso.{}.amazonaws.com/", instance.region);
    let reply = Shape::map([
        ("deviceCode", Shape::from(&device_code)),
        ("userCode", Shape::from(&auth.user_code)),
        ("verificationUri", Shape::from(&verification_uri)),
        (
            "verificationUriComplete",
            Shape::from(format!("{verification_uri}?user_code={}", auth.user_code)),
        ),
        ("expiresIn", Shape::Int(DEVICE_CODE_SECONDS)),
        ("interval", Shape::Int(DEVICE_INTERVAL_SECONDS)),
    ]);
    world.oidc.devices.insert(device_code, auth);
    Ok(reply)
}

pub(super) fn create_token(world: &mut World, call: &Call) -> Reply {
    let now = world.clock.now();
    let client = check_client(world, call, now)?;
    let client_id = client.id.clone();
    let may_refresh = client.grant_types.iter().any(|g| g == "refresh_token");
    let grant = required(call, "grantType")?;
    let (start_url, with_refresh) = match grant {
        DEVICE_GRANT => {
            check_device_grant(client)?;
            (redeem_device_code(world, call, &client_id, now)?, false)
        }
        "authorization_code" => (redeem_auth_code(world, call, &client_id, now)?, true),
        "refresh_token" => {
            let token = required(call, "refreshToken")?;
            let record = world
                .oidc
                .refresh_tokens
                .get(token)
                .filter(|t| t.client_id == client_id)
                .ok_or_else(|| invalid_grant("Invalid refresh token provided"))?;
            if record.revoked || now >= record.expires_at {
                return Err(invalid_grant(
                    "The refresh token has expired or was revoked",
                ));
            }
            (record.start_url.clone(), true)
        }
        other => {
            return Err(AwsError::client(
                "UnsupportedGrantTypeException",
                format!("grant type {other} is not supported"),
            ))
        }
    };
    // As in IAM Identity Center, a refresh token comes with the authorization-code grant, or with
    // any grant when the client registered for `refresh_token`.
    let refresh = if with_refresh || may_refresh {
        let token = random_token("simrefresh-", 48);
        world.oidc.refresh_tokens.insert(
            token.clone(),
            Token {
                start_url: start_url.clone(),
                client_id: client_id.clone(),
                expires_at: now + REFRESH_TOKEN_SECONDS,
                revoked: false,
            },
        );
        Some(token)
    } else {
        None
    };
    let access = random_token("simaccess-", 48);
    world.oidc.access_tokens.insert(
        access.clone(),
        Token {
            start_url,
            client_id,
            expires_at: now + ACCESS_TOKEN_SECONDS,
            revoked: false,
        },
    );
    Ok(Shape::map([
        ("accessToken", Shape::from(access)),
        ("tokenType", Shape::from("Bearer")),
        ("expiresIn", Shape::Int(ACCESS_TOKEN_SECONDS as i64)),
        ("refreshToken", Shape::from(refresh)),
    ]))
}

fn redeem_device_code(
    world: &mut World,
    call: &Call,
    client_id: &str,
    now: f64,
) -> Result<String, AwsError> {
    let code = required(call, "deviceCode")?;
    let auth = world
        .oidc
        .devices
        .get_mut(code)
        .filter(|a| a.client_id == client_id)
        .ok_or_else(|| invalid_grant("Invalid device code provided"))?;
    if now >= auth.expires_at {
        return Err(AwsError::client(
            "ExpiredTokenException",
            "The device code has expired",
        ));
    }
    if auth.used {
        return Err(invalid_grant("The device code was already used"));
    }
    let last = auth.last_poll.replace(now);
    if !auth.approved {
        if last.is_some_and(|t| now - t < auth.min_poll_gap) {
            return Err(AwsError::client(
                "SlowDownException",
                "Client is polling too quickly",
            ));
        }
        return Err(AwsError::client(
            "AuthorizationPendingException",
            "Authorization is still pending",
        ));
    }
    auth.used = true;
    Ok(auth.start_url.clone())
}

fn redeem_auth_code(
    world: &mut World,
    call: &Call,
    client_id: &str,
    now: f64,
) -> Result<String, AwsError> {
    let code = required(call, "code")?;
    let verifier = call.str("codeVerifier").unwrap_or("");
    let redirect_uri = call.str("redirectUri").unwrap_or("");
    let record = world
        .oidc
        .codes
        .get_mut(code)
        .filter(|c| c.client_id == client_id)
        .ok_or_else(|| invalid_grant("Invalid authorization code provided"))?;
    if record.used || now >= record.expires_at {
        return Err(invalid_grant(
            "The authorization code has expired or was already used",
        ));
    }
    if record.redirect_uri != redirect_uri {
        return Err(invalid_grant(
            "redirectUri does not match the authorization request",
        ));
    }
    if pkce_challenge(verifier) != record.challenge {
        return Err(invalid_grant(
            "codeVerifier does not match the code challenge",
        ));
    }
    record.used = true;
    Ok(record.start_url.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_look_like_identity_center_ones() {
        let c = user_code();
        assert_eq!(c.len(), 9);
        assert_eq!(&c[4..5], "-");
        assert!(c.chars().all(|ch| ch == '-' || ch.is_ascii_uppercase()));
    }
}
