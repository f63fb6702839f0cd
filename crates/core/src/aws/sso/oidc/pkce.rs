//! Authorization code + PKCE: the verifier and challenge, and the sign-in waiting for the
//! browser to come back to the loopback listener.

use super::*;

/// A browser sign-in waiting for the redirect (the listener is open until it completes or is
/// dropped).
#[derive(Debug)]
pub struct PendingPkceLogin {
    /// The authorization page to open in the browser.
    pub authorize_url: String,
    /// The loopback redirect URI the browser returns to.
    pub redirect_uri: String,
    pub(super) auth: SsoAuth,
    pub(super) session: SsoSession,
    pub(super) listener: TcpListener,
    pub(super) registration: ClientRegistration,
    pub(super) verifier: Secret,
    pub(super) state: String,
}

impl PendingPkceLogin {
    /// Waits (up to 10 minutes) for the browser's redirect, then exchanges the code for a token
    /// and stores it. The listener closes when this returns.
    pub async fn complete(
        self,
        progress: &(dyn Fn(LoginProgress) + Send + Sync),
        cancel: CancellationToken,
    ) -> Result<SsoSessionStatus, CoreError> {
        // The listener is handed over and closed as soon as the redirect arrived.
        let code =
            wait_for_callback(self.listener, &self.session.name, &self.state, &cancel).await?;
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

/// `len` random bytes as unpadded base64url (PKCE verifier, state).
pub(super) fn random_url_safe(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE S256 challenge of `verifier` (RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}
