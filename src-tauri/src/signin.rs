//! The sign-in bridge (IAM Identity Center): delegations to `ecsdesk_core::SignIn`, plus the
//! channel that streams sign-in progress and the browser it opens.

use std::sync::Arc;

use ecsdesk_core::aws::sso::{AccountInfo, LoginMethod, LoginProgress, RoleInfo, SsoSessionStatus};
use ecsdesk_core::{LoginStarted, SessionInfo, SessionRegistry, SignIn};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::bridge::{blocking, Reply};

/// sso-sessions of the AWS config with their sign-in state and expiry.
#[tauri::command]
pub async fn list_sso_sessions(signin: State<'_, SignIn>) -> Reply<Vec<SsoSessionStatus>> {
    Ok(signin.list_sso_sessions().await?)
}

/// Adds an sso-session (start URL + SSO region) to the AWS config; the partition is inferred.
#[tauri::command]
pub async fn add_sso_session(
    signin: State<'_, SignIn>,
    name: Option<String>,
    start_url: String,
    region: String,
) -> Reply<SsoSessionStatus> {
    let signin = signin.inner().clone();
    blocking(move || signin.add_sso_session(name.as_deref(), &start_url, &region)).await
}

/// Starts a sign-in; progress goes to `channel`, the system browser opens the URL (only one that
/// passed the core's link rule reaches the opener).
#[tauri::command]
pub async fn sso_login_start<R: Runtime>(
    app: AppHandle<R>,
    signin: State<'_, SignIn>,
    session: String,
    method: LoginMethod,
    channel: Channel<LoginProgress>,
) -> Reply<LoginStarted> {
    Ok(signin
        .login_start(
            &session,
            method,
            // A closed window drops the progress; the sign-in itself still completes.
            Arc::new(move |p| {
                let _ = channel.send(p);
            }),
            &|url| {
                app.opener()
                    .open_url(url, None::<&str>)
                    .map_err(|e| e.to_string())
            },
        )
        .await?)
}

/// Cancels the sign-in in progress; false when none was running.
#[tauri::command]
pub async fn sso_login_cancel(signin: State<'_, SignIn>, session: String) -> Reply<bool> {
    Ok(signin.login_cancel(&session))
}

/// Whether sign-in secrets are kept in the system keyring (false: AWS CLI cache file and memory).
#[tauri::command]
pub async fn keyring_available(signin: State<'_, SignIn>) -> Reply<bool> {
    Ok(signin.keyring_available().await)
}

/// Signs out (sso Logout, cache and keyring cleared); returns the ids of the sessions closed.
#[tauri::command]
pub async fn sso_logout(
    signin: State<'_, SignIn>,
    registry: State<'_, SessionRegistry>,
    session: String,
) -> Reply<Vec<String>> {
    Ok(signin.logout(&registry, &session).await?)
}

/// Accounts of the portal, favourites first; `refresh` skips the cache.
#[tauri::command]
pub async fn list_sso_accounts(
    signin: State<'_, SignIn>,
    session: String,
    refresh: bool,
) -> Reply<Vec<AccountInfo>> {
    Ok(signin.list_accounts(&session, refresh).await?)
}

/// Roles the user may take in an account.
#[tauri::command]
pub async fn list_sso_roles(
    signin: State<'_, SignIn>,
    session: String,
    account_id: String,
) -> Reply<Vec<RoleInfo>> {
    Ok(signin.list_roles(&session, &account_id).await?)
}

/// Marks an account as a favourite (or not); returns the favourite account ids.
#[tauri::command]
pub async fn set_favourite(
    signin: State<'_, SignIn>,
    session: String,
    account_id: String,
    favourite: bool,
) -> Reply<Vec<String>> {
    let signin = signin.inner().clone();
    blocking(move || signin.set_favourite(&session, &account_id, favourite)).await
}

/// Opens a session for a role of an account through a signed-in sso-session.
#[tauri::command]
pub async fn open_sso_session(
    signin: State<'_, SignIn>,
    registry: State<'_, SessionRegistry>,
    session: String,
    account_id: String,
    role_name: String,
    region: Option<String>,
) -> Reply<SessionInfo> {
    Ok(signin
        .open_session(&registry, &session, &account_id, &role_name, region)
        .await?)
}
