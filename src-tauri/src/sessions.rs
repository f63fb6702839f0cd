//! The sessions bridge: AWS profiles, partitions and the sessions open on them — delegations to
//! `ecsdesk_core::{list_profiles, list_partitions, SessionRegistry}`.

use ecsdesk_core::{PartitionInfo, ProfileInfo, SessionInfo, SessionRegistry};
use tauri::State;

use crate::bridge::{blocking, Reply};

/// Profiles of the AWS config file.
#[tauri::command]
pub async fn list_profiles() -> Reply<Vec<ProfileInfo>> {
    blocking(ecsdesk_core::list_profiles).await
}

/// Partitions with their regions.
#[tauri::command]
pub async fn list_partitions() -> Reply<Vec<PartitionInfo>> {
    Ok(ecsdesk_core::list_partitions())
}

/// Opens a session for `profile` (validated with sts GetCallerIdentity).
#[tauri::command]
pub async fn open_session(
    registry: State<'_, SessionRegistry>,
    profile: String,
    region: Option<String>,
) -> Reply<SessionInfo> {
    Ok(registry.open_session(&profile, region).await?)
}

/// Sessions open now.
#[tauri::command]
pub async fn list_sessions(registry: State<'_, SessionRegistry>) -> Reply<Vec<SessionInfo>> {
    Ok(registry.list_sessions().await)
}

/// Moves a session to another region of its partition.
#[tauri::command]
pub async fn set_session_region(
    registry: State<'_, SessionRegistry>,
    session_id: String,
    region: String,
) -> Reply<SessionInfo> {
    Ok(registry.set_session_region(&session_id, &region).await?)
}

/// Closes a session.
#[tauri::command]
pub async fn close_session(registry: State<'_, SessionRegistry>, session_id: String) -> Reply<()> {
    Ok(registry.close_session(&session_id).await?)
}
