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
use crate::model::service_deployment::DeploymentHistory;
use crate::read::targets::describe_service;
use crate::read::task_definitions::describe_task_definition;

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
    let strategy = crate::read::described::strategy_of(found.deployment_configuration());
    // The history is worth showing but never worth failing the tab for (a role without
    // ecs:ListServiceDeployments still sees what DescribeServices lists).
    let history =
        crate::read::service_deployments::history(session, cluster, service, strategy.clone())
            .await
            .unwrap_or_else(|e| DeploymentHistory {
                available: false,
                note: Some(format!("ECS's deployment history could not be read: {e}")),
                strategy_words: strategy.summary(),
                strategy,
                deployments: Vec::new(),
            });
    Ok(ServiceDeployments {
        history,
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
