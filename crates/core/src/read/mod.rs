//! Readers: ECS, CloudWatch, CloudWatch Logs and ELB reads, each taking a session and returning
//! model types.

pub mod alarms;
pub mod changes;
pub mod clusters;
pub mod deployments;
pub(crate) mod described;
pub mod diagnosis;
pub mod events;
pub mod insights;
pub mod log_follow;
pub mod logs;
pub mod metrics;
pub mod reading;
pub mod scaling;
pub mod service_deployments;
pub mod services;
pub mod targets;
pub mod task_definitions;
pub mod tasks;
