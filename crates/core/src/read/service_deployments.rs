//! ECS's deployment history of a service: ListServiceDeployments (90 days), then
//! DescribeServiceDeployments and DescribeServiceRevisions, 20 at a time. Regions that do not
//! answer these operations yet are remembered for the session, and the app says so once.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_ecs::types::{ServiceDeployment, ServiceRevisionSummary};

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::service::task_definition_label;
use crate::model::service_deployment::{
    DeploymentHistory, HookState, RevisionImage, RevisionSide, ServiceDeploymentRecord,
};
use crate::model::strategy::DeploymentStrategy;
use crate::util::time::sdk_rfc3339;

/// ECS keeps service deployments this long.
const HISTORY_DAYS: i64 = 90;
/// Most deployments the tab lists (5 pages of ListServiceDeployments).
const MAX_LISTED: usize = 100;
/// DescribeServiceDeployments and DescribeServiceRevisions take at most 20 ARNs.
const BATCH: usize = 20;

/// What the tab says when the region does not answer the history operations.
pub const NOT_AVAILABLE: &str = "ECS's deployment history is not available in this region yet, so this tab shows only the deployments ECS lists for the service now. Rollback here deploys an earlier revision.";

/// Whether `err` says the region or account does not offer the operation.
pub fn unsupported(err: &CoreError) -> bool {
    matches!(
        err.code(),
        "UnknownOperationException" | "UnsupportedFeatureException" | "InvalidAction"
    )
}

/// The session's memory of regions without the history operations (asked once per hour).
fn no_history(session: &Session) -> std::sync::Arc<crate::util::freshness::Freshness<(), bool>> {
    session
        .reads()
        .table("no-deployment-history", Duration::from_secs(3600))
}

/// Whether this session's region is known not to answer the history operations.
pub fn known_unavailable(session: &Session) -> bool {
    no_history(session).peek(&()).unwrap_or(false)
}

/// Runs `read`, remembering an "unknown operation" answer for the session's region.
async fn remembering<T>(
    session: &Session,
    read: impl std::future::Future<Output = Result<T, CoreError>>,
) -> Result<T, CoreError> {
    let out = read.await;
    if let Err(e) = &out {
        if unsupported(e) {
            no_history(session).put((), true);
        }
    }
    out
}

/// One side of a deployment from ECS's summary (task definition and images come later).
fn side(summary: &ServiceRevisionSummary) -> RevisionSide {
    RevisionSide {
        arn: summary.arn().unwrap_or_default().to_string(),
        requested: summary.requested_task_count(),
        running: summary.running_task_count(),
        pending: summary.pending_task_count(),
        production_percent: summary.requested_production_traffic_weight(),
        test_percent: summary.requested_test_traffic_weight(),
        ..Default::default()
    }
}

/// Maps an SDK service deployment.
fn record(d: &ServiceDeployment) -> ServiceDeploymentRecord {
    let rollback = d.rollback();
    let breaker = d
        .deployment_circuit_breaker()
        .filter(|b| b.status().is_some_and(|s| s.as_str() != "DISABLED"))
        .map(|b| (b.failure_count(), b.threshold()));
    ServiceDeploymentRecord {
        arn: d.service_deployment_arn().unwrap_or_default().to_string(),
        status: d
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        status_reason: d.status_reason().map(str::to_string),
        stage: d.lifecycle_stage().map(|s| s.as_str().to_string()),
        created_at: sdk_rfc3339(d.created_at()),
        started_at: sdk_rfc3339(d.started_at()),
        finished_at: sdk_rfc3339(d.finished_at()),
        stopped_at: sdk_rfc3339(d.stopped_at()),
        updated_at: sdk_rfc3339(d.updated_at()),
        source: d.source_service_revisions().iter().map(side).collect(),
        target: d.target_service_revision().map(side),
        strategy: crate::read::described::strategy_of(d.deployment_configuration()),
        rollback_reason: rollback.and_then(|r| r.reason()).map(str::to_string),
        rolled_back_to: rollback
            .and_then(|r| r.service_revision_arn())
            .map(str::to_string),
        breaker,
        triggered_alarms: d
            .alarms()
            .map(|a| a.triggered_alarm_names().to_vec())
            .unwrap_or_default(),
        hooks: d
            .lifecycle_hook_details()
            .iter()
            .map(|h| HookState {
                hook_id: h.hook_id().unwrap_or_default().to_string(),
                target_type: h
                    .target_type()
                    .map_or("AWS_LAMBDA", |t| t.as_str())
                    .to_string(),
                status: h
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                expires_at: sdk_rfc3339(h.expires_at()),
                timeout_action: h.timeout_action().map(|a| a.as_str().to_string()),
            })
            .collect(),
        ..Default::default()
    }
    .with_words()
}

