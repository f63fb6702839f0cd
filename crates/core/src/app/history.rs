//! A service's local history as the service page asks for it: recorded from what the app reads
//! now, then read back from the store.

use crate::app::observability::Observability;
use crate::aws::session::SessionRegistry;
use crate::error::CoreError;
use crate::read::{deployments, diagnosis, events};
use crate::store::history::History;
use crate::store::history::ServiceHistory;
/// Reads the service's stopped tasks, events and deployments from AWS, records them, and returns
/// the whole history (still returned, with a note, when AWS cannot be read).
pub async fn load_service_history(
    registry: &SessionRegistry,
    views: &Observability,
    history: &History,
    session_id: &str,
    cluster: &str,
    service: &str,
) -> Result<ServiceHistory, CoreError> {
    let session = registry.get(session_id).await?;
    let key = session.info().service_ref(cluster, service).key();
    let (stopped, events, deployments, health) = futures::join!(
        diagnosis::stopped_tasks(&session, cluster, service),
        events::service_events(&session, cluster, service),
        deployments::service_deployments(&session, cluster, service),
        views.service_health(registry, session_id, cluster, service, None),
    );
    if let Ok(health) = &health {
        // A failed write only costs this health change; the rest still records.
        let _ = history.record_health(&key, health);
    }
    let note = match (stopped, events, deployments) {
        (Ok(s), Ok(e), Ok(d)) => history
            .record_service(&key, &s, &e, &d.deployments)
            .err()
            .map(|e| e.to_string()),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            Some(format!("The latest data could not be read: {e}"))
        }
    };
    let _ = history.prune(chrono::Utc::now().timestamp());
    let mut out = history.service_history(&key)?;
    out.note = note;
    Ok(out)
}
