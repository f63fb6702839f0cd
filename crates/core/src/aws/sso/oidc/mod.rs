//! Signing in with sso-oidc, run by ECS Desk itself (the AWS SDK for Rust only reads and
//! refreshes the token cache):
//!
//! - authorization code + PKCE (default): a one-shot listener on a random 127.0.0.1 port receives
//!   the browser's redirect at `/oauth/callback`, checks `state` (in constant time), answers a
//!   small page and closes; each connection has its own task, a 2 s read timeout and a capped
//!   request head, so idle local connections cannot stall the sign-in;
//! - device code (fallback): the user enters a code at a verification page while ECS Desk polls
//!   CreateToken, honouring `interval`, `slow_down` (+5 s) and the code's expiry.
//!
//! Then the token goes to the AWS CLI cache and the secrets to the keyring. [`SsoAuth::access_token`]
//! refreshes it with the refresh token before it expires; when that is impossible the error is
//! [`CoreError::SignInRequired`] so the UI can ask for a new sign-in without leaving its view.

mod device;
mod loopback;
mod pkce;
mod registration;
mod tokens;

pub use device::PendingDeviceLogin;
use loopback::wait_for_callback;
use pkce::random_url_safe;
pub use pkce::{pkce_challenge, PendingPkceLogin};

use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use aws_config::{BehaviorVersion, Region};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::aws::sso::cache::{CachedToken, ClientRegistration, TokenCache};
use crate::aws::sso::config::SsoSession;
use crate::aws::sso::secrets;
use crate::aws::sso::secrets::{Secret, SecretKind, SecretStore};
use crate::aws::sso::SsoEndpoints;
use crate::error::CoreError;
use crate::model::partition::Partition;
use crate::util::time::rfc3339;

/// Grant type of the device-code flow.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Grant type of the authorization-code flow.
const AUTH_CODE_GRANT: &str = "authorization_code";
/// Grant type of a refresh.
const REFRESH_GRANT: &str = "refresh_token";
/// Path of the loopback redirect.
const CALLBACK_PATH: &str = "/oauth/callback";
/// A token with less than this left is refreshed before use.
pub const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);
/// A registration with less than this left is replaced before a sign-in.
const REGISTRATION_MARGIN: Duration = Duration::from_secs(60 * 60);
/// How long the browser sign-in may take.
const PKCE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// How long one connection to the loopback listener may take to send its request head (a
/// browser sends it at once; an idle connection is closed after this).
const CALLBACK_READ_TIMEOUT: Duration = Duration::from_secs(2);
/// Largest request head the loopback listener reads (the redirect is well under 2 KiB).
const MAX_CALLBACK_REQUEST: usize = 8 * 1024;
/// Connections the loopback listener serves at once; more are closed on arrival.
const MAX_CALLBACK_CONNECTIONS: usize = 64;
/// Extra seconds added to the polling interval on `SlowDownException` (RFC 8628).
const SLOW_DOWN_SECONDS: u64 = 5;
/// Polling interval when the server gives none (RFC 8628).
const DEFAULT_INTERVAL_SECONDS: u64 = 5;
/// Errors of CreateToken (refresh) that mean the refresh token or client is no good any more.
const SIGN_IN_AGAIN_CODES: &[&str] = &[
    "InvalidGrantException",
    "ExpiredTokenException",
    "InvalidClientException",
    "UnauthorizedClientException",
    "AccessDeniedException",
];

/// How to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LoginMethod {
    /// Authorization code + PKCE in the system browser (default).
    Browser,
    /// Device code typed at the verification page (fallback).
    DeviceCode,
}

/// What a running sign-in tells the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum LoginProgress {
    /// Open this URL in the system browser (and show it so it can be pasted elsewhere).
    OpenBrowser {
        /// The authorization page.
        url: String,
    },
    /// Show this code large, with the page where it is entered.
    DeviceCode {
        /// The code the user types.
        user_code: String,
        /// The page to enter it at.
        verification_uri: String,
        /// The page with the code filled in.
        verification_uri_complete: Option<String>,
        /// When the code stops working (RFC 3339).
        expires_at: String,
    },
    /// Still waiting for the user to approve; next check in `interval_seconds`.
    Waiting {
        /// Seconds until the next check.
        interval_seconds: u64,
    },
    /// The service asked to poll less often.
    SlowDown {
        /// The new polling interval.
        interval_seconds: u64,
    },
    /// Approved; fetching the token.
    Exchanging,
    /// Signed in.
    SignedIn {
        /// The new state of the session.
        status: SsoSessionStatus,
    },
    /// The sign-in stopped without success; `error.code` is `Cancelled`, `SignInRequired` (code
    /// expired, refused) or another error code.
    Failed {
        /// What went wrong.
        error: crate::error::ErrorPayload,
    },
}

