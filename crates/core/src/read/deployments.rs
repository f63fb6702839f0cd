//! Deployments of a service (status, rollout state, counts, circuit breaker) and what changed
//! between two task definition revisions (image, cpu, memory, environment variable names).

use std::collections::BTreeMap;

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::deployment::CircuitBreakerInfo;
use crate::model::deployment::DefinitionChange;
use crate::model::deployment::ServiceDeployments;
use crate::model::deployment::TaskDefinitionDiff;
use crate::model::service::task_definition_label;
use crate::read::targets::describe_service;

/// The deployments of `service`.
pub async fn service_deployments(
    session: &Session,
    cluster: &str,
    service: &str,
) -> Result<ServiceDeployments, CoreError> {
    let found = describe_service(session, cluster, service).await?;
    let deployments = crate::read::described::deployments_of(&found);
    let (task_definition, revision) =
        task_definition_label(crate::read::described::task_definition_of(&found));
    let previous_task_definition = task_definition
        .rsplit_once(':')
        .filter(|_| revision > 1)
        .map(|(family, _)| format!("{family}:{}", revision - 1));
    Ok(ServiceDeployments {
        deployments,
        circuit_breaker: found
            .deployment_configuration()
            .and_then(|c| c.deployment_circuit_breaker())
            .map(|b| CircuitBreakerInfo {
                enabled: b.enable(),
                rollback: b.rollback(),
            }),
        task_definition,
        previous_task_definition,
    })
}

/// The fields compared, per container (None key = task level). Environment values are never
/// read into this: only names, since they may hold secrets.
type Fields = BTreeMap<(Option<String>, String), Vec<String>>;

/// The compared fields of a task definition.
fn fields(td: &aws_sdk_ecs::types::TaskDefinition) -> Fields {
    let mut out = Fields::new();
    let mut put = |c: Option<&str>, f: &str, v: String| {
        out.entry((c.map(str::to_string), f.to_string()))
            .or_default()
            .push(v)
    };
    if let Some(cpu) = td.cpu() {
        put(None, "cpu", cpu.to_string());
    }
    if let Some(memory) = td.memory() {
        put(None, "memory", memory.to_string());
    }
    if let Some(arch) = td.runtime_platform().and_then(|p| p.cpu_architecture()) {
        put(None, "cpuArchitecture", arch.as_str().to_string());
    }
    for c in td.container_definitions() {
        let name = c.name();
        put(name, "container", "present".into());
        if let Some(image) = c.image() {
            put(name, "image", image.to_string());
        }
        if c.cpu() > 0 {
            put(name, "cpu", c.cpu().to_string());
        }
        if let Some(m) = c.memory() {
            put(name, "memory", m.to_string());
        }
        for e in c.environment() {
            if let Some(n) = e.name() {
                put(name, "environment", n.to_string());
            }
        }
        for s in c.secrets() {
            put(name, "secrets", s.name().to_string());
        }
    }
    out
}

/// Compares two sets of fields.
fn diff(before: &Fields, after: &Fields) -> Vec<DefinitionChange> {
    let mut keys: Vec<&(Option<String>, String)> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let (container, field) = key;
        let old = before.get(key).cloned().unwrap_or_default();
        let new = after.get(key).cloned().unwrap_or_default();
        if field == "environment" || field == "secrets" {
            // Name sets: one change per added or removed name.
            for gone in old.iter().filter(|n| !new.contains(n)) {
                out.push(DefinitionChange {
                    container: container.clone(),
                    field: field.clone(),
                    before: Some(gone.clone()),
                    after: None,
                });
            }
            for added in new.iter().filter(|n| !old.contains(n)) {
                out.push(DefinitionChange {
                    container: container.clone(),
                    field: field.clone(),
                    before: None,
                    after: Some(added.clone()),
                });
            }
        } else if old != new {
            out.push(DefinitionChange {
                container: container.clone(),
                field: field.clone(),
                before: old.first().cloned(),
                after: new.first().cloned(),
            });
        }
    }
    out
}

/// DescribeTaskDefinition of `name` (`family:revision` or ARN).
pub(crate) async fn describe_task_definition(
    session: &Session,
    name: &str,
) -> Result<aws_sdk_ecs::types::TaskDefinition, CoreError> {
    let fetch = || async {
        let out = session
            .ecs
            .describe_task_definition()
            .task_definition(name)
            .send()
            .await
            .map_err(session.error("ecs:DescribeTaskDefinition"))?;
        out.task_definition.map(std::sync::Arc::new).ok_or_else(|| {
            CoreError::NotFound(format!("The task definition {name} was not found."))
        })
    };
    // A revision never changes once registered, so views share it; a bare family means "latest".
    let pinned = name.rsplit('/').next().is_some_and(|n| n.contains(':'));
    let found = if pinned {
        session
            .reads()
            .table("task-definitions", crate::util::freshness::DEFINITION_TTL)
            .get(name.to_string(), fetch)
            .await?
    } else {
        fetch().await?
    };
    Ok(found.as_ref().clone())
}

/// What changed from task definition `from` to `to` (each `family:revision` or an ARN).
pub async fn task_definition_diff(
    session: &Session,
    from: &str,
    to: &str,
) -> Result<TaskDefinitionDiff, CoreError> {
    let (old, new) = futures::try_join!(
        describe_task_definition(session, from),
        describe_task_definition(session, to)
    )?;
    let label = |td: &aws_sdk_ecs::types::TaskDefinition| {
        task_definition_label(td.task_definition_arn().unwrap_or_default()).0
    };
    Ok(TaskDefinitionDiff {
        from: label(&old),
        to: label(&new),
        changes: diff(&fields(&old), &fields(&new)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(entries: &[(Option<&str>, &str, &[&str])]) -> Fields {
        entries
            .iter()
            .map(|(c, f, v)| {
                (
                    (c.map(str::to_string), f.to_string()),
                    v.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn diff_reports_images_sizes_and_env_names() {
        let old = fields_of(&[
            (None, "memory", &["1024"]),
            (Some("api"), "image", &["repo:1"]),
            (Some("api"), "environment", &["A", "B"]),
        ]);
        let new = fields_of(&[
            (None, "memory", &["2048"]),
            (Some("api"), "image", &["repo:2"]),
            (Some("api"), "environment", &["A", "C"]),
        ]);
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 4, "{changes:?}");
        assert!(changes.iter().any(|c| c.field == "memory"
            && c.before.as_deref() == Some("1024")
            && c.after.as_deref() == Some("2048")));
        assert!(changes.iter().any(|c| c.field == "environment"
            && c.before.as_deref() == Some("B")
            && c.after.is_none()));
        assert!(changes
            .iter()
            .any(|c| c.field == "environment" && c.after.as_deref() == Some("C")));
        assert!(diff(&old, &old).is_empty());
    }
}
