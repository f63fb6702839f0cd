//! Sign-in as the app runs it: the sso-sessions of the AWS config with their state, adding one,
//! a browser or device-code sign-in that runs in the background and reports progress, sign-out,
//! the portal's accounts and roles, and opening a session for a role of an account.
//!
//! The pieces (config, sso-oidc, token cache, keyring, portal) live in [`crate::aws::sso`]; this module
//! ties them to the [`SessionRegistry`] so the shell's commands stay one-line delegations.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::aws::session::{SessionInfo, SessionRegistry, SessionSource};
use crate::aws::sso;
use crate::aws::sso::oidc::REFRESH_WINDOW;
use crate::aws::sso::{
    AccountInfo, LoginMethod, LoginProgress, Portal, RoleInfo, SsoAuth, SsoConfig, SsoEndpoints,
    SsoSession, SsoSessionStatus, SystemStore, TokenCache,
};
use crate::error::{CoreError, ErrorPayload};
use crate::model::links::LinkPolicy;

/// Where a running sign-in reports its progress.
pub type ProgressSink = Arc<dyn Fn(LoginProgress) + Send + Sync>;

/// What the UI shows right after a sign-in started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoginStarted {
    /// The URL to open (`openBrowser`) or the code to enter (`deviceCode`).
    pub progress: LoginProgress,
    /// Whether the system browser was opened; if not, the user opens the URL by hand.
    pub browser_opened: bool,
}

/// The sign-in side of the app: sso-sessions, sign-ins in progress, and the portal (cheap to
/// clone).
#[derive(Debug, Clone)]
pub struct SignIn {
    portal: Portal,
    config_file: Option<PathBuf>,
    endpoint_url: Option<String>,
    pending: Arc<Mutex<HashMap<String, (u64, CancellationToken)>>>,
    next_id: Arc<AtomicU64>,
}

impl SignIn {
    /// Sign-in through `portal` (and its [`SsoAuth`]).
    pub fn new(portal: Portal) -> SignIn {
        SignIn {
            portal,
            config_file: None,
            endpoint_url: None,
            pending: Arc::new(Mutex::new(HashMap::new())),
            next_id: Arc::new(AtomicU64::new(1)),
        }
    }

    /// The app's setup: the AWS CLI token cache (`~/.aws/sso/cache`), the OS keyring (memory when
    /// the system has none), endpoints from the environment, and account lists and favourites in
    /// `data_dir`.
    pub fn from_env(data_dir: PathBuf) -> SignIn {
        // Without HOME there is no AWS CLI to share the cache with; keep it in the data folder.
        let cache = TokenCache::default_location()
            .unwrap_or_else(|_| TokenCache::new(data_dir.join("sso-cache")));
        let auth = SsoAuth::new(
            cache,
            Arc::new(SystemStore::new()),
            SsoEndpoints::from_env(),
        );
        SignIn::new(Portal::new(auth, Some(data_dir)))
    }

    /// Uses the AWS config file at `path` instead of `AWS_CONFIG_FILE` / `~/.aws/config`.
    pub fn with_config_file(mut self, path: PathBuf) -> SignIn {
        self.config_file = Some(path);
        self
    }

    /// Sends the AWS calls of opened sessions to `url` (the simulator) instead of following the
    /// environment.
    pub fn with_endpoint(mut self, url: &str) -> SignIn {
        self.endpoint_url = Some(url.to_string());
        self
    }

    /// Whether sign-in secrets are kept in the system keyring; false: the refresh token and
    /// client secret only in the AWS CLI cache file, role credentials in memory until quit.
    pub async fn keyring_available(&self) -> bool {
        self.portal.auth().keyring_available().await
    }

    /// The portal.
    pub fn portal(&self) -> &Portal {
        &self.portal
    }

    /// The AWS config file in use.
    fn config_path(&self) -> Result<PathBuf, CoreError> {
        match &self.config_file {
            Some(path) => Ok(path.clone()),
            None => sso::config::config_path(),
        }
    }

    /// The SSO settings of the AWS config file.
    fn config(&self) -> Result<SsoConfig, CoreError> {
        sso::read_sso_config(&self.config_path()?)
    }

    /// The sso-session `name` of the AWS config file.
    pub fn session(&self, name: &str) -> Result<SsoSession, CoreError> {
        self.config()?.session(name).cloned()
    }

    /// Every sso-session of the AWS config file with its sign-in state. A token about to expire
    /// is refreshed first, so a signed-in user stays signed in while the app polls this list.
    pub async fn list_sso_sessions(&self) -> Result<Vec<SsoSessionStatus>, CoreError> {
        let config = self.config()?;
        let auth = self.portal.auth();
        let mut statuses = auth.statuses(&config);
        let window = chrono::Duration::from_std(REFRESH_WINDOW).unwrap_or_default();
        for (status, session) in statuses.iter_mut().zip(&config.sessions) {
            let ending = status
                .expires_at
                .as_deref()
                .and_then(crate::util::time::parse_time)
                .is_some_and(|at| at - Utc::now() < window);
            if status.refreshable && ending {
                // A failed refresh leaves the session signed out; the UI offers a new sign-in.
                if auth.access_token(session).await.is_ok() {
                    *status = auth.status(session)?;
                } else {
                    *status = auth.status(session).unwrap_or_else(|_| status.clone());
                    status.signed_in = false;
                }
            }
        }
        Ok(statuses)
    }

