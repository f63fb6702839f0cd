//! The use cases the shell calls: browsing, health, actions, the fleet, sign-in and exports.

pub mod actions;
pub mod browse;
pub mod charts;
pub mod console;
pub mod fleet;
pub mod health;
pub mod history;
pub mod incident;
pub mod observability;
pub mod palette;
pub mod signin;
