//! The health roll-up of a service: green, amber or red, with the reasons in plain sentences.
//!
//! It weighs what the runbooks check by hand: running against desired tasks, the deployment's
//! rollout state and circuit breaker, recently stopped tasks, target health, alarms in ALARM and
//! the thresholds (CPU 70 %, memory 80 %, 5xx 1 % of requests, response time 500 ms).
//! The services list and the fleet view get a list variant (ECS data, stopped tasks, and CPU and
//! memory: a few calls for the whole cluster); the service page gets the full one, which also
//! weighs target health, alarms and the load balancer's errors and response times.

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::deployment::Deployment;
use crate::model::health::roll_up;
use crate::model::health::HealthInput;
use crate::model::health::HealthLevel;
use crate::model::health::HealthReason;
use crate::model::health::ServiceHealth;
use crate::model::metrics::{MetricRange, RangePreset};
use crate::model::thresholds::Thresholds;
use crate::read::alarms::alarms_of;
use crate::read::diagnosis::{stopped_tasks, stopped_tasks_by_service};
use crate::read::metrics::MetricsCache;
use crate::read::targets::{service_context, target_health_of};
use crate::util::arn::arn_name;

/// Deployment facts of an SDK service.
fn deployment_facts(service: &aws_sdk_ecs::types::Service) -> Vec<Deployment> {
    crate::read::described::deployments_of(service)
}

/// The list roll-up of every service of `cluster` with the same `thresholds` for all.
pub async fn services_health(
    session: &Session,
    cluster: &str,
    thresholds: &Thresholds,
) -> Result<Vec<ServiceHealth>, CoreError> {
    services_health_with(session, cluster, &|_| *thresholds).await
}

