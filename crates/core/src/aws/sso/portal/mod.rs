//! The SSO portal: the accounts and roles a signed-in user may use, and role credentials.
//!
//! ListAccounts / ListAccountRoles throttle easily, so every portal call goes through one token
//! bucket (5 calls a second, at most 4 at once), pages are followed to the end, and the lists are
//! cached in memory and in a JSON file of the app's data folder until the user asks for a refresh.
//! Role credentials are kept (memory and keyring) until 5 minutes before they expire.

mod credentials;

use credentials::StoredCredentials;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use ts_rs::TS;

use crate::aws::sso::config::SsoSession;
use crate::aws::sso::oidc::SsoAuth;
use crate::aws::sso::rate_limit::RateLimiter;
use crate::aws::sso::secrets;
use crate::aws::sso::secrets::{Secret, SecretKind};
use crate::error::CoreError;
use crate::util::files;
use crate::util::time::rfc3339;

/// Portal calls allowed per second (sustained).
const CALLS_PER_SECOND: f64 = 5.0;
/// Portal calls allowed in a burst.
const BURST: f64 = 5.0;
/// Portal calls in flight at once.
const MAX_CONCURRENT: usize = 4;
/// Largest page ListAccounts and ListAccountRoles accept.
const MAX_PAGE_SIZE: i32 = 100;
/// Role credentials with less than this left are fetched again.
const CREDENTIALS_MARGIN: Duration = Duration::from_secs(5 * 60);
/// File of cached account and role lists in the data folder.
const LISTS_FILE: &str = "sso-accounts.json";
/// File of favourite accounts in the data folder.
const FAVOURITES_FILE: &str = "sso-favourites.json";
/// Provider name recorded in the credentials.
const PROVIDER_NAME: &str = "ecsdesk-sso";

/// An account the user may sign in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// 12-digit account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// Account e-mail address, if given.
    pub email_address: Option<String>,
    /// Whether the user marked it as a favourite.
    #[serde(default)]
    pub favourite: bool,
}

/// A role the user may take in an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleInfo {
    /// The account.
    pub account_id: String,
    /// The permission set / role name, e.g. `OperatorAccess`.
    pub role_name: String,
}

/// Cached lists of one sso-session.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionLists {
    /// Start URL the lists belong to (a renamed session does not reuse them).
    start_url: String,
    /// When the account list was fetched (RFC 3339).
    fetched_at: String,
    /// Accounts, as the portal listed them.
    accounts: Option<Vec<AccountInfo>>,
    /// Roles by account id.
    roles: BTreeMap<String, Vec<RoleInfo>>,
}

/// Mutable state of the portal.
#[derive(Debug, Default)]
struct State {
    lists: HashMap<String, SessionLists>,
    lists_loaded: bool,
    credentials: HashMap<String, StoredCredentials>,
}

/// Shared parts of [`Portal`].
#[derive(Debug)]
struct Inner {
    auth: SsoAuth,
    data_dir: Option<PathBuf>,
    limiter: RateLimiter,
    page_size: Option<i32>,
    state: Mutex<State>,
}

/// Accounts, roles, favourites and role credentials of signed-in sso-sessions (cheap to clone).
#[derive(Debug, Clone)]
pub struct Portal {
    inner: Arc<Inner>,
}

impl Portal {
    /// A portal using `auth` for tokens; lists and favourites are saved in `data_dir` when given.
    pub fn new(auth: SsoAuth, data_dir: Option<PathBuf>) -> Portal {
        Portal::with_page_size(auth, data_dir, None)
    }

