//! "Who changed this service": CloudTrail's management events of the last 90 days that changed a
//! service — by anyone, from anywhere — read when the Changes tab opens.
//!
//! LookupEvents takes one attribute a call and 2 calls a second per account and region, and
//! CloudTrail does not index ECS events by service. So each event name that changes a service is
//! looked up on its own (the region's events of that name), paced to the limit, filtered here by
//! the service in the request, and cached for a minute; "older" goes on from where each stopped.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};

use crate::aws::pacing::wait_turn;
use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::change::{
    actor, via, what, ChangeTarget, ServiceChange, ServiceChanges, TrailRecord,
};
use crate::model::service::task_definition_label;
use crate::read::described::task_definition_of;
use crate::read::services::describe_service;
use crate::util::arn::arn_name;
use crate::util::time::sdk_rfc3339;

/// The operations that change a service, each looked up by name.
pub const CHANGE_EVENTS: [&str; 4] = [
    "UpdateService",
    "StopTask",
    "RegisterTaskDefinition",
    "RegisterScalableTarget",
];

/// LookupEvents' rate per account and region.
const LOOKUPS_PER_SECOND: u32 = 2;
/// LookupEvents' largest page.
const PAGE: i32 = 50;
/// CloudTrail keeps management events this long.
const RETENTION_DAYS: i64 = 90;
/// How long a read of the tab is reused (CloudTrail delivers events minutes late anyway).
const CHANGES_TTL: Duration = Duration::from_secs(60);

/// Where each event name's lookup stopped: its NextToken, or nothing left.
type Cursor = BTreeMap<String, Option<String>>;

/// One page of one event name: the events and where to go on.
async fn lookup(
    session: &Session,
    event: &str,
    token: Option<String>,
) -> Result<(Vec<aws_sdk_cloudtrail::types::Event>, Option<String>), CoreError> {
    let info = session.info();
    wait_turn(
        &info.account_id,
        &info.region,
        "cloudtrail:LookupEvents",
        LOOKUPS_PER_SECOND,
    )
    .await;
    let now = chrono::Utc::now();
    let start = now - chrono::Duration::days(RETENTION_DAYS);
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventName)
        .attribute_value(event)
        .build()
        .map_err(|e| CoreError::Internal(format!("building a lookup: {e}")))?;
    let out = session
        .trail
        .lookup_events()
        .lookup_attributes(attribute)
        .start_time(aws_smithy_types::DateTime::from_secs(start.timestamp()))
        .end_time(aws_smithy_types::DateTime::from_secs(now.timestamp()))
        .max_results(PAGE)
        .set_next_token(token)
        .send()
        .await
        .map_err(session.error("cloudtrail:LookupEvents"))?;
    Ok((out.events().to_vec(), out.next_token().map(str::to_string)))
}

/// The change an event made to `target`, if it made one.
fn change_of(
    event: &aws_sdk_cloudtrail::types::Event,
    target: &ChangeTarget,
) -> Option<ServiceChange> {
    let name = event.event_name()?;
    let record = TrailRecord::parse(event.cloud_trail_event()?)?;
    if !target.concerns(name, &record) {
        return None;
    }
    let (who, role, kind) = actor(&record.identity, &record.user_agent);
    Some(ServiceChange {
        id: event.event_id().unwrap_or_default().to_string(),
        at: sdk_rfc3339(event.event_time()).unwrap_or_default(),
        epoch: event.event_time().map_or(0, |t| t.secs()),
        who,
        role,
        actor: kind,
        via: via(&record.user_agent),
        what: what(name, &record),
        event_name: name.to_string(),
        error: record.error.clone(),
    })
}

/// Changes to `service` of `cluster`: the newest page of each change event, or, with `more`
/// (from an earlier answer), the next pages.
pub async fn service_changes(
    session: &Session,
    cluster: &str,
    service: &str,
    more: Option<String>,
) -> Result<ServiceChanges, CoreError> {
    let key = (cluster.to_string(), service.to_string(), more.clone());
    session
        .reads()
        .table("service-changes", CHANGES_TTL)
        .get(key, || read(session, cluster, service, more))
        .await
}

async fn read(
    session: &Session,
    cluster: &str,
    service: &str,
    more: Option<String>,
) -> Result<ServiceChanges, CoreError> {
    let cursor: Cursor = match &more {
        Some(text) => serde_json::from_str(text).map_err(|_| {
            CoreError::InvalidInput(
                "The request for older changes was not understood; reload the tab.".into(),
            )
        })?,
        None => CHANGE_EVENTS
            .iter()
            .map(|e| (e.to_string(), None))
            .collect(),
    };
    let described = describe_service(session, cluster, service).await?;
    // `family:revision` of the service's task definition (its task set's, for EXTERNAL).
    let (label, _) = task_definition_label(task_definition_of(&described));
    let target = ChangeTarget {
        cluster: arn_name(cluster),
        service: arn_name(service),
        family: label.rsplit_once(':').map(|(f, _)| f.to_string()),
    };
    let mut changes = Vec::new();
    let mut next: Cursor = BTreeMap::new();
    let mut scanned = 0u32;
    // The oldest event each unfinished stream reached: below it, the list may miss changes.
    let mut complete_since: Option<i64> = None;
    for (event, token) in &cursor {
        // A stream read to its end (a `null` left from an earlier page) is done.
        if more.is_some() && token.is_none() {
            continue;
        }
        let (events, token) = lookup(session, event, token.clone()).await?;
        scanned += events.len() as u32;
        changes.extend(events.iter().filter_map(|e| change_of(e, &target)));
        if token.is_some() {
            let oldest = events
                .iter()
                .filter_map(|e| e.event_time())
                .map(|t| t.secs())
                .min();
            if let Some(t) = oldest {
                complete_since = Some(complete_since.map_or(t, |c| c.max(t)));
            }
        }
        next.insert(event.clone(), token);
    }
    changes.sort_by(|a, b| b.epoch.cmp(&a.epoch).then_with(|| a.id.cmp(&b.id)));
    let any_left = next.values().any(Option::is_some);
    Ok(ServiceChanges {
        changes,
        more: if any_left {
            serde_json::to_string(&next).ok()
        } else {
            None
        },
        scanned,
        complete_since: complete_since
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(crate::util::time::rfc3339),
    })
}
