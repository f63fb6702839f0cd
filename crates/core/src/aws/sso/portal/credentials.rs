//! Role credentials through the portal: fetched with GetRoleCredentials, kept in memory and in
//! the keyring until shortly before they expire, and forgotten when AWS refuses them.

use super::*;

impl Portal {
    /// Credentials of `role_name` in `account_id`, from memory or the keyring while more than 5
    /// minutes are left, else from GetRoleCredentials.
    pub async fn role_credentials(
        &self,
        session: &SsoSession,
        account_id: &str,
        role_name: &str,
    ) -> Result<Credentials, CoreError> {
        let key = format!("{account_id}/{role_name}");
        {
            let mut state = self.inner.state.lock().await;
            if let Some(c) = state
                .credentials
                .get(&format!("{}|{key}", session.name))
                .filter(|c| c.fresh())
            {
                return Ok(c.to_credentials());
            }
            if let Some(stored) = self
                .keyring_credentials(session)
                .await
                .remove(&key)
                .filter(StoredCredentials::fresh)
            {
                state
                    .credentials
                    .insert(format!("{}|{key}", session.name), stored.clone());
                return Ok(stored.to_credentials());
            }
        }
        let token = self.inner.auth.access_token(session).await?;
        let (client, url) = self.inner.auth.portal_client(session).await;
        let out = {
            let _slot = self.inner.limiter.acquire().await?;
            client
                .get_role_credentials()
                .access_token(token.token.expose())
                .account_id(account_id)
                .role_name(role_name)
                .send()
                .await
                .map_err(|e| portal_error(e, session, "sso:GetRoleCredentials", &url))?
        };
        let creds = out.role_credentials().ok_or_else(|| CoreError::Aws {
            code: "InvalidResponse".into(),
            action: "sso:GetRoleCredentials".into(),
            message: "the answer has no credentials".into(),
            retryable: true,
        })?;
        let (Some(ak), Some(sk), Some(st)) = (
            creds.access_key_id(),
            creds.secret_access_key(),
            creds.session_token(),
        ) else {
            return Err(CoreError::Aws {
                code: "InvalidResponse".into(),
                action: "sso:GetRoleCredentials".into(),
                message: "the credentials are incomplete".into(),
                retryable: true,
            });
        };
        let stored = StoredCredentials {
            access_key_id: ak.to_string(),
            secret_access_key: sk.to_string(),
            session_token: st.to_string(),
            expiration: u64::try_from(creds.expiration() / 1000).unwrap_or(0),
        };
        let mut state = self.inner.state.lock().await;
        state
            .credentials
            .insert(format!("{}|{key}", session.name), stored.clone());
        let mut all = self.keyring_credentials(session).await;
        all.retain(|_, c| c.fresh());
        all.insert(key, stored.clone());
        self.save_keyring_credentials(session, &all).await?;
        Ok(stored.to_credentials())
    }

    /// Forgets the role credentials of `role_name` in `account_id` (memory and keyring), so the
    /// next use fetches new ones: AWS refused them although they had not reached their expiry.
    pub async fn forget_role_credentials(
        &self,
        session: &SsoSession,
        account_id: &str,
        role_name: &str,
    ) -> Result<(), CoreError> {
        let key = format!("{account_id}/{role_name}");
        let mut state = self.inner.state.lock().await;
        state.credentials.remove(&format!("{}|{key}", session.name));
        let mut all = self.keyring_credentials(session).await;
        if all.remove(&key).is_some() {
            self.save_keyring_credentials(session, &all).await?;
        }
        Ok(())
    }

    /// The role credentials of `session` kept in the keyring (empty if unreadable).
    pub(super) async fn keyring_credentials(
        &self,
        session: &SsoSession,
    ) -> HashMap<String, StoredCredentials> {
        let name = session.name.clone();
        let stored = secrets::blocking(self.inner.auth.secrets(), move |store| {
            store.get(&name, SecretKind::RoleCredentials)
        })
        .await
        .ok()
        .flatten();
        stored
            .and_then(|s| serde_json::from_str(s.expose()).ok())
            .unwrap_or_default()
    }

    /// Saves the role credentials of `session` in the keyring.
    pub(super) async fn save_keyring_credentials(
        &self,
        session: &SsoSession,
        all: &HashMap<String, StoredCredentials>,
    ) -> Result<(), CoreError> {
        let json = serde_json::to_string(all)
            .map_err(|e| CoreError::Internal(format!("could not encode credentials: {e}")))?;
        let name = session.name.clone();
        secrets::blocking(self.inner.auth.secrets(), move |store| {
            store.set(&name, SecretKind::RoleCredentials, &Secret::new(json))
        })
        .await
    }
}

/// Role credentials as kept in the keyring.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StoredCredentials {
    pub(super) access_key_id: String,
    pub(super) secret_access_key: String,
    pub(super) session_token: String,
    /// Expiry, seconds since the epoch.
    pub(super) expiration: u64,
}

impl std::fmt::Debug for StoredCredentials {
    // Hand-written so the keys never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "StoredCredentials({}, expires {})",
            self.access_key_id, self.expiration
        )
    }
}

impl StoredCredentials {
    /// SDK credentials.
    pub(super) fn to_credentials(&self) -> Credentials {
        Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            Some(self.session_token.clone()),
            Some(UNIX_EPOCH + Duration::from_secs(self.expiration)),
            PROVIDER_NAME,
        )
    }

    /// Whether they have more than the margin left.
    pub(super) fn fresh(&self) -> bool {
        let left = Duration::from_secs(self.expiration).checked_sub(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
        );
        left.is_some_and(|l| l > CREDENTIALS_MARGIN)
    }
}
