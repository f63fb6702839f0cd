//! Device-code sign-in: the code the user types at the verification page, polled until the
//! user allows it, slowed down or expired.

use super::*;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

impl SsoAuth {
    /// Starts a device-code sign-in: the code to show and where to enter it. Finish with
    /// [`PendingDeviceLogin::complete`].
    pub async fn begin_device_login(
        &self,
        session: &SsoSession,
    ) -> Result<PendingDeviceLogin, CoreError> {
        let clients = self.clients(&session.region).await;
        let start = |registration: &ClientRegistration| {
            clients
                .oidc
                .start_device_authorization()
                .client_id(&registration.client_id)
                .client_secret(&registration.client_secret)
                .start_url(&session.start_url)
                .send()
        };
        let device_error =
            |e| CoreError::from_sdk(e, "sso-oidc:StartDeviceAuthorization", &clients.oidc_url);
        // A cached registration is tried when its grants allow the device sign-in (or are not
        // recorded); one Identity Center refuses (the AWS CLI's browser sign-in leaves one
        // without the device grant) is replaced by a new registration, once.
        let mut started = None;
        let cached = self.cached_registration(session).await?;
        if let Some(cached) = cached.filter(allows_device) {
            match start(&cached).await {
                Ok(out) => started = Some((cached, out)),
                Err(e) if refuses_client(&e) => {}
                Err(e) => return Err(device_error(e)),
            }
        }
        let (registration, out) = match started {
            Some(found) => found,
            None => {
                let fresh = self.register(session, Vec::new()).await?;
                let out = start(&fresh).await.map_err(device_error)?;
                (fresh, out)
            }
        };
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
}

/// Whether a registration may start a device sign-in, as far as its recorded grants tell (none
/// recorded: perhaps; Identity Center answers).
fn allows_device(registration: &ClientRegistration) -> bool {
    registration.grant_types.is_empty()
        || registration.grant_types.iter().any(|g| g == DEVICE_GRANT)
}

/// Whether StartDeviceAuthorization refused the client itself (its grants, or it is unknown).
fn refuses_client<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    matches!(
        err.as_service_error().and_then(|e| e.code()),
        Some("UnauthorizedClientException" | "InvalidClientException")
    )
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
    pub(super) auth: SsoAuth,
    pub(super) session: SsoSession,
    pub(super) registration: ClientRegistration,
    pub(super) device_code: Secret,
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
pub(super) fn code_expired(session: &SsoSession) -> CoreError {
    CoreError::SignInRequired {
        session: session.name.clone(),
        detail: "the sign-in code expired before it was approved; start the sign-in again".into(),
    }
}
