//! Signing in with sso-oidc, run by ECS Desk itself (the AWS SDK for Rust only reads and
//! refreshes the token cache):
//!
//! - authorization code + PKCE (default): a one-shot listener on a random 127.0.0.1 port receives
//!   the browser's redirect at `/oauth/callback`, checks `state`, answers a small page and closes;
//! - device code (fallback): the user enters a code at a verification page while ECS Desk polls
//!   CreateToken, honouring `interval`, `slow_down` (+5 s) and the code's expiry.
//!
//! Then the token goes to the AWS CLI cache and the secrets to the keyring. [`SsoAuth::access_token`]
//! refreshes it with the refresh token before it expires; when that is impossible the error is
//! [`CoreError::SignInRequired`] so the UI can ask for a new sign-in without leaving its view.

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
/// How long one browser connection to the loopback listener may take to send its request.
const CALLBACK_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head the loopback listener reads.
const MAX_CALLBACK_REQUEST: usize = 16 * 1024;
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

    /// The app's setup: `~/.aws/sso/cache`, the OS keyring and endpoints from the environment.
    pub fn from_env() -> Result<Self, CoreError> {
        Ok(SsoAuth::new(
            TokenCache::default_location()?,
            Arc::new(secrets::KeyringStore::new()),
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
        // the AWS CLI registers). Refreshes and device sign-ins reuse that registration.
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

    /// Starts a device-code sign-in: the code to show and where to enter it. Finish with
    /// [`PendingDeviceLogin::complete`].
    pub async fn begin_device_login(
        &self,
        session: &SsoSession,
    ) -> Result<PendingDeviceLogin, CoreError> {
        let registration = self.registration_for_device(session).await?;
        let clients = self.clients(&session.region).await;
        let out = clients
            .oidc
            .start_device_authorization()
            .client_id(&registration.client_id)
            .client_secret(&registration.client_secret)
            .start_url(&session.start_url)
            .send()
            .await
            .map_err(|e| {
                CoreError::from_sdk(e, "sso-oidc:StartDeviceAuthorization", &clients.oidc_url)
            })?;
        let missing = |what: &str| CoreError::Aws {
            code: "InvalidResponse".into(),
            action: "sso-oidc:StartDeviceAuthorization".into(),
            message: format!("the answer has no {what}"),
            retryable: true,
        };
        let device_code = out.device_code().ok_or_else(|| missing("deviceCode"))?;
        let user_code = out.user_code().ok_or_else(|| missing("userCode"))?;
        let verification_uri = out
            .verification_uri()
            .ok_or_else(|| missing("verificationUri"))?;
        let interval = u64::try_from(out.interval())
            .ok()
            .filter(|i| *i > 0)
            .unwrap_or(DEFAULT_INTERVAL_SECONDS);
        let expires_in = i64::from(out.expires_in().max(1));
        Ok(PendingDeviceLogin {
            user_code: user_code.to_string(),
            verification_uri: verification_uri.to_string(),
            verification_uri_complete: out.verification_uri_complete().map(str::to_string),
            expires_at: Utc::now() + chrono::Duration::seconds(expires_in),
            interval: Duration::from_secs(interval),
            auth: self.clone(),
            session: session.clone(),
            registration,
            device_code: Secret::new(device_code),
        })
    }

    /// A still-valid cached registration of `session`, or a new one (device flow).
    async fn registration_for_device(
        &self,
        session: &SsoSession,
    ) -> Result<ClientRegistration, CoreError> {
        if let Some(registration) = self.cached_registration(session).await? {
            return Ok(registration);
        }
        self.register(session, Vec::new()).await
    }

    /// The cached registration of `session` if it has more than a margin left: from the token
    /// file, the registration file, with the secret from the keyring when the file has none.
    async fn cached_registration(
        &self,
        session: &SsoSession,
    ) -> Result<Option<ClientRegistration>, CoreError> {
        let margin = chrono::Duration::from_std(REGISTRATION_MARGIN).unwrap_or_default();
        let fresh = |at: DateTime<Utc>| at - Utc::now() > margin;
        // A malformed file is not reused (and not overwritten unless the sign-in succeeds).
        if let Ok(Some(reg)) = self.inner.cache.read_registration(session) {
            if fresh(reg.expires_at) {
                return Ok(Some(reg));
            }
        }
        let Ok(Some(token)) = self.cached_token(session) else {
            return Ok(None);
        };
        let (Some(client_id), Some(expires_at)) = (token.client_id, token.registration_expires_at)
        else {
            return Ok(None);
        };
        if !fresh(expires_at) {
            return Ok(None);
        }
        let secret = match token.client_secret {
            Some(secret) => Some(secret),
            None => self
                .keyring_get(session, SecretKind::ClientSecret)
                .await
                .map(|s| s.expose().to_string()),
        };
        Ok(secret.map(|client_secret| ClientRegistration {
            client_id,
            client_secret,
            expires_at,
            scopes: session.scopes(),
            grant_types: Vec::new(),
        }))
    }

    /// Registers a public client for `session` with every grant ECS Desk uses.
    async fn register(
        &self,
        session: &SsoSession,
        redirect_uris: Vec<String>,
    ) -> Result<ClientRegistration, CoreError> {
        let clients = self.clients(&session.region).await;
        let mut grant_types = vec![REFRESH_GRANT.to_string(), DEVICE_GRANT.to_string()];
        if !redirect_uris.is_empty() {
            grant_types.insert(0, AUTH_CODE_GRANT.to_string());
        }
        let out = clients
            .oidc
            .register_client()
            .client_name(format!("ecs-desk-{}", session_label(session)))
            .client_type("public")
            .set_scopes(Some(session.scopes()))
            .set_grant_types(Some(grant_types.clone()))
            .set_redirect_uris((!redirect_uris.is_empty()).then_some(redirect_uris))
            .issuer_url(&session.start_url)
            .send()
            .await
            .map_err(|e| CoreError::from_sdk(e, "sso-oidc:RegisterClient", &clients.oidc_url))?;
        let (Some(client_id), Some(client_secret)) = (out.client_id(), out.client_secret()) else {
            return Err(CoreError::Aws {
                code: "InvalidResponse".into(),
                action: "sso-oidc:RegisterClient".into(),
                message: "the answer has no client id or secret".into(),
                retryable: true,
            });
        };
        let expires_at = DateTime::from_timestamp(out.client_secret_expires_at(), 0)
            .filter(|t| *t > Utc::now())
            .unwrap_or_else(|| Utc::now() + chrono::Duration::days(90));
        Ok(ClientRegistration {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            expires_at,
            scopes: session.scopes(),
            grant_types,
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

    /// Stores a token: secrets in the keyring, then the CLI cache file(s).
    async fn store(
        &self,
        session: &SsoSession,
        token: &CachedToken,
        registration: Option<&ClientRegistration>,
    ) -> Result<(), CoreError> {
        let name = session.name.clone();
        let refresh = token.refresh_token.clone().map(Secret::new);
        let client_secret = token.client_secret.clone().map(Secret::new);
        secrets::blocking(&self.inner.secrets, move |store| {
            match &refresh {
                Some(r) => store.set(&name, SecretKind::RefreshToken, r)?,
                None => store.delete(&name, SecretKind::RefreshToken)?,
            }
            if let Some(c) = &client_secret {
                store.set(&name, SecretKind::ClientSecret, c)?;
            }
            Ok(())
        })
        .await?;
        if let Some(registration) = registration {
            self.inner.cache.write_registration(session, registration)?;
        }
        self.inner.cache.write_token(session, token)
    }

    /// A keyring secret of `session`; a keyring that cannot be read counts as empty (the AWS
    /// CLI cache file is the other source).
    async fn keyring_get(&self, session: &SsoSession, kind: SecretKind) -> Option<Secret> {
        let name = session.name.clone();
        secrets::blocking(&self.inner.secrets, move |store| store.get(&name, kind))
            .await
            .ok()
            .flatten()
    }

    /// The cached token of `session`, if it is for the session's start URL and region (a token
    /// left by an older configuration of the same name does not count).
    fn cached_token(&self, session: &SsoSession) -> Result<Option<CachedToken>, CoreError> {
        let token = self.inner.cache.read_token(session)?;
        Ok(token.filter(|t| {
            same_start_url(&t.start_url, &session.start_url) && t.region == session.region
        }))
    }

    /// The sign-in state of `session` from the cache (no network).
    pub fn status(&self, session: &SsoSession) -> Result<SsoSessionStatus, CoreError> {
        let token = self.cached_token(session)?;
        Ok(status_of(session, token.as_ref()))
    }

    /// The sign-in state of every session of `config`, for the session list (a session whose
    /// cache file is unreadable shows as signed out; signing in replaces the file).
    pub fn statuses(&self, config: &crate::aws::sso::SsoConfig) -> Vec<SsoSessionStatus> {
        config
            .sessions
            .iter()
            .map(|s| self.status(s).unwrap_or_else(|_| status_of(s, None)))
            .collect()
    }

    /// A valid access token of `session`, refreshed first when less than 5 minutes are left.
    /// [`CoreError::SignInRequired`] when there is none and it cannot be refreshed.
    pub async fn access_token(&self, session: &SsoSession) -> Result<AccessToken, CoreError> {
        let lock = self.refresh_lock(&session.name);
        let _guard = lock.lock().await;
        let token = self
            .cached_token(session)?
            .ok_or_else(|| not_signed_in(session))?;
        let window = chrono::Duration::from_std(REFRESH_WINDOW).unwrap_or_default();
        if token.expires_at - Utc::now() > window {
            return Ok(AccessToken {
                token: Secret::new(token.access_token),
                expires_at: token.expires_at,
            });
        }
        self.refresh_locked(session, token).await
    }

    /// Refreshes the token of `session` now, whatever its expiry.
    pub async fn refresh(&self, session: &SsoSession) -> Result<SsoSessionStatus, CoreError> {
        let lock = self.refresh_lock(&session.name);
        let _guard = lock.lock().await;
        let token = self
            .cached_token(session)?
            .ok_or_else(|| not_signed_in(session))?;
        self.refresh_locked(session, token).await?;
        self.status(session)
    }

    /// The per-session lock that keeps two refreshes from racing (a refresh token may rotate).
    fn refresh_lock(&self, session: &str) -> Arc<Mutex<()>> {
        match self.inner.refresh_locks.lock() {
            Ok(mut locks) => locks.entry(session.to_string()).or_default().clone(),
            Err(_) => Arc::new(Mutex::new(())),
        }
    }

    /// Refreshes `token` (the caller holds the session's refresh lock).
    async fn refresh_locked(
        &self,
        session: &SsoSession,
        token: CachedToken,
    ) -> Result<AccessToken, CoreError> {
        let still_valid = token.expires_at > Utc::now();
        let refresh_token = match &token.refresh_token {
            Some(r) => Some(Secret::new(r.clone())),
            None => self.keyring_get(session, SecretKind::RefreshToken).await,
        };
        let client_secret = match &token.client_secret {
            Some(c) => Some(Secret::new(c.clone())),
            None => self.keyring_get(session, SecretKind::ClientSecret).await,
        };
        let registration_ok = token
            .registration_expires_at
            .is_none_or(|at| at > Utc::now());
        let (Some(refresh_token), Some(client_id), Some(client_secret), true) = (
            refresh_token,
            token.client_id.clone(),
            client_secret,
            registration_ok,
        ) else {
            return if still_valid {
                Ok(AccessToken {
                    token: Secret::new(token.access_token),
                    expires_at: token.expires_at,
                })
            } else {
                Err(CoreError::SignInRequired {
                    session: session.name.clone(),
                    detail: "the sign-in has expired and cannot be renewed without you".into(),
                })
            };
        };
        let clients = self.clients(&session.region).await;
        let result = clients
            .oidc
            .create_token()
            .grant_type(REFRESH_GRANT)
            .client_id(&client_id)
            .client_secret(client_secret.expose())
            .refresh_token(refresh_token.expose())
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(err) => {
                let code = err.code().unwrap_or_default().to_string();
                if SIGN_IN_AGAIN_CODES.contains(&code.as_str()) {
                    return Err(CoreError::SignInRequired {
                        session: session.name.clone(),
                        detail: format!(
                            "{code}: {}",
                            err.message().unwrap_or("the refresh was refused")
                        ),
                    });
                }
                let mapped = CoreError::from_sdk(err, "sso-oidc:CreateToken", &clients.oidc_url);
                // A refresh that failed for a passing reason (network, throttling) does not
                // stop a token that still works.
                return if still_valid {
                    Ok(AccessToken {
                        token: Secret::new(token.access_token),
                        expires_at: token.expires_at,
                    })
                } else {
                    Err(mapped)
                };
            }
        };
        let registration = ClientRegistration {
            client_id,
            client_secret: client_secret.expose().to_string(),
            expires_at: token
                .registration_expires_at
                .unwrap_or_else(|| Utc::now() + chrono::Duration::days(1)),
            scopes: session.scopes(),
            grant_types: Vec::new(),
        };
        let mut fresh = token_from(session, &registration, &out)?;
        fresh.registration_expires_at = token.registration_expires_at;
        if fresh.refresh_token.is_none() {
            // Keep the refresh token when the service did not rotate it.
            fresh.refresh_token = Some(refresh_token.expose().to_string());
        }
        self.store(session, &fresh, None).await?;
        Ok(AccessToken {
            token: Secret::new(fresh.access_token),
            expires_at: fresh.expires_at,
        })
    }

    /// Signs out of `session`: sso Logout (best effort), then the cache files and every keyring
    /// entry of the session are removed.
    pub async fn logout(&self, session: &SsoSession) -> Result<(), CoreError> {
        // A malformed cache file is still deleted: signing out must always work.
        if let Ok(Some(token)) = self.inner.cache.read_token(session) {
            if token.expires_at > Utc::now() {
                let clients = self.clients(&session.region).await;
                // Best effort: the token may already be revoked or the network down; the local
                // sign-in is removed either way.
                let _ = clients
                    .portal
                    .logout()
                    .access_token(&token.access_token)
                    .send()
                    .await;
            }
        }
        // Files first: a keyring that cannot be reached must not keep the user signed in.
        self.inner.cache.delete_token(session)?;
        self.inner.cache.delete_registration(session)?;
        let name = session.name.clone();
        secrets::blocking(&self.inner.secrets, move |store| {
            for kind in SecretKind::ALL {
                store.delete(&name, kind)?;
            }
            Ok(())
        })
        .await
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

/// A browser sign-in waiting for the redirect (the listener is open until it completes or is
/// dropped).
#[derive(Debug)]
pub struct PendingPkceLogin {
    /// The authorization page to open in the browser.
    pub authorize_url: String,
    /// The loopback redirect URI the browser returns to.
    pub redirect_uri: String,
    auth: SsoAuth,
    session: SsoSession,
    listener: TcpListener,
    registration: ClientRegistration,
    verifier: Secret,
    state: String,
}

impl PendingPkceLogin {
    /// Waits (up to 10 minutes) for the browser's redirect, then exchanges the code for a token
    /// and stores it. The listener closes when this returns.
    pub async fn complete(
        self,
        progress: &(dyn Fn(LoginProgress) + Send + Sync),
        cancel: CancellationToken,
    ) -> Result<SsoSessionStatus, CoreError> {
        let code =
            wait_for_callback(&self.listener, &self.session.name, &self.state, &cancel).await?;
        drop(self.listener);
        progress(LoginProgress::Exchanging);
        let clients = self.auth.clients(&self.session.region).await;
        let request = clients
            .oidc
            .create_token()
            .grant_type(AUTH_CODE_GRANT)
            .client_id(&self.registration.client_id)
            .client_secret(&self.registration.client_secret)
            .code(code.expose())
            .redirect_uri(&self.redirect_uri)
            .code_verifier(self.verifier.expose());
        self.auth
            .finish_sign_in(
                &self.session,
                &self.registration,
                request,
                &clients.oidc_url,
            )
            .await
    }
}

/// A device-code sign-in waiting for the user to enter the code.
#[derive(Debug)]
pub struct PendingDeviceLogin {
    /// The code to show.
    pub user_code: String,
    /// The page to enter it at.
    pub verification_uri: String,
    /// The page with the code filled in.
    pub verification_uri_complete: Option<String>,
    /// When the code expires.
    pub expires_at: DateTime<Utc>,
    /// Time between polls, as the service asked (`interval`); `slow_down` answers lengthen it.
    pub interval: Duration,
    auth: SsoAuth,
    session: SsoSession,
    registration: ClientRegistration,
    device_code: Secret,
}

impl PendingDeviceLogin {
    /// What the UI shows for this code.
    pub fn progress(&self) -> LoginProgress {
        LoginProgress::DeviceCode {
            user_code: self.user_code.clone(),
            verification_uri: self.verification_uri.clone(),
            verification_uri_complete: self.verification_uri_complete.clone(),
            expires_at: rfc3339(self.expires_at),
        }
    }

    /// Polls CreateToken until the user approves, the code expires or `cancel` fires; then stores
    /// the token.
    pub async fn complete(
        self,
        progress: &(dyn Fn(LoginProgress) + Send + Sync),
        cancel: CancellationToken,
    ) -> Result<SsoSessionStatus, CoreError> {
        let clients = self.auth.clients(&self.session.region).await;
        let mut interval = self.interval;
        loop {
            if Utc::now() >= self.expires_at {
                return Err(code_expired(&self.session));
            }
            tokio::select! {
                () = cancel.cancelled() => return Err(CoreError::Cancelled("The sign-in was cancelled.".into())),
                () = tokio::time::sleep(interval) => {}
            }
            let result = clients
                .oidc
                .create_token()
                .grant_type(DEVICE_GRANT)
                .client_id(&self.registration.client_id)
                .client_secret(&self.registration.client_secret)
                .device_code(self.device_code.expose())
                .send()
                .await;
            match result {
                Ok(out) => {
                    progress(LoginProgress::Exchanging);
                    let token = token_from(&self.session, &self.registration, &out)?;
                    self.auth
                        .store(&self.session, &token, Some(&self.registration))
                        .await?;
                    return Ok(status_of(&self.session, Some(&token)));
                }
                Err(err) => match err.code() {
                    Some("AuthorizationPendingException") => {
                        progress(LoginProgress::Waiting {
                            interval_seconds: interval.as_secs(),
                        });
                    }
                    Some("SlowDownException") => {
                        interval += Duration::from_secs(SLOW_DOWN_SECONDS);
                        progress(LoginProgress::SlowDown {
                            interval_seconds: interval.as_secs(),
                        });
                    }
                    Some("ExpiredTokenException") => return Err(code_expired(&self.session)),
                    _ => {
                        return Err(CoreError::from_sdk(
                            err,
                            "sso-oidc:CreateToken",
                            &clients.oidc_url,
                        ))
                    }
                },
            }
        }
    }
}

/// The error when the device code expired before approval.
fn code_expired(session: &SsoSession) -> CoreError {
    CoreError::SignInRequired {
        session: session.name.clone(),
        detail: "the sign-in code expired before it was approved; start the sign-in again".into(),
    }
}

/// `len` random bytes as unpadded base64url (PKCE verifier, state).
fn random_url_safe(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE S256 challenge of `verifier` (RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What one request to the loopback listener was.
#[derive(Debug, PartialEq, Eq)]
enum Callback {
    /// The redirect with our state and a code.
    Code(String),
    /// The redirect with an OAuth error.
    Denied(String),
    /// A redirect whose state is not ours (ignored: it did not come from this sign-in).
    WrongState,
    /// Anything else (favicon, probes).
    Other,
}

/// Classifies a request head sent to the loopback listener.
fn parse_callback(head: &str, state: &str) -> Callback {
    let Some(target) = head
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("GET "))
        .and_then(|rest| rest.split(' ').next())
    else {
        return Callback::Other;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return Callback::Other;
    }
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if params.get("state").map(String::as_str) != Some(state) {
        return Callback::WrongState;
    }
    if let Some(error) = params.get("error") {
        let description = params
            .get("error_description")
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return Callback::Denied(format!("{error}{description}"));
    }
    match params.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Callback::Code(code.clone()),
        None => Callback::Denied("the redirect carried no code".into()),
    }
}

/// Serves the loopback listener until the redirect of this sign-in arrives.
async fn wait_for_callback(
    listener: &TcpListener,
    session: &str,
    state: &str,
    cancel: &CancellationToken,
) -> Result<Secret, CoreError> {
    let deadline = tokio::time::Instant::now() + PKCE_TIMEOUT;
    loop {
        let accepted = tokio::select! {
            () = cancel.cancelled() => return Err(CoreError::Cancelled("The sign-in was cancelled.".into())),
            () = tokio::time::sleep_until(deadline) => return Err(CoreError::SignInRequired {
                session: session.to_string(),
                detail: "the browser sign-in was not finished within 10 minutes; start it again".into(),
            }),
            accepted = listener.accept() => accepted,
        };
        let Ok((mut stream, _)) = accepted else {
            continue;
        };
        let Ok(Ok(head)) =
            tokio::time::timeout(CALLBACK_READ_TIMEOUT, read_head(&mut stream)).await
        else {
            continue;
        };
        match parse_callback(&head, state) {
            Callback::Code(code) => {
                respond(
                    &mut stream,
                    200,
                    "Signed in",
                    "You are signed in to ECS Desk. You can close this window.",
                )
                .await;
                return Ok(Secret::new(code));
            }
            Callback::Denied(reason) => {
                respond(
                    &mut stream,
                    400,
                    "Sign-in failed",
                    "The sign-in was not completed. Go back to ECS Desk and try again.",
                )
                .await;
                return Err(CoreError::SignInRequired {
                    session: session.to_string(),
                    detail: format!("the sign-in page answered {reason}"),
                });
            }
            Callback::WrongState => {
                respond(&mut stream, 400, "Sign-in failed", "This sign-in link is not the one ECS Desk is waiting for. Start the sign-in again from ECS Desk.").await;
            }
            Callback::Other => respond(&mut stream, 404, "Not found", "Nothing here.").await,
        }
    }
}

/// Reads an HTTP request head (up to the blank line, at most [`MAX_CALLBACK_REQUEST`] bytes).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_CALLBACK_REQUEST {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Answers the browser with a small page and closes the connection.
async fn respond(stream: &mut TcpStream, status: u16, title: &str, text: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ECS Desk — {title}</title></head>\
         <body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\"><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    // The browser may already have gone; nothing to do about it.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
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