/// DescribeServiceDeployments of `arns`, 20 at a time, in the order given (unknown ones left out).
pub async fn describe(
    session: &Session,
    arns: &[String],
) -> Result<Vec<ServiceDeploymentRecord>, CoreError> {
    let mut found = HashMap::new();
    for chunk in arns.chunks(BATCH) {
        let out = remembering(session, async {
            session
                .ecs
                .describe_service_deployments()
                .set_service_deployment_arns(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(session.error("ecs:DescribeServiceDeployments"))
        })
        .await?;
        for d in out.service_deployments() {
            let r = record(d);
            found.insert(r.arn.clone(), r);
        }
    }
    Ok(arns.iter().filter_map(|a| found.remove(a)).collect())
}

/// Task definition and images of each revision in `records`: DescribeServiceRevisions, 20 at
/// a time, and who registered each task definition (cached per revision).
async fn fill_revisions(
    session: &Session,
    records: &mut [ServiceDeploymentRecord],
) -> Result<(), CoreError> {
    let mut arns: Vec<String> = records
        .iter()
        .flat_map(|r| r.source.iter().chain(r.target.iter()))
        .map(|s| s.arn.clone())
        .filter(|a| !a.is_empty())
        .collect();
    arns.sort();
    arns.dedup();
    let mut revisions: HashMap<String, (String, Vec<RevisionImage>)> = HashMap::new();
    for chunk in arns.chunks(BATCH) {
        let out = session
            .ecs
            .describe_service_revisions()
            .set_service_revision_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(session.error("ecs:DescribeServiceRevisions"))?;
        for rev in out.service_revisions() {
            let images = rev
                .container_images()
                .iter()
                .map(|c| RevisionImage {
                    container: c.container_name().unwrap_or_default().to_string(),
                    image: c.image().unwrap_or_default().to_string(),
                    digest: c.image_digest().map(str::to_string),
                })
                .collect();
            revisions.insert(
                rev.service_revision_arn().unwrap_or_default().to_string(),
                (
                    rev.task_definition().unwrap_or_default().to_string(),
                    images,
                ),
            );
        }
    }
    let mut registered: HashMap<String, Option<String>> = HashMap::new();
    for (td, _) in revisions.values() {
        if td.is_empty() || registered.contains_key(td) {
            continue;
        }
        // Who registered it is a nicety: a refused or missing task definition leaves it blank.
        let by = crate::read::task_definitions::describe_task_definition(session, td)
            .await
            .ok()
            .and_then(|d| d.registered_by().map(str::to_string));
        registered.insert(td.clone(), by);
    }
    for side in records
        .iter_mut()
        .flat_map(|r| r.source.iter_mut().chain(r.target.iter_mut()))
    {
        if let Some((td, images)) = revisions.get(&side.arn) {
            side.task_definition = task_definition_label(td).0;
            side.images = images.clone();
            side.registered_by = registered.get(td).cloned().flatten();
        }
    }
    for r in records.iter_mut() {
        *r = std::mem::take(r).with_words();
    }
    Ok(())
}

/// The deployments of `service` in the last 90 days, newest first, with their revisions; when
/// the region does not answer, an unavailable history with the note the tab shows.
pub async fn history(
    session: &Session,
    cluster: &str,
    service: &str,
    strategy: DeploymentStrategy,
) -> Result<DeploymentHistory, CoreError> {
    let unavailable = || DeploymentHistory {
        available: false,
        note: Some(NOT_AVAILABLE.to_string()),
        strategy_words: strategy.summary(),
        strategy: strategy.clone(),
        deployments: Vec::new(),
    };
    if known_unavailable(session) {
        return Ok(unavailable());
    }
    let after = aws_smithy_types::DateTime::from_secs(
        chrono::Utc::now().timestamp() - HISTORY_DAYS * 86_400,
    );
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = remembering(session, async {
            session
                .ecs
                .list_service_deployments()
                .cluster(cluster)
                .service(service)
                .created_at(
                    aws_sdk_ecs::types::CreatedAt::builder()
                        .after(after)
                        .build(),
                )
                .max_results(BATCH as i32)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(session.error("ecs:ListServiceDeployments"))
        })
        .await;
        let page = match page {
            Ok(p) => p,
            Err(e) if unsupported(&e) => return Ok(unavailable()),
            Err(e) => return Err(e),
        };
        arns.extend(
            page.service_deployments()
                .iter()
                .filter_map(|b| b.service_deployment_arn().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() || arns.len() >= MAX_LISTED {
            break;
        }
    }
    arns.truncate(MAX_LISTED);
    let mut deployments = match describe(session, &arns).await {
        Ok(d) => d,
        Err(e) if unsupported(&e) => return Ok(unavailable()),
        Err(e) => return Err(e),
    };
    fill_revisions(session, &mut deployments).await?;
    Ok(DeploymentHistory {
        available: true,
        note: None,
        strategy_words: strategy.summary(),
        strategy,
        deployments,
    })
}

/// The service deployment `arn` as it is now, for actions and the watch; None when the region
/// does not answer (the caller then works from DescribeServices alone).
pub async fn current(
    session: &Session,
    arn: &str,
) -> Result<Option<ServiceDeploymentRecord>, CoreError> {
    if known_unavailable(session) {
        return Ok(None);
    }
    match describe(session, &[arn.to_string()]).await {
        Ok(mut found) => Ok(found.pop()),
        Err(e) if unsupported(&e) => Ok(None),
        Err(e) => Err(e),
    }
}
