//! Changing the limits Application Auto Scaling keeps a service's desired count within.

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};

use crate::aws::session::Session;
use crate::error::CoreError;
use crate::model::scaling::{resource_id, ScalingLimits};

/// RegisterScalableTarget with new min and max for `service` of `cluster` (idempotent: sending
/// the same limits twice leaves them as they are, so the SDK's retries are safe).
pub async fn register(
    session: &Session,
    cluster: &str,
    service: &str,
    limits: ScalingLimits,
) -> Result<(), CoreError> {
    session
        .scaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource_id(cluster, service))
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .min_capacity(limits.min)
        .max_capacity(limits.max)
        .send()
        .await
        .map_err(session.error("application-autoscaling:RegisterScalableTarget"))?;
    Ok(())
}