/// Sign-in state of one sso-session, for the header countdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SsoSessionStatus {
    /// The sso-session name.
    pub session: String,
    /// Its start URL.
    pub start_url: String,
    /// Its SSO region.
    pub region: String,
    /// Its partition (GovCloud is marked in the UI).
    pub partition: Partition,
    /// Whether a token that has not expired is cached.
    pub signed_in: bool,
    /// When the cached access token expires (RFC 3339).
    pub expires_at: Option<String>,
    /// Whether ECS Desk can refresh it without the user.
    pub refreshable: bool,
}

/// A usable access token (redacted in `Debug`).
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The bearer token.
    pub token: Secret,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// sso-oidc and sso portal clients of one endpoint and region.
#[derive(Clone)]
struct Clients {
    oidc: aws_sdk_ssooidc::Client,
    portal: aws_sdk_sso::Client,
    oidc_url: String,
    portal_url: String,
}

/// Shared state behind [`SsoAuth`].
#[derive(Debug)]
struct Inner {
    cache: TokenCache,
    secrets: Arc<dyn SecretStore>,
    endpoints: SsoEndpoints,
    clients: StdMutex<HashMap<String, ClientsEntry>>,
    refresh_locks: StdMutex<HashMap<String, Arc<Mutex<()>>>>,
}

/// A cached set of clients (wrapped so `Inner` can derive `Debug`).
#[derive(Clone)]
struct ClientsEntry(Clients);

impl std::fmt::Debug for ClientsEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clients({}, {})", self.0.oidc_url, self.0.portal_url)
    }
}

/// Sign-in, refresh and sign-out of sso-sessions (cheap to clone).
#[derive(Debug, Clone)]
pub struct SsoAuth {
    inner: Arc<Inner>,
}

impl SsoAuth {
    /// Signs in against `endpoints`, caching tokens in `cache` and secrets in `secrets`.
    pub fn new(cache: TokenCache, secrets: Arc<dyn SecretStore>, endpoints: SsoEndpoints) -> Self {
        SsoAuth {
            inner: Arc::new(Inner {
                cache,
                secrets,
                endpoints,
                clients: StdMutex::new(HashMap::new()),
                refresh_locks: StdMutex::new(HashMap::new()),
            }),
        }
    }

    /// The app's setup: `~/.aws/sso/cache`, the OS keyring (memory when there is none) and
    /// endpoints from the environment.
    pub fn from_env() -> Result<Self, CoreError> {
        Ok(SsoAuth::new(
            TokenCache::default_location()?,
            Arc::new(secrets::SystemStore::new()),
            SsoEndpoints::from_env(),
        ))
    }

    /// The token cache.
    pub fn cache(&self) -> &TokenCache {
        &self.inner.cache
    }

