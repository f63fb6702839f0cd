//! The fleet view: services pinned from any session (partition, account, region) on one
//! dashboard, worst health first, with counts, CPU/memory sparklines and the session state; and
//! the index the Ctrl+K palette searches across every signed-in session.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::health;
use crate::aws::session::{Session, SessionRegistry};
use crate::error::{CoreError, ErrorPayload};
use crate::model::health::{HealthLevel, ServiceHealth};
use crate::model::sparkline::{SparkPoint, Sparkline};
use crate::model::thresholds::Thresholds;
use crate::read::metrics::{ecs_usage_query, get_metric_data};
use crate::store::history::History;
use crate::store::pins::FleetStore;
use crate::store::pins::Pin;

/// Sparklines cover the last three hours at five-minute points.
const SPARK_SPAN: i64 = 3 * 3600;
/// Sparkline period, seconds.
const SPARK_PERIOD: i32 = 300;

/// Whether the app can read a pinned service now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionState {
    /// An open session of the account answered.
    SignedIn,
    /// No session of the account is open.
    SignedOut,
    /// The session's sign-in has ended.
    Expired,
}

/// One row of the fleet view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FleetRow {
    /// The pin.
    pub pin: Pin,
    /// Its key (for unpinning and list keys).
    pub key: String,
    /// The open session used (same account and partition), if any.
    pub session_id: Option<String>,
    /// Session state.
    pub session_state: SessionState,
    /// The list health roll-up, when the service could be read.
    pub health: Option<ServiceHealth>,
    /// Desired tasks.
    pub desired: Option<i32>,
    /// Running tasks.
    pub running: Option<i32>,
    /// Pending tasks.
    pub pending: Option<i32>,
    /// CPU, last three hours.
    pub cpu: Option<Sparkline>,
    /// Memory, last three hours.
    pub memory: Option<Sparkline>,
    /// Why the row could not be read.
    pub error: Option<ErrorPayload>,
}

/// The fleet view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FleetView {
    /// Rows, worst health first (unreadable rows after red, then amber, then green).
    pub rows: Vec<FleetRow>,
    /// Red rows.
    pub red: u32,
    /// Amber rows.
    pub amber: u32,
    /// Green rows.
    pub green: u32,
    /// Rows that could not be read (signed out, expired, errors).
    pub unknown: u32,
}

/// Where one pin is read from: a session (possibly moved to the pin's region).
struct Reader {
    session: Arc<Session>,
}

/// Finds, for every pin, an open session of its partition and account (same region preferred).
async fn readers(
    registry: &SessionRegistry,
    pins: &[Pin],
) -> HashMap<(String, String), Result<Reader, CoreError>> {
    let infos = registry.list_sessions().await;
    let mut out = HashMap::new();
    for pin in pins {
        let want = (pin.account_id.clone(), pin.region.clone());
        if out.contains_key(&want) {
            continue;
        }
        let candidates: Vec<_> = infos
            .iter()
            .filter(|s| s.partition == pin.partition && s.account_id == pin.account_id)
            .collect();
        let chosen = candidates
            .iter()
            .find(|s| s.region == pin.region)
            .or(candidates.first());
        let Some(info) = chosen else { continue };
        let reader = match registry.get(&info.id).await {
            Ok(session) if session.info().region == pin.region => Ok(Reader { session }),
            Ok(session) => session.in_region(&pin.region).await.map(|s| Reader {
                session: Arc::new(s),
            }),
            Err(e) => Err(e),
        };
        out.insert(want, reader);
    }
    out
}

/// Whether `err` means the sign-in has ended.
fn is_expired(err: &CoreError) -> bool {
    matches!(err.code(), "ExpiredCredentials" | "SignInRequired")
}

