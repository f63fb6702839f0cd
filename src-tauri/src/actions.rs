//! The guarded-action bridge: delegations to `ecsdesk_core::ActionCenter`, plus the channel that
//! streams watch progress and the desktop notification at the verdict.

use std::sync::Arc;

use ecsdesk_core::model::action::{ProtectionScope, ProtectionView, RevisionInfo, VerdictOutcome};
use ecsdesk_core::model::protection::ProtectionLevel;
use ecsdesk_core::store::audit::{AuditFilter, AuditPage};
use ecsdesk_core::{
    ActionCenter, ActionPlan, ActionRequest, ActionStatus, ExecuteStarted, SessionRegistry,
    WatchUpdate,
};
use futures::future::BoxFuture;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_notification::NotificationExt;

use crate::bridge::{blocking, Reply, ServiceAt};

/// Plans an action: what ECS will do, the risk and how to confirm.
#[tauri::command]
pub async fn plan_action(
    registry: State<'_, SessionRegistry>,
    center: State<'_, ActionCenter>,
    session_id: String,
    cluster: String,
    service: String,
    action: ActionRequest,
) -> Reply<ActionPlan> {
    Ok(center
        .plan(&registry, &session_id, &cluster, &service, action)
        .await?)
}

/// Executes a confirmed plan; progress goes to `channel` until the verdict, which also raises a
/// desktop notification.
#[tauri::command]
pub async fn execute_action<R: Runtime>(
    app: AppHandle<R>,
    registry: State<'_, SessionRegistry>,
    center: State<'_, ActionCenter>,
    plan_id: String,
    typed_confirmation: Option<String>,
    channel: Channel<WatchUpdate>,
) -> Reply<ExecuteStarted> {
    let sink = Arc::new(move |update: WatchUpdate| {
        if let Some(verdict) = &update.verdict {
            notify(&app, &update.service, verdict.outcome, &verdict.headline);
        }
        // The page may be gone; the verdict is still kept by the core.
        let _ = channel.send(update);
    });
    Ok(center
        .execute(&registry, &plan_id, typed_confirmation.as_deref(), sink)
        .await?)
}

/// Shows the verdict as a desktop notification (best effort: not every desktop has a daemon).
fn notify<R: Runtime>(app: &AppHandle<R>, service: &str, outcome: VerdictOutcome, text: &str) {
    let title = match outcome {
        VerdictOutcome::Completed => format!("{service}: done"),
        VerdictOutcome::Failed => format!("{service}: failed"),
        VerdictOutcome::RolledBack => format!("{service}: rolled back"),
        VerdictOutcome::TimedOut => format!("{service}: still in progress"),
        VerdictOutcome::StoppedWatching => return,
        VerdictOutcome::Error => format!("{service}: lost track"),
        VerdictOutcome::Paused => format!("{service}: paused, waiting for you"),
        VerdictOutcome::Overridden => format!("{service}: changed again by someone else"),
    };
    let _ = app.notification().builder().title(title).body(text).show();
}

/// Cancels a plan (audited) or stops watching an executed one.
#[tauri::command]
pub async fn cancel_action(
    registry: State<'_, SessionRegistry>,
    center: State<'_, ActionCenter>,
    plan_id: String,
) -> Reply<()> {
    Ok(center.cancel(&registry, &plan_id).await?)
}

/// The latest action on a service this run (progress or verdict).
#[tauri::command]
pub async fn get_action_status(
    registry: State<'_, SessionRegistry>,
    center: State<'_, ActionCenter>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Option<ActionStatus>> {
    Ok(center
        .status(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Active revisions of the service's task family (rollback picker).
#[tauri::command]
pub async fn list_revisions(
    registry: State<'_, SessionRegistry>,
    center: State<'_, ActionCenter>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Vec<RevisionInfo>> {
    Ok(center
        .list_revisions(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Audit entries, newest first, and how many damaged lines were skipped.
#[tauri::command]
pub async fn list_audit(center: State<'_, ActionCenter>, filter: AuditFilter) -> Reply<AuditPage> {
    let center = center.inner().clone();
    blocking(move || center.list_audit(&filter)).await
}

/// Writes the matching audit entries as a new CSV file in the exports folder; returns the file.
#[tauri::command]
pub async fn export_audit_csv(
    center: State<'_, ActionCenter>,
    filter: AuditFilter,
) -> Reply<String> {
    let center = center.inner().clone();
    let written = blocking(move || center.export_audit_csv(&filter)).await?;
    Ok(written.display().to_string())
}

/// Protection of a service's cluster and account.
#[tauri::command]
pub async fn get_protection(
    registry: State<'_, SessionRegistry>,
    center: State<'_, ActionCenter>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<ProtectionView> {
    Ok(center
        .get_protection(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Sets (or clears, with level null) the protection of the account or the cluster. Lowering it
/// asks first in a native dialog, which the page can neither see nor click.
#[tauri::command]
pub async fn set_protection<R: Runtime>(
    app: AppHandle<R>,
    registry: State<'_, SessionRegistry>,
    center: State<'_, ActionCenter>,
    at: ServiceAt,
    scope: ProtectionScope,
    level: Option<ProtectionLevel>,
) -> Reply<ProtectionView> {
    let confirm = move |question: String| -> BoxFuture<'static, bool> {
        let (tx, rx) = futures::channel::oneshot::channel();
        let mut dialog = app
            .dialog()
            .message(question)
            .title("Lower protection?")
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Lower protection".into(),
                "Keep it".into(),
            ));
        if let Some(window) = app.get_webview_window("main") {
            dialog = dialog.parent(&window);
        }
        dialog.show(move |yes| {
            let _ = tx.send(yes);
        });
        // A dialog that could not be shown or was closed counts as "no".
        Box::pin(async move { rx.await.unwrap_or(false) })
    };
    let ServiceAt {
        session_id,
        cluster,
        service,
    } = at;
    Ok(center
        .set_protection(
            &registry,
            &session_id,
            &cluster,
            &service,
            scope,
            level,
            &confirm,
        )
        .await?)
}