/// The list roll-up of every service of `cluster` (services list, fleet view): ECS counts,
/// deployments, recently stopped tasks and the latest CPU and memory, each service weighed
/// against its own thresholds (`thresholds_of(name)`); no targets, alarms or ALB metrics.
pub async fn services_health_with(
    session: &Session,
    cluster: &str,
    thresholds_of: &(dyn Fn(&str) -> Thresholds + Sync),
) -> Result<Vec<ServiceHealth>, CoreError> {
    // The same described services as the list itself (shared, not fetched again), while the
    // stopped tasks are listed at the same time.
    let (described, stopped) = futures::join!(
        crate::read::services::cluster_services(session, cluster),
        stopped_tasks_by_service(session, cluster)
    );
    let (described, stopped) = (described?, stopped?);
    let name_of = |s: &aws_sdk_ecs::types::Service| {
        s.service_name()
            .map(str::to_string)
            .unwrap_or_else(|| arn_name(s.service_arn().unwrap_or_default()))
    };
    let names: Vec<String> = described.iter().map(name_of).collect();
    // CPU and memory are one GetMetricData call per 250 services; without them (no permission,
    // CloudWatch down) the roll-up still weighs everything else and says what it could not check.
    let (usage, note) = match crate::read::metrics::latest_usage(session, cluster, &names).await {
        Ok(usage) => (Some(usage), None),
        Err(e) => (
            None,
            Some(format!("CPU and memory could not be checked: {e}")),
        ),
    };
    let mut out: Vec<ServiceHealth> = described
        .iter()
        .zip(&names)
        .map(|(s, name)| {
            let input = HealthInput {
                desired: s.desired_count(),
                running: s.running_count(),
                pending: s.pending_count(),
                deployments: deployment_facts(s),
                stopped: stopped.get(name).map_or(&[][..], Vec::as_slice),
                latest: usage.as_ref().and_then(|u| u.get(name).copied()),
                ..Default::default()
            };
            roll_up(
                name,
                &input,
                &thresholds_of(name),
                false,
                note.iter().cloned().collect(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.service.cmp(&b.service));
    Ok(out)
}

/// The full roll-up of `service` (service page): also targets, alarms and the last hour's
/// metrics (from `cache`, so the page's 1-hour charts reuse the same GetMetricData call).
pub async fn service_health(
    session: &Session,
    cache: &MetricsCache,
    cluster: &str,
    service: &str,
    thresholds: &Thresholds,
) -> Result<ServiceHealth, CoreError> {
    let ctx = service_context(session, cluster, service).await?;
    let range = MetricRange::preset(RangePreset::H1);
    let (stopped, targets, alarms, metrics) = futures::join!(
        stopped_tasks(session, cluster, ctx.name()),
        target_health_of(session, &ctx),
        alarms_of(session, &ctx),
        cache.get(session, &ctx, &range),
    );
    let stopped = stopped?;
    let mut notes = Vec::new();
    let mut keep = |what: &str, err: &CoreError| {
        notes.push(format!("{what} could not be checked: {err}"));
    };
    let targets = targets.inspect_err(|e| keep("Target health", e)).ok();
    let alarms = alarms.inspect_err(|e| keep("Alarms", e)).ok();
    let latest = metrics
        .inspect_err(|e| keep("Metrics", e))
        .ok()
        .map(|m| m.latest());
    let input = HealthInput {
        desired: ctx.service.desired_count(),
        running: ctx.service.running_count(),
        pending: ctx.service.pending_count(),
        deployments: deployment_facts(&ctx.service),
        stopped: &stopped,
        targets: targets.as_deref(),
        alarms: alarms.as_deref(),
        latest,
    };
    Ok(roll_up(ctx.name(), &input, thresholds, true, notes))
}

/// Writes the TypeScript declarations of the service-health types (roll-up, metrics, charts,
/// deployments, events, targets, alarms, stopped tasks, logs) into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), CoreError> {
    use ts_rs::TS;
    let fail =
        |e: ts_rs::ExportError| CoreError::Internal(format!("exporting TypeScript bindings: {e}"));
    Thresholds::export_all_to(dir).map_err(fail)?;
    HealthLevel::export_all_to(dir).map_err(fail)?;
    HealthReason::export_all_to(dir).map_err(fail)?;
    ServiceHealth::export_all_to(dir).map_err(fail)?;
    crate::model::metrics::RangePreset::export_all_to(dir).map_err(fail)?;
    crate::model::metrics::MetricRange::export_all_to(dir).map_err(fail)?;
    crate::model::metrics::Window::export_all_to(dir).map_err(fail)?;
    crate::model::metrics::LatestValues::export_all_to(dir).map_err(fail)?;
    crate::render::charts::Theme::export_all_to(dir).map_err(fail)?;
    crate::render::charts::ChartOptions::export_all_to(dir).map_err(fail)?;
    crate::render::charts::PlotArea::export_all_to(dir).map_err(fail)?;
    crate::render::charts::ReducedSeries::export_all_to(dir).map_err(fail)?;
    crate::render::charts::RenderedChart::export_all_to(dir).map_err(fail)?;
    crate::app::charts::ServiceCharts::export_all_to(dir).map_err(fail)?;
    crate::model::deployment::Deployment::export_all_to(dir).map_err(fail)?;
    crate::model::deployment::CircuitBreakerInfo::export_all_to(dir).map_err(fail)?;
    crate::model::deployment::ServiceDeployments::export_all_to(dir).map_err(fail)?;
    crate::model::deployment::DefinitionChange::export_all_to(dir).map_err(fail)?;
    crate::model::deployment::TaskDefinitionDiff::export_all_to(dir).map_err(fail)?;
    crate::model::event::EventKind::export_all_to(dir).map_err(fail)?;
    crate::model::event::ServiceEvent::export_all_to(dir).map_err(fail)?;
    crate::model::target::TargetInfo::export_all_to(dir).map_err(fail)?;
    crate::model::target::TargetGroupHealth::export_all_to(dir).map_err(fail)?;
    crate::model::alarm::AlarmInfo::export_all_to(dir).map_err(fail)?;
    crate::model::scaling::ServiceScaling::export_all_to(dir).map_err(fail)?;
    crate::model::change::ServiceChanges::export_all_to(dir).map_err(fail)?;
    crate::model::insights::NamedQuery::export_all_to(dir).map_err(fail)?;
    crate::model::insights::InsightsRun::export_all_to(dir).map_err(fail)?;
    crate::read::insights::InsightsResults::export_all_to(dir).map_err(fail)?;
    crate::model::diagnosis::StopCause::export_all_to(dir).map_err(fail)?;
    crate::model::diagnosis::Diagnosis::export_all_to(dir).map_err(fail)?;
    crate::model::diagnosis::StoppedTask::export_all_to(dir).map_err(fail)?;
    crate::read::logs::LogSource::export_all_to(dir).map_err(fail)?;
    crate::read::logs::LogLine::export_all_to(dir).map_err(fail)?;
    crate::read::logs::LogQuery::export_all_to(dir).map_err(fail)?;
    crate::read::logs::LogPage::export_all_to(dir).map_err(fail)?;
    crate::read::log_follow::LogBatch::export_all_to(dir).map_err(fail)?;
    Ok(())
}
