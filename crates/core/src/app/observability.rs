//! The service-health views as the app reaches them: one entry point per view, taking a session
//! id, so the shell's commands stay one-line delegations. Holds what those views share: the
//! metrics cache, the running log follows and the folder exports are written to.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::app::charts::ServiceCharts;
use crate::app::health;
use crate::aws::session::{Session, SessionRegistry};
use crate::error::CoreError;
use crate::model::deployment::TaskDefinitionDiff;
use crate::model::health::ServiceHealth;
use crate::model::metrics::MetricRange;
use crate::model::thresholds::Thresholds;
use crate::read::deployments;
use crate::read::log_follow::{LogBatch, LogFollows};
use crate::read::logs;
use crate::read::logs::{LogLine, LogPage, LogQuery};
use crate::read::metrics::MetricsCache;
use crate::render::charts::ChartOptions;
use crate::store::thresholds::{ThresholdSetting, ThresholdStore};
use futures::future::BoxFuture;

/// How often follow mode polls CloudWatch Logs.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(2);

/// Shared state of the health views (cheap to clone).
#[derive(Debug, Clone)]
pub struct Observability {
    cache: MetricsCache,
    follows: LogFollows,
    exports: PathBuf,
    /// Saved per-service thresholds; without a store every service uses the runbook defaults.
    thresholds: Option<ThresholdStore>,
}

impl Observability {
    /// Views that write chart and log exports into `exports`.
    pub fn new(exports: impl Into<PathBuf>) -> Self {
        Observability {
            cache: MetricsCache::new(),
            follows: LogFollows::new(),
            exports: exports.into(),
            thresholds: None,
        }
    }

    /// The same views, holding services to the thresholds saved in `store`.
    pub fn with_thresholds(mut self, store: ThresholdStore) -> Self {
        self.thresholds = Some(store);
        self
    }

    /// The thresholds for a service: those the UI passed, else the saved ones, else the defaults.
    /// The thresholds of each service by its key (`given` for all when given), with the saved
    /// file read once: for views that weigh many services at a time (list, fleet).
    pub fn thresholds_by_key(
        &self,
        given: Option<Thresholds>,
    ) -> impl Fn(&str) -> Thresholds + Sync {
        let saved = match (given, &self.thresholds) {
            (None, Some(store)) => store.saved(),
            _ => Default::default(),
        };
        move |key: &str| given.unwrap_or_else(|| saved.get(key).copied().unwrap_or_default())
    }

    fn thresholds_for(
        &self,
        session: &crate::aws::session::Session,
        cluster: &str,
        service: &str,
        given: Option<Thresholds>,
    ) -> Thresholds {
        given.unwrap_or_else(|| {
            self.thresholds
                .as_ref()
                .map_or_else(Thresholds::default, |s| {
                    s.effective(&session.info().service_ref(cluster, service).key())
                })
        })
    }

    /// What a service is held to and whether it has its own thresholds.
    pub async fn get_thresholds(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
    ) -> Result<ThresholdSetting, CoreError> {
        let session = registry.get(session_id).await?;
        let key = session.info().service_ref(cluster, service).key();
        match &self.thresholds {
            Some(store) => store.get(&key),
            None => Ok(ThresholdSetting {
                thresholds: Thresholds::default(),
                custom: false,
                defaults: Thresholds::default(),
            }),
        }
    }

    /// Saves a service's thresholds (`None` resets them to the runbook defaults).
    pub async fn set_thresholds(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        thresholds: Option<Thresholds>,
    ) -> Result<ThresholdSetting, CoreError> {
        let session = registry.get(session_id).await?;
        let key = session.info().service_ref(cluster, service).key();
        let store = self
            .thresholds
            .as_ref()
            .ok_or_else(|| CoreError::Internal("no folder to save thresholds in".into()))?;
        store.set(&key, thresholds)
    }

    /// Where exports go.
    pub fn exports_dir(&self) -> &std::path::Path {
        &self.exports
    }

    /// The list roll-up of every service of `cluster` (services list), each service held to its own thresholds.
    pub async fn services_health(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        thresholds: Option<Thresholds>,
    ) -> Result<Vec<ServiceHealth>, CoreError> {
        let session = registry.get(session_id).await?;
        let by_key = self.thresholds_by_key(thresholds);
        let thresholds_of =
            |service: &str| by_key(&session.info().service_ref(cluster, service).key());
        health::services_health_with(&session, cluster, &thresholds_of).await
    }

    /// Full roll-up of one service (service page).
    pub async fn service_health(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        thresholds: Option<Thresholds>,
    ) -> Result<ServiceHealth, CoreError> {
        let session = registry.get(session_id).await?;
        let t = self.thresholds_for(&session, cluster, service, thresholds);
        health::service_health(&session, &self.cache, cluster, service, &t).await
    }

