//! Service events, newest first, with ECS's wording kept and a plain-language gloss for the
//! common ones.

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::event::gloss;
use crate::model::event::ServiceEvent;
use crate::read::targets::describe_service;
use crate::util::time::sdk_rfc3339;

/// The events of `service`, newest first.
pub async fn service_events(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<Vec<ServiceEvent>, CoreError> {
    let found = describe_service(session, cluster, service).await?;
    let mut events: Vec<ServiceEvent> = found
        .events()
        .iter()
        .map(|e| {
            let message = e.message().unwrap_or_default().to_string();
            let (kind, text) = gloss(&message);
            ServiceEvent {
                id: e.id().unwrap_or_default().to_string(),
                created_at: sdk_rfc3339(e.created_at()),
                kind,
                gloss: text.map(str::to_string),
                problem: kind.is_problem(),
                message,
            }
        })
        .collect();
    events.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(events)
}
