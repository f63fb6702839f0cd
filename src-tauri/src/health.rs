//! The service-health bridge: health, thresholds, charts, targets, alarms, stopped tasks,
//! deployments and events — delegations to `ecsdesk_core::app::observability`.

use ecsdesk_core::app::charts::ServiceCharts;
use ecsdesk_core::app::observability::Observability;
use ecsdesk_core::model::alarm::AlarmInfo;
use ecsdesk_core::model::change::ServiceChanges;
use ecsdesk_core::model::deployment::{ServiceDeployments, TaskDefinitionDiff};
use ecsdesk_core::model::diagnosis::StoppedTask;
use ecsdesk_core::model::event::ServiceEvent;
use ecsdesk_core::model::health::ServiceHealth;
use ecsdesk_core::model::metrics::MetricRange;
use ecsdesk_core::model::scaling::ServiceScaling;
use ecsdesk_core::model::target::TargetGroupHealth;
use ecsdesk_core::model::thresholds::Thresholds;
use ecsdesk_core::read::{alarms, changes, deployments, diagnosis, events, scaling, targets};
use ecsdesk_core::store::thresholds::ThresholdSetting;
use ecsdesk_core::SessionRegistry;
use tauri::State;

use crate::bridge::{ChartSize, Reply, ServiceAt};

/// Cheap health of every service of a cluster (services list).
#[tauri::command]
pub async fn services_health(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    thresholds: Option<Thresholds>,
) -> Reply<Vec<ServiceHealth>> {
    Ok(views
        .services_health(&registry, &session_id, &cluster, thresholds)
        .await?)
}

/// Full health of one service (service page).
#[tauri::command]
pub async fn service_health(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
    thresholds: Option<Thresholds>,
) -> Reply<ServiceHealth> {
    Ok(views
        .service_health(&registry, &session_id, &cluster, &service, thresholds)
        .await?)
}

/// A service's health thresholds (its own, or the runbook defaults).
#[tauri::command]
pub async fn get_thresholds(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
) -> Reply<ThresholdSetting> {
    Ok(views
        .get_thresholds(&registry, &session_id, &cluster, &service)
        .await?)
}

/// Saves a service's health thresholds; `null` resets them to the runbook defaults.
#[tauri::command]
pub async fn set_thresholds(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    cluster: String,
    service: String,
    thresholds: Option<Thresholds>,
) -> Reply<ThresholdSetting> {
    Ok(views
        .set_thresholds(&registry, &session_id, &cluster, &service, thresholds)
        .await?)
}

/// Every chart of a service for a range, drawn as SVG with the reduced points.
#[tauri::command]
pub async fn service_metrics(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    at: ServiceAt,
    range: MetricRange,
    chart: ChartSize,
    thresholds: Option<Thresholds>,
) -> Reply<ServiceCharts> {
    let ServiceAt {
        session_id,
        cluster,
        service,
    } = at;
    Ok(views
        .service_metrics(
            &registry,
            &session_id,
            &cluster,
            &service,
            &range,
            &chart.0,
            thresholds,
        )
        .await?)
}

/// One chart as a PNG file; returns its path.
#[tauri::command]
pub async fn export_chart_png(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    at: ServiceAt,
    range: MetricRange,
    chart_id: String,
    chart: ChartSize,
    thresholds: Option<Thresholds>,
) -> Reply<String> {
    let ServiceAt {
        session_id,
        cluster,
        service,
    } = at;
    Ok(views
        .export_chart_png(
            &registry,
            &session_id,
            &cluster,
            &service,
            &range,
            &chart_id,
            &chart.0,
            thresholds,
        )
        .await?)
}

/// Target health per target group of a service.
#[tauri::command]
pub async fn target_health(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
) -> Reply<Vec<TargetGroupHealth>> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(targets::target_health(s, c, v))
        })
        .await?)
}

/// CloudWatch alarms watching a service.
#[tauri::command]
pub async fn service_alarms(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
) -> Reply<Vec<AlarmInfo>> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(alarms::service_alarms(s, c, v))
        })
        .await?)
}

/// Auto scaling of a service: limits, policies, schedules, activities and warnings.
#[tauri::command]
pub async fn service_scaling(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
) -> Reply<ServiceScaling> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(scaling::service_scaling(s, c, v))
        })
        .await?)
}

/// Who changed a service in the last 90 days (CloudTrail); `more` goes on to older changes.
#[tauri::command]
pub async fn service_changes(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
    more: Option<String>,
) -> Reply<ServiceChanges> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(changes::service_changes(s, c, v, more))
        })
        .await?)
}

/// Recently stopped tasks with a diagnosis.
#[tauri::command]
pub async fn stopped_tasks(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
) -> Reply<Vec<StoppedTask>> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(diagnosis::stopped_tasks(s, c, v))
        })
        .await?)
}

/// Deployments of a service.
#[tauri::command]
pub async fn service_deployments(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
) -> Reply<ServiceDeployments> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(deployments::service_deployments(s, c, v))
        })
        .await?)
}

/// What changed between two task definition revisions.
#[tauri::command]
pub async fn task_definition_diff(
    registry: State<'_, SessionRegistry>,
    views: State<'_, Observability>,
    session_id: String,
    from: String,
    to: String,
) -> Reply<TaskDefinitionDiff> {
    Ok(views
        .task_definition_diff(&registry, &session_id, &from, &to)
        .await?)
}

/// Service events with plain-language glosses.
#[tauri::command]
pub async fn service_events(
    registry: State<'_, SessionRegistry>,
    at: ServiceAt,
) -> Reply<Vec<ServiceEvent>> {
    Ok(at
        .read(&registry, |s, c, v| {
            Box::pin(events::service_events(s, c, v))
        })
        .await?)
}
