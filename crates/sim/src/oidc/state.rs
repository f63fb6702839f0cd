//! What IAM Identity Center OIDC remembers: registered clients, device authorizations,
//! authorization codes, and access and refresh tokens.

use std::collections::HashMap;

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