    /// Every chart of `service` for `range`, as SVG with reduced points.
    #[allow(clippy::too_many_arguments)]
    pub async fn service_metrics(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        range: &MetricRange,
        options: &ChartOptions,
        thresholds: Option<Thresholds>,
    ) -> Result<ServiceCharts, CoreError> {
        let session = registry.get(session_id).await?;
        let t = self.thresholds_for(&session, cluster, service, thresholds);
        crate::app::charts::service_metrics(
            &session,
            &self.cache,
            cluster,
            service,
            range,
            &t,
            options,
        )
        .await
    }

    /// One chart as a PNG file in the exports folder; returns its path.
    #[allow(clippy::too_many_arguments)]
    pub async fn export_chart_png(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        range: &MetricRange,
        chart_id: &str,
        options: &ChartOptions,
        thresholds: Option<Thresholds>,
    ) -> Result<String, CoreError> {
        let session = registry.get(session_id).await?;
        let t = self.thresholds_for(&session, cluster, service, thresholds);
        let path = crate::app::charts::export_chart_png(
            &session,
            &self.cache,
            cluster,
            service,
            range,
            &t,
            options,
            chart_id,
            &self.exports,
        )
        .await?;
        Ok(path.display().to_string())
    }

    /// What changed between two task definition revisions.
    pub async fn task_definition_diff(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        from: &str,
        to: &str,
    ) -> Result<TaskDefinitionDiff, CoreError> {
        let session = registry.get(session_id).await?;
        deployments::task_definition_diff(&session, from, to).await
    }

    /// The last lines of a group (or of one stream).
    pub async fn log_recent(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        group: &str,
        stream: Option<&str>,
        limit: Option<i32>,
        region: Option<&str>,
    ) -> Result<Vec<LogLine>, CoreError> {
        let session = registry.get_in(session_id, region).await?;
        logs::recent(&session, group, stream, limit.unwrap_or(500)).await
    }

    /// One page of a log search.
    pub async fn log_search(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        query: &LogQuery,
    ) -> Result<LogPage, CoreError> {
        let session = registry.get_in(session_id, query.region.as_deref()).await?;
        logs::search(&session, query).await
    }

    /// The first page of the last hour's error lines.
    pub async fn log_errors(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        group: &str,
        stream_prefix: Option<String>,
        region: Option<&str>,
    ) -> Result<LogPage, CoreError> {
        let session = registry.get_in(session_id, region).await?;
        logs::errors_last_hour(&session, group, stream_prefix).await
    }

    /// Starts following `query`; batches go to `sink`. Returns the follow id.
    pub async fn log_follow_start<F>(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        query: LogQuery,
        sink: F,
    ) -> Result<String, CoreError>
    where
        F: Fn(LogBatch) -> bool + Send + Sync + 'static,
    {
        let session: Arc<_> = registry.get_in(session_id, query.region.as_deref()).await?;
        Ok(self.follows.start(session, query, FOLLOW_INTERVAL, sink))
    }

    /// Pauses a follow.
    pub fn log_follow_pause(&self, follow_id: &str) -> Result<(), CoreError> {
        self.follows.pause(follow_id)
    }

    /// Resumes a follow.
    pub fn log_follow_resume(&self, follow_id: &str) -> Result<(), CoreError> {
        self.follows.resume(follow_id)
    }

    /// Stops a follow.
    pub fn log_follow_stop(&self, follow_id: &str) -> Result<(), CoreError> {
        self.follows.stop(follow_id)
    }

    /// Saves lines of log group `group` as a new text file in the exports folder, named after
    /// the group and the time; returns its path.
    pub fn log_save(&self, group: &str, lines: &[LogLine]) -> Result<String, CoreError> {
        let tail = group
            .rsplit('/')
            .find(|part| !part.is_empty())
            .unwrap_or("logs");
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let name = format!("{tail}-logs-{stamp}.txt");
        crate::util::new_file::write_new(&self.exports, &name, logs::lines_text(lines).as_bytes())
            .map(|p| p.display().to_string())
    }
}

/// Runs `read`, a reader of one service (targets, alarms, stopped tasks, deployments, events,
/// log sources), on the session `session_id`: one way in for the views that need nothing but
/// the session, cluster and service.
pub async fn on_service<T, F>(
    registry: &SessionRegistry,
    session_id: &str,
    cluster: &str,
    service: &str,
    read: F,
) -> Result<T, CoreError>
where
    F: for<'a> FnOnce(&'a Session, &'a str, &'a str) -> BoxFuture<'a, Result<T, CoreError>>,
{
    let session = registry.get(session_id).await?;
    read(&session, cluster, service).await
}
