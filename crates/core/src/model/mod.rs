//! Pure types and rules: what the app knows about partitions, services, tasks, deployments,
//! health, plans and protection. No I/O and no SDK clients: everything here is a function of
//! its inputs, so it is tested without a network.

pub mod action;
pub mod alarm;
pub mod change;
pub mod cluster;
pub mod console;
pub mod count;
pub mod deployment;
pub mod diagnosis;
pub mod event;
pub mod health;
pub mod insights;
pub mod links;
pub mod lttb;
pub mod metrics;
pub mod partition;
pub mod plan;
pub mod protection;
pub mod reading;
pub mod rollout;
pub mod scaling;
pub mod service;
pub mod service_deployment;
pub mod service_kind;
pub mod service_ref;
pub mod sparkline;
pub mod strategy;
pub mod target;
pub mod task;
pub mod thresholds;
pub mod watch;
pub mod zoom;
