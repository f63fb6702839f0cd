//! IAM Identity Center OIDC: client registration, the device-code flow, the authorization-code
//! flow with PKCE (including the browser page at `/authorize`), refresh tokens, and the access
//! tokens the SSO portal (`sso`) accepts.
//!
//! Access and refresh tokens live on the simulated clock. Device authorizations are for a person
//! at a browser, so their expiry and polling interval are stretched by the clock speed: a device
//! code stays valid for ten real minutes however fast the simulation runs.

use std::collections::HashMap;

use base64::Engine;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use sha2::{Digest, Sha256};

use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::shape::Shape;
use crate::world::World;
use crate::SharedWorld;

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

/// A registered OIDC client.
#[derive(Debug, Clone)]
pub struct OidcClient {
    /// Client id.
    pub id: String,
    /// Client secret.
    pub secret: String,
    /// Name the client gave.
    pub name: String,
    /// Start URL given as `issuerUrl` (authorization-code clients).
    pub issuer_url: Option<String>,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Registered grant types (a refresh token is issued when `refresh_token` is among them).
    pub grant_types: Vec<String>,
    /// Registration expiry.
    pub expires_at: f64,
}

/// A device authorization waiting for the user.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    /// Client that started it.
    pub client_id: String,
    /// Start URL it signs in to.
    pub start_url: String,
    /// Code shown to the user.
    pub user_code: String,
    /// Expiry (simulated).
    pub expires_at: f64,
    /// Minimum gap between polls (simulated seconds).
    pub min_poll_gap: f64,
    /// Whether the user approved it.
    pub approved: bool,
    /// Last CreateToken poll.
    pub last_poll: Option<f64>,
    /// Whether a token was already issued for it.
    pub used: bool,
}

/// An authorization code handed to a loopback redirect.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// Client it was issued to.
    pub client_id: String,
    /// Redirect URI of the request (must match at CreateToken).
    pub redirect_uri: String,
    /// PKCE S256 challenge.
    pub challenge: String,
    /// Start URL it signs in to.
    pub start_url: String,
    /// Expiry.
    pub expires_at: f64,
    /// Whether it was redeemed.
    pub used: bool,
}

/// An issued access or refresh token.
#[derive(Debug, Clone)]
pub struct Token {
    /// Start URL (the SSO instance) it belongs to.
    pub start_url: String,
    /// Client it was issued to.
    pub client_id: String,
    /// Expiry.
    pub expires_at: f64,
    /// Revoked by logout or the control API.
    pub revoked: bool,
}

/// Registered clients, device authorizations, authorization codes and tokens.
#[derive(Debug, Clone, Default)]
pub struct OidcState {
    /// Clients by id.
    pub clients: HashMap<String, OidcClient>,
    /// Device authorizations by device code.
    pub devices: HashMap<String, DeviceAuth>,
    /// Authorization codes by code.
    pub codes: HashMap<String, AuthCode>,
    /// Access tokens by token.
    pub access_tokens: HashMap<String, Token>,
    /// Refresh tokens by token.
    pub refresh_tokens: HashMap<String, Token>,
    /// Set by `/_sim/sso/approve`: `/authorize` redirects at once and new device codes are
    /// approved as soon as they are started.
    pub auto_approve: bool,
}

impl OidcState {
    /// The SSO start URL of a live access token.
    pub fn token_start_url(&self, token: &str, now: f64) -> Option<&str> {
        self.access_tokens
            .get(token)
            .filter(|t| !t.revoked && now < t.expires_at)
            .map(|t| t.start_url.as_str())
    }

    /// Make every access token expire now (control API); returns how many were live.
    pub fn expire_access_tokens(&mut self, now: f64) -> usize {
        let mut n = 0;
        for t in self.access_tokens.values_mut() {
            if t.expires_at > now {
                t.expires_at = now;
                n += 1;
            }
        }
        n
    }

    /// Revoke every refresh token (control API); returns how many were live.
    pub fn revoke_refresh_tokens(&mut self) -> usize {
        let mut n = 0;
        for t in self.refresh_tokens.values_mut() {
            if !t.revoked {
                t.revoked = true;
                n += 1;
            }
        }
        n
    }
}

/// A random URL-safe token with a readable prefix.
fn random_token(prefix: &str, bytes: usize) -> String {
    let raw: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}

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

