//! Registering ECS Desk as an sso-oidc client, or reusing a registration the AWS CLI or an
//! earlier sign-in left in the cache.

use super::*;

impl SsoAuth {
    /// The cached registration of `session` if it has more than a margin left: from the token
    /// file, the registration file, with the secret from the keyring when the file has none.
    pub(super) async fn cached_registration(
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

    /// Registers a public client for `session`: for the browser sign-in when `redirect_uris` are
    /// given, else for the device sign-in; refreshes either way (Identity Center refuses one
    /// client for both sign-ins).
    pub(super) async fn register(
        &self,
        session: &SsoSession,
        redirect_uris: Vec<String>,
    ) -> Result<ClientRegistration, CoreError> {
        let clients = self.clients(&session.region).await;
        let first = if redirect_uris.is_empty() {
            DEVICE_GRANT
        } else {
            AUTH_CODE_GRANT
        };
        let grant_types = vec![first.to_string(), REFRESH_GRANT.to_string()];
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
}
