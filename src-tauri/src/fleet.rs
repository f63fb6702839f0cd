//! The fleet bridge: pins, the fleet view, the palette index, history, snapshots and console
//! links — one-line delegations to `ecsdesk_core::{fleet, history, snapshot, console}`.

use std::path::PathBuf;

use ecsdesk_core::app::fleet::{FleetStore, FleetView, PaletteEntry, Pin};
use ecsdesk_core::app::incident::SnapshotWritten;
use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::model::console::{
    console_url as core_console_url, is_console_url, ConsoleTarget,
};
use ecsdesk_core::model::metrics::RangePreset;
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::store::history::{History, ServiceHistory};
use ecsdesk_core::{ActionCenter, CoreError, ErrorPayload, Partition, SessionRegistry};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

/// The result every command returns to the UI.
type Reply<T> = Result<T, ErrorPayload>;

/// Where snapshots go unless a path is chosen.
pub struct SnapshotDir(pub PathBuf);

/// The console URL of a resource in `region` of `partition`.
#[tauri::command]
pub fn console_url(partition: Partition, region: String, target: ConsoleTarget) -> Reply<String> {
    Ok(core_console_url(partition, &region, &target)?)
}

/// Opens the console page of a resource in the browser; returns the URL opened.
#[tauri::command]
pub fn open_console<R: Runtime>(
    app: AppHandle<R>,
    partition: Partition,
    region: String,
    target: ConsoleTarget,
) -> Reply<String> {
    let url = core_console_url(partition, &region, &target)?;
    // Belt and braces with the capability scope: only https console hosts leave the app.
    if !is_console_url(&url) {
        return Err(CoreError::InvalidInput(format!("{url} is not an AWS console page.")).into());
    }
    app.opener()
        .open_url(&url, None::<&str>)
        .map_err(|e| CoreError::Internal(format!("opening the browser: {e}")))?;
    Ok(url)
}

/// Every pin.
#[tauri::command]
pub fn list_pins(fleet: State<'_, FleetStore>) -> Vec<Pin> {
    fleet.pins()
}

/// Pins a service of an open session.
#[tauri::command]
pub async fn pin_service(
    registry: State<'_, SessionRegistry>,
    fleet: State<'_, FleetStore>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<Vec<Pin>> {
    Ok(fleet
        .pin_service(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Removes a pin.
#[tauri::command]
pub fn unpin_service(fleet: State<'_, FleetStore>, key: String) -> Reply<Vec<Pin>> {
    Ok(fleet.unpin(&key)?)
}

/// The fleet view of every pin, worst first.
#[tauri::command]
pub async fn fleet_view(
    registry: State<'_, SessionRegistry>,
    fleet: State<'_, FleetStore>,
    history: State<'_, History>,
    views: State<'_, Observability>,
    thresholds: Option<Thresholds>,
) -> Reply<FleetView> {
    let pins = fleet.pins();
    let thresholds_of = views.thresholds_by_key(thresholds);
    Ok(
        ecsdesk_core::app::fleet::fleet_view(&registry, &pins, &thresholds_of, Some(&history))
            .await,
    )
}

/// Services of every open session, for the Ctrl+K palette.
#[tauri::command]
pub async fn palette_index(registry: State<'_, SessionRegistry>) -> Reply<Vec<PaletteEntry>> {
    Ok(ecsdesk_core::app::fleet::palette_index(&registry).await)
}

/// Records what AWS shows of a service now and returns everything kept about it.
#[tauri::command]
pub async fn service_history(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    history: State<'_, History>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<ServiceHistory> {
    Ok(ecsdesk_core::app::history::load_service_history(
        &registry,
        &views,
        &history,
        &session_id,
        &cluster,
        &service,
    )
    .await?)
}

/// Sets how many days history keeps.
#[tauri::command]
pub fn set_history_retention(history: State<'_, History>, days: u32) -> Reply<u32> {
    Ok(history.set_retention_days(days)?)
}

/// Writes an incident snapshot (HTML and Markdown) of a service for a window (default 3 hours).
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn write_snapshot(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    actions: State<'_, ActionCenter>,
    dir: State<'_, SnapshotDir>,
    session_id: String,
    cluster: String,
    service: String,
    range: Option<RangePreset>,
    path: Option<String>,
) -> Reply<SnapshotWritten> {
    let target = path.map(PathBuf::from).unwrap_or_else(|| dir.0.clone());
    Ok(ecsdesk_core::app::incident::write_snapshot(
        &registry,
        &views,
        Some(&actions),
        &session_id,
        &cluster,
        &service,
        range,
        &target,
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindowBuilder;

    fn call(cmd: &str, args: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        let app = crate::run_app(mock_builder())
            .build(tauri::generate_context!())
            .expect("mock app builds");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window builds");
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("valid url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&window, request).map(|r| r.deserialize().expect("json reply"))
    }

    #[test]
    fn console_links_cross_the_bridge_for_both_partitions() {
        let gov = call(
            "console_url",
            serde_json::json!({
                "partition": "aws-us-gov",
                "region": "us-gov-east-1",
                "target": { "kind": "task", "cluster": "coe-ecs-prod", "taskId": "abc" }
            }),
        )
        .expect("allowed");
        assert_eq!(
            gov,
            "https://console.amazonaws-us-gov.com/ecs/v2/clusters/coe-ecs-prod/tasks/abc/configuration?region=us-gov-east-1"
        );
        let com = call(
            "console_url",
            serde_json::json!({
                "partition": "aws",
                "region": "us-east-1",
                "target": { "kind": "logGroup", "name": "/ecs/api-staging" }
            }),
        )
        .expect("allowed");
        assert!(
            com.as_str().unwrap_or_default().starts_with(
                "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:"
            ),
            "{com}"
        );
        let err = call(
            "open_console",
            serde_json::json!({
                "partition": "aws",
                "region": "us-gov-east-1",
                "target": { "kind": "cluster", "cluster": "x" }
            }),
        )
        .expect_err("a GovCloud region in the commercial console is refused");
        assert_eq!(err["code"], "InvalidInput");
    }
}
