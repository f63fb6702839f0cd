//! The credentials provider of an SSO session: role credentials from the portal, kept until
//! shortly before they expire.

use crate::aws::sso::config::SsoSession;
use crate::aws::sso::portal::Portal;
use crate::error::CoreError;
use aws_credential_types::provider::{self, error::CredentialsError, ProvideCredentials};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// SDK credentials of one role of an sso-session, fetched through the [`Portal`].
#[derive(Debug, Clone)]
pub struct RoleCredentialsProvider {
    portal: Portal,
    session: SsoSession,
    account_id: String,
    role_name: String,
    /// Set when AWS refused the credentials (shared by every clone of this provider).
    rejected: Arc<AtomicBool>,
}

impl RoleCredentialsProvider {
    /// Tells the provider AWS refused its credentials (expired or revoked on AWS's side); the
    /// next request fetches new ones instead of reusing the cached ones.
    pub fn credentials_rejected(&self) {
        self.rejected.store(true, Ordering::SeqCst);
    }
}

impl ProvideCredentials for RoleCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            if self.rejected.swap(false, Ordering::SeqCst) {
                // Best effort: if the keyring cannot be written the memory copy is still gone.
                let _ = self
                    .portal
                    .forget_role_credentials(&self.session, &self.account_id, &self.role_name)
                    .await;
            }
            self.portal
                .role_credentials(&self.session, &self.account_id, &self.role_name)
                .await
                .map_err(|e| match e {
                    CoreError::SignInRequired { .. } => CredentialsError::not_loaded(e),
                    other => CredentialsError::provider_error(other),
                })
        })
    }
}

impl Portal {
    /// A credentials provider for SDK clients of `role_name` in `account_id` (refreshes through
    /// the portal when the SDK asks again).
    pub fn role_credentials_provider(
        &self,
        session: &SsoSession,
        account_id: &str,
        role_name: &str,
    ) -> RoleCredentialsProvider {
        RoleCredentialsProvider {
            portal: self.clone(),
            session: session.clone(),
            account_id: account_id.to_string(),
            role_name: role_name.to_string(),
            rejected: Arc::new(AtomicBool::new(false)),
        }
    }
}
