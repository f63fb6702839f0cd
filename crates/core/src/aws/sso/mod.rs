//! Sign-in through IAM Identity Center (AWS SSO) in both partitions, run by ECS Desk itself.
//!
//! - [`config`]: `[sso-session]` sections and SSO profiles of the AWS config file; adding a new
//!   sso-session exactly as `aws configure sso-session` writes it.
//! - [`oidc`]: sign-in with sso-oidc (authorization code + PKCE through a one-shot 127.0.0.1
//!   listener, or the device code), client registration, refresh, sign-out.
//! - [`portal`]: accounts and roles of the portal (paged, rate-limited, cached), favourites, and
//!   role credentials for SDK clients.
//! - [`cache`]: the token cache shared with the AWS CLI.
//! - [`secrets`]: the OS keyring.
//!
//! # Where things are kept
//! | what | where |
//! |---|---|
//! | access token, its expiry, client id | `~/.aws/sso/cache/<sha1(session)>.json` (AWS CLI format, 0600) |
//! | refresh token, client secret | the OS keyring (service "ECS Desk", account `sso/<session>/...`), and also in the cache file above, because `aws` commands and the AWS SDKs read and refresh the token from there |
//! | client registration | `~/.aws/sso/cache/<botocore registration key>.json` (AWS CLI format, 0600) and the client secret in the keyring |
//! | role credentials (GetRoleCredentials) | memory and the OS keyring only, until 5 minutes before they expire |
//!
//! Without a keyring (no Secret Service), as the AWS CLI: the refresh token and client secret are
//! only in the 0600 cache file above, role credentials only in memory until the app quits.
//! | account and role lists, favourites | JSON files in the app's data folder (no secrets) |
//!
//! Reading prefers the cache file (the AWS CLI may have refreshed or replaced the sign-in) and
//! falls back to the keyring for a refresh token or client secret the file lacks.

pub mod cache;
pub mod config;
pub mod oidc;
pub mod portal;
pub mod rate_limit;
pub mod role_credentials;
pub mod secrets;

pub use cache::{CachedToken, ClientRegistration, TokenCache};
pub use config::{
    add_sso_session, find_session, load_sso_config, read_sso_config, sso_partition, SsoConfig,
    SsoProfile, SsoSession,
};
pub use oidc::{
    AccessToken, LoginMethod, LoginProgress, PendingDeviceLogin, PendingPkceLogin, SsoAuth,
    SsoSessionStatus,
};
pub use portal::{AccountInfo, Portal, RoleInfo};
pub use role_credentials::RoleCredentialsProvider;
pub use secrets::{KeyringStore, MemoryStore, Secret, SecretKind, SecretStore, SystemStore};

/// Writes the TypeScript declaration of every sign-in type that crosses the bridge into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), crate::CoreError> {
    use ts_rs::TS;
    let fail = |e: ts_rs::ExportError| {
        crate::CoreError::Internal(format!("exporting TypeScript bindings: {e}"))
    };
    SsoSession::export_all_to(dir).map_err(fail)?;
    SsoProfile::export_all_to(dir).map_err(fail)?;
    LoginMethod::export_all_to(dir).map_err(fail)?;
    LoginProgress::export_all_to(dir).map_err(fail)?;
    SsoSessionStatus::export_all_to(dir).map_err(fail)?;
    AccountInfo::export_all_to(dir).map_err(fail)?;
    RoleInfo::export_all_to(dir).map_err(fail)?;
    Ok(())
}

/// Environment variable with the SSO OIDC endpoint override (as the AWS SDKs read it).
const ENV_OIDC_ENDPOINT: &str = "AWS_ENDPOINT_URL_SSO_OIDC";
/// Environment variable with the SSO portal endpoint override.
const ENV_PORTAL_ENDPOINT: &str = "AWS_ENDPOINT_URL_SSO";
/// Environment variable with the endpoint override of every service.
const ENV_ANY_ENDPOINT: &str = "AWS_ENDPOINT_URL";

/// Where the sso-oidc and sso (portal) APIs are reached. `None` means the AWS endpoint of the
/// SSO region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsoEndpoints {
    /// sso-oidc endpoint override.
    pub oidc: Option<String>,
    /// sso portal endpoint override.
    pub portal: Option<String>,
}

impl SsoEndpoints {
    /// The AWS endpoints, or the overrides `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_SSO`
    /// and `AWS_ENDPOINT_URL` (the service-specific one wins), as the AWS SDKs honour them.
    pub fn from_env() -> SsoEndpoints {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let any = var(ENV_ANY_ENDPOINT);
        SsoEndpoints {
            oidc: var(ENV_OIDC_ENDPOINT).or_else(|| any.clone()),
            portal: var(ENV_PORTAL_ENDPOINT).or(any),
        }
    }

    /// Both APIs at one URL (the simulator).
    pub fn fixed(url: &str) -> SsoEndpoints {
        SsoEndpoints {
            oidc: Some(url.to_string()),
            portal: Some(url.to_string()),
        }
    }

    /// The sso-oidc base URL for `region`.
    pub fn oidc_url(&self, region: &str) -> String {
        self.oidc
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com"))
    }

    /// The portal base URL for `region`.
    pub fn portal_url(&self, region: &str) -> String {
        self.portal
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_export_every_bridge_type() {
        let dir = tempfile::tempdir().unwrap();
        export_bindings(dir.path()).unwrap();
        for name in [
            "SsoSession",
            "SsoProfile",
            "LoginMethod",
            "LoginProgress",
            "SsoSessionStatus",
            "AccountInfo",
            "RoleInfo",
        ] {
            assert!(dir.path().join(format!("{name}.ts")).exists(), "{name}");
        }
        let progress = std::fs::read_to_string(dir.path().join("LoginProgress.ts")).unwrap();
        assert!(progress.contains("\"kind\": \"deviceCode\""), "{progress}");
        assert!(progress.contains("userCode"), "{progress}");
    }

    #[test]
    fn endpoints_default_to_the_region_and_honour_overrides() {
        let none = SsoEndpoints::default();
        assert_eq!(
            none.oidc_url("us-gov-west-1"),
            "https://oidc.us-gov-west-1.amazonaws.com"
        );
        assert_eq!(
            none.portal_url("us-east-1"),
            "https://portal.sso.us-east-1.amazonaws.com"
        );
        let sim = SsoEndpoints::fixed("http://127.0.0.1:9/");
        assert_eq!(sim.oidc_url("us-east-1"), "http://127.0.0.1:9");
        assert_eq!(sim.portal_url("us-gov-west-1"), "http://127.0.0.1:9");
    }
}
