//! Task definitions as the views read them: one revision is fetched once and shared, since a
//! registered revision never changes.

use crate::aws::session::Session;
use crate::error::CoreError;

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