/// Builds the fleet view of `pins`: per session and region, one health roll-up per cluster (each
/// service held to `thresholds_of(its threshold key)`, see [`ServiceRef::key`])
/// and one GetMetricData call for every pinned service's CPU and memory sparklines. Health levels
/// seen are recorded in `history` when given.
pub async fn fleet_view(
    registry: &SessionRegistry,
    pins: &[Pin],
    thresholds_of: &(dyn Fn(&str) -> Thresholds + Sync),
    history: Option<&History>,
) -> FleetView {
    let readers = readers(registry, pins).await;
    // Group pins by (account, region) so each group shares one session and one metrics call.
    let mut groups: BTreeMap<(String, String), Vec<&Pin>> = BTreeMap::new();
    for pin in pins {
        groups
            .entry((pin.account_id.clone(), pin.region.clone()))
            .or_default()
            .push(pin);
    }
    let work = groups.into_iter().map(|(group, members)| {
        let reader = readers.get(&group);
        async move {
            match reader {
                None => members
                    .into_iter()
                    .map(|p| row(p, None, SessionState::SignedOut))
                    .collect::<Vec<_>>(),
                Some(Err(e)) => members
                    .into_iter()
                    .map(|p| {
                        let mut r = row(p, None, state_of(e));
                        r.error = Some(ErrorPayload::from(e));
                        r
                    })
                    .collect(),
                Some(Ok(reader)) => group_rows(&reader.session, &members, thresholds_of).await,
            }
        }
    });
    let mut rows: Vec<FleetRow> = futures::future::join_all(work)
        .await
        .into_iter()
        .flatten()
        .collect();
    if let Some(history) = history {
        for r in &rows {
            if let Some(h) = &r.health {
                // History is a convenience: a failed write must not fail the view.
                let _ = history.record_health(&r.key, h);
            }
        }
    }
    rows.sort_by(|a, b| {
        rank(b)
            .cmp(&rank(a))
            .then_with(|| a.pin.service.cmp(&b.pin.service))
            .then_with(|| a.key.cmp(&b.key))
    });
    let count = |level| {
        rows.iter()
            .filter(|r| r.health.as_ref().map(|h| h.level) == Some(level))
            .count() as u32
    };
    let (red, amber, green) = (
        count(HealthLevel::Red),
        count(HealthLevel::Amber),
        count(HealthLevel::Green),
    );
    let unknown = rows.len() as u32 - red - amber - green;
    FleetView {
        rows,
        red,
        amber,
        green,
        unknown,
    }
}

/// Sort rank: red 4, unreadable 3, amber 2, green 1.
fn rank(r: &FleetRow) -> u8 {
    match r.health.as_ref().map(|h| h.level) {
        Some(HealthLevel::Red) => 4,
        None => 3,
        Some(HealthLevel::Amber) => 2,
        Some(HealthLevel::Green) => 1,
    }
}

fn state_of(e: &CoreError) -> SessionState {
    if is_expired(e) {
        SessionState::Expired
    } else {
        SessionState::SignedIn
    }
}

/// An empty row of `pin`.
fn row(pin: &Pin, session_id: Option<String>, state: SessionState) -> FleetRow {
    FleetRow {
        pin: pin.clone(),
        key: pin.key(),
        session_id,
        session_state: state,
        health: None,
        desired: None,
        running: None,
        pending: None,
        cpu: None,
        memory: None,
        error: None,
    }
}

/// The rows of the pins read through one session and region.
async fn group_rows(
    session: &Session,
    pins: &[&Pin],
    thresholds_of: &(dyn Fn(&str) -> Thresholds + Sync),
) -> Vec<FleetRow> {
    let mut clusters: Vec<&str> = pins.iter().map(|p| p.cluster.as_str()).collect();
    clusters.sort();
    clusters.dedup();
    let health_work = clusters.iter().map(|c| async move {
        let of = |service: &str| thresholds_of(&session.info().service_ref(c, service).key());
        let health = health::services_health_with(session, c, &of).await;
        let described = crate::read::services::cluster_services(session, c).await;
        (c.to_string(), health, described)
    });
    let (by_cluster, sparks) = futures::join!(
        futures::future::join_all(health_work),
        sparklines(session, pins)
    );
    let by_cluster: HashMap<_, _> = by_cluster
        .into_iter()
        .map(|(c, h, d)| (c, (h, d)))
        .collect();
    // The session id shown is the open session's (the region may have been moved for the pin).
    let session_id = Some(session.info().id.clone());
    pins.iter()
        .enumerate()
        .map(|(i, pin)| {
            let mut r = row(pin, session_id.clone(), SessionState::SignedIn);
            match by_cluster.get(pin.cluster.as_str()) {
                Some((Ok(health), described)) => {
                    r.health = health.iter().find(|h| h.service == pin.service).cloned();
                    if let Ok(described) = described {
                        if let Some(s) = described
                            .iter()
                            .find(|s| s.service_name() == Some(pin.service.as_str()))
                        {
                            r.desired = Some(s.desired_count());
                            r.running = Some(s.running_count());
                            r.pending = Some(s.pending_count());
                        }
                    }
                    if r.health.is_none() {
                        r.error = Some(ErrorPayload::from(CoreError::NotFound(format!(
                            "The service {} is not in cluster {} any more.",
                            pin.service, pin.cluster
                        ))));
                    }
                }
                Some((Err(e), _)) => {
                    r.session_state = state_of(e);
                    r.error = Some(ErrorPayload::from(e));
                }
                None => {}
            }
            if let Ok(sparks) = &sparks {
                r.cpu = sparks.get(&format!("c{i}")).map(|p| Sparkline::of(p));
                r.memory = sparks.get(&format!("m{i}")).map(|p| Sparkline::of(p));
            }
            r
        })
        .collect()
}