    /// The secret store.
    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.inner.secrets
    }

    /// Whether sign-in secrets are kept in a keyring (false: in memory until the app quits, the
    /// refresh token and client secret also in the AWS CLI cache file). May block once (D-Bus).
    pub async fn keyring_available(&self) -> bool {
        secrets::blocking(&self.inner.secrets, |store| Ok(store.keyring_available()))
            .await
            .unwrap_or(false)
    }

    /// Where the sso-oidc and portal APIs are reached (AWS, or an override).
    pub fn endpoints(&self) -> &SsoEndpoints {
        &self.inner.endpoints
    }

    /// The sso-oidc and portal clients of `region`, built once.
    async fn clients(&self, region: &str) -> Clients {
        if let Ok(map) = self.inner.clients.lock() {
            if let Some(entry) = map.get(region) {
                return entry.0.clone();
            }
        }
        let oidc_url = self.inner.endpoints.oidc_url(region);
        let portal_url = self.inner.endpoints.portal_url(region);
        // Both APIs are unsigned (bearer token or client secret in the request), so no
        // credentials are loaded; the endpoints are set on each client so a global override
        // never sends SSO calls elsewhere. Retries and timeouts follow the app's one policy.
        let shared = crate::aws::retry::policy()
            .apply(
                aws_config::defaults(BehaviorVersion::latest())
                    .region(Region::new(region.to_string()))
                    .no_credentials(),
            )
            .load()
            .await;
        let oidc_config = aws_sdk_ssooidc::config::Builder::from(&shared)
            .endpoint_url(&oidc_url)
            .build();
        let portal_config = aws_sdk_sso::config::Builder::from(&shared)
            .endpoint_url(&portal_url)
            .build();
        let clients = Clients {
            oidc: aws_sdk_ssooidc::Client::from_conf(oidc_config),
            portal: aws_sdk_sso::Client::from_conf(portal_config),
            oidc_url,
            portal_url,
        };
        if let Ok(mut map) = self.inner.clients.lock() {
            map.insert(region.to_string(), ClientsEntry(clients.clone()));
        }
        clients
    }

    /// The portal client of `session` and its URL (for the portal module).
    pub(crate) async fn portal_client(
        &self,
        session: &SsoSession,
    ) -> (aws_sdk_sso::Client, String) {
        let clients = self.clients(&session.region).await;
        (clients.portal, clients.portal_url)
    }

    /// Signs in to `session` with `method`, telling `progress` what to show; `cancel` stops it.
    pub async fn login(
        &self,
        session: &SsoSession,
        method: LoginMethod,
        progress: &(dyn Fn(LoginProgress) + Send + Sync),
        cancel: CancellationToken,
    ) -> Result<SsoSessionStatus, CoreError> {
        let status = match method {
            LoginMethod::Browser => {
                let pending = self.begin_pkce_login(session).await?;
                progress(LoginProgress::OpenBrowser {
                    url: pending.authorize_url.clone(),
                });
                pending.complete(progress, cancel).await?
            }
            LoginMethod::DeviceCode => {
                let pending = self.begin_device_login(session).await?;
                progress(pending.progress());
                pending.complete(progress, cancel).await?
            }
        };
        progress(LoginProgress::SignedIn {
            status: status.clone(),
        });
        Ok(status)
    }

    /// Starts a browser sign-in: binds the loopback listener, registers the client and builds the
    /// authorization URL to open. Finish with [`PendingPkceLogin::complete`].
    pub async fn begin_pkce_login(
        &self,
        session: &SsoSession,
    ) -> Result<PendingPkceLogin, CoreError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
            CoreError::Internal(format!(
                "could not open the sign-in listener on 127.0.0.1: {e}"
            ))
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| CoreError::Internal(format!("sign-in listener has no address: {e}")))?
            .port();
        let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
        // The port changes with every sign-in and a service may match redirect URIs exactly, so
        // the browser flow registers a client for this redirect URI (the port-less form too, as
        // the AWS CLI registers). Refreshes reuse that registration; a device sign-in registers
        // its own, as Identity Center refuses one client for both grants.
        let registration = self
            .register(
                session,
                vec![
                    format!("http://127.0.0.1{CALLBACK_PATH}"),
                    redirect_uri.clone(),
                ],
            )
            .await?;
        let verifier = random_url_safe(64);
        let state = random_url_safe(32);
        let challenge = pkce_challenge(&verifier);
        let oidc_url = self.inner.endpoints.oidc_url(&session.region);
        let mut url = url::Url::parse(&format!("{oidc_url}/authorize")).map_err(|e| {
            CoreError::InvalidInput(format!(
                "the SSO OIDC endpoint {oidc_url} is not a URL: {e}"
            ))
        })?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &registration.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("scopes", &session.scopes().join(" "));
        Ok(PendingPkceLogin {
            authorize_url: url.to_string(),
            redirect_uri,
            auth: self.clone(),
            session: session.clone(),
            listener,
            registration,
            verifier: Secret::new(verifier),
            state,
        })
    }

    /// Exchanges a grant for a token and stores it (keyring first, then the cache files, so a
    /// failing keyring leaves the files untouched).
    async fn finish_sign_in(
        &self,
        session: &SsoSession,
        registration: &ClientRegistration,
        request: aws_sdk_ssooidc::operation::create_token::builders::CreateTokenFluentBuilder,
        oidc_url: &str,
    ) -> Result<SsoSessionStatus, CoreError> {
        let out = request
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, "sso-oidc:CreateToken", oidc_url))?;
        let token = token_from(session, registration, &out)?;
        self.store(session, &token, Some(registration)).await?;
        Ok(status_of(session, Some(&token)))
    }
}