    /// Adds `[sso-session NAME]` to the AWS config file as the AWS CLI writes it. Without a
    /// name, one is made from the start URL. The partition follows the SSO region.
    pub fn add_sso_session(
        &self,
        name: Option<&str>,
        start_url: &str,
        region: &str,
    ) -> Result<SsoSessionStatus, CoreError> {
        let path = self.config_path()?;
        let existing = sso::read_sso_config(&path)?;
        let taken: Vec<&str> = existing.sessions.iter().map(|s| s.name.as_str()).collect();
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => n.to_string(),
            None => session_name_for(start_url, region, &taken),
        };
        let session = sso::add_sso_session(&path, &name, start_url, region)?;
        self.portal.auth().status(&session)
    }

    /// Starts signing in to `session`: returns the URL to open or the code to show, and keeps
    /// waiting in the background, reporting to `progress` until `signedIn` or `failed`.
    /// `open_url` opens the system browser (a failure is reported, not fatal: the URL is shown);
    /// it is only ever given a URL that passes [`LinkPolicy`], and a URL that does not is an
    /// error that ends the sign-in. A sign-in of the same session already running is cancelled
    /// first.
    pub async fn login_start(
        &self,
        session: &str,
        method: LoginMethod,
        progress: ProgressSink,
        open_url: &(dyn Fn(&str) -> Result<(), String> + Send + Sync),
    ) -> Result<LoginStarted, CoreError> {
        let sso_session = self.session(session)?;
        self.login_cancel(session);
        let auth = self.portal.auth().clone();
        let cancel = CancellationToken::new();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (first, url, completion) = match method {
            LoginMethod::Browser => {
                let pending = auth.begin_pkce_login(&sso_session).await?;
                let url = pending.authorize_url.clone();
                let (sink, token) = (progress.clone(), cancel.clone());
                let completion: futures::future::BoxFuture<
                    'static,
                    Result<SsoSessionStatus, CoreError>,
                > = Box::pin(async move { pending.complete(&*sink, token).await });
                (
                    LoginProgress::OpenBrowser { url: url.clone() },
                    url,
                    completion,
                )
            }
            LoginMethod::DeviceCode => {
                let pending = auth.begin_device_login(&sso_session).await?;
                let first = pending.progress();
                let url = pending
                    .verification_uri_complete
                    .clone()
                    .unwrap_or_else(|| pending.verification_uri.clone());
                let (sink, token) = (progress.clone(), cancel.clone());
                let completion: futures::future::BoxFuture<
                    'static,
                    Result<SsoSessionStatus, CoreError>,
                > = Box::pin(async move { pending.complete(&*sink, token).await });
                (first, url, completion)
            }
        };
        // A page the SSO server named is opened only when it is one of AWS's sign-in pages (or
        // the simulator's); anything else ends the sign-in here, before the code is shown, so
        // the user is never sent to type a code or a password on a page that is not AWS's.
        // (Dropping the pending sign-in closes its loopback listener.)
        let policy = LinkPolicy::aws()
            .allow_endpoint(&sso_session.start_url)
            .allow_endpoint(&auth.endpoints().oidc_url(&sso_session.region));
        policy.check(&url)?;
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(session.to_string(), (id, cancel));
        }
        let registry = self.pending.clone();
        let name = session.to_string();
        tokio::spawn(async move {
            let result = completion.await;
            if let Ok(mut pending) = registry.lock() {
                if pending
                    .get(&name)
                    .is_some_and(|(running, _)| *running == id)
                {
                    pending.remove(&name);
                }
            }
            match result {
                Ok(status) => progress(LoginProgress::SignedIn { status }),
                Err(err) => progress(LoginProgress::Failed {
                    error: ErrorPayload::from(err),
                }),
            }
        });
        let browser_opened = open_url(&url).is_ok();
        Ok(LoginStarted {
            progress: first,
            browser_opened,
        })
    }

    /// Cancels the sign-in of `session` in progress; false when none was running.
    pub fn login_cancel(&self, session: &str) -> bool {
        let running = self
            .pending
            .lock()
            .ok()
            .and_then(|mut pending| pending.remove(session));
        match running {
            Some((_, token)) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Signs out of `session` (sso Logout, token cache and keyring cleared) and closes the app
    /// sessions opened through it; returns their ids.
    pub async fn logout(
        &self,
        registry: &SessionRegistry,
        session: &str,
    ) -> Result<Vec<String>, CoreError> {
        self.login_cancel(session);
        let sso_session = self.session(session)?;
        self.portal.logout(&sso_session).await?;
        Ok(registry.close_sso_sessions(session).await)
    }

    /// Accounts of `session`, favourites first; `refresh` asks the portal instead of the cache.
    pub async fn list_accounts(
        &self,
        session: &str,
        refresh: bool,
    ) -> Result<Vec<AccountInfo>, CoreError> {
        self.portal
            .list_accounts(&self.session(session)?, refresh)
            .await
    }

    /// Roles the user may take in `account_id`.
    pub async fn list_roles(
        &self,
        session: &str,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, CoreError> {
        self.portal
            .list_account_roles(&self.session(session)?, account_id, false)
            .await
    }

    /// Marks an account as a favourite (or not); returns the favourite account ids.
    pub fn set_favourite(
        &self,
        session: &str,
        account_id: &str,
        favourite: bool,
    ) -> Result<Vec<String>, CoreError> {
        self.portal
            .set_favourite(&self.session(session)?, account_id, favourite)
    }

    /// Opens (or re-opens) the session of `role_name` in `account_id` through `session`, in
    /// `region` or the partition's default; validated with sts GetCallerIdentity.
    pub async fn open_session(
        &self,
        registry: &SessionRegistry,
        session: &str,
        account_id: &str,
        role_name: &str,
        region: Option<String>,
    ) -> Result<SessionInfo, CoreError> {
        let sso_session = self.session(session)?;
        let account_name = self
            .portal
            .list_accounts(&sso_session, false)
            .await?
            .into_iter()
            .find(|a| a.account_id == account_id)
            .map(|a| a.account_name)
            .ok_or_else(|| {
                CoreError::NotFound(format!(
                    "Account {account_id} is not one you may use through {session}. Refresh the account list."
                ))
            })?;
        let provider = self
            .portal
            .role_credentials_provider(&sso_session, account_id, role_name);
        let source = SessionSource::Sso {
            session: Box::new(sso_session),
            account_id: account_id.to_string(),
            account_name: Some(account_name),
            role_name: role_name.to_string(),
            provider: Box::new(provider),
            endpoint_url: self.endpoint_url.clone(),
        };
        registry.open(source, region).await
    }
}

/// A session name for `start_url` not in `taken`: the portal id (`my-portal` of
/// `https://my-portal.awsapps.com/start`, `d-123` of `.../directory/d-123`), with `-gov` for a
/// GovCloud region and a number if still taken.
pub fn session_name_for(start_url: &str, region: &str, taken: &[&str]) -> String {
    let url = url::Url::parse(start_url.trim()).ok();
    let host = url
        .as_ref()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let last_segment = url
        .as_ref()
        .and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.rfind(|p| !p.is_empty()).map(str::to_string))
        })
        .unwrap_or_default();
    let first_label = host.split('.').next().unwrap_or_default().to_string();
    let raw = if (first_label == "start" || first_label.is_empty())
        && !last_segment.is_empty()
        && last_segment != "start"
    {
        last_segment
    } else if !first_label.is_empty() {
        first_label
    } else {
        "sso".to_string()
    };
    let mut base: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(56)
        .collect();
    if base.is_empty() {
        base = "sso".to_string();
    }
    let gov = region.trim().starts_with("us-gov-");
    if gov && !base.ends_with("-gov") {
        base.push_str("-gov");
    }
    if !taken.contains(&base.as_str()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(&candidate.as_str()))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_come_from_the_start_url() {
        assert_eq!(
            session_name_for("https://ecsdesk-demo.awsapps.com/start", "us-east-1", &[]),
            "ecsdesk-demo"
        );
        assert_eq!(
            session_name_for(
                "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo",
                "us-gov-west-1",
                &[]
            ),
            "ecsdesk-demo-gov"
        );
        assert_eq!(
            session_name_for(
                "https://d-1234.portal.us-gov-west-1.app.aws/",
                "us-gov-west-1",
                &[]
            ),
            "d-1234-gov"
        );
        assert_eq!(
            session_name_for(
                "https://ecsdesk-demo.awsapps.com/start#/",
                "us-east-1",
                &["ecsdesk-demo", "ecsdesk-demo-2"]
            ),
            "ecsdesk-demo-3"
        );
        assert_eq!(session_name_for("not a url", "us-east-1", &[]), "sso");
    }

    #[test]
    fn login_started_serialises_for_the_ui() {
        let started = LoginStarted {
            progress: LoginProgress::OpenBrowser {
                url: "https://oidc.us-east-1.amazonaws.com/authorize?x=1".into(),
            },
            browser_opened: false,
        };
        let json = serde_json::to_value(&started).unwrap();
        assert_eq!(json["progress"]["kind"], "openBrowser");
        assert_eq!(json["browserOpened"], false);
    }
}
