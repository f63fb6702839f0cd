//! The zoom bridge: Ctrl + / Ctrl − / Ctrl 0 from the page change the webview's zoom, and the
//! level is remembered (`ecsdesk_core::store::preferences`) and applied when the window opens.

use ecsdesk_core::model::zoom::{scale, ZoomChange};
use ecsdesk_core::store::preferences::PreferenceStore;
use ecsdesk_core::CoreError;
use tauri::{Runtime, State, Webview};

use crate::bridge::{blocking, Reply};

/// The saved zoom in percent (100 when nothing is saved).
#[tauri::command]
pub async fn get_zoom(prefs: State<'_, PreferenceStore>) -> Reply<u16> {
    let prefs = prefs.inner().clone();
    blocking(move || prefs.zoom()).await
}

/// Applies a zoom key to the calling window and remembers the new level; returns it in percent.
#[tauri::command]
pub async fn change_zoom<R: Runtime>(
    webview: Webview<R>,
    prefs: State<'_, PreferenceStore>,
    change: ZoomChange,
) -> Reply<u16> {
    let prefs = prefs.inner().clone();
    let percent = blocking(move || prefs.change_zoom(change)).await?;
    apply_zoom(&webview, percent)?;
    Ok(percent)
}

/// Sets `webview`'s zoom to `percent`.
pub fn apply_zoom<R: Runtime>(webview: &Webview<R>, percent: u16) -> Result<(), CoreError> {
    webview
        .set_zoom(scale(percent))
        .map_err(|e| CoreError::Internal(format!("zooming the window to {percent} %: {e}")))
}