    /// Like [`Portal::new`] with a page size for list calls (tests use small pages).
    pub fn with_page_size(
        auth: SsoAuth,
        data_dir: Option<PathBuf>,
        page_size: Option<i32>,
    ) -> Portal {
        Portal {
            inner: Arc::new(Inner {
                auth,
                data_dir,
                limiter: RateLimiter::new(CALLS_PER_SECOND, BURST, MAX_CONCURRENT),
                // The API's largest page unless told otherwise: 200 accounts in 2 calls, not 10.
                page_size: page_size.or(Some(MAX_PAGE_SIZE)),
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// The sign-in side.
    pub fn auth(&self) -> &SsoAuth {
        &self.inner.auth
    }

    /// The accounts of `session`, favourites first then by name; `refresh` asks the portal again
    /// instead of using the cache.
    pub async fn list_accounts(
        &self,
        session: &SsoSession,
        refresh: bool,
    ) -> Result<Vec<AccountInfo>, CoreError> {
        let cached = if refresh {
            None
        } else {
            let mut state = self.inner.state.lock().await;
            self.load_lists(&mut state);
            state
                .lists
                .get(&session.name)
                .filter(|l| l.start_url == session.start_url)
                .and_then(|l| l.accounts.clone())
        };
        let accounts = match cached {
            Some(accounts) => accounts,
            None => {
                let accounts = self.fetch_accounts(session).await?;
                let mut state = self.inner.state.lock().await;
                self.load_lists(&mut state);
                let lists = state.lists.entry(session.name.clone()).or_default();
                if lists.start_url != session.start_url {
                    *lists = SessionLists::default();
                }
                lists.start_url = session.start_url.clone();
                lists.fetched_at = rfc3339(Utc::now());
                lists.accounts = Some(accounts.clone());
                if refresh {
                    lists.roles.clear();
                }
                self.save_lists(&state)?;
                accounts
            }
        };
        let favourites = self.favourites(session)?;
        let mut accounts: Vec<AccountInfo> = accounts
            .into_iter()
            .map(|mut a| {
                a.favourite = favourites.contains(&a.account_id);
                a
            })
            .collect();
        accounts.sort_by(|a, b| {
            b.favourite.cmp(&a.favourite).then_with(|| {
                a.account_name
                    .to_lowercase()
                    .cmp(&b.account_name.to_lowercase())
            })
        });
        Ok(accounts)
    }

    /// Accounts of `session` whose name or id contains `query` (case-insensitive).
    pub async fn search_accounts(
        &self,
        session: &SsoSession,
        query: &str,
    ) -> Result<Vec<AccountInfo>, CoreError> {
        let query = query.trim().to_lowercase();
        Ok(self
            .list_accounts(session, false)
            .await?
            .into_iter()
            .filter(|a| {
                query.is_empty()
                    || a.account_name.to_lowercase().contains(&query)
                    || a.account_id.contains(&query)
            })
            .collect())
    }

    /// The roles the user may take in `account_id`; `refresh` asks the portal again.
    pub async fn list_account_roles(
        &self,
        session: &SsoSession,
        account_id: &str,
        refresh: bool,
    ) -> Result<Vec<RoleInfo>, CoreError> {
        if !refresh {
            let mut state = self.inner.state.lock().await;
            self.load_lists(&mut state);
            if let Some(roles) = state
                .lists
                .get(&session.name)
                .filter(|l| l.start_url == session.start_url)
                .and_then(|l| l.roles.get(account_id))
            {
                return Ok(roles.clone());
            }
        }
        let roles = self.fetch_roles(session, account_id).await?;
        let mut state = self.inner.state.lock().await;
        self.load_lists(&mut state);
        let lists = state.lists.entry(session.name.clone()).or_default();
        if lists.start_url != session.start_url {
            *lists = SessionLists::default();
            lists.start_url = session.start_url.clone();
        }
        lists.roles.insert(account_id.to_string(), roles.clone());
        self.save_lists(&state)?;
        Ok(roles)
    }

    /// Every page of ListAccounts.
    async fn fetch_accounts(&self, session: &SsoSession) -> Result<Vec<AccountInfo>, CoreError> {
        let token = self.inner.auth.access_token(session).await?;
        let (client, url) = self.inner.auth.portal_client(session).await;
        let mut accounts = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let _slot = self.inner.limiter.acquire().await?;
            let page = client
                .list_accounts()
                .access_token(token.token.expose())
                .set_max_results(self.inner.page_size)
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| portal_error(e, session, "sso:ListAccounts", &url))?;
            accounts.extend(page.account_list().iter().map(|a| {
                AccountInfo {
                    account_id: a.account_id().unwrap_or_default().to_string(),
                    account_name: a
                        .account_name()
                        .or(a.account_id())
                        .unwrap_or_default()
                        .to_string(),
                    email_address: a.email_address().map(str::to_string),
                    favourite: false,
                }
            }));
            next = page
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if next.is_none() {
                return Ok(accounts);
            }
        }
    }

    /// Every page of ListAccountRoles.
    async fn fetch_roles(
        &self,
        session: &SsoSession,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, CoreError> {
        let token = self.inner.auth.access_token(session).await?;
        let (client, url) = self.inner.auth.portal_client(session).await;
        let mut roles = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let _slot = self.inner.limiter.acquire().await?;
            let page = client
                .list_account_roles()
                .access_token(token.token.expose())
                .account_id(account_id)
                .set_max_results(self.inner.page_size)
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| portal_error(e, session, "sso:ListAccountRoles", &url))?;
            roles.extend(page.role_list().iter().filter_map(|r| {
                r.role_name().map(|name| RoleInfo {
                    account_id: r.account_id().unwrap_or(account_id).to_string(),
                    role_name: name.to_string(),
                })
            }));
            next = page
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if next.is_none() {
                return Ok(roles);
            }
        }
    }

    /// Loads the lists file once (a malformed file is ignored: it is only a cache).
    fn load_lists(&self, state: &mut State) {
        if state.lists_loaded {
            return;
        }
        state.lists_loaded = true;
        let Some(path) = self.file(LISTS_FILE) else {
            return;
        };
        if let Ok(Some(text)) = files::read_optional(&path) {
            if let Ok(lists) = serde_json::from_str::<HashMap<String, SessionLists>>(&text) {
                state.lists = lists;
            }
        }
    }

    /// Saves the lists file.
    fn save_lists(&self, state: &State) -> Result<(), CoreError> {
        let Some(path) = self.file(LISTS_FILE) else {
            return Ok(());
        };
        let json = serde_json::to_vec_pretty(&state.lists)
            .map_err(|e| CoreError::Internal(format!("could not encode the account cache: {e}")))?;
        files::write_atomically(&path, &json, files::PRIVATE_FILE_MODE, false)
    }

    /// A file of the data folder.
    fn file(&self, name: &str) -> Option<PathBuf> {
        self.inner.data_dir.as_ref().map(|d| d.join(name))
    }

    /// Favourite account ids of `session` (none without a data folder).
    pub fn favourites(&self, session: &SsoSession) -> Result<Vec<String>, CoreError> {
        Ok(self
            .read_favourites()?
            .remove(&session.name)
            .unwrap_or_default())
    }

    /// Marks `account_id` of `session` as a favourite or not; returns the new list.
    pub fn set_favourite(
        &self,
        session: &SsoSession,
        account_id: &str,
        favourite: bool,
    ) -> Result<Vec<String>, CoreError> {
        let Some(path) = self.file(FAVOURITES_FILE) else {
            return Err(CoreError::Internal("favourites need a data folder".into()));
        };
        let mut all = self.read_favourites()?;
        let list = all.entry(session.name.clone()).or_default();
        list.retain(|a| a != account_id);
        if favourite {
            list.push(account_id.to_string());
        }
        let result = list.clone();
        let json = serde_json::to_vec_pretty(&all)
            .map_err(|e| CoreError::Internal(format!("could not encode favourites: {e}")))?;
        files::write_atomically(&path, &json, files::PRIVATE_FILE_MODE, false)?;
        Ok(result)
    }

    /// Every session's favourites; a malformed file is an error naming it (it is the user's data).
    fn read_favourites(&self) -> Result<BTreeMap<String, Vec<String>>, CoreError> {
        let Some(path) = self.file(FAVOURITES_FILE) else {
            return Ok(BTreeMap::new());
        };
        match files::read_optional(&path)? {
            None => Ok(BTreeMap::new()),
            Some(text) => serde_json::from_str(&text).map_err(|e| CoreError::FileFormat {
                path: path.clone(),
                line: e.line().max(1),
                message: format!("not a favourites file ({e})"),
            }),
        }
    }

    /// Signs out of `session`: sso Logout, token cache and keyring cleared, and the role
    /// credentials of the session forgotten.
    pub async fn logout(&self, session: &SsoSession) -> Result<(), CoreError> {
        {
            let mut state = self.inner.state.lock().await;
            let prefix = format!("{}|", session.name);
            state.credentials.retain(|k, _| !k.starts_with(&prefix));
        }
        self.inner.auth.logout(session).await
    }
}

/// Maps a portal error; an unauthorized token means the user must sign in again.
fn portal_error<E>(
    err: aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
    session: &SsoSession,
    action: &str,
    endpoint: &str,
) -> CoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if err.code() == Some("UnauthorizedException") {
        return CoreError::SignInRequired {
            session: session.name.clone(),
            detail: format!(
                "{}: {}",
                action,
                err.message()
                    .unwrap_or("the portal no longer accepts the sign-in")
            ),
        };
    }
    CoreError::from_sdk(err, action, endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::sso::rate_limit::RateLimiter;
    use std::time::Instant;

    #[tokio::test]
    async fn rate_limiter_holds_the_rate_and_concurrency() {
        // 50 a second with a burst of 5 (the app uses 5 a second; real time keeps this quick).
        let limiter = Arc::new(RateLimiter::new(50.0, 5.0, 4));
        let start = Instant::now();
        for _ in 0..15 {
            let _slot = limiter.acquire().await.unwrap();
        }
        // 5 from the burst, then 10 more at 50 a second: at least 200 ms.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(190), "{took:?}");
        assert!(took <= Duration::from_millis(1500), "{took:?}");

        let a = limiter.acquire().await.unwrap();
        let b = limiter.acquire().await.unwrap();
        let c = limiter.acquire().await.unwrap();
        let d = limiter.acquire().await.unwrap();
        assert_eq!(limiter.in_flight.available_permits(), 0);
        drop((a, b, c, d));
        assert_eq!(limiter.in_flight.available_permits(), 4);
    }

    #[test]
    fn stored_credentials_expire_five_minutes_early() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut c = StoredCredentials {
            access_key_id: "AK".into(),
            secret_access_key: "SK".into(),
            session_token: "ST".into(),
            expiration: now + 3600,
        };
        assert!(c.fresh());
        c.expiration = now + 200;
        assert!(!c.fresh());
        c.expiration = 0;
        assert!(!c.fresh());
        let sdk = c.to_credentials();
        assert_eq!(sdk.access_key_id(), "AK");
        assert_eq!(sdk.session_token(), Some("ST"));
    }
}