/// The last three hours of CPU and memory of every pin (ids `c{i}` and `m{i}`, in pin order),
/// 500 queries (250 services) a GetMetricData call.
async fn sparklines(
    session: &Session,
    pins: &[&Pin],
) -> Result<HashMap<String, Vec<(i64, f64)>>, CoreError> {
    let end = chrono::Utc::now().timestamp() / 60 * 60;
    let queries = pins
        .iter()
        .enumerate()
        .flat_map(|(i, pin)| {
            [("c", "CPUUtilization"), ("m", "MemoryUtilization")].map(|(prefix, metric)| {
                ecs_usage_query(
                    &format!("{prefix}{i}"),
                    metric,
                    &pin.cluster,
                    &pin.service,
                    SPARK_PERIOD,
                )
            })
        })
        .collect();
    get_metric_data(session, queries, end - SPARK_SPAN, end).await
}

/// Service names of `cluster` from ListServices pages.
pub(crate) async fn service_names(
    session: &Session,
    cluster: &str,
) -> Result<Vec<String>, CoreError> {
    let mut pages = session
        .ecs
        .list_services()
        .cluster(cluster)
        .max_results(100)
        .into_paginator()
        .send();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(session.error("ecs:ListServices"))?;
        names.extend(
            page.service_arns()
                .iter()
                .map(|a| crate::util::arn::arn_name(a)),
        );
    }
    Ok(names)
}

/// Writes the TypeScript declarations of the fleet types into `dir`.
pub fn export_bindings(dir: &Path) -> Result<(), CoreError> {
    let fail =
        |e: ts_rs::ExportError| CoreError::Internal(format!("exporting TypeScript bindings: {e}"));
    Pin::export_all_to(dir).map_err(fail)?;
    SessionState::export_all_to(dir).map_err(fail)?;
    SparkPoint::export_all_to(dir).map_err(fail)?;
    Sparkline::export_all_to(dir).map_err(fail)?;
    FleetRow::export_all_to(dir).map_err(fail)?;
    FleetView::export_all_to(dir).map_err(fail)?;
    crate::model::console::ConsoleTarget::export_all_to(dir).map_err(fail)?;
    crate::app::console::ConsoleLink::export_all_to(dir).map_err(fail)?;
    crate::app::incident::SnapshotWritten::export_all_to(dir).map_err(fail)?;
    crate::store::history::export_bindings(dir)
}

impl FleetStore {
    /// Pins `service` of `cluster` as seen through the open session `session_id`.
    pub async fn pin_service(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
    ) -> Result<Vec<Pin>, CoreError> {
        let session = registry.get(session_id).await?;
        let info = session.info();
        let signed_in_as = match &info.role_name {
            Some(role) => format!(
                "{role} in {}",
                info.account_name.as_deref().unwrap_or(&info.account_id)
            ),
            None => info.profile.clone(),
        };
        self.pin(Pin {
            partition: info.partition,
            account_id: info.account_id.clone(),
            account_name: info.account_name.clone(),
            region: info.region.clone(),
            cluster: cluster.to_string(),
            service: service.to_string(),
            signed_in_as,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::partition::Partition;

    fn pin(service: &str) -> Pin {
        Pin {
            partition: Partition::AwsUsGov,
            account_id: "210987654321".into(),
            account_name: None,
            region: "us-gov-east-1".into(),
            cluster: "coe-ecs-prod".into(),
            service: service.into(),
            signed_in_as: "demo-govcloud".into(),
        }
    }

    #[test]
    fn pins_survive_a_reopen_and_unpin() {
        let dir = tempfile::tempdir().unwrap();
        let store = FleetStore::open(dir.path());
        store.pin(pin("a")).unwrap();
        store.pin(pin("b")).unwrap();
        store.pin(pin("a")).unwrap();
        assert_eq!(store.pins().len(), 2);
        let reopened = FleetStore::open(dir.path());
        assert_eq!(reopened.pins(), store.pins());
        reopened.unpin(&pin("a").key()).unwrap();
        assert_eq!(FleetStore::open(dir.path()).pins(), vec![pin("b")]);
        assert!(!dir.path().join("fleet.json.tmp").exists());
    }

    #[test]
    fn a_pin_in_a_region_of_the_other_partition_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = FleetStore::open(dir.path());
        let mut bad = pin("a");
        bad.region = "us-east-1".into();
        assert!(store.pin(bad).is_err());
        assert!(store.pins().is_empty());
    }

    #[test]
    fn a_corrupt_pin_file_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fleet.json"), b"{not json").unwrap();
        let store = FleetStore::open(dir.path());
        assert!(store.pins().is_empty());
        assert!(dir.path().join("fleet.json.bad").exists());
    }
}