fn register_client(world: &mut World, call: &Call) -> Reply {
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
    if grant_types.iter().any(|g| g == "authorization_code") && redirect_uris.is_empty() {
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

fn start_device_authorization(world: &mut World, call: &Call) -> Reply {
    let now = world.clock.now();
    let client_id = check_client(world, call, now)?.id.clone();
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

/// Start URLs compare without a trailing slash or `#/`.
fn same_start_url(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> &str {
        s.trim_end_matches('/')
            .trim_end_matches('#')
            .trim_end_matches('/')
    }
    norm(a) == norm(b)
}

fn create_token(world: &mut World, call: &Call) -> Reply {
    let now = world.clock.now();
    let client = check_client(world, call, now)?;
    let client_id = client.id.clone();
    let may_refresh = client.grant_types.iter().any(|g| g == "refresh_token");
    let grant = required(call, "grantType")?;
    let (start_url, with_refresh) = match grant {
        "urn:ietf:params:oauth:grant-type:device_code" => {
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

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::shape::xml_escape_into(s, &mut out);
    out
}

fn page(status: u16, title: &str, body: &str) -> Response<Full<Bytes>> {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:32em;margin:4em auto;color:#232f3e}}\
         button{{font-size:1.1em;padding:.6em 1.4em;background:#ff9900;border:0;border-radius:4px}}</style>\
         </head><body>{body}</body></html>"
    );
    crate::server::plain(status, "text/html; charset=utf-8", html)
}

fn error_page(message: &str) -> Response<Full<Bytes>> {
    page(
        400,
        "Sign-in error",
        &format!(
            "<h1>Sign-in request rejected</h1><p id=\"error\">{}</p>",
            html_escape(message)
        ),
    )
}

/// `GET /authorize`: the browser page of the authorization-code flow. Redirects to the loopback
/// `redirect_uri` with `code` and `state` when approved (by the page's button, or at once after
/// `/_sim/sso/approve`); otherwise shows the consent page.
pub fn authorize_page(world: &SharedWorld, query: &str) -> Response<Full<Bytes>> {
    let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    if get("response_type") != "code" {
        return error_page("response_type must be code");
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").is_empty() {
        return error_page("a PKCE code_challenge with code_challenge_method=S256 is required");
    }
    let redirect_uri = get("redirect_uri");
    if !is_loopback_redirect(redirect_uri) {
        return error_page(
            "redirect_uri must be an http loopback address (http://127.0.0.1:PORT/...)",
        );
    }
    let Ok(mut w) = world.lock() else {
        return crate::server::plain(500, "text/plain", "simulator state poisoned");
    };
    let now = w.clock.now();
    let Some(client) = w.oidc.clients.get(get("client_id")) else {
        return error_page("unknown client_id");
    };
    if now >= client.expires_at {
        return error_page("the client registration has expired");
    }
    if !client.redirect_uris.is_empty() && !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return error_page("redirect_uri was not registered for this client");
    }
    let start_url = client
        .issuer_url
        .as_deref()
        .and_then(|issuer| w.sso.iter().find(|s| same_start_url(&s.start_url, issuer)))
        .or_else(|| w.sso.first())
        .map(|s| (s.start_url.clone(), s.user.clone()));
    let Some((start_url, user)) = start_url else {
        return error_page("this simulator has no IAM Identity Center instance");
    };
    let client_name = client.name.clone();
    if get("approve") == "1" || w.oidc.auto_approve {
        let code = random_token("simcode-", 24);
        w.oidc.codes.insert(
            code.clone(),
            AuthCode {
                client_id: get("client_id").to_string(),
                redirect_uri: redirect_uri.to_string(),
                challenge: get("code_challenge").to_string(),
                start_url,
                expires_at: now + AUTH_CODE_SECONDS,
                used: false,
            },
        );
        let Ok(mut target) = url::Url::parse(redirect_uri) else {
            return error_page("redirect_uri is not a URL");
        };
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", get("state"));
        return Response::builder()
            .status(302)
            .header("location", target.as_str())
            .header("content-type", "text/plain")
            .body(Full::new(Bytes::from(format!("Redirecting to {target}"))))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
    }
    let mut hidden = String::new();
    for (k, v) in &params {
        if k == "approve" {
            continue;
        }
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            html_escape(k),
            html_escape(v)
        ));
    }
    page(
        200,
        "Sign in to ECS Desk demo",
        &format!(
            "<h1>Sign in to ECS Desk demo — Allow access</h1>\
             <p><b>{}</b> is asking for access to your AWS accounts through {} as <b>{}</b>.</p>\
             <form method=\"get\" action=\"/authorize\">{hidden}\
             <input type=\"hidden\" name=\"approve\" value=\"1\">\
             <button id=\"allow\" type=\"submit\">Allow access</button></form>",
            html_escape(&client_name),
            html_escape(&start_url),
            html_escape(&user)
        ),
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
    fn user_codes_look_like_identity_center_ones() {
        let c = user_code();
        assert_eq!(c.len(), 9);
        assert_eq!(&c[4..5], "-");
        assert!(c.chars().all(|ch| ch == '-' || ch.is_ascii_uppercase()));
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
