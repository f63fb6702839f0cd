//! The fleet bridge: pins, the fleet view, the Ctrl+K palette index, service history and incident
//! snapshots — delegations to `ecsdesk_core::app::{fleet, palette, history, incident}`.

use ecsdesk_core::app::fleet::FleetView;
use ecsdesk_core::app::incident::SnapshotWritten;
use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::app::palette::PaletteEntry;
use ecsdesk_core::model::metrics::RangePreset;
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::store::history::{History, ServiceHistory};
use ecsdesk_core::store::pins::{FleetStore, Pin};
use ecsdesk_core::{ActionCenter, SessionRegistry};
use tauri::State;

use crate::bridge::{blocking, Reply, ServiceAt};

/// Every pin.
#[tauri::command]
pub async fn list_pins(fleet: State<'_, FleetStore>) -> Reply<Vec<Pin>> {
    Ok(fleet.pins())
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
pub async fn unpin_service(fleet: State<'_, FleetStore>, key: String) -> Reply<Vec<Pin>> {
    let fleet = fleet.inner().clone();
    blocking(move || fleet.unpin(&key)).await
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
    Ok(ecsdesk_core::app::palette::palette_index(&registry).await)
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
pub async fn set_history_retention(history: State<'_, History>, days: u32) -> Reply<u32> {
    let history = history.inner().clone();
    blocking(move || history.set_retention_days(days)).await
}

/// Writes an incident snapshot (HTML and Markdown) of a service for a window (default 3 hours)
/// as new files in the exports folder.
#[tauri::command]
pub async fn write_snapshot(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    actions: State<'_, ActionCenter>,
    at: ServiceAt,
    range: Option<RangePreset>,
) -> Reply<SnapshotWritten> {
    let ServiceAt {
        session_id,
        cluster,
        service,
    } = at;
    Ok(ecsdesk_core::app::incident::write_snapshot(
        &registry,
        &views,
        Some(&actions),
        &session_id,
        &cluster,
        &service,
        range,
    )
    .await?)
}
