//! Device-code sign-in: the code the user types at the verification page, polled until the
//! user allows it, slowed down or expired.

use super::*;

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