/// Start URLs compare without a trailing `/` or `#/` (the portal accepts both forms).
fn same_start_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.trim_end_matches('/')
            .trim_end_matches('#')
            .trim_end_matches('/')
            .to_string()
    };
    norm(a) == norm(b)
}

/// The error for a session with no cached token.
fn not_signed_in(session: &SsoSession) -> CoreError {
    CoreError::SignInRequired {
        session: session.name.clone(),
        detail: "not signed in yet".into(),
    }
}

/// The name used in the client registration.
fn session_label(session: &SsoSession) -> String {
    if session.legacy {
        "legacy".to_string()
    } else {
        session.name.clone()
    }
}

/// The status shown for `session` with `token`.
fn status_of(session: &SsoSession, token: Option<&CachedToken>) -> SsoSessionStatus {
    let now = Utc::now();
    SsoSessionStatus {
        session: session.name.clone(),
        start_url: session.start_url.clone(),
        region: session.region.clone(),
        partition: session.partition,
        signed_in: token.is_some_and(|t| t.expires_at > now),
        expires_at: token.map(|t| rfc3339(t.expires_at)),
        refreshable: token.is_some_and(|t| t.refresh_token.is_some() && t.client_id.is_some()),
    }
}

/// The cached token of a CreateToken answer.
fn token_from(
    session: &SsoSession,
    registration: &ClientRegistration,
    out: &aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
) -> Result<CachedToken, CoreError> {
    let access_token = out.access_token().ok_or_else(|| CoreError::Aws {
        code: "InvalidResponse".into(),
        action: "sso-oidc:CreateToken".into(),
        message: "the answer has no access token".into(),
        retryable: true,
    })?;
    let expires_in = i64::from(out.expires_in().max(0));
    Ok(CachedToken {
        start_url: session.start_url.clone(),
        region: session.region.clone(),
        access_token: access_token.to_string(),
        expires_at: Utc::now() + chrono::Duration::seconds(expires_in),
        client_id: Some(registration.client_id.clone()),
        client_secret: Some(registration.client_secret.clone()),
        registration_expires_at: Some(registration.expires_at),
        refresh_token: out.refresh_token().map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::loopback::{parse_callback, Callback};
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let v = random_url_safe(64);
        assert!((43..=128).contains(&v.len()), "{}", v.len());
        assert_ne!(v, random_url_safe(64));
    }

    #[test]
    fn callback_parsing_checks_path_and_state() {
        let req = |target: &str| format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assert_eq!(
            parse_callback(&req("/oauth/callback?code=abc&state=s1"), "s1"),
            Callback::Code("abc".into())
        );
        assert_eq!(
            parse_callback(&req("/oauth/callback?code=abc&state=other"), "s1"),
            Callback::WrongState
        );
        assert_eq!(
            parse_callback(&req("/oauth/callback?code=abc"), "s1"),
            Callback::WrongState
        );
        // A prefix or an extension of our state is not ours.
        assert_eq!(
            parse_callback(&req("/oauth/callback?code=abc&state=s"), "s1"),
            Callback::WrongState
        );
        assert_eq!(
            parse_callback(&req("/oauth/callback?code=abc&state=s12"), "s1"),
            Callback::WrongState
        );
        assert_eq!(parse_callback(&req("/favicon.ico"), "s1"), Callback::Other);
        assert_eq!(
            parse_callback("POST /oauth/callback HTTP/1.1\r\n\r\n", "s1"),
            Callback::Other
        );
        assert!(matches!(
            parse_callback(&req("/oauth/callback?error=access_denied&state=s1"), "s1"),
            Callback::Denied(r) if r.contains("access_denied")
        ));
    }

    #[test]
    fn progress_serialises_with_kind_tag() {
        let p = LoginProgress::DeviceCode {
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://device".into(),
            verification_uri_complete: None,
            expires_at: "2030-01-01T00:00:00Z".into(),
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["kind"], "deviceCode");
        assert_eq!(json["userCode"], "ABCD-EFGH");
    }
}
