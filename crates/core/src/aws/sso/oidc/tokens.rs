//! The signed-in token: stored in the AWS CLI cache and the keyring, read back, refreshed
//! before it expires (one refresh at a time per sso-session) and removed at sign-out.

use super::*;

impl SsoAuth {
    /// Stores a token: secrets in the keyring, then the CLI cache file(s).
    pub(super) async fn store(
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
    pub(super) async fn keyring_get(
        &self,
        session: &SsoSession,
        kind: SecretKind,
    ) -> Option<Secret> {
        let name = session.name.clone();
        secrets::blocking(&self.inner.secrets, move |store| store.get(&name, kind))
            .await
            .ok()
            .flatten()
    }

    /// The cached token of `session`, if it is for the session's start URL and region (a token
    /// left by an older configuration of the same name does not count).
    pub(super) fn cached_token(
        &self,
        session: &SsoSession,
    ) -> Result<Option<CachedToken>, CoreError> {
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
    pub(super) fn refresh_lock(&self, session: &str) -> Arc<Mutex<()>> {
        match self.inner.refresh_locks.lock() {
            Ok(mut locks) => locks.entry(session.to_string()).or_default().clone(),
            Err(_) => Arc::new(Mutex::new(())),
        }
    }

    /// Refreshes `token` (the caller holds the session's refresh lock).
    pub(super) async fn refresh_locked(
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
